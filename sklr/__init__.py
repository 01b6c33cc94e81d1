"""sklr: learning-rate schedules and policies for scikit-learn estimators."""

from . import policies, schedules
from ._engine import DivergenceError
from ._simulate import simulate
from .estimators import (
    LRTuned,
    LRTunedMLPClassifier,
    LRTunedMLPRegressor,
    LRTunedSGDClassifier,
    LRTunedSGDRegressor,
)

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "LRTuned",
    "LRTunedMLPClassifier",
    "LRTunedMLPRegressor",
    "LRTunedSGDClassifier",
    "LRTunedSGDRegressor",
    "policies",
    "schedules",
    "simulate",
    "__version__",
]
