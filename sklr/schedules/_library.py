"""The catalogue of closed-form schedules.

Each class is a few lines of arithmetic on the step count ``t``; the factor
multiplies the estimator's base rate ``lr``. ``T`` is the horizon: the
schedule's ``total_steps`` when given, else the number of steps of the fit.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import Schedule, _check_increasing

_POSITIVE = Interval(Real, 0, None, closed="neither")
_FRACTION = Interval(Real, 0, 1, closed="both")
_TOTAL_STEPS = [Interval(Integral, 1, None, closed="left"), None]


class Constant(Schedule):
    r"""Keep the learning rate at ``lr``.

    .. math:: f(t) = 1

    Examples
    --------
    >>> from sklr.schedules import Constant
    >>> Constant()([0, 5, 50])
    array([1., 1., 1.])
    """

    def _factor(self, t, horizon):
        return np.ones_like(t)


class StepDecay(Schedule):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps.

    .. math:: f(t) = \gamma^{\lfloor t / s \rfloor}

    Same values as PyTorch's ``StepLR(step_size, gamma)``.

    Parameters
    ----------
    step_size : int, default=10
        Steps between two decays.
    gamma : float, default=0.1
        Multiplicative factor of each decay, > 0.

    Examples
    --------
    >>> from sklr.schedules import StepDecay
    >>> StepDecay(step_size=2, gamma=0.5)([0, 1, 2, 3, 4])
    array([1.  , 1.  , 0.5 , 0.5 , 0.25])
    """

    _parameter_constraints = {
        "step_size": [Interval(Integral, 1, None, closed="left")],
        "gamma": [_POSITIVE],
    }

    def __init__(self, step_size: int = 10, gamma: float = 0.1):
        self.step_size = step_size
        self.gamma = gamma

    def _factor(self, t, horizon):
        return self.gamma ** np.floor(t / self.step_size)


class MultiStepDecay(Schedule):
    r"""Multiply the rate by ``gamma`` at each milestone.

    .. math:: f(t) = \gamma^{\#\{m \in \text{milestones} : m \le t\}}

    Same values as PyTorch's ``MultiStepLR(milestones, gamma)``; the decay
    applies *at* the milestone step.

    Parameters
    ----------
    milestones : sequence of int, default=(10, 20)
        Strictly increasing, non-negative steps.
    gamma : float, default=0.1
        Multiplicative factor of each decay, > 0.

    Examples
    --------
    >>> from sklr.schedules import MultiStepDecay
    >>> MultiStepDecay(milestones=[2, 3], gamma=0.1)([0, 1, 2, 3, 4])
    array([1.  , 1.  , 0.1 , 0.01, 0.01])
    """

    _parameter_constraints = {
        "milestones": ["array-like"],
        "gamma": [_POSITIVE],
    }

    def __init__(self, milestones=(10, 20), gamma: float = 0.1):
        self.milestones = milestones
        self.gamma = gamma

    def _check_params(self):
        _check_increasing("milestones", self.milestones)

    def _factor(self, t, horizon):
        passed = np.searchsorted(np.asarray(self.milestones), t, side="right")
        return self.gamma**passed


class ExponentialDecay(Schedule):
    r"""Decay the rate by ``gamma`` every ``decay_steps`` steps, smoothly.

    .. math:: f(t) = \gamma^{t / d}
        \quad\text{or, with staircase,}\quad \gamma^{\lfloor t / d \rfloor}

    With ``decay_steps=1`` it equals PyTorch's ``ExponentialLR(gamma)``; it is
    Keras' and Optax's ``exponential_decay`` with ``decay_rate=gamma``,
    ``decay_steps`` (Optax's ``transition_steps``) and ``staircase``.

    Parameters
    ----------
    gamma : float, default=0.95
        Factor applied over ``decay_steps`` steps, > 0.
    decay_steps : int, default=1
        Steps over which the rate is multiplied by ``gamma``.
    staircase : bool, default=False
        Decay in discrete jumps every ``decay_steps`` steps.

    Examples
    --------
    >>> from sklr.schedules import ExponentialDecay
    >>> ExponentialDecay(gamma=0.5)([0, 1, 2])
    array([1.  , 0.5 , 0.25])
    """

    _parameter_constraints = {
        "gamma": [_POSITIVE],
        "decay_steps": [Interval(Integral, 1, None, closed="left")],
        "staircase": ["boolean"],
    }

    def __init__(self, gamma: float = 0.95, decay_steps: int = 1, staircase=False):
        self.gamma = gamma
        self.decay_steps = decay_steps
        self.staircase = staircase

    def _factor(self, t, horizon):
        p = t / self.decay_steps
        return self.gamma ** (np.floor(p) if self.staircase else p)


