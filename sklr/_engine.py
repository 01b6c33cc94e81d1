"""The one training loop shared by every sklr estimator.

It walks epochs (and mini-batches with ``step_every='batch'``), asks the
controller for the factor of each step, injects ``lr * factor`` through the
adapter *before* the step, checks the step for divergence, lets the policies
react to the epoch, and records what happened: ``lr_curve_`` gets the rate of
each accepted step, ``loss_curve_`` the training objective after each
accepted epoch, ``lr_events_`` every decision that was not a plain step.

Divergence
----------
After every epoch the engine checks, in this order:

* the wrapped model's own overflow errors (``ValueError`` mentioning
  overflow or non-finite weights);
* a step whose L2 shrinkage ``lr * alpha`` (times ``1 - l1_ratio`` with
  ``penalty='elasticnet'``) reaches 1, which
  makes scikit-learn's SGD reset the weights to zero on every sample (checked
  before the step: the model would learn nothing);
* non-finite loss or weights;
* (when the starting objective is positive: the perceptron's is 0 at
  zero weights, which leaves only the checks above)
  an objective at the end of the epoch above ``DIVERGENCE_FACTOR`` (10) times
  the starting objective (the objective at the initial weights for an MLP;
  at zero weights for SGD, or at ``coef_init`` where that is higher: a start
  from trained weights is no scale for divergence), or back above that
  starting objective and above
  ``RISE_FACTOR`` (2) times the best epoch so far. For models that report a
  running loss (MLP: an average over the epoch's mini-batches) the end-of-epoch
  objective is measured on the loss rows, at the epoch's final weights. In a
  ``partial_fit`` stream, a chunk on which the current weights already do
  worse than the starting objective is compared with that loss instead.

With ``on_divergence='rollback'`` the weights *and* optimizer state are
restored to what they were before the epoch (for the first epoch: the
model at its starting weights, drawn once), the rate is shrunk
(by ``0.5`` on a first failure, by ``0.25`` on each consecutive one; the
shrink stays for the rest of the fit) and the epoch is retried with the same
shuffling. Once the shrink falls below ``MIN_SHRINK`` without a good epoch a
:class:`DivergenceError` is raised. With ``'raise'`` that error comes at the
first divergence. With ``step_every='batch'`` the unit checked and rolled back
is the epoch's batches.

The rate a rollback settles on is about the largest that passes the checks:
the edge of stability, where SGD oscillates rather than descends and ends
noisy. So after a rollback, an accepted epoch whose objective (the one
checked) ends above where it started (the previous epoch's, or the starting
objective) multiplies the rate by ``EDGE_SHRINK`` (0.5) for the rest of the
fit, without undoing the epoch: an ``'edge_shrink'`` event, at most
``MAX_EDGE_SHRINKS`` (5) times after each rollback. A fit that never rolls
back is never shrunk.
"""

import copy
import time

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ._adapters import AUTO_BATCH_SIZE
from ._warnings import warn_user

#: At most this many rows of the training data (every k-th row of those of
#: positive weight, the same every epoch) are those on which the objective at
#: the end of each epoch is measured: ``loss_curve_`` of models that do not
#: report their own training loss, and the divergence checks of every model
#: (a running loss, averaged over the epoch, hides an epoch that ends in
#: ruins). The cost is bounded on large data; on digits (1797 rows) it is a
#: few per cent of an SGD epoch.
LOSS_SAMPLE_SIZE = 500

#: A loss this many times the one divergence is judged against (the starting
#: loss, see above) is divergence.
DIVERGENCE_FACTOR = 10.0

#: A loss back above the starting loss and this many times the best so far is
#: divergence too (a slow blow-up that no single epoch makes 10x worse).
RISE_FACTOR = 2.0

#: Rollback gives up when the rate has been shrunk below this fraction of
#: what the schedule asked for (15 orders of magnitude).
MIN_SHRINK = 1e-15

#: After a rollback, an accepted epoch that raised the objective multiplies the
#: rate by this (stability theory: the best-behaved rate is about half the edge).
EDGE_SHRINK = 0.5

#: At most this many edge shrinks follow each rollback (the rate ends at most
#: 32x below the one the rollback settled on), so that the epoch-to-epoch noise
#: of a long fit cannot anneal the rate to nothing.
MAX_EDGE_SHRINKS = 5

_FIRST_SHRINK, _NEXT_SHRINK = 0.5, 0.25
_OVERFLOW_MESSAGES = ("overflow", "non-finite", "infinity", "nan")

