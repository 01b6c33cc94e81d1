"""SGDClassifier and SGDRegressor, driven through ``partial_fit``.

With ``learning_rate='constant'`` the model reads ``eta0`` afresh on every
``partial_fit`` call, so setting it between calls is the public way to
change the rate. Each epoch's shuffling happens inside the compiled loop,
seeded from the fit's own random state, so no copy of the data is made.
"""

import functools
import os
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import SGDClassifier
from sklearn.utils.extmath import safe_sparse_dot

from .._warnings import warn_user
from ._base import Adapter
from ._sgd_kernel import LEARNED_ARRAYS, SGDKernel, _ensure_compatible, allocate


def _margin(fn):
    """Classification loss of the margin ``z = y * p`` with ``y`` in {-1, 1}.

    ``p`` is the scores array, which the loss may overwrite: it is computed
    afresh for every evaluation.
    """

    def loss(p, y, eps):
        p *= y
        return fn(p)

    return loss


def _residual(fn):
    def loss(p, y, eps):
        p -= y
        return fn(np.abs(p, out=p), eps)

    return loss


def _hinge(z, threshold=1.0):
    np.subtract(threshold, z, out=z)
    return np.maximum(z, 0.0, out=z)


def _log_loss(z):
    """``log(1 + exp(-z))`` without overflow, in two buffers."""
    tail = np.abs(z)
    np.negative(tail, out=tail)
    np.exp(tail, out=tail)
    np.log1p(tail, out=tail)
    tail -= np.minimum(z, 0.0, out=z)
    return tail


def _modified_huber(z):
    return np.where(z >= 1.0, 0.0, np.where(z >= -1.0, (1.0 - z) ** 2, -4.0 * z))


def _huber(r, eps):
    return np.where(r <= eps, 0.5 * r**2, eps * r - 0.5 * eps**2)


# Per-sample losses exactly as scikit-learn's SGD defines them (_sgd_fast).
LOSSES = {
    "hinge": _margin(_hinge),
    "perceptron": _margin(lambda z: _hinge(z, 0.0)),
    "squared_hinge": _margin(lambda z: _hinge(z) ** 2),
    "log_loss": _margin(_log_loss),
    "modified_huber": _margin(_modified_huber),
    "squared_error": _residual(lambda r, eps: 0.5 * r**2),
    "huber": _residual(_huber),
    "epsilon_insensitive": _residual(lambda r, eps: _hinge(-r, -eps)),
    "squared_epsilon_insensitive": _residual(lambda r, eps: _hinge(-r, -eps) ** 2),
}


def penalty(coef, kind, alpha, l1_ratio):
    """``alpha * R(w)`` summed over the rows of coefficients, as scikit-learn's SGD defines R."""
    if kind is None:
        return 0.0
    flat = coef.ravel()
    l1_share = {"l2": 0.0, "l1": 1.0}.get(kind, l1_ratio)
    l1 = float(np.abs(flat).sum()) if l1_share > 0 else 0.0
    l2 = 0.5 * float(flat @ flat) if l1_share < 1 else 0.0
    return alpha * (l1_share * l1 + (1.0 - l1_share) * l2)


@functools.lru_cache(maxsize=16)
def _projection(n_features):
    """The fixed direction rows are ordered by (read-only: it is shared between fits)."""
    projection = np.random.RandomState(0).standard_normal(n_features)
    projection.flags.writeable = False
    return projection


_SIGN_BIT = np.uint64(1 << 63)
_DIGIT_BITS = 16


def _argsort_floats(key):
    """``np.argsort`` of float64 keys by a radix sort, stable, in O(n).

    The bits of a float, with the sign bit set for a positive number and
    every bit flipped for a negative one, order as unsigned integers as the
    floats do. Four stable passes over their 16-bit digits, least
    significant first, sort them (numpy sorts 16-bit integers by counting);
    on data of tens of thousands of rows that takes about 60% of the time
    of a comparison sort.
    """
    bits = key.view(np.uint64)
    bits = np.where(bits >= _SIGN_BIT, ~bits, bits | _SIGN_BIT)
    order = None
    for shift in range(0, 64, _DIGIT_BITS):
        digits = bits if order is None else bits[order]
        # astype keeps the low 16 bits: the digit at this shift.
        digits = (digits >> np.uint64(shift)).astype(np.uint16)
        step = np.argsort(digits, kind="stable")
        order = step if order is None else order[step]
    return order


