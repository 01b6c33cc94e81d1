"""What every LR-tuned estimator shares: parameters, validation, the call into the engine."""

import math
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from .._adapters import AUTO_BATCH_SIZE, adapter_class
from .._engine import NEGLIGIBLE_FACTOR, Engine, split_validation
from ..finder import choose_lr
from ..policies import ALIASES, Controller, parts_over_the_fit, policies_in, resolve
from ..schedules._base import check_nested_params

#: Parameters every sklr estimator has, with sklr's meaning.
COMMON_CONSTRAINTS = {
    "lr": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
    "schedule": [StrOptions(set(ALIASES)), HasMethods(["__call__", "get_params"])],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "step_every": [StrOptions({"epoch", "batch"})],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left"), None],
    "restore_best": ["boolean"],
    "on_divergence": [StrOptions({"rollback", "raise"})],
    "verbose": ["verbose"],
}


#: The input dtypes the models train in (anything else becomes the first).
_FLOATS = (np.float64, np.float32)

#: Parameters that a stream reads at every call (the others are fixed at its start).
_LIVE_PARAMS = frozenset({"verbose"})


def _n_outputs(y):
    return 1 if y.ndim == 1 else y.shape[1]


def _frozen(value):
    """A parameter's value as it is now: nested estimators by class and parameters.

    Plain values are copied (a dict changed in place is a change); other
    objects (a RandomState, which fits advance) are kept and compared by identity.
    """
    if hasattr(value, "get_params") and not isinstance(value, type):
        return (type(value), {k: _frozen(v) for k, v in value.get_params(deep=False).items()})
    if isinstance(value, list | tuple):
        return type(value)(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def _same(a, b):
    if a is b:
        return True
    if isinstance(a, Real) and isinstance(b, Real):
        return bool(a == b) or (a != a and b != b)  # NaN is NaN
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, z) for x, z in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, str | bytes | type | np.generic):
        return bool(a == b)
    return False  # other objects: only the very same one


def balanced_class_weight(classes, y, sample_weight=None):
    """scikit-learn's 'balanced' class weights, counting a row of weight w as w rows.

    ``n / (n_classes * n_c)`` with ``n`` and ``n_c`` the total weight of all
    rows and of class ``c``'s rows: unweighted, exactly
    ``compute_class_weight('balanced', ...)``. A class without weight gets 1
    (it has no rows to weigh).
    """
    codes = np.searchsorted(classes, y)
    if sample_weight is None:
        totals = np.bincount(codes, minlength=len(classes)).astype(float)
        total = float(len(y))
    else:
        # Exact sums, so that the weights do not depend on the order of the rows.
        weight = np.asarray(sample_weight, float)
        totals = np.array([math.fsum(weight[codes == k]) for k in range(len(classes))])
        total = math.fsum(weight)
    balanced = np.ones(len(classes))
    present = totals > 0
    balanced[present] = total / (len(classes) * totals[present])
    return balanced