class InverseTimeDecay(Schedule):
    r"""Decay the rate as an inverse power of time.

    .. math:: f(t) = \left(1 + r\,t / d\right)^{-p}

    With ``power=1`` it is Keras' ``InverseTimeDecay(decay_rate=r,
    decay_steps=d)`` (non-staircase). With ``decay_rate=1, decay_steps=1``
    it is scikit-learn's ``'invscaling'``, ``eta0 / (t + 1) ** power_t``,
    counted in sklr steps instead of samples.

    Parameters
    ----------
    decay_rate : float, default=1.0
        Rate ``r`` >= 0.
    decay_steps : int, default=1
        Time scale ``d`` of the decay.
    power : float, default=1.0
        Exponent ``p`` >= 0.

    Examples
    --------
    >>> from sklr.schedules import InverseTimeDecay
    >>> InverseTimeDecay()([0, 1, 3])
    array([1.  , 0.5 , 0.25])
    """

    _parameter_constraints = {
        "decay_rate": [Interval(Real, 0, None, closed="left")],
        "decay_steps": [Interval(Integral, 1, None, closed="left")],
        "power": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, decay_rate: float = 1.0, decay_steps: int = 1, power: float = 1.0):
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps
        self.power = power

    def _factor(self, t, horizon):
        return (1.0 + self.decay_rate * t / self.decay_steps) ** -self.power


class PolynomialDecay(Schedule):
    r"""Decay polynomially from 1 to ``end_factor`` over the horizon.

    .. math:: f(t) = (1 - e)\left(1 - \frac{\min(t, T)}{T}\right)^{p} + e

    With ``end_factor=0`` it is PyTorch's ``PolynomialLR(total_iters=T,
    power=p)``; it is Keras' ``PolynomialDecay`` (``cycle=False``) and Optax's
    ``polynomial_schedule``, with ``end_learning_rate = e * lr``.

    Parameters
    ----------
    power : float, default=1.0
        Exponent ``p`` >= 0; 1 is a linear decay.
    end_factor : float, default=0.0
        Factor ``e`` reached at ``T`` and held after it.
    total_steps : int or None, default=None
        ``T``; ``None`` uses the horizon of the fit.

    Examples
    --------
    >>> from sklr.schedules import PolynomialDecay
    >>> PolynomialDecay()([0, 1, 2, 3, 4, 5], horizon=4)
    array([1.  , 0.75, 0.5 , 0.25, 0.  , 0.  ])
    """

    _parameter_constraints = {
        "power": [Interval(Real, 0, None, closed="left")],
        "end_factor": [Interval(Real, 0, None, closed="left")],
        "total_steps": _TOTAL_STEPS,
    }

    def __init__(self, power: float = 1.0, end_factor: float = 0.0, total_steps=None):
        self.power = power
        self.end_factor = end_factor
        self.total_steps = total_steps

    def _factor(self, t, horizon):
        T = self._horizon(horizon)
        e = self.end_factor
        return (1.0 - e) * (1.0 - np.minimum(t, T) / T) ** self.power + e


