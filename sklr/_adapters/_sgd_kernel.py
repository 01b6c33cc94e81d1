"""One plain-SGD pass over a mini-batch through scikit-learn's compiled kernel.

``SGDClassifier.partial_fit`` / ``SGDRegressor.partial_fit`` re-validate the
batch, recompute class weights, re-encode the targets and re-build a
``SequentialDataset`` on every call.  :class:`SGDKernel` does that work once
per fit and then, per batch, only gathers the batch rows and calls
``sklearn.linear_model._sgd_fast._plain_sgd64`` (or ``_plain_sgd32``) with
exactly the arguments ``partial_fit`` would pass, for ``max_iter=1``,
``shuffle=False`` and ``learning_rate='constant'`` with ``eta0=lr``.

The kernel consumes a ``SequentialDataset`` whose row order (``index``) is a
C-level attribute that Python cannot set, and it always visits all of the
dataset's rows.  A single dataset over the full ``X`` therefore cannot be
restricted to a batch; each step instead builds a small dataset over the
batch only, which costs about 2 us.  A batch given as a ``slice`` is a
zero-copy view (dense rows, or CSR ``indptr`` offsets into the full
``data``/``indices``); a batch given as an index array costs one gather of
the batch rows.

This relies on private scikit-learn API; :func:`check_kernel_compatible`
verifies it numerically against ``partial_fit`` and is run once per process
before the first :class:`SGDKernel` is built.
"""

import functools

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.utils import compute_class_weight
from sklearn.utils.validation import validate_data

try:  # private API: a failed import must surface as a clear RuntimeError
    from sklearn._loss._loss import CyHalfBinomialLoss
    from sklearn.linear_model._base import SPARSE_INTERCEPT_DECAY
    from sklearn.linear_model._sgd_fast import _plain_sgd32, _plain_sgd64
    from sklearn.linear_model._stochastic_gradient import (
        BaseSGDClassifier,
        BaseSGDRegressor,
    )
    from sklearn.utils._seq_dataset import (
        ArrayDataset32,
        ArrayDataset64,
        CSRDataset32,
        CSRDataset64,
    )
    from sklearn.utils.multiclass import _check_partial_fit_first_call
except ImportError as exc:  # pragma: no cover - depends on the installed version
    _IMPORT_ERROR = exc
else:
    _IMPORT_ERROR = None

__all__ = ["SUPPORTED_SKLEARN", "SGDKernel", "allocate", "check_kernel_compatible"]

#: Half-open range ``[min, max)`` of scikit-learn (major, minor) versions the
#: kernel call is verified against.  Only 1.9.1 has been run; the
#: ``_plain_sgd`` signature, ``fit_binary``/``_fit_regressor`` bookkeeping and
#: ``SequentialDataset`` constructors used here are those of 1.9.
SUPPORTED_SKLEARN = ((1, 9), (1, 10))

#: The learned arrays of an SGD estimator (coefficients and averaging buffers).
LEARNED_ARRAYS = (
    "coef_",
    "intercept_",
    "_standard_coef",
    "_standard_intercept",
    "_average_coef",
    "_average_intercept",
)

# Per dtype: (kernel function, dense dataset, CSR dataset).
_KERNELS = (
    {}
    if _IMPORT_ERROR is not None
    else {
        np.dtype(np.float64): (_plain_sgd64, ArrayDataset64, CSRDataset64),
        np.dtype(np.float32): (_plain_sgd32, ArrayDataset32, CSRDataset32),
    }
)

# The dataset seed only drives shuffling/random sampling, neither of which a
# step uses; any non-zero value reproduces partial_fit.
_UNUSED_SEED = 1


def _no_score(coef, intercept):
    """The validation score the kernel asks for after a pass: none is needed."""
    return 0.0