def _canonical_order(X, y, sample_weight, classes):
    """An order of the rows that depends on their values only.

    By a fixed projection of the row. Where projections are equal, by the
    target and the weight: rows of equal projection are almost always the
    same row given more than once, which are then interchangeable. Where
    they are not (two distinct rows whose projections coincide), those rows
    go by their values too. Projections that overflowed (non-finite) count
    as equal, last.
    """
    projection = _projection(X.shape[1])
    # Row by row, so equal rows get bit-identical keys wherever they are.
    key = X @ projection if sp.issparse(X) else np.einsum("ij,j->i", X, projection)
    key = np.ascontiguousarray(key, dtype=np.float64)
    overflowed = ~np.isfinite(key)
    if overflowed.any():
        key[overflowed] = np.inf
    order = _argsort_floats(key)
    sorted_key = key[order]
    new_group = np.empty(len(order), dtype=bool)
    new_group[0] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=new_group[1:])
    if new_group.all():
        return order
    if classes is None:
        return _order_ties(X, y, sample_weight, order, new_group)
    return _order_ties(
        X, np.searchsorted(classes, y), sample_weight, order, new_group, len(classes)
    )


def _order_ties(X, target, weight, order, new_group, n_classes=None):
    """Order rows of equal keys canonically (``new_group``: where the keys in ``order`` change).

    ``weight`` is None when every row weighs the same; ``n_classes`` is given
    when ``target`` holds class indices (``0 .. n_classes - 1``).
    """
    group = np.cumsum(new_group) - 1
    starts = np.flatnonzero(new_group)
    sizes = np.diff(np.append(starts, len(order)))
    tied = np.flatnonzero(sizes[group] > 1)  # positions in order of rows that share a key
    rows = order[tied]
    # A group holds one row several times when each row equals the one before.
    values = X[rows] if sp.issparse(X) else X.take(rows, axis=0)
    if sp.issparse(X):
        differs = np.asarray(abs(values[1:] - values[:-1]).sum(axis=1)).ravel() > 0
    else:
        differs = (values[1:] != values[:-1]).any(axis=1)
    distinct = differs & ~new_group[tied[1:]]  # a group's first row starts afresh
    by_group = group[tied]
    weights = () if weight is None else (weight[rows],)
    if not weights and n_classes is not None:
        # Class indices alone: one integer key, nearly sorted already.
        within = np.argsort(by_group * n_classes + target[rows], kind="stable")
    else:
        within = np.lexsort((*weights, target[rows], by_group))
    if distinct.any():
        # Distinct rows of one key (rare): their groups go by the rows' values
        # too, whole groups, so they keep their places.
        sub = np.flatnonzero(np.isin(by_group, by_group[1:][distinct]))
        values = X[rows[sub]]
        if sp.issparse(values):
            # The columns stored in these rows only: the others are 0 in all.
            values = sp.csr_matrix(values)
            values = values[:, np.unique(values.indices)].toarray()
        weights = () if weight is None else (weight[rows[sub]],)
        keys = (*weights, target[rows[sub]], *values.T[::-1], by_group[sub])
        within[sub] = sub[np.lexsort(keys)]
    order = order.copy()
    order[tied] = rows[within]
    return order


#: A weight this close to an integer (relative) counts as that integer, so
#: that weights computed in floating point (say, normalised by their mean)
#: do not gain a visit at weight 1e-16.
INTEGER_TOLERANCE = 1e-9

#: Weights that make an epoch this many times as long as the rows are warned of:
#: the copy of the data grows with them.
MANY_VISITS = 10

