"""Behaviour of the public estimators.

What is checked here: the recorded ``lr_curve_`` is the planned sequence and
really is the rate the wrapped model used; estimators work in pipelines and
(joblib-parallel, successive-halving) searches, clone and pickle, and never
touch the schedule objects they are given; a fixed ``random_state`` gives
bit-for-bit identical fits; ``partial_fit`` streams continue one fit (across
pickling and past the horizon); early stopping, weights, sparse input,
multi-output targets and ``verbose``.
"""

import pickle
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone, is_classifier
from sklearn.datasets import make_classification, make_regression
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, scale
from sklearn.utils import check_random_state, compute_class_weight, gen_batches

import sklr
from sklr import (
    LRTuned,
    LRTunedMLPClassifier,
    LRTunedMLPRegressor,
    LRTunedSGDClassifier,
    LRTunedSGDRegressor,
)
from sklr._adapters import adapter_class
from sklr._engine import split_validation
from sklr.schedules import (
    CosineDecay,
    CosineWarmRestarts,
    OneCycle,
    PiecewiseConstant,
    StepDecay,
    Warmup,
)

N = 120  # rows; divisible by the batch size 30 used throughout
BATCH = 30
X_CLF, Y_CLF = make_classification(
    n_samples=N, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X_CLF = scale(X_CLF)
_X_REG, _Y_REG = make_regression(n_samples=N, n_features=6, noise=10.0, random_state=0)
X_REG, Y_REG = scale(_X_REG), scale(_Y_REG)
X_BIN, Y_BIN = make_classification(
    n_samples=N, n_features=6, n_informative=4, weights=[0.8], random_state=1
)
X_BIN = scale(X_BIN)

# Every public estimator, small enough to fit in milliseconds.
ESTIMATORS = {
    "sgd-clf": lambda **kw: LRTunedSGDClassifier(**kw),
    "sgd-reg": lambda **kw: LRTunedSGDRegressor(**kw),
    "mlp-clf": lambda **kw: LRTunedMLPClassifier(hidden_layer_sizes=(8,), **kw),
    "mlp-reg": lambda **kw: LRTunedMLPRegressor(hidden_layer_sizes=(8,), **kw),
    "lrtuned-sgd-clf": lambda **kw: LRTuned(SGDClassifier(), **kw),
    "lrtuned-sgd-reg": lambda **kw: LRTuned(SGDRegressor(), **kw),
    "lrtuned-mlp-clf": lambda **kw: LRTuned(MLPClassifier(hidden_layer_sizes=(8,)), **kw),
    "lrtuned-mlp-reg": lambda **kw: LRTuned(MLPRegressor(hidden_layer_sizes=(8,)), **kw),
}
STEP_MODES = {"epoch": {}, "batch": {"step_every": "batch", "batch_size": BATCH}}


def data_for(est):
    return (X_CLF, Y_CLF) if is_classifier(est) else (X_REG, Y_REG)


def first_call_kwargs(est, y):
    return {"classes": np.unique(y)} if is_classifier(est) else {}


def weights(est):
    """All learned parameters of the (wrapped) model, as one fresh flat array."""
    model = getattr(est, "estimator_", est)
    if hasattr(model, "coefs_"):
        parts = [*model.coefs_, *model.intercepts_]
    else:
        parts = [model.coef_, model.intercept_]
    return np.concatenate([np.ravel(p) for p in parts])


def steps_per_epoch(est, n=N):
    return -(-n // est.batch_size) if est.step_every == "batch" else 1


def stream(est, X, y, n_calls, *, snapshot_after=(), **kwargs):
    """Call partial_fit ``n_calls`` times on the same data; weights after chosen calls."""
    snapshots = {}
    for call in range(1, n_calls + 1):
        extra = first_call_kwargs(est, y) if call == 1 else {}
        est.partial_fit(X, y, **extra, **kwargs)
        if call in snapshot_after:
            snapshots[call] = weights(est)
    return snapshots


def state_of(schedule):
    """Everything a schedule object holds, to detect any mutation."""
    return pickle.dumps(schedule), repr(schedule.get_params(deep=True))


# -- the recorded rate is the planned rate ---------------------------------------

SCHEDULES = {
    "constant": "constant",
    "cosine-alias": "cosine",
    "onecycle": OneCycle(),
    "step": StepDecay(step_size=3, gamma=0.5),
    "warmup-cosine": Warmup(CosineDecay(), warmup_steps=3),
    "restarts": CosineWarmRestarts(period=4),
}


@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize("schedule", SCHEDULES.values(), ids=SCHEDULES)
@pytest.mark.parametrize("name", ESTIMATORS)
def test_lr_curve_equals_simulate(name, schedule, mode):
    est = ESTIMATORS[name](lr=0.05, schedule=schedule, max_iter=8, random_state=0)
    est.set_params(**STEP_MODES[mode])
    X, y = data_for(est)
    est.fit(X, y)
    spe = steps_per_epoch(est)
    assert est.n_iter_ == 8
    assert est.t_ == 8 * spe
    assert len(est.loss_curve_) == 8
    assert np.array_equal(est.lr_curve_, sklr.simulate(schedule, est.t_, lr=0.05))


@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize("name", ESTIMATORS)
def test_default_fit_runs_exactly_max_iter_epochs(name, mode):
    est = ESTIMATORS[name]().set_params(**STEP_MODES[mode])
    assert 10 <= est.max_iter <= 100  # a plannable number of epochs, not 1000
    X, y = data_for(est)
    est.fit(X, y)
    assert est.n_iter_ == est.max_iter
    assert est.t_ == est.max_iter * steps_per_epoch(est)
    assert len(est.lr_curve_) == est.t_
    assert len(est.loss_curve_) == est.n_iter_
    assert np.all(np.isfinite(est.loss_curve_))
    # No held-out rows: no validation scores (None for the MLPs, as they keep it).
    assert getattr(est, "validation_scores_", None) is None
    assert est.lr_events_ == []


@pytest.mark.filterwarnings("ignore:This partial_fit call goes past")
@pytest.mark.parametrize("name", ESTIMATORS)
def test_fit_equals_a_stream_of_partial_fit_calls(name):
    for mode in STEP_MODES.values():
        params = dict(lr=0.02, schedule="cosine", max_iter=5, random_state=3, **mode)
        fitted = ESTIMATORS[name](**params)
        X, y = data_for(fitted)
        fitted.fit(X, y)
        streamed = ESTIMATORS[name](**params)
        stream(streamed, X, y, 5)
        assert np.array_equal(weights(fitted), weights(streamed))
        assert np.array_equal(fitted.lr_curve_, streamed.lr_curve_)
        assert np.array_equal(fitted.loss_curve_, streamed.loss_curve_)
        assert (fitted.n_iter_, fitted.t_) == (streamed.n_iter_, streamed.t_)


@pytest.mark.filterwarnings("ignore:This partial_fit call goes past")
@pytest.mark.parametrize("name", ESTIMATORS)
def test_fit_starts_over_after_partial_fit(name):
    est = ESTIMATORS[name](lr=0.02, schedule="cosine", max_iter=4, random_state=0)
    X, y = data_for(est)
    first = weights(est.fit(X, y))
    est.partial_fit(X, y)
    est.partial_fit(X, y)
    assert (est.n_iter_, est.t_, len(est.lr_curve_)) == (6, 6, 6)
    est.fit(X, y)
    assert (est.n_iter_, est.t_, len(est.lr_curve_)) == (4, 4, 4)
    assert np.array_equal(weights(est), first)


# -- searches, pipelines, clone, pickle --------------------------------------------


def test_grid_search_over_lr_and_schedule_objects_in_parallel():
    schedules = ["constant", CosineDecay(), OneCycle()]
    before = [state_of(s) for s in schedules[1:]]
    pipe = make_pipeline(StandardScaler(), LRTunedSGDClassifier(max_iter=6, random_state=0))
    grid = {
        "lrtunedsgdclassifier__lr": [0.01, 0.1],
        "lrtunedsgdclassifier__schedule": schedules,
    }
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=2, error_score="raise").fit(X_CLF, Y_CLF)
    assert len(search.cv_results_["params"]) == 6
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_[-1]
    assert np.array_equal(best.lr_curve_, sklr.simulate(best.schedule, 6, lr=best.lr))
    assert [state_of(s) for s in schedules[1:]] == before


def test_grid_search_over_a_nested_schedule_parameter():
    step = StepDecay(step_size=2)
    before = state_of(step)
    pipe = make_pipeline(
        StandardScaler(), LRTunedSGDClassifier(schedule=step, max_iter=6, random_state=0)
    )
    grid = {"lrtunedsgdclassifier__schedule__gamma": [0.1, 0.5]}
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=2, error_score="raise").fit(X_CLF, Y_CLF)
    gamma = search.best_params_["lrtunedsgdclassifier__schedule__gamma"]
    best = search.best_estimator_[-1]
    expected = sklr.simulate(StepDecay(step_size=2, gamma=gamma), 6, lr=best.lr)
    assert np.array_equal(best.lr_curve_, expected)
    assert pipe[-1].schedule is step
    assert state_of(step) == before


def test_grid_search_over_a_list_of_grids_with_different_schedule_parameters():
    step, cosine = StepDecay(step_size=2), CosineDecay()
    before = [state_of(step), state_of(cosine)]
    pipe = make_pipeline(StandardScaler(), LRTunedSGDClassifier(max_iter=6, random_state=0))
    key = "lrtunedsgdclassifier__schedule"
    grid = [
        {key: [step], f"{key}__gamma": [0.1, 0.5]},
        {key: [cosine], f"{key}__min_factor": [0.0, 0.2]},
        {key: ["constant"], "lrtunedsgdclassifier__lr": [0.001, 0.01]},
    ]
    # n_jobs=1: mutation of the grid's objects would be visible in this process.
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=1, error_score="raise").fit(X_CLF, Y_CLF)
    assert len(search.cv_results_["params"]) == 6
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert [state_of(step), state_of(cosine)] == before
    # In parallel, the same scores.
    parallel = GridSearchCV(pipe, grid, cv=3, n_jobs=2, error_score="raise").fit(X_CLF, Y_CLF)
    scores = [s.cv_results_["mean_test_score"] for s in (search, parallel)]
    assert np.array_equal(*scores)
    for params in search.cv_results_["params"]:
        est = clone(pipe).set_params(**clone(params, safe=False)).fit(X_CLF, Y_CLF)[-1]
        assert np.array_equal(est.lr_curve_, sklr.simulate(est.schedule, 6, lr=est.lr))


