"""Feedback policies: schedules that listen to the loss or the validation score."""

from ._controller import ALIASES, Controller, parts_over_the_fit, policies_in, resolve
from ._policies import (
    ADAPTIVE_MIN_LR,
    POLICY_ALIASES,
    Adaptive,
    BoldDriver,
    LiveState,
    Policy,
    ReduceOnPlateau,
)

__all__ = [
    "ADAPTIVE_MIN_LR",
    "ALIASES",
    "POLICY_ALIASES",
    "Adaptive",
    "BoldDriver",
    "Controller",
    "LiveState",
    "Policy",
    "ReduceOnPlateau",
    "parts_over_the_fit",
    "policies_in",
    "resolve",
]
