"""Feedback policies: ReduceOnPlateau, Adaptive and BoldDriver.

What is checked here: each policy's live state, driven by hand-written metric
sequences, reacts exactly as its reference does (PyTorch's
``ReduceLROnPlateau`` step for step, scikit-learn's SGD ``'adaptive'`` rule,
the bold driver); in real fits the recorded ``lr_events_`` agree with a
replay of the recorded metrics and with ``lr_curve_``; the policy object
passed in is never changed; policies compose with schedules; the validation
score can be monitored; string aliases and grid searches work.
"""

import itertools

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import scale

import sklr
from sklr import LRTunedMLPClassifier, LRTunedSGDClassifier
from sklr.policies import ADAPTIVE_MIN_LR, Adaptive, BoldDriver, Controller, ReduceOnPlateau
from sklr.schedules import (
    Constant,
    CosineDecay,
    CosineWarmRestarts,
    ExponentialDecay,
    Product,
    Warmup,
)

_IRIS_X, IRIS_Y = load_iris(return_X_y=True)
IRIS_X = scale(_IRIS_X)
_DIGITS_X, _DIGITS_Y = load_digits(return_X_y=True)
DIGITS_X, DIGITS_Y = scale(_DIGITS_X[:300]), _DIGITS_Y[:300]

# A metric the live state must ignore: it is not the monitored one.
_DECOY = 123.0


def drive(policy, values, next_lr=1.0):
    """Feed ``values`` of the monitored metric to a fresh live state.

    Returns the ``(decision, kind)`` of every epoch and the multiplier after it.
    """
    state = policy.bind(Constant())
    answers, scales = [], []
    for value in values:
        metrics = {"loss": _DECOY, "val_score": None}
        metrics[policy.monitor] = value
        answers.append(state.observe(metrics, next_lr))
        scales.append(state.scale)
    return answers, scales


def runs(*pairs):
    """Expand run-length pairs ``(value, count)`` into a list."""
    return [value for value, count in pairs for _ in range(count)]


# -- ReduceOnPlateau against PyTorch ----------------------------------------------

# Each case: (ReduceOnPlateau kwargs, metric sequence, PyTorch's learning rates).
# The rates were generated with torch 2.13:
#     opt = torch.optim.SGD([p], lr=1.0)
#     sch = ReduceLROnPlateau(opt, mode=..., factor=..., patience=..., threshold=...,
#                             threshold_mode=..., cooldown=..., min_lr=min_factor)
#     for v in sequence: sch.step(v); lrs.append(opt.param_groups[0]["lr"])
# (mode is 'max' when monitor='val_score', as the policy's mode='auto' does).
_E1, _E2, _E3, _E4 = 0.010000000000000002, 0.0010000000000000002, 0.00010000000000000003, 1e-05
PLATEAU_CASES = {
    "default": (
        {},
        # Ties, a gain below the 1e-4 relative threshold, and a value exactly at it.
        [1.0, 0.8, 0.6, 0.6, 0.6 * (1 - 5e-5), 0.6, 0.59]
        + [0.59] * 10
        + [0.59 * (1 - 1e-4)]
        + [0.59] * 13
        + [0.5] * 4,
        runs((1.0, 17), (0.1, 11), (_E1, 7)),
    ),
    "patience0": (
        {"patience": 0},
        [1.0, 0.9, 0.9, 0.8, 0.8 * (1 - 5e-5), 0.7, 0.7, 0.7, 0.6, 0.61, 0.59, 0.59],
        runs(
            (1.0, 2),
            (0.1, 2),
            (_E1, 2),
            (_E2, 1),
            (_E3, 2),
            (1.0000000000000004e-05, 2),
            (1.0000000000000004e-06, 1),
        ),
    ),
    "patience1": (
        {"patience": 1},
        [1.0, 0.9, 0.9, 0.8, 0.8, 0.8, 0.7, 0.7, 0.6, 0.61, 0.62, 0.5, 0.5, 0.5, 0.5, 0.5],
        runs((1.0, 5), (0.1, 5), (_E1, 3), (_E2, 2), (_E3, 1)),
    ),
    "patience2": (
        {"patience": 2},
        [1.0, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.7, 0.71, 0.72, 0.73] + [0.6] * 7,
        runs((1.0, 7), (0.1, 4), (_E1, 4), (_E2, 3), (_E3, 1)),
    ),
    "cooldown2": (
        {"patience": 1, "cooldown": 2},
        [1.0] + [0.9] * 7 + [0.8] * 9,
        runs((1.0, 3), (0.1, 4), (_E1, 4), (_E2, 4), (_E3, 2)),
    ),
    "min_factor": (
        {"patience": 0, "min_factor": 0.05, "factor": 0.5},
        [1.0] * 9,
        runs((1.0, 1), (0.5, 1), (0.25, 1), (0.125, 1), (0.0625, 1), (0.05, 4)),
    ),
    "min_factor_default_factor": (
        {"patience": 0, "min_factor": 0.05},
        [1.0] * 5,
        runs((1.0, 1), (0.1, 1), (0.05, 3)),
    ),
    "abs": (
        {"patience": 1, "threshold": 0.01, "threshold_mode": "abs"},
        [10.0, 9.995, 9.985, 9.98, 9.95, 9.9, 9.85, 9.849, 9.845, 9.8, 9.7, 9.6, 9.6],
        runs((1.0, 8), (0.1, 5)),
    ),
    "rel": (
        {"patience": 1, "threshold": 0.01, "threshold_mode": "rel"},
        [10.0, 9.995, 9.985, 9.98, 9.95, 9.9, 9.85, 9.849, 9.845, 9.8, 9.7, 9.6, 9.6],
        runs((1.0, 2), (0.1, 2), (_E1, 4), (_E2, 5)),
    ),
    "abs_zero_threshold": (
        {"patience": 0, "threshold": 0.0, "threshold_mode": "abs"},
        [1.0, 1.0, 0.999999999, 0.999999999, 0.5, 0.6],
        runs((1.0, 1), (0.1, 2), (_E1, 2), (_E2, 1)),
    ),
    "max_val_score": (
        {"patience": 1, "monitor": "val_score"},
        [0.5, 0.6, 0.6, 0.6 * (1 + 5e-5), 0.7, 0.7, 0.69, 0.8, 0.8, 0.8, 0.9, 0.85, 0.85],
        runs((1.0, 3), (0.1, 3), (_E1, 3), (_E2, 3), (_E3, 1)),
    ),
    # PyTorch's relative threshold on negative scores: best * (1 + threshold) lies
    # *below* best, so ties and small drops count as improvements.
    "max_val_score_negative": (
        {"patience": 1, "monitor": "val_score", "threshold": 0.01},
        [-2.0, -1.0, -1.005, -1.011, -0.995, -0.99, -0.5, -0.5, -0.5, -0.5],
        runs((1.0, 10)),
    ),
    "max_mode_abs_cooldown": (
        {
            "patience": 0,
            "monitor": "val_score",
            "mode": "max",
            "threshold": 0.05,
            "threshold_mode": "abs",
            "cooldown": 1,
            "factor": 0.5,
        },
        [0.1, 0.2, 0.24, 0.3, 0.3, 0.3, 0.36, 0.4, 0.4, 0.4],
        runs((1.0, 2), (0.5, 2), (0.25, 3), (0.125, 2), (0.0625, 1)),
    ),
}