class SGDKernel:
    """Per-mini-batch plain SGD for an initialised SGD estimator.

    Built once per fit, after the estimator has been initialised by one
    ``partial_fit`` call (which allocates ``coef_``, ``intercept_``, ``t_``,
    ``classes_`` and, with ``average``, the ``_standard_*``/``_average_*``
    buffers).  Each :meth:`step` then has exactly the effect of
    ``est.set_params(learning_rate="constant", eta0=lr, shuffle=False)``
    followed by ``est.partial_fit(X[rows], y[rows], sample_weight=sw[rows])``,
    without any validation.

    Parameters
    ----------
    estimator : SGDClassifier or SGDRegressor
        Estimator initialised by ``partial_fit``; updated in place by
        :meth:`step`.  Its ``learning_rate``, ``eta0`` and ``shuffle`` are
        ignored (a step is always constant-rate, unshuffled); every other
        hyper-parameter (loss, penalty, alpha, l1_ratio, fit_intercept,
        average, class_weight, epsilon, ...) is read here, once.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Full training data.  Converted once to C-contiguous dense or CSR with
        int32 indices, of ``estimator.coef_.dtype``.
    y : ndarray of shape (n_samples,)
        Full targets; for a classifier every label must be in ``classes_``.
    sample_weight : ndarray of shape (n_samples,), default=None
        Per-sample weights, *not* multiplied by class weights: like
        ``partial_fit``, the kernel applies class weights itself through its
        ``weight_pos``/``weight_neg`` arguments.
    fix_average_intercept : bool, default=False
        Classifier with ``average`` only.  ``False`` reproduces
        ``partial_fit`` bitwise, including its intercept bookkeeping once
        averaging is active: binary fits drop the updated standard intercept
        after every call, and multiclass fits overwrite ``_average_intercept``
        with the standard intercepts.  ``True`` keeps both intercepts as a
        single ``fit`` pass would.  State already lost by the initialising
        ``partial_fit`` (binary, if averaging started in that batch) is not
        recovered.

    Attributes
    ----------
    estimator : SGDClassifier or SGDRegressor
        The estimator being trained.
    n_samples : int
        Number of rows of the training data.
    joins_passes : bool
        Whether consecutive passes at one rate may run as one pass over their
        rows (same updates, up to rounding): with no or an L2 penalty and no
        averaging.

    Notes
    -----
    Class weights are computed once from the full ``y`` with
    ``compute_class_weight(estimator.class_weight, ...)``.  That equals what
    ``partial_fit`` computes per batch for ``None`` and dict class weights;
    ``'balanced'`` (which ``partial_fit`` rejects) is resolved on the full
    ``y``, as ``fit`` does.

    Unlike ``partial_fit``, a step does not reject an all-zero
    ``sample_weight`` batch: it leaves the coefficients unchanged apart from
    the L2/elastic-net decay and advances ``t_`` as the kernel always does.

    Each step reads the learned state (``coef_``, ``intercept_``, ``t_``,
    averaging buffers) from the estimator, so replacing the estimator's
    ``__dict__`` between steps (snapshot/restore) is safe.  Hyper-parameters
    and the training data are frozen at construction: build a new kernel
    after changing either.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import SGDClassifier
    >>> X, y = make_classification(300, 5, random_state=0)
    >>> est = SGDClassifier(random_state=0).partial_fit(X[:64], y[:64], classes=[0, 1])
    >>> kernel = SGDKernel(est, X, y)
    >>> kernel.step(np.arange(64, 128), lr=0.01)
    >>> kernel.step(slice(128, 192), lr=0.005)
    >>> est.t_
    193.0
    """

    #: Seed of the whole-epoch shuffle while ``epoch`` runs; None for batches.
    _epoch_seed = None

    def __init__(self, estimator, X, y, sample_weight=None, *, fix_average_intercept=False):
        _ensure_compatible()
        self._prepare(estimator, X, y, sample_weight, fix_average_intercept)

    def epoch(self, lr, seed=None):
        """One pass over all rows, shuffled inside the compiled loop.

        The kernel permutes its own row index with ``seed``, so no copy of
        the data is made; the effect is that of one ``partial_fit`` over all
        rows with ``shuffle=True``. ``seed=None`` visits the rows in order.
        """
        self._epoch_seed = None if seed is None else int(seed) or 1
        try:
            self.step(slice(None), lr)
        finally:
            self._epoch_seed = None

    def _prepare(self, estimator, X, y, sample_weight, fix_average_intercept):
        """Convert the training data and freeze the kernel arguments."""
        _check_estimator(estimator)
        self.estimator = estimator
        self.fix_average_intercept = bool(fix_average_intercept)
        dtype = estimator.coef_.dtype
        self._sgd, dense_ds, csr_ds = _KERNELS[np.dtype(dtype)]
        self._X, self._sparse = _as_training_matrix(X, dtype, estimator.coef_.shape[-1])
        self._dataset_cls = csr_ds if self._sparse else dense_ds
        self.n_samples = self._X.shape[0]
        self._sw = _as_sample_weight(sample_weight, self.n_samples, dtype)
        self._unweighted = sample_weight is None  # then every gathered weight is 1
        self._classifier = isinstance(estimator, BaseSGDClassifier)
        if self._classifier:
            self._Y, self._weights = _encode_classifier_targets(estimator, y, dtype)
        else:
            self._Y = np.ascontiguousarray(y, dtype=dtype).reshape(1, -1)
            self._weights = [(1.0, 1.0)]
        if self._Y.shape[1] != self.n_samples:
            raise ValueError(f"y has {self._Y.shape[1]} rows, X has {self.n_samples}.")
        args = _static_kernel_args(estimator, self._sparse)
        self._loss_args = tuple(args[k] for k in ("loss", "penalty_type", "alpha", "l1_ratio"))
        self._stop_args = (
            # early_stopping=True with no held-out row and a score that never
            # stops anything: the only effect is that the kernel skips the
            # running loss it would otherwise add up for every sample (the
            # engine measures the objective itself). The updates are those of
            # partial_fit, as check_kernel_compatible verifies.
            True,
            _no_score,  # validation_score_cb, called once per pass
            args["n_iter_no_change"],
            1,  # max_iter: one pass, as partial_fit
            args["tol"],
            args["fit_intercept"],
            args["verbose"],
        )
        self._lr_type = args["learning_rate_type"]
        # Two passes at one rate equal one pass over both row sets, up to
        # rounding, unless an L1 penalty (whose running total restarts every
        # pass) or partial_fit's averaging bookkeeping is involved.
        self.joins_passes = estimator.penalty in (None, "l2") and not estimator.average
        # (power_t, one_class) come before t_, (intercept_decay, average) after.
        self._before_t = (args["power_t"], 0)
        self._after_t = (args["intercept_decay"], args["average"])
        # Per batch length: an all-zero validation mask, and gather buffers.
        self._masks, self._buffers = {}, {}

    def step(self, rows, lr):
        """Run one plain-SGD pass with constant learning rate over ``rows``.

        Parameters
        ----------
        rows : ndarray of int or slice
            Row indices of the training data in ``[0, n_samples)``, visited
            in this order (duplicates allowed).  A ``slice`` with step 1 is
            zero-copy.
        lr : float
            Constant learning rate (``eta0``) for this pass.
        """
        if isinstance(rows, np.ndarray) and not self._sparse:
            datasets, mask = self._gather(rows)
        else:
            X_args, Y, sw = self._take(rows)
            make = self._dataset_cls
            datasets = [make(*X_args, Y[k], sw, _UNUSED_SEED) for k in range(len(Y))]
            mask = self._mask(sw.shape[0])
        n_rows = mask.shape[0]
        if n_rows == 0:
            return
        if not self._classifier:
            self._step_regressor(datasets[0], mask, lr, n_rows)
        elif len(datasets) == 1:
            self._step_binary(datasets[0], mask, lr, n_rows)
        else:
            self._step_multiclass(datasets, mask, lr, n_rows)

    def _mask(self, n_rows):
        """An all-zero validation mask of ``n_rows`` (the kernel skips flagged rows)."""
        mask = self._masks.get(n_rows)
        if mask is None:
            mask = self._masks[n_rows] = np.zeros(n_rows, dtype=np.uint8)
        return mask

    def _gather(self, rows):
        """Copy dense batch rows into buffers that the datasets of that batch size read.

        A dataset reads its arrays through pointers and is back at its first
        row after every pass, so one set of datasets per batch size serves
        every batch of that size.
        """
        n_rows = rows.shape[0]
        buffers = self._buffers.get(n_rows)
        if buffers is None:
            X = np.empty((n_rows, self._X.shape[1]), dtype=self._X.dtype)
            Y = np.empty((self._Y.shape[0], n_rows), dtype=self._Y.dtype)
            sw = np.ones(n_rows, dtype=self._sw.dtype)
            make = self._dataset_cls
            datasets = [make(X, Y[k], sw, _UNUSED_SEED) for k in range(len(Y))]
            buffers = self._buffers[n_rows] = (X, Y, sw, datasets)
        X, Y, sw, datasets = buffers
        # mode='wrap' writes straight into the buffers; rows are valid indices.
        self._X.take(rows, axis=0, out=X, mode="wrap")
        self._Y.take(rows, axis=1, out=Y, mode="wrap")
        if not self._unweighted:
            self._sw.take(rows, out=sw, mode="wrap")
        return datasets, self._mask(n_rows)

    def _take(self, rows):
        """Return the batch's dataset arguments for X, its targets and weights."""
        if isinstance(rows, np.ndarray):
            # take() returns C-contiguous rows, so each Y[k] is contiguous.
            Y, sw = self._Y.take(rows, axis=1), self._sw.take(rows)
            if self._sparse:
                return _csr_take(self._X, rows), Y, sw
            return (self._X.take(rows, axis=0),), Y, sw
        if isinstance(rows, slice) and rows.step in (None, 1):
            start, stop, _ = rows.indices(self.n_samples)
            stop = max(start, stop)
            Y, sw = self._Y[:, start:stop], self._sw[start:stop]
            if self._sparse:
                # CSRDataset reads absolute offsets from indptr, so a slice of
                # indptr addresses the full data/indices without copying.
                X = self._X
                return (X.data, X.indptr[start : stop + 1], X.indices), Y, sw
            return (self._X[start:stop],), Y, sw
        if isinstance(rows, slice):  # negative or non-unit step
            return self._take(np.arange(self.n_samples)[rows])
        return self._take(np.asarray(rows))

    def _run(self, coef, intercept, avg_coef, avg_intercept, dataset, mask, lr, weights):
        """Call the compiled kernel for one epoch; return both intercepts."""
        shuffle = self._epoch_seed is not None  # shuffle only whole epochs
        _, intercept, _, avg_intercept, _ = self._sgd(
            coef,
            intercept,
            avg_coef,
            avg_intercept,
            *self._loss_args,
            dataset,
            mask,
            *self._stop_args,
            shuffle,
            self._epoch_seed if shuffle else _UNUSED_SEED,
            *weights,
            self._lr_type,
            lr,  # eta0
            *self._before_t,
            self.estimator.t_,
            *self._after_t,
        )
        return intercept, avg_intercept

    def _step_one_problem(self, dataset, mask, lr, n_rows):
        """One pass of a binary classifier or regressor; return both intercepts.

        Without averaging this is all there is (``intercept_`` is set); with
        averaging the caller does ``partial_fit``'s bookkeeping.
        """
        est = self.estimator
        if est.average:
            coef, intercept = est._standard_coef.ravel(), est._standard_intercept[0]
            avg_coef, avg_intercept = est._average_coef.ravel(), est._average_intercept[0]
        else:
            coef, intercept = est.coef_.ravel(), est.intercept_[0]
            avg_coef, avg_intercept = None, 0
        intercept, avg_intercept = self._run(
            coef, intercept, avg_coef, avg_intercept, dataset, mask, lr, self._weights[0]
        )
        est.t_ += n_rows
        est.n_iter_ = 1
        if not est.average:
            est.intercept_ = np.array([intercept])  # as np.atleast_1d, faster
        return intercept, avg_intercept

    def _step_binary(self, dataset, mask, lr, n_rows):
        """Mirror ``fit_binary(est, 1, ...)`` followed by ``_fit_binary``."""
        est, average = self.estimator, self.estimator.average
        intercept, avg_intercept = self._step_one_problem(dataset, mask, lr, n_rows)
        if not average:
            return
        est._average_intercept[0] = avg_intercept
        averaging = average <= est.t_ - 1
        if not averaging or self.fix_average_intercept:
            # partial_fit only stores the standard intercept before averaging
            # starts; later it is dropped (see fix_average_intercept).
            est._standard_intercept = np.atleast_1d(intercept)
        if averaging:
            est.coef_ = est._average_coef.reshape(1, -1)
            est.intercept_ = est._average_intercept
        else:
            est.coef_ = est._standard_coef.reshape(1, -1)
            est.intercept_ = est._standard_intercept

    def _step_multiclass(self, datasets, mask, lr, n_rows):
        """Mirror ``_fit_multiclass``: one ``fit_binary`` per class (OvR)."""
        est = self.estimator
        average = est.average
        intercepts = []
        for i, dataset in enumerate(datasets):
            if average:
                coef, intercept = est._standard_coef[i], est._standard_intercept[i]
                avg_coef, avg_intercept = est._average_coef[i], est._average_intercept[i]
            else:
                coef, intercept = est.coef_[i], est.intercept_[i]
                avg_coef, avg_intercept = None, 0
            intercept, avg_intercept = self._run(
                coef, intercept, avg_coef, avg_intercept, dataset, mask, lr, self._weights[i]
            )
            if average:
                est._average_intercept[i] = avg_intercept
            intercepts.append(intercept)
        # partial_fit writes the standard intercepts through intercept_, which
        # is the averaged buffer once averaging is active.
        fixed = average and self.fix_average_intercept
        target = est._standard_intercept if fixed else est.intercept_
        target[:] = intercepts
        est.t_ += n_rows
        est.n_iter_ = 1
        if not average:
            return
        if average <= est.t_ - 1.0:
            est.coef_ = est._average_coef
            est.intercept_ = est._average_intercept
        else:
            est.coef_ = est._standard_coef
            if not fixed:
                est._standard_intercept = np.atleast_1d(est.intercept_)
            est.intercept_ = est._standard_intercept

    def _step_regressor(self, dataset, mask, lr, n_rows):
        """Mirror ``BaseSGDRegressor._fit_regressor``."""
        est, average = self.estimator, self.estimator.average
        intercept, avg_intercept = self._step_one_problem(dataset, mask, lr, n_rows)
        if not average:
            return
        est._average_intercept = np.atleast_1d(avg_intercept)
        est._standard_intercept = np.atleast_1d(intercept)
        if average <= est.t_ - 1.0:
            est.coef_ = est._average_coef
            est.intercept_ = np.atleast_1d(avg_intercept)
        else:
            est.coef_ = est._standard_coef
            est.intercept_ = np.atleast_1d(intercept)


