"""The one training loop shared by every sklr estimator.

It walks epochs (and mini-batches with ``step_every='batch'``), asks the
controller for the factor of each step, injects ``lr * factor`` through the
adapter *before* the step, and records what happened: ``lr_curve_`` gets the
rate of each step taken, ``loss_curve_`` the training objective after each
epoch, ``lr_events_`` every decision that was not a plain step.
"""

import time

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches

#: Rows of the training data on which ``loss_curve_`` is measured when the
#: model does not report its own training loss (a fixed random subsample,
#: drawn once per fit, keeps the per-epoch cost bounded on large data).
LOSS_SAMPLE_SIZE = 10_000

_SEED_MAX = np.iinfo(np.int32).max


class ScheduleController:
    """Per-fit state of a plain schedule: its plan over the horizon.

    The whole plan is one vectorised evaluation; steps past the horizon (a
    ``partial_fit`` stream that runs longer than ``max_iter``) are evaluated
    one by one, where horizon-relative schedules hold their last value.
    """

    def __init__(self, schedule, horizon):
        self.schedule = schedule
        self.horizon = horizon
        self.plan = np.asarray(schedule(np.arange(horizon), horizon=horizon), dtype=float)
        self.stopped = None

    def factor(self, t):
        if t < self.horizon:
            return float(self.plan[t])
        return float(self.schedule(t, horizon=self.horizon))

    def observe(self, step, metrics):
        """Feedback after an epoch; a plain schedule ignores it."""
        return []


class Engine:
    """Train one adapter's model under a schedule, one step at a time.

    The engine is created by ``fit`` (or the first ``partial_fit``) and kept
    on the estimator, so a stream of ``partial_fit`` calls continues the same
    step counter, schedule, random state and records.
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
        self.t = 0
        self.n_iter = 0
        self.lr_curve = []
        self.loss_curve = []
        self.validation_scores = []
        self.events = []

    # -- the loop --------------------------------------------------------------

    def fit(self, X, y, sample_weight, *, max_iter, validation=None, stopping=None):
        """Run up to ``max_iter`` epochs over ``(X, y)``.

        ``validation`` is ``(X_val, y_val, sw_val)`` or None; ``stopping`` is
        ``(n_iter_no_change, tol, restore_best)`` when early stopping is on.
        """
        try:
            return self._fit(X, y, sample_weight, max_iter, validation, stopping)
        finally:
            self.adapter.release()

    def partial_epoch(self, X, y, sample_weight):
        """One epoch of a ``partial_fit`` stream."""
        try:
            return self.epoch(X, y, sample_weight)
        finally:
            self.adapter.release()

    def _fit(self, X, y, sample_weight, max_iter, validation, stopping):
        probe = self._loss_probe(X, y, sample_weight)
        best_score, best_state, best_epoch, stale = -np.inf, None, 0, 0
        for _ in range(max_iter):
            loss, seconds = self.epoch(X, y, sample_weight, probe)
            score = None
            if validation is not None:
                score = self.adapter.score(*validation)
                self.validation_scores.append(score)
            self._report(loss, score, seconds)
            if stopping is None:
                continue
            n_iter_no_change, tol, restore_best = stopping
            if score > best_score + tol:
                stale = 0
            else:
                stale += 1
            if score > best_score:
                best_score, best_epoch = score, self.n_iter
                best_state = self.adapter.snapshot() if restore_best else None
            if stale >= n_iter_no_change:
                self._event(
                    "early_stop",
                    metric=score,
                    detail=f"validation score did not improve by more than tol={tol} "
                    f"for {n_iter_no_change} epochs",
                )
                break
        if best_state is not None and best_epoch != self.n_iter:
            self.adapter.restore(best_state)
            self._event("restore_best", metric=best_score, detail=f"epoch {best_epoch}")
        return self

    def epoch(self, X, y, sample_weight, probe=None):
        """One epoch: one step, or one step per mini-batch. Returns (loss, seconds)."""
        start = time.process_time()
        n = X.shape[0]
        if self.step_every == "epoch":
            lr = self._next_lr()
            seed = int(self.rng.randint(_SEED_MAX))
            loss = self.adapter.train_epoch(X, y, sample_weight, self.classes, seed)
            self._record_steps([lr])
        else:
            order = self.rng.permutation(n) if self.shuffle else np.arange(n)
            batches = [order[s] for s in gen_batches(n, self.batch_size)]
            lrs = [self._lr_at(self.t + i) for i in range(len(batches))]
            seed = int(self.rng.randint(_SEED_MAX))
            loss = self.adapter.train_batches(
                X, y, sample_weight, self.classes, batches, lrs, seed
            )
            self._record_steps(lrs)
        if loss is None:
            probe = probe or self._loss_probe(X, y, sample_weight)
            loss = self.adapter.objective(*probe)
        self.n_iter += 1
        self.loss_curve.append(float(loss))
        return float(loss), time.process_time() - start

    # -- pieces ----------------------------------------------------------------

    def _lr_at(self, t):
        return self.lr * self.controller.factor(t)

    def _next_lr(self):
        lr = self._lr_at(self.t)
        self.adapter.set_lr(lr)
        return lr

    def _record_steps(self, lrs):
        self.lr_curve.extend(float(lr) for lr in lrs)
        self.t += len(lrs)

    def _loss_probe(self, X, y, sample_weight):
        """The rows on which the training objective is measured each epoch."""
        n = X.shape[0]
        if n <= LOSS_SAMPLE_SIZE:
            return X, y, sample_weight
        rows = np.sort(self.rng.choice(n, LOSS_SAMPLE_SIZE, replace=False))
        sw = None if sample_weight is None else sample_weight[rows]
        return X[rows], y[rows], sw

    def _event(self, kind, *, lr_before=None, lr_after=None, metric=None, detail=""):
        last = self.lr_curve[-1] if self.lr_curve else None
        self.events.append(
            {
                "step": self.t,
                "epoch": self.n_iter,
                "kind": kind,
                "lr_before": last if lr_before is None else lr_before,
                "lr_after": last if lr_after is None else lr_after,
                "metric": metric,
                "detail": detail,
            }
        )

    def _report(self, loss, score, seconds):
        if not self.verbose:
            return
        val = "" if score is None else f", val score {score:.5f}"
        print(
            f"epoch {self.n_iter}: lr {self.lr_curve[-1]:.4g}, loss {loss:.6g}{val}, "
            f"{seconds:.3f} s",
            flush=True,
        )


def split_validation(X, y, sample_weight, *, fraction, stratify, rng):
    """Hold out ``fraction`` of the rows (stratified for classifiers)."""
    arrays = [X, y] if sample_weight is None else [X, y, sample_weight]
    seed = int(rng.randint(_SEED_MAX))
    try:
        parts = train_test_split(
            *arrays, test_size=fraction, stratify=y if stratify else None, random_state=seed
        )
    except ValueError as exc:
        raise ValueError(
            f"Cannot hold out validation_fraction={fraction} of {X.shape[0]} samples "
            f"for early stopping: {exc} Increase validation_fraction or the data, "
            "or set early_stopping=False."
        ) from exc
    train, val = parts[0::2], parts[1::2]
    if sample_weight is None:
        train, val = [*train, None], [*val, None]
    return tuple(train), tuple(val)