@pytest.mark.parametrize("case", PLATEAU_CASES)
def test_plateau_matches_pytorch_step_by_step(case):
    params, values, torch_lrs = PLATEAU_CASES[case]
    assert len(values) == len(torch_lrs)
    answers, scales = drive(ReduceOnPlateau(**params), values)
    assert scales == torch_lrs
    # An event exactly when PyTorch changed the rate; the policy never stops or rejects.
    previous = [1.0, *torch_lrs[:-1]]
    expected = [
        (None, "plateau_reduce" if lr != before else None)
        for lr, before in zip(torch_lrs, previous, strict=True)
    ]
    assert answers == expected


@pytest.mark.parametrize("patience", [0, 1, 2])
def test_plateau_reduces_once_bad_epochs_exceed_patience(patience):
    # Epoch 0 sets the best; epochs 1.. tie with it. The count must *exceed* patience.
    answers, scales = drive(ReduceOnPlateau(patience=patience, factor=0.5), [1.0] * 6)
    first = next(i for i, (_, kind) in enumerate(answers) if kind == "plateau_reduce")
    assert first == patience + 1
    assert scales[first - 1] == 1.0 and scales[first] == 0.5


def test_plateau_auto_mode_follows_the_monitor():
    values = [0.5, 0.4, 0.3, 0.2]  # falling: good for a loss, bad for a score
    _, loss_scales = drive(ReduceOnPlateau(patience=0), values)
    _, score_scales = drive(ReduceOnPlateau(patience=0, monitor="val_score"), values)
    _, forced = drive(ReduceOnPlateau(patience=0, monitor="val_score", mode="min"), values)
    assert loss_scales == [1.0] * 4 == forced
    assert score_scales == [1.0, 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1]


def test_live_state_without_its_metric_raises():
    state = ReduceOnPlateau(monitor="val_score").bind(Constant())
    with pytest.raises(ValueError, match="val_score"):
        state.observe({"loss": 1.0, "val_score": None}, 1.0)


# -- Adaptive: scikit-learn's SGD rule, by hand -------------------------------------


def test_adaptive_follows_sklearn_sgd_rule():
    # n_iter_no_change=2, tol=1e-3: an epoch is stale when loss > best - tol; the best
    # is updated by every lower loss, stale or not.
    values = [1.0, 0.9, 0.8995, 0.8992, 0.5, 0.4995, 0.4999, 0.4991, 0.3, 0.2999]
    # counts:  0    0    1       2->cut  0    1       2->cut  1       0    1
    answers, scales = drive(Adaptive(n_iter_no_change=2, tol=1e-3), values)
    kinds = [kind for _, kind in answers]
    assert (
        kinds == [None] * 3 + ["adaptive_reduce"] + [None] * 2 + ["adaptive_reduce"] + [None] * 3
    )
    assert all(decision is None for decision, _ in answers)
    assert scales == pytest.approx([1.0] * 3 + [0.2] * 3 + [0.04] * 4, rel=1e-12)


def test_adaptive_best_follows_every_lower_loss():
    # As scikit-learn: a stale epoch still lowers the best, which raises the bar.
    # 0.95 is stale (not below 1.0 - 0.1) but becomes the best, so 0.88 is stale too.
    answers, _ = drive(Adaptive(n_iter_no_change=2, tol=0.1), [1.0, 0.95, 0.88])
    assert answers[-1] == (None, "adaptive_reduce")
    answers, _ = drive(
        Adaptive(n_iter_no_change=2, tol=0.1, monitor="val_score"), [0.5, 0.55, 0.62]
    )
    assert answers[-1] == (None, "adaptive_reduce")


def test_adaptive_edge_of_tol_counts_as_improvement():
    # Binary-exact numbers: 0.875 == 1.0 - 0.125 exactly, which is not above best - tol.
    answers, scales = drive(Adaptive(n_iter_no_change=1, tol=0.125), [1.0, 0.875, 0.875, 0.75])
    assert [kind for _, kind in answers] == [None, None, "adaptive_reduce", None]
    assert scales == [1.0, 1.0, 0.2, 0.2]


def test_adaptive_custom_factor():
    answers, scales = drive(Adaptive(n_iter_no_change=1, factor=0.5), [1.0, 1.0, 1.0, 1.0])
    assert [kind for _, kind in answers] == [None] + ["adaptive_reduce"] * 3
    assert scales == [1.0, 0.5, 0.25, 0.125]


