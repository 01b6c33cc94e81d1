"""MLPClassifier and MLPRegressor with the 'sgd' and 'adam' solvers.

``learning_rate_init`` is read only when the optimizer is created (the first
``partial_fit``); after that the live rate sits on the private optimizer:
``_optimizer.learning_rate`` for SGD, ``_optimizer.learning_rate_init`` for
Adam (which derives its bias-corrected step from it at every update).
A new rate applies from the next update: with momentum, the velocity is
rescaled so that it excludes the rate, as PyTorch's SGD keeps it (a step at
rate 0 leaves the network and its momentum as they were).
``check_lr_hook`` verifies that the hook still holds, so a scikit-learn change
fails loudly instead of silently freezing the rate. An epoch runs the
network's own ``_backprop`` and the optimizer's ``update_params`` on the
solver's mini-batches, without the solver's per-batch input checks;
``check_fast_pass`` verifies once per process that this trains bit for bit
as ``partial_fit`` does on a set of small cases, or the epochs fall back to
``partial_fit``. Supported range: the one pinned in ``pyproject.toml``
(scikit-learn >=1.9,<1.10, the versions sklr is tested on).
"""

import copy
import functools
import itertools
import threading
import warnings

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.neural_network import MLPRegressor
from sklearn.neural_network._base import LOSS_FUNCTIONS
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer
from sklearn.preprocessing import LabelBinarizer

from .._warnings import warn_user
from ._base import AUTO_BATCH_SIZE, Adapter

_LIVE_LR = {SGDOptimizer: "learning_rate", AdamOptimizer: "learning_rate_init"}


