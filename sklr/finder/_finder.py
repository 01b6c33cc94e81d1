"""The LR range test (``lr_find``) and the choice behind ``lr='auto'``."""

import copy
import warnings
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from .._adapters import adapter_class
from .._engine import DivergenceError, split_validation
from .._warnings import warn_user
from ..policies import resolve
from ..schedules import Schedule

#: Loss smoothing of the range test (fastai's exponential moving average).
SMOOTHING = 0.98

#: The sweep stops once the smoothed loss exceeds this multiple of its best.
STOP_FACTOR = 4.0

#: Rows per mini-batch of the sweep at most; larger data is subsampled so that
#: a sweep costs at most one epoch of ``num * MAX_BATCH`` rows.
MAX_BATCH = 256

#: Rows of the fixed evaluation batch on which the loss is measured before
#: every step (all rows of smaller data).
EVAL_ROWS = 256

#: Candidate peaks of the race behind ``lr='auto'``: the range test's
#: suggestion times these multipliers (a schedule that anneals has its best
#: peak well above the best constant rate), up to about ``10 ** (2 - r)``
#: where ``r`` is the schedule's final factor relative to its peak (see
#: :func:`race_multipliers`).
RACE_MULTIPLIERS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)

#: Share of the training data held out to score the race.
RACE_HOLDOUT = 0.2


@dataclass
class LRFinderResult:
    """What an LR range test found, as returned by :func:`lr_find`.

    Each parameter is kept as the attribute of its name.

    Parameters
    ----------
    lrs : ndarray
        The learning rate of each step taken (exponentially spaced).
    losses : ndarray
        The smoothed training loss before each step.
    raw_losses : ndarray
        The unsmoothed training loss before each step, on the fixed
        evaluation batch.
    suggestion : float
        The suggested learning rate.
    method : str
        How ``suggestion`` was chosen: ``'edge'``, ``'valley'``,
        ``'steepest'`` or ``'minimum'``.
    suggestions : dict
        The suggestion of every method.
    lr : float or None
        With ``lr='auto'``: the rate chosen for the schedule in use.
    race : dict
        With ``lr='auto'``: each candidate rate and its held-out score.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklr import LRTunedSGDClassifier, lr_find
    >>> X, y = load_iris(return_X_y=True)
    >>> result = lr_find(LRTunedSGDClassifier(), X, y, num=30, random_state=0)
    >>> sorted(result.suggestions)
    ['edge', 'minimum', 'steepest', 'valley']
    >>> result.suggestion == result.suggestions["edge"]
    True
    """

    lrs: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    suggestion: float
    method: str
    suggestions: dict
    lr: float | None = None
    race: dict = field(default_factory=dict)


_SUGGESTION_SECTIONS = """
    Parameters
    ----------
    lrs : array-like of shape (n_steps,)
        The rates of the sweep, increasing.
    losses : array-like of shape (n_steps,)
        The smoothed loss before the step at each rate.

    Returns
    -------
    lr : float
        The suggested rate.

    Examples
    --------
    >>> import numpy as np
    >>> from sklr.finder import {name}
    >>> lrs = np.logspace(-4, 0, 9)
    >>> losses = [1.0, 0.99, 0.95, 0.8, 0.5, 0.3, 0.25, 0.6, 3.0]
    >>> round({name}(lrs, losses), 6)
    {value}
"""


def _suggestion(example_value):
    """Give a suggestion method the sections every one shares, its example giving this value."""

    def document(method):
        if method.__doc__ is not None:  # (None under python -OO)
            method.__doc__ = (
                method.__doc__.rstrip()
                + "\n"
                + _SUGGESTION_SECTIONS.format(name=method.__name__, value=example_value)
            )
        return method

    return document


#: In 'valley', a step down counts only if it is at least this share of the
#: curve's loss range (see :func:`valley`). Measured by
#: ``benchmarks/lr_auto.py`` (20 splits): at 0 (fastai) the valley of log-loss
#: fits lies about 10x below their best constant rate, at 0.01 that of
#: squared-loss fits about 5x above theirs.
VALLEY_TOLERANCE = 0.003


