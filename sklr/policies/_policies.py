"""Feedback policies: schedules whose rate also answers the loss or validation score.

A policy is a parameter object like any schedule. Evaluated on its own
(``policy(t, horizon)``, :func:`sklr.simulate`) it gives its base schedule
with no feedback. During a fit the engine binds it to a fresh live state
(``policy.bind(base)``) that holds a multiplier of the base schedule and
updates it at the end of every epoch; the policy object itself never
changes, so a fitted estimator's ``schedule`` is still the object passed in.

``monitor='loss'`` is the training objective at the end of each epoch: for
SGD models the value recorded in ``loss_curve_``; for MLPs, whose
``loss_curve_`` is the running mean over the epoch's mini-batches (as
scikit-learn reports it), the objective at the epoch's final weights on up to
``sklr._engine.LOSS_SAMPLE_SIZE`` training rows, so that an undone epoch and
its retry are compared on the same weights.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ..schedules import Constant, Schedule
from ..schedules._base import check_child, restarts_of

_NON_NEGATIVE = Interval(Real, 0, None, closed="left")
_MONITOR = [StrOptions({"loss", "val_score"})]

#: A reduction that would lower the learning rate by less than this (in rate
#: units, as PyTorch's ``eps``) is not made.
_EPS = 1e-8


class Policy(Schedule):
    """Base class of the feedback policies.

    Subclasses define ``_live_class``, the per-fit state that reacts to the
    monitored metric; the base schedule is the ``schedule`` parameter.
    Without feedback (called as a schedule) a policy is its base schedule.

    Examples
    --------
    >>> from sklr.policies import Policy, ReduceOnPlateau
    >>> from sklr.schedules import CosineDecay
    >>> policy = ReduceOnPlateau(CosineDecay())
    >>> isinstance(policy, Policy)
    True
    >>> policy([0, 5], horizon=10)
    array([1. , 0.5])
    """

    _live_class = None

    def _check_params(self):
        check_child("schedule", self.schedule)

    def _factor(self, t, horizon):
        # Without feedback a policy is its base schedule.
        return self.schedule(t, horizon=horizon)

    def _restarts(self, t, horizon):
        return restarts_of(self.schedule, t, horizon)

    def bind(self, base):
        """Make a fresh live state for one fit: its factor is ``base``'s times a multiplier.

        Parameters
        ----------
        base : Schedule
            The policy's base schedule, with any policies inside it already
            bound.

        Returns
        -------
        state : LiveState
            The per-fit state, which reacts to each epoch's metrics.
        """
        return self._live_class(self, base)

    @property
    def greater_is_better(self):
        """Whether the monitored metric improves upward (a validation score) or down (a loss)."""
        return self.monitor == "val_score"


class LiveState(Schedule):
    """Per-fit state of a policy: ``factor(t) = base(t) * scale``.

    A new policy is a :class:`Policy` whose ``_live_class`` is a subclass of
    this one with an :meth:`observe` method. The estimator binds a fresh
    state at the start of every fit (``policy.bind(base)``) and calls
    ``observe`` after every epoch it trains, including one that another
    policy then undoes (:meth:`settle` tells).

    Parameters
    ----------
    policy : Policy
        The policy whose parameters the state follows.
    base : Schedule
        The policy's base schedule, with any policies inside it bound.

    Attributes
    ----------
    scale : float
        The multiplier of the base schedule, 1 at the start.

    Examples
    --------
    >>> from sklearn.utils._param_validation import StrOptions
    >>> from sklr.policies import LiveState, Policy
    >>> from sklr.schedules import Constant
    >>> class _HalveOnRiseState(LiveState):
    ...     last = None
    ...
    ...     def observe(self, metrics, next_lr):
    ...         value = self.metric(metrics)  # the one the policy monitors
    ...         rose = self.last is not None and value > self.last
    ...         self.last = value
    ...         if rose:
    ...             self.scale *= 0.5
    ...             return None, "halve_on_rise"
    ...         return None, None
    >>> class HalveOnRise(Policy):
    ...     _live_class = _HalveOnRiseState
    ...     _parameter_constraints = {
    ...         "schedule": "no_validation",
    ...         "monitor": [StrOptions({"loss"})],
    ...     }
    ...
    ...     def __init__(self, schedule=Constant(), monitor="loss"):
    ...         self.schedule = schedule
    ...         self.monitor = monitor
    >>> state = HalveOnRise().bind(Constant())
    >>> state.observe({"loss": 1.0}, 0.1), state.observe({"loss": 2.0}, 0.1)
    ((None, None), (None, 'halve_on_rise'))
    >>> state(0)
    0.5
    """

    #: Whether ``observe`` may ask the engine to undo the epoch just taken.
    may_reject = False

    def __init__(self, policy, base):
        self.policy = policy
        self.base = base
        self.scale = 1.0

    def _factor(self, t, horizon):
        return self.base(t, horizon=horizon) * self.scale

    def _restarts(self, t, horizon):
        return restarts_of(self.base, t, horizon)

    def observe(self, metrics, next_lr):
        """React to the epoch just trained.

        Parameters
        ----------
        metrics : dict
            ``'loss'``: the training objective at the end of the epoch;
            ``'val_score'``: the score on the held-out rows, or None.
        next_lr : float
            The rate the next step takes if nothing changes.

        Returns
        -------
        decision : {None, 'stop', 'reject'}
            Go on, end the fit, or undo the epoch (only with ``may_reject``).
        kind : str or None
            The kind of change made, as ``lr_events_`` records it; None when
            nothing changed.
        """
        raise NotImplementedError

    def new_data(self, metrics):
        """Hear that a ``partial_fit`` stream brings a new chunk.

        A chunk's losses are not comparable with an earlier chunk's. Policies
        that compare each epoch with the one before (BoldDriver) compare with
        this instead; those that track the best value over many epochs keep it.

        Parameters
        ----------
        metrics : dict
            The metrics of the current weights on the new chunk.
        """

    def settle(self, decision):
        """Hear the decision the epoch ended with, all policies heard.

        Parameters
        ----------
        decision : {None, 'stop', 'reject'}
            The strongest decision of all policies (an undo overrides a stop).
        """

    def metric(self, metrics):
        """Give the value of the metric the policy monitors.

        Parameters
        ----------
        metrics : dict
            The epoch's metrics (see :meth:`observe`).

        Returns
        -------
        value : float
            ``metrics[policy.monitor]``.
        """
        value = metrics.get(self.policy.monitor)
        if value is None:
            raise ValueError(
                f"{type(self.policy).__name__}(monitor={self.policy.monitor!r}) needs a "
                "validation score, but the fit has no validation split."
            )
        return value


class _PlateauState(LiveState):
    def __init__(self, policy, base):
        super().__init__(policy, base)
        self.mode = (
            policy.mode
            if policy.mode != "auto"
            else ("max" if policy.greater_is_better else "min")
        )
        self.best = -np.inf if self.mode == "max" else np.inf
        self.bad_epochs = 0
        self.cooldown_counter = 0

    def _is_better(self, value):
        p = self.policy
        if self.mode == "min":
            edge = (
                self.best * (1 - p.threshold)
                if p.threshold_mode == "rel"
                else self.best - p.threshold
            )
            return value < edge
        edge = (
            self.best * (1 + p.threshold) if p.threshold_mode == "rel" else self.best + p.threshold
        )
        return value > edge

    def observe(self, metrics, next_lr):
        value = self.metric(metrics)
        p = self.policy
        if self._is_better(value):
            self.best = value
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.bad_epochs = 0
        if self.bad_epochs <= p.patience:
            return None, None
        reduced = max(self.scale * p.factor, p.min_factor)
        # next_lr is the rate the next step would take at the current scale.
        changed = self.scale > 0 and next_lr * (self.scale - reduced) / self.scale > _EPS
        if changed:
            self.scale = reduced
        self.cooldown_counter = p.cooldown
        self.bad_epochs = 0
        return None, ("plateau_reduce" if changed else None)


class ReduceOnPlateau(Policy):
    r"""Cut the rate when the monitored metric stops improving.

    PyTorch's ``ReduceLROnPlateau``, step for step: an epoch is *bad* unless
    the metric beats the best so far by ``threshold`` (``'rel'``: below
    ``best * (1 - threshold)`` in ``'min'`` mode, above
    ``best * (1 + threshold)`` in ``'max'`` mode; ``'abs'``: by
    ``threshold``); once the count of consecutive bad epochs *exceeds*
    ``patience``, the multiplier is multiplied by ``factor`` (not below
    ``min_factor``), the count restarts and ``cooldown`` epochs pass before
    bad epochs count again. The factor at step ``t`` is
    ``schedule(t) * multiplier``, so the policy can sit on top of any
    decaying schedule; PyTorch's ``min_lr`` is ``min_factor * lr`` here, a
    floor on the multiplier. As PyTorch's ``eps``, a reduction that would
    lower the rate by less than 1e-8 is not made.

    Parameters
    ----------
    schedule : Schedule, default=Constant()
        The base schedule the multiplier applies to.
    factor : float, default=0.1
        Multiplier of each reduction, in (0, 1).
    patience : int, default=10
        Bad epochs tolerated before a reduction.
    threshold : float, default=1e-4
        Least improvement that counts.
    threshold_mode : {'rel', 'abs'}, default='rel'
        Whether ``threshold`` is relative to the best value or absolute.
    cooldown : int, default=0
        Epochs after a reduction during which bad epochs are not counted.
    min_factor : float, default=0.0
        Floor of the multiplier.
    monitor : {'loss', 'val_score'}, default='loss'
        The training objective at the end of each epoch (for the MLPs the
        objective at the epoch's final weights, not ``loss_curve_``'s running
        mean: see :mod:`sklr.policies`), or the score on the validation split
        (which the estimator then holds out even without ``early_stopping``).
        The value behind each change is the ``metric`` of its ``lr_events_``
        entry.
    mode : {'auto', 'min', 'max'}, default='auto'
        Whether lower or higher is better; ``'auto'`` is ``'min'`` for the
        loss and ``'max'`` for the validation score.

    Examples
    --------
    >>> import sklr
    >>> from sklr.policies import ReduceOnPlateau
    >>> from sklr.schedules import CosineDecay
    >>> # Without feedback (as simulate shows it) a policy is its base schedule.
    >>> sklr.simulate(ReduceOnPlateau(CosineDecay()), 3)
    array([1.  , 0.75, 0.25])
    """

    _live_class = _PlateauState
    _parameter_constraints = {
        "schedule": "no_validation",  # see Policy._check_params
        "factor": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "threshold": [_NON_NEGATIVE],
        "threshold_mode": [StrOptions({"rel", "abs"})],
        "cooldown": [Interval(Integral, 0, None, closed="left")],
        "min_factor": [_NON_NEGATIVE],
        "monitor": _MONITOR,
        "mode": [StrOptions({"auto", "min", "max"})],
    }

    def __init__(
        self,
        schedule=Constant(),  # noqa: B008 - schedules are stateless
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_factor=0.0,
        monitor="loss",
        mode="auto",
    ):
        self.schedule = schedule
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.cooldown = cooldown
        self.min_factor = min_factor
        self.monitor = monitor
        self.mode = mode


#: scikit-learn stops its 'adaptive' rate once it would go below this.
ADAPTIVE_MIN_LR = 1e-6


class _AdaptiveState(LiveState):
    def __init__(self, policy, base):
        super().__init__(policy, base)
        self.best = -np.inf if policy.greater_is_better else np.inf
        self.no_improvement = 0
        self.stopped = False
        self.asked_to_stop = False

    def settle(self, decision):
        # Stopped only when the stop ended the epoch (an undo of it does not).
        self.stopped = self.stopped or (self.asked_to_stop and decision == "stop")
        self.asked_to_stop = False

    def observe(self, metrics, next_lr):
        if self.stopped:  # a stream that goes on after the stop (see Adaptive)
            return None, None
        value = self.metric(metrics)
        p = self.policy
        if p.greater_is_better:
            stale = value < self.best + p.tol
            self.best = max(self.best, value)
        else:
            stale = value > self.best - p.tol
            self.best = min(self.best, value)
        self.no_improvement = self.no_improvement + 1 if stale else 0
        if self.no_improvement < p.n_iter_no_change:
            return None, None
        if next_lr <= ADAPTIVE_MIN_LR:
            self.asked_to_stop = True
            return "stop", "adaptive_stop"
        self.scale *= p.factor
        self.no_improvement = 0
        return None, "adaptive_reduce"


class Adaptive(Policy):
    r"""The ``learning_rate='adaptive'`` of scikit-learn, on any base schedule.

    As scikit-learn's SGD does it: an epoch counts as *no improvement* when
    the loss is above ``best - tol`` (or the validation score below
    ``best + tol``); after ``n_iter_no_change`` such epochs in a row the
    multiplier is multiplied by ``factor`` (scikit-learn divides by 5) and
    the count restarts, unless the rate is already at or below ``1e-6``, in
    which case training stops (recorded as ``'adaptive_stop'`` in
    ``lr_events_``). scikit-learn's MLP waits one epoch longer (it reduces
    once the count *exceeds* ``n_iter_no_change``); sklr follows its SGD.

    A ``partial_fit`` stream ends when its caller stops calling: there the
    stop is recorded once, with a warning, and later calls train on at the
    rate reached.

    Parameters
    ----------
    schedule : Schedule, default=Constant()
        The base schedule the multiplier applies to.
    factor : float, default=0.2
        Multiplier of each reduction, in (0, 1).
    n_iter_no_change : int, default=5
        Epochs without improvement before a reduction.
    tol : float, default=1e-3
        Least improvement that counts.
    monitor : {'loss', 'val_score'}, default='loss'
        The training objective at the end of each epoch (for the MLPs not
        ``loss_curve_``'s running mean: see :mod:`sklr.policies`), or the
        validation score.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import scale
    >>> from sklr import LRTunedSGDClassifier
    >>> from sklr.policies import Adaptive
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LRTunedSGDClassifier(lr=0.1, schedule=Adaptive(n_iter_no_change=2),
    ...                            max_iter=40, random_state=0).fit(scale(X), y)
    >>> [e["kind"] for e in clf.lr_events_][:2]
    ['adaptive_reduce', 'adaptive_reduce']
    """

    _live_class = _AdaptiveState
    _parameter_constraints = {
        "schedule": "no_validation",  # see Policy._check_params
        "factor": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [_NON_NEGATIVE],
        "monitor": _MONITOR,
    }

    def __init__(
        self,
        schedule=Constant(),  # noqa: B008 - schedules are stateless
        factor=0.2,
        n_iter_no_change=5,
        tol=1e-3,
        monitor="loss",
    ):
        self.schedule = schedule
        self.factor = factor
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.monitor = monitor


class _BoldDriverState(LiveState):
    may_reject = True

    def __init__(self, policy, base):
        super().__init__(policy, base)
        self.previous = None

    def new_data(self, metrics):
        if self.previous is not None:
            # Did this chunk's step lower this chunk's loss?
            self.previous = self.metric(metrics)

    def observe(self, metrics, next_lr):
        value = self.metric(metrics)
        p = self.policy
        if self.previous is None:
            self.previous = value
            return None, None
        improved = value > self.previous if p.greater_is_better else value < self.previous
        if improved:
            self.previous = value
            self.scale *= p.increase
            return None, "bold_increase"
        self.scale *= p.decrease
        return "reject", "bold_undo"


class BoldDriver(Policy):
    r"""Grow the rate while the loss falls; undo and shrink when it rises.

    After an epoch whose loss fell below the previous accepted epoch's, the
    multiplier grows by ``increase``; after one whose loss did not fall, that
    epoch's update is undone (weights and optimizer state restored, its steps
    removed from ``lr_curve_`` and recorded as ``'bold_undo'`` in
    ``lr_events_``) and the multiplier shrinks by ``decrease``. The first
    epoch sets the reference. An undone epoch still counts towards
    ``max_iter``, so a fit under this policy may end with ``n_iter_ <
    max_iter`` accepted epochs. In a ``partial_fit`` stream, where each call
    brings other rows, a call is compared with the loss of its own chunk at
    the weights it started from: a chunk is undone (and not learned from)
    only when its step raised its own loss.

    Parameters
    ----------
    increase : float, default=1.05
        Growth after a good epoch, >= 1.
    decrease : float, default=0.5
        Shrink after a bad epoch, in (0, 1).
    schedule : Schedule, default=Constant()
        The base schedule the multiplier applies to.
    monitor : {'loss', 'val_score'}, default='loss'
        The training objective at the end of each epoch (for the MLPs not
        ``loss_curve_``'s running mean: see :mod:`sklr.policies`), or the
        validation score.

    Examples
    --------
    >>> from sklr.policies import BoldDriver
    >>> BoldDriver(increase=1.1)([0, 5])
    array([1., 1.])
    """

    _live_class = _BoldDriverState
    _parameter_constraints = {
        "increase": [Interval(Real, 1, None, closed="left")],
        "decrease": [Interval(Real, 0, 1, closed="neither")],
        "schedule": "no_validation",  # see Policy._check_params
        "monitor": _MONITOR,
    }

    def __init__(
        self,
        increase=1.05,
        decrease=0.5,
        schedule=Constant(),  # noqa: B008 - schedules are stateless
        monitor="loss",
    ):
        self.increase = increase
        self.decrease = decrease
        self.schedule = schedule
        self.monitor = monitor


POLICY_ALIASES = {
    "plateau": ReduceOnPlateau,
    "adaptive": Adaptive,
    "bold_driver": BoldDriver,
}
