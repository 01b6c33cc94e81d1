"""scikit-learn's own estimator checks, over every public estimator."""

from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklr import (
    LRTuned,
    LRTunedMLPClassifier,
    LRTunedMLPRegressor,
    LRTunedSGDClassifier,
    LRTunedSGDRegressor,
)

ESTIMATORS = [
    LRTunedSGDClassifier(),
    LRTunedSGDRegressor(),
    LRTunedMLPClassifier(hidden_layer_sizes=(8,)),
    LRTunedMLPRegressor(hidden_layer_sizes=(8,)),
    LRTuned(SGDClassifier()),
    LRTuned(SGDRegressor()),
    LRTuned(MLPClassifier(hidden_layer_sizes=(8,))),
    LRTuned(MLPRegressor(hidden_layer_sizes=(8,))),
    # Averaging: the divergence checks watch SGD's iterate, not the lagging average.
    LRTunedSGDClassifier(average=True),
    LRTunedSGDRegressor(average=10),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
