"""The public estimators: scikit-learn's SGD and MLP models under an LR schedule."""

import inspect
import textwrap
from numbers import Integral, Real

from sklearn.base import ClassifierMixin, RegressorMixin, clone
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._adapters import AUTO_BATCH_SIZE, adapter_class
from .._warnings import warn_user
from ._base import COMMON_CONSTRAINTS, LRTunedBase

_BATCH_SIZE = [Interval(Integral, 1, None, closed="left")]


def _model_constraints(model_class, names):
    return {k: v for k, v in model_class._parameter_constraints.items() if k in names}


def _type_of(constraints):
    """A numpydoc type for a parameter, from its ``_parameter_constraints``."""
    kinds = []
    for constraint in constraints:
        if isinstance(constraint, StrOptions):
            options = sorted(constraint.options - getattr(constraint, "deprecated", set()))
            kind = "{" + ", ".join(repr(option) for option in options) + "}"
        elif isinstance(constraint, Interval):
            kind = "int" if constraint.type is Integral else "float"
        elif constraint is None:
            continue  # said last
        elif isinstance(constraint, type):
            kind = {Integral: "int", Real: "float"}.get(constraint, constraint.__name__)
        else:
            kind = {"boolean": "bool"}.get(constraint, str(constraint))
        if kind not in kinds:
            kinds.append(kind)
    if None in constraints:
        kinds.append("None")
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]


def _document_model_params(cls, model_class, notes=None):
    """Fill ``{model_params}`` in ``cls``'s docstring: one entry per wrapped parameter.

    Type from the estimator's constraints, default from its signature, in
    signature order; ``notes`` adds to (or, for a key ending in ``'!'``,
    replaces) an entry's "As in" description.
    """
    if cls.__doc__ is None:  # python -OO
        return
    notes = notes or {}
    model = f":class:`~{model_class.__module__.rsplit('._', 1)[0]}.{model_class.__name__}`"
    entries = []
    for name, param in inspect.signature(cls).parameters.items():
        if name not in cls._model_params:
            continue
        kind = _type_of(cls._parameter_constraints[name])
        text = notes.get(f"{name}!") or f"As in {model}.{notes.get(name, '')}"
        entries.append(f"    {name} : {kind}, default={param.default!r}\n")
        entries.append(textwrap.indent(textwrap.fill(text, 70), " " * 8) + "\n")
    cls.__doc__ = cls.__doc__.replace("    {model_params}\n", "".join(entries))


def _check_batch_size(batch_size, n_samples):
    if batch_size > n_samples:
        raise ValueError(
            f"batch_size ({batch_size}) is larger than the number of training samples "
            f"({n_samples}); lower batch_size or pass more data."
        )
    return batch_size


def _mlp_batch_size(est, batch_size, n_samples):
    """The network's mini-batch: with ``step_every='epoch'`` clipped to the data, as
    scikit-learn's MLP does (with one warning); with ``'batch'`` the steps are
    planned from it, so it must fit the data."""
    if batch_size == "auto":
        return min(AUTO_BATCH_SIZE, n_samples)
    if batch_size > n_samples and est.step_every == "epoch":
        warn_user(
            f"batch_size ({batch_size}) is larger than the number of training samples "
            f"({n_samples}); the network's mini-batches are clipped to {n_samples}, as "
            "scikit-learn's MLP does."
        )
        return n_samples
    return _check_batch_size(batch_size, n_samples)


def _has(name):
    """True when the (unfitted) wrapped model offers method ``name``.

    Else the wrapped model's AttributeError, whose cause says why (say,
    ``loss='hinge'`` has no probabilities): ``available_if`` chains it.
    """

    def check(self):
        getattr(self._make_model(), name)
        return True

    return check


def _prediction(name, summary, returns):
    """The method ``name`` of the trained model, shown where the wrapped model has it."""

    def method(self, X):
        X = self._predict_input(X)
        return getattr(self.estimator_, name)(X)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"""{summary}

        Parameters
        ----------
        X : {{array-like, sparse matrix}} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        {returns}
        """
    return available_if(_has(name))(method)