class MLPAdapter(Adapter):
    """Adapter for ``MLPClassifier`` and ``MLPRegressor``."""

    reports_loss = True

    public_attributes = (
        "coefs_",
        "intercepts_",
        "classes_",
        "n_layers_",
        "n_outputs_",
        "out_activation_",
        "loss_",
        "best_loss_",
    )

    # Fitted on the classes at the first pass; later passes only read it.
    # Every pass re-seeds _random_state (partial_fit recreates it from
    # random_state, the fast pass re-seeds it), so its state between passes
    # never matters. The _best_* copies of the weights are only replaced,
    # never changed in place (and only with the network's own early
    # stopping, which sklr turns off).
    shared_attributes = frozenset(
        {"_label_binarizer", "_random_state", "_best_coefs", "_best_intercepts"}
    )

    cache_names = ("_targets_cache",)

    @staticmethod
    def updates_per_epoch(n_rows, batch_size):
        """One update per mini-batch, of ``batch_size`` clipped to the rows."""
        size = AUTO_BATCH_SIZE if batch_size == "auto" else int(batch_size)
        size = min(size, n_rows)
        return -(-n_rows // size)

    @staticmethod
    def stale_epochs_to_stop(n_iter_no_change):
        """``n_iter_no_change + 1``: scikit-learn's MLPs stop once the count exceeds it."""
        return n_iter_no_change + 1

    def configure(self):
        if self.model.solver not in ("sgd", "adam"):
            raise ValueError(
                f"solver={self.model.solver!r} has no learning rate to schedule; "
                "use solver='sgd' or solver='adam'."
            )
        # The network's own fit checks this; sklr sets the network up without it.
        sizes = self.model.hidden_layer_sizes
        if np.any(np.asarray(list(sizes) if np.iterable(sizes) else [sizes]) <= 0):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes!r}.")
        self.model.set_params(
            learning_rate="constant",
            max_iter=1,
            early_stopping=False,
            warm_start=False,
            shuffle=self.shuffle,
            verbose=False,
            n_iter_no_change=np.iinfo(np.int32).max,
        )

    def set_lr(self, lr):
        optimizer = getattr(self.model, "_optimizer", None)
        if optimizer is None:
            self.model.learning_rate_init = float(lr)
            return
        check_lr_hook()
        name = _LIVE_LR[type(optimizer)]
        old = getattr(optimizer, name)
        if isinstance(optimizer, SGDOptimizer) and lr != old:
            _rescale_velocities(optimizer, old, lr)
        setattr(optimizer, name, float(lr))

    def weights(self):
        return [*getattr(self.model, "coefs_", []), *getattr(self.model, "intercepts_", [])]

    def initial_objective(self, X, y, sample_weight, classes, seed):
        """The loss at the initial weights (not at zero output, which a network never has).

        The network is initialised in place from ``seed`` (see
        ``_initialize``); where the fast pass is not verified, a copy is
        initialised instead and the first step initialises the network
        itself from the same seed: the initial weights depend on the seed and
        the shapes only.
        """
        if hasattr(self.model, "coefs_"):
            return _objective(self.model, X, y, sample_weight)
        if _fast_pass_usable():
            self._first_rng_state = _initialize(self.model, X, y, classes, seed)
            return _objective(self.model, X, y, sample_weight)
        probe = copy.deepcopy(self.model)
        _initialize(probe, X, y, classes, seed)
        return _objective(probe, X, y, sample_weight)

    def objective(self, X, y, sample_weight):
        return _objective(self.model, X, y, sample_weight)

    def train_batches(self, X, y, sample_weight, classes, batches, lrs, seed):
        """Per-batch steps; then the network holds the epoch's losses, as after an epoch.

        Each step is a pass over one mini-batch, which leaves that batch's
        loss in ``loss_`` and the lowest batch loss in ``best_loss_``: they
        become the epoch's running loss (the mean over its batches) and the
        lowest such loss so far.
        """
        best = getattr(self.model, "best_loss_", None)
        loss = super().train_batches(X, y, sample_weight, classes, batches, lrs, seed)
        self.model.loss_ = loss
        self.model.best_loss_ = loss if best is None else min(best, loss)
        return loss

    def batch_step(self, X, y, sample_weight, classes, seed):
        # One update on all the rows, also for a short last batch (and no
        # warning); the network keeps the mini-batch it was given.
        size, self.model.batch_size = self.model.batch_size, X.shape[0]
        try:
            return self.partial_fit(X, y, sample_weight, classes, seed)
        finally:
            self.model.batch_size = size

    def partial_fit(self, X, y, sample_weight, classes, seed):
        """One pass of ``partial_fit``, without its input validation where that is verified.

        The engine hands over validated float arrays, so once the network
        exists the pass goes straight to the solver's epoch (what
        ``partial_fit`` runs after re-validating ``X`` and re-encoding ``y``
        on every call), run in its own steps (see ``_epoch``), behind
        ``check_fast_pass``.
        """
        if hasattr(self.model, "coefs_") and _fast_pass_usable():
            # The first pass (also when retried) shuffles as a first
            # partial_fit does: with the generator that drew the weights.
            state = getattr(self, "_first_rng_state", None) if self.model.t_ == 0 else None
            loss = _fast_pass(self.model, X, self._targets(y), sample_weight, seed, state)
        else:
            self.model.random_state = seed
            kwargs = {} if isinstance(self.model, MLPRegressor) else {"classes": classes}
            size = self.model.batch_size
            if size != "auto" and size > X.shape[0]:
                # Clipped as the solver would clip it, without its warning at
                # every pass (the estimator warns once).
                self.model.batch_size = X.shape[0]
            try:
                _partial_fit(self.model, X, y, sample_weight=sample_weight, **kwargs)
            finally:
                self.model.batch_size = size
            loss = float(self.model.loss_)
        # The network only reads the last value of its loss_curve_; the
        # engine keeps the history (and hands it back, see finish). A list
        # growing by a value per pass would make every snapshot longer.
        del self.model.loss_curve_[:-1]
        return loss

    def _targets(self, y):
        """``y`` encoded for the network, once per data set (every epoch passes the same ``y``)."""
        cached = getattr(self, "_targets_cache", None)
        if cached is None or cached[0] is not y:
            cached = self._targets_cache = (y, _encoded_targets(self.model, y))
        return cached[1]

    def finish(self, loss_curve):
        # The network runs without its own early stopping, and keeps the
        # records of that setting (its partial_fit relies on them): the
        # held-out scores are the sklr estimator's.
        self.model.loss_curve_ = list(loss_curve)