class LRTunedMixin:
    """The fit / partial_fit / predict machinery of every sklr estimator.

    Subclasses provide ``_make_model()`` (a fresh, unfitted scikit-learn
    model configured from the estimator's parameters) and
    ``_batch_size(n_samples)`` (the rows per step with ``step_every='batch'``).
    """

    def _make_model(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _batch_size(self, n_samples):
        return min(self.batch_size, n_samples)

    # -- fitting ---------------------------------------------------------------

    def fit(self, X, y, sample_weight=None):
        """Train from scratch for ``max_iter`` epochs under the schedule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_from(X, y, sample_weight)

    def _fit_from(self, X, y, sample_weight, coef_init=None, intercept_init=None):
        """``fit``, from ``coef_init`` / ``intercept_init`` where the model takes them."""
        self._validate_params()
        self._forget_fit()
        try:
            return self._fit(X, y, sample_weight, (coef_init, intercept_init))
        except BaseException:
            self._forget_fit()
            raise

    def _forget_fit(self):
        """Drop every fitted attribute, so a failed fit never leaves a half-fitted model."""
        for attr in [a for a in vars(self) if a.endswith("_") and not a.startswith("__")]:
            delattr(self, attr)
        self.__dict__.pop("_engine", None)

    def _fit(self, X, y, sample_weight, init):
        X, y, labels = self._validate_xy(X, y, reset=True)
        sample_weight = self._check_sample_weight(sample_weight, X)
        classes = self._check_classes(labels, None)
        model = self._make_model()
        init = adapter_class(model).check_start_weights(model, *init, X.shape[1], classes, X.dtype)
        rng = check_random_state(self.random_state)
        validation = None
        if self.early_stopping or self._monitors_validation():
            # Held-out rows are rows, not copies of training rows; ordered
            # first, so that the split does not depend on the order given.
            X, y, sample_weight = self._training_rows(X, y, sample_weight, classes, repeat=False)
            (X, y, sample_weight), validation = split_validation(
                X,
                y,
                sample_weight,
                fraction=self.validation_fraction,
                stratify=is_classifier(self),
                rng=rng,
                purpose="for validation (validation_fraction)",
                remedy=self._split_remedy(),
            )
        balanced_from = (y, sample_weight)
        given = (X, y, sample_weight)
        X, y, sample_weight = self._training_rows(*given, classes)
        self._check_batch_size_for_visits(X.shape[0], given[0].shape[0])
        lr = self._resolve_lr(X, y, sample_weight, classes, rng, init, given)
        engine = self._start_engine(X, y, classes, rng, lr, balanced_from=balanced_from, init=init)
        stopping = None
        if self.early_stopping:
            patience = adapter_class(model).stale_epochs_to_stop(self.n_iter_no_change)
            stopping = (patience, -np.inf if self.tol is None else self.tol, self.restore_best)
        engine.fit(
            X, y, sample_weight, max_iter=self.max_iter, validation=validation, stopping=stopping
        )
        return self._publish(engine)

    def _check_batch_size_for_visits(self, visits, given):
        """Raise, before any training (lr='auto' races first), when batch_size exceeds the
        rows an epoch visits; in words of the visits where sample weights changed them."""
        if self.step_every != "batch":
            return
        requested = self._requested_batch_size()
        if visits == given or requested == "auto":
            self._batch_size(visits)
        elif requested > visits:
            raise ValueError(
                f"batch_size ({requested}) is larger than the {visits} rows an epoch "
                f"visits ({given} given): the SGD models count a sample weight of k as k "
                "rows, and rows of weight 0 as none. Lower batch_size."
            )

    def _split_remedy(self):
        """What to do when the validation rows cannot be held out."""
        if self._monitors_validation():
            return (
                "Change validation_fraction, or use more data: a policy with "
                "monitor='val_score' needs the held-out rows."
            )
        return (
            "Change validation_fraction, use more data, or set early_stopping=False "
            "to train without held-out rows."
        )

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        if hasattr(self, "_engine"):
            return self._continue_stream(X, y, sample_weight, classes)
        try:
            return self._start_stream(X, y, sample_weight, classes)
        except BaseException:
            self._forget_fit()
            raise

    def _monitors_validation(self):
        return any(p.monitor == "val_score" for p in policies_in(resolve(self.schedule)))

    def _requested_batch_size(self):
        """The mini-batch asked for (an int or 'auto'), before it is checked against the data."""
        return self.batch_size

    def _steps_per_epoch(self, n_rows):
        """The schedule's steps in an epoch (a call of a stream) of ``n_rows``.

        Not checked against the rows: a fit checks its ``batch_size`` itself
        (``_batch_size``); a stream's call may hold fewer, one short step.
        """
        if self.step_every != "batch":
            return 1
        size = self._requested_batch_size()
        return -(-n_rows // min(AUTO_BATCH_SIZE if size == "auto" else size, n_rows))

    def _check_streamable(self):
        """Raise if the settings need what no partial_fit call has: held-out rows.

        Also after a ``fit`` that had them: the stream would go on without
        (as scikit-learn's models, partial_fit refuses early_stopping=True).
        """
        if self.early_stopping:
            raise ValueError(
                "early_stopping=True needs a held-out split and is not available "
                "with partial_fit; use fit, or a stream started with early_stopping=False."
            )
        if self._monitors_validation():
            raise ValueError(
                "A policy with monitor='val_score' needs a held-out split, which "
                "partial_fit does not have; use fit, or a stream started with "
                "monitor='loss'."
            )

    def _start_stream(self, X, y, sample_weight, classes):
        self._validate_params()
        self._check_streamable()
        if getattr(self._make_model(), "class_weight", None) == "balanced":
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit: a stream's "
                "class frequencies are unknown at the first call. Pass "
                "class_weight=dict(zip(classes, compute_class_weight('balanced', "
                "classes=classes, y=y_sample))) computed on a large enough sample."
            )
        X, y, labels = self._validate_xy(X, y, reset=True, streaming=True)
        sample_weight = self._check_sample_weight(sample_weight, X)
        classes = self._check_classes(labels, classes, streaming=True)
        given = (X, y, sample_weight)
        X, y, sample_weight = self._training_rows(*given, classes)
        rng = check_random_state(self.random_state)
        lr = self._resolve_lr(X, y, sample_weight, classes, rng, given=given)
        engine = self._start_engine(X, y, classes, rng, lr, streaming=True)
        engine.partial_epoch(X, y, sample_weight)
        return self._publish(engine)

    def _continue_stream(self, X, y, sample_weight, classes):
        self._check_streamable()
        self._check_unchanged_params()
        if sp.issparse(getattr(self.estimator_, "coef_", None)):
            raise ValueError(
                "coef_ is sparse (after sparsify()): call densify() before partial_fit."
            )
        X, y, labels = self._validate_xy(X, y, reset=False, streaming=True)
        sample_weight = self._check_sample_weight(sample_weight, X)
        self._check_known_classes(labels, classes)
        outputs = getattr(self.estimator_, "n_outputs_", None)
        if not is_classifier(self) and outputs is not None and _n_outputs(y) != outputs:
            raise ValueError(
                f"y has {_n_outputs(y)} output(s), but the stream was started with {outputs}."
            )
        X, y, sample_weight = self._training_rows(
            X, y, sample_weight, getattr(self, "classes_", None)
        )
        try:
            self._engine.partial_epoch(X, y, sample_weight)
        except BaseException:
            # The engine is back where the call found it; so are the
            # attributes exposed from it (the model's arrays were replaced).
            self._publish(self._engine)
            raise
        return self._publish(self._engine)

    def _settings(self):
        """What the parameters a stream is planned and built with are, frozen."""
        params = self.get_params(deep=False)
        return {k: _frozen(v) for k, v in params.items() if k not in _LIVE_PARAMS}

    def _check_unchanged_params(self):
        """Raise if a parameter changed since the stream started (set_params between calls).

        The schedule's plan, the model and its rate were set up from the
        parameters of the call that started the stream (``fit`` or the first
        ``partial_fit``); a later change could not take effect consistently.
        """
        engine = self._engine
        engine.verbose = self.verbose
        now, then = self._settings(), engine.settings
        changed = sorted(k for k in now if not _same(now[k], then[k]))
        if changed:
            current = self.get_params(deep=False)
            listed = ", ".join(f"{k} (now {current[k]!r})" for k in changed)
            raise ValueError(
                f"Parameters changed since this partial_fit stream started: {listed}. "
                "A stream keeps the parameters it started with (its schedule is planned "
                "from them); call fit to train with the new ones, or set them back."
            )

    def _training_rows(self, X, y, sample_weight, classes, *, repeat=True):
        """The rows the wrapped model trains on (see its adapter's ``training_data``)."""
        adapter = adapter_class(self._make_model())
        return adapter.training_data(
            X, y, sample_weight, classes, shuffle=self.shuffle, repeat=repeat
        )

    def _make_model_for(self, classes, y, sample_weight):
        """The wrapped model, with ``class_weight='balanced'`` resolved on ``y``."""
        model = self._make_model()
        if getattr(model, "class_weight", None) == "balanced":
            weights = balanced_class_weight(classes, y, sample_weight)
            model.set_params(class_weight=dict(zip(classes, weights, strict=True)))
        return model

    def _resolve_lr(self, X, y, sample_weight, classes, rng, init=None, given=None):
        """The base rate: ``lr``, or with ``lr='auto'`` the one chosen on the training data.

        ``X, y, sample_weight``: the training rows; ``given``: the same
        before ``_training_rows``, whose sample weights may have become
        repeated rows (the race holds out rows, not copies: see
        ``choose_lr``). ``init``: the checked starting weights of the fit,
        which the range test and the race start from too.
        """
        if self.lr != "auto":
            return float(self.lr)
        race_rows = None
        if given is not None and given[2] is not None:
            X_race, y_race, sw_race = self._training_rows(*given, classes, repeat=False)
            # As repetition does, rows of weight 0 count for nothing: left out.
            kept = sw_race > 0
            race_rows = X_race[kept], y_race[kept], sw_race[kept]
        self.lr_finder_ = choose_lr(
            self, X, y, sample_weight, classes, rng, init=init, race_rows=race_rows
        )
        return self.lr_finder_.lr

    def _start_engine(
        self, X, y, classes, rng, lr, balanced_from=None, init=None, *, streaming=False
    ):
        n_samples = X.shape[0]
        batch_size = None
        if self.step_every == "batch":
            if not streaming:
                self._batch_size(n_samples)  # a fit's batch_size must fit its rows
            # Planned from these rows; with 'auto' each call of a stream then
            # takes min(200, its rows), as scikit-learn's MLP does.
            batch_size = self._requested_batch_size()
        horizon = self.max_iter * self._steps_per_epoch(n_samples)
        schedule = resolve(self.schedule)
        controller = Controller(*self._checked_schedule(schedule, horizon))
        if balanced_from is None:
            model = self._make_model()
        else:
            model = self._make_model_for(classes, *balanced_from)
        shuffle_in_model = self.shuffle and self.step_every == "epoch"
        adapter = adapter_class(model)(model, shuffle=shuffle_in_model)
        adapter.start_weights = init
        self._engine = Engine(
            adapter,
            controller,
            lr=lr,
            step_every=self.step_every,
            batch_size=batch_size,
            shuffle=self.shuffle,
            rng=rng,
            classes=classes,
            verbose=self.verbose,
            on_divergence=self.on_divergence,
        )
        self._engine.settings = self._settings()
        return self._engine

    def _checked_schedule(self, schedule, horizon):
        """Evaluate the plan once so a schedule that cannot fit the run fails now."""
        where = f"{horizon} steps: max_iter={self.max_iter}, step_every={self.step_every!r}"
        for part in parts_over_the_fit(schedule):
            self._check_total_steps(part, horizon, where)
        try:
            schedule(np.arange(horizon), horizon=horizon)
        except ValueError as exc:
            raise ValueError(f"schedule={schedule!r} cannot run over {where}: {exc}") from exc
        return schedule, horizon

    @staticmethod
    def _check_total_steps(part, horizon, where):
        """Raise if ``part``'s own ``total_steps`` does not fit the horizon of the fit.

        Longer: the schedule would never complete. Shorter, where the factor
        it holds past its total_steps is about 0: the rest of the fit would
        train for nothing.
        """
        total = getattr(part, "total_steps", None)
        if total is None or total == horizon:
            return
        remedy = (
            "Set total_steps=None to plan over the fit, or make the fit take total_steps steps"
        )
        if total > horizon:
            raise ValueError(
                f"{part!r}: its total_steps ({total}) exceeds the horizon of the fit "
                f"({where}), so it would never complete. {remedy} (raise max_iter)."
            )
        held = float(part(np.arange(total, horizon), horizon=horizon)[-1])
        if held < NEGLIGIBLE_FACTOR:
            raise ValueError(
                f"{part!r}: its total_steps ({total}) undercuts the horizon of the fit "
                f"({where}), and past it the schedule holds the factor {held:.3g}: the last "
                f"{horizon - total} steps would train at about zero rate. {remedy}."
            )

    def _publish(self, engine):
        """Expose the engine's records and the wrapped model's fitted attributes."""
        model = engine.adapter.model
        engine.adapter.finish(engine.loss_curve)
        self.estimator_ = model
        self.lr_curve_ = np.asarray(engine.lr_curve, dtype=float)
        self.loss_curve_ = np.asarray(engine.loss_curve, dtype=float)
        if engine.validation_scores:
            self.validation_scores_ = np.asarray(engine.validation_scores, dtype=float)
        self.n_iter_ = engine.n_iter
        self.t_ = engine.t
        self.lr_events_ = list(engine.events)
        for name in engine.adapter.public_attributes:
            if hasattr(model, name):
                setattr(self, name, getattr(model, name))
        if hasattr(model, "best_validation_score_"):
            # The MLPs' records of held-out rows, as their own early stopping
            # keeps them: None without, and then no best training loss.
            scores = engine.validation_scores
            self.validation_scores_ = self.validation_scores_ if scores else None
            self.best_validation_score_ = max(scores) if scores else None
            if scores:
                self.best_loss_ = None
        return self

    # -- validation ------------------------------------------------------------

    def _validate_xy(self, X, y, *, reset, streaming=False):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        shape = getattr(y, "shape", ())  # (not np.shape: y may be any array-like)
        if is_classifier(self) and len(shape) == 2 and shape[1] > 1:
            raise ValueError(
                f"{type(self).__name__} takes one label per sample; y has shape {shape} "
                "(multilabel or multi-output targets), which is not supported."
            )
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse="csr",
            # float32 stays float32 (the models train in it); the chunks of a
            # stream all come in the dtype it started with.
            dtype=_FLOATS if reset else self._engine.adapter.weights()[0].dtype,
            multi_output=self._multi_output(),
            y_numeric=not is_classifier(self),
        )
        if X.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s); at least 1 is required.")
        if is_classifier(self):
            return X, y, self._class_labels(y, streaming=streaming)
        if y.dtype.kind not in "biuf":
            raise ValueError(
                f"{type(self).__name__} needs numeric targets, got y of dtype {y.dtype}; "
                "convert y to numbers, or use a classifier for labels."
            )
        elif getattr(getattr(self, "estimator", self), "loss", None) == "poisson" and np.any(
            y < 0
        ):
            raise ValueError(
                f"loss='poisson' needs non-negative targets (counts or rates); y has "
                f"{np.count_nonzero(y < 0)} negative value(s). Shift or transform y, or "
                "use loss='squared_error'."
            )
        return X, y, None

    def _class_labels(self, y, *, streaming=False):
        """The distinct labels of ``y``, checked to be classes as scikit-learn checks them.

        The kind of target is judged on the distinct labels, which decide it,
        rather than on every row; where that finds something to say (labels
        that are no classes, or, in a fit, more distinct labels than half the
        rows: a stream's chunks may hold few rows of many classes), scikit-learn's
        own check says it.
        """
        try:
            labels = np.unique(y)
        except TypeError:  # labels of types that do not compare
            check_classification_targets(y)
            raise
        kind = _label_type(labels)
        many = not streaming and len(y) > 20 and len(labels) > round(0.5 * len(y))
        if kind not in ("binary", "multiclass") or many:
            check_classification_targets(y)
        if kind not in ("binary", "multiclass"):
            raise ValueError(f"Unknown label type: {kind}. y must hold class labels.")
        return labels

    def _multi_output(self):
        return False

    def _check_sample_weight(self, sample_weight, X):
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        if not np.any(sample_weight > 0):
            raise ValueError(
                "Sample weights must contain at least one non-zero number; "
                "got all-zero sample_weight."
            )
        return sample_weight

    def _check_classes(self, labels, classes, streaming=False):
        """The classes of the fit: ``classes`` if given, else the labels of y."""
        if not is_classifier(self):
            return None
        if streaming and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: "
                "the list of all labels the stream can contain."
            )
        if classes is None:
            known = labels
        elif len(known := _distinct_classes(classes)) < 2:
            raise ValueError(
                f"classes must list at least 2 labels, all those the stream can contain; "
                f"got {known.tolist()}."
            )
        if len(known) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, "
                f"but the data contains only one class: {known[0]!r}."
            )
        if classes is not None:
            unseen = np.setdiff1d(labels, known)
            if unseen.size:
                raise ValueError(
                    f"y contains labels not in classes={known.tolist()}: {unseen.tolist()}."
                )
        return known

    def _check_known_classes(self, labels, classes):
        if not is_classifier(self):
            return
        if classes is not None and not np.array_equal(
            known := _distinct_classes(classes), self.classes_
        ):
            raise ValueError(
                f"classes={known.tolist()} differs from the classes of the "
                f"first partial_fit call {self.classes_.tolist()}."
            )
        unseen = np.setdiff1d(labels, self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels unseen at the first partial_fit call: {unseen.tolist()}; "
                f"the classes are {self.classes_.tolist()}."
            )

    # -- prediction --------------------------------------------------------------

    def _predict_input(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, accept_sparse="csr", dtype=_FLOATS)

    def predict(self, X):
        """Predict with the trained model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted class labels (classifiers) or values (regressors).
        """
        X = self._predict_input(X)
        return self.estimator_.predict(X)