class _Delegating:
    """Prediction methods that exist when the wrapped model has them."""

    @available_if(_has("sparsify"))
    def sparsify(self):
        """Store ``coef_`` as a sparse matrix, as the wrapped SGD model's ``sparsify``.

        Worth it when most coefficients are 0 (an L1 penalty). As with the
        wrapped model, call :meth:`densify` before more ``partial_fit`` calls.

        Returns
        -------
        self : object
            The estimator, its ``coef_`` a ``scipy.sparse`` matrix.
        """
        return self._store_coef("sparsify")

    @available_if(_has("densify"))
    def densify(self):
        """Store ``coef_`` as a dense array again (the default).

        Returns
        -------
        self : object
            The estimator, its ``coef_`` an ndarray.
        """
        return self._store_coef("densify")

    def _store_coef(self, how):
        check_is_fitted(self)
        getattr(self.estimator_, how)()
        self.coef_ = self.estimator_.coef_
        return self

    decision_function = _prediction(
        "decision_function",
        "Confidence scores of the trained model (see the wrapped model's method).",
        """scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Signed distance to the decision boundary (binary: of the second
            class), one column per class otherwise.""",
    )
    predict_proba = _prediction(
        "predict_proba",
        "Class probabilities of the trained model (see the wrapped model's method).",
        """proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_``.""",
    )
    predict_log_proba = _prediction(
        "predict_log_proba",
        "Log of ``predict_proba``.",
        """log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, in the order of ``classes_``.""",
    )


class _FlatSGD(_Delegating, LRTunedBase):
    """Named SGD estimators: the model's parameters are the estimator's own."""

    _model_class = SGDClassifier
    _model_params = ()

    def _make_model(self):
        params = {p: getattr(self, p) for p in self._model_params}
        return self._model_class(**params)

    def _batch_size(self, n_samples):
        return _check_batch_size(self.batch_size, n_samples)

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Train for ``max_iter`` epochs under the schedule, from zero weights or ``coef_init``.

        The arguments are those of the scikit-learn model's ``fit``, in its
        order: a third positional argument is ``coef_init``, not
        ``sample_weight``. Anything learned by an earlier fit is forgotten.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Targets.
        coef_init : array-like of shape (n_classes, n_features), default=None
            Coefficients to start from instead of zeros: one row per class,
            or a single row (which may be given flat) for a binary
            classifier or a regressor. Copied, never trained in place.
        intercept_init : array-like of shape (n_classes,), or float, default=None
            Intercepts to start from instead of zeros: one per class, or a
            single one for a binary classifier or a regressor.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_from(X, y, sample_weight, coef_init, intercept_init)


_SGD_SHARED = ("loss", "penalty", "alpha", "l1_ratio", "fit_intercept", "epsilon", "average")

_SGD_DOC_COMMON = """
    lr : float or 'auto', default=0.01
        Base (peak) learning rate; the rate at step ``t`` is
        ``lr * schedule(t, horizon)``. ``'auto'`` chooses it at the start of
        ``fit`` for the schedule in use (an LR range test, then a short race
        of candidate rates under the schedule; see
        :func:`sklr.finder.choose_lr`) and keeps the result in
        ``lr_finder_``.
    schedule : str or Schedule, default='constant'
        A schedule object from :mod:`sklr.schedules` or one of its string
        aliases (``'constant'``, ``'step'``, ``'cosine'``, ``'onecycle'``, ...).
    max_iter : int, default=20
        Number of epochs. A fit runs exactly this many unless
        ``early_stopping`` or a policy ends it (``Adaptive`` at its floor,
        ``BoldDriver``'s undone epochs), as ``lr_events_`` records; it is
        also the schedule's horizon.
    step_every : {'epoch', 'batch'}, default='epoch'
        Step the schedule once per epoch, or once per mini-batch of
        ``batch_size`` rows (then the horizon is ``max_iter`` times the
        number of batches per epoch).
    batch_size : int, default=256
        Rows per step with ``step_every='batch'``; in ``fit`` it must not
        exceed the number of training samples; a ``partial_fit`` call with
        fewer rows takes one short step.
    shuffle : bool, default=True
        Visit the rows in a new random order every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds all the randomness of a fit: the model's initialisation, each
        epoch's order, the validation split.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop when its score
        has not improved by ``tol`` for ``n_iter_no_change`` epochs.
    validation_fraction : float, default=0.1
        Fraction held out for early stopping, in (0, 1).
    n_iter_no_change : int, default=5
        With early stopping, the fit stops after this many epochs in a row
        whose validation score is below the best so far plus ``tol``, as
        scikit-learn's SGD models count (its MLPs, and the MLP models here,
        wait one epoch more).
    tol : float or None, default=1e-3
        Improvement of the validation score that counts, with early stopping;
        None: no epoch counts as stale, so early stopping never ends the fit
        (it still restores the best epoch with ``restore_best``). Unlike
        scikit-learn's SGD, training never stops silently on the training
        loss: the schedule is a plan over ``max_iter`` epochs.
    restore_best : bool, default=True
        With early stopping, end with the weights of the best validation
        epoch.
    on_divergence : {'rollback', 'raise'}, default='rollback'
        When an epoch diverges (overflow, non-finite or exploding loss, a
        rate at which the penalty zeroes the weights), restore the weights
        and optimizer state from before it, shrink the rate and retry
        (``'rollback'``, recorded in ``lr_events_``; after a rollback, each
        epoch that ends with a higher loss halves the rate again, a few
        times at most), or raise :class:`sklr.DivergenceError`
        (``'raise'``). See ``sklr._engine`` for the thresholds.
    verbose : int, default=0
        Print one line per accepted epoch: epoch, LR, loss, validation
        score, and the seconds (wall clock) it took, retries included.
"""

