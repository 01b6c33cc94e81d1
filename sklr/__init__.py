"""sklr: learning-rate schedules and policies for scikit-learn estimators."""

from . import finder, policies, schedules
from ._engine import DivergenceError
from ._simulate import simulate
from .estimators import (
    LRTuned,
    LRTunedMLPClassifier,
    LRTunedMLPRegressor,
    LRTunedSGDClassifier,
    LRTunedSGDRegressor,
)
from .finder import lr_find

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "LRTuned",
    "LRTunedMLPClassifier",
    "LRTunedMLPRegressor",
    "LRTunedSGDClassifier",
    "LRTunedSGDRegressor",
    "policies",
    "finder",
    "lr_find",
    "schedules",
    "simulate",
    "__version__",
]