def _rescale_velocities(optimizer, old, lr):
    """Make a new rate apply from the next update, as in PyTorch's SGD.

    scikit-learn's velocity carries the rate (``v = mu v - lr g``); scaled by
    ``lr / old`` it is what it would have been at the new rate, instead of
    fading the new rate in over ~1 / (1 - momentum) steps. At a rate of 0 the
    network must not move, so the velocity is set to 0, and what it was is
    kept on the optimizer (snapshots copy it) until a positive rate brings
    it back: a step at rate 0 neither erases nor feeds the momentum.
    """
    if old > 0 and lr > 0:
        optimizer.velocities = [v * (lr / old) for v in optimizer.velocities]
    elif old > 0:  # to 0
        optimizer.sklr_momentum = [v / old for v in optimizer.velocities]
        optimizer.velocities = [np.zeros_like(v) for v in optimizer.velocities]
    elif hasattr(optimizer, "sklr_momentum"):  # from 0
        optimizer.velocities = [m * lr for m in optimizer.sklr_momentum]
        del optimizer.sklr_momentum


def _partial_fit(m, X, y, **kwargs):
    """``m.partial_fit``, stopped by Ctrl-C.

    The solver catches KeyboardInterrupt, warns, and returns with half an
    epoch trained (and its epoch count still 0); here the interrupt goes on,
    as in the fast pass, so that the engine drops or rewinds that epoch.
    """
    m.partial_fit(X, y, **kwargs)
    if m.n_iter_ == 0:
        raise KeyboardInterrupt("Training interrupted by user.")


def _initialize(m, X, y, classes, seed):
    """Give network ``m`` its initial weights, drawn from ``seed``, and no step.

    What a first ``partial_fit`` sets up before its pass, without its input
    validation (the engine's data is validated): the classes and their
    binarizer, the input size, the generator seeded from ``seed``, and the
    network's own ``_initialize`` (weights drawn as ``partial_fit`` draws
    them, counters and records). The next pass then starts as a fresh
    network's first one; ``check_fast_pass`` verifies that.

    Returns the state of the generator that drew the weights: a first
    ``partial_fit`` goes on to shuffle with it, and so does the first pass
    given it.
    """
    m.random_state = seed
    m._random_state = np.random.RandomState(seed)
    if isinstance(m, MLPRegressor):
        n_outputs = 1 if np.ndim(y) == 1 else np.shape(y)[1]
    else:
        binarizer = LabelBinarizer().fit(classes)
        m.classes_ = binarizer.classes_
        m._label_binarizer = binarizer
        n_outputs = 1 if len(m.classes_) == 2 else len(m.classes_)
    m.n_features_in_ = X.shape[1]
    # Only the number of columns of these targets is read.
    m._initialize(np.empty((1, n_outputs)), _layer_units(m, X.shape[1], n_outputs), X.dtype)
    return m._random_state.get_state()


def _layer_units(m, n_features, n_outputs):
    sizes = m.hidden_layer_sizes
    return [n_features, *(list(sizes) if np.iterable(sizes) else [sizes]), n_outputs]