def test_adaptive_stops_once_the_rate_is_at_most_1e6():
    assert ADAPTIVE_MIN_LR == 1e-6
    policy = Adaptive(n_iter_no_change=1)
    state = policy.bind(Constant())
    lr = 2e-6
    answers = []
    for value in [1.0, 1.0, 1.0]:
        answers.append(state.observe({"loss": value, "val_score": None}, lr * state.scale))
    # Epoch 1: stale at a rate above 1e-6 -> cut to 4e-7; epoch 2: stale at 4e-7 -> stop.
    assert answers == [(None, None), (None, "adaptive_reduce"), ("stop", "adaptive_stop")]
    assert state.scale == pytest.approx(0.2)
    # At exactly 1e-6 it stops; just above it cuts; without a stale streak it does neither.
    for next_lr, expected in [
        (1e-6, ("stop", "adaptive_stop")),
        (1.01e-6, (None, "adaptive_reduce")),
    ]:
        state = policy.bind(Constant())
        state.observe({"loss": 1.0, "val_score": None}, next_lr)
        assert state.observe({"loss": 1.0, "val_score": None}, next_lr) == expected
    answers, _ = drive(policy, [1.0, 0.5, 0.1], next_lr=1e-9)
    assert answers == [(None, None)] * 3


def test_adaptive_on_the_validation_score():
    # Greater is better: stale when score < best + tol.
    values = [0.5, 0.6, 0.6005, 0.6, 0.7, 0.7005, 0.7]
    # counts:  0    0    1       2->cut  0    1       2->cut
    answers, scales = drive(Adaptive(n_iter_no_change=2, monitor="val_score"), values)
    kinds = [kind for _, kind in answers]
    assert kinds == [None, None, None, "adaptive_reduce", None, None, "adaptive_reduce"]
    assert scales == pytest.approx([1.0] * 3 + [0.2] * 3 + [0.04], rel=1e-12)


def test_plateau_eps_is_in_rate_units_as_pytorchs():
    """PyTorch skips a reduction that lowers the *rate* by less than eps=1e-8."""

    def pytorch(lr, n_epochs, factor=0.1, min_lr=0.0, eps=1e-8):
        rates = []
        for _ in range(n_epochs):  # a constant metric, patience=0: every epoch is bad
            new = max(lr * factor, min_lr)
            if lr - new > eps:
                lr = new
            rates.append(lr)
        return rates

    for lr in [1e-3, 1.0, 50.0]:
        state = ReduceOnPlateau(patience=0).bind(Constant())
        rates = []
        for _ in range(16):
            state.observe({"loss": 1.0, "val_score": None}, lr * state.scale)
            rates.append(lr * state.scale)
        # The first epoch sets the best; then every epoch is bad.
        assert rates[1:] == pytest.approx(pytorch(lr, 15), rel=1e-12), lr


# -- BoldDriver ---------------------------------------------------------------------


def test_bold_driver_on_the_loss():
    values = [1.0, 0.9, 0.9, 0.95, 0.8, 0.85, 0.7]
    answers, scales = drive(BoldDriver(increase=1.25, decrease=0.5), values)
    assert answers == [
        (None, None),  # the first epoch only sets the reference
        (None, "bold_increase"),
        ("reject", "bold_undo"),  # a tie is not an improvement
        ("reject", "bold_undo"),  # a rise; the reference stays 0.9
        (None, "bold_increase"),  # 0.8 < 0.9
        ("reject", "bold_undo"),
        (None, "bold_increase"),
    ]
    assert scales == [1.0, 1.25, 0.625, 0.3125, 0.390625, 0.1953125, 0.244140625]


def test_bold_driver_on_the_validation_score():
    values = [0.5, 0.6, 0.6, 0.55, 0.7]
    answers, scales = drive(BoldDriver(monitor="val_score"), values)
    assert [a for a, _ in answers] == [None, None, "reject", "reject", None]
    assert [k for _, k in answers] == [
        None,
        "bold_increase",
        "bold_undo",
        "bold_undo",
        "bold_increase",
    ]
    assert scales == pytest.approx([1.0, 1.05, 0.525, 0.2625, 0.275625], rel=1e-12)


def test_only_bold_driver_may_reject():
    assert BoldDriver().bind(Constant()).may_reject
    assert not ReduceOnPlateau().bind(Constant()).may_reject
    assert not Adaptive().bind(Constant()).may_reject


# -- real fits ------------------------------------------------------------------------


def sgd(**kw):
    return LRTunedSGDClassifier(random_state=0, **kw), IRIS_X, IRIS_Y


def mlp(**kw):
    est = LRTunedMLPClassifier(hidden_layer_sizes=(16,), solver="sgd", random_state=0, **kw)
    return est, DIGITS_X, DIGITS_Y


# (estimator builder, lr, policy, max_iter) with at least one reaction of the policy.
FITS = {
    "sgd-plateau": (sgd, 0.1, ReduceOnPlateau(patience=1, factor=0.5), 20),
    "mlp-plateau": (
        mlp,
        0.2,
        ReduceOnPlateau(patience=1, factor=0.5, threshold=0.01, threshold_mode="abs"),
        20,
    ),
    "sgd-adaptive": (sgd, 0.1, Adaptive(n_iter_no_change=2), 30),
    "mlp-adaptive": (mlp, 0.2, Adaptive(n_iter_no_change=2, tol=1e-2), 20),
    "sgd-bold": (sgd, 0.1, BoldDriver(), 20),
    "mlp-bold": (mlp, 0.2, BoldDriver(increase=1.5), 20),
}
FACTOR = {
    "plateau_reduce": lambda p: p.factor,
    "adaptive_reduce": lambda p: p.factor,
    "bold_increase": lambda p: p.increase,
    "bold_undo": lambda p: p.decrease,
}


def fit(case, **params):
    build, lr, policy, max_iter = FITS[case]
    est, X, y = build(lr=lr, schedule=policy, max_iter=max_iter, **params)
    return est.fit(X, y)


