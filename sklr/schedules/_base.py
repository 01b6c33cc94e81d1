"""The schedule protocol: a parameter object mapping a step count to an LR factor."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator


def check_nested_params(owner, params, hint=lambda name, value, sub: ""):
    """Raise a clear error for ``name__sub`` where ``name``'s value has no parameters.

    scikit-learn's ``set_params`` would fail with ``AttributeError: 'str'
    object has no attribute 'set_params'`` (a schedule given by its name).
    ``hint(name, value, sub)`` may suggest an object to pass instead.
    """
    current = None
    for key in params:
        name, nested, sub = key.partition("__")
        if not nested:
            continue
        if current is None:
            current = owner.get_params(deep=False)
        value = params.get(name, current.get(name))
        if name in current and not hasattr(value, "set_params"):
            raise ValueError(
                f"Cannot set {key}: {name}={value!r} has no parameter {sub!r}. Pass "
                f"{name} as an object{hint(name, value, sub)}, then set {key} (a grid "
                f"can list the object: {{'{name}': [...], '{key}': [...]}})."
            )


class Schedule(BaseEstimator):
    """Base class of all learning-rate schedules.

    A schedule is a pure function of the step count: ``schedule(t, horizon)``
    returns the factor by which the estimator's base rate ``lr`` is multiplied
    at step ``t`` (counted from 0). It holds no state, so one object can be
    shared between fits, cloned and pickled freely; ``__init__`` only stores
    its arguments and they are validated when the schedule is evaluated.

    Subclasses implement ``_factor(t, horizon)`` on a float array of
    non-negative steps and declare ``_parameter_constraints``; a cyclic one
    also ``_restarts(t, horizon)`` (see :meth:`restarts`).

    Examples
    --------
    >>> from sklr.schedules import Schedule
    >>> class Halving(Schedule):
    ...     _parameter_constraints = {"every": [int]}
    ...
    ...     def __init__(self, every=2):
    ...         self.every = every
    ...
    ...     def _factor(self, t, horizon):
    ...         return 0.5 ** (t // self.every)
    >>> Halving(every=2)([0, 1, 2, 3, 4])
    array([1.  , 1.  , 0.5 , 0.5 , 0.25])
    """

    _parameter_constraints: dict = {}

    def __call__(self, step, horizon: int | None = None):
        """Return the LR factor at ``step``.

        Parameters
        ----------
        step : int or array-like of int
            Step count(s), starting at 0. Must be non-negative.
        horizon : int or None, default=None
            Number of steps the fit will take. Horizon-relative schedules
            (``total_steps=None``) need it.

        Returns
        -------
        factor : float or ndarray of float
            A float for a scalar ``step``, else an array of ``step``'s shape.
        """
        self._validate_params()
        self._check_params()
        t = _check_steps(step)
        horizon = _check_horizon(horizon)
        factor = np.broadcast_to(np.asarray(self._factor(t, horizon), dtype=float), t.shape)
        check_factors(factor, t, self)
        return float(factor) if factor.ndim == 0 else factor.copy()

    def restarts(self, step, horizon: int | None = None):
        """Whether a new cycle of the schedule starts at ``step`` (a warm restart).

        A restart is where a cyclic schedule jumps back up to the top of its
        next cycle, as :class:`~sklr.schedules.CosineWarmRestarts` does;
        estimators record each one they train through in ``lr_events_``.
        Schedules without cycles never restart; a composite restarts where
        the schedules inside it do, at the steps where they run.

        Parameters
        ----------
        step : int or array-like of int
            Step count(s), starting at 0. Must be non-negative.
        horizon : int or None, default=None
            Number of steps the fit will take, as for calling the schedule.

        Returns
        -------
        restart : bool or ndarray of bool
            A bool for a scalar ``step``, else an array of ``step``'s shape.

        Examples
        --------
        >>> from sklr.schedules import CosineWarmRestarts
        >>> CosineWarmRestarts(period=3).restarts(range(8))
        array([False, False, False,  True, False, False,  True, False])
        """
        self._validate_params()
        self._check_params()
        t = _check_steps(step)
        horizon = _check_horizon(horizon)
        restart = np.broadcast_to(np.asarray(self._restarts(t, horizon), dtype=bool), t.shape)
        return bool(restart) if restart.ndim == 0 else restart.copy()

    def set_params(self, **params):
        """Set the parameters, nested ones (``schedule__gamma``) of an object-valued one.

        As :meth:`sklearn.base.BaseEstimator.set_params`, with a clear error
        for a nested parameter of a value that has none.

        Parameters
        ----------
        **params : dict
            Schedule parameters.

        Returns
        -------
        self : Schedule
            The schedule.
        """
        check_nested_params(self, params)
        return super().set_params(**params)

    def _check_params(self):
        """Validate what ``_parameter_constraints`` cannot express."""

    def _factor(self, t, horizon):  # pragma: no cover - abstract
        raise NotImplementedError

    def _restarts(self, t, horizon):
        """Where a new cycle starts among the steps ``t``: nowhere, unless overridden."""
        return np.zeros(t.shape, dtype=bool)

    def _horizon(self, horizon):
        """The horizon this schedule plans over: ``total_steps`` or the fit's."""
        total = getattr(self, "total_steps", None)
        if total is not None:
            return total
        if horizon is None:
            params = self.get_params(deep=False)
            # The parameter, if any, that fixes the length without a horizon.
            fix = next((p for p in ("total_steps", "step_size_up") if p in params), None)
            own = f"set {fix}=..., or " if fix else ""
            raise ValueError(
                f"{type(self).__name__} is relative to the horizon of the fit "
                f"but none was given: {own}evaluate it with horizon=... (an "
                "estimator passes its own number of steps)."
            )
        return horizon


def restarts_of(schedule, steps, horizon=None):
    """``schedule.restarts(steps, horizon)``, or no restart for any other callable.

    Any callable with ``get_params`` may serve as a schedule; one without a
    ``restarts`` method (looked up on its class, so that a parameter of that
    name does not hide it) never restarts.
    """
    steps = np.asarray(steps)
    method = getattr(type(schedule), "restarts", None)
    if not callable(method):
        return np.zeros(steps.shape, dtype=bool)
    return np.asarray(method(schedule, steps, horizon=horizon), dtype=bool)


def check_factors(factors, steps, schedule):
    """Raise unless every factor ``schedule`` gave at ``steps`` is finite and >= 0."""
    factors = np.asarray(factors, dtype=float)
    if np.isfinite(factors).all() and (factors >= 0).all():
        return
    first = np.flatnonzero(~(np.isfinite(factors) & (factors >= 0)).ravel())[0]
    step = np.broadcast_to(steps, factors.shape).ravel()[first]
    raise ValueError(
        f"{schedule!r} gave the factor {factors.ravel()[first]} at step {int(step)}; "
        "a schedule's factors must be finite and >= 0 (the rate is lr * factor)."
    )


def _check_steps(step):
    t = np.asarray(step)
    # Whole numbers in a float array (np.linspace, say) are steps too.
    whole = t.dtype.kind in "iu" or (t.dtype.kind == "f" and np.all(np.mod(t, 1) == 0))
    if t.dtype.kind not in "iuf" or (t.size and np.all(np.isfinite(t)) and not whole):
        raise ValueError(f"step must be an integer or an array of integers, got {step!r}.")
    if t.size and (not np.all(np.isfinite(t)) or np.any(t < 0)):
        raise ValueError(f"step must be non-negative and finite, got {step!r}.")
    return t.astype(float)


def check_child(name, value):
    """Raise unless ``value``, a parameter of a composite schedule, is a schedule object."""
    if isinstance(value, type):
        cls = value.__name__
        raise TypeError(f"{name}={cls} is a class; pass an instance: {cls}().")
    if isinstance(value, str):
        from ._aliases import SCHEDULE_ALIASES

        example = SCHEDULE_ALIASES[value]() if value in SCHEDULE_ALIASES else "CosineDecay()"
        raise TypeError(
            f"{name}={value!r}: string aliases are read by the estimators' schedule "
            f"parameter only; inside a schedule pass the object, e.g. {example!r}."
        )
    if not (isinstance(value, Schedule) or (callable(value) and hasattr(value, "get_params"))):
        raise TypeError(
            f"{name} must be a schedule object such as CosineDecay(), got {value!r} "
            f"of type {type(value).__name__}."
        )


def _check_horizon(horizon):
    if horizon is None:
        return None
    if not isinstance(horizon, Integral) or isinstance(horizon, bool) or horizon < 1:
        raise ValueError(f"horizon must be a positive integer or None, got {horizon!r}.")
    return int(horizon)


def _check_increasing(name, values, *, strictly_positive=False):
    """Raise unless ``values`` is a strictly increasing sequence of integers."""
    arr = np.asarray(values)
    if arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ValueError(f"{name} must be a 1-d sequence of integers, got {values!r}.")
    low = 1 if strictly_positive else 0
    if arr.size and arr[0] < low:
        raise ValueError(f"{name} must be >= {low}, got {values!r}.")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing, got {values!r}.")
    return arr
