"""Value tables and API tests for ``sklr.schedules``.

Every expected value here is computed independently of the code under test:
either a literal table of reference numbers (PyTorch 2.13 CPU,
``torch.optim.lr_scheduler``, recording ``optimizer.param_groups[0]['lr']``
before each ``scheduler.step()``, SGD without momentum, ``cycle_momentum=False``
for the cyclic schedulers; rounded to 12 significant digits) or a documented
closed form (PyTorch, Keras, Optax) written out in this file.
"""

import math
import pickle
import re

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone

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
    Schedule,
    Sequential,
    StepDecay,
    Warmup,
    WarmupStableDecay,
    make_schedule,
)

RTOL = 1e-9
ATOL = 1e-12


def assert_close(got, expected, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(
        np.asarray(got, dtype=float),
        np.asarray(expected, dtype=float),
        rtol=rtol,
        atol=atol,
    )


def scalar_values(schedule, steps, horizon=None):
    """Evaluate ``schedule`` one python-int step at a time."""
    return np.array([schedule(int(t), horizon=horizon) for t in steps])


# ---------------------------------------------------------------------------
# Independent reference closed forms (documented formulas of other libraries)
# ---------------------------------------------------------------------------


def torch_cosine_annealing_closed_form(t, t_max, eta_max=1.0, eta_min=0.0):
    """PyTorch CosineAnnealingLR documented closed form.

    eta_t = eta_min + (eta_max - eta_min) * (1 + cos(pi * T_cur / T_max)) / 2
    """
    return eta_min + (eta_max - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2


def keras_exponential_decay(step, initial, decay_steps, decay_rate, staircase):
    """keras.optimizers.schedules.ExponentialDecay."""
    p = step / decay_steps
    if staircase:
        p = math.floor(p)
    return initial * decay_rate**p


def keras_inverse_time_decay(step, initial, decay_steps, decay_rate, staircase=False):
    """keras.optimizers.schedules.InverseTimeDecay."""
    p = step / decay_steps
    if staircase:
        p = math.floor(p)
    return initial / (1 + decay_rate * p)


def keras_cosine_decay(step, initial, decay_steps, alpha=0.0):
    """keras.optimizers.schedules.CosineDecay (no warmup)."""
    step = min(step, decay_steps)
    cosine_decayed = 0.5 * (1 + math.cos(math.pi * step / decay_steps))
    return initial * ((1 - alpha) * cosine_decayed + alpha)


def keras_cosine_decay_restarts(step, initial, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    """keras.optimizers.schedules.CosineDecayRestarts, written as documented."""
    completed_fraction = step / first_decay_steps
    if t_mul == 1.0:
        i_restart = math.floor(completed_fraction)
        completed_fraction -= i_restart
    else:
        i_restart = math.floor(
            math.log(1.0 - completed_fraction * (1.0 - t_mul)) / math.log(t_mul)
        )
        sum_r = (1.0 - t_mul**i_restart) / (1.0 - t_mul)
        completed_fraction = (completed_fraction - sum_r) / t_mul**i_restart
    m_fac = m_mul**i_restart
    cosine_decayed = 0.5 * m_fac * (1.0 + math.cos(math.pi * completed_fraction))
    return initial * ((1 - alpha) * cosine_decayed + alpha)


def optax_polynomial_schedule(init_value, end_value, power, transition_steps):
    """optax.polynomial_schedule (transition_begin=0)."""

    def schedule(count):
        count = min(max(count, 0), transition_steps)
        frac = 1 - count / transition_steps
        return (init_value - end_value) * frac**power + end_value

    return schedule


def optax_linear_schedule(init_value, end_value, transition_steps):
    """optax.linear_schedule = polynomial_schedule with power 1."""
    return optax_polynomial_schedule(init_value, end_value, 1, transition_steps)


def optax_cosine_decay_schedule(init_value, decay_steps, alpha=0.0, exponent=1.0):
    """optax.cosine_decay_schedule."""

    def schedule(count):
        count = min(count, decay_steps)
        cosine_decay = 0.5 * (1 + math.cos(math.pi * count / decay_steps))
        return init_value * ((1 - alpha) * cosine_decay**exponent + alpha)

    return schedule


def optax_join_schedules(schedules, boundaries):
    """optax.join_schedules."""

    def schedule(step):
        output = schedules[0](step)
        for boundary, sched in zip(boundaries, schedules[1:], strict=True):
            output = output if step < boundary else sched(step - boundary)
        return output

    return schedule


def optax_warmup_cosine_decay_schedule(
    init_value, peak_value, warmup_steps, decay_steps, end_value=0.0
):
    """optax.warmup_cosine_decay_schedule (exponent=1)."""
    alpha = end_value / peak_value
    return optax_join_schedules(
        [
            optax_linear_schedule(init_value, peak_value, warmup_steps),
            optax_cosine_decay_schedule(peak_value, decay_steps - warmup_steps, alpha),
        ],
        [warmup_steps],
    )


def restarts_reference(t, period, period_mult, min_factor, decay):
    """Cycle i has length period * period_mult**i (walked cycle by cycle)."""
    start, length, i = 0.0, float(period), 0
    while t >= start + length:
        start += length
        length *= period_mult
        i += 1
    tau = t - start
    return min_factor + (1 - min_factor) * decay**i * (1 + math.cos(math.pi * tau / length)) / 2


# ---------------------------------------------------------------------------
# Constant / StepDecay / MultiStepDecay / ExponentialDecay / InverseTimeDecay
# ---------------------------------------------------------------------------


def test_constant():
    assert_close(sklr.simulate(Constant(), 7), np.ones(7))
    assert_close(sklr.simulate(Constant(), 4, lr=0.3), [0.3] * 4)
    assert Constant()(0) == 1.0
    assert Constant()(10_000) == 1.0
    assert_close(Constant()(np.arange(5)), np.ones(5))


# Anchor: torch StepLR(step_size=3, gamma=0.5), lr=1.0, 12 steps
TORCH_STEPLR_3_05 = [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125]


def test_step_decay_matches_torch_steplr():
    sched = StepDecay(step_size=3, gamma=0.5)
    assert_close(sklr.simulate(sched, 12), TORCH_STEPLR_3_05)
    assert_close(sklr.simulate(sched, 12, lr=0.2), 0.2 * np.array(TORCH_STEPLR_3_05))
    assert_close(scalar_values(sched, range(12)), TORCH_STEPLR_3_05)


def test_step_decay_defaults_closed_form():
    # gamma ** floor(t / step_size) with the defaults step_size=10, gamma=0.1
    t = np.arange(35)
    assert_close(StepDecay()(t), 0.1 ** np.floor(t / 10))


# Anchor: torch MultiStepLR(milestones=[2, 5, 9], gamma=0.3), lr=1.0, 12 steps
TORCH_MULTISTEP = [1, 1, 0.3, 0.3, 0.3, 0.09, 0.09, 0.09, 0.09, 0.027, 0.027, 0.027]


def test_multistep_decay_matches_torch_multisteplr():
    sched = MultiStepDecay(milestones=(2, 5, 9), gamma=0.3)
    assert_close(sklr.simulate(sched, 12), TORCH_MULTISTEP)
    assert_close(scalar_values(sched, range(12)), TORCH_MULTISTEP)
    # list milestones work the same as a tuple
    assert_close(MultiStepDecay(milestones=[2, 5, 9], gamma=0.3)(np.arange(12)), TORCH_MULTISTEP)


def test_multistep_decay_milestone_zero():
    # milestone 0 counts at t=0 (m <= t)
    sched = MultiStepDecay(milestones=(0, 3), gamma=0.5)
    assert_close(sched(np.arange(5)), [0.5, 0.5, 0.5, 0.25, 0.25])


# Anchor: torch ExponentialLR(gamma=0.9), lr=1.0, 10 steps
TORCH_EXPONENTIAL_09 = [
    1,
    0.9,
    0.81,
    0.729,
    0.6561,
    0.59049,
    0.531441,
    0.4782969,
    0.43046721,
    0.387420489,
]


def test_exponential_decay_matches_torch_exponentiallr():
    sched = ExponentialDecay(gamma=0.9)
    assert_close(sklr.simulate(sched, 10), TORCH_EXPONENTIAL_09)
    assert_close(scalar_values(sched, range(10)), TORCH_EXPONENTIAL_09)


@pytest.mark.parametrize("staircase", [False, True])
@pytest.mark.parametrize("decay_steps,gamma", [(4, 0.5), (3, 0.96), (1, 0.8)])
def test_exponential_decay_matches_keras(staircase, decay_steps, gamma):
    # Keras ExponentialDecay(initial_learning_rate=1, decay_steps, decay_rate=gamma,
    # staircase)
    sched = ExponentialDecay(gamma=gamma, decay_steps=decay_steps, staircase=staircase)
    t = np.arange(25)
    expected = [keras_exponential_decay(s, 1.0, decay_steps, gamma, staircase) for s in t]
    assert_close(sched(t), expected)
    assert_close(scalar_values(sched, t), expected)


def test_exponential_decay_staircase_literal():
    # Keras ExponentialDecay(1.0, decay_steps=4, decay_rate=0.5, staircase=True)
    sched = ExponentialDecay(gamma=0.5, decay_steps=4, staircase=True)
    assert_close(sched(np.arange(10)), [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25])


@pytest.mark.parametrize("decay_rate,decay_steps", [(0.5, 10), (1.0, 1), (2.0, 3)])
def test_inverse_time_decay_matches_keras(decay_rate, decay_steps):
    # Keras InverseTimeDecay(initial_learning_rate=1, decay_steps, decay_rate)
    sched = InverseTimeDecay(decay_rate=decay_rate, decay_steps=decay_steps)
    t = np.arange(30)
    expected = [keras_inverse_time_decay(s, 1.0, decay_steps, decay_rate) for s in t]
    assert_close(sched(t), expected)
    assert_close(sklr.simulate(sched, 30, lr=0.5), 0.5 * np.array(expected))


def test_inverse_time_decay_power():
    # (1 + decay_rate * t / decay_steps) ** (-power)
    sched = InverseTimeDecay(decay_rate=0.3, decay_steps=2, power=0.25)
    t = np.arange(20)
    assert_close(sched(t), (1 + 0.3 * t / 2) ** -0.25)
    # the 'invscaling' alias is scikit-learn SGD's invscaling: eta0 / (t+1)**0.25
    assert_close(sklr.simulate("invscaling", 20), 1 / (t + 1.0) ** 0.25)
    assert_close(
        InverseTimeDecay(decay_rate=1.0, decay_steps=1, power=1.0)(np.arange(5)),
        [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5],
    )


# ---------------------------------------------------------------------------
# PolynomialDecay / LinearSchedule
# ---------------------------------------------------------------------------

# Anchor: torch PolynomialLR(total_iters=8, power=2.0), lr=1.0, 12 steps
TORCH_POLY_8_2 = [
    1,
    0.765625,
    0.5625,
    0.390625,
    0.25,
    0.140625,
    0.0625,
    0.015625,
    0,
    0,
    0,
    0,
]
# Anchor: torch PolynomialLR(total_iters=10, power=1.0), lr=0.5, 10 steps
TORCH_POLY_10_1_LR05 = [0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05]


def test_polynomial_decay_matches_torch_polynomiallr_with_total_steps():
    sched = PolynomialDecay(power=2.0, total_steps=8)
    # total_steps overrides the horizon; past it the schedule holds 0
    assert_close(sched(np.arange(12)), TORCH_POLY_8_2)
    assert_close(sched(np.arange(12), horizon=100), TORCH_POLY_8_2)
    assert_close(sched(np.arange(12), horizon=3), TORCH_POLY_8_2)
    assert_close(sklr.simulate(sched, 12), TORCH_POLY_8_2)
    assert_close(scalar_values(sched, range(12), horizon=5), TORCH_POLY_8_2)


def test_polynomial_decay_horizon_relative_matches_torch():
    # PolynomialLR(total_iters=T) with T = the horizon of simulate
    assert_close(sklr.simulate(PolynomialDecay(), 10, lr=0.5), TORCH_POLY_10_1_LR05)
    assert_close(sklr.simulate("polynomial", 10, lr=0.5), TORCH_POLY_10_1_LR05)


@pytest.mark.parametrize("power,end", [(0.5, 0.1), (3.0, 0.2), (1.0, 0.0)])
def test_polynomial_decay_end_factor_matches_optax(power, end):
    # optax.polynomial_schedule(init_value=1, end_value=end, power, transition_steps=T)
    T = 16
    ref = optax_polynomial_schedule(1.0, end, power, T)
    sched = PolynomialDecay(power=power, end_factor=end)
    t = np.arange(T + 10)  # past the horizon it holds end_factor
    expected = [ref(s) for s in t]
    assert_close(sched(t, horizon=T), expected)
    assert_close(scalar_values(sched, t, horizon=T), expected)
    assert_close(sched(np.arange(T, T + 10), horizon=T), [end] * 10)


# Anchor: torch LinearLR(start_factor=0.25, end_factor=1.0, total_iters=6), 10 steps
TORCH_LINEAR_025_1_6 = [0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 1, 1, 1]
# Anchor: torch LinearLR(start_factor=1.0, end_factor=0.1, total_iters=5), 8 steps
TORCH_LINEAR_1_01_5 = [1, 0.82, 0.64, 0.46, 0.28, 0.1, 0.1, 0.1]


def test_linear_schedule_matches_torch_linearlr():
    up = LinearSchedule(start_factor=0.25, end_factor=1.0, total_steps=6)
    assert_close(up(np.arange(10)), TORCH_LINEAR_025_1_6)
    assert_close(up(np.arange(10), horizon=50), TORCH_LINEAR_025_1_6)
    down = LinearSchedule(start_factor=1.0, end_factor=0.1, total_steps=5)
    assert_close(sklr.simulate(down, 8), TORCH_LINEAR_1_01_5)
    assert_close(scalar_values(down, range(8)), TORCH_LINEAR_1_01_5)


def test_linear_schedule_horizon_relative():
    # LinearLR(start_factor=0.25, end_factor=1.0, total_iters=T=6) over 6 steps
    assert_close(sklr.simulate(LinearSchedule(start_factor=0.25), 6), TORCH_LINEAR_025_1_6[:6])
    # default start 1/3 -> end 1 over the horizon: s + (e - s) * min(t, T) / T
    t = np.arange(15)
    s = 1 / 3
    assert_close(LinearSchedule()(t, horizon=9), s + (1 - s) * np.minimum(t, 9) / 9)
    assert_close(sklr.simulate("linear", 9), s + (1 - s) * np.arange(9) / 9)


@pytest.mark.parametrize("s,T", [(0.1, 3), (0.7, 3), (0.3, 7), (0.9, 49)])
def test_linear_schedule_reaches_end_factor_zero_without_going_negative(s, T):
    # s + (0 - s) * min(t, T) / T is exactly 0 for t >= T; a factor must be >= 0
    sched = LinearSchedule(start_factor=s, end_factor=0.0, total_steps=T)
    tail = sched(np.arange(T, T + 5))
    assert np.all(tail >= 0), tail
    assert_close(tail, np.zeros(5), rtol=0, atol=1e-15)
    assert sched(T + 2) >= 0


# ---------------------------------------------------------------------------
# CosineDecay
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("min_factor", [0.0, 0.1, 0.5])
@pytest.mark.parametrize("T", [1, 4, 20, 37])
def test_cosine_decay_matches_torch_closed_form(min_factor, T):
    # torch CosineAnnealingLR(T_max=T, eta_min=min_factor*lr), documented closed form
    sched = CosineDecay(min_factor=min_factor)
    t = np.arange(T)
    expected = [torch_cosine_annealing_closed_form(s, T, 1.0, min_factor) for s in t]
    assert_close(sched(t, horizon=T), expected)
    assert_close(sklr.simulate(sched, T, lr=0.3), 0.3 * np.array(expected))
    # and the same as Keras CosineDecay(1.0, decay_steps=T, alpha=min_factor)
    keras = [keras_cosine_decay(s, 1.0, T, alpha=min_factor) for s in t]
    assert_close(sched(t, horizon=T), keras)


def test_cosine_decay_literal_and_holds_floor_past_horizon():
    # cos schedule over T=4: (1 + cos(pi t / 4)) / 2
    assert_close(
        CosineDecay()(np.arange(4), horizon=4),
        [1.0, 0.853553390593, 0.5, 0.146446609407],
    )
    # total_steps overrides the horizon; past it the schedule holds min_factor
    sched = CosineDecay(min_factor=0.2, total_steps=10)
    t = np.arange(25)
    expected = [torch_cosine_annealing_closed_form(min(s, 10), 10, 1.0, 0.2) for s in t]
    assert_close(sched(t), expected)
    assert_close(sched(t, horizon=1000), expected)
    assert_close(sched(np.arange(10, 25)), [0.2] * 15)
    assert_close(CosineDecay()(np.arange(8, 30), horizon=8), np.zeros(22))


# ---------------------------------------------------------------------------
# CosineWarmRestarts
# ---------------------------------------------------------------------------

# Anchor: torch CosineAnnealingWarmRestarts(T_0=5, T_mult=1, eta_min=0.0), 16 steps
TORCH_RESTARTS_5_1 = [
    1,
    0.904508497187,
    0.654508497187,
    0.345491502813,
    0.0954915028125,
    1,
    0.904508497187,
    0.654508497187,
    0.345491502813,
    0.0954915028125,
    1,
    0.904508497187,
    0.654508497187,
    0.345491502813,
    0.0954915028125,
    1,
]
# Anchor: torch CosineAnnealingWarmRestarts(T_0=3, T_mult=2, eta_min=0.1), 25 steps
TORCH_RESTARTS_3_2_01 = [
    1,
    0.775,
    0.325,
    1,
    0.939711431703,
    0.775,
    0.55,
    0.325,
    0.160288568297,
    1,
    0.98466662183,
    0.939711431703,
    0.868198051534,
    0.775,
    0.666468570296,
    0.55,
    0.433531429704,
    0.325,
    0.231801948466,
    0.160288568297,
    0.11533337817,
    1,
    0.996150187618,
    0.98466662183,
    0.96574578963,
]
# Anchor: torch CosineAnnealingWarmRestarts(T_0=3, T_mult=3, eta_min=0), stepped
# 370 times; values at steps 355..369. A cycle starts at 3+9+27+81+243 = 363.
TORCH_RESTARTS_3_3_TAIL = {
    355: 0.0026718987967,
    356: 0.002046100027,
    357: 0.0015035294161,
    358: 0.00104427764943,
    359: 0.000668421486458,
    360: 0.000376023747885,
    361: 0.000167133305156,
    362: 4.17850722814e-05,
    363: 1.0,
    364: 0.999995357157,
    365: 0.999981428713,
    366: 0.999958214928,
    367: 0.999925716232,
    368: 0.999883933229,
    369: 0.999832866695,
}


def test_restarts_matches_torch_tmult_1():
    sched = CosineWarmRestarts(period=5, period_mult=1, min_factor=0.0)
    assert_close(sched(np.arange(16)), TORCH_RESTARTS_5_1)
    # needs no horizon, ignores one
    assert_close(sched(np.arange(16), horizon=7), TORCH_RESTARTS_5_1)
    assert_close(scalar_values(sched, range(16)), TORCH_RESTARTS_5_1)


def test_restarts_matches_torch_tmult_2():
    sched = CosineWarmRestarts(period=3, period_mult=2, min_factor=0.1)
    assert_close(sched(np.arange(25)), TORCH_RESTARTS_3_2_01)
    assert_close(sklr.simulate(sched, 25), TORCH_RESTARTS_3_2_01)


def test_restarts_matches_torch_at_late_cycle_boundary():
    sched = CosineWarmRestarts(period=3, period_mult=3)
    steps = np.array(sorted(TORCH_RESTARTS_3_3_TAIL))
    expected = [TORCH_RESTARTS_3_3_TAIL[s] for s in steps]
    assert_close(sched(steps), expected)
    assert_close(scalar_values(sched, steps), expected)


@pytest.mark.parametrize(
    "period,period_mult,min_factor,decay",
    [
        (10, 2.0, 0.0, 1.0),
        (10, 2.0, 0.1, 0.5),
        (4, 1.5, 0.1, 0.8),  # non-integer t_mul, as Keras allows
        (6, 1.0, 0.2, 0.7),
        (5, 3.0, 0.05, 0.9),
    ],
)
def test_restarts_matches_keras_cosine_decay_restarts(period, period_mult, min_factor, decay):
    # Keras CosineDecayRestarts(1.0, first_decay_steps=period, t_mul=period_mult,
    # m_mul=decay, alpha=min_factor); the floor alpha is not decayed.
    sched = CosineWarmRestarts(
        period=period, period_mult=period_mult, min_factor=min_factor, decay=decay
    )
    t = np.arange(60)
    keras = [
        keras_cosine_decay_restarts(
            s, 1.0, period, t_mul=period_mult, m_mul=decay, alpha=min_factor
        )
        for s in t
    ]
    walked = [restarts_reference(s, period, period_mult, min_factor, decay) for s in t]
    assert_close(keras, walked)  # the two references agree on this range
    assert_close(sched(t), keras)
    assert_close(scalar_values(sched, t), keras)


@pytest.mark.parametrize("period, period_mult", [(3, 1.0), (3, 2.0), (2, 1.5), (4, 1.3), (1, 1.0)])
def test_warm_restarts_are_the_first_steps_of_the_later_cycles(period, period_mult):
    # Cycle i starts at period * (1 + mult + ... + mult**(i-1)); the restart is
    # the first whole step at or after it.
    starts, length, begin = [], float(period), float(period)
    while begin < 200:
        starts.append(math.ceil(begin - 1e-9))
        length *= period_mult
        begin += length
    t = np.arange(200)
    restarts = CosineWarmRestarts(period=period, period_mult=period_mult).restarts(t)
    if period == period_mult == 1:
        starts = []  # one-step cycles at the same peak: the factor never jumps
    np.testing.assert_array_equal(np.flatnonzero(restarts), starts)
    # The factor jumps up exactly there.
    factors = CosineWarmRestarts(period=period, period_mult=period_mult)(t)
    np.testing.assert_array_equal(np.flatnonzero(np.diff(factors) > 0) + 1, starts)


def test_restarts_of_composites_are_those_of_their_parts_where_they_run():
    sgdr = CosineWarmRestarts(period=3)
    t = np.arange(12)
    assert np.flatnonzero(Warmup(sgdr, warmup_steps=2).restarts(t, horizon=12)).tolist() == [
        5,
        8,
        11,
    ]
    seq = Sequential([CosineDecay(), sgdr], boundaries=[4])
    assert np.flatnonzero(seq.restarts(t, horizon=12)).tolist() == [7, 10]
    product = Product([sgdr, CosineWarmRestarts(period=4)])
    assert np.flatnonzero(product.restarts(t)).tolist() == [3, 4, 6, 8, 9]
    assert np.flatnonzero(sklr.policies.ReduceOnPlateau(sgdr).restarts(t)).tolist() == [3, 6, 9]
    assert sgdr.restarts(3) is True and sgdr.restarts(4) is False


@pytest.mark.parametrize(
    "schedule",
    [
        Constant(),
        StepDecay(),
        CosineDecay(),
        Cyclic(step_size_up=2),
        OneCycle(),
        WarmupStableDecay(),
        PiecewiseConstant(boundaries=[3], factors=[1.0, 2.0]),
    ],
    ids=lambda s: type(s).__name__,
)
def test_schedules_without_cycles_never_restart(schedule):
    assert not schedule.restarts(np.arange(30), horizon=30).any()


def test_restarts_decay_literal():
    # period 2, decay 0.5: cycle i starts at 2i with factor 0.5**i, mid-cycle half
    sched = CosineWarmRestarts(period=2, period_mult=1.0, decay=0.5)
    assert_close(sched(np.arange(6)), [1, 0.5, 0.5, 0.25, 0.25, 0.125])


# ---------------------------------------------------------------------------
# Cyclic
# ---------------------------------------------------------------------------

# Anchor: torch CyclicLR(base_lr=0.1, max_lr=1.0, step_size_up=4, mode='triangular')
TORCH_CYCLIC_TRI_4 = [
    0.1,
    0.325,
    0.55,
    0.775,
    1,
    0.775,
    0.55,
    0.325,
    0.1,
    0.325,
    0.55,
    0.775,
    1,
    0.775,
    0.55,
    0.325,
    0.1,
    0.325,
    0.55,
    0.775,
]
# Anchor: torch CyclicLR(base_lr=0.1, max_lr=1.0, step_size_up=3, step_size_down=5,
# mode='triangular')
TORCH_CYCLIC_TRI_3_5 = [
    0.1,
    0.4,
    0.7,
    1,
    0.82,
    0.64,
    0.46,
    0.28,
    0.1,
    0.4,
    0.7,
    1,
    0.82,
    0.64,
    0.46,
    0.28,
    0.1,
    0.4,
    0.7,
    1,
]
# Anchor: torch CyclicLR(base_lr=0.1, max_lr=1.0, step_size_up=4, mode='triangular2')
TORCH_CYCLIC_TRI2_4 = [
    0.1,
    0.325,
    0.55,
    0.775,
    1,
    0.775,
    0.55,
    0.325,
    0.1,
    0.2125,
    0.325,
    0.4375,
    0.55,
    0.4375,
    0.325,
    0.2125,
    0.1,
    0.15625,
    0.2125,
    0.26875,
    0.325,
    0.26875,
    0.2125,
    0.15625,
]
# Anchor: torch CyclicLR(base_lr=0.2, max_lr=1.0, step_size_up=3, mode='exp_range',
# gamma=0.9)
TORCH_CYCLIC_EXP_3_09 = [
    0.2,
    0.44,
    0.632,
    0.7832,
    0.54992,
    0.357464,
    0.2,
    0.32754584,
    0.429582512,
    0.5099363912,
    0.38596183472,
    0.283682825624,
    0.2,
    0.267783088755,
    0.32200955976,
    0.364712905676,
    0.298827743405,
    0.244472484532,
]
# Anchor: torch CyclicLR(base_lr=0.1, max_lr=1.0, step_size_up=5, mode='triangular'),
# 20 steps (the default step_size_up for a horizon of 20 is 20 // 4 = 5)
TORCH_CYCLIC_TRI_5 = [
    0.1,
    0.28,
    0.46,
    0.64,
    0.82,
    1,
    0.82,
    0.64,
    0.46,
    0.28,
    0.1,
    0.28,
    0.46,
    0.64,
    0.82,
    1,
    0.82,
    0.64,
    0.46,
    0.28,
]


@pytest.mark.parametrize(
    "params,expected",
    [
        (dict(min_factor=0.1, step_size_up=4), TORCH_CYCLIC_TRI_4),
        (dict(min_factor=0.1, step_size_up=3, step_size_down=5), TORCH_CYCLIC_TRI_3_5),
        (dict(min_factor=0.1, step_size_up=4, mode="triangular2"), TORCH_CYCLIC_TRI2_4),
        (
            dict(min_factor=0.2, step_size_up=3, mode="exp_range", gamma=0.9),
            TORCH_CYCLIC_EXP_3_09,
        ),
    ],
    ids=["triangular", "triangular-up3-down5", "triangular2", "exp_range"],
)
def test_cyclic_matches_torch_cycliclr(params, expected):
    sched = Cyclic(**params)
    n = len(expected)
    assert_close(sched(np.arange(n)), expected)  # explicit step size: no horizon
    assert_close(sched(np.arange(n), horizon=3), expected)
    assert_close(sklr.simulate(sched, n, lr=0.5), 0.5 * np.array(expected))
    assert_close(scalar_values(sched, range(n)), expected)


def test_cyclic_default_step_size_is_quarter_horizon():
    # step_size_up None -> max(1, T // 4): two full cycles over the horizon
    assert_close(sklr.simulate(Cyclic(), 20), TORCH_CYCLIC_TRI_5)
    assert_close(sklr.simulate("cyclic", 20), TORCH_CYCLIC_TRI_5)
    assert_close(sklr.simulate(Cyclic(), 22), TORCH_CYCLIC_TRI_5 + [0.1, 0.28])
    # T=3: step size max(1, 0) = 1 -> 0.1, 1, 0.1
    assert_close(sklr.simulate(Cyclic(), 3), [0.1, 1.0, 0.1])


# ---------------------------------------------------------------------------
# OneCycle
# ---------------------------------------------------------------------------

# Anchor: torch OneCycleLR(max_lr=0.1, total_steps=10), all defaults (pct_start=0.3,
# anneal_strategy='cos', div_factor=25, final_div_factor=1e4), lr values (max_lr=0.1)
TORCH_ONECYCLE_DEFAULT_LR01 = [
    0.004,
    0.052,
    0.1,
    0.0950484632013,
    0.081174565395,
    0.0611262021936,
    0.0388741978064,
    0.018825834605,
    0.00495193679865,
    4e-07,
]
# Anchor: torch OneCycleLR(max_lr=1.0, total_steps=20, pct_start=0.25,
# anneal_strategy='linear')
TORCH_ONECYCLE_LINEAR_025 = [
    0.04,
    0.28,
    0.52,
    0.76,
    1,
    0.9333336,
    0.8666672,
    0.8000008,
    0.7333344,
    0.666668,
    0.6000016,
    0.5333352,
    0.4666688,
    0.4000024,
    0.333336,
    0.2666696,
    0.2000032,
    0.1333368,
    0.0666704,
    4e-06,
]
# Anchor: torch OneCycleLR(max_lr=1.0, total_steps=20, three_phase=True), cos
TORCH_ONECYCLE_3PHASE_COS = [
    0.04,
    0.1316718427,
    0.3716718427,
    0.6683281573,
    0.9083281573,
    1,
    0.9083281573,
    0.6683281573,
    0.3716718427,
    0.1316718427,
    0.04,
    0.0387939730305,
    0.0353213567735,
    0.030001,
    0.023474616257,
    0.016529383743,
    0.010003,
    0.00468264322651,
    0.00121002696952,
    4e-06,
]
# Anchor: torch OneCycleLR(max_lr=1.0, total_steps=20, pct_start=0.4,
# three_phase=True, anneal_strategy='linear', div_factor=10, final_div_factor=100)
TORCH_ONECYCLE_3PHASE_LINEAR = [
    0.1,
    0.228571428571,
    0.357142857143,
    0.485714285714,
    0.614285714286,
    0.742857142857,
    0.871428571429,
    1,
    0.871428571429,
    0.742857142857,
    0.614285714286,
    0.485714285714,
    0.357142857143,
    0.228571428571,
    0.1,
    0.0802,
    0.0604,
    0.0406,
    0.0208,
    0.001,
]
# Anchor: torch OneCycleLR(max_lr=1.0, total_steps=15, pct_start=0.5, div_factor=5,
# final_div_factor=50), cos
TORCH_ONECYCLE_05_5_50 = [
    0.2,
    0.245817589739,
    0.372774101308,
    0.551785327898,
    0.741841954817,
    0.899404299268,
    0.98837672697,
    0.989117505165,
    0.904890463199,
    0.751,
    0.554055174707,
    0.348109536801,
    0.168772958033,
    0.047054362094,
    0.004,
]


def test_onecycle_done_criterion():
    """sklr.simulate(OneCycle(), 10, lr=0.1) == torch OneCycleLR(max_lr=0.1, 10)."""
    got = sklr.simulate(OneCycle(), 10, lr=0.1)
    assert isinstance(got, np.ndarray)
    assert got.shape == (10,)
    assert_close(got, TORCH_ONECYCLE_DEFAULT_LR01)
    assert_close(sklr.simulate("onecycle", 10, lr=0.1), TORCH_ONECYCLE_DEFAULT_LR01)


@pytest.mark.parametrize(
    "params,expected",
    [
        (dict(pct_start=0.25, anneal="linear"), TORCH_ONECYCLE_LINEAR_025),
        (dict(three_phase=True), TORCH_ONECYCLE_3PHASE_COS),
        (
            dict(
                pct_start=0.4,
                three_phase=True,
                anneal="linear",
                div_factor=10.0,
                final_div_factor=100.0,
            ),
            TORCH_ONECYCLE_3PHASE_LINEAR,
        ),
        (
            dict(pct_start=0.5, div_factor=5.0, final_div_factor=50.0),
            TORCH_ONECYCLE_05_5_50,
        ),
    ],
    ids=["linear", "three-phase-cos", "three-phase-linear", "cos-pct05"],
)
def test_onecycle_matches_torch_onecyclelr(params, expected):
    T = len(expected)
    sched = OneCycle(**params)
    assert_close(sched(np.arange(T), horizon=T), expected)
    assert_close(scalar_values(sched, range(T), horizon=T), expected)
    # total_steps overrides the horizon
    with_total = OneCycle(total_steps=T, **params)
    assert_close(with_total(np.arange(T)), expected)
    assert_close(with_total(np.arange(T), horizon=3 * T), expected)
    # past the end it holds its final value
    assert_close(with_total(np.arange(T - 1, T + 15)), [expected[-1]] * 16)
    assert_close(sched(np.arange(T, T + 5), horizon=T), [expected[-1]] * 5)


def test_onecycle_holds_final_value_past_horizon():
    final = 1 / 25 / 1e4  # initial = max/div_factor, min = initial/final_div_factor
    assert_close(OneCycle()(np.arange(9, 40), horizon=10), [final] * 31)
    assert_close(OneCycle(total_steps=10)(1000), final)


# ---------------------------------------------------------------------------
# PiecewiseConstant
# ---------------------------------------------------------------------------


def test_piecewise_constant_switches_at_boundary():
    sched = PiecewiseConstant(boundaries=(3, 7), factors=(1.0, 0.5, 0.1))
    expected = [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1]
    assert_close(sched(np.arange(12)), expected)
    assert_close(scalar_values(sched, range(12)), expected)
    assert_close(sklr.simulate(sched, 12, lr=2.0), 2 * np.array(expected))
    # like MultiStepLR(milestones=[2, 5, 9], gamma=0.3)
    like_multistep = PiecewiseConstant(boundaries=[2, 5, 9], factors=[1.0, 0.3, 0.09, 0.027])
    assert_close(like_multistep(np.arange(12)), TORCH_MULTISTEP)
    # (Keras PiecewiseConstantDecay would still give 1.0 at step 3; sklr switches)
    assert sched(3) == pytest.approx(0.5)


def test_piecewise_constant_factors_may_increase():
    sched = PiecewiseConstant(boundaries=[1], factors=[0.2, 3.0])
    assert_close(sched(np.arange(4)), [0.2, 3.0, 3.0, 3.0])
    assert_close(PiecewiseConstant(boundaries=[], factors=[0.7])(np.arange(3)), [0.7] * 3)


# ---------------------------------------------------------------------------
# Warmup
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("W,T,s", [(5, 20, 0.0), (3, 10, 0.1), (1, 7, 0.01)])
def test_warmup_cosine_matches_optax(W, T, s):
    # optax.warmup_cosine_decay_schedule(init_value=s*lr, peak_value=lr,
    # warmup_steps=W, decay_steps=T, end_value=0)
    lr = 0.4
    ref = optax_warmup_cosine_decay_schedule(s * lr, lr, W, T, 0.0)
    sched = Warmup(CosineDecay(), warmup_steps=W, start_factor=s)
    expected = [ref(t) for t in range(T)]
    assert_close(sklr.simulate(sched, T, lr=lr), expected)
    assert_close(lr * scalar_values(sched, range(T), horizon=T), expected)


def test_warmup_cosine_alias_matches_optax():
    # 'warmup_cosine' = Warmup(CosineDecay()) with warmup_steps=5, start_factor=0.01
    ref = optax_warmup_cosine_decay_schedule(0.01, 1.0, 5, 30, 0.0)
    assert_close(sklr.simulate("warmup_cosine", 30), [ref(t) for t in range(30)])


def test_warmup_modes_closed_forms():
    W, s = 4, 0.2
    t = np.arange(W)
    lin = Warmup(warmup_steps=W, start_factor=s)  # default: Constant, 'linear'
    cos = Warmup(warmup_steps=W, start_factor=s, mode="cos")
    const = Warmup(warmup_steps=W, start_factor=s, mode="constant")
    tail = np.ones(6)
    assert_close(lin(np.arange(W + 6)), np.r_[s + (1 - s) * t / W, tail])
    assert_close(cos(np.arange(W + 6)), np.r_[s + (1 - s) * (1 - np.cos(np.pi * t / W)) / 2, tail])
    assert_close(const(np.arange(W + 6)), np.r_[[s] * W, tail])
    assert_close(lin(np.arange(4)), [0.2, 0.4, 0.6, 0.8])


def test_warmup_defaults():
    # Warmup() = Constant after 5 linear steps from 0.01; needs no horizon
    expected = [0.01 + 0.99 * t / 5 for t in range(5)] + [1.0] * 5
    assert_close(Warmup()(np.arange(10)), expected)
    assert_close(sklr.simulate(Warmup(), 10), expected)


def test_warmup_passes_shifted_step_and_shortened_horizon():
    # for t >= W: inner(t - W, horizon=T - W)
    W, T = 3, 13
    inner = LinearSchedule(start_factor=1.0, end_factor=0.0)
    sched = Warmup(inner, warmup_steps=W, start_factor=0.5)
    t = np.arange(T + 4)
    expected = np.where(t < W, 0.5 + 0.5 * t / W, 1.0 - np.minimum(t - W, T - W) / (T - W))
    assert_close(sched(t, horizon=T), expected)
    # inner with its own total_steps ignores the horizon; no horizon needed
    inner_fixed = StepDecay(step_size=2, gamma=0.5)
    sched = Warmup(inner_fixed, warmup_steps=2, start_factor=0.0)
    assert_close(sched(np.arange(8)), [0, 0.5, 1, 1, 0.5, 0.5, 0.25, 0.25])


def test_warmup_of_polynomial_matches_optax_join():
    # join_schedules([linear(0.1->1, 4)], polynomial(1->0.05, power 2, T-4)), [4])
    W, T = 4, 24
    ref = optax_join_schedules(
        [
            optax_linear_schedule(0.1, 1.0, W),
            optax_polynomial_schedule(1.0, 0.05, 2.0, T - W),
        ],
        [W],
    )
    sched = Warmup(PolynomialDecay(power=2.0, end_factor=0.05), warmup_steps=W, start_factor=0.1)
    assert_close(sched(np.arange(T + 5), horizon=T), [ref(t) for t in range(T + 5)])


# ---------------------------------------------------------------------------
# Sequential / Product
# ---------------------------------------------------------------------------


def test_sequential_two_pieces_matches_optax_join():
    T, b = 12, 4
    sched = Sequential([LinearSchedule(start_factor=0.1, end_factor=1.0), CosineDecay()], [b])
    ref = optax_join_schedules(
        [optax_linear_schedule(0.1, 1.0, b), optax_cosine_decay_schedule(1.0, T - b)],
        [b],
    )
    expected = [ref(t) for t in range(T + 3)]
    assert_close(sched(np.arange(T + 3), horizon=T), expected)
    assert_close(scalar_values(sched, range(T + 3), horizon=T), expected)
    assert_close(sklr.simulate(sched, T), expected[:T])


def test_sequential_three_pieces():
    T = 15
    sched = Sequential(
        [Constant(), StepDecay(step_size=2, gamma=0.5), CosineDecay(min_factor=0.2)],
        boundaries=[3, 7],
    )
    step_part = [1, 1, 0.5, 0.5]  # StepDecay on t-3 = 0..3
    cos_part = [
        torch_cosine_annealing_closed_form(min(u, 8), 8, 1.0, 0.2) for u in range(10)
    ]  # CosineDecay(0.2) with horizon T - 7 = 8
    expected = [1, 1, 1] + step_part + cos_part
    assert_close(sched(np.arange(17), horizon=T), expected)


def test_sequential_middle_piece_horizon_is_its_length():
    # the middle piece is horizon-relative: horizon = b_1 - b_0 = 5
    sched = Sequential([Constant(), CosineDecay(), Constant()], boundaries=[2, 7])
    cos5 = [(1 + math.cos(math.pi * u / 5)) / 2 for u in range(5)]
    expected = [1, 1] + cos5 + [1, 1, 1]
    assert_close(sched(np.arange(10)), expected)  # last piece needs no horizon
    assert_close(sched(np.arange(10), horizon=10), expected)


def test_product():
    T = 10
    sched = Product([CosineDecay(), ExponentialDecay(gamma=0.9)])
    t = np.arange(T)
    expected = (1 + np.cos(np.pi * t / T)) / 2 * 0.9**t
    assert_close(sched(t, horizon=T), expected)
    assert_close(sklr.simulate(sched, T, lr=0.5), 0.5 * expected)
    three = Product(
        [StepDecay(step_size=3, gamma=0.5), Constant(), Cyclic(min_factor=0.1, step_size_up=4)]
    )
    assert_close(
        three(np.arange(12)),
        np.array(TORCH_STEPLR_3_05) * np.array(TORCH_CYCLIC_TRI_4[:12]),
    )


# ---------------------------------------------------------------------------
# WarmupStableDecay
# ---------------------------------------------------------------------------


def wsd_reference(t, T, warmup_steps=None, decay_fraction=0.1, decay="linear"):
    # ceil(decay_fraction * T) in exact arithmetic (0.07 * 100 is 7.000000000000001)
    D = max(1, -(-round(decay_fraction * 10**6) * T // 10**6))
    # The default warmup is shortened to T - D when both do not fit.
    W = warmup_steps or min(max(1, T // 10), T - D)
    if t < W:
        return 0.01 + 0.99 * t / W
    if t < T - D:
        return 1.0
    u = min(t - (T - D), D)
    if decay == "linear":
        return 1 - u / D
    return (1 + math.cos(math.pi * u / D)) / 2


def test_wsd_default_warmup_gives_way_to_a_long_decay():
    # T=20, decay_fraction=0.95: D = 19, so the default warmup shrinks to 1 step.
    expected = [0.01] + [1 - u / 19 for u in range(19)]
    assert_close(sklr.simulate(WarmupStableDecay(decay_fraction=0.95), 20), expected)


def test_wsd_defaults_literal():
    # T=20: W = 2, D = ceil(0.1 * 20) = 2
    expected = [0.01, 0.505] + [1.0] * 16 + [1.0, 0.5]
    assert_close(sklr.simulate(WarmupStableDecay(), 20), expected)
    assert_close(sklr.simulate("wsd", 20), expected)
    # past the horizon: holds 0
    assert_close(WarmupStableDecay()(np.arange(20, 25), horizon=20), np.zeros(5))


@pytest.mark.parametrize(
    "params,T",
    [
        (dict(), 50),
        (dict(warmup_steps=3, decay_fraction=0.25, decay="cosine"), 20),
        (dict(warmup_steps=7, decay_fraction=0.5, decay="linear"), 40),
        (dict(decay_fraction=0.2, decay="cosine"), 9),
        (dict(), 5),
        (dict(warmup_steps=93, decay_fraction=0.07), 100),  # 93 + 7 steps, exactly
        (dict(warmup_steps=5, decay_fraction=0.07), 300),
    ],
)
def test_wsd_closed_form(params, T):
    sched = WarmupStableDecay(**params)
    t = np.arange(T + 5)
    expected = [wsd_reference(s, T, **params) for s in t]
    assert_close(sched(t, horizon=T), expected)
    assert_close(scalar_values(sched, t, horizon=T), expected)


# ---------------------------------------------------------------------------
# Vectorisation: arrays == scalar calls, output types and shapes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("T", range(1, 13))
def test_wsd_defaults_small_horizons_follow_spec_formula(T):
    # W = min(max(1, T // 10), T - D), D = max(1, ceil(0.1 * T)) for any horizon T >= 1;
    # e.g. T=1 -> W=0, no warmup -> [1.0] (sklr.simulate("wsd", 1) must not fail)
    expected = [wsd_reference(t, T) for t in range(T)]
    assert_close(sklr.simulate("wsd", T), expected)


def all_schedules():
    """(schedule, horizon) pairs covering every class and most options."""
    return [
        (Constant(), None),
        (StepDecay(step_size=3, gamma=0.5), None),
        (MultiStepDecay(milestones=(2, 5, 9), gamma=0.3), None),
        (ExponentialDecay(gamma=0.9, decay_steps=2, staircase=True), None),
        (ExponentialDecay(gamma=0.97), None),
        (InverseTimeDecay(decay_rate=0.5, decay_steps=2, power=0.5), None),
        (PolynomialDecay(power=2.0, end_factor=0.1), 17),
        (PolynomialDecay(total_steps=9), None),
        (LinearSchedule(start_factor=0.25, end_factor=1.0), 13),
        (LinearSchedule(start_factor=1.0, end_factor=0.0, total_steps=7), None),
        (CosineDecay(min_factor=0.1), 20),
        (CosineDecay(total_steps=11), 40),
        (CosineWarmRestarts(period=4, period_mult=2.0, min_factor=0.1, decay=0.8), None),
        (CosineWarmRestarts(period=3, period_mult=1.5), None),
        (Cyclic(min_factor=0.2, step_size_up=3, step_size_down=5, mode="triangular2"), None),
        (Cyclic(mode="exp_range", gamma=0.95), 24),
        (OneCycle(three_phase=True), 20),
        (OneCycle(anneal="linear", total_steps=15), None),
        (PiecewiseConstant(boundaries=(3, 7), factors=(1.0, 0.5, 0.1)), None),
        (WarmupStableDecay(decay="cosine"), 30),
        (Warmup(CosineDecay(), warmup_steps=3), 20),
        (Warmup(PolynomialDecay(), warmup_steps=4, mode="cos"), 21),
        (Warmup(StepDecay(step_size=2, gamma=0.5), warmup_steps=2, mode="constant"), None),
        (Sequential([LinearSchedule(start_factor=0.1, end_factor=1.0), CosineDecay()], [4]), 16),
        (Product([CosineDecay(), ExponentialDecay(gamma=0.9)]), 12),
    ]


ALL = all_schedules()
ALL_IDS = [f"{type(s).__name__}-{i}" for i, (s, _) in enumerate(ALL)]


@pytest.mark.parametrize("sched,horizon", ALL, ids=ALL_IDS)
def test_vectorised_equals_scalar(sched, horizon):
    t = np.arange(45)
    vec = sched(t, horizon=horizon)
    assert isinstance(vec, np.ndarray)
    assert vec.shape == t.shape
    assert vec.dtype.kind == "f"
    scal = [sched(int(s), horizon=horizon) for s in t]
    for v in scal:
        assert isinstance(v, (float, np.floating))
        assert np.ndim(v) == 0
    assert_close(vec, scal, rtol=1e-12, atol=1e-15)
    # numpy integer scalars and other integer dtypes
    assert_close(sched(np.int64(7), horizon=horizon), scal[7], rtol=1e-12)
    assert np.ndim(sched(np.int64(7), horizon=horizon)) == 0
    assert_close(sched(t.astype(np.int32), horizon=horizon), vec, rtol=1e-12)
    # any shape is kept
    grid = t[:12].reshape(3, 4)
    out2d = sched(grid, horizon=horizon)
    assert out2d.shape == (3, 4)
    assert_close(out2d, vec[:12].reshape(3, 4), rtol=1e-12)
    # list input behaves like an array
    assert_close(sched([0, 5, 9], horizon=horizon), vec[[0, 5, 9]], rtol=1e-12)
    # stateless: evaluating again (in another order) gives the same values
    assert_close(sched(t[::-1], horizon=horizon), vec[::-1], rtol=1e-12)


def test_simulate_shape_dtype_and_lr():
    out = sklr.simulate(StepDecay(step_size=2, gamma=0.5), 6, lr=0.1)
    assert isinstance(out, np.ndarray)
    assert out.shape == (6,)
    assert out.dtype.kind == "f"
    assert_close(out, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    assert_close(sklr.simulate("constant", 3), [1.0, 1.0, 1.0])
    # default step alias: StepDecay(step_size=10, gamma=0.1)
    assert_close(sklr.simulate("step", 21), [1.0] * 10 + [0.1] * 10 + [0.01])
    assert_close(sklr.simulate("exponential", 5), 0.95 ** np.arange(5))
    assert_close(
        sklr.simulate("cosine", 10, lr=0.5),
        [0.5 * torch_cosine_annealing_closed_form(t, 10) for t in range(10)],
    )
    # restarts default period 10
    assert_close(
        sklr.simulate("restarts", 25),
        [restarts_reference(t, 10, 1.0, 0.0, 1.0) for t in range(25)],
    )


# ---------------------------------------------------------------------------
# make_schedule
# ---------------------------------------------------------------------------

ALIASES = {
    "constant": (Constant, {}),
    "step": (StepDecay, {}),
    "exponential": (ExponentialDecay, {}),
    "invscaling": (InverseTimeDecay, {"power": 0.25}),
    "polynomial": (PolynomialDecay, {}),
    "linear": (LinearSchedule, {}),
    "cosine": (CosineDecay, {}),
    "restarts": (CosineWarmRestarts, {}),
    "cyclic": (Cyclic, {}),
    "onecycle": (OneCycle, {}),
    "wsd": (WarmupStableDecay, {}),
}


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_make_schedule_aliases(alias):
    cls, params = ALIASES[alias]
    sched = make_schedule(alias)
    assert type(sched) is cls
    assert sched.get_params() == cls(**params).get_params()


def test_make_schedule_warmup_cosine_alias():
    sched = make_schedule("warmup_cosine")
    assert type(sched) is Warmup
    assert type(sched.schedule) is CosineDecay
    assert sched.schedule.get_params() == CosineDecay().get_params()
    expected = Warmup(CosineDecay()).get_params(deep=False)
    got = sched.get_params(deep=False)
    assert {k: v for k, v in got.items() if k != "schedule"} == {
        k: v for k, v in expected.items() if k != "schedule"
    }


def test_make_schedule_returns_fresh_alias_instances():
    a, b = make_schedule("cosine"), make_schedule("cosine")
    a.set_params(min_factor=0.5)
    assert b.min_factor == 0.0


@pytest.mark.parametrize("sched,horizon", ALL, ids=ALL_IDS)
def test_make_schedule_passes_instances_through(sched, horizon):
    assert make_schedule(sched) is sched


def test_make_schedule_unknown_alias_lists_valid_names():
    with pytest.raises(ValueError, match="cosine") as excinfo:
        make_schedule("cosin")
    msg = str(excinfo.value)
    for name in [*ALIASES, "warmup_cosine"]:
        assert name in msg, name


@pytest.mark.parametrize("bad", [None, 3, 0.5, ["cosine"], CosineDecay])
def test_make_schedule_rejects_other_types(bad):
    with pytest.raises((TypeError, ValueError)):
        make_schedule(bad)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Warmup(CosineDecay), r"schedule=CosineDecay is a class; pass an instance"),
        (lambda: Product([CosineDecay(), StepDecay]), r"schedules\[1\]=StepDecay is a class"),
        (lambda: Warmup("cosine"), r"string aliases .* e\.g\. CosineDecay\(\)"),
        (lambda: Sequential([CosineDecay(), "step"], [2]), r"schedules\[1\]='step'.*StepDecay"),
        (lambda: Warmup(3), r"schedule must be a schedule object"),
    ],
)
def test_a_nested_schedule_that_is_not_an_object_gets_a_clear_error(make, message):
    with pytest.raises(TypeError, match=message):
        make()([0, 1], horizon=10)


def test_a_policy_given_a_nested_alias_gets_a_clear_error():
    from sklr.policies import ReduceOnPlateau

    with pytest.raises(TypeError, match="string aliases"):
        sklr.LRTunedSGDClassifier(schedule=ReduceOnPlateau("cosine"), max_iter=3).fit(
            np.eye(4), [0, 1, 0, 1]
        )


def test_simulate_unknown_alias():
    with pytest.raises(ValueError, match="cosine"):
        sklr.simulate("no-such-schedule", 10)


@pytest.mark.parametrize("n_steps", [0, -1, 2.5, True])
def test_simulate_names_n_steps(n_steps):
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        sklr.simulate("cosine", n_steps)


# ---------------------------------------------------------------------------
# scikit-learn estimator API: clone, get/set_params, repr, pickle
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls",
    [
        Constant,
        StepDecay,
        MultiStepDecay,
        ExponentialDecay,
        InverseTimeDecay,
        PolynomialDecay,
        LinearSchedule,
        CosineDecay,
        CosineWarmRestarts,
        Cyclic,
        OneCycle,
        PiecewiseConstant,
        WarmupStableDecay,
        Warmup,
        Sequential,
        Product,
    ],
)
def test_classes_are_estimators(cls):
    assert issubclass(cls, Schedule)
    assert issubclass(cls, BaseEstimator)


@pytest.mark.parametrize("sched,horizon", ALL, ids=ALL_IDS)
def test_clone_and_pickle_round_trip(sched, horizon):
    t = np.arange(40)
    expected = sched(t, horizon=horizon)
    cloned = clone(sched)
    assert cloned is not sched
    assert type(cloned) is type(sched)
    assert_close(cloned(t, horizon=horizon), expected, rtol=0, atol=0)
    restored = pickle.loads(pickle.dumps(sched))
    assert type(restored) is type(sched)
    assert_close(restored(t, horizon=horizon), expected, rtol=0, atol=0)
    assert repr(restored) == repr(sched)
    assert repr(cloned) == repr(sched)


def test_nested_get_params_set_params_and_clone():
    sched = Warmup(schedule=CosineDecay(min_factor=0.1), warmup_steps=3)
    params = sched.get_params(deep=True)
    assert params["schedule__min_factor"] == 0.1
    assert params["warmup_steps"] == 3
    assert "schedule__total_steps" in params
    assert isinstance(params["schedule"], CosineDecay)
    assert "schedule__min_factor" not in sched.get_params(deep=False)

    before = sched(np.arange(20), horizon=20)
    returned = sched.set_params(schedule__min_factor=0.3)
    assert returned is sched
    assert sched.schedule.min_factor == 0.3
    after = sched(np.arange(20), horizon=20)
    # the floor moved: the last cosine value is 0.3 + 0.7 * (1 + cos(pi*16/17)) / 2
    assert after[-1] == pytest.approx(0.3 + 0.7 * (1 + math.cos(math.pi * 16 / 17)) / 2)
    assert not np.allclose(before, after)

    cloned = clone(sched)
    assert cloned.schedule is not sched.schedule
    assert cloned.get_params(deep=True)["schedule__min_factor"] == 0.3
    cloned.set_params(schedule__min_factor=0.0)
    assert sched.schedule.min_factor == 0.3  # the clone is independent


def test_set_params_top_level():
    sched = StepDecay()
    assert sched.set_params(step_size=2, gamma=0.5) is sched
    assert sched.get_params() == {"step_size": 2, "gamma": 0.5}
    assert_close(sched(np.arange(5)), [1, 1, 0.5, 0.5, 0.25])
    with pytest.raises(ValueError):
        sched.set_params(no_such_param=1)


@pytest.mark.parametrize(
    "cls,expected",
    [
        (StepDecay, {"step_size": 10, "gamma": 0.1}),
        (ExponentialDecay, {"gamma": 0.95, "decay_steps": 1, "staircase": False}),
        (InverseTimeDecay, {"decay_rate": 1.0, "decay_steps": 1, "power": 1.0}),
        (PolynomialDecay, {"power": 1.0, "end_factor": 0.0, "total_steps": None}),
        (CosineDecay, {"min_factor": 0.0, "total_steps": None}),
        (
            CosineWarmRestarts,
            {"period": 10, "period_mult": 1.0, "min_factor": 0.0, "decay": 1.0},
        ),
        (
            Cyclic,
            {
                "min_factor": 0.1,
                "step_size_up": None,
                "step_size_down": None,
                "mode": "triangular",
                "gamma": 1.0,
            },
        ),
        (
            OneCycle,
            {
                "pct_start": 0.3,
                "div_factor": 25.0,
                "final_div_factor": 1e4,
                "anneal": "cos",
                "three_phase": False,
                "total_steps": None,
            },
        ),
        (
            WarmupStableDecay,
            {"warmup_steps": None, "decay_fraction": 0.1, "decay": "linear"},
        ),
    ],
)
def test_default_params(cls, expected):
    assert cls().get_params() == expected


def test_linear_schedule_default_params():
    params = LinearSchedule().get_params()
    assert params["start_factor"] == pytest.approx(1 / 3)
    assert params["end_factor"] == 1.0
    assert params["total_steps"] is None


def test_warmup_default_params():
    params = Warmup().get_params(deep=False)
    assert isinstance(params["schedule"], Constant)
    assert params["warmup_steps"] == 5
    assert params["start_factor"] == 0.01
    assert params["mode"] == "linear"


def test_repr():
    assert repr(StepDecay(step_size=3)).replace(" ", "") == "StepDecay(step_size=3)"
    assert repr(Constant()) == "Constant()"
    r = repr(Warmup(schedule=CosineDecay(min_factor=0.1), warmup_steps=3))
    assert r.startswith("Warmup(")
    assert "CosineDecay(min_factor=0.1)" in r
    assert "warmup_steps=3" in r
    r = repr(Sequential([Constant(), CosineDecay()], boundaries=[5]))
    assert "Constant()" in r and "CosineDecay()" in r and "5" in r


def test_repr_eval_round_trip():
    namespace = {
        "Warmup": Warmup,
        "CosineDecay": CosineDecay,
        "OneCycle": OneCycle,
        "Cyclic": Cyclic,
        "StepDecay": StepDecay,
        "Sequential": Sequential,
        "Constant": Constant,
    }
    for sched in [
        Warmup(schedule=CosineDecay(min_factor=0.1), warmup_steps=3, mode="cos"),
        OneCycle(pct_start=0.25, three_phase=True, anneal="linear"),
        Cyclic(mode="exp_range", gamma=0.9, step_size_up=3),
        Sequential([Constant(), StepDecay(step_size=2)], boundaries=[5]),
    ]:
        again = eval(repr(sched), namespace)  # noqa: S307 - trusted repr
        assert type(again) is type(sched)
        assert_close(again(np.arange(30), horizon=30), sched(np.arange(30), horizon=30))


def test_params_validated_at_call_time_not_init():
    # __init__ stores anything (sklearn convention); evaluation validates
    sched = StepDecay(step_size=0)
    assert sched.step_size == 0
    with pytest.raises(ValueError, match="step_size"):
        sched(1)
    sched.set_params(step_size=2)
    assert sched(2) == pytest.approx(0.1)


# ---------------------------------------------------------------------------
# Invalid parameters
# ---------------------------------------------------------------------------

INVALID = [
    ("StepDecay-gamma<0", lambda: StepDecay(gamma=-0.5)(3), ["gamma"]),
    ("StepDecay-gamma=0", lambda: StepDecay(gamma=0.0)(3), ["gamma"]),
    ("ExponentialDecay-gamma<0", lambda: ExponentialDecay(gamma=-0.1)(3), ["gamma"]),
    (
        "MultiStepDecay-gamma<0",
        lambda: MultiStepDecay(milestones=(2,), gamma=-1.0)(3),
        ["gamma"],
    ),
    ("StepDecay-step_size=0", lambda: StepDecay(step_size=0)(3), ["step_size"]),
    ("StepDecay-step_size<0", lambda: StepDecay(step_size=-2)(3), ["step_size"]),
    ("OneCycle-pct_start=0", lambda: OneCycle(pct_start=0.0)(0, horizon=10), ["pct_start"]),
    ("OneCycle-pct_start=1", lambda: OneCycle(pct_start=1.0)(0, horizon=10), ["pct_start"]),
    ("OneCycle-pct_start=1.5", lambda: OneCycle(pct_start=1.5)(0, horizon=10), ["pct_start"]),
    ("OneCycle-pct_start<0", lambda: OneCycle(pct_start=-0.1)(0, horizon=10), ["pct_start"]),
    (
        "MultiStepDecay-milestones-decreasing",
        lambda: MultiStepDecay(milestones=[5, 3])(0),
        ["milestones"],
    ),
    (
        "MultiStepDecay-milestones-repeated",
        lambda: MultiStepDecay(milestones=[3, 3])(0),
        ["milestones"],
    ),
    (
        "MultiStepDecay-milestones-negative",
        lambda: MultiStepDecay(milestones=[-1, 3])(0),
        ["milestones"],
    ),
    (
        "PiecewiseConstant-length-mismatch",
        lambda: PiecewiseConstant(boundaries=[3, 6], factors=[1.0, 0.5])(0),
        ["factors", "boundaries"],
    ),
    (
        "PiecewiseConstant-too-many-factors",
        lambda: PiecewiseConstant(boundaries=[3], factors=[1.0, 0.5, 0.1])(0),
        ["factors", "boundaries"],
    ),
    (
        "PiecewiseConstant-boundaries-decreasing",
        lambda: PiecewiseConstant(boundaries=[6, 3], factors=[1.0, 0.5, 0.1])(0),
        ["boundaries"],
    ),
    (
        "Warmup-warmup_steps==horizon",
        lambda: Warmup(CosineDecay(), warmup_steps=10)(0, horizon=10),
        ["warmup_steps", "horizon"],
    ),
    (
        "Warmup-warmup_steps>horizon",
        lambda: Warmup(Constant(), warmup_steps=12)(0, horizon=10),
        ["warmup_steps", "horizon"],
    ),
    ("CosineDecay-no-horizon", lambda: CosineDecay()(3), ["horizon"]),
    ("PolynomialDecay-no-horizon", lambda: PolynomialDecay()(3), ["horizon"]),
    ("LinearSchedule-no-horizon", lambda: LinearSchedule()(3), ["horizon"]),
    ("OneCycle-no-horizon", lambda: OneCycle()(3), ["horizon"]),
    ("WarmupStableDecay-no-horizon", lambda: WarmupStableDecay()(3), ["horizon"]),
    (
        "WarmupStableDecay-no-horizon-with-warmup",
        lambda: WarmupStableDecay(warmup_steps=2)(3),
        ["horizon"],
    ),
    ("Cyclic-default-step-no-horizon", lambda: Cyclic()(3), ["horizon"]),
    ("Warmup-cosine-no-horizon", lambda: Warmup(CosineDecay())(7), ["horizon"]),
    (
        "Sequential-last-cosine-no-horizon",
        lambda: Sequential([Constant(), CosineDecay()], [3])(5),
        ["horizon"],
    ),
    ("Product-cosine-no-horizon", lambda: Product([CosineDecay()])(2), ["horizon"]),
    ("negative-step-scalar", lambda: StepDecay()(-1), ["step"]),
    ("negative-step-array", lambda: Constant()(np.array([0, 3, -2])), ["step"]),
    ("negative-step-cosine", lambda: CosineDecay()(-1, horizon=10), ["step"]),
    ("Cyclic-unknown-mode", lambda: Cyclic(mode="triangle")(0, horizon=10), ["mode"]),
    ("Warmup-unknown-mode", lambda: Warmup(mode="exp")(0), ["mode"]),
    ("OneCycle-unknown-anneal", lambda: OneCycle(anneal="exp")(0, horizon=10), ["anneal"]),
    (
        "WarmupStableDecay-unknown-decay",
        lambda: WarmupStableDecay(decay="exp")(0, horizon=10),
        ["decay"],
    ),
    ("unknown-alias", lambda: make_schedule("cosine_annealing"), ["cosine"]),
    (
        "Sequential-boundaries-length",
        lambda: Sequential([Constant(), CosineDecay()], [3, 5])(0, horizon=10),
        ["boundaries"],
    ),
    (
        "Sequential-boundaries-decreasing",
        lambda: Sequential([Constant(), Constant(), Constant()], [5, 3])(0),
        ["boundaries"],
    ),
    (
        "Sequential-boundary-zero",
        lambda: Sequential([Constant(), Constant()], [0])(0),
        ["boundaries"],
    ),
    ("Restarts-period=0", lambda: CosineWarmRestarts(period=0)(0), ["period"]),
    (
        "Restarts-period_mult<1",
        lambda: CosineWarmRestarts(period_mult=0.5)(0),
        ["period_mult"],
    ),
]


@pytest.mark.parametrize(
    "call,names", [(c, n) for _, c, n in INVALID], ids=[i for i, _, _ in INVALID]
)
def test_invalid_parameters(call, names):
    with pytest.raises(ValueError, match=names[0]) as excinfo:
        call()
    for name in names[1:]:
        assert name in str(excinfo.value), (name, str(excinfo.value))


@pytest.mark.parametrize(
    "schedule, advice",
    [
        (CosineDecay(), "set total_steps=..., or evaluate it with horizon="),
        (Cyclic(), "set step_size_up=..., or evaluate it with horizon="),
        (WarmupStableDecay(), "but none was given: evaluate it with horizon="),
    ],
)
def test_a_missing_horizon_is_explained_with_the_schedules_own_remedy(schedule, advice):
    with pytest.raises(ValueError, match=re.escape(advice)):
        schedule(3)


@pytest.mark.parametrize("step", [2.5, [1.999, 2.0], np.array([0.5])])
def test_fractional_steps_are_an_error(step):
    with pytest.raises(ValueError, match="step must be an integer or an array of integers"):
        StepDecay(2, 0.5)(step)


def test_whole_steps_in_a_float_array_are_steps():
    assert_close(StepDecay(2, 0.5)(np.linspace(0, 4, 5)), StepDecay(2, 0.5)(np.arange(5)))


@pytest.mark.parametrize("lr", ["0.5", None, np.array([0.1, 0.2]), True, -1.0, np.nan])
def test_simulate_rejects_a_rate_that_is_not_a_positive_number(lr):
    with pytest.raises(ValueError, match="lr must be a finite float > 0"):
        sklr.simulate("cosine", 3, lr)