#: The most row visits an epoch can hold (scikit-learn's datasets index rows
#: with 32-bit integers).
MAX_VISITS = np.iinfo(np.int32).max


def _visits(weight):
    """Full visits and the weight of the last, partial one (0: none) of each row."""
    nearest = np.round(weight)
    # Not to 0: a tiny weight still scales one step, as in scikit-learn.
    snap = (nearest >= 1) & (np.abs(weight - nearest) <= INTEGER_TOLERANCE * nearest)
    weight = np.where(snap, nearest, weight)
    full = np.floor(weight)
    total = float(full.sum()) + np.count_nonzero(weight > full)
    if total > MAX_VISITS:
        raise ValueError(
            f"sample_weight sums to about {total:.3g} row visits per epoch: the SGD "
            "models count a weight of k as k copies of the row, and an epoch can hold "
            f"at most {MAX_VISITS} visits. Rescale sample_weight."
        )
    if total > MANY_VISITS * len(weight):
        warn_user(
            f"sample_weight makes an epoch {total / len(weight):.3g} times as long as the "
            f"{len(weight)} rows: the SGD models count a weight of k as k copies of the "
            f"row, held in memory ({total:.3g} rows). If the weights' scale carries no "
            "meaning, rescale them (a weight of 1 is one visit)."
        )
    return full.astype(np.intp), weight - full


def frequency_rows(X, y, sample_weight, classes=None, *, shuffle=True, repeat=True):
    """The training rows as sklr's per-sample SGD visits them.

    scikit-learn defines a sample weight of ``k`` as ``k`` copies of the row,
    but its per-sample SGD takes one step scaled by ``k`` instead, which is a
    different fit. Here a row of weight ``w`` is visited ``floor(w)`` times at
    full weight, plus once at weight ``w - floor(w)`` when that is positive:
    a weight below 1 scales a single step, as in scikit-learn, and an integer
    weight ``k`` is exactly ``k`` repetitions (weights within a relative
    ``INTEGER_TOLERANCE`` of an integer count as that integer). An epoch
    therefore visits about ``sum(ceil(w))`` rows, held in memory as a copy.

    With ``shuffle``, the rows are first put in a canonical order (by a fixed
    projection of each row, then its target and weight), so a fit depends on
    the rows and ``random_state``, not on the order in which the rows are
    given. That is what makes a weight of ``k`` and ``k`` copies give the same
    model. Without ``shuffle`` the rows keep their order, repetitions side by
    side.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weights.
    classes : ndarray, default=None
        The sorted classes of a classifier (``y`` is ordered by class index).
    shuffle : bool, default=True
        Whether the epochs visit the rows in random order.
    repeat : bool, default=True
        Expand the weights into visits; False only orders the rows.

    Returns
    -------
    X, y, sample_weight
        Copies in canonical order with repeated rows; ``sample_weight`` is
        None when every visit has full weight.
    """
    if shuffle:
        order = _canonical_order(X, y, sample_weight, classes)
    else:
        order = np.arange(X.shape[0])
    if sample_weight is not None:
        sample_weight = sample_weight[order]
    if sample_weight is not None and repeat:
        full, part = _visits(sample_weight)
        partial = part > 0
        _check_room_for_visits(X, order, full + partial)
        order = np.repeat(order, full + partial)
        last_visit = np.cumsum(full + partial)[partial] - 1
        sample_weight = np.ones(order.shape[0])
        sample_weight[last_visit] = part[partial]
        if last_visit.size == 0:
            sample_weight = None
    rows = X[order] if sp.issparse(X) else X.take(order, axis=0)
    return rows, y[order], sample_weight