def test_halving_search_with_max_iter_as_resource():
    est = LRTunedSGDClassifier(random_state=0)
    grid = {"lr": [0.001, 0.01, 0.1], "schedule": ["constant", "cosine", OneCycle()]}
    search = HalvingGridSearchCV(
        est,
        grid,
        resource="max_iter",
        min_resources=2,
        max_resources=18,
        factor=3,
        cv=3,
        random_state=0,
        error_score="raise",
    ).fit(X_CLF, Y_CLF)
    assert list(search.n_resources_) == [2, 6, 18]
    best = search.best_estimator_
    assert best.max_iter == best.n_iter_ == 18
    assert np.array_equal(best.lr_curve_, sklr.simulate(best.schedule, 18, lr=best.lr))


def test_cross_validate_pipeline():
    pipe = make_pipeline(
        StandardScaler(), LRTuned(SGDClassifier(loss="log_loss"), schedule="onecycle", max_iter=8)
    )
    result = cross_validate(pipe, X_CLF, Y_CLF, cv=3, return_estimator=True)
    assert np.all(result["test_score"] > 0.5)
    for fitted in result["estimator"]:
        assert np.array_equal(fitted[-1].lr_curve_, sklr.simulate("onecycle", 8, lr=0.01))


def test_lrtuned_says_which_settings_of_the_wrapped_model_it_replaces():
    inner = SGDClassifier(learning_rate="adaptive", eta0=0.5, early_stopping=True, random_state=3)
    with pytest.warns(UserWarning, match=r"early_stopping=True, eta0=0\.5, .*random_state=3"):
        LRTuned(inner, max_iter=2).fit(X_CLF, Y_CLF)
    # Once per call, pointing at it, also when lr='auto' races clones.
    for call in [
        lambda est: est.fit(X_CLF, Y_CLF),
        lambda est: est.set_params(lr="auto").fit(X_CLF, Y_CLF),
        lambda est: est.partial_fit(X_CLF, Y_CLF, classes=np.unique(Y_CLF)),
    ]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call(LRTuned(SGDClassifier(eta0=3.0), max_iter=2))
        assert [w.filename for w in caught] == [__file__]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LRTuned(SGDClassifier(alpha=1e-3), max_iter=2).fit(X_CLF, Y_CLF)  # none replaced
        # The same value as LRTuned's own has the effect asked for.
        LRTuned(SGDClassifier(random_state=3), random_state=3, max_iter=2).fit(X_CLF, Y_CLF)
        sklr.lr_find(LRTuned(SGDClassifier(eta0=3.0)), X_CLF, Y_CLF)  # the sweep sets rates


@pytest.mark.parametrize("name", ESTIMATORS)
def test_clone_keeps_params_and_drops_fit(name):
    schedule = Warmup(CosineDecay(min_factor=0.1), warmup_steps=2)
    est = ESTIMATORS[name](lr=0.03, schedule=schedule, max_iter=5, random_state=0)
    X, y = data_for(est)
    est.fit(X, y)
    copy = clone(est)
    assert repr(copy.get_params(deep=True)) == repr(est.get_params(deep=True))
    assert copy.schedule is not schedule
    assert not hasattr(copy, "lr_curve_") and not hasattr(copy, "estimator_")
    copy.fit(X, y)
    assert np.array_equal(weights(copy), weights(est))


@pytest.mark.parametrize("name", ESTIMATORS)
def test_pickled_fitted_model_predicts_identically(name):
    est = ESTIMATORS[name](lr=0.03, schedule="cosine", max_iter=5, random_state=0)
    X, y = data_for(est)
    est.fit(X, y)
    loaded = pickle.loads(pickle.dumps(est))
    assert np.array_equal(loaded.predict(X), est.predict(X))
    for method in ("predict_proba", "decision_function"):
        if hasattr(est, method):
            assert np.array_equal(getattr(loaded, method)(X), getattr(est, method)(X))
    assert np.array_equal(loaded.lr_curve_, est.lr_curve_)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_fit_leaves_the_schedule_object_alone(name):
    schedule = Warmup(CosineDecay(min_factor=0.1), warmup_steps=2)
    before = state_of(schedule)
    est = ESTIMATORS[name](schedule=schedule, max_iter=5, random_state=0)
    X, y = data_for(est)
    est.fit(X, y)
    stream(est, X, y, 7)  # past the horizon too
    assert est.schedule is schedule
    assert state_of(schedule) == before


# -- reproducibility ----------------------------------------------------------------


@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize("name", ESTIMATORS)
def test_same_random_state_same_fit_bit_for_bit(name, mode):
    make = ESTIMATORS[name]
    params = dict(lr=0.05, schedule="onecycle", max_iter=5, **STEP_MODES[mode])
    a = make(random_state=7, **params)
    X, y = data_for(a)
    a.fit(X, y)
    b = make(random_state=7, **params).fit(X, y)
    assert np.array_equal(a.lr_curve_, b.lr_curve_)
    assert np.array_equal(weights(a), weights(b))
    c = make(random_state=8, **params).fit(X, y)  # shuffled in another order
    assert not np.array_equal(weights(a), weights(c))


@pytest.mark.parametrize(
    "make",
    [
        lambda: LRTunedSGDClassifier(schedule="cosine", max_iter=6, random_state=0),
        lambda: LRTunedMLPClassifier((8,), batch_size=20, max_iter=6, random_state=0),
    ],
    ids=["sgd", "mlp"],
)
def test_same_fits_under_joblib_workers(make):
    results = [
        cross_validate(make(), X_CLF, Y_CLF, cv=3, n_jobs=n_jobs, return_estimator=True)
        for n_jobs in (1, 2)
    ]
    for serial, parallel in zip(*(r["estimator"] for r in results), strict=True):
        assert np.array_equal(serial.lr_curve_, parallel.lr_curve_)
        assert np.array_equal(weights(serial), weights(parallel))


SHUFFLED = {
    "sgd-clf": lambda: LRTunedSGDClassifier(lr=0.01, max_iter=6, random_state=0),
    "sgd-reg": lambda: LRTunedSGDRegressor(lr=0.01, max_iter=6, random_state=0),
    "mlp-clf": lambda: LRTunedMLPClassifier(
        (8,), lr=0.01, batch_size=20, max_iter=6, random_state=0
    ),
}


@pytest.mark.parametrize("name", SHUFFLED)
def test_each_epoch_is_shuffled_in_a_new_order(monkeypatch, name):
    """An int random_state must not replay epoch 1's order every epoch.

    scikit-learn's own ``partial_fit`` with an int ``random_state`` shuffles
    every call the same way. Here the seed the engine hands the adapter for
    each epoch is recorded: the seeds differ, and forcing the first one on
    every epoch (the same order each epoch) changes the result. For the MLP,
    plain scikit-learn replays the fit bit for bit from the recorded seeds.
    """
    tuned = SHUFFLED[name]()
    adapter = adapter_class(tuned._make_model())
    original = adapter.train_epoch
    seeds = []

    def record(self, X, y, sample_weight, classes, seed):
        seeds.append(seed)
        return original(self, X, y, sample_weight, classes, seed)

    def repeat_first(self, X, y, sample_weight, classes, seed):
        return original(self, X, y, sample_weight, classes, seeds[0])

    X, y = data_for(tuned)
    monkeypatch.setattr(adapter, "train_epoch", record)
    tuned.fit(X, y)
    assert len(seeds) == 6
    assert len(set(seeds)) == 6
    monkeypatch.setattr(adapter, "train_epoch", repeat_first)
    same_order = SHUFFLED[name]().fit(X, y)
    monkeypatch.undo()
    assert np.array_equal(same_order.lr_curve_, tuned.lr_curve_)
    assert not np.allclose(weights(same_order), weights(tuned), rtol=0, atol=1e-6)
    if isinstance(tuned.estimator_, MLPClassifier):
        raw = MLPClassifier((8,), learning_rate_init=0.01, batch_size=20, max_iter=1)
        for seed in seeds:
            raw.set_params(random_state=seed).partial_fit(X, y, classes=np.unique(y))
        assert np.array_equal(weights(raw), weights(tuned))


# -- partial_fit streams --------------------------------------------------------------

STREAMS = {
    "sgd-clf": lambda: LRTunedSGDClassifier(schedule="cosine", max_iter=8, random_state=0),
    "sgd-reg-batch": lambda: LRTunedSGDRegressor(
        schedule="onecycle", max_iter=8, step_every="batch", batch_size=BATCH, random_state=0
    ),
    "lrtuned-sgd-clf-batch": lambda: LRTuned(
        SGDClassifier(average=True),
        schedule="cosine",
        max_iter=8,
        step_every="batch",
        batch_size=BATCH,
        random_state=0,
    ),
    "mlp-clf-sgd": lambda: LRTunedMLPClassifier(
        (8,), solver="sgd", lr=0.05, batch_size=BATCH, schedule="cosine", max_iter=8
    ),
    "mlp-clf-adam-batch": lambda: LRTunedMLPClassifier(
        (8,), schedule="onecycle", max_iter=8, step_every="batch", batch_size=BATCH
    ),
    "lrtuned-mlp-reg-adam": lambda: LRTuned(
        MLPRegressor(hidden_layer_sizes=(8,), batch_size=BATCH),
        schedule="cosine",
        max_iter=8,
        random_state=1,
    ),
}


