"""The per-fit controller: a schedule tree with its policies bound to live state."""

import numpy as np

from ..schedules import SCHEDULE_ALIASES, Product, Schedule, make_schedule
from ..schedules._base import check_factors, restarts_of
from ._policies import POLICY_ALIASES, Policy

ALIASES = {**SCHEDULE_ALIASES, **POLICY_ALIASES}


def resolve(spec):
    """The schedule or policy object that ``spec`` names (see ``make_schedule``)."""
    return make_schedule(spec, aliases=ALIASES)


def policies_in(schedule):
    """Every policy in a schedule tree, outermost first."""
    found = []
    _walk(schedule, lambda s: found.append(s) if isinstance(s, Policy) else None)
    return found


def parts_over_the_fit(schedule):
    """The parts of a schedule tree that run over the fit's own steps and horizon.

    The schedule itself, and through policies and products (which evaluate
    their parts at the same steps) the parts inside; not the parts of
    ``Sequential`` or ``Warmup``, which run over shifted steps.
    """
    yield schedule
    if isinstance(schedule, Policy):
        yield from parts_over_the_fit(schedule.schedule)
    elif isinstance(schedule, Product):
        for part in schedule.schedules:
            yield from parts_over_the_fit(part)


def _children(schedule):
    for value in schedule.get_params(deep=False).values():
        if isinstance(value, Schedule):
            yield value
        elif isinstance(value, list | tuple):
            yield from (v for v in value if isinstance(v, Schedule))


def _walk(schedule, visit):
    visit(schedule)
    for child in _children(schedule):
        _walk(child, visit)


def bind(schedule, states):
    """A copy of the tree whose policies are fresh live states (appended to ``states``).

    Parts without a policy are shared, not copied; the tree passed in is
    never modified.
    """
    if isinstance(schedule, Policy):
        state = schedule.bind(bind(schedule.schedule, states))
        states.append(state)
        return state
    params = schedule.get_params(deep=False)
    changed = {}
    for name, value in params.items():
        if isinstance(value, Schedule):
            bound = bind(value, states)
        elif isinstance(value, list | tuple) and any(isinstance(v, Schedule) for v in value):
            bound = type(value)(bind(v, states) if isinstance(v, Schedule) else v for v in value)
        else:
            continue
        if bound is not value and (not isinstance(value, list | tuple) or bound != value):
            changed[name] = bound
    return type(schedule)(**{**params, **changed}) if changed else schedule


class Controller:
    """Factors of a fit's steps, and the policies' reactions at epoch ends.

    Without a policy the whole plan over the horizon is one vectorised
    evaluation; steps past the horizon (a ``partial_fit`` stream that runs
    longer than ``max_iter``) are evaluated as they come, where
    horizon-relative schedules hold their value at the horizon.
    """

    def __init__(self, schedule, horizon):
        self.horizon = horizon
        self.states = []
        self.live = bind(schedule, self.states)
        self.plan = None if self.states else self._evaluate(0, horizon)
        self.restart_plan = None if self.states else self._restarts(0, horizon)

    @property
    def may_reject(self):
        return any(state.may_reject for state in self.states)

    def factors(self, start, n):
        """Factors of steps ``start .. start + n - 1``."""
        if self.plan is not None and start + n <= self.horizon:
            return self.plan[start : start + n]
        return self._evaluate(start, n)

    def restarts(self, start, n):
        """The steps among ``start .. start + n - 1`` at which the schedule restarts a cycle."""
        plan = getattr(self, "restart_plan", None)  # (None in a stream pickled before it)
        if plan is not None and start + n <= self.horizon:
            low, high = np.searchsorted(plan, [start, start + n])
            return plan[low:high]
        return self._restarts(start, n)

    def _restarts(self, start, n):
        steps = np.arange(start, start + n)
        return steps[restarts_of(self.live, steps, self.horizon)]

    def _evaluate(self, start, n):
        steps = np.arange(start, start + n)
        factors = np.atleast_1d(self.live(steps, horizon=self.horizon))
        # Any callable with get_params may be a schedule: check what it gives.
        check_factors(factors, steps, self.live)
        return factors

    def new_data(self, metrics):
        """Tell every policy that a stream brought new rows (``metrics``: at current weights)."""
        for state in self.states:
            state.new_data(metrics)

    def observe(self, metrics, next_lr, steps=()):
        """Let every policy react to an epoch.

        Returns ``(decision, changes)``: the strongest decision (``'reject'``
        over ``'stop'`` over None) and, for each change made, its kind, the
        value of the metric that policy monitors and the factors at
        ``steps`` right after that change (before the next policy's).
        """
        decision, changes = None, []
        for state in self.states:
            verdict, kind = state.observe(metrics, next_lr)
            if kind is not None:
                factors = [float(self.factors(step, 1)[0]) for step in steps]
                changes.append((kind, state.metric(metrics), factors))
            if verdict == "reject" or (verdict == "stop" and decision is None):
                decision = verdict
        for state in self.states:
            state.settle(decision)
        return decision, changes