@_suggestion("0.001")
def valley(lrs, losses):
    """Suggest the rate halfway down the longest fall of the loss (fastai's 'valley').

    The longest (not necessarily contiguous) decreasing subsequence of the
    losses is found; the suggestion lies at ``start + s + s // 2`` with
    ``s = (end - start) / 3`` (fastai's indices). One difference from fastai:
    a point counts as lower only if it is lower by ``VALLEY_TOLERANCE`` of the
    curve's range. The loss of a linear model trained by per-sample SGD
    creeps down from the very first, tiny rates; without the tolerance that
    creep makes the whole sweep one valley and moves the suggestion about a
    decade too low.
    """
    losses = np.asarray(losses, dtype=float)
    eps = VALLEY_TOLERANCE * (losses.max() - losses.min())
    n = len(losses)
    longest = [1] * n
    start = end = 0
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] - eps and longest[i] < longest[j] + 1:
                longest[i] = longest[j] + 1
            if longest[end] < longest[i]:
                end = i
                start = end - longest[end]
    sections = (end - start) / 3
    return float(lrs[start + int(sections) + int(sections / 2)])


#: In 'edge', the suggestion lies this factor below the rate at the lowest
#: smoothed loss (see :func:`edge`), chosen with ``benchmarks/lr_auto.py``
#: (10-epoch fits): its table "Range-test suggestion vs the best constant
#: rate" shows where the suggestion lands.
EDGE_FACTOR = 50.0


@_suggestion("0.002")
def edge(lrs, losses):
    """Suggest a rate a fixed factor (``EDGE_FACTOR``) below the one at the lowest loss.

    The lowest smoothed loss marks the edge of the useful rates: above it
    the steps are unstable (the log loss of a linear model, whose gradients
    are bounded) or only add gradient noise (the squared loss, whose
    gradient noise does not vanish at the optimum). A fit of several epochs
    at a constant rate meets the same limits sooner, holding its rate for
    all of its updates instead of the ``1 / num`` of an epoch the sweep
    spends at each rate, so its best rate lies well below that edge.

    Unlike 'valley', the suggestion does not depend on where the loss starts
    to fall. That onset is set by the data's strongest direction (correlated
    features, as in breast cancer, start to learn at tiny rates) and says
    little about the best rate of a longer fit, below it on some data sets
    (breast cancer) and above it on others (diabetes).
    This is fastai's 'minimum' with a larger factor than its tenth, measured
    for linear models trained by per-sample SGD (see ``EDGE_FACTOR``); a
    network trained with Adam for a few epochs takes few more steps than the
    sweep and its best rate lies nearer the edge.
    """
    return _rate_at_lowest_loss(lrs, losses) / EDGE_FACTOR


@_suggestion("0.003162")
def steepest(lrs, losses):
    """Suggest where the loss falls fastest per unit of log-rate (fastai's 'steep')."""
    slopes = np.diff(losses) / np.diff(np.log(lrs))
    return float(lrs[int(np.argmin(slopes))])


@_suggestion("0.01")
def minimum(lrs, losses):
    """Suggest a tenth of the rate at the lowest loss (fastai's 'minimum')."""
    return _rate_at_lowest_loss(lrs, losses) / 10.0


def _rate_at_lowest_loss(lrs, losses):
    return float(lrs[int(np.argmin(losses))])


SUGGESTIONS = {"edge": edge, "valley": valley, "steepest": steepest, "minimum": minimum}