@pytest.mark.parametrize("name", STREAMS)
def test_partial_fit_stream_survives_a_pickle_round_trip(name):
    whole = STREAMS[name]()
    if whole.random_state is None:
        whole.set_params(random_state=4)
    X, y = data_for(whole)
    split = clone(whole)
    stream(whole, X, y, 6)
    stream(split, X, y, 3)
    split = pickle.loads(pickle.dumps(split))
    for _ in range(3):
        split.partial_fit(X, y)
    assert np.array_equal(weights(split), weights(whole))
    assert np.array_equal(split.lr_curve_, whole.lr_curve_)
    assert np.array_equal(split.loss_curve_, whole.loss_curve_)
    expected = (6, 6 * steps_per_epoch(whole))
    assert (split.n_iter_, split.t_) == (whole.n_iter_, whole.t_) == expected
    assert np.array_equal(split.predict(X), whole.predict(X))


@pytest.mark.filterwarnings("ignore:This partial_fit call goes past")  # one-cycle's end
@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize("name", ["sgd-clf", "mlp-reg", "lrtuned-sgd-reg"])
def test_partial_fit_past_the_horizon(name, mode):
    X, y = data_for(ESTIMATORS[name]())
    for schedule, floor in [(CosineDecay(min_factor=0.1), 0.1), (OneCycle(), None)]:
        est = ESTIMATORS[name](lr=0.05, schedule=schedule, max_iter=4, random_state=0)
        est.set_params(**STEP_MODES[mode])
        snaps = stream(est, X, y, 7, snapshot_after=(6, 7))
        spe = steps_per_epoch(est)
        horizon = 4 * spe
        assert (est.n_iter_, est.t_) == (7, 7 * spe)
        assert len(est.lr_curve_) == est.t_
        assert np.array_equal(est.lr_curve_[:horizon], sklr.simulate(schedule, horizon, lr=0.05))
        after = est.lr_curve_[horizon:]
        assert np.all(after == after[0])  # holds its value
        if floor is None:  # one-cycle holds its final rate
            assert after[0] == est.lr_curve_[horizon - 1]
        else:  # cosine holds its floor
            assert after[0] == pytest.approx(0.05 * floor, rel=1e-12)
        assert not np.array_equal(snaps[6], snaps[7])  # still training
    # A schedule that is not horizon-relative simply continues.
    est = ESTIMATORS[name](lr=0.05, schedule=StepDecay(step_size=3, gamma=0.5), max_iter=4)
    est.set_params(random_state=0, **STEP_MODES[mode])
    stream(est, X, y, 7)
    step = StepDecay(step_size=3, gamma=0.5)
    assert np.array_equal(est.lr_curve_, sklr.simulate(step, est.t_, lr=0.05))


@pytest.mark.parametrize(
    "name, change",
    [
        ("sgd-clf", {"lr": 0.001}),
        ("sgd-clf", {"alpha": 10.0}),
        ("sgd-clf", {"lr": -1.0}),  # not silently accepted either
        ("mlp-reg", {"schedule": "cosine"}),
        ("lrtuned-sgd-reg", {"estimator__alpha": 1.0}),
        ("lrtuned-sgd-reg", {"max_iter": 7}),
    ],
)
def test_changing_parameters_in_the_middle_of_a_stream_is_an_error(name, change):
    """set_params between partial_fit calls cannot silently be ignored."""
    est = ESTIMATORS[name](schedule=CosineDecay(), random_state=0)
    X, y = data_for(est)
    stream(est, X, y, 2)
    before = weights(est)
    original = {k: v for k, v in est.get_params().items() if k in change}
    est.set_params(**change)
    with pytest.raises(ValueError, match=f"changed since .* {next(iter(change)).split('__')[0]}"):
        est.partial_fit(X, y)
    assert np.array_equal(weights(est), before)
    est.set_params(**original)  # set back, the stream goes on
    est.partial_fit(X, y)
    assert est.t_ == 3 * steps_per_epoch(est)
    # A nested schedule parameter is a change too; verbose is read at every call.
    est.set_params(verbose=0)
    est.partial_fit(X, y)
    est.set_params(schedule__min_factor=0.5)
    with pytest.raises(ValueError, match="schedule"):
        est.partial_fit(X, y)


@pytest.mark.parametrize("mode", STEP_MODES)
def test_a_stream_is_warned_once_when_it_outlives_a_schedule_that_ends_near_zero(mode):
    X, y = data_for(ESTIMATORS["sgd-clf"]())
    for schedule, warns in [("cosine", True), (OneCycle(), True), ("constant", False)]:
        est = ESTIMATORS["sgd-clf"](lr=0.05, schedule=schedule, max_iter=3, random_state=0)
        est.set_params(**STEP_MODES[mode])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            stream(est, X, y, 6)
        messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
        assert len(messages) == int(warns), messages
        if warns:
            assert "planned over (max_iter)" in messages[0]
            assert caught[0].filename == __file__  # points at the partial_fit call
    # It comes before the call trains: as an error, it leaves the stream as it was.
    est = ESTIMATORS["sgd-clf"](lr=0.05, schedule="cosine", max_iter=3, random_state=0)
    est.set_params(**STEP_MODES[mode])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stream(est, X, y, 3)  # exactly the plan
        t = est.t_
        with pytest.raises(UserWarning, match="goes past the"):
            est.partial_fit(X, y)
    assert est.t_ == t


# -- early stopping --------------------------------------------------------------------

EARLY = {
    "sgd-clf": lambda **kw: LRTunedSGDClassifier(lr=0.5, **kw),
    "mlp-clf": lambda **kw: LRTunedMLPClassifier((8,), lr=0.05, **kw),
    "lrtuned-mlp-clf-batch": lambda **kw: LRTuned(
        MLPClassifier((8,)), lr=0.05, step_every="batch", batch_size=BATCH, **kw
    ),
}
X_NOISY, Y_NOISY = make_classification(
    n_samples=300, n_features=10, n_informative=4, flip_y=0.2, random_state=0
)
X_NOISY = scale(X_NOISY)


@pytest.mark.parametrize("name", EARLY)
def test_validation_scores_recorded_every_epoch(name):
    est = EARLY[name](early_stopping=True, n_iter_no_change=50, max_iter=6, random_state=0)
    est.fit(X_NOISY, Y_NOISY)
    assert est.n_iter_ == 6
    assert len(est.validation_scores_) == est.n_iter_
    assert np.all((est.validation_scores_ >= 0) & (est.validation_scores_ <= 1))
    assert "early_stop" not in [e["kind"] for e in est.lr_events_]


@pytest.mark.parametrize("name", EARLY)
def test_early_stopping_counts_stale_epochs_as_scikit_learn(name, monkeypatch):
    """Stale: a score below the best plus tol (a tie is not); SGD stops after
    n_iter_no_change stale epochs in a row, an MLP after one more."""
    from sklr._adapters._base import Adapter

    scores = iter([0.5, 0.6, 0.6, 0.6, 0.55, 0.55, 0.55, 0.55, 0.55, 0.55])
    monkeypatch.setattr(Adapter, "score", lambda self, X, y, sample_weight=None: next(scores))
    est = EARLY[name](early_stopping=True, n_iter_no_change=2, tol=0.0, max_iter=10)
    est.set_params(random_state=0).fit(X_NOISY, Y_NOISY)
    mlp = isinstance(est._make_model(), MLPClassifier)
    # Epochs 3 and 4 tie with the best: not stale. 5, 6 (and 7) are.
    assert est.n_iter_ == (7 if mlp else 6)
    stop = [e for e in est.lr_events_ if e["kind"] == "early_stop"]
    assert len(stop) == 1 and stop[0]["detail"].endswith(f"for {3 if mlp else 2} epochs in a row")


@pytest.mark.parametrize("name", EARLY)
@pytest.mark.filterwarnings(  # lr=0.5 on noisy labels: SGD may end worse than at zero
    "ignore:Training ended at a training objective:sklearn.exceptions.ConvergenceWarning"
)
def test_tol_none_never_stops_early_but_restores_the_best_epoch(name):
    # As scikit-learn's tol=None: no stopping criterion; the grid a user keeps
    # from SGDClassifier(tol=None) works unchanged.
    kw = dict(early_stopping=True, n_iter_no_change=1, max_iter=8, random_state=0)
    est = EARLY[name](tol=None, **kw).fit(X_NOISY, Y_NOISY)
    kinds = [e["kind"] for e in est.lr_events_]
    assert len(est.validation_scores_) == 8
    assert "early_stop" not in kinds
    if np.argmax(est.validation_scores_) != 7:
        assert kinds == ["restore_best"]
    assert EARLY[name](tol=1.0, **kw).fit(X_NOISY, Y_NOISY).n_iter_ < 8
    EARLY[name](tol=None, max_iter=2).fit(X_NOISY, Y_NOISY)  # no early stopping: unused


@pytest.mark.parametrize("name", EARLY)
def test_early_stopping_on_a_plateau(name):
    # No accuracy can improve by tol=1, so every epoch after the first is stale.
    est = EARLY[name](
        schedule="cosine",
        early_stopping=True,
        n_iter_no_change=3,
        tol=1.0,
        max_iter=30,
        random_state=0,
    ).fit(X_NOISY, Y_NOISY)
    # scikit-learn's MLPs wait one stale epoch more than its SGD models
    mlp = isinstance(est._make_model(), MLPClassifier)
    assert est.n_iter_ == 1 + (4 if mlp else 3)
    assert len(est.validation_scores_) == est.n_iter_
    stops = [e for e in est.lr_events_ if e["kind"] == "early_stop"]
    assert len(stops) == 1 and stops[0]["epoch"] == est.n_iter_
    # The plan stays the one over max_iter epochs, cut where training stopped.
    spe = steps_per_epoch(est, n=270)
    planned = sklr.simulate("cosine", 30 * spe, lr=est.lr)
    assert np.array_equal(est.lr_curve_, planned[: est.t_])