def _encoded_targets(m, y):
    """``y`` as the network trains on it: a column, or LabelBinarizer's indicator matrix.

    Boolean, as ``partial_fit`` makes it: each mini-batch copies an eighth
    of the bytes an integer matrix would take.
    """
    if isinstance(m, MLPRegressor):
        y = np.asarray(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y
    codes = np.searchsorted(m.classes_, y)
    if len(m.classes_) == 2:
        return (codes == 1).reshape(-1, 1)
    return np.eye(len(m.classes_), dtype=bool)[codes]


def _fast_pass(m, X, Y, sample_weight, seed, rng_state=None):
    """What ``partial_fit`` does on an existing network after validating its input.

    ``rng_state``, if given, is the state its generator resumes from instead
    of ``seed`` (the first pass after :func:`_initialize`).
    """
    m.random_state = seed
    if not isinstance(getattr(m, "_random_state", None), np.random.RandomState):
        m._random_state = np.random.RandomState()
    if rng_state is None:
        m._random_state.seed(seed)  # as RandomState(seed), 60x cheaper
    else:
        m._random_state.set_state(rng_state)
    units = _layer_units(m, X.shape[1], Y.shape[1])
    activations = [X] + [None] * (len(units) - 1)
    deltas = [None] * (len(units) - 1)
    coef_grads = [np.empty((a, b), dtype=X.dtype) for a, b in itertools.pairwise(units)]
    intercept_grads = [np.empty(b, dtype=X.dtype) for b in units[1:]]
    if not hasattr(m, "_optimizer"):
        m._optimizer = _new_optimizer(m)
    _epoch(m, X, Y, sample_weight, activations, deltas, coef_grads, intercept_grads)
    # (partial_fit would raise on non-finite weights here; the engine checks
    # the weights after every epoch.)
    return float(m.loss_)


def _new_optimizer(m):
    """The optimizer the solver creates at a network's first pass, from the model's settings."""
    params = m.coefs_ + m.intercepts_
    if m.solver == "sgd":
        return SGDOptimizer(
            params,
            m.learning_rate_init,
            m.learning_rate,
            m.momentum,
            m.nesterovs_momentum,
            m.power_t,
        )
    return AdamOptimizer(params, m.learning_rate_init, m.beta_1, m.beta_2, m.epsilon)


def _epoch(m, X, Y, sample_weight, activations, deltas, coef_grads, intercept_grads):
    """The solver's epoch (``_fit_stochastic`` for one ``partial_fit``), in its own steps.

    The same mini-batches in the same order, each through the network's
    ``_backprop`` and the optimizer's ``update_params``, and the same
    end-of-epoch bookkeeping; without the solver's per-call set-up and the
    input checks of its helpers on every mini-batch (``shuffle``,
    ``gen_batches``, ``_safe_indexing``), a sixth of an epoch on digits.
    ``check_fast_pass`` verifies that the result is the solver's, bit for
    bit, on the cases it covers. An exception (Ctrl-C included, which the
    solver would catch and only warn of) propagates: the engine then drops
    or rewinds the half-trained epoch.
    """
    n = X.shape[0]
    # The solver's own arithmetic, types included: np.clip makes an integer
    # batch size a NumPy integer, and a float32 batch loss times a NumPy
    # integer adds up in float64 (times a Python int, in float32).
    batch_size = min(AUTO_BATCH_SIZE, n) if m.batch_size == "auto" else np.clip(m.batch_size, 1, n)
    if m.shuffle:
        order = np.arange(n)
        m._random_state.shuffle(order)  # what sklearn.utils.shuffle draws
    params = m.coefs_ + m.intercepts_
    accumulated = 0.0
    start = 0
    while start < n:
        stop = min(start + batch_size, n)  # as gen_batches' slices
        rows = order[start:stop] if m.shuffle else slice(start, stop)
        X_batch = X[rows]
        activations[0] = X_batch
        sw = None if sample_weight is None else sample_weight[rows]
        loss, coef_grads, intercept_grads = m._backprop(
            X_batch, Y[rows], sw, activations, deltas, coef_grads, intercept_grads
        )
        accumulated += loss * (stop - start)
        m._optimizer.update_params(params, coef_grads + intercept_grads)
        start = stop
    m.n_iter_ = 1
    m.loss_ = accumulated / n
    m.t_ += n
    m.loss_curve_.append(m.loss_)
    m._update_no_improvement_count(False, None, None, None)
    m._optimizer.iteration_ends(m.t_)
    # (The solver would now stop on _no_improvement_count > n_iter_no_change,
    # which configure makes unreachable.)


_CHECK_LOCK = threading.Lock()


def _fast_pass_usable():
    """Whether a fast pass equals ``partial_fit`` here (checked once per process).

    The first check runs under a lock, so that threads starting at once do
    not run it side by side (it sets warning filters, which threads share).
    """
    if _checked_fast_pass.cache_info().currsize:
        return _checked_fast_pass()
    with _CHECK_LOCK:
        return _checked_fast_pass()


@functools.cache
def _checked_fast_pass():
    try:
        check_fast_pass()
    except Exception as exc:  # any drift of the private solver reads as incompatible
        reason = str(exc).rstrip(".")
        warn_user(f"{reason}. MLP epochs fall back to partial_fit (slower).", RuntimeWarning)
        return False
    return True


def check_fast_pass():
    """Raise unless a fast pass gives bit for bit what ``partial_fit`` gives.

    On tiny classification (binary and 3-class) and regression problems,
    with and without sample weights, for both solvers; with a short last
    mini-batch, the 'auto' and a clipped mini-batch, without shuffling, with
    two hidden layers, on sparse input and in float32. A Ctrl-C during the
    check stops it (and is not taken for a difference).
    """
    from scipy import sparse
    from sklearn.neural_network import MLPClassifier

    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    sw = rng.uniform(0.5, 2.0, 40)
    y_reg = X @ [1.0, -2.0, 0.5]
    binary, three = (X[:, 0] > 0).astype(int), np.arange(40) % 3
    cases = [
        (MLPClassifier, X, binary, {"classes": [0, 1]}, {}),
        (MLPClassifier, X, binary, {"classes": [0, 1]}, {"batch_size": "auto"}),
        (
            MLPClassifier,
            X,
            three,
            {"classes": [0, 1, 2]},
            {"shuffle": False, "hidden_layer_sizes": (5, 4)},
        ),
        (MLPRegressor, sparse.csr_matrix(X), y_reg, {}, {"nesterovs_momentum": False}),
        # float32 rows: with float32 targets, in one clipped mini-batch; with
        # float64 targets and weights, as the engine hands them over.
        (MLPRegressor, X.astype(np.float32), y_reg.astype(np.float32), {}, {"batch_size": 64}),
        (MLPRegressor, X.astype(np.float32), y_reg, {}, {}),
    ]
    for solver in ("sgd", "adam"):
        for i, (cls, X, y, kwargs, options) in enumerate(cases):
            options = {"hidden_layer_sizes": (5,), "batch_size": 16, **options}
            options["solver"] = solver
            base = cls(**options, random_state=0)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Got `batch_size`", UserWarning)
                # With and without sample weights, every other case.
                _compare_passes(cls, base, options, X, y, sw if i % 2 else None, kwargs)


def _compare_passes(cls, base, options, X, y, sw, kwargs):
    _partial_fit(base, X, y, **kwargs)
    slow, fast = copy.deepcopy(base), copy.deepcopy(base)
    slow.random_state = 7
    _partial_fit(slow, X, y, sample_weight=sw, **kwargs)
    _fast_pass(fast, X, _encoded_targets(fast, y), sw, 7)
    _require_same(slow, fast, f"a fast MLP pass differs from partial_fit ({cls.__name__}")
    # A network initialised in place, then two fast passes, against
    # two partial_fit passes from scratch.
    slow = cls(**options)
    fast = clone(slow)
    state = _initialize(fast, X, y, kwargs.get("classes"), 3)
    for seed in (3, 4):
        slow.random_state = seed
        _partial_fit(slow, X, y, sample_weight=sw, **kwargs)
        _fast_pass(fast, X, _encoded_targets(fast, y), sw, seed, state)
        state = None
    _require_same(slow, fast, f"a network initialised in place trains differently ({cls.__name__}")


def _require_same(slow, fast, what):
    """Raise unless two networks have the same state: every attribute, optimizer included."""
    if not _same_state(vars(slow), vars(fast)):
        raise RuntimeError(f"scikit-learn {sklearn.__version__}: {what}, solver={slow.solver!r}).")


def _same_state(a, b):
    if isinstance(a, np.random.RandomState):
        return isinstance(b, np.random.RandomState) and _same_state(a.get_state(), b.get_state())
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_state(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(_same_state, a, b))
    if hasattr(a, "__dict__"):
        return _same_state(vars(a), vars(b))
    return a == b or (a != a and b != b)


def _objective(m, X, y, sample_weight):
    """The loss plus L2 penalty of network ``m`` at its current weights.

    The network's own definition, normalised by the number (or total weight)
    of the rows given (its running ``loss_`` divides the penalty by each
    mini-batch's size instead).
    """
    output = m._forward_pass_fast(X, check_input=False)
    if isinstance(m, MLPRegressor):
        target = np.asarray(y, dtype=float).reshape(output.shape)
        loss = LOSS_FUNCTIONS[m.loss](target, output, sample_weight)
    else:
        loss = _log_loss_of_labels(m, output, y, sample_weight)
    norm = X.shape[0] if sample_weight is None else sample_weight.sum()
    squares = sum(float(np.dot(w.ravel(), w.ravel())) for w in m.coefs_)
    return float(loss + 0.5 * m.alpha * squares / norm)


def _log_loss_of_labels(m, output, y, sample_weight):
    """The network's log loss for class labels ``y``, without one-hot targets.

    With one-hot targets each row's cross-entropy is the log of the (clipped)
    probability of its own class, the only term that is not zero; reading it
    directly skips the targets' one-hot matrix and the zero terms.
    """
    codes = np.searchsorted(m.classes_, y)
    eps = np.finfo(output.dtype).eps
    np.clip(output, eps, 1 - eps, out=output)
    if m.out_activation_ == "logistic":
        p = output[:, 0]
        own = np.where(codes == 1, p, 1 - p)
    else:
        own = output[np.arange(output.shape[0]), codes]
    return -np.average(np.log(own), weights=sample_weight)


@functools.cache
def check_lr_hook():
    """Raise unless setting the optimizer's live rate changes the next update.

    Runs once per process on a tiny network: at rate 0 a ``partial_fit`` must
    leave the weights unchanged, at a positive rate it must move them.
    """
    rng = np.random.RandomState(0)
    X, y = rng.randn(20, 3), rng.randn(20)
    for solver in ("sgd", "adam"):
        # No momentum: a velocity carried from the first call would move the
        # weights even at rate 0.
        net = MLPRegressor(hidden_layer_sizes=(4,), solver=solver, momentum=0.0, random_state=0)
        _partial_fit(net, X, y)
        optimizer = net._optimizer
        name = _LIVE_LR.get(type(optimizer))
        frozen = _moved_after(net, optimizer, name, 0.0, X, y)
        moved = _moved_after(net, optimizer, name, 0.1, X, y)
        if name is None or frozen or not moved:
            raise RuntimeError(
                f"scikit-learn {sklearn.__version__} changed how MLP's {solver!r} "
                "optimizer stores its learning rate; sklr cannot schedule it. "
                "Install a scikit-learn version in the supported range (>=1.9,<1.10)."
            )
    return True


def _moved_after(net, optimizer, name, lr, X, y):
    if name is None or not hasattr(optimizer, name):
        return False
    before = [w.copy() for w in net.coefs_]
    setattr(optimizer, name, lr)
    _partial_fit(net, X, y)
    return any(not np.array_equal(a, b) for a, b in zip(before, net.coefs_, strict=True))
