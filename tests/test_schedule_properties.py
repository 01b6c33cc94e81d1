"""Hypothesis property tests over the parameter space of every schedule.

Properties: values are finite, non-negative and never above the documented
maximum; decays are non-increasing; compositions hand over at their
boundaries. Where a closed form is simple, the values are also compared with
it (written out here, independently of the code under test).
"""

import math
import pickle

import numpy as np
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

import sklr
from sklr.schedules import (
    Constant,
    CosineDecay,
    CosineWarmRestarts,
    Cyclic,
    ExponentialDecay,
    InverseTimeDecay,
    LinearSchedule,
    MultiStepDecay,
    OneCycle,
    PiecewiseConstant,
    PolynomialDecay,
    Product,
    Sequential,
    StepDecay,
    Warmup,
    WarmupStableDecay,
)

FAST = settings(max_examples=50, deadline=None)
EPS = 1e-12

unit = st.floats(0.0, 1.0, allow_nan=False)
gamma_le1 = st.floats(0.01, 1.0, allow_nan=False)
horizons = st.integers(1, 300)
extra = st.integers(0, 40)


def close(a, b, rtol=1e-9, atol=1e-12):
    np.testing.assert_allclose(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol, atol=atol
    )


def check_range(values, low, high):
    values = np.asarray(values)
    assert np.all(np.isfinite(values)), values
    assert np.all(values >= 0), values
    assert np.all(values >= low - EPS), (values.min(), low)
    assert np.all(values <= high + EPS), (values.max(), high)


def check_non_increasing(values):
    diffs = np.diff(np.asarray(values))
    assert np.all(diffs <= EPS * (1 + np.abs(values[:-1]))), diffs.max()


# ---------------------------------------------------------------------------
# Decays
# ---------------------------------------------------------------------------