@pytest.mark.parametrize("name", EARLY)
def test_restore_best_brings_back_the_best_epoch(name):
    # random_state=2: a fit whose last epoch is not its best, for every model.
    params = dict(early_stopping=True, n_iter_no_change=3, tol=0.0, max_iter=40, random_state=2)
    best = EARLY[name](restore_best=True, **params).fit(X_NOISY, Y_NOISY)
    last = EARLY[name](restore_best=False, **params).fit(X_NOISY, Y_NOISY)
    scores = best.validation_scores_
    assert np.array_equal(scores, last.validation_scores_)
    assert scores[-1] < scores.max(), "precondition: the last epoch is not the best"
    best_epoch = int(np.argmax(scores)) + 1
    kinds = [e["kind"] for e in best.lr_events_]
    assert kinds == ["early_stop", "restore_best"]
    assert best.lr_events_[-1]["metric"] == scores.max()
    assert [e["kind"] for e in last.lr_events_] == ["early_stop"]
    assert not np.array_equal(best.predict(X_NOISY), last.predict(X_NOISY))
    # Scored on the held-out rows, the restored model has the best score.
    rows = adapter_class(best._make_model()).training_data(X_NOISY, Y_NOISY, None, [0, 1])
    _, (X_val, y_val, _) = split_validation(
        *rows, fraction=0.1, stratify=True, rng=check_random_state(2)
    )
    assert best.score(X_val, y_val) == scores.max()
    assert last.score(X_val, y_val) == scores[-1]
    # And it is exactly the model after best_epoch epochs.
    short = EARLY[name](restore_best=False, **{**params, "max_iter": best_epoch})
    short.fit(X_NOISY, Y_NOISY)
    assert np.array_equal(weights(best), weights(short))


# -- weights, sparse input, multi-output ------------------------------------------------

WEIGHTED = {
    "sgd-clf": lambda **kw: LRTunedSGDClassifier(max_iter=10, **kw),
    "sgd-clf-batch": lambda **kw: LRTunedSGDClassifier(
        max_iter=10, step_every="batch", batch_size=BATCH, **kw
    ),
    "mlp-clf": lambda **kw: LRTunedMLPClassifier((8,), max_iter=30, **kw),
    "lrtuned-mlp-clf-batch": lambda **kw: LRTuned(
        MLPClassifier((8,)), max_iter=30, step_every="batch", batch_size=BATCH, **kw
    ),
}


@pytest.mark.parametrize("name", WEIGHTED)
def test_sample_weight_reaches_the_model(name):
    plain = WEIGHTED[name](random_state=0).fit(X_BIN, Y_BIN)
    ones = WEIGHTED[name](random_state=0).fit(X_BIN, Y_BIN, sample_weight=np.ones(N))
    assert np.array_equal(weights(plain), weights(ones))
    heavy = np.where(Y_BIN == 1, 20.0, 1.0)
    tilted = WEIGHTED[name](random_state=0).fit(X_BIN, Y_BIN, sample_weight=heavy)
    assert tilted.predict(X_BIN).sum() > plain.predict(X_BIN).sum()


SGD_MODELS = {
    "sgd-clf": lambda **kw: LRTunedSGDClassifier(max_iter=5, random_state=0, **kw),
    "sgd-reg": lambda **kw: LRTunedSGDRegressor(max_iter=5, random_state=0, **kw),
    "lrtuned-sgd-clf": lambda **kw: LRTuned(SGDClassifier(), max_iter=5, random_state=0, **kw),
}


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize("name", SGD_MODELS)
def test_sgd_integer_weight_is_repetition(name, mode, sparse):
    """A weight of k trains exactly as k copies of the row, in any row order."""
    est = SGD_MODELS[name](**STEP_MODES[mode])
    X, y = data_for(est)
    sw = np.random.RandomState(0).randint(0, 4, size=N)
    repeated = np.repeat(np.arange(N), sw)
    shuffled = np.random.RandomState(1).permutation(N)
    if sparse:
        X = sp.csr_matrix(np.where(np.abs(X) < 0.3, 0.0, X))
    by_weight = clone(est).fit(X[shuffled], y[shuffled], sample_weight=sw[shuffled])
    by_copies = clone(est).fit(X[repeated], y[repeated])
    assert by_weight.t_ == by_copies.t_
    np.testing.assert_array_equal(weights(by_weight), weights(by_copies))


@pytest.mark.parametrize(
    "make",
    [
        lambda size: LRTunedMLPClassifier((4,), batch_size=size, max_iter=3, random_state=0),
        lambda size: LRTuned(MLPClassifier((4,), batch_size=size), max_iter=3, random_state=0),
    ],
    ids=["named", "lrtuned"],
)
def test_mlp_mini_batches_larger_than_the_data_are_clipped_once(make):
    """As scikit-learn's MLP clips them, with one warning for the fit (not one per epoch)."""
    X, y = X_CLF[:100], Y_CLF[:100]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clipped = make(256).fit(X, y)
    assert [str(w.message) for w in caught] == [
        "batch_size (256) is larger than the number of training samples (100); the "
        "network's mini-batches are clipped to 100, as scikit-learn's MLP does."
    ]
    assert caught[0].filename == __file__
    np.testing.assert_array_equal(weights(clipped), weights(make(100).fit(X, y)))


@pytest.mark.parametrize("name", ["mlp-clf", "mlp-reg", "lrtuned-mlp-clf"])
def test_mlp_estimators_expose_loss_and_best_loss_as_the_networks_do(name):
    est = ESTIMATORS[name](max_iter=4, random_state=0)
    est.fit(*data_for(est))
    assert est.loss_ == est.loss_curve_[-1]
    assert est.best_loss_ == est.loss_curve_.min()
    # Without held-out rows the validation records are None, as the networks keep them.
    assert est.validation_scores_ is None and est.best_validation_score_ is None


@pytest.mark.parametrize("name", ["mlp-clf", "mlp-reg", "lrtuned-mlp-clf"])
def test_mlp_estimators_keep_validation_records_as_the_networks_do(name):
    """With early stopping: best_validation_score_ (a common idiom), best_loss_ None."""
    est = ESTIMATORS[name](max_iter=6, early_stopping=True, random_state=0)
    est.fit(*data_for(est))
    assert est.best_validation_score_ == max(est.validation_scores_)
    assert est.best_loss_ is None
    # The network itself ran without its own early stopping, and can go on as such.
    X, y = data_for(est)
    est.estimator_.partial_fit(X, y)


@pytest.mark.parametrize(
    "make",
    [
        lambda: LRTunedSGDClassifier(penalty="l1", alpha=0.05, max_iter=5, random_state=0),
        lambda: LRTuned(SGDRegressor(penalty="l1", alpha=0.05), max_iter=5, random_state=0),
    ],
    ids=["named", "lrtuned"],
)
def test_sgd_sparsify_and_densify_as_the_wrapped_model(make):
    est = make()
    X, y = data_for(est)
    est.fit(X, y)
    dense = est.predict(X)
    assert sp.issparse(est.sparsify().coef_)
    np.testing.assert_allclose(est.predict(X), dense, rtol=1e-12)
    with pytest.raises(ValueError, match=r"call densify\(\) before partial_fit"):
        est.partial_fit(X, y)
    assert isinstance(est.densify().coef_, np.ndarray)
    est.partial_fit(X, y)
    assert est.n_iter_ == 6
    assert not hasattr(LRTunedMLPClassifier(), "sparsify")


def test_mlp_fits_when_many_rows_weigh_zero():
    """The loss rows (at most 500 of more rows) are drawn from the rows that weigh.

    Drawn from all rows, every other row weighing 0 could give loss rows of no
    weight at all, and a loss of 0/0, for some seeds.
    """
    rng = np.random.RandomState(0)
    X = rng.randn(1000, 4)
    y = (X[:, 0] > 0).astype(int)
    sw = np.tile([1.0, 0.0], 500)
    for seed in range(6):
        est = LRTunedMLPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=seed)
        est.fit(X, y, sample_weight=sw)
        assert np.all(np.isfinite(est.loss_curve_)) and est.lr_events_ == []


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_sgd_fit_does_not_depend_on_the_row_order_with_fractional_weights(class_weight):
    """Bit for bit, also when 'balanced' sums the weights of each class."""
    rng = np.random.RandomState(0)
    X = rng.randn(300, 4)
    y = (X[:, 0] + 0.5 * rng.randn(300) > 0.3).astype(int)
    sw = rng.uniform(0.1, 3.0, 300)
    rows = rng.permutation(300)
    est = LRTunedSGDClassifier(max_iter=4, random_state=3, class_weight=class_weight)
    given = clone(est).fit(X, y, sample_weight=sw)
    permuted = clone(est).fit(X[rows], y[rows], sample_weight=sw[rows])
    np.testing.assert_array_equal(weights(given), weights(permuted))