def allocate(est, X, y, classes=None, *, validated=False):
    """Give an unfitted SGD estimator the state of a first ``partial_fit``, without a step.

    ``partial_fit`` on one row allocates ``coef_``, ``intercept_``, the
    averaging buffers, ``classes_`` and the class weights, then trains on that
    row (for one-vs-rest through a joblib ``Parallel`` over the classes, which
    costs milliseconds). This allocates the same attributes at their fresh
    values (zeros, ``t_ = 1``) and trains on nothing. :func:`check_kernel_compatible`
    verifies that the result equals a one-row ``partial_fit`` whose learned
    values are reset.

    Parameters
    ----------
    est : SGDClassifier or SGDRegressor
        Unfitted estimator; modified in place.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data; only its first row is validated.
    y : ndarray of shape (n_samples,)
        Targets; only the first one is read.
    classes : array-like, default=None
        All the classes, for a classifier.
    validated : bool, default=False
        Whether ``X`` is already a float64 or float32 ndarray or CSR matrix,
        as ``partial_fit``'s validation makes it, and numeric ``classes`` are
        sorted distinct class labels: then neither is validated again.
    """
    if validated:
        X1, y1 = X[:1], y[:1]
        est.n_features_in_ = X.shape[1]
    else:
        X1, y1 = validate_data(
            est,
            X[:1],
            y[:1],
            accept_sparse="csr",
            dtype=[np.float64, np.float32],
            order="C",
            accept_large_sparse=False,
            reset=True,
        )
    n_features = X1.shape[1]
    if isinstance(est, BaseSGDRegressor):
        est._allocate_parameter_mem(n_classes=1, n_features=n_features, input_dtype=X1.dtype)
    else:
        if isinstance(est.class_weight, str):
            raise ValueError(
                f"class_weight={est.class_weight!r} needs the whole training set: "
                "resolve it to a dict before allocating."
            )
        if validated and isinstance(classes, np.ndarray) and classes.dtype.kind in "biuf":
            # Sorted distinct labels, checked as partial_fit's unique_labels
            # checks them: it would return them unchanged.
            est.classes_ = classes.copy()
        else:
            _check_partial_fit_first_call(est, classes)
        n_classes = est.classes_.shape[0]
        if n_classes < 2:
            raise ValueError(f"The number of classes has to be greater than one; got {n_classes}.")
        est._expanded_class_weight = (
            np.ones(n_classes)  # what compute_class_weight gives, without its validation
            if est.class_weight is None
            else compute_class_weight(est.class_weight, classes=est.classes_, y=y1)
        )
        est._allocate_parameter_mem(
            n_classes=n_classes, n_features=n_features, input_dtype=X1.dtype
        )
        est._loss_function_ = est._get_loss_function(est.loss)
        if n_classes == 2:  # partial_fit leaves binary coefficients 2-d
            est.coef_ = est.coef_.reshape(1, -1)
    est.t_ = 1.0
    est.n_iter_ = 1
    return est


