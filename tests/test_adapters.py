"""The private scikit-learn hooks the adapters rely on, and the objective they report."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from sklr._adapters import _mlp, _sgd, _sgd_kernel, adapter_class
from sklr._adapters._sgd import SGDAdapter
from sklr._adapters._sgd_kernel import SGDKernel, check_kernel_compatible


def test_kernel_matches_partial_fit_on_this_scikit_learn():
    check_kernel_compatible()


def test_kernel_check_fails_when_the_kernel_drifts(monkeypatch):
    original = SGDKernel._run

    def drifted(self, coef, intercept, avg_coef, avg_intercept, dataset, mask, lr, weights):
        return original(
            self, coef, intercept, avg_coef, avg_intercept, dataset, mask, lr * 1.01, weights
        )

    monkeypatch.setattr(SGDKernel, "_run", drifted)
    with pytest.raises(RuntimeError, match="differs from partial_fit"):
        check_kernel_compatible()


@pytest.fixture
def fresh_kernel_checks():
    """The once-per-process kernel checks, run afresh in the test and after it."""
    caches = (_sgd._kernel_usable, _sgd_kernel._ensure_compatible)
    for cache in caches:
        cache.cache_clear()
    yield
    for cache in caches:
        cache.cache_clear()


def test_kernel_outside_the_pinned_range_is_used_when_it_checks_out(
    monkeypatch, fresh_kernel_checks
):
    import sklearn

    from sklr import LRTunedSGDClassifier

    monkeypatch.setattr(sklearn, "__version__", "1.99.0")
    with pytest.raises(RuntimeError, match="verified for scikit-learn"):
        check_kernel_compatible()  # the pin itself still holds
    X, y = make_classification(60, 4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback warning
        est = LRTunedSGDClassifier(max_iter=2, random_state=0).fit(X, y)
    assert _sgd._kernel_usable()
    assert est.n_iter_ == 2


def test_mlp_lr_hook_holds_on_this_scikit_learn():
    _mlp.check_lr_hook.cache_clear()
    assert _mlp.check_lr_hook()


@pytest.mark.parametrize("optimizer", [SGDOptimizer, AdamOptimizer])
def test_mlp_lr_hook_check_fails_when_the_rate_moves(monkeypatch, optimizer):
    # Pretend scikit-learn renamed the live rate: setting the old name no longer
    # changes the update, and the check must say so instead of freezing the LR.
    monkeypatch.setitem(_mlp._LIVE_LR, optimizer, "renamed_attribute")
    _mlp.check_lr_hook.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="stores its learning rate"):
            _mlp.check_lr_hook()
    finally:
        _mlp.check_lr_hook.cache_clear()


@pytest.mark.parametrize("nesterovs_momentum", [True, False])
def test_an_mlp_epoch_at_rate_zero_keeps_the_network_and_its_momentum(nesterovs_momentum):
    """Without shuffling, an epoch at rate 0 in the middle changes nothing at all."""
    from sklr import LRTunedMLPRegressor
    from sklr.schedules import PiecewiseConstant

    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = X @ [1.0, -2.0, 0.5]

    def fit(boundaries, factors):
        return LRTunedMLPRegressor(
            hidden_layer_sizes=(4,),
            solver="sgd",
            momentum=0.9,
            nesterovs_momentum=nesterovs_momentum,
            lr=0.01,
            schedule=PiecewiseConstant(boundaries=boundaries, factors=factors),
            max_iter=len(factors),
            batch_size=50,
            shuffle=False,
            random_state=0,
        ).fit(X, y)

    paused = fit([1, 2], [1.0, 0.0, 1.0])
    straight = fit([1], [1.0, 1.0])
    assert paused.lr_curve_.tolist() == [0.01, 0.0, 0.01]
    for a, b in zip(paused.coefs_, straight.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_mlp_fast_pass_matches_partial_fit_on_this_scikit_learn():
    _mlp.check_fast_pass()


def test_mlp_fast_pass_check_fails_when_partial_fit_drifts(monkeypatch):
    # Pretend a scikit-learn release makes the first partial_fit set up one more
    # piece of state: the network initialised in place would lack it.
    from sklearn.neural_network import MLPClassifier

    original = MLPClassifier.partial_fit

    def drifted(self, *args, **kwargs):
        self._new_state = 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MLPClassifier, "partial_fit", drifted)
    with pytest.raises(RuntimeError, match="differs from partial_fit|trains differently"):
        _mlp.check_fast_pass()


def test_mlp_fast_pass_check_fails_when_the_solver_epoch_drifts(monkeypatch):
    # Pretend a scikit-learn release changes the solver's epoch (here: its
    # sample counter): the fast pass, which runs the epoch in its own steps,
    # no longer equals partial_fit, and the check must say so.
    from sklearn.neural_network import MLPClassifier

    original = MLPClassifier._fit_stochastic

    def drifted(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.t_ += 1

    monkeypatch.setattr(MLPClassifier, "_fit_stochastic", drifted)
    with pytest.raises(RuntimeError, match="differs from partial_fit"):
        _mlp.check_fast_pass()


@pytest.mark.parametrize(
    "solver, shuffle, sparse_input",
    [("sgd", True, False), ("adam", True, False), ("adam", False, False), ("sgd", True, True)],
)
def test_mlp_without_the_fast_pass_trains_the_same_through_partial_fit(
    monkeypatch, solver, shuffle, sparse_input
):
    from scipy import sparse

    from sklr import LRTunedMLPClassifier

    X, y = make_classification(120, 5, n_informative=3, n_classes=3, random_state=0)
    if sparse_input:
        X = sparse.csr_matrix(X)

    def make():
        return LRTunedMLPClassifier(
            hidden_layer_sizes=(6,),
            solver=solver,
            lr=0.01,
            schedule="cosine",
            max_iter=4,
            batch_size=32,
            shuffle=shuffle,
            random_state=0,
        )

    assert _mlp._fast_pass_usable()
    fast = make().fit(X, y)
    monkeypatch.setattr(_mlp, "_fast_pass_usable", lambda: False)
    slow = make().fit(X, y)
    pairs = zip([*fast.coefs_, *fast.intercepts_], [*slow.coefs_, *slow.intercepts_], strict=True)
    for a, b in pairs:
        assert np.array_equal(a, b)
    assert np.array_equal(fast.loss_curve_, slow.loss_curve_)


@pytest.mark.parametrize("step_every", ["epoch", "batch"])
def test_mlp_fast_pass_adds_up_a_float32_loss_as_the_solver_does(monkeypatch, step_every):
    # The solver's running loss of a float32 network with an integer
    # mini-batch size adds up in float64; the fast pass must do the same.
    from sklr import LRTunedMLPRegressor

    rng = np.random.RandomState(0)
    X = rng.randn(100, 4).astype(np.float32)
    y = (X @ [1.0, -2.0, 0.5, 0.0]).astype(np.float32)

    def fit():
        return LRTunedMLPRegressor(
            hidden_layer_sizes=(5,),
            batch_size=32,
            max_iter=2,
            step_every=step_every,
            random_state=0,
        ).fit(X, y)

    assert _mlp._fast_pass_usable()
    fast = fit()
    monkeypatch.setattr(_mlp, "_fast_pass_usable", lambda: False)
    slow = fit()
    assert fast.loss_curve_.tolist() == slow.loss_curve_.tolist()
    assert type(fast.loss_) is type(slow.loss_)
    for a, b in zip(fast.coefs_, slow.coefs_, strict=True):
        assert np.array_equal(a, b)


@pytest.mark.filterwarnings("ignore:Training interrupted by user")  # the solver's own
@pytest.mark.parametrize("fast", [True, False])
def test_ctrl_c_in_an_mlp_epoch_stops_the_fit(monkeypatch, fast):
    # scikit-learn's solver catches KeyboardInterrupt and only warns; in sklr
    # it stops the fit on either path, and a stream call leaves the stream
    # as it was.
    from sklearn.neural_network import MLPClassifier

    from sklr import LRTunedMLPClassifier

    X, y = make_classification(60, 5, n_informative=3, random_state=0)
    assert _mlp._fast_pass_usable()
    if not fast:
        monkeypatch.setattr(_mlp, "_fast_pass_usable", lambda: False)
    est = LRTunedMLPClassifier(hidden_layer_sizes=(4,), batch_size=16, max_iter=3, random_state=0)
    est.partial_fit(X, y, classes=[0, 1])
    original, calls = MLPClassifier._backprop, []

    def interrupted(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 6:  # in the middle of the second epoch (4 batches each)
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MLPClassifier, "_backprop", interrupted)
    est.partial_fit(X, y)
    before = [w.copy() for w in est.coefs_]
    with pytest.raises(KeyboardInterrupt):
        est.partial_fit(X, y)
    assert est.n_iter_ == 2
    for a, b in zip(before, est.coefs_, strict=True):
        assert np.array_equal(a, b)
    calls.clear()
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


@pytest.mark.filterwarnings("ignore:Training interrupted by user")
def test_ctrl_c_during_the_fast_pass_check_stops_it_and_is_not_a_difference(monkeypatch):
    from sklearn.neural_network import MLPClassifier

    original = MLPClassifier._backprop

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    _mlp._checked_fast_pass.cache_clear()
    monkeypatch.setattr(MLPClassifier, "_backprop", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _mlp._fast_pass_usable()
    monkeypatch.setattr(MLPClassifier, "_backprop", original)
    assert _mlp._fast_pass_usable()  # checked afresh, not taken as a failure


@pytest.mark.parametrize("fast", [True, False])
def test_a_clipped_mlp_batch_is_warned_of_once(monkeypatch, fast):
    import warnings

    from sklr import LRTunedMLPClassifier

    X, y = make_classification(60, 5, n_informative=3, random_state=0)
    if not fast:
        monkeypatch.setattr(_mlp, "_fast_pass_usable", lambda: False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LRTunedMLPClassifier(hidden_layer_sizes=(4,), batch_size=500, max_iter=4).fit(X, y)
    assert [str(w.message)[:30] for w in caught] == ["batch_size (500) is larger tha"]


@pytest.mark.parametrize("n_classes", [2, 3])
def test_mlp_fast_pass_trains_on_the_networks_own_target_encoding(n_classes):
    from sklearn.neural_network import MLPClassifier

    rng = np.random.RandomState(0)
    y = np.array(["a", "b", "c"][:n_classes] * 10)
    X = rng.randn(len(y), 3)
    net = MLPClassifier(hidden_layer_sizes=(4,)).partial_fit(X, y, classes=np.unique(y))
    own = net._label_binarizer.transform(y).astype(bool)  # what partial_fit trains on
    encoded = _mlp._encoded_targets(net, y)
    assert encoded.dtype == own.dtype
    np.testing.assert_array_equal(encoded, own)


def test_setting_the_mlp_rate_changes_the_update():
    rng = np.random.RandomState(0)
    X, y = rng.randn(50, 3), rng.randn(50)
    net = MLPRegressor(hidden_layer_sizes=(4,), solver="adam", random_state=0)
    adapter = adapter_class(net)(net, shuffle=False)
    adapter.set_lr(0.01)
    adapter.partial_fit(X, y, None, None, seed=0)
    before = [w.copy() for w in net.coefs_]
    adapter.set_lr(0.0)
    adapter.partial_fit(X, y, None, None, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.coefs_, strict=True))


@pytest.mark.parametrize("loss", sorted(_sgd.LOSSES))
def test_sgd_objective_matches_scikit_learn_loss_objects(loss):
    """Each vectorised loss equals the per-sample loss of scikit-learn's compiled classes."""
    X, y = make_classification(60, 4, random_state=0)
    regression = loss in {
        "squared_error",
        "huber",
        "epsilon_insensitive",
        "squared_epsilon_insensitive",
    }
    model = (SGDRegressor if regression else SGDClassifier)(loss=loss, penalty=None)
    kwargs = {} if regression else {"classes": [0, 1]}
    model.partial_fit(X, y.astype(float) if regression else y, **kwargs)
    adapter = SGDAdapter(model, shuffle=False)
    target = y.astype(float) if regression else np.where(y == 1, 1.0, -1.0)
    p = X @ model.coef_.ravel() + model.intercept_[0]
    loss_obj = model._get_loss_function(loss)
    if hasattr(loss_obj, "py_loss"):
        per_sample = [loss_obj.py_loss(pi, yi) for pi, yi in zip(p, target, strict=True)]
    else:  # scikit-learn's common loss classes, written out by their definitions
        r = np.abs(p - target)
        per_sample = {
            "log_loss": np.log1p(np.exp(-target * p)),
            "squared_error": 0.5 * r**2,
            "huber": np.where(r <= 0.1, 0.5 * r**2, 0.1 * (r - 0.05)),
        }[loss]
    expected = np.mean(per_sample)
    assert adapter.objective(X, y, None) == pytest.approx(expected, rel=1e-10)


