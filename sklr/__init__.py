"""sklr: learning-rate schedules and policies for scikit-learn estimators."""

from . import schedules
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
    "LRTuned",
    "LRTunedMLPClassifier",
    "LRTunedMLPRegressor",
    "LRTunedSGDClassifier",
    "LRTunedSGDRegressor",
    "schedules",
    "simulate",
    "__version__",
]