def _check_estimator(est):
    """Reject estimators the kernel cannot step exactly like ``partial_fit``."""
    if not isinstance(est, (BaseSGDClassifier, BaseSGDRegressor)):
        raise TypeError(
            f"SGDKernel supports SGDClassifier and SGDRegressor, got {type(est).__name__}."
        )
    if getattr(est, "coef_", None) is None or not hasattr(est, "t_"):
        raise ValueError("Initialise the estimator with one partial_fit call first.")
    if est.early_stopping:
        raise ValueError("early_stopping=True is not supported (partial_fit forbids it too).")
    if est.coef_.dtype not in _KERNELS:
        raise TypeError(f"coef_ dtype {est.coef_.dtype} is not float32 or float64.")


def _as_training_matrix(X, dtype, n_features):
    """Return ``X`` as the kernel reads it and whether it is sparse.

    Dense input becomes C-contiguous; sparse input becomes CSR with int32
    ``indptr``/``indices``, as ``partial_fit``'s validation produces.
    """
    if sp.issparse(X):
        X = sp.csr_matrix(X, dtype=dtype)
        X.indptr = X.indptr.astype(np.intc, copy=False)
        X.indices = X.indices.astype(np.intc, copy=False)
        X.data = np.ascontiguousarray(X.data)
        sparse = True
    else:
        X = np.ascontiguousarray(X, dtype=dtype)
        sparse = False
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(f"X has shape {X.shape}; the estimator has {n_features} features.")
    return X, sparse