def observe_controller(monkeypatch):
    """Record every metrics dict a controller is shown from now on, in order."""
    seen = []
    original = Controller.observe

    def spy(self, metrics, next_lr, steps=()):
        seen.append(dict(metrics))
        return original(self, metrics, next_lr, steps)

    monkeypatch.setattr(Controller, "observe", spy)
    return seen


def fit_observed(case, monkeypatch):
    """Fit, recording every metrics dict the controller was shown, in order."""
    seen = observe_controller(monkeypatch)
    return fit(case), seen


def replay(policy, est, seen):
    """Feed the metrics the fit showed its policy to a fresh live state.

    Returns ``[(epoch, decision, kind, metric)]`` for every reaction, with
    ``epoch`` as ``lr_events_`` counts it: the epochs accepted by then (an
    undone epoch is not).
    """
    state = policy.bind(Constant())
    reactions, epoch = [], 0
    for metrics in seen:
        decision, kind = state.observe(metrics, est.lr * state.scale)
        if kind is not None:
            accepted = epoch if decision == "reject" else epoch + 1
            reactions.append((accepted, decision, kind, metrics[policy.monitor]))
        if decision != "reject":
            epoch += 1
    return reactions


@pytest.mark.parametrize("case", FITS)
def test_fit_events_agree_with_a_replay_of_the_metrics(case, monkeypatch):
    est, seen = fit_observed(case, monkeypatch)
    policy = FITS[case][2]
    events = [e for e in est.lr_events_ if e["kind"] in FACTOR or e["kind"] == "adaptive_stop"]
    assert events, "the case must make the policy react"
    assert events == est.lr_events_  # nothing but the policy's reactions here
    recorded = [(e["epoch"], e["kind"], e["metric"]) for e in events]
    assert recorded == [
        (epoch, kind, value) for epoch, _, kind, value in replay(policy, est, seen)
    ]


@pytest.mark.parametrize("case", [c for c in FITS if c.startswith("sgd")])
def test_sgd_policies_see_the_loss_curve(case, monkeypatch):
    """For SGD the monitored loss is the recorded loss_curve_ (the end-of-epoch objective)."""
    est, seen = fit_observed(case, monkeypatch)
    undone = {e["metric"] for e in est.lr_events_ if e["kind"] == "bold_undo"}
    accepted = [m["loss"] for m in seen if m["loss"] not in undone]
    assert np.array_equal(accepted, est.loss_curve_)


@pytest.mark.parametrize("case", FITS)
def test_fit_event_rates_match_lr_curve(case):
    est = fit(case)
    policy = FITS[case][2]
    curve = est.lr_curve_
    assert len(curve) == est.t_ == est.n_iter_ == len(est.loss_curve_)
    assert curve[0] == est.lr
    for event in est.lr_events_:
        kind, step = event["kind"], event["step"]
        assert set(event) == {"step", "epoch", "kind", "lr_before", "lr_after", "metric", "detail"}
        if kind == "adaptive_stop":
            assert step == est.t_ and event["lr_before"] == event["lr_after"] == curve[-1]
            continue
        assert event["lr_after"] == pytest.approx(
            event["lr_before"] * FACTOR[kind](policy), rel=1e-12
        )
        # One step per epoch: an event says how many epochs were accepted,
        # which is the step it applies from.
        assert step == event["epoch"]
        if kind != "bold_undo":
            # A change after epoch `epoch` applies from the next step on; the
            # undone epoch was step `step`, at lr_before, and is not in lr_curve_.
            assert event["lr_before"] == pytest.approx(curve[step - 1], rel=1e-12)
    # Between consecutive accepted steps the rate moves only by the events at that step
    # (a change after the previous epoch, then the retries of this one).
    for step in range(1, est.t_):
        at_step = [e["kind"] for e in est.lr_events_ if e["step"] == step and e["kind"] in FACTOR]
        ratio = np.prod([FACTOR[kind](policy) for kind in at_step])
        assert curve[step] == pytest.approx(curve[step - 1] * ratio, rel=1e-12), step


@pytest.mark.parametrize("case", ["sgd-plateau", "mlp-plateau"])
def test_plateau_reduce_drops_lr_curve_by_exactly_the_factor(case):
    est = fit(case)
    factor = FITS[case][2].factor
    steps = [e["step"] for e in est.lr_events_ if e["kind"] == "plateau_reduce"]
    steps = [s for s in steps if s < est.t_]
    assert steps
    for s in steps:
        assert est.lr_curve_[s] == pytest.approx(est.lr_curve_[s - 1] * factor, rel=1e-12)
    unchanged = [s for s in range(1, est.t_) if s not in steps]
    np.testing.assert_array_equal(est.lr_curve_[unchanged], est.lr_curve_[np.array(unchanged) - 1])


@pytest.mark.parametrize("case", ["sgd-bold", "mlp-bold"])
def test_bold_driver_undone_epochs_are_only_in_the_events(case):
    est = fit(case)
    max_iter = FITS[case][3]
    undos = [e for e in est.lr_events_ if e["kind"] == "bold_undo"]
    assert undos
    assert est.n_iter_ + len(undos) == max_iter
    assert len(est.lr_curve_) == est.t_ == est.n_iter_ < max_iter
    # The first epoch only sets the reference.
    assert all(e["epoch"] >= 1 for e in est.lr_events_)
    # Each retry runs at the previous attempt's rate times `decrease`; the accepted
    # rate at that step is the last retry's, and no undone rate is in lr_curve_.
    for step, group in itertools.groupby(undos, key=lambda e: e["step"]):
        group = list(group)
        for a, b in itertools.pairwise(group):
            assert b["lr_before"] == a["lr_after"]
        if step < est.t_:
            assert est.lr_curve_[step] == group[-1]["lr_after"]
            assert all(e["lr_before"] != est.lr_curve_[step] for e in group)