def test_sgd_weights_that_multiply_the_epoch_are_warned_of():
    """A weight of k is k visits, held in memory: weights in the thousands cost that much."""
    est = LRTunedSGDClassifier(max_iter=2, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clone(est).fit(X_BIN, Y_BIN, sample_weight=np.full(len(Y_BIN), 50.0))
    assert len(caught) == 1 and "an epoch 50 times as long" in str(caught[0].message)
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clone(est).fit(X_BIN, Y_BIN, sample_weight=np.full(len(Y_BIN), 10.0))


@pytest.mark.parametrize("name", SGD_MODELS)
def test_sgd_fractional_weight_is_copies_and_a_scaled_visit(name):
    """A weight of 2.5 is two full visits of the row and one at half weight.

    Without shuffling, the visits of a row follow each other in that order.
    """
    est = SGD_MODELS[name](shuffle=False)
    X, y = data_for(est)
    sw = np.where(np.arange(N) % 3 == 0, 2.5, 1.0)
    rows = np.repeat(np.arange(N), np.where(sw > 1, 3, 1))
    visit_weight = np.ones(rows.shape[0])
    visit_weight[np.flatnonzero(np.diff(np.r_[rows, -1]) != 0)[sw[np.unique(rows)] > 1]] = 0.5
    by_weight = clone(est).fit(X, y, sample_weight=sw)
    by_visits = clone(est).fit(X[rows], y[rows], sample_weight=visit_weight)
    np.testing.assert_array_equal(weights(by_weight), weights(by_visits))


@pytest.mark.parametrize("mode", STEP_MODES)
def test_sgd_without_shuffle_keeps_the_given_order(mode):
    """shuffle=False visits the rows as given: reversing them changes the fit."""
    est = LRTunedSGDClassifier(max_iter=3, shuffle=False, random_state=0, **STEP_MODES[mode])
    forward = clone(est).fit(X_BIN, Y_BIN)
    backward = clone(est).fit(X_BIN[::-1], Y_BIN[::-1])
    assert not np.allclose(weights(forward), weights(backward))
    shuffled = LRTunedSGDClassifier(max_iter=3, random_state=0, **STEP_MODES[mode])
    a = clone(shuffled).fit(X_BIN, Y_BIN)
    b = clone(shuffled).fit(X_BIN[::-1], Y_BIN[::-1])
    np.testing.assert_array_equal(weights(a), weights(b))


@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: LRTunedSGDClassifier(max_iter=6, random_state=0, **kw),
        lambda **kw: LRTuned(SGDClassifier(**kw), max_iter=6, random_state=0),
    ],
    ids=["named", "lrtuned"],
)
def test_class_weight(make, mode):
    keep = np.sort(np.r_[np.flatnonzero(Y_CLF != 2), np.flatnonzero(Y_CLF == 2)[:6]])
    X, y = X_CLF[keep], Y_CLF[keep]  # class 2 is rare
    batch = STEP_MODES[mode]
    balanced = make(class_weight="balanced").set_params(**batch).fit(X, y)
    resolved = compute_class_weight("balanced", classes=np.unique(y), y=y)
    as_dict = dict(zip(np.unique(y), resolved, strict=True))
    explicit = make(class_weight=as_dict).set_params(**batch).fit(X, y)
    unweighted = make().set_params(**batch).fit(X, y)
    assert np.array_equal(weights(balanced), weights(explicit))
    assert not np.allclose(weights(balanced), weights(unweighted))
    # Binary: a class weight scales the step as the same per-sample weight
    # does, up to 1 (larger sample weights count as repetitions).
    by_class = make(class_weight={0: 1.0, 1: 0.2}).set_params(**batch).fit(X_BIN, Y_BIN)
    by_sample = make().set_params(**batch)
    by_sample.fit(X_BIN, Y_BIN, sample_weight=np.where(Y_BIN == 1, 0.2, 1.0))
    assert np.array_equal(weights(by_class), weights(by_sample))


@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize("name", ESTIMATORS)
def test_sparse_input(name, mode):
    est = ESTIMATORS[name](lr=0.05, schedule="cosine", max_iter=6, random_state=0)
    est.set_params(**STEP_MODES[mode])
    X, y = data_for(est)
    X_sparse = sp.csr_matrix(np.where(np.abs(X) < 0.3, 0.0, X))
    est.fit(X_sparse, y)
    assert est.predict(X_sparse).shape == (N,)
    assert np.array_equal(est.lr_curve_, sklr.simulate("cosine", est.t_, lr=0.05))
    assert est.score(X_sparse, y) > (0.5 if is_classifier(est) else 0.3)
    if isinstance(est.estimator_, MLPClassifier | MLPRegressor):
        dense = clone(est).fit(X_sparse.toarray(), y)
        np.testing.assert_allclose(weights(est), weights(dense), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda: LRTunedMLPRegressor(hidden_layer_sizes=(16,), lr=0.02, max_iter=60),
        lambda: LRTuned(MLPRegressor(hidden_layer_sizes=(16,)), lr=0.02, max_iter=60),
        lambda: LRTunedMLPRegressor(
            hidden_layer_sizes=(16,), lr=0.02, max_iter=60, step_every="batch", batch_size=BATCH
        ),
    ],
    ids=["named", "lrtuned", "named-batch"],
)
def test_multi_output_mlp_regressor(make):
    X, Y = make_regression(n_samples=N, n_features=5, n_targets=2, noise=1.0, random_state=0)
    X, Y = scale(X), scale(Y)
    est = make().set_params(random_state=0).fit(X, Y)
    assert est.predict(X).shape == (N, 2)
    assert est.n_outputs_ == 2
    assert est.score(X, Y) > 0.8
    streamed = make().set_params(random_state=0)
    stream(streamed, X, Y, 3)
    assert streamed.predict(X).shape == (N, 2)


# -- verbose --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sgd-clf", "mlp-reg", "lrtuned-mlp-clf"])
def test_verbose_prints_one_line_per_epoch(name, capsys):
    est = ESTIMATORS[name](lr=0.05, schedule="cosine", max_iter=4, verbose=1, random_state=0)
    X, y = data_for(est)
    est.fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    number = r"([-+0-9.eE]+|inf|nan)"
    for epoch, line in enumerate(lines, start=1):
        match = re.search(rf"epoch {epoch}\b.*lr {number}.*loss {number}", line)
        assert match, line
        assert float(match[1]) == pytest.approx(est.lr_curve_[epoch - 1], rel=1e-3)
        assert float(match[2]) == pytest.approx(est.loss_curve_[epoch - 1], rel=1e-4)


def test_verbose_zero_prints_nothing(capsys):
    LRTunedMLPClassifier((8,), max_iter=3, random_state=0).fit(X_CLF, Y_CLF)
    assert capsys.readouterr().out == ""


# -- the recorded rate is the rate the model used ---------------------------------------

ADAPTERS = {
    "sgd-clf": lambda **kw: LRTunedSGDClassifier(lr=0.01, **kw),
    "sgd-reg": lambda **kw: LRTunedSGDRegressor(lr=0.01, **kw),
    "sgd-clf-batch": lambda **kw: LRTunedSGDClassifier(
        lr=0.01, step_every="batch", batch_size=BATCH, **kw
    ),
    "lrtuned-sgd-reg-batch": lambda **kw: LRTuned(
        SGDRegressor(), lr=0.01, step_every="batch", batch_size=BATCH, **kw
    ),
    # solver='sgd' with its default momentum=0.9
    "mlp-clf-sgd": lambda **kw: LRTunedMLPClassifier((8,), solver="sgd", lr=0.05, **kw),
    "mlp-clf-sgd-no-momentum": lambda **kw: LRTunedMLPClassifier(
        (8,), solver="sgd", momentum=0.0, lr=0.05, **kw
    ),
    "mlp-clf-adam": lambda **kw: LRTunedMLPClassifier((8,), solver="adam", lr=0.01, **kw),
    "mlp-reg-sgd-no-momentum": lambda **kw: LRTunedMLPRegressor(
        hidden_layer_sizes=(8,), solver="sgd", momentum=0.0, lr=0.01, **kw
    ),
    "mlp-reg-adam": lambda **kw: LRTunedMLPRegressor(
        hidden_layer_sizes=(8,), solver="adam", lr=0.01, **kw
    ),
    "lrtuned-mlp-clf-sgd-batch": lambda **kw: LRTuned(
        MLPClassifier((8,), solver="sgd"), lr=0.05, step_every="batch", batch_size=BATCH, **kw
    ),
    "lrtuned-mlp-reg-adam-batch": lambda **kw: LRTuned(
        MLPRegressor(hidden_layer_sizes=(8,), solver="adam"),
        lr=0.01,
        step_every="batch",
        batch_size=BATCH,
        **kw,
    ),
}


def _boundary_schedule(make, k, factor):
    spe = steps_per_epoch(make())
    return PiecewiseConstant(boundaries=[k * spe], factors=[1.0, factor])


@pytest.mark.filterwarnings("ignore:This partial_fit call goes past")
@pytest.mark.parametrize("name", ADAPTERS)
def test_a_million_fold_drop_freezes_the_weights(name):
    """After the rate drops to 1e-6 of itself the weights must stop moving.

    Measured over epochs 5..10, relative to the same epochs at a constant rate.
    """
    make = ADAPTERS[name]
    drop = _boundary_schedule(make, 5, 1e-6)
    moved = {}
    for label, schedule in [("drop", drop), ("constant", "constant")]:
        est = make(schedule=schedule, max_iter=10, random_state=0)
        X, y = data_for(est)
        snaps = stream(est, X, y, 10, snapshot_after=(5, 10))
        moved[label] = np.abs(snaps[10] - snaps[5]).max()
        # A fit of 5 and of 10 epochs takes the same steps as the stream.
        for n in (5, 10):
            fitted = make(schedule=schedule, max_iter=n, random_state=0).fit(X, y)
            assert np.array_equal(weights(fitted), snaps[n])
    assert moved["constant"] > 1e-3
    assert moved["drop"] < 1e-3 * moved["constant"], moved


@pytest.mark.parametrize("name", ADAPTERS)
def test_schedules_that_differ_only_later_agree_until_then(name):
    make = ADAPTERS[name]
    later = _boundary_schedule(make, 4, 0.3)
    runs = []
    for schedule in (later, "constant"):
        est = make(schedule=schedule, max_iter=10, random_state=0)
        X, y = data_for(est)
        runs.append(stream(est, X, y, 10, snapshot_after=(4, 10)))
        fitted = make(schedule=schedule, max_iter=10, random_state=0).fit(X, y)
        assert np.array_equal(weights(fitted), runs[-1][10])
    assert np.array_equal(runs[0][4], runs[1][4])
    assert not np.allclose(runs[0][10], runs[1][10], rtol=0, atol=1e-8)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("make", [LRTunedMLPClassifier, LRTunedMLPRegressor])
