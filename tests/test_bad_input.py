"""Bad parameters and bad data: one clear error each, and no half-fitted estimator.

Every row of ``CASES`` makes a fresh estimator, does one wrong thing and
expects exactly one exception whose message names the parameter or the
problem.
"""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, is_classifier
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Perceptron, SGDClassifier, SGDRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import scale

from sklr import (
    LRTuned,
    LRTunedMLPClassifier,
    LRTunedMLPRegressor,
    LRTunedSGDClassifier,
    LRTunedSGDRegressor,
)
from sklr.policies import ReduceOnPlateau
from sklr.schedules import OneCycle, Schedule, Warmup, WarmupStableDecay

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X = scale(X_IRIS)  # 150 x 4, three classes
Y = Y_IRIS
N = X.shape[0]
Y_REG = 2.0 * X[:, 0] - X[:, 1]


def with_value(array, row, col, value):
    out = array.copy()
    out[row, col] = value
    return out


def sgd(**kw):
    return LRTunedSGDClassifier(**{"max_iter": 3, **kw})


def sgd_reg(**kw):
    return LRTunedSGDRegressor(**{"max_iter": 3, **kw})


def mlp(**kw):
    return LRTunedMLPClassifier(**{"hidden_layer_sizes": (4,), "max_iter": 3, **kw})


def mlp_reg(**kw):
    return LRTunedMLPRegressor(**{"hidden_layer_sizes": (4,), "max_iter": 3, **kw})


def fit(X_=X, y=Y, **kw):
    return lambda est: est.fit(X_, y, **kw)


def fit_reg(X_=X, y=Y_REG, **kw):
    return lambda est: est.fit(X_, y, **kw)


def then_partial_fit(X_, y, **kw):
    """A good first partial_fit call, then a bad one."""

    def call(est):
        first = {"classes": np.unique(Y)} if is_classifier(est) else {}
        est.partial_fit(X, Y if first else Y_REG, **first)
        est.partial_fit(X_, y, **kw)

    return call


class _Negative(Schedule):
    """A user's schedule that returns a bad factor."""

    def __init__(self, value=-1.0):
        self.value = value

    def _factor(self, t, horizon):
        return np.full_like(t, self.value)


class _DuckNegative(BaseEstimator):
    """A callable with get_params, which sklr accepts as a schedule, giving a bad factor."""

    def __call__(self, step, horizon=None):
        return np.full(np.shape(step), -1.0)


def case(id, make, call, exc, match, kind="fit"):
    """``kind``: 'fit' or 'first_pf' (estimator unfitted before), 'later_pf', 'predict'."""
    return pytest.param(make, call, exc, match, kind, id=id)


SUPPORTED = "supported models: SGDClassifier, SGDRegressor, MLPClassifier, MLPRegressor"

