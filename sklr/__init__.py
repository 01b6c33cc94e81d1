"""sklr: learning-rate schedules and policies for scikit-learn estimators."""

from . import schedules
from ._simulate import simulate

__version__ = "0.1.0"

__all__ = ["schedules", "simulate", "__version__"]