def _as_sample_weight(sample_weight, n_samples, dtype):
    """Return contiguous per-sample weights, ones when ``None``."""
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    sample_weight = np.ascontiguousarray(sample_weight, dtype=dtype)
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight has shape {sample_weight.shape}, expected ({n_samples},)."
        )
    return sample_weight


def _encode_classifier_targets(est, y, dtype):
    """Return OvR targets (one row per binary problem) and class weights.

    Mirrors ``_prepare_fit_binary``: the positive class is ``classes_[i]``
    (``classes_[1]`` for a binary problem); targets are {0, 1} for the
    log loss and {-1, +1} otherwise.  Weights are ``(weight_pos,
    weight_neg)`` as ``_fit_binary`` (``cw[1], cw[0]``) and
    ``_fit_multiclass`` (``cw[i], 1.0``) pass them.
    """
    classes = est.classes_
    y = np.asarray(y)
    negative = 0.0 if isinstance(est._get_loss_function(est.loss), CyHalfBinomialLoss) else -1.0
    binary = len(classes) == 2
    Y = np.full((1 if binary else len(classes), y.shape[0]), negative, dtype=dtype)
    known = 0
    for i, label in enumerate(classes):
        is_label = y == label
        known += np.count_nonzero(is_label)
        row = i - 1 if binary else i  # a binary problem's positive class is classes_[1]
        if row >= 0:
            np.copyto(Y[row], 1.0, where=is_label)
    if known != y.shape[0]:
        raise ValueError("y contains labels that are not in the estimator's classes_.")
    if isinstance(est.class_weight, str):  # 'balanced' is resolved on the whole y
        class_weight = compute_class_weight(est.class_weight, classes=classes, y=y)
    else:  # the others do not depend on y: the first partial_fit resolved them
        class_weight = est._expanded_class_weight
    if len(classes) == 2:
        weights = [(float(class_weight[1]), float(class_weight[0]))]
    else:
        weights = [(float(w), 1.0) for w in class_weight]
    return Y, weights