_SGD_NOTES = """
    Notes
    -----
    For SGD models, sample weights count as repetitions, as scikit-learn
    defines them: a row of weight ``w`` is visited ``floor(w)`` times per
    epoch at full weight, plus once at weight ``w - floor(w)`` if that is
    positive. A weight up to 1 therefore scales a single step, as in
    scikit-learn's SGD, and an integer weight ``k`` gives exactly the model
    of ``k`` copies of the row (an epoch visits about ``sum(ceil(w))``
    rows).
    With ``shuffle=True`` the rows are put in an order that depends only on
    their values before training (a copy of the data), so the fitted model
    does not depend on the order of the rows, only on ``random_state``.
    Early stopping holds out rows before they are repeated, so no held-out
    row is a copy of a training row. ``class_weight`` scales the steps, as
    in scikit-learn; ``'balanced'`` counts a row of weight ``w`` as ``w``
    rows. With ``average``, the averaged model is that of
    ``SGDClassifier.fit`` at the same rates (a loop of ``partial_fit`` calls
    would stop updating a binary classifier's intercept once averaging
    starts).
"""

_MLP_ATTRIBUTES_DOC = """
        As in :class:`~sklearn.neural_network.{model}`.
    loss_, best_loss_
        The running loss of the epoch the weights come from (the last one,
        or the best one that ``restore_best`` brought back), and the lowest
        up to it, as in :class:`~sklearn.neural_network.{model}` (``best_loss_``
        is None with held-out rows, as there).
    best_validation_score_ : float or None
        The best score on the held-out rows (``early_stopping`` or a policy
        watching ``'val_score'``), else None, as in
        :class:`~sklearn.neural_network.{model}`; ``validation_scores_`` is
        then None too."""

_ATTRIBUTES_DOC = """
    lr_curve_ : ndarray of shape (t_,)
        Learning rate of each step taken, recorded before the step.
    loss_curve_ : ndarray of shape (n_iter_,)
        Training objective (loss plus penalty) of each epoch: for SGD models at
        the end of the epoch, on up to 500 rows of the training data (every
        k-th row, the same rows every epoch), at SGD's iterate (with
        ``average``, not at the average ``coef_`` shows); for MLPs the mean
        over the epoch's mini-batches, as scikit-learn's MLP reports it.
    validation_scores_ : ndarray of shape (n_iter_,)
        Score on the held-out rows after each epoch (with ``early_stopping``
        or a policy watching ``'val_score'``; otherwise None for the MLP
        models, absent for the SGD models).
    n_iter_ : int
        Epochs run.
    t_ : int
        Steps taken.
    lr_events_ : list of dict
        Decisions other than a plain step (rollbacks and the edge shrinks
        after them, policy changes, the schedule's warm restarts, early
        stop, restoring the best epoch), in the order of their steps, each
        with ``step``, ``epoch``, ``kind``, ``lr_before``, ``lr_after``,
        ``metric`` and ``detail``. ``step`` is the step the new rate applies
        from; ``epoch`` counts the epochs accepted by then (a rollback or an
        undone epoch during epoch ``k`` says ``k - 1``, a decision after
        epoch ``k`` says ``k``). Several changes after one epoch each show
        their own, from the rate the one before left.
    lr_finder_ : LRFinderResult
        With ``lr='auto'``: the range test, the race and the chosen ``lr``.
    estimator_ : estimator
        The trained scikit-learn model.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.
"""