class LinearSchedule(Schedule):
    r"""Move the factor linearly from ``start_factor`` to ``end_factor``.

    .. math:: f(t) = s + (e - s)\,\frac{\min(t, T)}{T}

    PyTorch's ``LinearLR(start_factor=s, end_factor=e, total_iters=T)``;
    Optax's ``linear_schedule`` with values relative to ``lr``.

    Parameters
    ----------
    start_factor : float, default=1/3
        Factor at step 0, >= 0.
    end_factor : float, default=1.0
        Factor reached at ``T`` and held after it, >= 0.
    total_steps : int or None, default=None
        ``T``; ``None`` uses the horizon of the fit.

    Examples
    --------
    >>> from sklr.schedules import LinearSchedule
    >>> LinearSchedule(start_factor=0.5, total_steps=2)([0, 1, 2, 3])
    array([0.5 , 0.75, 1.  , 1.  ])
    """

    _parameter_constraints = {
        "start_factor": [Interval(Real, 0, None, closed="left")],
        "end_factor": [Interval(Real, 0, None, closed="left")],
        "total_steps": _TOTAL_STEPS,
    }

    def __init__(self, start_factor: float = 1 / 3, end_factor: float = 1.0, total_steps=None):
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_steps = total_steps

    def _factor(self, t, horizon):
        T = self._horizon(horizon)
        s, e = self.start_factor, self.end_factor
        f = np.minimum(t, T) / T
        # Weighted form: exact at both ends, never below min(s, e) by rounding.
        return s * (1.0 - f) + e * f


def _cosine(fraction):
    """Half a cosine from 1 (fraction 0) down to 0 (fraction 1)."""
    return 0.5 * (1.0 + np.cos(np.pi * fraction))


class CosineDecay(Schedule):
    r"""Anneal from 1 to ``min_factor`` along half a cosine.

    .. math:: f(t) = m + (1 - m)\,\frac{1 + \cos(\pi \min(t, T) / T)}{2}

    The closed form of PyTorch's ``CosineAnnealingLR(T_max=T,
    eta_min=m * lr)``, and Keras' ``CosineDecay(decay_steps=T, alpha=m)``.
    Unlike PyTorch, which rises again after ``T_max``, the factor stays at its
    floor past ``T``.

    Parameters
    ----------
    min_factor : float, default=0.0
        Floor ``m``, in [0, 1].
    total_steps : int or None, default=None
        ``T``; ``None`` uses the horizon of the fit.

    Examples
    --------
    >>> from sklr.schedules import CosineDecay
    >>> CosineDecay()([0, 1, 2, 3], horizon=2)
    array([1. , 0.5, 0. , 0. ])
    """

    _parameter_constraints = {
        "min_factor": [_FRACTION],
        "total_steps": _TOTAL_STEPS,
    }

    def __init__(self, min_factor: float = 0.0, total_steps=None):
        self.min_factor = min_factor
        self.total_steps = total_steps

    def _factor(self, t, horizon):
        T = self._horizon(horizon)
        m = self.min_factor
        return m + (1.0 - m) * _cosine(np.minimum(t, T) / T)


