"""Residual tests: known answers, and residuals of fitted models."""

import numpy as np
import pandas as pd
import pytest
from scipy.signal import lfilter
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import FIRRegressor, NARXRegressor, residual_analysis, residual_correlation
from skrnn.datasets import make_arx_system, make_fir_system

rng = np.random.default_rng(0)
N = 1000
W = rng.normal(size=N)
X_ARX, Y_ARX = make_arx_system(2000, noise=0.1, random_state=0)
AR_COEF = (1.5, -0.7)  # the default feedback of make_arx_system


def echo(signal, lag, gain):
    out = signal.copy()
    out[lag:] += gain * signal[:-lag]
    return out


# --------------------------------------------------------------------------
# residual correlation: known answers
# --------------------------------------------------------------------------


def test_white_noise_has_about_five_percent_of_lags_outside_the_band():
    # For white noise each r(tau), tau >= 1, is ~ N(0, 1/N) and nearly
    # independent of the others, so the count outside the 95% band is
    # ~ Binomial(n_lags, 0.05). Over 20 seeds x 25 lags = 500 tests the count
    # has mean 25 and standard deviation 4.9: [10, 40] is +-3 standard
    # deviations. One series of 25 lags has more than 4 outside with
    # probability 0.007.
    counts = []
    for seed in range(20):
        e = np.random.default_rng(seed).normal(size=N)
        acf = residual_correlation(e, np.zeros(N), max_lag=25).acf
        counts.append(int(acf.significant.sum()))
    assert 10 <= sum(counts) <= 40
    assert counts[0] <= 4


def test_planted_lag_3_echo_is_the_significant_lag():
    result = residual_correlation(echo(W, 3, 0.5), np.zeros(N), max_lag=10)
    acf = result.acf
    assert acf.significant[3]
    # r(3) = 0.5 / (1 + 0.5^2) = 0.4 for an echo of gain 0.5
    assert acf.values[3] == pytest.approx(0.4, abs=0.06)
    assert acf.lags[acf.significant].tolist() == [3]
    assert acf.values[0] == 1.0 and not acf.significant[0]


def test_cross_correlation_finds_a_planted_input_lag():
    u = rng.normal(size=(N, 2))
    e = 0.6 * np.r_[np.zeros(4), u[:-4, 1]] + rng.normal(size=N)
    ccf = residual_correlation(e, np.zeros(N), u, max_lag=8).ccf
    assert ccf.values.shape == (17, 2)
    assert ccf.lags[np.argmax(np.abs(ccf.values[:, 1]))] == 4
    assert ccf.significant[ccf.lags == 4, 1].all()
    assert not ccf.significant[ccf.lags == -4, 1].any()  # no feedback
    assert ccf.significant[:, 0].sum() <= 3  # input 0 is unrelated


def test_feedback_shows_at_negative_lags():
    e = rng.normal(size=N)
    u = np.r_[np.zeros(2), e[:-2]] + 0.5 * rng.normal(size=N)  # u_t = e_{t-2}
    ccf = residual_correlation(e, np.zeros(N), u[:, None], max_lag=5).ccf
    assert ccf.lags[ccf.significant[:, 0]].tolist() == [-2]


def test_band_and_shapes_of_a_multi_output_result():
    y = rng.normal(size=(400, 2))
    X = rng.normal(size=(400, 3))
    result = residual_correlation(y, np.zeros_like(y), X, max_lag=7, confidence=0.99)
    assert result.acf.values.shape == (8, 2)
    assert result.ccf.values.shape == (15, 3, 2)
    assert result.residuals.shape == (400, 2)
    assert result.acf.band == pytest.approx(2.5758293 / 20)
    assert result.acf.confidence == 0.99


def test_panel_correlations_pool_series_and_never_cross_them():
    # each series: white noise around its own level, and a lag-2 echo
    levels = [20.0, -20.0, 5.0]
    series = [echo(rng.normal(size=300), 2, 0.6) + lv for lv in levels]
    index = pd.MultiIndex.from_product([["a", "b", "c"], range(300)])
    y = pd.Series(np.concatenate(series), index=index)
    result = residual_correlation(y, np.zeros(900), max_lag=6)
    assert result.n_series == 3
    r = result.acf.values
    assert result.acf.significant[2]
    assert r[2] == pytest.approx(0.6 / (1 + 0.6**2), abs=0.06)
    # had the series been joined, the level steps would put r near 1 at every lag
    assert np.abs(np.delete(r, [0, 2])).max() < 0.15
    # pooled: the sums of the three series' own products and squares
    num = den = 0.0
    for s in series:
        d = s - s.mean()
        num += d[:-2] @ d[2:]
        den += d @ d
    assert result.acf.values[2] == pytest.approx(num / den)
    assert result.acf.band == pytest.approx(1.959964 / np.sqrt(900))


def test_interleaved_panel_rows_give_the_same_answer_and_keep_row_order():
    index = pd.MultiIndex.from_product([["a", "b"], range(200)])
    X = pd.DataFrame({"u": rng.normal(size=400)}, index=index)
    y = pd.Series(rng.normal(size=400), index=index)
    y_pred = 0.1 * X["u"].to_numpy()
    shuffled = np.c_[np.arange(200), np.arange(200, 400)].ravel()  # a0 b0 a1 b1
    grouped = residual_correlation(y, y_pred, X, max_lag=5)
    mixed = residual_correlation(
        y.iloc[shuffled], y_pred[shuffled], X.iloc[shuffled], max_lag=5
    )
    np.testing.assert_allclose(mixed.acf.values, grouped.acf.values)
    np.testing.assert_allclose(mixed.ccf.values, grouped.ccf.values)
    np.testing.assert_allclose(mixed.residuals, (y - y_pred).iloc[shuffled])