class LRTunedSGDClassifier(ClassifierMixin, _FlatSGD):
    __doc__ = (
        """Linear classifier trained by scikit-learn's SGD under an LR schedule.

    A drop-in for :class:`sklearn.linear_model.SGDClassifier`: the same
    parameters (without ``learning_rate``, ``eta0``, ``power_t`` and
    ``warm_start``) and the same fitted attributes, trained by the same
    compiled code, with the rate set before every step from
    ``lr * schedule(step)``.

    Parameters
    ----------
    {model_params}"""
        + _SGD_DOC_COMMON
        + """
    Attributes
    ----------
    coef_, intercept_, classes_
        As in :class:`~sklearn.linear_model.SGDClassifier`."""
        + _ATTRIBUTES_DOC
        + _SGD_NOTES
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklr import LRTunedSGDClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LRTunedSGDClassifier(lr=0.01, schedule="cosine", max_iter=10,
    ...                            random_state=0).fit(X, y)
    >>> clf.lr_curve_[:3]
    array([0.01      , 0.00975528, 0.00904508])
    >>> clf.n_iter_, clf.t_
    (10, 10)
    """
    )

    _model_class = SGDClassifier
    _model_params = (*_SGD_SHARED, "n_jobs", "class_weight")
    _parameter_constraints = {
        **_model_constraints(SGDClassifier, _model_params),
        **COMMON_CONSTRAINTS,
        "batch_size": _BATCH_SIZE,
    }

    def __init__(
        self,
        loss="hinge",
        *,
        penalty="l2",
        alpha=1e-4,
        l1_ratio=0.15,
        fit_intercept=True,
        epsilon=0.1,
        n_jobs=None,
        class_weight=None,
        average=False,
        lr=0.01,
        schedule="constant",
        max_iter=20,
        step_every="epoch",
        batch_size=256,
        shuffle=True,
        random_state=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        tol=1e-3,
        restore_best=True,
        on_divergence="rollback",
        verbose=0,
    ):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.epsilon = epsilon
        self.n_jobs = n_jobs
        self.class_weight = class_weight
        self.average = average
        self.lr = lr
        self.schedule = schedule
        self.max_iter = max_iter
        self.step_every = step_every
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.restore_best = restore_best
        self.on_divergence = on_divergence
        self.verbose = verbose

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``(X, y)``, continuing the step counter and schedule.

        The stream's horizon is ``max_iter`` steps (times the batches of the
        first call with ``step_every='batch'``); past it, horizon-relative
        schedules hold their value at the horizon (cosine's floor, one-cycle's
        final rate) and the others keep going. A stream
        that outlives a schedule ending near zero (cosine's floor of 0,
        one-cycle's final rate) is warned once: it no longer trains.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call.
        y : array-like of shape (n_samples,)
            Targets of this call.
        classes : array-like of shape (n_classes,), default=None
            All the classes of the stream; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        Returns
        -------
        self : object
            The estimator, trained one epoch (or its batches) further.
        """
        return self._partial_fit(X, y, sample_weight, classes)


_SGD_L1_NOTE = (
    " With ``penalty='l1'`` or ``'elasticnet'`` the model is less sparse than"
    " ``{model}.fit``'s: the compiled loop's record of the L1 penalty owed to each"
    " weight starts afresh at every step, as at every ``partial_fit`` call (see the"
    " README's differences)."
)
_document_model_params(
    LRTunedSGDClassifier,
    SGDClassifier,
    {
        "penalty": _SGD_L1_NOTE.format(model="SGDClassifier"),
        "class_weight": " ``'balanced'`` is computed once from the training data.",
        "n_jobs": " Where sklr runs scikit-learn's compiled loop itself (the scikit-learn"
        " versions it supports), the one-vs-rest problems train one after the other and"
        " ``n_jobs`` has no effect.",
    },
)


class LRTunedSGDRegressor(RegressorMixin, _FlatSGD):
    __doc__ = (
        """Linear regressor trained by scikit-learn's SGD under an LR schedule.

    A drop-in for :class:`sklearn.linear_model.SGDRegressor`: the same
    parameters (without ``learning_rate``, ``eta0``, ``power_t`` and
    ``warm_start``), trained by the same compiled code, with the rate set
    before every step from ``lr * schedule(step)``.

    Parameters
    ----------
    {model_params}"""
        + _SGD_DOC_COMMON
        + """
    Attributes
    ----------
    coef_, intercept_
        As in :class:`~sklearn.linear_model.SGDRegressor`."""
        + _ATTRIBUTES_DOC
        + _SGD_NOTES
        + """
    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sklr import LRTunedSGDRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    >>> reg = LRTunedSGDRegressor(schedule="onecycle", random_state=0).fit(X, y)
    >>> round(reg.score(X, y), 3)
    1.0
    """
    )

    _model_class = SGDRegressor
    _model_params = _SGD_SHARED
    _parameter_constraints = {
        **_model_constraints(SGDRegressor, _model_params),
        **COMMON_CONSTRAINTS,
        "batch_size": _BATCH_SIZE,
    }

    def __init__(
        self,
        loss="squared_error",
        *,
        penalty="l2",
        alpha=1e-4,
        l1_ratio=0.15,
        fit_intercept=True,
        epsilon=0.1,
        average=False,
        lr=0.01,
        schedule="constant",
        max_iter=20,
        step_every="epoch",
        batch_size=256,
        shuffle=True,
        random_state=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        tol=1e-3,
        restore_best=True,
        on_divergence="rollback",
        verbose=0,
    ):
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.epsilon = epsilon
        self.average = average
        self.lr = lr
        self.schedule = schedule
        self.max_iter = max_iter
        self.step_every = step_every
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.restore_best = restore_best
        self.on_divergence = on_divergence
        self.verbose = verbose

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, continuing the step counter and schedule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call.
        y : array-like of shape (n_samples,)
            Targets of this call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        Returns
        -------
        self : object
            The estimator, trained one epoch (or its batches) further.
        """
        return self._partial_fit(X, y, sample_weight)


_document_model_params(
    LRTunedSGDRegressor,
    SGDRegressor,
    {"penalty": _SGD_L1_NOTE.format(model="SGDRegressor")},
)


_MLP_SHARED = (
    "hidden_layer_sizes",
    "activation",
    "solver",
    "alpha",
    "momentum",
    "nesterovs_momentum",
    "beta_1",
    "beta_2",
    "epsilon",
)

_MLP_DOC_COMMON = (
    _SGD_DOC_COMMON.replace("max_iter : int, default=20", "max_iter : int, default=50")
    .replace(
        """    batch_size : int, default=256
        Rows per step with ``step_every='batch'``; in ``fit`` it must not
        exceed the number of training samples; a ``partial_fit`` call with
        fewer rows takes one short step.""",
        """    batch_size : int or 'auto', default='auto'
        The network's mini-batch (``'auto'``: ``min(200, n_samples)``, of
        each call in a ``partial_fit`` stream); with ``step_every='batch'``
        the schedule steps once per mini-batch. Larger
        than the training data, it is clipped to it with a warning, as
        scikit-learn's MLP does; with ``step_every='batch'``, whose steps are
        planned from it, it is an error in ``fit`` (a ``partial_fit`` call
        with fewer rows takes one short step).""",
    )
    .replace("default=1e-3\n        Improvement", "default=1e-4\n        Improvement")
    .replace("n_iter_no_change : int, default=5", "n_iter_no_change : int, default=10")
    .replace(
        """this many epochs in a row
        whose validation score is below the best so far plus ``tol``, as
        scikit-learn's SGD models count (its MLPs, and the MLP models here,
        wait one epoch more).""",
        """more than this many epochs
        in a row whose validation score is below the best so far plus
        ``tol``, as scikit-learn's MLPs count.""",
    )
)