class CosineWarmRestarts(Schedule):
    r"""Cosine annealing with warm restarts (SGDR).

    Cycle :math:`i` lasts :math:`P_i = P\,\mu^i` steps; at position
    :math:`\tau` within it

    .. math:: f(t) = m + (1 - m)\,\delta^i\,\frac{1 + \cos(\pi \tau / P_i)}{2}

    where :math:`P` is ``period``, :math:`\mu` is ``period_mult``,
    :math:`\delta` is ``decay`` and :math:`m` is ``min_factor``.

    With ``decay=1`` and an integer ``period_mult`` this is PyTorch's
    ``CosineAnnealingWarmRestarts(T_0=P, T_mult=mu, eta_min=m * lr)``; it is
    Keras' ``CosineDecayRestarts(first_decay_steps=P, t_mul=mu, m_mul=delta,
    alpha=m)``, whose convention for the floor sklr follows: the floor stays
    at ``m`` while the peaks decay by ``delta`` each restart. The schedule
    needs no horizon.

    Parameters
    ----------
    period : int, default=10
        Length of the first cycle, in steps.
    period_mult : float, default=1.0
        Each cycle is this many times longer than the previous one, >= 1.
    min_factor : float, default=0.0
        Floor ``m`` in [0, 1].
    decay : float, default=1.0
        Peak of cycle ``i`` is ``decay ** i`` (above the floor), in (0, 1].

    Examples
    --------
    >>> from sklr.schedules import CosineWarmRestarts
    >>> CosineWarmRestarts(period=2)([0, 1, 2, 3])
    array([1. , 0.5, 1. , 0.5])
    """

    _parameter_constraints = {
        "period": [Interval(Integral, 1, None, closed="left")],
        "period_mult": [Interval(Real, 1, None, closed="left")],
        "min_factor": [_FRACTION],
        "decay": [Interval(Real, 0, 1, closed="right")],
    }

    def __init__(
        self,
        period: int = 10,
        period_mult: float = 1.0,
        min_factor: float = 0.0,
        decay: float = 1.0,
    ):
        self.period = period
        self.period_mult = period_mult
        self.min_factor = min_factor
        self.decay = decay

    def _cycle(self, t):
        """Index of the cycle containing ``t``, its start and its length."""
        P, mu = self.period, self.period_mult
        if mu == 1:
            i = np.floor(t / P)
            return i, i * P, np.full_like(t, P)

        def start(i):
            return P * (mu**i - 1.0) / (mu - 1.0)

        i = np.floor(np.log1p(t * (mu - 1.0) / P) / np.log(mu))
        # log rounding can land one cycle off near a restart; fix it exactly.
        i = np.where(start(i) > t, i - 1, i)
        i = np.where(start(i + 1) <= t, i + 1, i)
        return i, start(i), P * mu**i

    def _factor(self, t, horizon):
        i, begin, length = self._cycle(t)
        m = self.min_factor
        return m + (1.0 - m) * self.decay**i * _cosine((t - begin) / length)

    def _restarts(self, t, horizon):
        # The first step of each cycle after the first (a cycle may start
        # between two steps when period_mult is not an integer), where the
        # factor jumps back up: one-step cycles of a constant peak do not.
        before = np.maximum(t - 1.0, 0.0)
        new_cycle = self._cycle(t)[0] > self._cycle(before)[0]
        return (t > 0) & new_cycle & (self._factor(t, horizon) > self._factor(before, horizon))