def _static_kernel_args(est, sparse):
    """Return the kernel arguments that do not change between steps."""
    return {
        "loss": est._get_loss_function(est.loss),
        "penalty_type": est._get_penalty_type(est.penalty),
        "alpha": float(est.alpha),
        "l1_ratio": est._get_l1_ratio(),
        "n_iter_no_change": int(est.n_iter_no_change),
        "tol": est.tol if est.tol is not None else -np.inf,
        "fit_intercept": int(est.fit_intercept),
        "verbose": int(est.verbose),
        "learning_rate_type": est._get_learning_rate_type("constant"),
        "power_t": est.power_t,
        # make_dataset damps intercept updates on sparse data.
        "intercept_decay": SPARSE_INTERCEPT_DECAY if sparse else 1.0,
        "average": est.average,
    }


def _csr_take(X, rows):
    """Gather CSR rows into ``(data, indptr, indices)`` for a CSRDataset.

    Keeps each row's stored entry order, which fixes the kernel's summation
    order.  For 256 rows it takes 39 us where ``X[rows]`` takes 65 us at 20
    stored entries per row, and is about 10% slower than ``X[rows]`` at 50.
    """
    starts = X.indptr[rows]
    lengths = X.indptr[rows + 1] - starts
    indptr = np.zeros(len(rows) + 1, dtype=np.intc)
    np.cumsum(lengths, out=indptr[1:])
    # Source position of output entry k in batch row r: starts[r] + k - indptr[r].
    src = np.arange(indptr[-1], dtype=np.intp) + np.repeat(starts - indptr[:-1], lengths)
    if src.size == 0:
        # The dataset takes &data[0]; give empty batches one dummy entry.
        return np.zeros(1, X.dtype), indptr, np.zeros(1, np.intc)
    return X.data[src], indptr, X.indices[src]