def test_every_mlp_update_runs_at_the_recorded_rate(make, solver, monkeypatch):
    """Per batch, each optimizer update takes the rate lr_curve_ records for its step.

    The live rate is the optimizer's ``learning_rate`` (sgd) or
    ``learning_rate_init`` (adam), read as each update is applied.
    """
    from sklearn.neural_network._stochastic_optimizers import BaseOptimizer

    est = make(
        hidden_layer_sizes=(8,),
        solver=solver,
        lr=0.05,
        schedule=Warmup(CosineDecay(), warmup_steps=3),  # a new rate at every batch
        step_every="batch",
        batch_size=BATCH,
        max_iter=3,
        random_state=0,
    )
    clone(est).fit(*data_for(est))  # the once-per-process checks of the private hooks
    seen = []
    update = BaseOptimizer.update_params

    def spy(self, params, grads):
        seen.append(self.learning_rate if solver == "sgd" else self.learning_rate_init)
        return update(self, params, grads)

    monkeypatch.setattr(BaseOptimizer, "update_params", spy)
    est.fit(*data_for(est))
    assert len(seen) == est.t_ == 3 * N // BATCH
    np.testing.assert_array_equal(seen, est.lr_curve_)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize(
    "tuned_class, raw_class, X, y",
    [
        (LRTunedSGDClassifier, SGDClassifier, X_CLF, Y_CLF),
        (LRTunedSGDClassifier, SGDClassifier, X_BIN, Y_BIN),
        (LRTunedSGDRegressor, SGDRegressor, X_REG, Y_REG),
    ],
    ids=["multiclass", "binary", "regressor"],
)
@pytest.mark.parametrize(
    "schedule",
    [Warmup(CosineDecay(), warmup_steps=3), StepDecay(step_size=5, gamma=0.5)],
    ids=["changes-every-batch", "runs-of-equal-rates"],
)
def test_per_batch_sgd_equals_partial_fit_at_the_recorded_rates(
    tuned_class, raw_class, X, y, sparse, schedule
):
    """The compiled per-batch path takes exactly partial_fit's steps at lr_curve_.

    Batches in a run at one rate go through one compiled pass: the same
    updates, up to rounding.
    """
    if sparse:
        X = sp.csr_matrix(np.where(np.abs(X) < 0.3, 0.0, X))
    # Weights up to 1 scale a single step, as in scikit-learn.
    sw = np.random.RandomState(0).uniform(0.2, 1.0, size=N)
    tuned = tuned_class(
        lr=0.05,
        schedule=schedule,
        step_every="batch",
        batch_size=32,  # 32, 32, 32, 24
        shuffle=False,
        max_iter=3,
        average=False,
        random_state=0,
    ).fit(X, y, sample_weight=sw)
    raw = raw_class(learning_rate="constant", shuffle=False, random_state=0)
    kwargs = {"classes": np.unique(y)} if raw_class is SGDClassifier else {}
    lrs = iter(tuned.lr_curve_)
    for _ in range(3):
        for rows in gen_batches(N, 32):
            raw.set_params(eta0=next(lrs))
            raw.partial_fit(X[rows], y[rows], sample_weight=sw[rows], **kwargs)
    assert next(lrs, None) is None
    assert tuned.t_ == 12
    np.testing.assert_allclose(tuned.coef_, raw.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(tuned.intercept_, raw.intercept_, rtol=0, atol=1e-10)


@pytest.mark.parametrize("mode", STEP_MODES)
def test_the_perceptron_trains_although_its_loss_at_zero_weights_is_zero(mode):
    """The perceptron's loss at the starting (zero) weights is 0: no scale for
    the divergence checks, whose "10x the starting loss" any later loss exceeds."""
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    y = (X[:, 0] > 0).astype(int)
    params = dict(loss="perceptron", shuffle=False, random_state=0)
    tuned = LRTunedSGDClassifier(lr=0.01, max_iter=5, **params, **STEP_MODES[mode]).fit(X, y)
    assert tuned.lr_events_ == []
    native = SGDClassifier(learning_rate="constant", eta0=0.01, max_iter=5, tol=None, **params)
    native.fit(X, y)
    np.testing.assert_allclose(tuned.coef_, native.coef_, rtol=0, atol=1e-12)
    # Nor in a stream, whose chunks would otherwise be compared with their own
    # (tiny) losses before the step.
    X, y = make_classification(4000, 10, random_state=0)
    est = LRTunedSGDClassifier(loss="perceptron", penalty=None, lr=1.0, max_iter=100)
    est.set_params(random_state=0, **STEP_MODES[mode])
    for chunk in np.array_split(np.arange(4000), 40):
        est.partial_fit(X[chunk], y[chunk], classes=[0, 1])
    assert est.lr_events_ == []


@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize("average", [True, 10])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_averaged_sgd_classifier_trains_as_a_native_fit(n_classes, average, mode):
    """An averaged SGD classifier keeps learning its intercept, as SGDClassifier.fit does.

    (A loop of partial_fit calls would not: with averaging on, each call of a
    binary problem drops the intercept it has just updated.)
    """
    rng = np.random.RandomState(0)
    X = rng.randn(600, 2)
    y = np.digitize(X[:, 0] + 0.5 * X[:, 1], [1.5] if n_classes == 2 else [-0.5, 0.7])
    params = dict(average=average, shuffle=False, random_state=0)
    tuned = LRTunedSGDClassifier(lr=0.01, max_iter=10, **params, **STEP_MODES[mode]).fit(X, y)
    native = SGDClassifier(
        learning_rate="constant", eta0=0.01, max_iter=10, tol=None, **params
    ).fit(X, y)
    np.testing.assert_allclose(tuned.coef_, native.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(tuned.intercept_, native.intercept_, rtol=0, atol=1e-10)


@pytest.mark.parametrize("name", ADAPTERS)
def test_float32_data_trains_in_float32(name):
    """As the wrapped models do: no float64 copy of the data, float32 weights.

    (scikit-learn's SGDRegressor keeps a float64 intercept_; so does sklr's.)
    """

    def first_weights(est):
        return est.coef_ if hasattr(est, "coef_") else est.coefs_[0]

    est = ADAPTERS[name](max_iter=3, random_state=0)
    X, y = data_for(est)
    est.fit(X.astype(np.float32), y)
    assert first_weights(est).dtype == np.float32
    assert np.all(np.isfinite(est.loss_curve_))
    est.partial_fit(X, y)  # a float64 chunk joins the float32 stream
    assert first_weights(est).dtype == np.float32
    # The same training as in float64, up to float32 rounding.
    same = ADAPTERS[name](max_iter=3, random_state=0).fit(X, y).partial_fit(X, y)
    assert abs(est.score(X, y) - same.score(X, y)) < 0.05


def test_float32_sgd_equals_the_native_float32_fit():
    X, y = X_CLF.astype(np.float32), Y_CLF
    params = dict(loss="log_loss", shuffle=False, random_state=0)
    tuned = LRTunedSGDClassifier(lr=0.01, max_iter=5, **params).fit(X, y)
    native = SGDClassifier(
        learning_rate="constant", eta0=0.01, max_iter=5, tol=None, **params
    ).fit(X, y)
    assert tuned.coef_.dtype == native.coef_.dtype == np.float32
    np.testing.assert_allclose(tuned.coef_, native.coef_, rtol=0, atol=1e-5)
    np.testing.assert_allclose(tuned.intercept_, native.intercept_, rtol=0, atol=1e-5)


@pytest.mark.parametrize("path", ["kernel", "partial_fit"])
@pytest.mark.parametrize("average", [False, True])
@pytest.mark.parametrize("problem", ["binary", "multiclass", "regression"])
def test_sgd_fit_from_coef_init_trains_as_the_native_fit(problem, average, path, monkeypatch):
    """coef_init / intercept_init as scikit-learn's fit takes them, in its argument order.

    Also where the compiled kernel is not verified and epochs go through
    partial_fit (one epoch: with averaging, later partial_fit calls keep
    their own intercept bookkeeping).
    """
    max_iter = 4
    if path == "partial_fit":
        monkeypatch.setattr(sklr._adapters._sgd, "_kernel_usable", lambda: False)
        max_iter = 1
    rng = np.random.RandomState(0)
    X = rng.randn(200, 3)
    if problem == "regression":
        y, n_problems = X @ [1.0, -2.0, 0.5], 1
        tuned_class, native_class = LRTunedSGDRegressor, SGDRegressor
    else:
        y = np.digitize(X[:, 0], [0.0] if problem == "binary" else [-0.5, 0.5])
        n_problems = 1 if problem == "binary" else 3
        tuned_class, native_class = LRTunedSGDClassifier, SGDClassifier
    coef, intercept = rng.randn(n_problems, 3), rng.randn(n_problems)
    if problem == "regression":
        coef = coef.ravel()  # as SGDRegressor takes it
    given = coef.copy(), intercept.copy()
    params = dict(average=average, shuffle=False, random_state=0)
    sw = np.ones(len(y))
    tuned = tuned_class(lr=0.01, max_iter=max_iter, **params).fit(X, y, coef, intercept, sw)
    native = native_class(
        learning_rate="constant", eta0=0.01, max_iter=max_iter, tol=None, **params
    )
    native.fit(X, y, coef.copy(), intercept.copy(), sw)  # scikit-learn trains them in place
    np.testing.assert_allclose(tuned.coef_, native.coef_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(tuned.intercept_, native.intercept_, rtol=0, atol=1e-10)
    assert np.array_equal(coef, given[0]) and np.array_equal(intercept, given[1])
    from_zero = tuned_class(lr=0.01, max_iter=max_iter, **params).fit(X, y)
    assert not np.allclose(from_zero.coef_, tuned.coef_)
    # LRTuned takes them by keyword, the same way (and documents them).
    assert "coef_init" in LRTuned.fit.__doc__ and "intercept_init" in LRTuned.fit.__doc__
    wrapped = LRTuned(native_class(average=average), lr=0.01, max_iter=max_iter, shuffle=False)
    wrapped.fit(X, y, coef_init=coef, intercept_init=intercept)
    np.testing.assert_array_equal(wrapped.coef_, tuned.coef_)


@pytest.mark.parametrize(
    "loss, lr, data",
    [
        ("modified_huber", 0.1, dict(class_sep=4.0)),
        # The perceptron's objective at zero weights is 0: no scale, as from zeros.
        ("perceptron", 1.0, dict(flip_y=0.05)),
    ],
)
def test_a_restart_from_trained_weights_is_not_taken_for_divergence(loss, lr, data):
    """Divergence is judged against the objective at zero weights, not at coef_init.

    From a model's own trained weights the objective starts at the noise
    floor: the epoch-to-epoch noise of the same rate must not count as
    divergence (it did, and the rate was cut for the rest of the fit).
    """
    X, y = make_classification(400, 10, random_state=0, **data)
    params = dict(loss=loss, alpha=1e-4, lr=lr, random_state=0)
    trained = LRTunedSGDClassifier(max_iter=20, **params).fit(X, y)
    assert trained.lr_events_ == []
    again = LRTunedSGDClassifier(max_iter=10, **params).fit(
        X, y, trained.coef_, trained.intercept_
    )
    assert again.lr_events_ == []
    assert np.max(again.loss_curve_) > 2 * np.min(again.loss_curve_)  # the noise is there
    # It did start from the trained weights.
    from_zero = LRTunedSGDClassifier(max_iter=10, **params).fit(X, y)
    assert not np.allclose(again.coef_, from_zero.coef_)


@pytest.mark.filterwarnings(
    "ignore:Training ended at a training objective:sklearn.exceptions.ConvergenceWarning"
)  # a rate chosen to diverge
def test_a_first_epoch_rollback_restarts_from_coef_init():
    """A rollback of the first epoch brings back the starting weights, not zeros."""
    rng = np.random.RandomState(0)
    X, y = 100 * X_CLF, Y_CLF  # badly scaled: lr=100 diverges
    n_classes = len(np.unique(y))
    coef, intercept = 0.1 * rng.randn(n_classes, X.shape[1]), 0.1 * rng.randn(n_classes)
    rolled = LRTunedSGDClassifier(lr=100.0, max_iter=1, random_state=0)
    rolled.fit(X, y, coef, intercept)
    assert rolled.lr_events_[0]["kind"] == "rollback"
    settled = LRTunedSGDClassifier(lr=rolled.lr_curve_[0], max_iter=1, random_state=0)
    settled.fit(X, y, coef, intercept)
    assert settled.lr_events_ == []
    np.testing.assert_array_equal(rolled.coef_, settled.coef_)
    np.testing.assert_array_equal(rolled.intercept_, settled.intercept_)
    from_zero = LRTunedSGDClassifier(lr=rolled.lr_curve_[0], max_iter=1, random_state=0)
    assert not np.allclose(from_zero.fit(X, y).coef_, rolled.coef_)


def test_lr_auto_starts_from_coef_init():
    """The range test and the race start where the fit starts."""
    rng = np.random.RandomState(0)
    n_classes = len(np.unique(Y_CLF))
    coef, intercept = 3.0 * rng.randn(n_classes, X_CLF.shape[1]), rng.randn(n_classes)
    params = dict(lr="auto", max_iter=3, random_state=0)
    start = LRTunedSGDClassifier(**params).fit(X_CLF, Y_CLF, coef, intercept)
    zero = LRTunedSGDClassifier(**params).fit(X_CLF, Y_CLF)
    assert start.lr_finder_.losses[0] != zero.lr_finder_.losses[0]
    assert start.lr_finder_.race != zero.lr_finder_.race
    # lr_find reproduces the range test that lr='auto' ran.
    alone = sklr.lr_find(
        LRTunedSGDClassifier(),
        X_CLF,
        Y_CLF,
        random_state=0,
        coef_init=coef,
        intercept_init=intercept,
    )
    np.testing.assert_array_equal(alone.losses, start.lr_finder_.losses)


def test_lr_auto_mlp_counts_the_updates_the_race_missed():
    """An MLP updates once per mini-batch: when one batch holds every row, the fit and
    its racers take the same updates per epoch, and the race winner is taken as is."""
    est = LRTunedMLPClassifier((8,), lr="auto", batch_size=500, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the batch is clipped to the rows
        est.fit(X_CLF, Y_CLF)
    race = est.lr_finder_.race
    winner = max(race, key=lambda lr: (race[lr], -lr))
    assert est.lr_finder_.lr == winner
    # An SGD model updates per row: its racers' share of the rows is corrected for.
    sgd = LRTunedSGDClassifier(lr="auto", max_iter=3, random_state=0).fit(X_CLF, Y_CLF)
    race = sgd.lr_finder_.race
    assert sgd.lr_finder_.lr < max(race, key=lambda lr: (race[lr], -lr))


def test_the_range_test_records_the_loss_where_it_starts():
    """From trained weights the sweep's first loss is theirs (not the divergence reference)."""
    X, y = make_classification(2000, 10, class_sep=2.0, random_state=0)
    trained = LRTunedSGDClassifier(lr=0.01, max_iter=20, random_state=0).fit(X, y)
    sweep = dict(random_state=0, start=1e-7, end=1e-3)
    warm = sklr.lr_find(
        LRTunedSGDClassifier(),
        X,
        y,
        coef_init=trained.coef_,
        intercept_init=trained.intercept_,
        **sweep,
    )
    cold = sklr.lr_find(LRTunedSGDClassifier(), X, y, **sweep)
    assert warm.raw_losses[0] < 0.1 * cold.raw_losses[0]
    # At rates this low the weights barely move: the curve stays where it started.
    np.testing.assert_allclose(warm.losses[:5], warm.raw_losses[0], rtol=1e-3)


# -- regressions found while writing these tests ------------------------------------------


def test_per_batch_mlp_initialisation_follows_random_state():
    """random_state seeds the network's initial weights in per-batch mode too."""
    params = dict(step_every="batch", batch_size=BATCH, shuffle=False, max_iter=2)
    a = LRTunedMLPClassifier((8,), random_state=1, **params).fit(X_CLF, Y_CLF)
    b = LRTunedMLPClassifier((8,), random_state=2, **params).fit(X_CLF, Y_CLF)
    assert not np.array_equal(weights(a), weights(b))


def test_per_batch_mlp_with_a_short_last_batch_does_not_warn():
    """The last mini-batch of an epoch may be short; that is not a user error."""
    est = LRTunedMLPClassifier((8,), step_every="batch", batch_size=32, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        est.fit(X_CLF, Y_CLF)  # 120 rows: batches of 32, 32, 32 and 24
    assert est.t_ == 8


def test_per_batch_sgd_accepts_zero_weights_in_the_first_batch():
    """Valid weights (some non-zero) must not fail because of how batches fall."""
    sw = np.ones(N)
    sw[:BATCH] = 0.0
    epoch = LRTunedSGDClassifier(max_iter=3, random_state=0).fit(X_CLF, Y_CLF, sample_weight=sw)
    batch = LRTunedSGDClassifier(step_every="batch", batch_size=BATCH, shuffle=False, max_iter=3)
    batch.fit(X_CLF, Y_CLF, sample_weight=sw)
    # Rows of weight 0 are never visited: three batches per epoch remain.
    assert batch.t_ == 9 and epoch.t_ == 3


@pytest.mark.parametrize("mode", STEP_MODES)
@pytest.mark.parametrize(
    "chunk_form",
    [sp.csr_matrix, np.asfortranarray],
    ids=["new-csr-per-call", "fortran-order"],
)
def test_sgd_stream_of_fresh_chunks(chunk_form, mode):
    """Each partial_fit call trains on its own chunk, not on a cached earlier one.

    Chunks are built afresh per call (as a streaming reader does), so an
    earlier chunk may be freed and its id() reused by the next one.
    """
    rng = np.random.RandomState(0)
    chunks = [rng.standard_normal((N, 6)) for _ in range(3)]
    labels = (chunks[0][:, 0] > 0).astype(int)

    def run(reload_between_calls):
        est = LRTunedSGDClassifier(max_iter=5, random_state=0, **STEP_MODES[mode])
        for i, chunk in enumerate(chunks):
            est.partial_fit(chunk_form(chunk), labels, classes=[0, 1] if i == 0 else None)
            if reload_between_calls:  # drops any cache
                est = pickle.loads(pickle.dumps(est))
        return weights(est)

    assert np.array_equal(run(False), run(True))


@pytest.mark.parametrize("mode", STEP_MODES)
def test_sgd_stream_same_X_new_targets_and_weights(mode):
    """partial_fit with the same X object but new y / sample_weight uses the new ones."""
    new_weights = np.linspace(0.1, 3.0, N)
    new_labels = 1 - Y_BIN

    def run(reload_between_calls):
        est = LRTunedSGDClassifier(max_iter=5, random_state=0, **STEP_MODES[mode])
        est.partial_fit(X_BIN, Y_BIN, classes=[0, 1])
        for y, sw in [(Y_BIN, new_weights), (new_labels, None)]:
            if reload_between_calls:
                est = pickle.loads(pickle.dumps(est))
            est.partial_fit(X_BIN, y, sample_weight=sw)
        return weights(est)

    assert np.array_equal(run(False), run(True))


def _weighted_binary(n=40, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 3)
    return X, (X[:, 0] > 0).astype(int)


def test_sgd_order_free_with_equal_rows_of_different_weights():
    """Equal rows with equal labels but different weights are ordered by weight.

    Their visits (one of 0.3, three of 2.7 with a partial last) then fall in
    the same places whatever order the rows are given in.
    """
    X, y = _weighted_binary()
    X[5], y[5] = X[6], y[6]
    w = np.ones(len(y))
    w[5], w[6] = 0.3, 2.7
    swapped = np.arange(len(y))
    swapped[5], swapped[6] = 6, 5

    def fit(rows):
        est = LRTunedSGDClassifier(lr=0.05, max_iter=5, random_state=0)
        return est.fit(X[rows], y[rows], sample_weight=w[rows]).coef_

    np.testing.assert_array_equal(fit(np.arange(len(y))), fit(swapped))


def test_sgd_balanced_class_weight_with_a_class_of_zero_weight():
    """'balanced' counts weights: a class whose rows all weigh 0 is simply absent."""
    X, y = _weighted_binary(60)
    w = np.where(y == 1, 0.0, 1.0)
    est = LRTunedSGDClassifier(lr=0.05, max_iter=3, random_state=0, class_weight="balanced")
    est.fit(X, y, sample_weight=w)
    # n / (2 n_c) over the weights: class 0 holds all of it; class 1 none.
    assert est.estimator_.class_weight == {0: 0.5, 1: 1.0}


def test_sgd_balanced_class_weight_counts_sample_weights_as_rows():
    """A weight of k counts as k rows, for 'balanced' too: weights equal copies."""
    X, y = _weighted_binary(60)
    w = np.where(y == 1, 3, 1)
    copies = np.repeat(np.arange(len(y)), w)
    est = LRTunedSGDClassifier(lr=0.05, max_iter=3, random_state=0, class_weight="balanced")
    by_weight = clone(est).fit(X, y, sample_weight=w)
    by_copies = clone(est).fit(X[copies], y[copies])
    np.testing.assert_array_equal(by_weight.coef_, by_copies.coef_)


def test_sgd_weight_within_rounding_of_an_integer_is_that_integer():
    """A weight of 1 + 1e-12 (say, normalised in floating point) is one visit, not two."""
    rng = np.random.RandomState(0)
    X = rng.randn(300, 5)
    y = (X @ rng.randn(5) + 0.5 * rng.randn(300) > 0).astype(int)
    fits = [
        LRTunedSGDClassifier(lr=0.01, alpha=1e-2, max_iter=10, random_state=0)
        .fit(X, y, sample_weight=np.full(300, w))
        .coef_
        for w in (1.0, 1.0 + 1e-12)
    ]
    np.testing.assert_array_equal(fits[0], fits[1])


def test_sgd_tiny_weights_scale_single_steps():
    """Weights far below 1 are single visits at that weight, never dropped rows."""
    X, y = _weighted_binary()
    est = LRTunedSGDClassifier(max_iter=2, random_state=0)
    est.fit(X, y, sample_weight=np.full(len(y), 1e-12))
    assert est.estimator_.t_ == 1 + 2 * len(y)
    assert np.isfinite(est.coef_).all()


def test_sgd_weights_beyond_an_epochs_capacity_are_refused():
    X, y = _weighted_binary()
    with pytest.raises(ValueError, match="row visits per epoch.*Rescale sample_weight"):
        LRTunedSGDClassifier().fit(X, y, sample_weight=np.full(len(y), 1e19))


@pytest.mark.filterwarnings("ignore:sample_weight makes an epoch")
def test_sgd_weights_whose_copies_exceed_memory_are_refused(monkeypatch):
    import sklr._adapters._sgd as sgd

    X, y = _weighted_binary()
    monkeypatch.setattr(sgd, "_physical_memory", lambda: 2**20)
    with pytest.raises(ValueError, match=r"GiB, more than this machine's .*Rescale sample_weight"):
        LRTunedSGDClassifier().fit(X, y, sample_weight=np.full(len(y), 5000.0))


def test_sgd_early_stopping_holds_out_rows_not_copies():
    """With weights, the validation rows are rows of the data, none a copy of a training row."""
    X, y = _weighted_binary(200)
    est = LRTunedSGDClassifier(early_stopping=True, max_iter=3, random_state=0)
    est.fit(X, y, sample_weight=np.full(len(y), 3))
    rows = adapter_class(est._make_model()).training_data(X, y, None, [0, 1], repeat=False)
    train, (X_val, _, _) = split_validation(
        *rows, fraction=0.1, stratify=True, rng=check_random_state(0)
    )
    seen = {row.tobytes() for row in train[0]}
    assert not any(row.tobytes() in seen for row in X_val)
    assert len(X_val) == 20


@pytest.mark.parametrize("name", ESTIMATORS)
def test_any_call_of_a_stream_may_hold_fewer_rows_than_batch_size(name):
    """The first call as the later ones: a short chunk is one short step."""
    est = ESTIMATORS[name](step_every="batch", batch_size=2 * BATCH, max_iter=4, random_state=0)
    X, y = data_for(est)
    est.partial_fit(X[:BATCH], y[:BATCH], **first_call_kwargs(est, y))
    est.partial_fit(X[BATCH : 2 * BATCH], y[BATCH : 2 * BATCH])
    assert est.t_ == 2 and len(est.lr_curve_) == 2
    with pytest.raises(ValueError, match="batch_size .* is larger than the number"):
        clone(est).fit(X[:BATCH], y[:BATCH])


@pytest.mark.parametrize("name", [n for n in ESTIMATORS if "clf" in n])
def test_many_distinct_labels_warn_as_scikit_learn_does(name):
    X, y = np.random.RandomState(0).randn(30, 2), np.arange(30) % 16
    with pytest.warns(UserWarning, match="number of unique classes is greater than 50%"):
        ESTIMATORS[name](max_iter=2).fit(X, y)
    # Not in a stream, whose chunks may hold few rows of many classes.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est = ESTIMATORS[name](max_iter=2).partial_fit(X, y, classes=np.arange(20))
        est.partial_fit(X, y)


def test_sgd_order_free_when_distinct_rows_share_a_projection():
    """Rows whose projections round to the same value are ordered by their values."""
    rng = np.random.RandomState(0)
    X = rng.randn(40, 2)
    y = (X[:, 1] > 0).astype(int)
    X[3], X[7] = [1e9, 0.0], [1e9, 1e-8]  # one key, to the last bit
    y[3] = y[7] = 1
    swapped = np.arange(40)
    swapped[3], swapped[7] = 7, 3

    def fit(rows):
        return LRTunedSGDClassifier(lr=1e-12, max_iter=3, random_state=0).fit(X[rows], y[rows])

    np.testing.assert_array_equal(fit(np.arange(40)).coef_, fit(swapped).coef_)


@pytest.mark.parametrize(
    "est",
    [LRTunedSGDClassifier(loss="hinge"), LRTuned(SGDClassifier(loss="hinge"))],
    ids=["named", "lrtuned"],
)
def test_a_missing_method_says_why_as_the_wrapped_model_does(est):
    assert not hasattr(est, "predict_proba")
    with pytest.raises(AttributeError) as info:
        est.predict_proba(X_CLF)
    causes, exc = [], info.value
    while exc is not None:
        causes.append(str(exc))
        exc = exc.__cause__
    assert "probability estimates are not available for loss='hinge'" in causes


# -- feature names -----------------------------------------------------------------


@pytest.mark.parametrize("name", ESTIMATORS)
def test_feature_names_are_checked_by_the_sklr_estimator(name):
    """A DataFrame's columns are the sklr estimator's; ``estimator_`` takes arrays.

    Predicting through the sklr estimator warns once for an array, as any
    scikit-learn estimator fitted on a DataFrame does; the wrapped model,
    trained on the validated arrays, predicts arrays without a warning.
    """
    pd = pytest.importorskip("pandas")
    est = ESTIMATORS[name](max_iter=2, random_state=0)
    X, y = data_for(est)
    columns = [f"f{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=columns)
    est.fit(frame, y)
    assert list(est.feature_names_in_) == columns
    assert not hasattr(est.estimator_, "feature_names_in_")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        named = est.predict(frame)
        # (a DataFrame's array may come out in another memory order: rounding)
        np.testing.assert_allclose(est.estimator_.predict(X), named, rtol=1e-12)
    with pytest.warns(UserWarning, match="valid feature names") as caught:
        np.testing.assert_allclose(est.predict(X), named, rtol=1e-12)
    assert len(caught) == 1
    with pytest.raises(ValueError, match="feature names should match"):
        est.predict(frame[columns[::-1]])


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_mlp_loss_attributes_per_batch_are_the_epochs(solver, early_stopping):
    """Stepping per batch, ``loss_``/``best_loss_`` are epoch losses, as stepping per epoch."""
    est = LRTunedMLPClassifier(
        hidden_layer_sizes=(8,),
        solver=solver,
        lr=0.3 if early_stopping else 0.01,
        max_iter=12,
        step_every="batch",
        batch_size=BATCH,
        early_stopping=early_stopping,
        n_iter_no_change=3,
        random_state=0,
    ).fit(X_CLF, Y_CLF)
    curve = est.loss_curve_
    if early_stopping:  # the restored epoch's loss; no best loss with held-out rows
        best = int(np.argmax(est.validation_scores_))
        assert est.loss_ == curve[best]
        assert est.best_loss_ is None
    else:
        assert est.loss_ == curve[-1]
        assert est.best_loss_ == curve.min()


def test_lrtuned_in_an_ensemble_does_not_warn_of_the_seeds_it_sets():
    """Bagging sets every random_state it finds; LRTuned's own seed wins, silently."""
    from sklearn.ensemble import BaggingClassifier

    bag = BaggingClassifier(LRTuned(SGDClassifier(), max_iter=3), n_estimators=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bag.fit(X_CLF, Y_CLF)
    with pytest.warns(UserWarning, match=r"random_state=1 has no effect"):
        LRTuned(SGDClassifier(random_state=1), max_iter=3).fit(X_CLF, Y_CLF)


@pytest.mark.parametrize(
    "make",
    [
        lambda: LRTunedMLPClassifier(hidden_layer_sizes=(8,), step_every="batch"),
        lambda: LRTuned(MLPClassifier(hidden_layer_sizes=(8,)), step_every="batch"),
    ],
)
def test_auto_batch_size_of_a_stream_is_min_200_rows_of_each_call(make):
    """As scikit-learn's MLP takes ``batch_size='auto'`` on every ``partial_fit`` call."""
    X, y = make_classification(900, 6, random_state=0)
    est = make().set_params(max_iter=10, random_state=0)
    est.partial_fit(X[:50], y[:50], classes=[0, 1])
    assert est.t_ == 1  # one step of 50 rows
    est.partial_fit(X[50:], y[50:])
    assert est.t_ == 1 + 5  # 850 rows in steps of 200
    est.partial_fit(X[:30], y[:30])
    assert est.t_ == 1 + 5 + 1


@pytest.mark.parametrize("penalty", ["l2", "l1", None])
@pytest.mark.parametrize("name", ["sgd-clf", "sgd-reg", "lrtuned-sgd-clf", "lrtuned-sgd-reg"])
def test_l1_ratio_none_trains_as_scikit_learn_allows_it(name, penalty):
    """l1_ratio=None is valid wherever the penalty does not mix (scikit-learn's rule)."""
    make = ESTIMATORS[name]
    if name.startswith("lrtuned"):
        est = make(max_iter=3, random_state=0)
        est.estimator.set_params(l1_ratio=None, penalty=penalty)
    else:
        est = make(l1_ratio=None, penalty=penalty, max_iter=3, random_state=0)
    X, y = data_for(est)
    reference = clone(est).set_params(
        **({"estimator__l1_ratio": 0.15} if name.startswith("lrtuned") else {"l1_ratio": 0.15})
    )
    np.testing.assert_array_equal(est.fit(X, y).coef_, reference.fit(X, y).coef_)