class Cyclic(Schedule):
    r"""Cyclical learning rate between ``min_factor`` and 1 (Smith, 2017).

    With :math:`u` = ``step_size_up``, :math:`d` = ``step_size_down``,
    :math:`c = \lfloor 1 + t / (u + d) \rfloor` and
    :math:`x = 1 + t / (u + d) - c`, the ramp is
    :math:`h = x (u + d) / u` while :math:`x \le u / (u + d)` and
    :math:`h = (x - 1) / (u / (u + d) - 1)` after, and

    .. math:: f(t) = m + (1 - m)\,h\,s

    with :math:`s = 1` (``'triangular'``), :math:`s = 2^{1 - c}`
    (``'triangular2'``) or :math:`s = \gamma^t` (``'exp_range'``).

    Exactly PyTorch's ``CyclicLR(base_lr=m * lr, max_lr=lr, step_size_up=u,
    step_size_down=d, mode, gamma)``: it starts at the bottom of a cycle.

    Parameters
    ----------
    min_factor : float, default=0.1
        Bottom of the cycle ``m``, in [0, 1].
    step_size_up : int or None, default=None
        Steps from bottom to top. ``None`` makes two full cycles over the
        horizon, ``max(1, T // 4)``, and past the horizon the factor holds
        the value of the last step planned, ``T - 1`` (where ``T`` falls in
        a cycle depends on ``T``); with a fixed ``step_size_up`` the cycles
        go on.
    step_size_down : int or None, default=None
        Steps from top to bottom; ``None`` means ``step_size_up``.
    mode : {'triangular', 'triangular2', 'exp_range'}, default='triangular'
        How the amplitude changes from cycle to cycle.
    gamma : float, default=1.0
        Per-step amplitude decay of ``'exp_range'``, in (0, 1].

    Examples
    --------
    >>> from sklr.schedules import Cyclic
    >>> Cyclic(min_factor=0.0, step_size_up=2)([0, 1, 2, 3, 4])
    array([0. , 0.5, 1. , 0.5, 0. ])
    """

    _parameter_constraints = {
        "min_factor": [_FRACTION],
        "step_size_up": [Interval(Integral, 1, None, closed="left"), None],
        "step_size_down": [Interval(Integral, 1, None, closed="left"), None],
        "mode": [StrOptions({"triangular", "triangular2", "exp_range"})],
        "gamma": [Interval(Real, 0, 1, closed="right")],
    }

    def __init__(
        self,
        min_factor: float = 0.1,
        step_size_up=None,
        step_size_down=None,
        mode: str = "triangular",
        gamma: float = 1.0,
    ):
        self.min_factor = min_factor
        self.step_size_up = step_size_up
        self.step_size_down = step_size_down
        self.mode = mode
        self.gamma = gamma

    def _factor(self, t, horizon):
        up = self.step_size_up
        if up is None:
            T = self._horizon(horizon)
            up = max(1, T // 4)
            t = np.minimum(t, T - 1)  # planned over the horizon: holds its last step's value
        down = up if self.step_size_down is None else self.step_size_down
        size = up + down
        ratio = up / size
        cycle = np.floor(1.0 + t / size)
        x = 1.0 + t / size - cycle
        height = np.where(x <= ratio, x / ratio, (x - 1.0) / (ratio - 1.0))
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            scale = 0.5 ** (cycle - 1.0)
        else:
            scale = self.gamma**t
        m = self.min_factor
        return m + (1.0 - m) * height * scale


def _anneal(start, end, pct, how):
    if how == "cos":
        return end + (start - end) * _cosine(pct)
    return start + (end - start) * pct


class OneCycle(Schedule):
    r"""The 1cycle policy (Smith & Topin, 2018), relative to the peak rate.

    The factor rises from :math:`1/\text{div\_factor}` to 1 over the first
    ``pct_start`` of the horizon, then anneals to
    :math:`1/(\text{div\_factor}\cdot\text{final\_div\_factor})` at step
    :math:`T - 1`. With ``three_phase=True`` it comes back down to the
    initial factor symmetrically before the final annealing. Phase ``k``
    ends at step :math:`e_k`: two-phase :math:`e = (pT - 1, T - 1)`;
    three-phase :math:`e = (pT - 1, 2pT - 2, T - 1)`; within a phase the
    factor moves from its start value :math:`a` to its end value :math:`b`
    by

    .. math:: \text{cos: } b + (a - b)\,\frac{1 + \cos(\pi x)}{2}, \qquad
              \text{linear: } a + (b - a)\,x,

    where :math:`x` is the fraction of the phase elapsed.

    Exactly PyTorch's ``OneCycleLR(max_lr=lr, total_steps=T, pct_start,
    anneal_strategy, div_factor, final_div_factor, three_phase)`` for steps
    ``0 .. T-1`` (momentum cycling is not part of it). Where PyTorch raises
    past the last step, the factor holds its final value.

    Parameters
    ----------
    pct_start : float, default=0.3
        Fraction of the horizon spent rising, in (0, 1).
    div_factor : float, default=25.0
        The initial factor is ``1 / div_factor``.
    final_div_factor : float, default=1e4
        The final factor is ``1 / (div_factor * final_div_factor)``.
    anneal : {'cos', 'linear'}, default='cos'
        Shape of each phase.
    three_phase : bool, default=False
        Use the symmetric three-phase variant.
    total_steps : int or None, default=None
        ``T``; ``None`` uses the horizon of the fit.

    Examples
    --------
    >>> from sklr.schedules import OneCycle
    >>> f = OneCycle()(range(10), horizon=10)
    >>> print(f"{f[0]:.3f} {f.max():.3f} {f[-1]:.1e}")
    0.040 1.000 4.0e-06
    """

    _parameter_constraints = {
        "pct_start": [Interval(Real, 0, 1, closed="neither")],
        "div_factor": [_POSITIVE],
        "final_div_factor": [_POSITIVE],
        "anneal": [StrOptions({"cos", "linear"})],
        "three_phase": ["boolean"],
        "total_steps": _TOTAL_STEPS,
    }

    def __init__(
        self,
        pct_start: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        anneal: str = "cos",
        three_phase: bool = False,
        total_steps=None,
    ):
        self.pct_start = pct_start
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.anneal = anneal
        self.three_phase = three_phase
        self.total_steps = total_steps

    def _phases(self, T):
        """(end step, start factor, end factor) of each phase."""
        initial = 1.0 / self.div_factor
        final = initial / self.final_div_factor
        rise = self.pct_start * T - 1.0
        if self.three_phase:
            return [
                (rise, initial, 1.0),
                (2.0 * self.pct_start * T - 2.0, 1.0, initial),
                (T - 1.0, initial, final),
            ]
        return [(rise, initial, 1.0), (T - 1.0, 1.0, final)]

    def _factor(self, t, horizon):
        T = self._horizon(horizon)
        t = np.minimum(t, T - 1.0)
        phases = self._phases(T)
        out = np.empty_like(t)
        done = np.zeros(t.shape, dtype=bool)
        begin = 0.0
        for k, (end, a, b) in enumerate(phases):
            here = ~done if k == len(phases) - 1 else ~done & (t <= end)
            span = end - begin
            pct = (t[here] - begin) / span if span else np.zeros(np.count_nonzero(here))
            out[here] = _anneal(a, b, pct, self.anneal)
            done |= here
            begin = end
        return out


class PiecewiseConstant(Schedule):
    r"""Constant factors between boundaries.

    .. math:: f(t) = \text{factors}\left[\#\{b \in \text{boundaries} : b \le t\}\right]

    The factor switches *at* a boundary step (as PyTorch's ``MultiStepLR``);
    Keras' ``PiecewiseConstantDecay`` switches one step later
    (``t > b``). Optax's ``piecewise_constant_schedule`` multiplies scales
    instead: pass their cumulative products as ``factors``.

    Parameters
    ----------
    boundaries : sequence of int, default=(10,)
        Strictly increasing, non-negative steps.
    factors : sequence of float, default=(1.0, 0.1)
        One more value than ``boundaries``, each >= 0.

    Examples
    --------
    >>> from sklr.schedules import PiecewiseConstant
    >>> PiecewiseConstant(boundaries=[2], factors=[1.0, 0.3])([0, 1, 2, 3])
    array([1. , 1. , 0.3, 0.3])
    """

    _parameter_constraints = {
        "boundaries": ["array-like"],
        "factors": ["array-like"],
    }

    def __init__(self, boundaries=(10,), factors=(1.0, 0.1)):
        self.boundaries = boundaries
        self.factors = factors

    def _check_params(self):
        bounds = _check_increasing("boundaries", self.boundaries)
        factors = np.asarray(self.factors, dtype=float)
        if factors.ndim != 1 or len(factors) != len(bounds) + 1:
            raise ValueError(
                f"factors must have one more value than boundaries "
                f"({len(bounds)} boundaries need {len(bounds) + 1} factors), "
                f"got factors={self.factors!r}."
            )
        if not np.all(np.isfinite(factors)) or np.any(factors < 0):
            raise ValueError(f"factors must be finite and >= 0, got {self.factors!r}.")

    def _factor(self, t, horizon):
        piece = np.searchsorted(np.asarray(self.boundaries), t, side="right")
        return np.asarray(self.factors, dtype=float)[piece]