def test_residual_correlation_errors_speak_plainly():
    with pytest.raises(ValueError, match="max_lag=30 needs a series longer"):
        residual_correlation(W[:20], np.zeros(20), max_lag=30)
    with pytest.raises(ValueError, match="y_pred has shape"):
        residual_correlation(W, np.zeros(N - 1))
    with pytest.raises(
        ValueError,
        match=r"'confidence' parameter of \w+ must be a float in the range "
        r"\(0.0, 1.0\)",
    ):
        residual_correlation(W, np.zeros(N), confidence=95)
    with pytest.raises(TypeError, match=r"'max_lag' parameter of \w+ must be an int"):
        residual_correlation(W, np.zeros(N), max_lag=2.5)
    with pytest.raises(ValueError, match="y_pred contains NaN"):
        residual_correlation(W, np.full(N, np.nan))


# --------------------------------------------------------------------------
# residual analysis of fitted models
# --------------------------------------------------------------------------


def test_fir_too_short_leaves_its_missing_taps_in_the_cross_correlation():
    X, y = make_fir_system(1000, noise=0.1, random_state=7)  # taps at lags 0-3
    short = FIRRegressor(LinearRegression(), n_lags=1).fit(X, y)
    ccf = residual_analysis(short, X, y, max_lag=5).ccf
    assert ccf.lags[ccf.significant[:, 0]].tolist() == [2, 3]
    # the residual is -0.2 x_{t-2} + 0.1 x_{t-3} + noise: r = b / std(e)
    std_e = np.sqrt(0.2**2 + 0.1**2 + 0.1**2)
    assert ccf.values[ccf.lags == 2, 0][0] == pytest.approx(-0.2 / std_e, abs=0.06)
    right = FIRRegressor(LinearRegression(), n_lags=3).fit(X, y)
    result = residual_analysis(right, X, y, max_lag=5)
    assert not result.ccf.significant.any() and not result.acf.significant.any()


def test_correct_narx_leaves_white_one_step_residuals():
    narx = NARXRegressor(LinearRegression(), n_lags=1).fit(X_ARX, Y_ARX)
    result = residual_analysis(narx, X_ARX, Y_ARX, max_lag=20)
    assert result.acf.significant.sum() <= 3  # Binomial(20, 0.05): P(>3) = 0.016
    assert result.ccf.significant.sum() <= 4  # 41 lags: P(> 4) = 0.05
    np.testing.assert_allclose(
        result.residuals, Y_ARX - narx.predict(X_ARX, y=Y_ARX, steps_ahead=1)
    )


def test_free_run_residuals_of_an_equation_error_system_are_coloured():
    # y = B/A x + e/A: the free run of the true model leaves e filtered by
    # 1/A, an AR(2) process with r(1) = a1 / (1 - a2) = 1.5 / 1.7
    narx = NARXRegressor(LinearRegression(), n_lags=1).fit(X_ARX, Y_ARX)
    result = residual_analysis(narx, X_ARX, Y_ARX, steps_ahead=None, max_lag=10)
    a1, a2 = AR_COEF
    assert result.acf.values[1] == pytest.approx(a1 / (1 - a2), abs=0.05)
    assert result.ccf.significant.sum() <= 2  # yet still independent of x
    np.testing.assert_allclose(result.residuals, Y_ARX - narx.predict(X_ARX))


def test_model_too_short_leaves_structure_in_narx_residuals():
    narx = NARXRegressor(LinearRegression(), n_lags=1, n_output_lags=1)
    result = residual_analysis(narx.fit(X_ARX, Y_ARX), X_ARX, Y_ARX, max_lag=10)
    assert result.acf.significant[1:3].all()
    assert result.acf.significant.sum() >= 4


def test_pure_autoregression_has_no_cross_correlation():
    e = rng.normal(size=1500)
    y = lfilter([1.0], [1.0, -0.8], e)
    ar = NARXRegressor(LinearRegression(), n_output_lags=1).fit(None, y)
    result = residual_analysis(ar, None, y, max_lag=10)
    assert result.ccf is None
    assert result.acf.significant.sum() <= 2
    with pytest.raises(ValueError, match="free-run simulation needs the inputs"):
        residual_analysis(ar, None, y, steps_ahead=None)


def test_residual_analysis_of_a_pipeline_ending_in_narx():
    pipe = make_pipeline(StandardScaler(), NARXRegressor(LinearRegression(), n_lags=1))
    pipe.fit(X_ARX, Y_ARX)
    result = residual_analysis(pipe, X_ARX, Y_ARX, steps_ahead=3, max_lag=5)
    expected = Y_ARX - pipe.predict(X_ARX, y=Y_ARX, steps_ahead=3)
    np.testing.assert_allclose(result.residuals, expected)
    with pytest.raises(
        ValueError,
        match=r"'steps_ahead' parameter of \w+ must be an int in the range \[1, inf\)",
    ):
        residual_analysis(pipe, X_ARX, Y_ARX, steps_ahead=0)