def lr_find(
    estimator,
    X,
    y,
    *,
    start=1e-6,
    end=10.0,
    num=100,
    method="edge",
    sample_weight=None,
    random_state=None,
    coef_init=None,
    intercept_init=None,
):
    """Sweep the learning rate exponentially over mini-batches: the LR range test.

    A clone of ``estimator`` (the object passed in is never touched) takes
    ``num`` steps, one per mini-batch, at rates spaced exponentially from
    ``start`` to ``end``. Before each step the training objective (loss plus
    penalty) is measured on one fixed evaluation batch of at most 256 of the
    rows and smoothed as fastai does (exponential moving average,
    ``beta = 0.98``, debiased). The sweep stops early once the smoothed loss
    exceeds ``4x`` its best or is no longer finite. The suggestions are
    taken on the recorded curve less its first ``num // 10`` and last 5
    points: 'steepest' and 'minimum' follow fastai's definitions, 'valley'
    too but with a tolerance (a point counts as lower only if it is lower by
    ``VALLEY_TOLERANCE`` of the curve's range, see :func:`valley`; on a
    creeping linear-model curve this moves it several times above fastai's),
    and 'edge' (the default) lies ``EDGE_FACTOR`` below the rate at the
    lowest smoothed loss.

    The sweep visits the rows once, in mini-batches of ``ceil(n / num)``
    rows; data larger than ``num * 256`` rows is subsampled, so the training
    steps cost at most one epoch. The measurements add one forward pass over
    the evaluation batch per step.

    Parameters
    ----------
    estimator : sklr estimator or SGD/MLP scikit-learn model
        What to test; its own ``lr`` and ``schedule`` are ignored.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    start, end : float, default=1e-6, 10.0
        First and last rate of the sweep.
    num : int, default=100
        Number of steps.
    method : {'edge', 'valley', 'steepest', 'minimum'}, default='edge'
        Which suggestion to return as ``suggestion``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the samples.
    random_state : int, RandomState instance or None, default=None
        Drives the row order, the subsample and the model's initialisation;
        None: the estimator's own ``random_state``.
    coef_init, intercept_init : array-like, default=None
        SGD models only: the weights to start from instead of zeros, as
        their ``fit`` takes them (``lr='auto'`` sweeps from the fit's).

    Returns
    -------
    result : LRFinderResult
        The sweep's rates and losses and the suggestions of every method.

    Notes
    -----
    fastai records the loss of each step's own mini-batch. A one-epoch sweep
    of small data has mini-batches of a few rows (4 on 331 rows), and the
    squared errors of 4 rows vary so much from batch to batch that such a
    curve is mostly noise; measured on the same rows at every step, the
    curve depends on the weights alone.

    The sweep measures how fast the loss falls within one epoch: by the time
    it reaches a rate ``lr`` it has trained for about
    ``lr * n / log(end / start)`` (rate times per-sample updates), a fit of
    ``E`` epochs at ``lr`` for ``lr * n * E``. Its lowest smoothed loss marks
    the rates where instability (the log loss of a linear model) or gradient
    noise (the squared loss) stops further progress; the best constant rate
    of a longer fit lies a roughly fixed factor below it, which 'edge'
    returns. fastai's 'valley' (halfway down the longest decrease) also
    depends on where the loss starts to fall, which varies with the data's
    correlations: below the best constant rate of a 10-epoch fit on some
    data sets (breast cancer), above it on others (diabetes, squared loss).
    Where 'edge' lands is measured in the table "Range-test suggestion vs the
    best constant rate" of ``benchmarks/lr_auto.py``.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.preprocessing import scale
    >>> from sklr import LRTunedSGDClassifier, lr_find
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> result = lr_find(LRTunedSGDClassifier(loss="log_loss"), scale(X), y, random_state=0)
    >>> result.method, bool(1e-6 < result.suggestion < 10)
    ('edge', True)
    """
    if method not in SUGGESTIONS:
        raise ValueError(f"method must be one of {sorted(SUGGESTIONS)}, got {method!r}.")
    if not (0 < start < end) or not np.isfinite(end):
        raise ValueError(f"Need 0 < start < end, got start={start!r}, end={end!r}.")
    if int(num) != num or num < 10:
        raise ValueError(f"num must be an integer >= 10, got {num!r}.")
    est = _as_sklr(estimator)
    est._validate_params()
    X, y, labels = est._validate_xy(X, y, reset=True)
    sample_weight = est._check_sample_weight(sample_weight, X)
    classes = est._check_classes(labels, None)
    model = est._make_model()
    init = adapter_class(model).check_start_weights(
        model, coef_init, intercept_init, X.shape[1], classes, X.dtype
    )
    X, y, sample_weight = est._training_rows(X, y, sample_weight, classes)
    return sweep(
        est,
        X,
        y,
        sample_weight,
        classes,
        check_random_state(est.random_state if random_state is None else random_state),
        start=start,
        end=end,
        num=int(num),
        method=method,
        init=init,
    )