@FAST
@given(step_size=st.integers(1, 50), gamma=gamma_le1, n=st.integers(1, 400))
def test_step_decay(step_size, gamma, n):
    t = np.arange(n)
    f = StepDecay(step_size=step_size, gamma=gamma)(t)
    check_range(f, 0, 1)
    check_non_increasing(f)
    assert f[0] == 1.0
    close(f, gamma ** (t // step_size))


@FAST
@given(
    milestones=st.lists(st.integers(0, 150), max_size=6, unique=True).map(sorted),
    gamma=gamma_le1,
    n=st.integers(1, 200),
)
def test_multistep_decay(milestones, gamma, n):
    t = np.arange(n)
    f = MultiStepDecay(milestones=milestones, gamma=gamma)(t)
    check_range(f, gamma ** len(milestones), 1)
    check_non_increasing(f)
    close(f, [gamma ** sum(m <= s for m in milestones) for s in t])


@FAST
@given(
    gamma=gamma_le1,
    decay_steps=st.integers(1, 30),
    staircase=st.booleans(),
    n=st.integers(1, 300),
)
def test_exponential_decay(gamma, decay_steps, staircase, n):
    t = np.arange(n)
    f = ExponentialDecay(gamma=gamma, decay_steps=decay_steps, staircase=staircase)(t)
    check_range(f, 0, 1)
    check_non_increasing(f)
    p = t // decay_steps if staircase else t / decay_steps
    close(f, gamma**p)


@FAST
@given(
    decay_rate=st.floats(0.0, 10.0),
    decay_steps=st.integers(1, 30),
    power=st.floats(0.0, 3.0),
    n=st.integers(1, 300),
)
def test_inverse_time_decay(decay_rate, decay_steps, power, n):
    t = np.arange(n)
    f = InverseTimeDecay(decay_rate=decay_rate, decay_steps=decay_steps, power=power)(t)
    check_range(f, 0, 1)
    check_non_increasing(f)
    assert f[0] == 1.0
    close(f, (1 + decay_rate * t / decay_steps) ** -power)


@FAST
@given(
    power=st.floats(0.1, 5.0),
    end=unit,
    total=st.one_of(st.none(), st.integers(1, 150)),
    T=horizons,
    k=extra,
)
def test_polynomial_decay(power, end, total, T, k):
    sched = PolynomialDecay(power=power, end_factor=end, total_steps=total)
    eff = total if total is not None else T
    t = np.arange(eff + k + 1)
    f = sched(t, horizon=T)
    check_range(f, end, 1)
    check_non_increasing(f)
    close(f[0], 1.0)
    close(f[eff:], end)  # holds end_factor from the horizon on
    close(f, (1 - end) * (1 - np.minimum(t, eff) / eff) ** power + end)
    if total is not None:  # total_steps overrides the horizon
        close(sched(t, horizon=T + 17), f, rtol=0, atol=0)
        close(sched(t), f, rtol=0, atol=0)


@FAST
@given(
    s=st.floats(0.0, 2.0),
    e=st.floats(0.0, 2.0),
    total=st.one_of(st.none(), st.integers(1, 150)),
    T=horizons,
    k=extra,
)
@example(s=0.1, e=0.0, total=None, T=3, k=2)  # (e - s) * T / T != e - s in floats
def test_linear_schedule(s, e, total, T, k):
    sched = LinearSchedule(start_factor=s, end_factor=e, total_steps=total)
    eff = total if total is not None else T
    t = np.arange(eff + k + 1)
    f = sched(t, horizon=T)
    check_range(f, min(s, e), max(s, e))
    if e <= s:
        check_non_increasing(f)
    else:
        check_non_increasing(-f)
    close(f[0], s)
    close(f[eff:], e)
    close(f, s + (e - s) * np.minimum(t, eff) / eff)


@FAST
@given(m=unit, total=st.one_of(st.none(), st.integers(1, 150)), T=horizons, k=extra)
def test_cosine_decay(m, total, T, k):
    sched = CosineDecay(min_factor=m, total_steps=total)
    eff = total if total is not None else T
    t = np.arange(eff + k + 1)
    f = sched(t, horizon=T)
    check_range(f, m, 1)
    check_non_increasing(f)
    close(f[0], 1.0)
    close(f[eff:], m)  # holds its floor past the horizon
    close(f, m + (1 - m) * (1 + np.cos(np.pi * np.minimum(t, eff) / eff)) / 2)
    if total is not None:
        close(sched(t, horizon=T + 5), f, rtol=0, atol=0)


# ---------------------------------------------------------------------------
# CosineWarmRestarts
# ---------------------------------------------------------------------------


def restarts_reference(t, period, period_mult, min_factor, decay):
    start, length, i = 0.0, float(period), 0
    while t >= start + length:
        start += length
        length *= period_mult
        i += 1
    return (
        min_factor
        + (1 - min_factor) * decay**i * (1 + math.cos(math.pi * (t - start) / length)) / 2
    )


@FAST
@given(
    period=st.integers(1, 30),
    period_mult=st.floats(1.0, 3.0),
    m=unit,
    decay=st.floats(0.01, 1.0),
    n=st.integers(1, 300),
)
def test_restarts_range(period, period_mult, m, decay, n):
    f = CosineWarmRestarts(period=period, period_mult=period_mult, min_factor=m, decay=decay)(
        np.arange(n)
    )
    check_range(f, m, 1)
    close(f[0], 1.0)
    # within the first cycle it is a plain cosine decay to the floor
    first = np.arange(min(n, period))
    close(f[: len(first)], m + (1 - m) * (1 + np.cos(np.pi * first / period)) / 2)


@FAST
@given(
    # periods and multipliers whose cycle boundaries are exact binary fractions
    period=st.sampled_from([1, 2, 3, 4, 8, 12, 16, 20]),
    period_mult=st.sampled_from([1.0, 1.25, 1.5, 2.0, 2.5, 3.0]),
    m=unit,
    decay=st.floats(0.01, 1.0),
    n=st.integers(1, 400),
)
def test_restarts_closed_form(period, period_mult, m, decay, n):
    sched = CosineWarmRestarts(period=period, period_mult=period_mult, min_factor=m, decay=decay)
    t = np.arange(n)
    f = sched(t)
    close(f, [restarts_reference(s, period, period_mult, m, decay) for s in t])
    # at each (integer) cycle start the factor is m + (1 - m) * decay**i
    start, length, i = 0.0, float(period), 0
    while start < n:
        if start == int(start):
            close(f[int(start)], m + (1 - m) * decay**i)
        start, length, i = start + length, length * period_mult, i + 1


# ---------------------------------------------------------------------------
# Cyclic
# ---------------------------------------------------------------------------


def torch_cyclic_reference(t, m, up, down, mode, gamma):
    """PyTorch CyclicLR.get_lr with base_lr=m, max_lr=1 (scale_mode per mode)."""
    total = up + down
    ratio = up / total
    cycle = math.floor(1 + t / total)
    x = 1.0 + t / total - cycle
    scale = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
    height = (1 - m) * scale
    if mode == "triangular":
        return m + height
    if mode == "triangular2":
        return m + height / 2.0 ** (cycle - 1)
    return m + height * gamma**t


@FAST
@given(
    m=unit,
    up=st.integers(1, 20),
    down=st.one_of(st.none(), st.integers(1, 20)),
    mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
    gamma=st.floats(0.5, 1.0),
    n=st.integers(1, 200),
)
def test_cyclic(m, up, down, mode, gamma, n):
    sched = Cyclic(min_factor=m, step_size_up=up, step_size_down=down, mode=mode, gamma=gamma)
    t = np.arange(n)
    f = sched(t)
    check_range(f, m, 1)
    close(f[0], m)
    d = up if down is None else down
    close(f, [torch_cyclic_reference(s, m, up, d, mode, gamma) for s in t])
    if n > up:
        peak = 1.0 if mode != "exp_range" else m + (1 - m) * gamma**up
        close(f[up], peak)
    if mode == "triangular" and n > up + d:
        close(f[up + d :], f[: n - up - d])  # periodic


@FAST
@given(m=unit, T=horizons)
def test_cyclic_default_step_size(m, T):
    f = sklr.simulate(Cyclic(min_factor=m), T)
    up = max(1, T // 4)
    close(f, [torch_cyclic_reference(s, m, up, up, "triangular", 1.0) for s in range(T)])
    # Planned over the horizon, it holds the value of its last step past it.
    past = Cyclic(min_factor=m)(np.arange(T, 3 * T), horizon=T)
    close(past, f[T - 1])


# ---------------------------------------------------------------------------
# OneCycle
# ---------------------------------------------------------------------------


def torch_onecycle_reference(step, T, pct, div, final_div, anneal, three_phase):
    """PyTorch OneCycleLR.get_lr with max_lr=1 (phases as in its __init__)."""
    initial = 1.0 / div
    low = initial / final_div
    if three_phase:
        phases = [
            (float(pct * T) - 1, initial, 1.0),
            (float(2 * pct * T) - 2, 1.0, initial),
            (T - 1, initial, low),
        ]
    else:
        phases = [(float(pct * T) - 1, initial, 1.0), (T - 1, 1.0, low)]
    start_step = 0.0
    for i, (end_step, start, end) in enumerate(phases):
        if step <= end_step or i == len(phases) - 1:
            frac = (step - start_step) / (end_step - start_step)
            if anneal == "cos":
                return end + (start - end) / 2.0 * (math.cos(math.pi * frac) + 1)
            return (end - start) * frac + start
        start_step = end_step
    raise AssertionError("unreachable")


onecycle_params = dict(
    pct=st.floats(0.01, 0.99),
    div=st.floats(1.5, 100.0),
    final_div=st.floats(1.0, 1e4),
    anneal=st.sampled_from(["cos", "linear"]),
    three_phase=st.booleans(),
    T=st.integers(2, 300),
    k=extra,
)


@FAST
@given(**onecycle_params)
def test_onecycle_range_and_hold(pct, div, final_div, anneal, three_phase, T, k):
    sched = OneCycle(
        pct_start=pct,
        div_factor=div,
        final_div_factor=final_div,
        anneal=anneal,
        three_phase=three_phase,
    )
    f = sched(np.arange(T + k), horizon=T)
    check_range(f, 1.0 / div / final_div, 1.0)
    close(f[T - 1 :], f[T - 1])  # holds its final value from T - 1 on
    if not three_phase or float(2 * pct * T) - 2 < T - 1:
        close(f[T - 1], 1.0 / div / final_div)
    with_total = OneCycle(
        pct_start=pct,
        div_factor=div,
        final_div_factor=final_div,
        anneal=anneal,
        three_phase=three_phase,
        total_steps=T,
    )
    close(with_total(np.arange(T + k)), f)
    close(with_total(np.arange(T + k), horizon=2 * T + 1), f)


@FAST
@given(**onecycle_params)
def test_onecycle_matches_torch_formula(pct, div, final_div, anneal, three_phase, T, k):
    # the phases have positive length (PyTorch divides by zero otherwise)
    e1 = float(pct * T) - 1
    assume(e1 > 0)
    if three_phase:
        e2 = float(2 * pct * T) - 2
        assume(e1 < e2 < T - 1)
    else:
        assume(e1 < T - 1)
    sched = OneCycle(
        pct_start=pct,
        div_factor=div,
        final_div_factor=final_div,
        anneal=anneal,
        three_phase=three_phase,
    )
    f = sched(np.arange(T), horizon=T)
    expected = [
        torch_onecycle_reference(s, T, pct, div, final_div, anneal, three_phase) for s in range(T)
    ]
    close(f, expected)
    close(f[0], 1.0 / div)
    assert np.argmax(f) == math.floor(e1) or np.argmax(f) == math.ceil(e1)


# ---------------------------------------------------------------------------
# PiecewiseConstant / WarmupStableDecay
# ---------------------------------------------------------------------------


@FAST
@given(
    data=st.data(),
    boundaries=st.lists(st.integers(0, 150), max_size=6, unique=True).map(sorted),
    n=st.integers(1, 200),
)
def test_piecewise_constant(data, boundaries, n):
    factors = data.draw(
        st.lists(st.floats(0.0, 5.0), min_size=len(boundaries) + 1, max_size=len(boundaries) + 1)
    )
    t = np.arange(n)
    f = PiecewiseConstant(boundaries=boundaries, factors=factors)(t)
    check_range(f, min(factors), max(factors))
    close(f, [factors[sum(b <= s for b in boundaries)] for s in t], rtol=0, atol=0)


def wsd_decay_steps(decay_fraction, T):
    """WSD's decay length: ceil(decay_fraction * T), the product rounded to 9 decimals first."""
    return max(1, math.ceil(round(decay_fraction * T, 9)))


def wsd_reference(t, T, warmup_steps, decay_fraction, decay):
    W = warmup_steps or max(1, T // 10)
    D = wsd_decay_steps(decay_fraction, T)
    if t < W:
        return 0.01 + 0.99 * t / W
    if t < T - D:
        return 1.0
    u = min(t - (T - D), D)
    return 1 - u / D if decay == "linear" else (1 + math.cos(math.pi * u / D)) / 2


@FAST
@given(
    T=st.integers(2, 400),
    warmup=st.one_of(st.none(), st.integers(1, 100)),
    decay_fraction=st.floats(0.01, 1.0),
    decay=st.sampled_from(["linear", "cosine"]),
    k=extra,
)
def test_wsd(T, warmup, decay_fraction, decay, k):
    W = warmup or max(1, T // 10)
    D = wsd_decay_steps(decay_fraction, T)
    assume(W + D <= T)  # phases do not overlap
    sched = WarmupStableDecay(warmup_steps=warmup, decay_fraction=decay_fraction, decay=decay)
    t = np.arange(T + k)
    f = sched(t, horizon=T)
    check_range(f, 0, 1)
    close(f[0], 0.01)
    check_non_increasing(f[W:])
    check_non_increasing(-f[:W])
    close(f, [wsd_reference(s, T, warmup, decay_fraction, decay) for s in t])


# ---------------------------------------------------------------------------
# Compositions: Warmup, Sequential, Product
# ---------------------------------------------------------------------------


def _cos(m):
    return lambda t, H: m + (1 - m) * (1 + math.cos(math.pi * min(t, H) / H)) / 2


def _poly(p, e):
    return lambda t, H: (1 - e) * (1 - min(t, H) / H) ** p + e


def _lin(s, e):
    return lambda t, H: s + (e - s) * min(t, H) / H


# (schedule, closed form f(t, horizon), max, min, needs horizon)
inner_schedules = st.one_of(
    st.just((Constant(), lambda t, H: 1.0, 1.0, 1.0, False)),
    unit.map(lambda m: (CosineDecay(min_factor=m), _cos(m), 1.0, m, True)),
    st.tuples(st.floats(0.2, 4.0), unit).map(
        lambda a: (PolynomialDecay(power=a[0], end_factor=a[1]), _poly(*a), 1.0, a[1], True)
    ),
    st.tuples(st.floats(0.0, 2.0), st.floats(0.0, 2.0)).map(
        lambda a: (
            LinearSchedule(start_factor=a[0], end_factor=a[1]),
            _lin(*a),
            max(a),
            min(a),
            True,
        )
    ),
    gamma_le1.map(lambda g: (ExponentialDecay(gamma=g), lambda t, H: g**t, 1.0, 0.0, False)),
    st.tuples(st.integers(1, 10), gamma_le1).map(
        lambda a: (
            StepDecay(step_size=a[0], gamma=a[1]),
            lambda t, H: a[1] ** (t // a[0]),
            1.0,
            0.0,
            False,
        )
    ),
)


@FAST
@given(
    inner=inner_schedules,
    W=st.integers(1, 30),
    extra_T=st.integers(1, 200),
    s=unit,
    mode=st.sampled_from(["linear", "cos", "constant"]),
    k=extra,
)
def test_warmup(inner, W, extra_T, s, mode, k):
    sched_in, ref, top, _, _ = inner
    T = W + extra_T
    sched = Warmup(sched_in, warmup_steps=W, start_factor=s, mode=mode)
    t = np.arange(T + k)
    f = sched(t, horizon=T)
    check_range(f, 0, max(1.0, top))
    # the warmup ramp is non-decreasing from s
    close(f[0], s)
    check_non_increasing(-f[:W])
    # hands over to the wrapped schedule at t = W with the remaining horizon
    close(f[W], sched_in(0, horizon=T - W))
    close(f[W], ref(0, T - W))

    def warm(u):
        if mode == "linear":
            return s + (1 - s) * u / W
        if mode == "cos":
            return s + (1 - s) * (1 - math.cos(math.pi * u / W)) / 2
        return s

    close(f, [warm(u) if u < W else ref(u - W, T - W) for u in t])


@FAST
@given(
    inner=inner_schedules.filter(lambda x: not x[4]),
    W=st.integers(1, 30),
    n=st.integers(1, 100),
)
def test_warmup_without_horizon(inner, W, n):
    sched_in, ref, top, _, _ = inner
    f = Warmup(sched_in, warmup_steps=W, start_factor=0.1)(np.arange(n))
    check_range(f, 0, max(1.0, top))
    close(f, [0.1 + 0.9 * u / W if u < W else ref(u - W, None) for u in range(n)])


@FAST
@given(
    data=st.data(),
    pieces=st.lists(inner_schedules, min_size=2, max_size=4),
    T=st.integers(10, 300),
    k=extra,
)
def test_sequential(data, pieces, T, k):
    boundaries = sorted(
        data.draw(
            st.lists(
                st.integers(1, T - 1),
                min_size=len(pieces) - 1,
                max_size=len(pieces) - 1,
                unique=True,
            )
        )
    )
    schedules = [p[0] for p in pieces]
    sched = Sequential(schedules, boundaries)
    t = np.arange(T + k)
    f = sched(t, horizon=T)
    edges = [0, *boundaries, T]
    check_range(f, 0, max(p[2] for p in pieces))
    # hand-over: at b_i the value is schedules[i+1](0, horizon=length of piece i+1)
    for i, b in enumerate(boundaries):
        H = edges[i + 2] - edges[i + 1]
        close(f[b], schedules[i + 1](0, horizon=H))
        close(f[b], pieces[i + 1][1](0, H))

    def expected(u):
        i = sum(b <= u for b in boundaries)
        return pieces[i][1](u - edges[i], edges[i + 1] - edges[i])

    close(f, [expected(u) for u in t])


@FAST
@given(pieces=st.lists(inner_schedules, min_size=1, max_size=3), T=horizons, k=extra)
def test_product(pieces, T, k):
    schedules = [p[0] for p in pieces]
    t = np.arange(T + k)
    f = Product(schedules)(t, horizon=T)
    check_range(f, 0, math.prod(p[2] for p in pieces))
    close(f, np.prod([s(t, horizon=T) for s in schedules], axis=0))
    close(f, [math.prod(p[1](u, T) for p in pieces) for u in t])


# ---------------------------------------------------------------------------
# Generic: vectorised == scalar, simulate scales by lr, clone/pickle
# ---------------------------------------------------------------------------

any_schedule = st.one_of(
    inner_schedules.map(lambda x: x[0]),
    st.builds(
        CosineWarmRestarts,
        period=st.integers(1, 20),
        period_mult=st.floats(1.0, 3.0),
        min_factor=unit,
        decay=st.floats(0.01, 1.0),
    ),
    st.builds(
        Cyclic,
        min_factor=unit,
        step_size_up=st.one_of(st.none(), st.integers(1, 20)),
        step_size_down=st.one_of(st.none(), st.integers(1, 20)),
        mode=st.sampled_from(["triangular", "triangular2", "exp_range"]),
        gamma=st.floats(0.5, 1.0),
    ),
    st.builds(
        OneCycle,
        pct_start=st.floats(0.05, 0.95),
        div_factor=st.floats(1.5, 100.0),
        final_div_factor=st.floats(1.0, 1e4),
        anneal=st.sampled_from(["cos", "linear"]),
        three_phase=st.booleans(),
    ),
    st.builds(
        WarmupStableDecay,
        decay_fraction=st.floats(0.01, 0.5),
        decay=st.sampled_from(["linear", "cosine"]),
    ),
    st.builds(
        MultiStepDecay,
        milestones=st.lists(st.integers(0, 60), max_size=4, unique=True).map(sorted),
        gamma=gamma_le1,
    ),
)


@FAST
@given(
    sched=any_schedule,
    T=st.integers(20, 200),
    steps=st.lists(st.integers(0, 260), min_size=1, max_size=8),
    lr=st.floats(1e-4, 10.0),
)
def test_vectorised_equals_scalar_and_simulate(sched, T, steps, lr):
    vec = sched(np.array(steps), horizon=T)
    assert vec.shape == (len(steps),)
    for s, v in zip(steps, vec, strict=True):
        x = sched(s, horizon=T)
        assert np.ndim(x) == 0
        close(x, v, rtol=1e-12, atol=1e-15)
    assert np.all(np.isfinite(vec)) and np.all(vec >= 0)
    sim = sklr.simulate(sched, T, lr=lr)
    close(sim, lr * sched(np.arange(T), horizon=T), rtol=1e-12, atol=0)
    close(
        sklr.simulate(sched, T, lr=1.0)[min(steps[0], T - 1)],
        sched(min(steps[0], T - 1), horizon=T),
        rtol=1e-12,
        atol=0,
    )


@FAST
@given(sched=any_schedule, T=st.integers(20, 200))
def test_clone_and_pickle_preserve_values(sched, T):
    t = np.arange(T + 10)
    f = sched(t, horizon=T)
    close(clone(sched)(t, horizon=T), f, rtol=0, atol=0)
    close(pickle.loads(pickle.dumps(sched))(t, horizon=T), f, rtol=0, atol=0)
    assert clone(sched).get_params(deep=False).keys() == sched.get_params(deep=False).keys()