def _physical_memory():
    """This machine's memory in bytes, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None


def _check_room_for_visits(X, rows, counts):
    """Raise before copying when the ``rows`` of ``X``, visited ``counts`` times each
    in an epoch, exceed memory."""
    visits = int(counts.sum())
    if sp.issparse(X):
        stored = float(counts @ np.diff(X.indptr)[rows])
        needed = stored * (X.data.itemsize + X.indices.itemsize)
    else:
        needed = float(visits) * X.shape[1] * X.dtype.itemsize
    needed += visits * 16.0  # the index and target of each visit
    memory = _physical_memory()
    if memory is not None and needed > memory:
        raise ValueError(
            f"sample_weight makes an epoch visit {visits} rows, whose copy takes about "
            f"{needed / 2**30:.3g} GiB, more than this machine's {memory / 2**30:.3g} GiB: "
            "the SGD models count a weight of k as k copies of the row, held in memory. "
            "Rescale sample_weight (a weight of 1 is one visit)."
        )


class SGDAdapter(Adapter):
    """Adapter for ``SGDClassifier`` and ``SGDRegressor``."""

    public_attributes = ("coef_", "intercept_", "classes_")

    # Replaced (never changed in place) by partial_fit; the kernel only reads it.
    shared_attributes = frozenset({"_loss_function_"})

    # The kernel holds a converted copy of the training data.
    cache_names = ("_kernel_cache", "_terms_cache")

    @staticmethod
    def training_data(X, y, sample_weight, classes=None, *, shuffle=True, repeat=True):
        return frequency_rows(X, y, sample_weight, classes, shuffle=shuffle, repeat=repeat)

    def configure(self):
        self.model.set_params(
            learning_rate="constant",
            max_iter=1,
            tol=None,
            early_stopping=False,
            warm_start=False,
            shuffle=self.shuffle,
            verbose=0,
        )

    def set_lr(self, lr):
        self.model.eta0 = float(lr)

    def partial_fit(self, X, y, sample_weight, classes, seed):
        self.model.random_state = seed
        kwargs = {"classes": classes} if isinstance(self.model, SGDClassifier) else {}
        self.model.partial_fit(X, y, sample_weight=sample_weight, **kwargs)
        return None

    def train_epoch(self, X, y, sample_weight, classes, seed):
        """One epoch, shuffled inside the compiled loop by ``seed``: no copy of the data."""
        kernel = self._kernel(X, y, sample_weight, classes)
        if kernel is None:
            return self.partial_fit(X, y, sample_weight, classes, seed)
        kernel.epoch(self.model.eta0, seed if self.shuffle else None)
        return None

    def train_batches(self, X, y, sample_weight, classes, batches, lrs, seed):
        """Per-batch steps through the compiled kernel, validated once per data set.

        The kernel does exactly what ``partial_fit`` would do on each batch,
        without its per-call validation. Where it is not verified for the
        installed scikit-learn, every step goes through ``partial_fit``.
        """
        kernel = self._kernel(X, y, sample_weight, classes)
        if kernel is None:
            return super().train_batches(X, y, sample_weight, classes, batches, lrs, seed)
        steps = zip(batches, lrs, strict=True)
        for rows, lr in _join_equal_rates(batches, lrs) if kernel.joins_passes else steps:
            kernel.step(rows, lr)
        return None

    def _kernel(self, X, y, sample_weight, classes):
        """The kernel over this very data, built once per engine call."""
        if not _kernel_usable():
            return None
        cached = getattr(self, "_kernel_cache", None)
        if cached is not None and _same_objects(cached[:3], (X, y, sample_weight)):
            return cached[3]
        if not hasattr(self.model, "coef_"):
            self._initialize(X, y, classes)
        kernel = SGDKernel(self.model, X, y, sample_weight, fix_average_intercept=True)
        self._kernel_cache = (X, y, sample_weight, kernel)
        return kernel

    @staticmethod
    def check_model(model):
        if model.penalty == "elasticnet" and model.l1_ratio is None:
            raise ValueError(
                "l1_ratio=None leaves penalty='elasticnet' without its mix: give "
                "l1_ratio a value in [0, 1], or choose penalty='l2', 'l1' or None."
            )

    @staticmethod
    def check_start_weights(model, coef_init, intercept_init, n_features, classes, dtype):
        """Check ``coef_init`` / ``intercept_init`` as scikit-learn's ``fit`` takes them.

        One row of coefficients and one intercept per binary problem: one per
        class, or a single one for a binary classifier or a regressor, which
        (as in scikit-learn) may have any shape of that many values.
        Returns C-contiguous copies in the dtype of the training data (the
        user's arrays are never trained in place), or None when neither is
        given.
        """
        if coef_init is None and intercept_init is None:
            return None
        n_problems = 1 if classes is None or len(classes) == 2 else len(classes)
        if n_problems > 1:
            what = "one per class"
            coef_shapes = f"({n_problems}, {n_features})"
            intercept_shapes = f"({n_problems},)"
        else:
            what = "one for the positive class" if classes is not None else "a single one"
            coef_shapes = f"({n_features},) or (1, {n_features})"
            intercept_shapes = "() or (1,)"
        coef = intercept = None
        if coef_init is not None:
            coef = _checked_init("coef_init", coef_init, dtype)
            fits = (
                coef.size == n_features
                if n_problems == 1
                else coef.shape == (n_problems, n_features)
            )
            if not fits:
                raise ValueError(
                    f"coef_init has shape {coef.shape}; expected {coef_shapes} (rows of "
                    f"coefficients: {what}; columns: the {n_features} features)."
                )
            coef = coef.reshape(n_problems, n_features)
        if intercept_init is not None:
            intercept = _checked_init("intercept_init", intercept_init, dtype)
            if intercept.size != n_problems or intercept.ndim > 1:
                raise ValueError(
                    f"intercept_init has shape {intercept.shape}; expected {intercept_shapes} "
                    f"({what})."
                )
            intercept = intercept.reshape(n_problems)
        return coef, intercept

    def _initialize(self, X, y, classes):
        """Allocate the model's state as its first ``partial_fit`` does, without a step.

        Where the compiled kernel is verified, :func:`allocate` does it
        directly. Otherwise one row goes through ``partial_fit`` (which
        allocates coefficients, averaging buffers and class weights), then the
        learned values are reset to the fresh state: zeros and ``t_ = 1``.
        Then ``start_weights`` (``coef_init`` / ``intercept_init``) are
        written into the coefficients, in place, as scikit-learn's ``fit``
        starts from them (the averaging buffers stay at zero).
        """
        m = self.model
        if _kernel_usable():
            allocate(m, X, y, classes, validated=True)
        else:
            self.partial_fit(X[:1], y[:1], None, classes, seed=0)
            for name in LEARNED_ARRAYS:
                value = getattr(m, name, None)
                if isinstance(value, np.ndarray):
                    value[...] = 0.0
            m.t_ = 1.0
        if self.start_weights is not None:
            self._start_from(*self.start_weights)

    def _start_from(self, coef, intercept):
        """Write ``coef_init`` / ``intercept_init`` where training starts from them.

        With averaging, that is the standard (not averaged) coefficients,
        which ``coef_`` / ``intercept_`` then show, as in scikit-learn's
        ``fit`` before averaging starts (a one-row ``partial_fit`` may have
        pointed them at the averaging buffers).
        """
        m = self.model
        average = bool(m.average)
        coef_to = m._standard_coef if average else m.coef_
        intercept_to = m._standard_intercept if average else m.intercept_
        if coef is not None:
            coef_to[...] = coef.reshape(coef_to.shape)
        if intercept is not None:
            intercept_to[...] = intercept
        if average:
            m.coef_ = coef_to.reshape(m.coef_.shape)
            m.intercept_ = intercept_to

    def _iterate(self):
        """The names of the arrays SGD's iterate lives in (not the average ``coef_`` shows)."""
        if self.model.average:
            return "_standard_coef", "_standard_intercept"
        return "coef_", "intercept_"

    def _zero_objective(self, X, y, sample_weight):
        """The objective at zero weights, whatever the model holds now."""
        m = self.model
        names = self._iterate()
        held = [getattr(m, name) for name in names]
        for name, value in zip(names, held, strict=True):
            setattr(m, name, np.zeros_like(value))
        try:
            return self.objective(X, y, sample_weight)
        finally:
            for name, value in zip(names, held, strict=True):
                setattr(m, name, value)

    def weights(self):
        if not hasattr(self.model, "coef_"):
            return []
        return [self.model.coef_, self.model.intercept_]

    def degenerate(self, lr):
        m = self.model
        l2_share = {"l2": 1.0, "elasticnet": 1.0 - (m.l1_ratio or 0.0)}.get(m.penalty, 0.0)
        shrink = lr * m.alpha * l2_share
        if shrink >= 1.0:
            return (
                f"lr * alpha{'' if m.penalty == 'l2' else ' * (1 - l1_ratio)'} = {shrink:.3g} "
                ">= 1: scikit-learn's SGD resets the weights to zero on every sample "
                "at this rate"
            )
        return None

    def initial_objective(self, X, y, sample_weight, classes, seed):
        """The objective where training starts: at zero weights, or at ``coef_init``."""
        if not hasattr(self.model, "coef_"):
            self._initialize(X, y, classes)
        return self.objective(X, y, sample_weight)

    def divergence_reference(self, X, y, sample_weight, at_start):
        """The objective at zero weights, where scikit-learn's SGD starts.

        From ``coef_init``, the higher of that and the objective there: a
        start from trained weights sits at the noise floor, which is no scale
        to judge divergence by. A model whose objective at zero weights is 0
        (the perceptron's) has no scale from ``coef_init`` either.
        """
        if self.start_weights is None:
            return at_start, "at the start of training"
        if not np.isfinite(at_start):
            raise ValueError(
                f"coef_init and intercept_init give a training objective of {at_start}; "
                "give smaller starting weights, or scale the input."
            )
        at_zero = self._zero_objective(X, y, sample_weight)
        if at_zero <= 0:
            return 0.0, "at zero weights"
        if at_zero > at_start:
            return at_zero, "at zero weights"
        return at_start, "at the start of training (coef_init)"

    def objective(self, X, y, sample_weight):
        """Mean over the one-vs-rest problems of (weighted mean loss + alpha R(w)).

        At SGD's iterate: with averaging, ``coef_`` shows the average, which
        lags behind an iterate that diverges (scikit-learn's own running loss
        is the iterate's too).
        """
        coef_name, intercept_name = self._iterate()
        return self._objective_at(X, y, sample_weight, coef_name, intercept_name)

    def prediction_objective(self, X, y, sample_weight):
        """The objective of the model as it predicts: with averaging, at the average."""
        return self._objective_at(X, y, sample_weight, "coef_", "intercept_")

    def _objective_at(self, X, y, sample_weight, coef_name, intercept_name):
        """The objective at the model's arrays of these names."""
        m = self.model
        rows, targets, weights, weight_sums = self._objective_terms(X, y, sample_weight)
        coef = getattr(m, coef_name).reshape(-1, rows.shape[0])
        # One row of scores per problem, without decision_function's validation.
        scores = (
            coef @ rows
            if isinstance(rows, np.ndarray)
            else np.asarray(safe_sparse_dot(coef, rows))
        )
        scores += getattr(m, intercept_name)[:, None]
        losses = LOSSES[m.loss](scores, targets, m.epsilon)
        if weights is None:
            # Every problem has the same rows: the mean of the means is the mean.
            # (ndarray.mean's sum, without its Python wrapper: this runs every epoch.)
            mean_loss = float(np.add.reduce(losses, axis=None) / losses.size)
        else:
            mean_loss = float(np.mean(np.einsum("ij,ij->i", weights, losses) / weight_sums))
        n_problems = coef.shape[0]
        return mean_loss + penalty(coef, m.penalty, m.alpha, m.l1_ratio) / n_problems

    def _objective_terms(self, X, y, sample_weight):
        """The rows as columns, targets and weights of each problem, kept per data set.

        The engine measures the objective on the same rows every epoch, so
        this is done once: ``X`` transposed into a contiguous copy (at most
        the loss rows; scores then come out one contiguous row per problem,
        twice as fast as from a view), the targets in {-1, 1} (or the
        values), the weights as scikit-learn's one-vs-rest applies them and
        their sums.
        """
        cached = getattr(self, "_terms_cache", None)
        if cached is not None and _same_objects(cached[:3], (X, y, sample_weight)):
            return cached[3]
        m = self.model
        rows = X.T.tocsr() if sp.issparse(X) else np.ascontiguousarray(X.T)
        if isinstance(m, SGDClassifier):
            classes = m.classes_ if len(m.classes_) > 2 else m.classes_[1:]
            targets = np.where(classes[:, None] == np.asarray(y)[None, :], 1.0, -1.0)
        else:
            targets = np.asarray(y, dtype=float).reshape(1, -1)
        weights = self._problem_weights(y, targets, sample_weight)
        if weights is not None:
            weights = np.ascontiguousarray(np.broadcast_to(weights, targets.shape), dtype=float)
        weight_sums = None if weights is None else weights.sum(axis=1)
        terms = rows, targets, weights, weight_sums
        self._terms_cache = (X, y, sample_weight, terms)
        return terms

    def _problem_weights(self, y, targets, sample_weight):
        """Row weights of each binary problem, as scikit-learn's one-vs-rest applies them.

        Binary: each row carries its own class's weight. One-vs-rest: in
        problem ``k`` the positive rows carry class ``k``'s weight and the
        rest weight 1. Returns an ``(n_problems, n_samples)`` array, or None
        when every weight is 1.
        """
        expanded = getattr(self.model, "_expanded_class_weight", None)
        sw = None if sample_weight is None else np.asarray(sample_weight)[None, :]
        if expanded is None or np.all(expanded == 1.0):
            return sw
        if targets.shape[0] == 1:
            per_row = expanded[np.searchsorted(self.model.classes_, y)][None, :]
        else:
            per_row = np.where(targets > 0, expanded[:, None], 1.0)
        return per_row if sw is None else per_row * sw


def _checked_init(name, value, dtype):
    """A finite copy of a starting-weights array in ``dtype``."""
    try:
        array = np.array(value, dtype=np.float64, order="C", copy=True)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"{name} must be an array of numbers: {exc}") from exc
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity; give finite starting weights.")
    limit = np.finfo(dtype).max
    if np.any(np.abs(array) > limit):
        raise ValueError(
            f"{name} has values beyond the range of {np.dtype(dtype).name} ({limit:.3g}), "
            "the dtype of the training data; give smaller starting weights."
        )
    return array.astype(dtype, copy=False)


def _join_equal_rates(batches, lrs):
    """Runs of consecutive batches at the same rate, each joined into one pass.

    Per-sample SGD takes the same updates either way, up to rounding (each
    pass folds the weights' running scale back into them when it ends); one
    compiled pass over the joined rows saves the per-call cost of the others.
    Used only where that holds (see ``SGDKernel.joins_passes``).
    """
    start = 0
    for stop in range(1, len(lrs) + 1):
        if stop == len(lrs) or lrs[stop] != lrs[start]:
            run = batches[start:stop]
            yield (run[0] if len(run) == 1 else np.concatenate(run)), lrs[start]
            start = stop


def _same_objects(a, b):
    return all(x is z for x, z in zip(a, b, strict=True))


@functools.cache
def _kernel_usable():
    """Whether the compiled kernel matches ``partial_fit`` here (checked once, as it checks)."""
    try:
        _ensure_compatible()
    except RuntimeError as exc:
        warnings.warn(
            f"{exc} SGD steps fall back to partial_fit (slower; an averaged classifier "
            "then keeps partial_fit's intercept bookkeeping, not fit's).",
            stacklevel=3,
        )
        return False
    return True