def test_bold_undo_event_lr_after_is_the_retry_rate_on_a_decaying_base():
    # With a non-constant base schedule the undone step is retried at the *same* step,
    # so the event's lr_after must be lr_curve_ at that step.
    policy = BoldDriver(schedule=ExponentialDecay(gamma=0.9))
    est = LRTunedSGDClassifier(lr=0.1, schedule=policy, max_iter=10, random_state=0)
    est.fit(IRIS_X, IRIS_Y)
    undos = [e for e in est.lr_events_ if e["kind"] == "bold_undo" and e["step"] < est.t_]
    assert undos
    for event in undos:
        assert event["lr_after"] == pytest.approx(est.lr_curve_[event["step"]], rel=1e-12)


def test_bold_driver_in_a_stream_compares_each_chunk_with_itself():
    """A chunk is undone only when its step raised the loss of that chunk.

    Chunks differ, so comparing one chunk's loss with the previous chunk's
    would undo (and lose) chunks at random.
    """
    X, y = make_classification(2000, 10, random_state=0)
    for lr, magnitude in [(0.01, 1.0), (1.0, 30.0)]:
        est = LRTunedSGDClassifier(loss="log_loss", schedule=BoldDriver(), lr=lr, random_state=0)
        for chunk in np.array_split(np.arange(2000), 20):
            Xc, yc = X[chunk] * magnitude, y[chunk]
            started = hasattr(est, "_engine")
            before = est._engine.adapter.objective(Xc, yc, None) if started else None
            n_events = len(est.lr_events_) if started else 0
            est.partial_fit(Xc, yc, classes=[0, 1])
            for event in est.lr_events_[n_events:]:
                if event["kind"] == "bold_undo":
                    assert event["metric"] >= before
                elif event["kind"] == "bold_increase":
                    assert event["metric"] < before
        kinds = [e["kind"] for e in est.lr_events_]
        if magnitude == 1.0:  # at this rate every chunk's step lowers its loss
            assert est.t_ == 20 and "bold_undo" not in kinds, kinds
        else:
            assert "bold_undo" in kinds, kinds


# (Adam at 0.02 is left out: there the network sits at a minimum after a few epochs,
# where every step, however small, raises the loss, and BoldDriver rightly keeps
# undoing: the weights stay those of the best accepted epoch.)
@pytest.mark.parametrize("solver, lr", [("sgd", 0.2)])
def test_bold_driver_mlp_recovers_after_an_undo(solver, lr):
    # After 7 undos the retry runs at 1/128 of the rate and barely moves the weights, so
    # its loss is that of the weights kept: it must not keep losing to the reference
    # (a fit must not spend the rest of max_iter undoing one step).
    est = LRTunedMLPClassifier(
        hidden_layer_sizes=(16,),
        solver=solver,
        lr=lr,
        schedule=BoldDriver(increase=1.5),
        max_iter=30,
        random_state=0,
    ).fit(DIGITS_X, DIGITS_Y)
    undos_per_step = {}
    for e in est.lr_events_:
        if e["kind"] == "bold_undo":
            undos_per_step[e["step"]] = undos_per_step.get(e["step"], 0) + 1
    assert undos_per_step
    assert max(undos_per_step.values()) <= 7, undos_per_step


@pytest.mark.parametrize("build", [sgd, mlp])
def test_adaptive_stops_early_at_a_tiny_rate(build):
    est, X, y = build(lr=2e-6, schedule=Adaptive(n_iter_no_change=1), max_iter=30)
    est.fit(X, y)
    kinds = [e["kind"] for e in est.lr_events_]
    assert kinds[-1] == "adaptive_stop"
    assert kinds.count("adaptive_stop") == 1
    assert set(kinds) <= {"adaptive_reduce", "adaptive_stop"}
    stop = est.lr_events_[-1]
    assert stop["lr_before"] <= ADAPTIVE_MIN_LR
    assert stop["step"] == est.t_ == est.n_iter_ == len(est.lr_curve_) < 30
    # Every cut before the stop was taken at a rate above 1e-6.
    for e in est.lr_events_[:-1]:
        assert e["lr_before"] > ADAPTIVE_MIN_LR
        assert e["lr_after"] == pytest.approx(e["lr_before"] * 0.2, rel=1e-12)


# -- the policy object is a parameter -----------------------------------------------


@pytest.mark.parametrize("case", FITS)
def test_policy_object_is_never_changed_and_fits_repeat(case):
    policy = FITS[case][2]
    params = policy.get_params(deep=True)
    attrs = dict(vars(policy))
    first = fit(case)
    assert first.schedule is policy
    assert first.get_params()["schedule"] is policy
    assert policy.get_params(deep=True) == params
    assert vars(policy) == attrs
    second = fit(case)
    np.testing.assert_array_equal(first.lr_curve_, second.lr_curve_)
    np.testing.assert_array_equal(first.loss_curve_, second.loss_curve_)
    assert first.lr_events_ == second.lr_events_
    first_w = first.coef_ if hasattr(first, "coef_") else first.coefs_[0]
    second_w = second.coef_ if hasattr(second, "coef_") else second.coefs_[0]
    np.testing.assert_array_equal(first_w, second_w)


def test_policy_inside_a_composition_is_never_changed():
    plateau = ReduceOnPlateau(patience=0, factor=0.5)
    schedules = [CosineWarmRestarts(period=3), plateau]
    product = Product(schedules)
    est = LRTunedSGDClassifier(lr=0.1, schedule=product, max_iter=12, random_state=0)
    est.fit(IRIS_X, IRIS_Y)
    assert est.schedule is product
    assert product.schedules is schedules
    assert schedules[1] is plateau
    assert plateau.get_params() == ReduceOnPlateau(patience=0, factor=0.5).get_params()
    assert any(e["kind"] == "plateau_reduce" for e in est.lr_events_)
    clone(est)  # still a plain parameter object


# -- composition ----------------------------------------------------------------------

# (schedule, its base without the policy, warmup steps before the policy applies)
COMPOSED = {
    "warmup-of-plateau": (
        Warmup(schedule=ReduceOnPlateau(patience=0, factor=0.5), warmup_steps=3),
        Warmup(schedule=Constant(), warmup_steps=3),
        3,
    ),
    "product-with-plateau": (
        Product([CosineWarmRestarts(period=3), ReduceOnPlateau(patience=0, factor=0.5)]),
        CosineWarmRestarts(period=3),
        0,
    ),
    "plateau-over-cosine": (
        ReduceOnPlateau(schedule=CosineDecay(), patience=0, factor=0.5),
        CosineDecay(),
        0,
    ),
}