def test_sgd_objective_includes_the_penalty():
    X, y = make_classification(60, 4, random_state=0)
    model = SGDClassifier(loss="hinge", penalty="l2", alpha=0.5).partial_fit(X, y, [0, 1])
    no_penalty = SGDClassifier(loss="hinge", penalty=None)
    no_penalty.__dict__.update({k: v for k, v in vars(model).items() if k.endswith("_")})
    gap = SGDAdapter(model, shuffle=False).objective(X, y, None) - SGDAdapter(
        no_penalty, shuffle=False
    ).objective(X, y, None)
    assert gap == pytest.approx(0.5 * 0.5 * np.sum(model.coef_**2))


def test_averaged_sgd_is_judged_at_its_iterate_and_raced_at_its_average():
    """With averaging, coef_ shows the average: the divergence checks and
    loss_curve_ watch SGD's iterate, lr='auto' ranks rates by the model that predicts."""
    X, y = make_classification(200, 4, random_state=0)
    model = SGDClassifier(average=True, eta0=0.1, learning_rate="constant")
    model.partial_fit(X, y, classes=[0, 1]).partial_fit(X, y)

    def plain(coef, intercept):
        """The objective of a model without averaging at these weights."""
        twin = SGDClassifier().set_params(**{**model.get_params(), "average": False})
        twin.__dict__.update({k: v for k, v in vars(model).items() if k.endswith("_")})
        twin.coef_, twin.intercept_ = coef.reshape(1, -1), np.atleast_1d(intercept)
        return SGDAdapter(twin, shuffle=False).objective(X, y, None)

    at_iterate = plain(model._standard_coef, model._standard_intercept)
    at_average = plain(model.coef_, model.intercept_)
    assert at_iterate != pytest.approx(at_average)  # the average lags
    adapter = SGDAdapter(model, shuffle=False)
    assert adapter.objective(X, y, None) == pytest.approx(at_iterate, rel=1e-12)
    assert adapter.prediction_objective(X, y, None) == pytest.approx(at_average, rel=1e-12)


