"""Schedules built from other schedules.

``Sequential`` is the one composition primitive (a later schedule sees
``t - boundary``, as Optax's ``join_schedules``); ``Warmup`` and
``WarmupStableDecay`` are written with it.
"""

import functools
import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import Schedule, _check_increasing, check_child, restarts_of
from ._library import Constant, CosineDecay, PolynomialDecay


def _check_schedules(name, schedules):
    if not isinstance(schedules, (list, tuple)) or not schedules:
        raise ValueError(f"{name} must be a non-empty list of schedules, got {schedules!r}.")
    for i, s in enumerate(schedules):
        check_child(f"{name}[{i}]", s)


class Sequential(Schedule):
    r"""Run schedules one after another.

    Schedule ``i`` runs on :math:`[b_{i-1}, b_i)` and sees the step
    :math:`t - b_{i-1}` and the horizon :math:`b_i - b_{i-1}` (the last one
    sees :math:`T - b_{n-1}`, or no horizon when the fit has none):

    .. math:: f(t) = f_i(t - b_{i-1}), \quad b_{i-1} \le t < b_i

    Optax's ``join_schedules``; PyTorch's ``SequentialLR`` with
    ``milestones=boundaries`` (which restarts each scheduler the same way).

    Parameters
    ----------
    schedules : list of Schedule
        The schedules, in order.
    boundaries : list of int
        ``len(schedules) - 1`` strictly increasing positive steps.

    Examples
    --------
    >>> from sklr.schedules import Constant, CosineDecay, Sequential
    >>> s = Sequential([Constant(), CosineDecay()], boundaries=[2])
    >>> s([0, 1, 2, 3, 4], horizon=4)
    array([1. , 1. , 1. , 0.5, 0. ])
    """

    _parameter_constraints = {"schedules": [list, tuple], "boundaries": ["array-like"]}

    def __init__(self, schedules, boundaries):
        self.schedules = schedules
        self.boundaries = boundaries

    def _check_params(self):
        _check_schedules("schedules", self.schedules)
        bounds = _check_increasing("boundaries", self.boundaries, strictly_positive=True)
        if len(bounds) != len(self.schedules) - 1:
            raise ValueError(
                f"boundaries must have one value fewer than schedules "
                f"({len(self.schedules)} schedules need {len(self.schedules) - 1} "
                f"boundaries), got boundaries={self.boundaries!r}."
            )

    def _factor(self, t, horizon):
        return self._by_piece(t, horizon, lambda s: s, np.empty_like(t))

    def _restarts(self, t, horizon):
        restarts = np.zeros(t.shape, dtype=bool)
        return self._by_piece(t, horizon, lambda s: functools.partial(restarts_of, s), restarts)

    def _by_piece(self, t, horizon, method, out):
        """Fill ``out`` with ``method(schedule)(local steps, horizon=...)`` piece by piece."""
        starts = [0, *self.boundaries]
        ends = [*self.boundaries, horizon]
        piece = np.searchsorted(np.asarray(self.boundaries), t, side="right")
        for i, (schedule, begin, end) in enumerate(zip(self.schedules, starts, ends, strict=True)):
            here = piece == i
            if i < len(self.schedules) - 1 or np.any(here):
                sub_horizon = None if end is None else max(1, end - begin)
                out[here] = method(schedule)(t[here] - begin, horizon=sub_horizon)
        return out


class Product(Schedule):
    r"""Multiply the factors of several schedules.

    .. math:: f(t) = \prod_i f_i(t)

    Each schedule sees the same step and horizon. PyTorch's
    ``ChainedScheduler`` for multiplicative schedulers.

    Parameters
    ----------
    schedules : list of Schedule
        The schedules to multiply.

    Examples
    --------
    >>> from sklr.schedules import CosineWarmRestarts, ExponentialDecay, Product
    >>> s = Product([CosineWarmRestarts(period=2), ExponentialDecay(gamma=0.5)])
    >>> s([0, 1, 2, 3])
    array([1.    , 0.25  , 0.25  , 0.0625])
    """

    _parameter_constraints = {"schedules": [list, tuple]}

    def __init__(self, schedules):
        self.schedules = schedules

    def _check_params(self):
        _check_schedules("schedules", self.schedules)

    def _factor(self, t, horizon):
        out = np.ones_like(t)
        for schedule in self.schedules:
            out *= schedule(t, horizon=horizon)
        return out

    def _restarts(self, t, horizon):
        out = np.zeros(t.shape, dtype=bool)
        for schedule in self.schedules:
            out |= restarts_of(schedule, t, horizon)
        return out