CASES = [
    # parameters
    case("lr=0", lambda: sgd(lr=0), fit(), ValueError, "'lr' parameter"),
    case(
        "elasticnet-without-l1_ratio",
        lambda: sgd(penalty="elasticnet", l1_ratio=None),
        fit(),
        ValueError,
        "l1_ratio=None leaves penalty='elasticnet' without its mix",
    ),
    case(
        "elasticnet-without-l1_ratio-lrtuned",
        lambda: LRTuned(SGDRegressor(penalty="elasticnet", l1_ratio=None)),
        fit(y=Y_REG),
        ValueError,
        "l1_ratio=None leaves penalty='elasticnet' without its mix",
    ),
    case("lr=-1", lambda: mlp_reg(lr=-1), fit_reg(), ValueError, "'lr' parameter"),
    case("lr=nan", lambda: sgd(lr=float("nan")), fit(), ValueError, "'lr' parameter"),
    case("schedule='nope'", lambda: sgd(schedule="nope"), fit(), ValueError, "'schedule'"),
    case("schedule=3", lambda: mlp(schedule=3), fit(), ValueError, "'schedule' parameter"),
    case("max_iter=0", lambda: sgd_reg(max_iter=0), fit_reg(), ValueError, "'max_iter'"),
    case("max_iter=2.5", lambda: mlp(max_iter=2.5), fit(), ValueError, "'max_iter'"),
    case("batch_size=0", lambda: sgd(batch_size=0), fit(), ValueError, "'batch_size'"),
    case("batch_size=0-mlp", lambda: mlp(batch_size=0), fit(), ValueError, "'batch_size'"),
    case(
        "batch_size>n-sgd",
        lambda: sgd(batch_size=200, step_every="batch"),
        fit(),
        ValueError,
        r"batch_size \(200\) is larger than the number of training samples \(150\)",
    ),
    case(
        "batch_size>rows-visited-sgd",
        lambda: sgd(batch_size=100, step_every="batch"),
        fit(sample_weight=np.r_[np.zeros(N - 50), np.ones(50)]),
        ValueError,
        r"batch_size \(100\) is larger than the 50 rows an epoch visits \(150 given\)",
    ),
    case(
        "batch_size>n-mlp",
        lambda: mlp(batch_size=200, step_every="batch"),
        fit(),
        ValueError,
        r"batch_size \(200\) is larger",
    ),
    case(
        "batch_size>n-lrtuned-default-256",
        lambda: LRTuned(SGDRegressor(), step_every="batch", max_iter=3),
        fit_reg(),
        ValueError,
        r"batch_size \(256\) is larger",
    ),
    case(
        "validation_fraction=0",
        lambda: sgd(early_stopping=True, validation_fraction=0),
        fit(),
        ValueError,
        "'validation_fraction'",
    ),
    case(
        "validation_fraction=1.5",
        lambda: mlp(early_stopping=True, validation_fraction=1.5),
        fit(),
        ValueError,
        "'validation_fraction'",
    ),
    case(
        "validation_fraction-too-small",
        lambda: sgd(early_stopping=True, validation_fraction=0.01),
        fit(),
        ValueError,
        r"hold out 0\.01 of the 150 samples for validation \(validation_fraction\): "
        r"the held-out part \(2 samples\) cannot hold all 3 classes",
    ),
    case(
        "validation_fraction-leaves-no-training-rows",
        lambda: sgd_reg(early_stopping=True, validation_fraction=0.999),
        fit_reg(),
        ValueError,
        "leaves 150 held-out and 0 training samples. Change validation_fraction",
    ),
    case(
        "lr=auto-on-one-sample",
        lambda: sgd_reg(lr="auto"),
        fit_reg(X[:1], Y_REG[:1]),
        ValueError,
        "race the candidate rates of lr='auto'.*Pass a float lr",
    ),
    case(
        "onecycle-total_steps>horizon",
        lambda: sgd(schedule=OneCycle(total_steps=100), max_iter=10),
        fit(),
        ValueError,
        r"total_steps \(100\) exceeds the horizon",
    ),
    case(
        "onecycle-total_steps<horizon",
        lambda: sgd(schedule=OneCycle(total_steps=3), max_iter=10),
        fit(),
        ValueError,
        r"total_steps \(3\) undercuts the horizon of the fit \(10 steps.*the last 7 steps "
        "would train at about zero rate",
    ),
    case(
        "schedule-with-negative-factors",
        lambda: mlp(schedule=_Negative()),
        fit(),
        ValueError,
        r"_Negative\(\) gave the factor -1\.0 at step 0; a schedule's factors must be finite",
    ),
    case(
        "policy-around-onecycle-total_steps<horizon",
        lambda: mlp(schedule=ReduceOnPlateau(OneCycle(total_steps=2)), max_iter=6),
        fit(),
        ValueError,
        r"OneCycle\(total_steps=2\): its total_steps \(2\) undercuts the horizon",
    ),
    case(
        "duck-typed-schedule-with-negative-factors",
        lambda: sgd(schedule=_DuckNegative()),
        fit(),
        ValueError,
        r"_DuckNegative\(\) gave the factor -1\.0 at step 0",
    ),
    case(
        "schedule-with-nan-factors",
        lambda: sgd_reg(schedule=_Negative(value=np.nan)),
        fit_reg(),
        ValueError,
        "gave the factor nan at step 0",
    ),
    case(
        "multilabel-y-mlp-classifier",
        mlp,
        fit(y=np.c_[Y == 0, Y == 1].astype(int)),
        ValueError,
        r"takes one label per sample; y has shape \(150, 2\) \(multilabel",
    ),
    case(
        "mlp-regressor-loss='nope'",
        lambda: mlp_reg(loss="nope"),
        fit_reg(),
        ValueError,
        "'loss' parameter of LRTunedMLPRegressor",
    ),
    case(
        "mlp-regressor-poisson-negative-y",
        lambda: mlp_reg(loss="poisson"),
        fit_reg(y=np.r_[-1.0, np.abs(Y_REG[1:])]),
        ValueError,
        r"loss='poisson' needs non-negative targets .* 1 negative value",
    ),
    case(
        "lrtuned-mlp-regressor-poisson-negative-y",
        lambda: LRTuned(MLPRegressor(loss="poisson")),
        fit_reg(),
        ValueError,
        r"loss='poisson' needs non-negative targets",
    ),
    case(
        "hidden_layer_sizes-with-0",
        lambda: mlp(hidden_layer_sizes=(4, 0)),
        fit(),
        ValueError,
        r"hidden_layer_sizes must be > 0, got \(4, 0\)",
    ),
    case(
        "lrtuned-mlp-hidden_layer_sizes=-3",
        lambda: LRTuned(MLPClassifier(hidden_layer_sizes=(-3,)), max_iter=3),
        fit(),
        ValueError,
        "hidden_layer_sizes must be > 0",
    ),
    case(
        "warmup_steps>horizon",
        lambda: mlp(schedule=Warmup(warmup_steps=12), max_iter=10),
        fit(),
        ValueError,
        r"warmup_steps \(12\) must be smaller than the horizon \(10 steps",
    ),
    case(
        "wsd-warmup>horizon",
        lambda: sgd_reg(schedule=WarmupStableDecay(warmup_steps=20), max_iter=10),
        fit_reg(),
        ValueError,
        r"warmup_steps \(20\)",
    ),
    case(
        "step_every='sometimes'",
        lambda: sgd(step_every="sometimes"),
        fit(),
        ValueError,
        "'step_every'",
    ),
    case("solver=lbfgs-clf", lambda: mlp(solver="lbfgs"), fit(), ValueError, "'solver'"),
    case("solver=lbfgs-reg", lambda: mlp_reg(solver="lbfgs"), fit_reg(), ValueError, "'solver'"),
    case(
        "lrtuned-mlp-solver=lbfgs",
        lambda: LRTuned(MLPClassifier(solver="lbfgs")),
        fit(),
        ValueError,
        "use solver='sgd' or solver='adam'",
    ),
    case(
        "lrtuned-LogisticRegression",
        lambda: LRTuned(LogisticRegression()),
        fit(),
        TypeError,
        SUPPORTED,
    ),
    case("lrtuned-Perceptron", lambda: LRTuned(Perceptron()), fit(), TypeError, SUPPORTED),
    case(
        "partial_fit-changed-n_outputs",
        mlp_reg,
        then_partial_fit(X, np.c_[Y_REG, Y_REG]),
        ValueError,
        r"y has 2 output\(s\), but the stream was started with 1",
        kind="later_pf",
    ),
    case(
        "string-y-mlp-regressor",
        mlp_reg,
        fit_reg(y=np.array(["a", "b", "c"] * 50)),
        ValueError,
        "LRTunedMLPRegressor needs numeric targets, got y of dtype <U1",
    ),
    case(
        "string-y-sgd-regressor",
        sgd_reg,
        fit_reg(y=np.array(["a", "b", "c"] * 50)),
        ValueError,
        "needs numeric targets",
    ),
    # The wrapped model's own parameters are checked as its fit would.
    case(
        "lrtuned-sgd-alpha<0",
        lambda: LRTuned(SGDClassifier(alpha=-1.0), max_iter=3),
        fit(),
        ValueError,
        "'alpha' parameter of SGDClassifier",
    ),
    case(
        "lrtuned-sgd-penalty='l3'",
        lambda: LRTuned(SGDRegressor(penalty="l3"), max_iter=3),
        fit_reg(),
        ValueError,
        "'penalty' parameter of SGDRegressor",
    ),
    case(
        "lrtuned-mlp-alpha<0",
        lambda: LRTuned(MLPClassifier(hidden_layer_sizes=(4,), alpha=-1.0), max_iter=3),
        fit(),
        ValueError,
        "'alpha' parameter of MLPClassifier",
    ),
    # data
    case("NaN-in-X", sgd, fit(with_value(X, 0, 0, np.nan)), ValueError, "Input X contains NaN"),
    case(
        "inf-in-X",
        mlp,
        fit(with_value(X, 3, 1, np.inf)),
        ValueError,
        "Input X contains infinity",
    ),
    case(
        "inf-in-y",
        mlp_reg,
        fit_reg(y=with_value(Y_REG[:, None], 7, 0, -np.inf).ravel()),
        ValueError,
        "Input y contains infinity",
    ),
    case(
        "NaN-in-y",
        sgd_reg,
        fit_reg(y=with_value(Y_REG[:, None], 5, 0, np.nan).ravel()),
        ValueError,
        "Input y contains NaN",
    ),
    case("1-d-X", sgd, fit(X[:, 0]), ValueError, "Expected 2D array, got 1D array"),
    case("3-d-X", mlp, fit(X[:, :, None]), ValueError, "Found array with dim 3"),
    case("single-class", sgd, fit(y=np.zeros(N)), ValueError, "at least 2 classes"),
    case("single-class-mlp", mlp, fit(y=np.ones(N)), ValueError, "at least 2 classes"),
    case("empty-X", sgd, fit(np.empty((0, 4)), np.empty(0)), ValueError, "0 sample"),
    case(
        "string-features",
        mlp,
        fit(np.array([["a", "b"]] * N)),
        ValueError,
        "could not convert string to float",
    ),
    case("y=None", sgd, fit(y=None), ValueError, "requires y to be passed"),
    case("continuous-y-classifier", sgd, fit(y=Y_REG), ValueError, "Unknown label type"),
    case(
        "object-y-mixing-types",
        mlp,
        fit(y=np.array([1, "a"] * (N // 2), dtype=object)),
        ValueError,
        "Unknown label type: unknown",
    ),
    case(
        "2-d-y-sgd-regressor",
        sgd_reg,
        fit_reg(y=np.c_[Y_REG, Y_REG]),
        ValueError,
        "y should be a 1d array",
    ),
    case(
        "sample_weight-wrong-length",
        sgd,
        fit(sample_weight=np.ones(10)),
        ValueError,
        r"sample_weight\.shape == \(10,\), expected \(150,\)",
    ),
    case(
        "coef_init-wrong-shape",
        sgd,
        fit(coef_init=np.zeros((2, 4))),
        ValueError,
        r"coef_init has shape \(2, 4\); expected \(3, 4\)",
    ),
    case(
        "coef_init-nan",
        sgd_reg,
        fit_reg(coef_init=[0.0, np.nan, 0.0, 0.0]),
        ValueError,
        "coef_init contains NaN or infinity",
    ),
    case(
        "intercept_init-wrong-shape",
        lambda: LRTuned(SGDClassifier(), max_iter=3),
        fit(y=Y > 0, intercept_init=[0.0, 1.0]),
        ValueError,
        r"intercept_init has shape \(2,\); expected \(\) or \(1,\)",
    ),
    case(
        "coef_init-beyond-float32",
        sgd_reg,
        fit_reg(X_=X.astype(np.float32), coef_init=[1e300, 0.0, 0.0, 0.0]),
        ValueError,
        "coef_init has values beyond the range of float32",
    ),
    case(
        "coef_init-huge-int",
        sgd_reg,
        fit_reg(coef_init=[10**400, 0, 0, 0]),
        ValueError,
        "coef_init must be an array of numbers",
    ),
    case(
        "coef_init-non-finite-objective",
        lambda: sgd_reg(loss="squared_error"),
        fit_reg(coef_init=[1e200, 0.0, 0.0, 0.0]),
        ValueError,
        "coef_init and intercept_init give a training objective of inf",
    ),
    case(
        "coef_init-for-an-mlp",
        lambda: LRTuned(MLPClassifier((4,)), max_iter=3),
        fit(coef_init=np.zeros((3, 4))),
        ValueError,
        "coef_init and intercept_init are for the SGD models",
    ),
    case(
        "negative-sample_weight",
        mlp,
        fit(sample_weight=-np.ones(N)),
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
    case(
        "all-zero-sample_weight",
        sgd_reg,
        fit_reg(sample_weight=np.zeros(N)),
        ValueError,
        "at least one non-zero",
    ),
    # partial_fit
    case(
        "partial_fit-first-call-without-classes",
        sgd,
        lambda est: est.partial_fit(X, Y),
        ValueError,
        "classes must be passed on the first call to partial_fit",
        kind="first_pf",
    ),
    case(
        "partial_fit-first-call-without-classes-mlp",
        mlp,
        lambda est: est.partial_fit(X, Y),
        ValueError,
        "classes must be passed on the first call to partial_fit",
        kind="first_pf",
    ),
    case(
        "partial_fit-first-call-label-not-in-classes",
        lambda: LRTuned(SGDClassifier()),
        lambda est: est.partial_fit(X, Y, classes=[0, 1]),
        ValueError,
        r"y contains labels not in classes=.*: \[2\]",
        kind="first_pf",
    ),
    *[
        case(
            f"partial_fit-classes-{name}",
            make,
            lambda est, classes=classes, y=y: est.partial_fit(X, y, classes=classes),
            ValueError,
            match,
            kind="first_pf",
        )
        for name, make, y, classes, match in [
            ("continuous", sgd, Y, [0, 1, 2, 2.5], "classes must list.*Unknown label type"),
            ("continuous-mlp", mlp, Y, [0, 1, 2, 2.5], "classes must list.*Unknown label type"),
            ("empty", sgd, Y, [], "classes is empty"),
            ("nan", sgd, Y, [0, 1, 2, np.nan], "classes must list.*NaN or infinity"),
            (
                "strings-and-none",
                sgd,
                np.array(["a", "b", "c"])[Y],
                np.array(["a", "b", "c", None], dtype=object),
                "classes must list the class labels a stream can contain, all of one kind",
            ),
            *[
                (name, lambda: LRTuned(SGDClassifier()), Y, classes, "classes must list")
                for name, classes in [
                    ("2d", np.array([[0, 1], [2, 3]])),
                    ("strings-and-nan", ["a", "b", "c", np.nan]),
                    ("numbers-and-strings", [0, 1, 2, "a"]),
                    ("scalar", 3),
                    ("none-among-ints", [0, 1, 2, None]),
                ]
            ],
        ]
    ],
    case(
        "early_stopping-with-partial_fit",
        lambda: sgd(early_stopping=True),
        lambda est: est.partial_fit(X, Y, classes=[0, 1, 2]),
        ValueError,
        "early_stopping=True .*not available with partial_fit",
        kind="first_pf",
    ),
    case(
        "early_stopping-with-partial_fit-mlp-reg",
        lambda: mlp_reg(early_stopping=True),
        lambda est: est.partial_fit(X, Y_REG),
        ValueError,
        "early_stopping=True .*not available with partial_fit",
        kind="first_pf",
    ),
    case(
        "class_weight=balanced-with-partial_fit",
        lambda: sgd(class_weight="balanced"),
        lambda est: est.partial_fit(X, Y, classes=[0, 1, 2]),
        ValueError,
        "class_weight 'balanced' is not supported for partial_fit",
        kind="first_pf",
    ),
    case(
        "partial_fit-changed-n_features",
        sgd,
        then_partial_fit(X[:, :3], Y),
        ValueError,
        "X has 3 features, but LRTunedSGDClassifier is expecting 4 features",
        kind="later_pf",
    ),
    case(
        "partial_fit-changed-n_features-mlp-reg",
        mlp_reg,
        then_partial_fit(X[:, :3], Y_REG),
        ValueError,
        "X has 3 features, but LRTunedMLPRegressor is expecting 4 features",
        kind="later_pf",
    ),
    case(
        "partial_fit-unseen-class",
        mlp,
        then_partial_fit(X, Y + 5),
        ValueError,
        "unseen at the first partial_fit call",
        kind="later_pf",
    ),
    case(
        "partial_fit-other-classes",
        sgd,
        then_partial_fit(X, Y, classes=[0, 1, 2, 3]),
        ValueError,
        "differs from the classes of the first partial_fit call",
        kind="later_pf",
    ),
    case(
        "partial_fit-later-classes-with-none",
        sgd,
        then_partial_fit(X, Y, classes=[0, 1, None]),
        ValueError,
        "classes must list the class labels a stream can contain",
        kind="later_pf",
    ),
    # prediction
    case(
        "predict-before-fit",
        sgd,
        lambda est: est.predict(X),
        NotFittedError,
        "not fitted yet",
        kind="predict",
    ),
    case(
        "predict_proba-before-fit",
        mlp,
        lambda est: est.predict_proba(X),
        NotFittedError,
        "not fitted yet",
        kind="predict",
    ),
    case(
        "decision_function-before-fit-lrtuned",
        lambda: LRTuned(SGDClassifier()),
        lambda est: est.decision_function(X),
        NotFittedError,
        "not fitted yet",
        kind="predict",
    ),
    case(
        "predict-wrong-n_features",
        sgd,
        lambda est: est.fit(X, Y).predict(X[:, :3]),
        ValueError,
        "X has 3 features, but LRTunedSGDClassifier is expecting 4 features",
        kind="predict",
    ),
]


@pytest.mark.parametrize("make, call, exc, match, kind", CASES)
def test_one_clear_error(make, call, exc, match, kind):
    with pytest.raises(exc, match=match):
        call(make())


UNFITTED_FAILURES = [
    p for p in CASES if p.values[-1] in ("fit", "first_pf") and "Perceptron" not in p.id
]


@pytest.mark.parametrize("make, call, exc, match, kind", UNFITTED_FAILURES)
def test_failed_fit_leaves_the_estimator_unfitted(make, call, exc, match, kind):
    est = make()
    with pytest.raises(exc):
        call(est)
    with pytest.raises(NotFittedError):
        est.predict(X)


def test_failed_first_partial_fit_can_be_retried():
    """A first partial_fit that fails must not leave a half-built stream behind."""
    est = sgd(class_weight="balanced", random_state=0)
    with pytest.raises(ValueError, match="balanced"):
        est.partial_fit(X, Y, classes=[0, 1, 2])
    est.set_params(class_weight=None)
    est.partial_fit(X, Y, classes=[0, 1, 2])
    fresh = sgd(random_state=0).partial_fit(X, Y, classes=[0, 1, 2])
    assert est.t_ == 1
    assert np.array_equal(est.coef_, fresh.coef_)


# -- a failed partial_fit leaves a fitted estimator as it was -------------------------------

FITTED = {
    "sgd": lambda: LRTunedSGDClassifier(schedule="cosine", max_iter=6, random_state=0),
    "sgd-batch": lambda: LRTunedSGDClassifier(
        schedule="cosine", max_iter=6, step_every="batch", batch_size=50, random_state=0
    ),
    "mlp": lambda: LRTunedMLPClassifier(
        hidden_layer_sizes=(4,), schedule="onecycle", max_iter=6, random_state=0
    ),
    "lrtuned-mlp-batch": lambda: LRTuned(
        MLPClassifier(hidden_layer_sizes=(4,)),
        max_iter=6,
        step_every="batch",
        batch_size=50,
        random_state=0,
    ),
}

BAD_PARTIAL_FITS = {
    "changed-n_features": lambda est: est.partial_fit(X[:, :3], Y),
    "unseen-class": lambda est: est.partial_fit(X, np.where(Y == 2, 7, Y)),
    "other-classes": lambda est: est.partial_fit(X, Y, classes=[0, 1]),
    "NaN-in-X": lambda est: est.partial_fit(with_value(X, 2, 2, np.nan), Y),
    "inf-in-X": lambda est: est.partial_fit(with_value(X, 2, 2, -np.inf), Y),
    "1-d-X": lambda est: est.partial_fit(X[:, 0], Y),
    "empty-X": lambda est: est.partial_fit(np.empty((0, 4)), np.empty(0, dtype=int)),
    "negative-sample_weight": lambda est: est.partial_fit(X, Y, sample_weight=-np.ones(N)),
    "sample_weight-wrong-length": lambda est: est.partial_fit(X, Y, sample_weight=np.ones(3)),
    "all-zero-sample_weight": lambda est: est.partial_fit(X, Y, sample_weight=np.zeros(N)),
}


def outputs(est):
    return (
        est.predict(X),
        est.predict_proba(X) if hasattr(est, "predict_proba") else est.decision_function(X),
        est.lr_curve_.copy(),
        est.loss_curve_.copy(),
        (est.n_iter_, est.t_),
    )


def assert_same(a, b):
    for left, right in zip(a, b, strict=True):
        assert np.array_equal(left, right)


@pytest.mark.filterwarnings("ignore:This partial_fit call goes past")  # cosine past a fit
@pytest.mark.parametrize("bad_call", BAD_PARTIAL_FITS.values(), ids=BAD_PARTIAL_FITS)
@pytest.mark.parametrize("name", FITTED)
def test_failed_partial_fit_leaves_a_fitted_estimator_as_it_was(name, bad_call):
    est = FITTED[name]().fit(X, Y)
    before = outputs(est)
    with pytest.raises(ValueError):
        bad_call(est)
    assert_same(outputs(est), before)
    # The stream then continues as if the failed call never happened.
    est.partial_fit(X, Y)
    reference = FITTED[name]().fit(X, Y).partial_fit(X, Y)
    assert_same(outputs(est), outputs(reference))


@pytest.mark.parametrize(
    "make, match",
    [
        (
            lambda: sgd(early_stopping=True, n_iter_no_change=2),
            "early_stopping=True needs a held-out split and is not available with partial_fit",
        ),
        (
            lambda: mlp(early_stopping=True, restore_best=True),
            "early_stopping=True needs a held-out split",
        ),
        (
            lambda: sgd(schedule=ReduceOnPlateau(monitor="val_score")),
            "monitor='val_score' needs a held-out split, which partial_fit does not have",
        ),
    ],
    ids=["sgd-early-stopping", "mlp-early-stopping", "val-score-policy"],
)
def test_partial_fit_after_a_fit_with_held_out_rows_is_refused(make, match):
    # The stream would go on without the held-out rows the fit had (its
    # validation scores falling behind its epochs); scikit-learn's models
    # refuse partial_fit with early_stopping=True too.
    est = make().fit(X, Y)
    before = outputs(est)
    with pytest.raises(ValueError, match=match):
        est.partial_fit(X, Y)
    assert_same(outputs(est), before)


def test_a_nested_parameter_of_a_schedule_given_by_name_says_what_to_do():
    from sklr.schedules import StepDecay

    est = LRTunedSGDClassifier(schedule="step")
    message = r"schedule='step' has no parameter 'gamma'.*StepDecay\(\)"
    with pytest.raises(ValueError, match=message):
        est.set_params(schedule__gamma=0.5)
    assert est.schedule == "step"  # nothing was set
    est.set_params(schedule=StepDecay(), schedule__gamma=0.5)
    assert est.schedule.gamma == 0.5


def test_a_nested_parameter_of_a_schedule_inside_a_schedule_says_what_to_do():
    from sklr.schedules import StepDecay, Warmup

    est = LRTunedSGDClassifier(schedule=Warmup("step"))
    with pytest.raises(ValueError, match=r"schedule='step' has no parameter 'gamma'"):
        est.set_params(schedule__schedule__gamma=0.5)
    est.set_params(schedule__schedule=StepDecay(), schedule__schedule__gamma=0.5)
    assert est.schedule.schedule.gamma == 0.5


def test_lr_find_on_a_pipeline_says_what_to_pass():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sklr import lr_find

    pipe = make_pipeline(StandardScaler(), LRTunedSGDClassifier())
    with pytest.raises(TypeError, match="Pipeline.*pass its last one"):
        lr_find(pipe, X, Y)