def test_unsupported_model_names_the_supported_ones():
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(TypeError, match="SGDClassifier, SGDRegressor, MLPClassifier"):
        adapter_class(LogisticRegression())


def test_snapshot_restore_keeps_aliases():
    """With averaging active, a multiclass SGD model's intercept_ is its averaging buffer.

    A restored snapshot keeps that, so the next epoch equals one without the
    round trip.
    """
    rng = np.random.RandomState(0)
    X, y = rng.randn(100, 5), rng.randint(0, 3, 100)
    results = []
    for round_trip in (False, True):
        model = SGDClassifier(average=1, random_state=0)
        adapter = SGDAdapter(model, shuffle=True)
        adapter.set_lr(0.01)
        adapter.train_epoch(X, y, None, np.unique(y), 1)
        if round_trip:
            adapter.restore(adapter.snapshot())
        adapter.train_epoch(X, y, None, np.unique(y), 2)
        results.append(model.intercept_.copy())
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_snapshot_of_an_mlp_is_independent_of_later_training(solver):
    """The optimizer's moments and velocities are copied, not shared, by a snapshot.

    Two epochs after restoring a snapshot equal the same two epochs taken
    without the detour, whatever training happened in between.
    """
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 4), rng.randn(60)
    runs = []
    for detour in (False, True):
        net = MLPRegressor(hidden_layer_sizes=(5,), solver=solver, batch_size=20, random_state=0)
        adapter = adapter_class(net)(net, shuffle=True)
        adapter.set_lr(0.01)
        adapter.train_epoch(X, y, None, None, 1)
        state = adapter.snapshot()
        if detour:
            adapter.set_lr(0.5)
            adapter.train_epoch(X, y, None, None, 5)
            adapter.restore(state)
            adapter.set_lr(0.01)
        for seed in (2, 3):
            adapter.train_epoch(X, y, None, None, seed)
        runs.append([*net.coefs_, *net.intercepts_])
    for a, b in zip(*runs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_plain_copy_keeps_shared_arrays_shared():
    """An object whose attributes share an array is deep-copied as deepcopy would."""
    from sklr._adapters._base import _freeze

    class Holder:
        pass

    holder = Holder()
    holder.a = holder.b = np.zeros(3)
    holder.rate = 0.1
    twin = _freeze(holder)
    assert twin.a is twin.b and twin.a is not holder.a
    plain = Holder()
    plain.moments, plain.rate = [np.ones(2), np.ones(3)], 0.5
    twin = _freeze(plain)
    assert twin.rate == 0.5 and all(
        t is not m and np.array_equal(t, m)
        for t, m in zip(twin.moments, plain.moments, strict=True)
    )


def test_sgd_objective_weights_each_one_vs_rest_problem():
    """Class and sample weights enter each binary problem as scikit-learn applies them.

    In problem ``k`` the rows of class ``k`` carry its class weight and the
    others weight 1, times the sample weight; the objective is the mean over
    the problems of (weighted mean hinge loss + alpha R(w)). Unit class
    weights give the plain mean.
    """
    rng = np.random.RandomState(0)
    X, y = rng.randn(90, 4), np.arange(90) % 3
    sw = rng.uniform(0.5, 2.0, 90)
    class_weight = {0: 2.0, 1: 0.5, 2: 1.0}
    model = SGDClassifier(
        loss="hinge", penalty="elasticnet", alpha=0.1, l1_ratio=0.3, class_weight=class_weight
    ).partial_fit(X, y, classes=[0, 1, 2], sample_weight=sw)

    def by_hand(class_weight, sample_weight):
        terms = []
        for k, coef in enumerate(model.coef_):
            target = np.where(y == k, 1.0, -1.0)
            hinge = np.maximum(0.0, 1.0 - target * (X @ coef + model.intercept_[k]))
            weight = np.where(y == k, class_weight[k], 1.0) * sample_weight
            penalty = 0.1 * (0.3 * np.abs(coef).sum() + 0.7 * 0.5 * coef @ coef)
            terms.append(np.sum(weight * hinge) / np.sum(weight) + penalty)
        return np.mean(terms)

    adapter = SGDAdapter(model, shuffle=False)
    assert adapter.objective(X, y, sw) == pytest.approx(by_hand(class_weight, sw), rel=1e-12)
    model.class_weight, model._expanded_class_weight = None, np.ones(3)
    unweighted = SGDAdapter(model, shuffle=False).objective(X, y, None)
    assert unweighted == pytest.approx(by_hand([1.0] * 3, np.ones(90)), rel=1e-12)


def test_per_batch_steps_leave_the_networks_mini_batch_as_given():
    from sklr import LRTunedMLPClassifier

    X, y = make_classification(70, 5, n_informative=3, random_state=0)
    est = LRTunedMLPClassifier(
        hidden_layer_sizes=(4,), batch_size=32, step_every="batch", max_iter=2, random_state=0
    ).fit(X, y)
    assert est.estimator_.batch_size == 32  # not the last, short batch's 6


# -- the canonical row order ---------------------------------------------------


@pytest.mark.parametrize("scale", [1e-300, 1e-3, 1.0, 1e300])
def test_radix_argsort_sorts_floats_as_argsort_does(scale):
    rng = np.random.RandomState(0)
    keys = rng.standard_normal(5000) * scale
    keys[:6] = [0.0, -0.0, np.inf, -np.inf, 5e-324, -5e-324]
    order = _sgd._argsort_floats(keys)
    assert sorted(order.tolist()) == list(range(len(keys)))
    np.testing.assert_array_equal(keys[order], np.sort(keys))


def test_radix_argsort_keeps_equal_keys_in_the_order_given():
    keys = np.array([2.0, 1.0, 2.0, -1.0, 1.0, 2.0])
    np.testing.assert_array_equal(_sgd._argsort_floats(keys), [3, 1, 4, 0, 2, 5])


@pytest.mark.parametrize("sparse", [False, "matrix", "array"], ids=["dense", "csr", "csr_array"])
@pytest.mark.parametrize(
    "case", ["repeated rows", "coinciding projections", "overflowing projections"]
)
def test_canonical_order_does_not_depend_on_the_order_given(case, sparse, monkeypatch):
    import scipy.sparse as sp

    rng = np.random.RandomState(0)
    X = rng.standard_normal((300, 4))
    if case == "repeated rows":  # equal keys
        X = np.round(X, 1)
        X[100:110] = X[:10]
    elif case == "coinciding projections":  # equal keys of distinct rows, and repeats
        X = rng.randint(0, 3, (300, 4)).astype(float)
        monkeypatch.setattr(_sgd, "_projection", lambda n: np.array([1.0, 1.0, 0.0, 0.0]))
    else:  # two keys of nan (inf - inf), which compare unequal
        X[200:202] = [[1.5e308, 0, 0, -1e308], [1.5e308, 1, 0, -1e308]]
    y = rng.randint(0, 3, 300)
    reversed_rows = np.arange(300)[::-1]

    def rows_in_canonical_order(rows):
        make = {"matrix": sp.csr_matrix, "array": sp.csr_array}.get(sparse, np.asarray)
        data = make(X[rows])
        out, target, _ = _sgd.frequency_rows(data, y[rows], None, np.arange(3))
        return (out.toarray() if sparse else out), target

    expected = rows_in_canonical_order(np.arange(300))
    got = rows_in_canonical_order(reversed_rows)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_the_memory_check_counts_the_stored_values_of_the_rows_repeated():
    """Sparse rows differ in size: a heavy weight on a light row needs little room."""
    import scipy.sparse as sp

    dense_rows = sp.csr_matrix(np.ones((10, 100_000)))
    light_rows = sp.eye(990, 100_000, k=10, format="csr")
    X = sp.vstack([dense_rows, light_rows]).tocsr()
    heavy_light, heavy_dense = np.ones(1000, int), np.ones(1000, int)
    heavy_light[500], heavy_dense[0] = 10**6, 10**4
    rows = np.arange(1000)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_sgd, "_physical_memory", lambda: 2**30)
        _sgd._check_room_for_visits(X, rows, heavy_light)  # about 30 MB
        with pytest.raises(ValueError, match="more than this machine's"):
            _sgd._check_room_for_visits(X, rows, heavy_dense)  # about 12 GB


