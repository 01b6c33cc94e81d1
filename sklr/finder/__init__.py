"""The LR range test and the choice of ``lr='auto'``."""

from ._finder import (
    RACE_MULTIPLIERS,
    LRFinderResult,
    choose_lr,
    edge,
    lr_find,
    minimum,
    race_multipliers,
    steepest,
    valley,
)

__all__ = [
    "RACE_MULTIPLIERS",
    "LRFinderResult",
    "choose_lr",
    "edge",
    "lr_find",
    "minimum",
    "race_multipliers",
    "steepest",
    "valley",
]
