"""Tests for skrnn.datasets._physics: the benchmark simulators against scipy
and against the equations and numbers of their docstrings."""

import numpy as np
import pytest
from scipy.signal import (
    cheby1,
    cheby2,
    cont2discrete,
    dlsim,
    freqz,
    lfilter,
    lfiltic,
)
from sklearn.linear_model import LinearRegression

from skrnn.datasets import _physics as physics
from skrnn.datasets import make_cascaded_tanks, make_silverbox, make_wiener_hammerstein

FS_WH = 51200.0
FS_SILVERBOX = 1e7 / 2**14


def _arx_free_run_r2(X_est, y_est, X_test, y_test, n_lags=5, skip=50):
    """R^2 of the free run of the least-squares ARX model (lags 0..5 of u,
    1..5 of y) fitted one step ahead on the estimation record.

    The free run starts from the first ``n_lags`` measured test outputs and
    then feeds back its own outputs; the first ``skip`` steps are not scored.
    """
    u, y = X_est[:, 0], y_est
    n = len(u)
    columns = [np.r_[np.zeros(k), u[: n - k]] for k in range(n_lags + 1)]
    columns += [np.r_[np.zeros(k), y[: n - k]] for k in range(1, n_lags + 1)]
    F = np.column_stack(columns)[n_lags:]
    model = LinearRegression().fit(F, y[n_lags:])
    b, a = model.coef_[: n_lags + 1], model.coef_[n_lags + 1 :]
    denominator = np.r_[1.0, -a]
    forcing = lfilter(b, [1.0], X_test[:, 0]) + model.intercept_
    zi = lfiltic([1.0], denominator, y_test[n_lags - 1 :: -1])
    simulated, _ = lfilter([1.0], denominator, forcing[n_lags:], zi=zi)
    error = simulated[skip:] - y_test[n_lags + skip :]
    return 1.0 - np.mean(error**2) / np.var(y_test[n_lags + skip :])


# --------------------------------------------------------------------------
# Wiener-Hammerstein
# --------------------------------------------------------------------------


def test_wh_filters_are_the_benchmark_chebyshev_designs():
    # G1: 0.5 dB ripple up to 4.4 kHz; G2: 40 dB down from 5 kHz on.
    _, g1 = freqz(*physics.WH_G1, worN=[0.0, 2000.0, 4400.0, 8000.0], fs=FS_WH)
    np.testing.assert_allclose(
        20 * np.log10(np.abs(g1[:3])), [0.0, -0.5, -0.5], atol=0.5
    )
    assert 20 * np.log10(abs(g1[2])) == pytest.approx(-0.5, abs=1e-6)
    assert abs(g1[3]) < 0.2
    _, g2 = freqz(*physics.WH_G2, worN=[0.0, 5000.0, 10000.0, 20000.0], fs=FS_WH)
    assert abs(g2[0]) == pytest.approx(1.0)
    assert 20 * np.log10(abs(g2[1])) == pytest.approx(-40.0, abs=1e-6)
    assert np.all(20 * np.log10(np.abs(g2[2:])) <= -40.0 + 1e-9)


def test_wh_with_identity_nonlinearity_is_the_linear_cascade():
    u = np.random.default_rng(0).standard_normal(5000)
    b1, a1 = cheby1(3, 0.5, 4400.0, fs=FS_WH)
    b2, a2 = cheby2(3, 40.0, 5000.0, fs=FS_WH)
    expected = lfilter(np.convolve(b1, b2), np.convolve(a1, a2), u)
    np.testing.assert_allclose(
        physics.wiener_hammerstein(u, lambda x: x), expected, rtol=1e-9, atol=1e-12
    )


def test_diode_solves_its_circuit_equation():
    x = np.linspace(-3.0, 20.0, 2001)
    nvt, ris = 0.05, 1e-4
    v = physics.diode(x, thermal_voltage=nvt, resistance_current=ris)
    np.testing.assert_allclose(v + ris * np.expm1(v / nvt), x, rtol=1e-9, atol=1e-12)
    # Nearly the identity below zero, a saturation near 0.5 V above.
    np.testing.assert_allclose(v[x <= 0.0], x[x <= 0.0], atol=2e-4)
    assert np.all(np.diff(v) > 0.0)
    assert 0.4 < physics.diode(np.array([1.0]))[0] < 0.45
    assert physics.diode(np.array([20.0]))[0] < 0.65


def test_wh_output_is_the_cascade_of_its_input():
    X, y = make_wiener_hammerstein(3000, noise=0.0, random_state=0)
    expected = physics.wiener_hammerstein(X[:, 0], lambda x: physics.diode(x))
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("input", ["gaussian", "multisine"])
def test_wh_signals_on_the_benchmark_scale(input):
    X, y = make_wiener_hammerstein(50_000, input=input, random_state=0)
    assert X.shape == (50_000, 1) and y.shape == (50_000,)
    assert X.std() == pytest.approx(0.4, rel=0.01)
    assert 1.2 < np.abs(X).max() < 2.5
    # Asymmetric output: the diode compresses the positive side only.
    assert 0.3 < y.max() < 0.5 and -1.5 < y.min() < -0.5
    assert 0.1 < y.std() < 0.2