@pytest.mark.parametrize("kind", ["csr_matrix", "csr_array"])
def test_sparse_rows_of_one_projection_go_by_their_stored_columns_only(kind, monkeypatch):
    """Distinct sparse rows sharing a key are ordered by value without densifying all columns."""
    import scipy.sparse as sp

    make = getattr(sp, kind)
    n_features = 2**20
    base = sp.random(1, n_features, density=1e-4, random_state=0, format="csr")
    base.data[:] = 1e6
    extra = base.tolil()
    extra[0, 7] = 1e-12  # lost in the projection: the same key, a different row
    rows = sp.vstack([base] * 50 + [extra.tocsr()] + [base] * 50).tocsr()
    y = np.r_[np.zeros(50), 1, np.ones(50)]
    widest = []  # columns of every dense copy made while ordering
    for cls in (sp.csr_matrix, sp.csr_array):
        toarray = cls.toarray

        def counting_toarray(self, *args, toarray=toarray, **kwargs):
            widest.append(self.shape[1])
            return toarray(self, *args, **kwargs)

        monkeypatch.setattr(cls, "toarray", counting_toarray)
    got = []
    for given in (np.arange(101), np.arange(101)[::-1]):
        out, target, _ = _sgd.frequency_rows(make(rows[given]), y[given], None, np.arange(2))
        got.append((out, target))
    assert widest and max(widest) < 1000  # the group's stored columns, not 2**20
    monkeypatch.undo()
    first, second = (sp.csr_matrix(out)[:, 7].toarray() for out, _ in got)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(got[0][1], got[1][1])


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
def test_rows_whose_projections_overflow_go_by_their_values(sparse):
    import scipy.sparse as sp

    X = np.array([[1e308, 1e308, 0.0], [1e308, 1e308, 1.0], [0.0, 0.0, 1.0]])
    y = np.zeros(3)
    outs = []
    for given in ([0, 1, 2], [1, 0, 2], [2, 1, 0]):
        data = sp.csr_matrix(X[given]) if sparse else X[given]
        out, _, _ = _sgd.frequency_rows(data, y[given], None, np.arange(1))
        outs.append(out.toarray() if sparse else out)
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(outs[0], outs[2])


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_regression_targets_of_tied_rows_keep_every_row(dtype):
    """Integer targets of any sign order ties as float ones do (targets are not class indices)."""
    X = np.array([[1.0, 0.0], [1.0, 1e-20]] * 2 + [[2.0, 0.0]] * 3)
    y = np.array([5, 5, 5, 5, -10, -10, -10], dtype=dtype)
    for given in (np.arange(7), np.arange(7)[::-1]):
        out, target, _ = _sgd.frequency_rows(X[given], y[given], None, None)
        assert sorted(target.tolist()) == sorted(y.tolist())
        np.testing.assert_array_equal(target, _sgd.frequency_rows(X, y.astype(float), None)[1])
        np.testing.assert_array_equal(out, _sgd.frequency_rows(X, y.astype(float), None)[0])