class Warmup(Schedule):
    r"""Ramp up over ``warmup_steps`` steps, then run ``schedule``.

    With :math:`W` = ``warmup_steps`` and :math:`s` = ``start_factor``:

    .. math:: f(t) = \begin{cases}
        s + (1 - s)\,t / W & t < W \text{ (linear)} \\
        s + (1 - s)\,(1 - \cos(\pi t / W)) / 2 & t < W \text{ (cos)} \\
        s & t < W \text{ (constant)} \\
        g(t - W) & t \ge W
        \end{cases}

    The wrapped schedule :math:`g` starts at step :math:`W` and plans over
    the rest of the horizon, :math:`T - W`: the warmup counts inside the
    fit's horizon, as in Optax's ``warmup_cosine_decay_schedule`` (whose
    ``decay_steps`` includes the warmup). ``Warmup(CosineDecay(), W)`` at
    horizon ``T`` is that Optax schedule with ``init_value = s * lr``,
    ``peak_value = lr``, ``decay_steps = T``, ``end_value = 0``. PyTorch's
    ``SequentialLR([LinearLR(s, 1, W), ...], milestones=[W])`` is the same
    shape.

    Parameters
    ----------
    schedule : Schedule, default=Constant()
        What runs after the warmup.
    warmup_steps : int, default=5
        Length ``W`` of the ramp; must be smaller than the horizon.
    start_factor : float, default=0.01
        Factor ``s`` at step 0, in [0, 1].
    mode : {'linear', 'cos', 'constant'}, default='linear'
        Shape of the ramp.

    Examples
    --------
    >>> from sklr.schedules import CosineDecay, Warmup
    >>> Warmup(CosineDecay(), warmup_steps=2, start_factor=0.0)(range(5), horizon=4)
    array([0. , 0.5, 1. , 0.5, 0. ])
    """

    _parameter_constraints = {
        "schedule": "no_validation",  # checked by check_child, which says what to pass
        "warmup_steps": [Interval(Integral, 1, None, closed="left")],
        "start_factor": [Interval(Real, 0, 1, closed="both")],
        "mode": [StrOptions({"linear", "cos", "constant"})],
    }

    def __init__(
        self,
        schedule=Constant(),  # noqa: B008 - schedules are stateless
        warmup_steps: int = 5,
        start_factor: float = 0.01,
        mode: str = "linear",
    ):
        self.schedule = schedule
        self.warmup_steps = warmup_steps
        self.start_factor = start_factor
        self.mode = mode

    def _check_params(self):
        check_child("schedule", self.schedule)

    def _factor(self, t, horizon):
        return self._as_sequence(horizon)._factor(t, horizon)

    def _restarts(self, t, horizon):
        return self._as_sequence(horizon)._restarts(t, horizon)

    def _as_sequence(self, horizon):
        """The ramp, then the schedule."""
        W = self.warmup_steps
        if horizon is not None and W >= horizon:
            raise ValueError(
                f"warmup_steps ({W}) must be smaller than the horizon "
                f"({horizon} steps); lower warmup_steps or train for more steps."
            )
        return Sequential([_Ramp(self.start_factor, self.mode, W), self.schedule], [W])


class _Ramp(Schedule):
    """The warmup ramp of ``Warmup``, from ``start`` to 1 over ``length`` steps."""

    def __init__(self, start, mode, length):
        self.start = start
        self.mode = mode
        self.length = length

    def _factor(self, t, horizon):
        fraction = t / self.length
        if self.mode == "linear":
            shape = fraction
        elif self.mode == "cos":
            shape = 0.5 * (1.0 - np.cos(np.pi * fraction))
        else:
            shape = np.zeros_like(t)
        return self.start + (1.0 - self.start) * shape


class WarmupStableDecay(Schedule):
    r"""Warmup, a long flat stretch, then a short decay to zero (WSD).

    With horizon :math:`T`, :math:`W` = ``warmup_steps`` and
    :math:`D = \max(1, \lceil \text{decay\_fraction} \cdot T \rceil)` (the
    product rounded to 9 decimals first, so that 0.07 of 100 steps is 7):

    .. math:: f(t) = \begin{cases}
        0.01 + 0.99\,t / W & t < W \\
        1 & W \le t < T - D \\
        g(\min(t - T + D, D) / D) & t \ge T - D
        \end{cases}

    with :math:`g(x) = 1 - x` (``'linear'``) or
    :math:`g(x) = (1 + \cos \pi x) / 2` (``'cosine'``), so the factor reaches
    0 at :math:`T`. Built as ``Warmup(Sequential([Constant(), decay]))``.

    Parameters
    ----------
    warmup_steps : int or None, default=None
        Length of the warmup; ``None`` means ``max(1, T // 10)``, shortened
        to ``T - D`` when the horizon is too short for both (so a one-step
        horizon has no warmup).
    decay_fraction : float, default=0.1
        Fraction of the horizon spent decaying, in (0, 1].
    decay : {'linear', 'cosine'}, default='linear'
        Shape of the final decay.

    Examples
    --------
    >>> from sklr.schedules import WarmupStableDecay
    >>> WarmupStableDecay(warmup_steps=1, decay_fraction=0.2)(range(10), horizon=10)
    array([0.01, 1.  , 1.  , 1.  , 1.  , 1.  , 1.  , 1.  , 1.  , 0.5 ])
    """

    _parameter_constraints = {
        "warmup_steps": [Interval(Integral, 1, None, closed="left"), None],
        "decay_fraction": [Interval(Real, 0, 1, closed="right")],
        "decay": [StrOptions({"linear", "cosine"})],
    }

    def __init__(self, warmup_steps=None, decay_fraction: float = 0.1, decay: str = "linear"):
        self.warmup_steps = warmup_steps
        self.decay_fraction = decay_fraction
        self.decay = decay

    def _factor(self, t, horizon):
        T = self._horizon(horizon)
        # Rounded first: 0.07 * 100 is 7.000000000000001 in floating point.
        D = max(1, math.ceil(round(self.decay_fraction * T, 9)))
        if self.warmup_steps is None:
            # The default warmup gives way to the decay on very short horizons.
            W = min(max(1, T // 10), T - D)
        else:
            W = self.warmup_steps
        if W + D > T:
            raise ValueError(
                f"warmup_steps ({W}) plus the decay ({D} steps: decay_fraction="
                f"{self.decay_fraction} of {T}) must fit in the horizon ({T} steps)."
            )
        tail = (
            PolynomialDecay(total_steps=D)
            if self.decay == "linear"
            else CosineDecay(total_steps=D)
        )
        stable = T - D - W
        body = Sequential([Constant(), tail], [stable]) if stable else tail
        if not W:
            return body._factor(t, T)
        return Warmup(body, warmup_steps=W, start_factor=0.01)._factor(t, T)
