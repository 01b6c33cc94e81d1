"""Per-model knowledge: how to set the LR of a model, step it, save and restore it."""

from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor

from ._base import AUTO_BATCH_SIZE, Adapter
from ._mlp import MLPAdapter, check_lr_hook
from ._sgd import SGDAdapter

ADAPTERS = {
    SGDClassifier: SGDAdapter,
    SGDRegressor: SGDAdapter,
    MLPClassifier: MLPAdapter,
    MLPRegressor: MLPAdapter,
}


def adapter_class(model):
    """The adapter for ``model``'s class, or a ``TypeError`` naming the supported ones."""
    for cls, adapter in ADAPTERS.items():
        if type(model) is cls:
            return adapter
    supported = ", ".join(cls.__name__ for cls in ADAPTERS)
    raise TypeError(
        f"sklr cannot schedule the learning rate of {type(model).__name__}; "
        f"supported models: {supported}."
    )


__all__ = ["ADAPTERS", "AUTO_BATCH_SIZE", "Adapter", "adapter_class", "check_lr_hook"]