@pytest.mark.parametrize("case", COMPOSED)
def test_policy_composes_with_schedules(case):
    schedule, base, start = COMPOSED[case]
    max_iter, lr = 12, 0.1
    est = LRTunedSGDClassifier(lr=lr, schedule=schedule, max_iter=max_iter, random_state=0)
    est.fit(IRIS_X, IRIS_Y)
    cuts = [e["step"] for e in est.lr_events_ if e["kind"] == "plateau_reduce"]
    restarts = [e["step"] for e in est.lr_events_ if e["kind"] == "restart"]
    assert len(cuts) + len(restarts) == len(est.lr_events_)
    # The base schedule's own restarts, and only those, are recorded besides the cuts.
    steps = np.arange(max_iter)
    assert restarts == np.flatnonzero(base.restarts(steps, horizon=max_iter)).tolist()
    assert any(start <= s < max_iter for s in cuts), "a cut must show in the curve"
    multiplier = np.array([0.5 ** sum(c <= s for c in cuts) for s in steps])
    multiplier = np.where(steps >= start, multiplier, 1.0)
    expected = sklr.simulate(base, max_iter, lr=lr) * multiplier
    np.testing.assert_allclose(est.lr_curve_, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "policy, base",
    [
        (ReduceOnPlateau(), Constant()),
        (ReduceOnPlateau(schedule=CosineDecay()), CosineDecay()),
        (Adaptive(schedule=ExponentialDecay(gamma=0.8)), ExponentialDecay(gamma=0.8)),
        (BoldDriver(schedule=CosineWarmRestarts(period=4)), CosineWarmRestarts(period=4)),
        *[(s, b) for s, b, _ in COMPOSED.values()],
    ],
)
def test_simulate_a_policy_is_its_base_schedule(policy, base):
    np.testing.assert_array_equal(
        sklr.simulate(policy, 17, lr=0.3), sklr.simulate(base, 17, lr=0.3)
    )


# -- monitoring the validation score ------------------------------------------------


@pytest.mark.parametrize("build", [sgd, mlp])
@pytest.mark.parametrize(
    "policy",
    [
        ReduceOnPlateau(patience=1, monitor="val_score"),
        Adaptive(n_iter_no_change=2, monitor="val_score"),
        BoldDriver(monitor="val_score"),
    ],
    ids=["plateau", "adaptive", "bold"],
)
def test_val_score_monitor_creates_a_validation_split(build, policy, monkeypatch):
    est, X, y = build(lr=0.1, schedule=policy, max_iter=12, validation_fraction=0.2)
    assert not est.early_stopping
    seen = observe_controller(monkeypatch)
    est.fit(X, y)
    assert len(est.validation_scores_) == est.n_iter_
    assert np.all((est.validation_scores_ >= 0) & (est.validation_scores_ <= 1))
    reactions = replay(policy, est, seen)
    recorded = [(e["epoch"], e["kind"]) for e in est.lr_events_]
    assert recorded == [(epoch, kind) for epoch, _, kind, _ in reactions]


@pytest.mark.parametrize(
    "policy",
    [
        ReduceOnPlateau(patience=1, monitor="val_score"),
        Adaptive(n_iter_no_change=2, monitor="val_score"),
        BoldDriver(monitor="val_score"),
        ReduceOnPlateau(patience=1),
    ],
    ids=["plateau-val", "adaptive-val", "bold-val", "plateau-loss"],
)
def test_event_metric_is_the_monitored_value(policy):
    est = LRTunedSGDClassifier(
        lr=0.1, schedule=policy, max_iter=12, random_state=0, validation_fraction=0.2
    ).fit(IRIS_X, IRIS_Y)
    accepted = [e for e in est.lr_events_ if e["kind"] != "bold_undo"]
    assert accepted
    monitored = est.validation_scores_ if policy.monitor == "val_score" else est.loss_curve_
    for event in accepted:
        assert event["metric"] == monitored[event["epoch"] - 1], event


@pytest.mark.parametrize(
    "schedule",
    [
        ReduceOnPlateau(monitor="val_score"),
        Adaptive(monitor="val_score"),
        BoldDriver(monitor="val_score"),
        Warmup(schedule=ReduceOnPlateau(monitor="val_score")),
    ],
)
def test_val_score_monitor_with_partial_fit_raises(schedule):
    est = LRTunedSGDClassifier(schedule=schedule)
    with pytest.raises(ValueError, match="val_score"):
        est.partial_fit(IRIS_X, IRIS_Y, classes=np.unique(IRIS_Y))
    with pytest.raises(NotFittedError):
        est.predict(IRIS_X)
    # With the loss it streams.
    LRTunedSGDClassifier(schedule=ReduceOnPlateau()).partial_fit(
        IRIS_X, IRIS_Y, classes=np.unique(IRIS_Y)
    )


# -- aliases and searches -------------------------------------------------------------


@pytest.mark.parametrize(
    "alias, kinds",
    [
        ("plateau", {"plateau_reduce"}),
        ("adaptive", {"adaptive_reduce", "adaptive_stop"}),
        ("bold_driver", {"bold_increase", "bold_undo"}),
    ],
)
def test_string_aliases(alias, kinds):
    est = LRTunedSGDClassifier(lr=1.0, schedule=alias, max_iter=40, random_state=0)
    est.fit(IRIS_X, IRIS_Y)
    assert est.schedule == alias
    assert {e["kind"] for e in est.lr_events_} <= kinds
    assert est.lr_events_, "the default policy must react on this fit"
    undos = sum(e["kind"] == "bold_undo" for e in est.lr_events_)
    if alias != "adaptive":  # the others never stop early
        assert est.n_iter_ + undos == 40
    np.testing.assert_array_equal(sklr.simulate(alias, 5), np.ones(5))