class _FlatMLP(_Delegating, LRTunedBase):
    """Named MLP estimators: the network's parameters are the estimator's own."""

    _model_class = MLPClassifier
    _model_params = _MLP_SHARED

    def _make_model(self):
        params = {p: getattr(self, p) for p in self._model_params}
        return self._model_class(**params, learning_rate_init=self.lr, batch_size=self.batch_size)

    def _batch_size(self, n_samples):
        return _mlp_batch_size(self, self.batch_size, n_samples)

    def _start_engine(self, X, y, classes, rng, lr, balanced_from=None, init=None, **kw):
        if self.step_every == "epoch":
            self._batch_size(X.shape[0])  # the network's mini-batch, clipped with a warning
        return super()._start_engine(X, y, classes, rng, lr, balanced_from, init, **kw)


def _mlp_constraints(model_class, params=_MLP_SHARED):
    constraints = {
        **_model_constraints(model_class, params),
        **COMMON_CONSTRAINTS,
        "batch_size": [*_BATCH_SIZE, StrOptions({"auto"})],
    }
    constraints["solver"] = [StrOptions({"sgd", "adam"})]
    return constraints


class LRTunedMLPClassifier(ClassifierMixin, _FlatMLP):
    __doc__ = (
        """Multi-layer perceptron classifier trained under an LR schedule.

    A drop-in for :class:`sklearn.neural_network.MLPClassifier` with the
    ``'sgd'`` or ``'adam'`` solver: the same parameters (without
    ``learning_rate``, ``learning_rate_init``, ``power_t``, ``warm_start`` and
    the L-BFGS-only ``max_fun``), trained by the same code. The rate is set
    on the network's optimizer before every step; momentum and Adam moments
    carry over from step to step. Targets are class labels (binary or
    multiclass); multilabel indicator matrices are not supported.

    Parameters
    ----------
    {model_params}"""
        + _MLP_DOC_COMMON
        + """
    Attributes
    ----------
    coefs_, intercepts_, classes_, n_layers_, n_outputs_, out_activation_"""
        + _MLP_ATTRIBUTES_DOC.format(model="MLPClassifier")
        + _ATTRIBUTES_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import scale
    >>> from sklr import LRTunedMLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LRTunedMLPClassifier(hidden_layer_sizes=(16,), lr=0.01, schedule="onecycle",
    ...                            max_iter=30, random_state=0).fit(scale(X), y)
    >>> clf.lr_curve_.argmax()
    np.int64(8)
    """
    )

    _model_class = MLPClassifier
    _parameter_constraints = _mlp_constraints(MLPClassifier)

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        lr=0.01,
        schedule="constant",
        max_iter=50,
        step_every="epoch",
        batch_size="auto",
        shuffle=True,
        random_state=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        restore_best=True,
        on_divergence="rollback",
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.lr = lr
        self.schedule = schedule
        self.max_iter = max_iter
        self.step_every = step_every
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.restore_best = restore_best
        self.on_divergence = on_divergence
        self.verbose = verbose

    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over ``(X, y)``, continuing the step counter and schedule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call.
        y : array-like of shape (n_samples,)
            Targets of this call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.
        classes : array-like of shape (n_classes,), default=None
            All the classes of the stream; required on the first call.

        Returns
        -------
        self : object
            The estimator, trained one epoch (or its batches) further.
        """
        return self._partial_fit(X, y, sample_weight, classes)


_SOLVER_NOTE = {"solver!": "The stochastic optimizer (L-BFGS takes no learning rate)."}
_document_model_params(LRTunedMLPClassifier, MLPClassifier, _SOLVER_NOTE)


class LRTunedMLPRegressor(RegressorMixin, _FlatMLP):
    __doc__ = (
        """Multi-layer perceptron regressor trained under an LR schedule.

    A drop-in for :class:`sklearn.neural_network.MLPRegressor` with the
    ``'sgd'`` or ``'adam'`` solver; multi-output targets are supported.

    Parameters
    ----------
    {model_params}"""
        + _MLP_DOC_COMMON
        + """
    Attributes
    ----------
    coefs_, intercepts_, n_layers_, n_outputs_, out_activation_"""
        + _MLP_ATTRIBUTES_DOC.format(model="MLPRegressor")
        + _ATTRIBUTES_DOC
        + """
    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sklr import LRTunedMLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, n_targets=2, random_state=0)
    >>> reg = LRTunedMLPRegressor(lr=0.05, schedule="cosine", random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2, 2)
    """
    )

    _model_class = MLPRegressor
    _model_params = ("loss", *_MLP_SHARED)
    _parameter_constraints = _mlp_constraints(MLPRegressor, _model_params)

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=1e-4,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        lr=0.01,
        schedule="constant",
        max_iter=50,
        step_every="epoch",
        batch_size="auto",
        shuffle=True,
        random_state=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        restore_best=True,
        on_divergence="rollback",
        verbose=0,
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.lr = lr
        self.schedule = schedule
        self.max_iter = max_iter
        self.step_every = step_every
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.restore_best = restore_best
        self.on_divergence = on_divergence
        self.verbose = verbose

    def _multi_output(self):
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, continuing the step counter and schedule.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of this call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.

        Returns
        -------
        self : object
            The estimator, trained one epoch (or its batches) further.
        """
        return self._partial_fit(X, y, sample_weight)


#: The wrapped model's parameters that LRTuned replaces by its own.
REPLACED = frozenset(
    {
        "learning_rate",
        "eta0",
        "learning_rate_init",
        "power_t",
        "max_iter",
        "tol",
        "shuffle",
        "early_stopping",
        "validation_fraction",
        "n_iter_no_change",
        "warm_start",
        "verbose",
        "random_state",
    }
)


def _same_value(value, other):
    try:
        return value is other or bool(value == other)
    except (TypeError, ValueError):
        return False


def without_replaced_settings(model):
    """A clone of a scikit-learn model with the settings LRTuned replaces at their defaults."""
    model = clone(model)
    defaults = type(model)().get_params()
    return model.set_params(**{k: defaults[k] for k in REPLACED if k in defaults})


_document_model_params(LRTunedMLPRegressor, MLPRegressor, _SOLVER_NOTE)


class LRTuned(_Delegating, LRTunedBase):
    # Built from parts, not a docstring: it must exist under python -OO too.
    __doc__ = """Train any supported scikit-learn model under an LR schedule.

    The generic form of the named estimators:
    ``LRTuned(SGDClassifier(alpha=1e-3), schedule='cosine')`` trains like
    ``LRTunedSGDClassifier(alpha=1e-3, schedule='cosine')``. The wrapped
    model's parameters are reached as ``estimator__<name>`` (for a grid
    search); its own learning-rate parameters (``learning_rate``, ``eta0``,
    ``learning_rate_init``, ``power_t``) and its ``max_iter``, ``tol``,
    ``shuffle``, ``early_stopping``, ``validation_fraction``,
    ``n_iter_no_change``, ``warm_start``, ``verbose`` and ``random_state``
    are replaced by this estimator's (a warning names those set to anything
    but their defaults; ``random_state`` only while this estimator's is
    None). The model is cloned; the object passed
    in is never modified.

    Supported models: ``SGDClassifier``, ``SGDRegressor``, ``MLPClassifier``
    and ``MLPRegressor`` (solvers ``'sgd'`` and ``'adam'``).

    Parameters
    ----------
    estimator : estimator
        The unfitted scikit-learn model to train."""

    __doc__ += _SGD_DOC_COMMON.replace(
        """    batch_size : int, default=256
        Rows per step with ``step_every='batch'``; in ``fit`` it must not
        exceed the number of training samples; a ``partial_fit`` call with
        fewer rows takes one short step.""",
        """    batch_size : int, 'auto' or None, default=None
        Rows per step with ``step_every='batch'``. ``None`` keeps an MLP's own
        mini-batch and means 256 rows for SGD models; ``'auto'`` is
        ``min(200, n_samples)`` (of each call in a ``partial_fit`` stream).""",
    )
    __doc__ += (
        """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        For classifiers: the class labels.
    coef_, intercept_, coefs_, intercepts_, loss_, best_loss_, best_validation_score_, ...
        The wrapped model's fitted attributes, as the named estimator of that
        model exposes them (:class:`LRTunedSGDClassifier`,
        :class:`LRTunedMLPClassifier`, ...)."""
        + _ATTRIBUTES_DOC
        + _SGD_NOTES
        + """
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import SGDClassifier
    >>> from sklr import LRTuned
    >>> from sklr.schedules import StepDecay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LRTuned(SGDClassifier(loss="log_loss"), lr=0.01,
    ...               schedule=StepDecay(step_size=5, gamma=0.5), max_iter=10,
    ...               random_state=0).fit(X, y)
    >>> clf.lr_curve_
    array([0.01 , 0.01 , 0.01 , 0.01 , 0.01 , 0.005, 0.005, 0.005, 0.005, 0.005])
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """
    )

    _parameter_constraints = {
        # Which models are supported is the adapters' call: they name them.
        "estimator": [HasMethods(["fit", "get_params"])],
        **COMMON_CONSTRAINTS,
        "batch_size": [*_BATCH_SIZE, StrOptions({"auto"}), None],
    }

    def __init__(
        self,
        estimator,
        *,
        lr=0.01,
        schedule="constant",
        max_iter=20,
        step_every="epoch",
        batch_size=None,
        shuffle=True,
        random_state=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        tol=1e-3,
        restore_best=True,
        on_divergence="rollback",
        verbose=0,
    ):
        self.estimator = estimator
        self.lr = lr
        self.schedule = schedule
        self.max_iter = max_iter
        self.step_every = step_every
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.restore_best = restore_best
        self.on_divergence = on_divergence
        self.verbose = verbose

    def _validate_params(self):
        super()._validate_params()
        # The wrapped model's own parameters, as its fit would check them
        # (sklr trains it through paths that skip that check).
        model = self._make_model()
        model._validate_params()
        defaults = type(model)().get_params()
        ours = self.get_params(deep=False)
        ignored = [
            f"{name}={value!r}"
            for name, value in self.estimator.get_params(deep=False).items()
            if name in REPLACED
            and name in defaults
            and not _same_value(value, defaults[name])
            and not _same_value(value, ours.get(name, defaults[name]))
            # A seed of LRTuned's own wins, and ensembles (bagging, boosting)
            # set every random_state they find, the wrapped model's too.
            and not (name == "random_state" and self.random_state is not None)
        ]
        if ignored:
            warn_user(
                f"{type(self.estimator).__name__}'s {', '.join(ignored)} "
                f"{'has' if len(ignored) == 1 else 'have'} no effect: LRTuned sets the "
                "learning rate (lr, schedule), the epochs (max_iter), shuffling, early "
                "stopping, verbosity and random_state itself. Set them on LRTuned."
            )

    def _is_mlp(self):
        return isinstance(self.estimator, MLPClassifier | MLPRegressor)

    def _make_model(self):
        model = clone(self.estimator)
        adapter_class(model)
        if self._is_mlp() and self.batch_size is not None:
            model.set_params(batch_size=self.batch_size)
        return model

    def _requested_batch_size(self):
        if self.batch_size is not None:
            return self.batch_size
        return self.estimator.batch_size if self._is_mlp() else 256

    def _batch_size(self, n_samples):
        size = self._requested_batch_size()
        if self._is_mlp():
            return _mlp_batch_size(self, size, n_samples)
        if size == "auto":
            return min(AUTO_BATCH_SIZE, n_samples)
        return _check_batch_size(size, n_samples)

    def _start_engine(self, X, y, classes, rng, lr, balanced_from=None, init=None, **kw):
        if self._is_mlp() and self.step_every == "epoch":
            self._batch_size(X.shape[0])  # the network's mini-batch, clipped with a warning
        return super()._start_engine(X, y, classes, rng, lr, balanced_from, init, **kw)

    def _multi_output(self):
        return isinstance(self.estimator, MLPRegressor)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.target_tags.required = inner.target_tags.required
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        tags.target_tags.multi_output = self._multi_output()
        tags.target_tags.single_output = True
        if tags.classifier_tags is not None:
            tags.classifier_tags.multi_label = False
        return tags

    def fit(self, X, y, sample_weight=None, *, coef_init=None, intercept_init=None):
        return self._fit_from(X, y, sample_weight, coef_init, intercept_init)

    # The common fit's parameters, and the starting weights of the SGD models.
    fit.__doc__ = (LRTunedBase.fit.__doc__ or "").replace(
        "\n\n        Returns",
        """
        coef_init : array-like of shape (n_classes, n_features), default=None
            SGD models only: coefficients to start from instead of zeros (see
            :meth:`LRTunedSGDClassifier.fit`). Keyword-only: the SGD models
            take ``sample_weight`` after it, the MLP models take no such
            argument.
        intercept_init : array-like of shape (n_classes,), or float, default=None
            SGD models only: intercepts to start from instead of zeros.

        Returns""",
    )

    def partial_fit(self, X, y, *, sample_weight=None, classes=None):
        """One epoch over ``(X, y)``, continuing the step counter and schedule.

        ``sample_weight`` and ``classes`` are keyword-only: the wrapped models
        take them in different orders.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data of this call.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of this call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the samples.
        classes : array-like of shape (n_classes,), default=None
            For classifiers: all the classes of the stream; required on the
            first call.

        Returns
        -------
        self : object
            The estimator, trained one epoch (or its batches) further.
        """
        return self._partial_fit(X, y, sample_weight, classes)

    def score(self, X, y, sample_weight=None):
        """Accuracy for classifiers, R^2 for regressors (as the wrapped model).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets of ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples.

        Returns
        -------
        score : float
            Accuracy (classifiers) or R^2 (regressors) of ``predict(X)``.
        """
        X = self._predict_input(X)
        return self.estimator_.score(X, y, sample_weight=sample_weight)