def _version_tuple():
    """Return the installed scikit-learn (major, minor)."""
    major, minor = sklearn.__version__.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def check_kernel_compatible(*, strict_version=True):
    """Verify that a kernel step equals one ``partial_fit`` call.

    Runs, on a tiny deterministic problem, binary (dense and CSR), multiclass
    and regression fits with and without ``average``, sample weights and
    class weights, and compares ``coef_``, ``intercept_`` and ``t_`` after one
    :meth:`SGDKernel.step` against one ``partial_fit`` with
    ``shuffle=False``, ``learning_rate='constant'``.

    Parameters
    ----------
    strict_version : bool, default=True
        Also require the installed scikit-learn to be in
        :data:`SUPPORTED_SKLEARN`.

    Raises
    ------
    RuntimeError
        If the private API is missing, the version is outside the supported
        range (with ``strict_version``), or any result differs by more than
        1e-12.

    Examples
    --------
    >>> check_kernel_compatible()
    """
    where = f"scikit-learn {sklearn.__version__}"
    if _IMPORT_ERROR is not None:
        raise RuntimeError(f"SGDKernel: private API missing in {where}: {_IMPORT_ERROR}")
    low, high = SUPPORTED_SKLEARN
    if strict_version and not low <= _version_tuple() < high:
        raise RuntimeError(
            f"SGDKernel is verified for scikit-learn >={low[0]}.{low[1]},<{high[0]}.{high[1]}; "
            f"found {where}. Use partial_fit, or check_kernel_compatible(strict_version=False)."
        )
    for name, case in _compatibility_cases():
        try:
            _check_allocate(*case)
            gap = _max_gap_after_one_step(*case)
        except Exception as exc:  # any API drift must read as incompatibility
            raise RuntimeError(f"SGDKernel failed on {name!r} with {where}: {exc!r}") from exc
        if not gap <= 1e-12:
            raise RuntimeError(
                f"SGDKernel differs from partial_fit on {name!r} by {gap:.3g} with {where}."
            )


@functools.cache
def _ensure_compatible():
    """Run :func:`check_kernel_compatible` once per process, on any scikit-learn version.

    What the kernel needs is that its steps equal ``partial_fit``'s, which
    the check verifies numerically; outside ``SUPPORTED_SKLEARN`` (the range
    the package pins and its tests verify) that is enough to use it.
    """
    check_kernel_compatible(strict_version=False)