def test_wh_inputs_are_band_limited_to_10_khz():
    for input in ("gaussian", "multisine"):
        X, _ = make_wiener_hammerstein(2**15, input=input, random_state=0)
        power = np.abs(np.fft.rfft(X[:, 0])) ** 2
        freq = np.fft.rfftfreq(2**15, 1.0 / FS_WH)
        assert power[freq > 12000.0].sum() < 1e-2 * power.sum()
        assert power[freq > 20000.0].sum() < 1e-4 * power.sum()
        assert power[(freq > 8000.0) & (freq < 10000.0)].sum() > 0.1 * power.sum()


# --------------------------------------------------------------------------
# Silverbox
# --------------------------------------------------------------------------


def test_linear_silverbox_matches_the_exact_zoh_discretisation():
    # b = 0: a linear oscillator, whose zero-order-hold discretisation is exact.
    m, d, a = 1.0 / (2 * np.pi * 60.0) ** 2, 2 * 0.05 / (2 * np.pi * 60.0), 1.0
    u = np.random.default_rng(0).standard_normal(3000) * 0.05
    y = physics.duffing(u, FS_SILVERBOX, m, d, a, 0.0)
    A = np.array([[0.0, 1.0], [-a / m, -d / m]])
    B, C, D = np.array([[0.0], [1.0 / m]]), np.array([[1.0, 0.0]]), np.zeros((1, 1))
    system = cont2discrete((A, B, C, D), 1 / FS_SILVERBOX, method="zoh")
    _, expected, _ = dlsim(system, u)
    np.testing.assert_allclose(
        y, expected[:, 0], rtol=0, atol=1e-6 * np.abs(expected).max()
    )


def test_silverbox_output_is_the_duffing_oscillator_of_its_input():
    X, y = make_silverbox(2000, noise=0.0, random_state=0)
    m = 1.0 / (2 * np.pi * 60.0) ** 2
    d = 2 * 0.05 / (2 * np.pi * 60.0)
    np.testing.assert_allclose(
        y, physics.duffing(X[:, 0], FS_SILVERBOX, m, d, 1.0, 5.0), rtol=0, atol=1e-15
    )


def test_silverbox_cubic_spring_hardens():
    # A large constant force: the static displacement solves a y + b y^3 = u.
    u = np.full(6000, 0.5)
    y = physics.duffing(u, FS_SILVERBOX, **physics.SILVERBOX_PARAMS)
    static = np.roots([5.0, 0.0, 1.0, -0.5])
    static = static[np.abs(static.imag) < 1e-12].real[0]
    assert y[-1] == pytest.approx(static, rel=1e-6)
    assert static < 0.5  # stiffer than the linear spring


def test_silverbox_multisine_is_odd_and_band_limited():
    X, y = make_silverbox(8192, random_state=0)
    spectrum = np.abs(np.fft.rfft(X[:, 0]))
    lines = np.flatnonzero(spectrum > 1e-8 * spectrum.max())
    assert np.all(lines % 2 == 1)
    assert lines.max() * FS_SILVERBOX / 8192 <= 200.0
    assert lines.max() * FS_SILVERBOX / 8192 > 199.0
    assert X.std() == pytest.approx(0.025)
    assert 0.03 < y.std() < 0.08 and np.abs(y).max() < 0.25


def test_silverbox_arrow_grows_beyond_the_multisine():
    X, y = make_silverbox(40_000, input="arrow", random_state=0)
    first, last = X[:4000, 0].std(), X[-4000:, 0].std()
    assert last > 8 * first
    assert last == pytest.approx(0.05 * 0.95, rel=0.05)
    Xm, ym = make_silverbox(8192, random_state=0)
    assert np.abs(y[-4000:]).max() > 1.3 * np.abs(ym).max()
    assert np.abs(y).max() < 0.4


# --------------------------------------------------------------------------
# cascaded tanks
# --------------------------------------------------------------------------

TANKS = {"k1": 0.05, "k2": 0.05, "k3": 0.045, "k4": 0.0255}


@pytest.mark.parametrize("u", [2.0, 4.0, 5.0])
def test_tanks_settle_at_the_analytic_equilibrium(u):
    levels = physics.tank_levels(np.full(800, u), (0.0, 0.0), **TANKS)
    x1 = (0.0255 * u / 0.05) ** 2
    x2 = (0.05 / 0.045) ** 2 * x1
    np.testing.assert_allclose(levels[-1], [x1, x2], rtol=1e-6)
    np.testing.assert_allclose(physics.tank_equilibrium(u, **TANKS), [x1, x2])


