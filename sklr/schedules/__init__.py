"""Learning-rate schedules in factor form: ``lr(t) = lr * schedule(t, horizon)``."""

from ._aliases import SCHEDULE_ALIASES, make_schedule
from ._base import Schedule
from ._compose import Product, Sequential, Warmup, WarmupStableDecay
from ._library import (
    Constant,
    CosineDecay,
    CosineWarmRestarts,
    Cyclic,
    ExponentialDecay,
    InverseTimeDecay,
    LinearSchedule,
    MultiStepDecay,
    OneCycle,
    PiecewiseConstant,
    PolynomialDecay,
    StepDecay,
)

__all__ = [
    "SCHEDULE_ALIASES",
    "Constant",
    "CosineDecay",
    "CosineWarmRestarts",
    "Cyclic",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LinearSchedule",
    "MultiStepDecay",
    "OneCycle",
    "PiecewiseConstant",
    "PolynomialDecay",
    "Product",
    "Schedule",
    "Sequential",
    "StepDecay",
    "Warmup",
    "WarmupStableDecay",
    "make_schedule",
]
