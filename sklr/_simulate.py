"""Preview a schedule's learning rates without training."""

from numbers import Integral, Real

import numpy as np

from .policies import resolve
from .schedules._base import check_factors


def simulate(schedule, n_steps: int, lr: float = 1.0) -> np.ndarray:
    """Return the learning rates a schedule gives over ``n_steps`` steps.

    A fit of ``n_steps`` steps with no feedback policy records exactly this
    sequence in its ``lr_curve_`` (unless it rolls back a step that diverged,
    after which the rate is shrunk; see ``lr_events_``): the schedule is
    evaluated at steps
    ``0 .. n_steps - 1`` with ``horizon=n_steps`` and scaled by ``lr``. For a
    policy (:mod:`sklr.policies`) it shows the base schedule with no feedback:
    what the fit does if the policy never reacts.

    Parameters
    ----------
    schedule : str, Schedule or Policy
        A schedule or policy object, or a string alias (see
        :func:`sklr.schedules.make_schedule`; policies add ``'plateau'``,
        ``'adaptive'`` and ``'bold_driver'``).
    n_steps : int
        Number of steps, >= 1; also the horizon.
    lr : float, default=1.0
        Base (peak) learning rate.

    Returns
    -------
    lrs : ndarray of shape (n_steps,)
        The learning rate of each step, ``lr`` times the schedule's factor.

    Examples
    --------
    >>> import sklr
    >>> sklr.simulate("step", 3, lr=0.1)
    array([0.1, 0.1, 0.1])
    >>> sklr.simulate(sklr.schedules.CosineDecay(), 3, lr=1.0)
    array([1.  , 0.75, 0.25])
    """
    schedule = resolve(schedule)
    if not isinstance(n_steps, Integral) or isinstance(n_steps, bool) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive integer, got {n_steps!r}.")
    if not isinstance(lr, Real) or isinstance(lr, bool) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a finite float > 0, got {lr!r}.")
    steps = np.arange(n_steps)
    factors = schedule(steps, horizon=n_steps)
    check_factors(factors, steps, schedule)
    return lr * factors