def _distinct_classes(classes):
    """The sorted distinct labels of a ``classes=`` argument, checked as ``partial_fit`` does.

    scikit-learn's ``unique_labels`` decides what counts as class labels (one
    kind of label, one dimension); its errors, and numpy's on labels that do
    not sort together, are said in terms of ``classes``.
    """
    try:
        values = np.asarray(classes)
        if values.dtype.kind == "f" and not np.isfinite(values).all():
            raise ValueError("it contains NaN or infinity; class labels must be finite")
        known = unique_labels(classes)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"classes must list the class labels a stream can contain, all of one kind "
            f"(no None, NaN or pd.NA among them): {exc}"
        ) from exc
    if known.size == 0:
        raise ValueError("classes is empty: list every label the stream can contain.")
    return known


def _label_type(labels):
    """scikit-learn's ``type_of_target`` of sorted distinct labels; fast where dtype decides.

    Integer and boolean labels, and floats that are all integers, are
    binary (at most two) or multiclass; ``type_of_target`` says so too, at a
    cost of a few tenths of a millisecond per call. Anything else is judged
    by it.
    """
    kind = labels.dtype.kind
    if labels.ndim == 1 and kind in "biuf":
        with np.errstate(invalid="ignore"):
            integral = kind != "f" or not np.any(labels != labels.astype(int))
        if integral:
            return "binary" if len(labels) <= 2 else "multiclass"
    return type_of_target(labels, input_name="y")


def _schedule_hint(name, value, sub):
    """An object to pass instead of a schedule's name, where it has the parameter."""
    if name != "schedule" or not isinstance(value, str) or value not in ALIASES:
        return ""
    resolved = resolve(value)
    return f" such as {name}={resolved!r}" if sub.split("__")[0] in resolved.get_params() else ""


class LRTunedBase(LRTunedMixin, BaseEstimator):
    """Base class of the named estimators."""

    def set_params(self, **params):
        """Set the parameters, nested ones (``schedule__gamma``) of an object-valued one.

        As :meth:`sklearn.base.BaseEstimator.set_params`, with a clear error
        for a nested parameter of a value that has none (a schedule given by
        its name: ``schedule='step'``).

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : object
            The estimator.
        """
        check_nested_params(self, params, _schedule_hint)
        return super().set_params(**params)

    def _validate_params(self):
        super()._validate_params()
        # What the wrapped model's own fit checks beyond its constraints.
        model = self._make_model()
        adapter_class(model).check_model(model)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
