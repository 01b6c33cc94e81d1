"""The LR-tuned estimators."""

from ._estimators import (
    LRTuned,
    LRTunedMLPClassifier,
    LRTunedMLPRegressor,
    LRTunedSGDClassifier,
    LRTunedSGDRegressor,
)

__all__ = [
    "LRTuned",
    "LRTunedMLPClassifier",
    "LRTunedMLPRegressor",
    "LRTunedSGDClassifier",
    "LRTunedSGDRegressor",
]