def test_grid_search_over_policy_parameters():
    policy = ReduceOnPlateau(factor=0.5)
    est = LRTunedSGDClassifier(lr=0.1, schedule=policy, max_iter=10, random_state=0)
    search = GridSearchCV(est, {"schedule__patience": [0, 3], "schedule__factor": [0.5]}, cv=3)
    search.fit(IRIS_X, IRIS_Y)
    assert len(search.cv_results_["params"]) == 2
    best = search.best_params_["schedule__patience"]
    assert search.best_estimator_.schedule.patience == best
    assert search.best_estimator_.schedule is not policy
    assert policy.patience == 10  # the user's object is untouched
    assert est.schedule is policy
    # The searched value reaches the fit: patience=0 cuts on the first bad epoch.
    zero = clone(est).set_params(schedule__patience=0).fit(IRIS_X, IRIS_Y)
    three = clone(est).set_params(schedule__patience=3).fit(IRIS_X, IRIS_Y)
    assert len(zero.lr_events_) > len(three.lr_events_)


# -- decisions of several kinds after one epoch ------------------------------------


def test_restore_best_counts_the_epoch_a_policy_ends_the_fit_with():
    """The epoch a policy stops on is scored like any other: it may be the best."""
    from sklearn.datasets import load_diabetes

    from sklr import LRTunedSGDRegressor

    X, y = load_diabetes(return_X_y=True)
    est = LRTunedSGDRegressor(
        lr=1e-6,
        schedule=Adaptive(n_iter_no_change=1, tol=1e9),
        early_stopping=True,
        max_iter=20,
        random_state=0,
    ).fit(scale(X), y)
    kinds = [event["kind"] for event in est.lr_events_]
    assert kinds[-1] == "adaptive_stop"
    scores = est.validation_scores_
    assert len(scores) == est.n_iter_ and np.argmax(scores) == len(scores) - 1
    # The last epoch is the best one, so nothing is brought back.
    assert "restore_best" not in kinds


def test_events_after_an_epoch_carry_its_number():
    """Policy changes, edge shrinks, early stops and restores after epoch k say epoch k."""
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    est = LRTunedSGDClassifier(
        lr=1e3, schedule=ReduceOnPlateau(patience=0), max_iter=8, random_state=0
    ).fit(X, y)
    after = [e for e in est.lr_events_ if e["kind"] != "rollback"]
    assert {e["kind"] for e in after} >= {"plateau_reduce", "edge_shrink"}
    for event in after:
        # Per epoch, a decision after epoch k applies from step k.
        assert event["epoch"] == event["step"], event
    for event in est.lr_events_:
        if event["kind"] == "rollback":  # during the epoch after those accepted
            assert event["epoch"] == event["step"], event


def test_two_policies_changing_the_rate_after_one_epoch_chain_their_events():
    """Each event shows its own change, from the rate the one before left."""
    plateau = ReduceOnPlateau(patience=0, threshold=1.0)
    est = LRTunedSGDClassifier(
        lr=0.1,
        schedule=Product([plateau, Adaptive(n_iter_no_change=1, tol=1e9)]),
        max_iter=3,
        random_state=0,
    ).fit(IRIS_X, IRIS_Y)
    events = est.lr_events_
    at_step_2 = [e for e in events if e["step"] == 2]
    assert [e["kind"] for e in at_step_2] == ["plateau_reduce", "adaptive_reduce"]
    first, second = at_step_2
    np.testing.assert_allclose(first["lr_after"], first["lr_before"] * plateau.factor)
    np.testing.assert_allclose(second["lr_before"], first["lr_after"])
    np.testing.assert_allclose(second["lr_after"], second["lr_before"] * 0.2)
    np.testing.assert_allclose(second["lr_after"], est.lr_curve_[2])


def test_adaptive_stop_in_a_stream_is_recorded_once_with_a_warning():
    """A stream goes on after a policy's stop (its caller ends it), and says so once."""
    est = LRTunedSGDClassifier(
        lr=1e-6, schedule=Adaptive(n_iter_no_change=1, tol=1e9), max_iter=20, random_state=0
    )
    with pytest.warns(UserWarning, match="A policy ended training at step 2") as caught:
        for call in range(5):
            est.partial_fit(IRIS_X, IRIS_Y, classes=np.unique(IRIS_Y) if call == 0 else None)
    assert len([w for w in caught if "policy ended" in str(w.message)]) == 1
    assert [e["kind"] for e in est.lr_events_] == ["adaptive_stop"]
    assert est.n_iter_ == 5
    np.testing.assert_allclose(est.lr_curve_[2:], est.lr_curve_[1])


def test_a_stop_that_an_undo_overrides_is_asked_again(monkeypatch):
    """An undone epoch's stop does not count: the retry may stop the fit again."""
    from sklr._adapters._base import Adapter

    scores = iter([0.5, 0.4, 0.6, 0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67])
    monkeypatch.setattr(Adapter, "score", lambda self, X, y, sample_weight=None: next(scores))
    schedule = Product(
        [
            BoldDriver(monitor="val_score"),
            Adaptive(monitor="val_score", n_iter_no_change=1, tol=0.2),
        ]
    )
    est = LRTunedSGDClassifier(lr=1e-7, schedule=schedule, max_iter=8, random_state=0)
    est.fit(IRIS_X, IRIS_Y)
    kinds = [(e["kind"], e["epoch"]) for e in est.lr_events_]
    # Epoch 2 is undone (its score fell) while Adaptive asks to stop; the retry
    # is stale too, and this time the stop ends the fit.
    assert kinds == [
        ("bold_undo", 1),
        ("adaptive_stop", 1),
        ("bold_increase", 2),
        ("adaptive_stop", 2),
    ]
    assert est.n_iter_ == 2


# -- the schedule's warm restarts ------------------------------------------------


def _restart_events(est):
    return [e for e in est.lr_events_ if e["kind"] == "restart"]