_SEED_MAX = np.iinfo(np.int32).max


#: A stream past its horizon at a schedule factor below this (cosine's floor
#: of 0, one-cycle's final 4e-6) barely trains, if at all: it is warned of.
NEGLIGIBLE_FACTOR = 1e-3

#: The engine's growing records (lists), and the parts it holds rather than owns.
_RECORDS = ("lr_curve", "loss_curve", "validation_scores", "events")
_PARTS = ("adapter", "controller", "rng")


class DivergenceError(ValueError):
    """Training diverged and rolling back could not save it.

    Raised by ``fit`` and ``partial_fit`` with ``on_divergence='raise'`` at
    the first epoch that diverges (checked at the end of every epoch), or
    with ``'rollback'`` when no rate down to ``MIN_SHRINK`` of the
    schedule's trains it. A ``ValueError``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklr import DivergenceError, LRTunedSGDRegressor
    >>> X = np.arange(20.0).reshape(-1, 1) * 100  # unscaled
    >>> y = 3 * X.ravel()
    >>> try:
    ...     LRTunedSGDRegressor(lr=10.0, on_divergence="raise").fit(X, y)
    ... except DivergenceError as exc:
    ...     print(str(exc)[:38])
    Training diverged at step 0 (epoch 1):
    """


class Engine:
    """Train one adapter's model under a controller, one step at a time.

    The engine is created by ``fit`` (or the first ``partial_fit``) and kept
    on the estimator, so a stream of ``partial_fit`` calls continues the same
    step counter, schedule, policies, random state and records.
    """

    def __init__(
        self,
        adapter,
        controller,
        *,
        lr,
        step_every,
        batch_size,
        shuffle,
        rng,
        classes=None,
        verbose=0,
        on_divergence="rollback",
    ):
        self.adapter = adapter
        self.controller = controller
        self.lr = lr
        self.step_every = step_every
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.rng = rng
        self.classes = classes
        self.verbose = verbose
        self.on_divergence = on_divergence
        self.t = 0
        self.n_iter = 0
        self.shrink = 1.0
        self.start_loss = None  # the objective where training starts
        self.reference = None  # the one divergence is judged against
        self.reference_name = None
        self.chunk_reference = None
        self.best_loss = np.inf
        self.last_loss = None
        self.edge_shrinks_left = 0
        self.warned_past_horizon = False
        self.lr_curve = []
        self.loss_curve = []
        self.validation_scores = []
        self.events = []

    # -- public loop -----------------------------------------------------------

    def fit(self, X, y, sample_weight, *, max_iter, validation=None, stopping=None):
        """Run up to ``max_iter`` epochs over ``(X, y)``.

        ``validation`` is ``(X_val, y_val, sw_val)`` or None; ``stopping`` is
        ``(patience, tol, restore_best)`` when early stopping is on: the fit
        stops after ``patience`` epochs in a row whose validation score is
        below the best so far plus ``tol``.
        """
        try:
            return self._fit(X, y, sample_weight, max_iter, validation, stopping)
        finally:
            self.adapter.release()

    def partial_epoch(self, X, y, sample_weight):
        """One epoch of a ``partial_fit`` stream.

        Each call brings new data, whose loss is not comparable with the best
        loss on earlier chunks: the rise check restarts from the loss of the
        current weights on this chunk, and the divergence checks compare with
        the larger of that loss and the starting loss (a chunk whose loss is
        high at any weights, say of larger targets, is not divergence). A
        call that fails (a chunk on which training diverges beyond rescue)
        leaves the stream as it was before it: weights, optimizer, random
        state, policies and records.
        """
        self._warn_past_horizon(X.shape[0])
        saved = self._checkpoint()
        try:
            probe = self._loss_probe(X, y, sample_weight)
            if self.t > 0:
                self.best_loss = self.adapter.objective(*probe)
                self.last_loss = self.best_loss
                # (A starting loss of 0 leaves no scale to compare with, see _diverged.)
                high = self.reference > 0 and self.best_loss > self.reference
                self.chunk_reference = self.best_loss if high else None
                self.controller.new_data({"loss": self.best_loss, "val_score": None})
            decision = self.epoch(X, y, sample_weight, probe)
        except BaseException:
            self._rewind(saved)
            raise
        finally:
            self.adapter.release()
        if decision == "stop":
            warn_user(
                f"A policy ended training at step {self.t} (see lr_events_). A "
                "partial_fit stream ends when its caller stops calling: further calls "
                f"train at lr {self._lr_at(self.t):.3g}."
            )
        return decision

    def _warn_past_horizon(self, n_rows):
        """Warn once, before it trains, when a call goes past the plan at a negligible rate."""
        horizon = self.controller.horizon
        n_steps = 1 if self.batch_size is None else -(-n_rows // self._batch_size_for(n_rows))
        if self.warned_past_horizon or self.t + n_steps <= horizon:
            return
        factor = float(self.controller.factors(horizon, 1)[0])  # held past the horizon
        if factor >= NEGLIGIBLE_FACTOR:
            return
        warn_user(
            f"This partial_fit call goes past the {horizon} steps the schedule is "
            f"planned over (max_iter); past them the schedule holds its final factor, "
            f"{factor:.3g}, so the stream trains at lr * {factor:.3g} = "
            f"{self.lr * self.shrink * factor:.3g} from step {max(self.t, horizon)} on. "
            "Set max_iter to the number of steps the stream will take, or use a "
            "schedule that does not end near zero."
        )
        self.warned_past_horizon = True

    def _checkpoint(self):
        """Everything an epoch may change, to be put back by ``_rewind``."""
        records = {name: len(getattr(self, name)) for name in _RECORDS}
        scalars = {k: v for k, v in vars(self).items() if k not in _RECORDS and k not in _PARTS}
        return (
            self.adapter.snapshot(),
            self.rng.get_state(),
            copy.deepcopy(self.controller),
            scalars,
            records,
        )

    def _rewind(self, saved):
        model, rng_state, controller, scalars, records = saved
        self.adapter.restore(model)
        self.rng.set_state(rng_state)
        self.controller = controller
        vars(self).update(scalars)
        for name, length in records.items():
            del getattr(self, name)[length:]

    def _fit(self, X, y, sample_weight, max_iter, validation, stopping):
        probe = self._loss_probe(X, y, sample_weight)
        best_score, best_state, best_epoch, stale = -np.inf, None, 0, 0
        for _ in range(max_iter):
            decision = self.epoch(X, y, sample_weight, probe, validation)
            if decision == "reject":
                continue
            if stopping is not None:
                # Also the epoch a policy ends the fit with: it may be the best.
                score = self.validation_scores[-1]
                patience, tol, restore_best = stopping
                # Stale as scikit-learn counts it: below the best plus tol.
                stale = stale + 1 if score < best_score + tol else 0
                if score > best_score:
                    best_score, best_epoch = score, self.n_iter
                    best_state = self.adapter.snapshot() if restore_best else None
                if stale >= patience and decision != "stop":
                    self._event(
                        "early_stop",
                        metric=score,
                        detail=f"validation score below the best plus tol={tol} "
                        f"for {stale} epochs in a row",
                    )
                    break
            if decision == "stop":
                break
        if best_state is not None and best_epoch != self.n_iter:
            self.adapter.restore(best_state)
            self._event("restore_best", metric=best_score, detail=f"epoch {best_epoch}")
        else:
            self._warn_if_worse_than_at_the_start()
        return self

    def _warn_if_worse_than_at_the_start(self):
        """Warn when the fit ends at ``RISE_FACTOR`` times the objective divergence is judged by.

        That is the objective where training starts (zero weights, a network's
        random ones), or from ``coef_init`` the higher of that and the one at
        zero weights (a start from trained weights sits at the noise floor).
        The model is then far worse than where it started: the rate was too
        high, though not enough for the divergence checks, which act from
        ``DIVERGENCE_FACTOR`` times it. (Slightly above it is what noise does
        on targets the features barely predict.) A reference of 0 (the
        perceptron's) gives no scale.
        """
        start, last = self.reference, self.last_loss
        if last is None or not start or start <= 0 or last <= RISE_FACTOR * start:
            return
        rolled_back = any(event["kind"] == "rollback" for event in self.events)
        warn_user(
            f"Training ended at a training objective of {last:.4g}, more than "
            f"{RISE_FACTOR:g}x the {start:.4g} {self.reference_name}: the model is far "
            "worse than where it started. "
            "The rate is too high"
            + (" even after the rollbacks in lr_events_" if rolled_back else "")
            + "; lower lr, use a schedule that lowers it, or scale the input.",
            ConvergenceWarning,
        )

    def epoch(self, X, y, sample_weight, probe=None, validation=None):
        """One epoch: steps, divergence checks, the policies' verdict.

        Returns the policies' decision: None, ``'stop'`` or ``'reject'``.
        """
        start = time.perf_counter()
        probe = probe or self._loss_probe(X, y, sample_weight)
        seed = int(self.rng.randint(_SEED_MAX))
        batches = self._batches(X.shape[0], seed)
        n_steps = 1 if batches is None else len(batches)
        lrs, (loss, end_loss), before = self._steps_until_accepted(
            X, y, sample_weight, probe, batches, n_steps, seed
        )
        score = None if validation is None else self.adapter.score(*validation)
        policy_events = len(self.events)
        decision = self._consult_policies(n_steps, lrs, end_loss, score)
        if decision == "reject":
            self.adapter.restore(before)
            return decision
        self.lr_curve.extend(lrs.tolist())
        # Before what the policies did after these steps.
        self.events[policy_events:policy_events] = self._restart_events(n_steps)
        self.t += n_steps
        self.n_iter += 1
        self.loss_curve.append(loss)
        self._shrink_at_the_edge(end_loss)
        if score is not None:
            self.validation_scores.append(score)
        self._report(loss, score, time.perf_counter() - start)
        return decision

    # -- steps and divergence ----------------------------------------------------

    def _steps_until_accepted(self, X, y, sample_weight, probe, batches, n_steps, seed):
        """Take the epoch's steps, rolling back and shrinking while they diverge."""
        guarded = self.on_divergence == "rollback" or self.controller.may_reject
        tried = []
        while True:
            if self.reference is None:
                # Before the snapshot: the model may set up its initial weights
                # here, which a retry of the first epoch must start from.
                # Measured on the rows every end-of-epoch objective is checked on.
                with np.errstate(all="ignore"):
                    self.start_loss = self.adapter.initial_objective(*probe, self.classes, seed)
                    self.reference, self.reference_name = self.adapter.divergence_reference(
                        *probe, self.start_loss
                    )
            before = self.adapter.snapshot() if guarded else None
            lrs = self.lr * self.shrink * self.controller.factors(self.t, n_steps)
            (loss, end_loss), why = self._try_steps(X, y, sample_weight, probe, batches, lrs, seed)
            if why is None:
                self.best_loss = min(self.best_loss, end_loss)
                return lrs, (loss, end_loss), before
            tried.append((float(lrs[0]), float(lrs.max())))
            shrink = _FIRST_SHRINK if len(tried) == 1 else _NEXT_SHRINK
            if self.on_divergence == "raise" or self.shrink * shrink < MIN_SHRINK:
                raise DivergenceError(self._divergence_message(tried, why, n_steps))
            self.adapter.restore(before)
            self.shrink *= shrink
            self.edge_shrinks_left = MAX_EDGE_SHRINKS
            self._event(
                "rollback",
                lr_before=float(lrs[0]),
                lr_after=float(lrs[0] * shrink),
                metric=loss,
                detail=why,
            )

    def _try_steps(self, X, y, sample_weight, probe, batches, lrs, seed):
        """Run the steps at ``lrs``; return (loss, None) or (loss, why it diverged)."""
        degenerate = self.adapter.degenerate(float(lrs.max()))
        if degenerate:
            return (np.nan, np.nan), degenerate
        try:
            with np.errstate(all="ignore"):
                loss, end_loss = self._run_steps(X, y, sample_weight, probe, batches, lrs, seed)
        except (ValueError, FloatingPointError) as exc:
            if not any(word in str(exc).lower() for word in _OVERFLOW_MESSAGES):
                raise
            return (np.nan, np.nan), f"the model reported: {exc}"
        return (loss, end_loss), self._diverged(end_loss)

    def _run_steps(self, X, y, sample_weight, probe, batches, lrs, seed):
        adapter = self.adapter
        if batches is None:
            adapter.set_lr(lrs[0])
            loss = adapter.train_epoch(X, y, sample_weight, self.classes, seed)
        else:
            loss = adapter.train_batches(X, y, sample_weight, self.classes, batches, lrs, seed)
        if loss is None:
            loss = adapter.objective(*probe)
            return float(loss), float(loss)
        if not np.isfinite(loss):
            return float(loss), float(loss)
        return float(loss), float(adapter.objective(*probe))

    def _diverged(self, loss):
        """Why the objective ``loss`` at the end of an epoch means divergence, or None."""
        if not self.adapter.weights_finite():
            return "non-finite weights"
        if not np.isfinite(loss):
            return f"non-finite training loss ({loss})"
        if self.chunk_reference is None:
            reference, what = self.reference, self.reference_name
        else:
            reference, what = self.chunk_reference, "of this chunk before the step"
        if reference <= 0:
            # A loss of 0 at the start (the perceptron's at zero weights)
            # gives no scale to compare with.
            return None
        if loss > DIVERGENCE_FACTOR * reference:
            return (
                f"loss {loss:.4g} above {DIVERGENCE_FACTOR:g}x the loss {what} ({reference:.4g})"
            )
        if loss > reference and loss > RISE_FACTOR * self.best_loss:
            return (
                f"loss {loss:.4g} back above the loss {what} ({reference:.4g}) "
                f"and {RISE_FACTOR:g}x the best so far ({self.best_loss:.4g})"
            )
        return None

    def _shrink_at_the_edge(self, loss):
        """After a rollback, halve the rate if the accepted epoch ended above where it started."""
        start = self.start_loss if self.last_loss is None else self.last_loss
        self.last_loss = loss
        if self.edge_shrinks_left == 0 or loss <= start:
            return
        lr_before = self._lr_at(self.t)
        self.shrink *= EDGE_SHRINK
        self.edge_shrinks_left -= 1
        self._event(
            "edge_shrink",
            lr_before=lr_before,
            lr_after=self._lr_at(self.t),
            metric=loss,
            detail=f"loss rose from {start:.4g} to {loss:.4g} at the rate a rollback set",
        )

    def _divergence_message(self, tried, why, n_steps):
        """``tried``: the (first, highest) rate of the steps of each try."""
        if n_steps == 1:
            where = f"at step {self.t} (epoch {self.n_iter + 1})"
            rates = ", ".join(f"{first:.3g}" for first, _ in tried)
            what = f"Learning rates tried for this step: {rates}"
        else:  # divergence is checked at the end of each epoch
            where = f"in epoch {self.n_iter + 1} (steps {self.t} to {self.t + n_steps - 1})"
            rates = ", ".join(f"{first:.3g} (highest {top:.3g})" for first, top in tried)
            what = f"Learning rates tried for its first step: {rates}"
        return (
            f"Training diverged {where}: {why}. {what}. "
            "Scale the input (e.g. StandardScaler) or lower lr"
            + (
                "; with on_divergence='rollback' sklr retries at lower rates."
                if self.on_divergence == "raise"
                else f"; the rate was shrunk to {self.shrink:.3g} of the schedule's "
                f"without a good step, and the next shrink would pass {MIN_SHRINK:g}."
            )
        )

    # -- policies ----------------------------------------------------------------

    def _consult_policies(self, n_steps, lrs, loss, score):
        """Let the policies react to the epoch; record each change they make.

        ``loss`` is the objective at the end of the epoch (for a model that
        reports a running loss, the one measured on the loss rows), so that
        an undone epoch and its retry are compared on the same footing.
        """
        if not self.controller.states:
            return None
        next_step = self.t + n_steps
        lr_next = self._lr_at(next_step)
        decision, changes = self.controller.observe(
            {"loss": loss, "val_score": score}, lr_next, steps=(self.t, next_step)
        )
        # After an undo the next step is the retry of this epoch's first step,
        # and the epoch is not counted.
        undone = decision == "reject"
        step = self.t if undone else next_step
        lr_before = float(lrs[0]) if undone else lr_next
        epoch = self.n_iter if undone else self.n_iter + 1
        for kind, metric, factors in changes:
            # Each change from the rate the one before it left.
            lr_after = self.lr * self.shrink * factors[0 if undone else 1]
            self._event(
                kind,
                step=step,
                epoch=epoch,
                lr_before=lr_before,
                lr_after=lr_after,
                metric=metric,
            )
            lr_before = lr_after
        return decision

    def _lr_at(self, step):
        return self.lr * self.shrink * float(self.controller.factors(step, 1)[0])

    # -- pieces ----------------------------------------------------------------

    def _batches(self, n, seed):
        """The epoch's mini-batches of row indices, shuffled by the epoch's seed."""
        if self.step_every == "epoch":
            return None
        # PCG64 shuffles twice as fast as the legacy RandomState.
        order = (
            np.random.Generator(np.random.PCG64(seed)).permutation(n)
            if self.shuffle
            else np.arange(n)
        )
        # As gen_batches, without its per-call parameter validation.
        size = self._batch_size_for(n)
        return [order[start : start + size] for start in range(0, n, size)]

    def _batch_size_for(self, n_rows):
        """Rows per step: ``'auto'`` is ``min(200, rows)`` of each call, as scikit-learn's MLP."""
        return min(AUTO_BATCH_SIZE, n_rows) if self.batch_size == "auto" else self.batch_size

    def _loss_probe(self, X, y, sample_weight):
        """The rows on which the training objective is measured each epoch.

        At most ``LOSS_SAMPLE_SIZE`` of them, every k-th row from a random
        offset: the cost is independent of n and every part of the data is
        represented (sorted data too). A compact copy, made once per call:
        the objective reads it every epoch.
        """
        total = X.shape[0]
        if total <= LOSS_SAMPLE_SIZE:
            return X, y, sample_weight
        weighted = None if sample_weight is None else np.flatnonzero(sample_weight > 0)
        if weighted is not None and len(weighted) < total:
            # Rows of weight 0 count for nothing: the loss rows are drawn from
            # the others (were all of them of weight 0, the loss would be 0/0).
            X, y, sample_weight = X[weighted], y[weighted], sample_weight[weighted]
            return self._loss_probe(X, y, sample_weight)
        step = -(-total // LOSS_SAMPLE_SIZE)
        rows = slice(self.rng.randint(step), None, step)
        X = X[rows].copy() if isinstance(X, np.ndarray) else X[rows]
        return X, y[rows], None if sample_weight is None else sample_weight[rows]

    def _restart_events(self, n_steps):
        """The schedule's restarts among the ``n_steps`` just added to ``lr_curve``."""
        curve = self.lr_curve
        return [
            self._event_record(
                "restart",
                step=int(step),
                epoch=self.n_iter,
                lr_before=curve[step - 1],
                lr_after=curve[step],
                detail="the schedule starts a new cycle",
            )
            for step in self.controller.restarts(self.t, n_steps)
            if step > 0
        ]

    def _event(self, kind, **fields):
        self.events.append(self._event_record(kind, **fields))

    def _event_record(
        self, kind, *, step=None, epoch=None, lr_before=None, lr_after=None, metric=None, detail=""
    ):
        """An entry of ``lr_events_``; by default at the current step, at the last rate."""
        last = self.lr_curve[-1] if self.lr_curve else None
        return {
            "step": self.t if step is None else step,
            "epoch": self.n_iter if epoch is None else epoch,
            "kind": kind,
            "lr_before": last if lr_before is None else lr_before,
            "lr_after": last if lr_after is None else lr_after,
            "metric": None if metric is None else float(metric),
            "detail": detail,
        }

    def _report(self, loss, score, seconds):
        if not self.verbose:
            return
        val = "" if score is None else f", val score {score:.5f}"
        print(
            f"epoch {self.n_iter}: lr {self.lr_curve[-1]:.4g}, loss {loss:.6g}{val}, "
            f"{seconds:.3f} s",
            flush=True,
        )


def split_validation(
    X,
    y,
    sample_weight,
    *,
    fraction,
    stratify,
    rng,
    purpose="for validation",
    remedy="Use more data.",
):
    """Hold out ``fraction`` of the rows (stratified for classifiers).

    ``purpose`` says what the rows are held out for and ``remedy`` what the
    user can do when they cannot be (both end up in the error message).
    """
    arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
    seed = int(rng.randint(_SEED_MAX))
    try:
        parts = train_test_split(
            *arrays, test_size=fraction, stratify=y if stratify else None, random_state=seed
        )
    except ValueError as exc:
        raise ValueError(
            f"Cannot hold out {fraction:g} of the {X.shape[0]} samples {purpose}: "
            f"{_why_no_split(y, fraction, stratify)}. {remedy}"
        ) from exc
    train, val = parts[0::2], parts[1::2]
    if sample_weight is None:
        train, val = [*train, None], [*val, None]
    return tuple(train), tuple(val)


def _why_no_split(y, fraction, stratify):
    n = len(y)
    n_val = int(np.ceil(fraction * n))
    if n_val < 1 or n_val >= n:
        return f"that leaves {n_val} held-out and {n - n_val} training samples"
    if not stratify:
        return "the split failed"
    labels, counts = np.unique(y, return_counts=True)
    if counts.min() < 2:
        return (
            f"class {labels[counts.argmin()].tolist()!r} has {counts.min()} sample; a stratified "
            "split needs at least 2 of every class"
        )
    side, size = ("held-out", n_val) if n_val < len(labels) else ("training", n - n_val)
    return f"the {side} part ({size} samples) cannot hold all {len(labels)} classes"
