"""Feedback policies: schedules that listen to the loss or the validation score."""

from ._controller import ALIASES
from ._controller import Controller as Controller
from ._controller import parts_over_the_fit as parts_over_the_fit
from ._controller import policies_in as policies_in
from ._controller import resolve as resolve
from ._policies import (
    ADAPTIVE_MIN_LR,
    POLICY_ALIASES,
    Adaptive,
    BoldDriver,
    Policy,
    ReduceOnPlateau,
)
from ._policies import LiveState as LiveState

# The controller and the tree helpers are the estimators' machinery: importable
# from here, but not part of the public API. (A new policy is a Policy and the
# LiveState it binds.)
__all__ = [
    "ADAPTIVE_MIN_LR",
    "ALIASES",
    "POLICY_ALIASES",
    "Adaptive",
    "BoldDriver",
    "LiveState",
    "Policy",
    "ReduceOnPlateau",
]
