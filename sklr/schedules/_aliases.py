"""String names for the default schedule objects."""

from ._base import Schedule
from ._compose import Warmup, WarmupStableDecay
from ._library import (
    Constant,
    CosineDecay,
    CosineWarmRestarts,
    Cyclic,
    ExponentialDecay,
    InverseTimeDecay,
    LinearSchedule,
    OneCycle,
    PolynomialDecay,
    StepDecay,
)

SCHEDULE_ALIASES = {
    "constant": Constant,
    "step": StepDecay,
    "exponential": ExponentialDecay,
    "invscaling": lambda: InverseTimeDecay(power=0.25),
    "polynomial": PolynomialDecay,
    "linear": LinearSchedule,
    "cosine": CosineDecay,
    "restarts": CosineWarmRestarts,
    "cyclic": Cyclic,
    "onecycle": OneCycle,
    "wsd": WarmupStableDecay,
    "warmup_cosine": lambda: Warmup(CosineDecay()),
}


def make_schedule(spec, aliases=None):
    """Return the schedule object that ``spec`` names.

    Parameters
    ----------
    spec : str or Schedule
        A schedule object (returned as is) or one of the string aliases:
        ``'constant'``, ``'step'``, ``'exponential'``, ``'invscaling'``
        (``InverseTimeDecay(power=0.25)``, the shape of ``SGDRegressor``'s
        default ``power_t``; ``SGDClassifier`` and the MLPs default to 0.5),
        ``'polynomial'``, ``'linear'``, ``'cosine'``, ``'restarts'``,
        ``'cyclic'``, ``'onecycle'``, ``'wsd'`` and
        ``'warmup_cosine'`` (``Warmup(CosineDecay())``); each builds the
        class with its default parameters.
    aliases : dict or None, default=None
        Name -> factory table to use instead of the schedules' own.

    Returns
    -------
    schedule : Schedule
        The schedule object: ``spec`` itself, or a new one built from its name.

    Examples
    --------
    >>> from sklr.schedules import make_schedule
    >>> make_schedule("cosine")
    CosineDecay()
    """
    aliases = SCHEDULE_ALIASES if aliases is None else aliases
    if isinstance(spec, str):
        if spec not in aliases:
            raise ValueError(
                f"Unknown schedule {spec!r}; use one of {sorted(aliases)} "
                "or a schedule object such as sklr.schedules.CosineDecay()."
            )
        return aliases[spec]()
    if isinstance(spec, Schedule) or (
        not isinstance(spec, type) and hasattr(spec, "get_params") and callable(spec)
    ):
        return spec
    raise TypeError(
        f"schedule must be a string alias or a schedule object, got {spec!r} "
        f"of type {type(spec).__name__}."
    )