def _compatibility_cases():
    """Yield ``(name, (estimator factory, X, y, sample_weight))`` test cases."""
    from sklearn.linear_model import SGDClassifier, SGDRegressor

    rng = np.random.RandomState(0)
    X = rng.standard_normal((24, 4))
    X[rng.uniform(size=X.shape) < 0.3] = 0.0  # zeros exercise the CSR path
    y3 = np.arange(24) % 3
    y2 = (X[:, 0] > 0).astype(int)
    sw = rng.uniform(0.5, 2.0, size=24)
    common = {"learning_rate": "constant", "shuffle": False, "random_state": 0}
    yield "binary hinge", (lambda: SGDClassifier(**common), X, y2, None)
    yield (
        "binary log_loss csr",
        (lambda: SGDClassifier(loss="log_loss", **common), sp.csr_matrix(X), y2, sw),
    )
    yield (
        "multiclass average class_weight",
        (
            lambda: SGDClassifier(average=True, class_weight={0: 2.0, 1: 0.5, 2: 1.0}, **common),
            X,
            y3,
            sw,
        ),
    )
    yield (
        "binary average elasticnet",
        (
            lambda: SGDClassifier(average=True, penalty="elasticnet", **common),
            X,
            y2,
            sw,
        ),
    )
    yield (
        "regressor average",
        (lambda: SGDRegressor(average=True, **common), X, X @ [1.0, -2.0, 0.5, 0.0], sw),
    )


def _max_gap_after_one_step(make, X, y, sample_weight):
    """Return the largest |difference| between a kernel step and partial_fit."""
    first, second = np.arange(8), np.arange(8, 24)[::-1]  # reversed: order matters
    fits = []
    for use_kernel in (False, True):
        est = make().set_params(eta0=0.05)
        kw = {"classes": np.unique(y)} if hasattr(est, "class_weight") else {}
        sw = None if sample_weight is None else sample_weight[first]
        est.partial_fit(X[first], y[first], sample_weight=sw, **kw)
        if use_kernel:
            # Skip __init__'s once-per-process check: this is that check.
            kernel = SGDKernel.__new__(SGDKernel)
            kernel._prepare(est, X, y, sample_weight, fix_average_intercept=False)
            kernel.step(second, lr=0.02)
        else:
            sw = None if sample_weight is None else sample_weight[second]
            est.set_params(eta0=0.02).partial_fit(X[second], y[second], sample_weight=sw)
        fits.append(est)
    ref, got = fits
    return max(
        np.max(np.abs(ref.coef_ - got.coef_)),
        np.max(np.abs(ref.intercept_ - got.intercept_)),
        abs(ref.t_ - got.t_),
    )


def _check_allocate(make, X, y, sample_weight):
    """Raise unless :func:`allocate` equals a one-row ``partial_fit`` reset to zeros."""
    classes = np.unique(y) if hasattr(make(), "class_weight") else None
    for average in (False, 1):
        ref = make().set_params(average=average)
        ref.partial_fit(X[:1], y[:1], **({} if classes is None else {"classes": classes}))
        for name in LEARNED_ARRAYS:
            if isinstance(getattr(ref, name, None), np.ndarray):
                getattr(ref, name)[...] = 0.0
        ref.t_ = 1.0
        for validated in (False, True):
            got = allocate(make().set_params(average=average), X, y, classes, validated=validated)
            _require_same_state(ref, got)


def _require_same_state(ref, got):
    """Raise unless two estimators have the same attributes with equal values."""
    if ref.__dict__.keys() != got.__dict__.keys():
        raise AssertionError(
            f"attributes differ: {sorted(ref.__dict__.keys() ^ got.__dict__.keys())}"
        )
    for key, a in ref.__dict__.items():
        b = got.__dict__[key]
        if isinstance(a, np.ndarray):
            same = a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
        elif key == "_loss_function_":
            same = type(a) is type(b) and a.__reduce__() == b.__reduce__()
        else:
            same = a == b
        if not same:
            raise AssertionError(f"{key} differs: {a!r} != {b!r}")