def sweep(est, X, y, sample_weight, classes, rng, *, start, end, num, method="edge", init=None):
    """The range test on validated data (see :func:`lr_find`), from the weights ``init``.

    Rows of weight 0 count for nothing: they are left out (a mini-batch of
    them alone would have no loss).
    """
    if sample_weight is not None and not np.all(sample_weight > 0):
        kept = sample_weight > 0
        X, y, sample_weight = X[kept], y[kept], sample_weight[kept]
    rows = _sweep_rows(X.shape[0], num, rng)
    batch = max(1, -(-len(rows) // num))
    evaluation = _rows_of(X, y, sample_weight, np.sort(rows[:EVAL_ROWS]))
    model = est._make_model_for(classes, y, sample_weight)
    adapter = adapter_class(model)(model, shuffle=False)
    adapter.start_weights = init
    lrs = np.geomspace(start, end, num)
    raw, smooth = [], []
    average, best = 0.0, np.inf
    seed = int(rng.randint(np.iinfo(np.int32).max))
    with np.errstate(all="ignore"):
        for i, lr in enumerate(lrs):
            batch_rows = rows[(i * batch) % len(rows) :][:batch]
            loss = _step(
                adapter, X, y, sample_weight, classes, evaluation, batch_rows, lr, seed, i
            )
            if not np.isfinite(loss):
                break
            raw.append(loss)
            average = SMOOTHING * average + (1 - SMOOTHING) * loss
            smooth.append(average / (1 - SMOOTHING ** (i + 1)))
            best = min(best, smooth[-1])
            if smooth[-1] > STOP_FACTOR * best:
                break
    adapter.release()
    n = len(smooth)
    lrs, smooth = lrs[:n], np.asarray(smooth)
    kept = slice(num // 10, max(num // 10 + 2, n - 5))
    cut_lrs, cut_losses = lrs[kept], smooth[kept]
    if len(cut_losses) < 2:
        cut_lrs, cut_losses = lrs, smooth
    if len(cut_losses) < 2:
        raise ValueError(
            f"The range test diverged at its first steps (from lr={start:g}); "
            "lower start or scale the input."
        )
    suggestions = {name: f(cut_lrs, cut_losses) for name, f in SUGGESTIONS.items()}
    return LRFinderResult(
        lrs=lrs,
        losses=smooth,
        raw_losses=np.asarray(raw),
        suggestion=suggestions[method],
        method=method,
        suggestions=suggestions,
    )


def _step(adapter, X, y, sample_weight, classes, evaluation, rows, lr, seed, i):
    """The loss on the evaluation batch before step ``i`` at ``lr``, then the step."""
    if i == 0:
        before = adapter.initial_objective(*evaluation, classes, seed)
    else:
        before = adapter.objective(*evaluation)
    try:
        adapter.train_batches(X, y, sample_weight, classes, [rows], [lr], seed)
    except (ValueError, FloatingPointError):
        return np.inf
    return float(before) if adapter.weights_finite() else np.inf


def _rows_of(X, y, sample_weight, rows):
    return X[rows], y[rows], None if sample_weight is None else sample_weight[rows]


def _sweep_rows(n, num, rng):
    """One shuffled pass over the rows, subsampled to ``num * MAX_BATCH`` rows."""
    order = rng.permutation(n)
    return order[: num * MAX_BATCH]


def _as_sklr(estimator):
    """A clone of ``estimator`` as an sklr estimator, quiet about settings that do not matter.

    The sweep sets the rate and the steps itself: the settings of them on a
    wrapped scikit-learn model are set back to their defaults (LRTuned would
    warn of them), the model's seed seeds the sweep.
    """
    from ..estimators import LRTuned
    from ..estimators._estimators import without_replaced_settings

    if hasattr(estimator, "_make_model") and not isinstance(estimator, LRTuned):
        return clone(estimator)
    model = estimator.estimator if isinstance(estimator, LRTuned) else estimator
    try:
        adapter_class(model)
    except TypeError as exc:
        raise TypeError(
            f"{exc} lr_find takes one of them or an sklr estimator; for a Pipeline, "
            "transform X with its first steps and pass its last one."
        ) from None
    if isinstance(estimator, LRTuned):
        return clone(estimator).set_params(estimator=without_replaced_settings(model))
    # A plain scikit-learn model: its seed seeds the sweep, copied as clone
    # copies it (a RandomState passed in is never advanced).
    seed = copy.deepcopy(estimator.get_params().get("random_state"))
    return LRTuned(without_replaced_settings(estimator), random_state=seed)


def choose_lr(est, X, y, sample_weight, classes, rng, *, init=None, race_rows=None):
    """Choose the rate of ``lr='auto'``: a range test, then a race under the schedule.

    1. The range test (:func:`lr_find`, 'edge') on the training data.
    2. A race: each candidate ``suggestion * m`` for ``m`` in
       :func:`race_multipliers` trains under the estimator's own schedule
       for its own ``max_iter`` epochs on the same random
       ``1 / len(candidates)`` of the training part
       (``1 - RACE_HOLDOUT`` of the data) and is scored by its training
       objective (loss plus penalty) on the held-out part, of the model as
       it predicts (with SGD's averaging: the average). The lowest wins
       (ties: the lower rate); ``race`` keeps the negated objectives. A
       candidate whose racer diverged (a rollback; its score came from the
       lower rate the rollbacks left) is counted out (``-inf``); if all are,
       the lowest candidate wins, with a warning.
    3. The winner is scaled for the updates it missed (see
       :func:`_update_correction`): an SGD model updates once per row, an MLP
       once per mini-batch, so a racer's share of the rows cuts the updates
       of an MLP epoch less, or not at all when one mini-batch holds them.

    The race costs about one plain fit (its candidates share one fit's
    rows x epochs), the range test about one epoch. Both start from the
    fit's starting weights ``init`` (checked ``coef_init`` / ``intercept_init``).

    With ``step_every='batch'`` each racer takes about the fit's steps per
    epoch (in smaller mini-batches of its rows), and its step ``t`` of ``T``
    runs at the factor of the fit's step ``t * T_fit // T``: a schedule
    counted in steps (``warmup_steps``, ``step_size``, an explicit
    ``total_steps``) runs over the racers as over the fit.

    ``X, y, sample_weight`` are the rows the fit trains on, which the range
    test steps through; ``race_rows`` (default: the same) are the rows the
    race splits and trains on: with the SGD models' sample weights as
    repeated rows, those before the repetition, so that no held-out row is
    a copy of a training row (each racer repeats its own rows).

    Parameters
    ----------
    est : sklr estimator
        The estimator being fitted with ``lr='auto'``; it is not modified.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        The validated rows the fit trains on.
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Their targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Their weights.
    classes : ndarray or None
        The classes of a classifier's fit.
    rng : RandomState
        The fit's random state; the range test and the race draw from it.
    init : tuple of (coef, intercept), default=None
        Checked starting weights of an SGD model, or None.
    race_rows : tuple of (X, y, sample_weight), default=None
        The rows the race splits and trains on; None: ``X, y, sample_weight``.

    Returns
    -------
    result : LRFinderResult
        The range test, with ``lr`` (the chosen rate) and ``race`` filled in.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import scale
    >>> from sklr import LRTunedSGDClassifier
    >>> from sklr.finder import choose_lr
    >>> X, y = load_iris(return_X_y=True)
    >>> est = LRTunedSGDClassifier(max_iter=5)
    >>> rng = np.random.RandomState(0)
    >>> result = choose_lr(est, scale(X), y, None, np.unique(y), rng)
    >>> len(result.race), result.lr > 0
    (4, True)
    """
    result = sweep(
        est, X, y, sample_weight, classes, rng, start=1e-6, end=10.0, num=100, init=init
    )
    from_init = {} if init is None else {"coef_init": init[0], "intercept_init": init[1]}
    candidates = [result.suggestion * m for m in race_multipliers(est, X.shape[0])]
    race_X, race_y, race_sw = (X, y, sample_weight) if race_rows is None else race_rows
    (X_tr, y_tr, sw_tr), validation = split_validation(
        race_X,
        race_y,
        race_sw,
        fraction=RACE_HOLDOUT,
        stratify=is_classifier(est),
        rng=rng,
        purpose="to race the candidate rates of lr='auto'",
        remedy="Pass a float lr for data this small.",
    )
    share = max(1, X_tr.shape[0] // len(candidates))
    rows = np.sort(rng.permutation(X_tr.shape[0])[:share])
    if is_classifier(est):
        rows = _cover_classes(rows, y_tr, classes)
    sw = None if sw_tr is None else sw_tr[rows]
    seed = int(rng.randint(np.iinfo(np.int32).max))
    steps = est._steps_per_epoch(X.shape[0])
    scores, failures = {}, []
    for lr in candidates:
        racer = _as_sklr(est).set_params(
            lr=lr, random_state=seed, early_stopping=False, verbose=0, on_divergence="rollback"
        )
        size = racer._requested_batch_size()
        if est.step_every == "batch":
            # About the fit's steps per epoch, in mini-batches of the racer's
            # rows; the schedule then maps the racer's steps onto the fit's.
            racer.set_params(
                batch_size=max(1, -(-len(rows) // steps)),
                schedule=_OverTheFitsSteps(resolve(est.schedule), est.max_iter * steps),
            )
        elif isinstance(size, Integral) and size > len(rows):
            # A racer trains on a share of the rows, which may hold fewer
            # than one mini-batch of the fit: one batch of all of them.
            racer.set_params(batch_size=len(rows))
        try:
            with warnings.catch_warnings():
                # A racer too fast to end well is what the race is for.
                warnings.simplefilter("ignore", ConvergenceWarning)
                racer.fit(X_tr[rows], y_tr[rows], sample_weight=sw, **from_init)
            # The held-out objective, not accuracy: on a small held-out part
            # accuracy ties between most candidates and picks at random.
            scores[lr] = -racer._engine.adapter.prediction_objective(*validation)
            if any(event["kind"] == "rollback" for event in racer.lr_events_):
                # It diverged at this rate: what it scored, it scored at the
                # lower rate the rollbacks left it, which the fit would not.
                scores[lr] = -np.inf
        except DivergenceError:
            scores[lr] = -np.inf
        except ValueError as exc:
            # Not the rate but the racers' set-up (they train on a share of
            # the rows): counted out, and reported if no candidate could race
            # at all.
            scores[lr] = -np.inf
            failures.append(exc)
        if not np.isfinite(scores[lr]):
            scores[lr] = -np.inf
    if len(failures) == len(candidates):
        raise ValueError(
            f"lr='auto' could not race any candidate rate, each on {len(rows)} of the "
            f"{race_X.shape[0]} rows it races on: {failures[0]} Pass a float lr."
        ) from failures[0]
    result.race = scores
    winner = max(candidates, key=lambda lr: (scores[lr], -lr))
    if not np.isfinite(scores[winner]):
        warn_user(
            f"lr='auto': every candidate rate diverged in the race (from "
            f"{candidates[0]:.3g} to {candidates[-1]:.3g}); the lowest is used. The range "
            "test's suggestion is likely too high for this data: scale the input, or "
            "pass a float lr."
        )
    fewer = _updates_per_epoch(est, X_tr.shape[0]) / _updates_per_epoch(racer, len(rows))
    # A racer that took as many updates as the fit (an MLP stepping per
    # batch) missed none: never scaled up.
    result.lr = winner * _update_correction(est, max(1.0, fewer), X.shape[0])
    return result


class _OverTheFitsSteps(Schedule):
    """``schedule`` over a racer's steps as it runs over the fit's.

    Step ``t`` of the racer's ``horizon`` runs at the factor of the fit's
    step ``t * fit_horizon // horizon`` (of ``fit_horizon``).
    """

    _parameter_constraints = {
        "schedule": "no_validation",
        "fit_horizon": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, schedule=None, fit_horizon=1):
        self.schedule = schedule
        self.fit_horizon = fit_horizon

    def _factor(self, t, horizon):
        fit_steps = np.floor_divide(t * self.fit_horizon, self._horizon(horizon))
        return self.schedule(fit_steps, horizon=self.fit_horizon)


def _updates_per_epoch(est, n_rows):
    """The updates the estimator's model takes in an epoch of ``n_rows``."""
    model = est._make_model()
    return adapter_class(model).updates_per_epoch(n_rows, est._requested_batch_size())


def _final_to_peak(est, n_rows=None):
    """The schedule's final factor over the fit relative to its peak, in [0, 1].

    1 for a constant rate, about 0 for one annealed to (nearly) nothing.
    Over the fit's steps: ``max_iter`` epochs of ``n_rows`` (when stepping
    per batch; without ``n_rows``, of one step each).
    """
    horizon = est.max_iter * (1 if n_rows is None else est._steps_per_epoch(n_rows))
    # Checked as a fit checks it: a schedule that cannot run over the fit says so.
    schedule, horizon = est._checked_schedule(resolve(est.schedule), horizon)
    plan = np.asarray(schedule(np.arange(horizon), horizon=horizon))
    return min(1.0, float(plan[-1] / plan.max())) if plan.max() > 0 else 0.0


def race_multipliers(est, n_rows=None):
    """Give the multipliers of the range test's suggestion that race for ``est``'s schedule.

    Those of ``RACE_MULTIPLIERS`` up to the one nearest (on a log scale)
    to ``10 ** (2 - r)``, with ``r`` the schedule's final factor relative to
    its peak: up to 100x for a schedule that anneals to about zero (its
    best peak can lie well above the suggestion), up to 10x for a constant
    rate (the best one lies near it). A racer sees a fraction of the fit's
    updates, and a
    few large steps do well in so short a run: without the cap, a constant
    rate 30-100x the suggestion could win the race and be too high for the
    fit (on MLP regressors, ``benchmarks/lr_auto.py``).

    Parameters
    ----------
    est : sklr estimator
        Its schedule, ``max_iter`` and stepping decide the final factor.
    n_rows : int, default=None
        The fit's rows, which set its steps when stepping per batch.

    Returns
    -------
    multipliers : tuple of float
        The multipliers, increasing.

    Examples
    --------
    >>> from sklr import LRTunedSGDClassifier
    >>> from sklr.finder import race_multipliers
    >>> race_multipliers(LRTunedSGDClassifier(schedule="constant"))
    (0.3, 1.0, 3.0, 10.0)
    >>> race_multipliers(LRTunedSGDClassifier(schedule="cosine"))
    (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
    """
    top = 2.0 - _final_to_peak(est, n_rows)  # log10 of the highest multiplier
    highest = min(RACE_MULTIPLIERS, key=lambda m: abs(np.log10(m) - top))
    return tuple(m for m in RACE_MULTIPLIERS if m <= highest)


def _update_correction(est, fewer, n_rows=None):
    """Scale for the race winner, which saw ``fewer`` times fewer updates than the fit.

    With a constant rate, SGD's error after ``T`` updates is about
    ``a / (lr T) + b lr``, best at ``lr ~ 1 / sqrt(T)``: a race with ``k``
    times fewer updates overstates the best rate by ``sqrt(k)``. A schedule
    that anneals the rate to zero removes the ``b lr`` floor and with it the
    bias. In between, the correction is ``k ** (-r / 2)`` with ``r`` the
    schedule's final factor relative to its peak over the fit.
    """
    return fewer ** (-0.5 * _final_to_peak(est, n_rows))


def _cover_classes(rows, y, classes):
    """Add one row of every class the subsample misses (classifiers need them all)."""
    missing = np.setdiff1d(classes, y[rows])
    extra = [int(np.flatnonzero(y == c)[0]) for c in missing if np.any(y == c)]
    return np.sort(np.concatenate([rows, extra]).astype(int)) if extra else rows