@pytest.mark.parametrize("make", [LRTunedSGDClassifier, LRTunedMLPClassifier])
@pytest.mark.parametrize(
    "step_every, steps_per_epoch", [("epoch", 1), ("batch", 5)], ids=["epoch", "batch"]
)
def test_warm_restarts_are_in_lr_events_at_the_steps_they_apply_from(
    make, step_every, steps_per_epoch
):
    schedule = Warmup(CosineWarmRestarts(period=3, period_mult=1.5), warmup_steps=2)
    kwargs = {"hidden_layer_sizes": (4,)} if make is LRTunedMLPClassifier else {}
    batch = {"batch_size": 30} if step_every == "batch" else {}
    est = make(
        lr=0.01,
        schedule=schedule,
        max_iter=12,
        step_every=step_every,
        random_state=0,
        **batch,
        **kwargs,
    ).fit(IRIS_X, IRIS_Y)
    restarts = _restart_events(est)
    expected = np.flatnonzero(schedule.restarts(np.arange(est.t_), horizon=est.t_))
    assert len(expected) >= 2
    assert [e["step"] for e in restarts] == expected.tolist()
    for event in restarts:
        step = event["step"]
        assert event["lr_before"] == est.lr_curve_[step - 1] < event["lr_after"]
        assert event["lr_after"] == est.lr_curve_[step]
        assert event["epoch"] == step // steps_per_epoch  # epochs accepted by then
        assert event["metric"] is None and event["detail"]


def test_restarts_and_policy_changes_are_recorded_in_step_order():
    schedule = ReduceOnPlateau(CosineWarmRestarts(period=2), patience=0, threshold=1.0)
    est = LRTunedSGDClassifier(lr=0.1, schedule=schedule, max_iter=7, random_state=0)
    est.fit(IRIS_X, IRIS_Y)
    kinds = {e["kind"] for e in est.lr_events_}
    assert kinds == {"restart", "plateau_reduce"}
    steps = [e["step"] for e in est.lr_events_]
    assert steps == sorted(steps)
    assert [e["step"] for e in _restart_events(est)] == [2, 4, 6]


def test_a_stream_records_the_restarts_of_the_fit_it_equals():
    schedule = CosineWarmRestarts(period=2)
    est = LRTunedSGDClassifier(lr=0.01, schedule=schedule, max_iter=6, random_state=0)
    fitted = clone(est).fit(IRIS_X, IRIS_Y)
    for call in range(6):
        est.partial_fit(IRIS_X, IRIS_Y, classes=np.unique(IRIS_Y) if call == 0 else None)
    np.testing.assert_array_equal(est.lr_curve_, fitted.lr_curve_)
    assert [e["step"] for e in _restart_events(est)] == [2, 4]
    assert _restart_events(est) == _restart_events(fitted)


def test_schedules_without_cycles_record_no_restart():
    for schedule in ["constant", "cosine", "onecycle", "cyclic", "step"]:
        est = LRTunedSGDClassifier(schedule=schedule, max_iter=8, random_state=0)
        assert not _restart_events(est.fit(IRIS_X, IRIS_Y)), schedule


class _PlainHalving:
    """A schedule that is just a callable with get_params (no restarts method)."""

    def __init__(self, restarts=3):
        self.restarts = restarts  # a parameter of that name must not be taken for the method

    def __call__(self, t, horizon=None):
        return 0.5 ** (np.asarray(t, dtype=float) // 5)

    def get_params(self, deep=True):
        return {"restarts": self.restarts}


@pytest.mark.parametrize(
    "schedule",
    [
        _PlainHalving(),
        Warmup(_PlainHalving(), warmup_steps=2),
        Product([_PlainHalving(), CosineWarmRestarts(period=3)]),
        ReduceOnPlateau(_PlainHalving()),
        sklr.schedules.Sequential([_PlainHalving(), CosineWarmRestarts(period=3)], [4]),
    ],
    ids=["plain", "warmup", "product", "policy", "sequential"],
)
def test_callables_without_restarts_train_inside_any_schedule(schedule):
    est = LRTunedSGDClassifier(lr=0.01, schedule=schedule, max_iter=10, random_state=0)
    est.fit(IRIS_X, IRIS_Y)
    steps = [e["step"] for e in _restart_events(est)]
    if "CosineWarmRestarts" in repr(schedule):
        assert steps  # the part that restarts still says so
    else:
        assert steps == []


class _CyclesWithACount(sklr.schedules.Schedule):
    """A Schedule subclass with a parameter named like the method."""

    _parameter_constraints = {"restarts": [int]}

    def __init__(self, restarts=2):
        self.restarts = restarts

    def _factor(self, t, horizon):
        return 1.0 - (t % 3) / 3


def test_a_schedule_parameter_named_restarts_does_not_hide_the_method():
    est = LRTunedSGDClassifier(lr=0.01, schedule=_CyclesWithACount(), max_iter=6, random_state=0)
    assert _restart_events(est.fit(IRIS_X, IRIS_Y)) == []


def test_restarts_that_leave_the_rate_unchanged_are_not_events():
    # period 1: every step starts a cycle, at the same peak: no jump, no restart,
    # whatever else changes the rate at those steps.
    for schedule in [
        CosineWarmRestarts(period=1),
        Product([CosineWarmRestarts(period=1), ExponentialDecay(gamma=0.5)]),
        BoldDriver(schedule=CosineWarmRestarts(period=1)),
    ]:
        est = LRTunedSGDClassifier(lr=0.01, schedule=schedule, max_iter=6, random_state=0)
        assert _restart_events(est.fit(IRIS_X, IRIS_Y)) == [], schedule
    decaying = CosineWarmRestarts(period=3, decay=0.5)  # peaks 1, 0.5, ...: still jumps
    est = LRTunedSGDClassifier(lr=0.01, schedule=decaying, max_iter=7, random_state=0)
    assert [e["step"] for e in _restart_events(est.fit(IRIS_X, IRIS_Y))] == [3, 6]