def test_full_tanks_stay_at_their_height():
    levels = physics.tank_levels(np.full(400, 10.0), (0.0, 0.0), **TANKS)
    assert levels.max() <= 10.0 and levels.min() >= 0.0
    np.testing.assert_array_equal(levels[-1], [10.0, 10.0])


def test_upper_overflow_partly_reaches_the_lower_tank():
    k1, k2, k3, k4, u = 0.05, 0.03, 0.06, 0.03, 10.0
    levels = physics.tank_levels(
        np.full(1500, u), (0.0, 0.0), k1=k1, k2=k2, k3=k3, k4=k4, overflow_fraction=0.6
    )
    spill = k4 * u - k1 * np.sqrt(10.0)
    inflow = k2 * np.sqrt(10.0) + k2 / k1 * 0.6 * spill
    np.testing.assert_allclose(levels[-1], [10.0, (inflow / k3) ** 2], rtol=1e-6)


def test_tanks_signals_on_the_benchmark_scale():
    X, y = make_cascaded_tanks(noise=0.0, random_state=0)
    assert X.shape == (1024, 1) and y.shape == (1024,)
    assert X.min() >= 0.0 and X.max() <= 10.0
    assert X.mean() == pytest.approx(5.0, abs=0.1)
    assert 0.0 < y.min() < 6.0 and y.max() <= 10.0
    assert np.sum(y == 10.0) > 0  # the lower tank overflows at times
    # The start is the equilibrium of u = 5 V.
    assert y[0] == pytest.approx((0.05 / 0.045) ** 2 * (0.0255 * 5 / 0.05) ** 2)


def test_tanks_input_is_slow():
    X, _ = make_cascaded_tanks(random_state=0)
    power = np.abs(np.fft.rfft(X[:, 0] - 5.0)) ** 2
    freq = np.fft.rfftfreq(1024, 4.0)
    assert power[freq > 0.0145].sum() < 0.05 * power.sum()


# --------------------------------------------------------------------------
# shared
# --------------------------------------------------------------------------

SIMULATORS = {
    "wiener_hammerstein": (make_wiener_hammerstein, 20_000),
    "silverbox": (make_silverbox, 8192),
    "cascaded_tanks": (make_cascaded_tanks, 1024),
}


@pytest.mark.parametrize("name", sorted(SIMULATORS))
def test_noise_is_white_gaussian_of_the_requested_level(name):
    make, n = SIMULATORS[name]
    X0, y0 = make(n, noise=0.0, random_state=0)
    X, y = make(n, noise=0.02, random_state=0)
    np.testing.assert_array_equal(X, X0)
    e = y - y0
    assert e.std() == pytest.approx(0.02, rel=0.06)
    assert abs(e.mean()) < 0.005


@pytest.mark.parametrize(
    "make, kwargs, match",
    [
        (make_wiener_hammerstein, {"input": "sine"}, "'input' parameter"),
        (make_silverbox, {"input": "chirp"}, "'input' parameter"),
        (make_silverbox, {"noise": -0.1}, r"'noise' parameter .* \[0.0, inf"),
        (make_cascaded_tanks, {"n_timesteps": 0}, r"'n_timesteps' .* \[1, inf"),
    ],
)
def test_bad_arguments_name_the_parameter(make, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)


def test_linear_arx_leaves_a_nonlinear_residual():
    # The best linear model (5 input and 5 output lags) simulates the linear
    # versions of the systems almost exactly, and the nonlinear ones not.
    X, _ = make_wiener_hammerstein(20_000, random_state=0)
    Xt, _ = make_wiener_hammerstein(20_000, random_state=1)
    linear = [physics.wiener_hammerstein(x[:, 0], lambda v: v) for x in (X, Xt)]
    # (G2 G1 is of order 6: five lags are nearly, not exactly, enough.)
    assert _arx_free_run_r2(X, linear[0], Xt, linear[1]) > 0.995
    r2 = _arx_free_run_r2(
        *make_wiener_hammerstein(20_000, random_state=0),
        *make_wiener_hammerstein(20_000, random_state=1),
    )
    assert 0.9 < r2 < 0.985

    X, _ = make_silverbox(8192, random_state=0)
    Xt, _ = make_silverbox(8192, random_state=1)
    params = dict(physics.SILVERBOX_PARAMS, b=0.0)
    linear = [physics.duffing(x[:, 0], FS_SILVERBOX, **params) for x in (X, Xt)]
    assert _arx_free_run_r2(X, linear[0], Xt, linear[1]) > 0.999
    r2 = _arx_free_run_r2(
        *make_silverbox(16384, random_state=0),
        *make_silverbox(8000, input="arrow", random_state=1),
    )
    assert 0.7 < r2 < 0.97

    r2 = _arx_free_run_r2(
        *make_cascaded_tanks(random_state=0), *make_cascaded_tanks(random_state=1)
    )
    assert 0.3 < r2 < 0.9
