"""ConformalForecaster: coverage of the intervals, their growth, their forms."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.utils import Bunch

from skrnn import ConformalForecaster, NARXRegressor
from skrnn._series._conformal import conformal_quantile
from skrnn.datasets import make_arx_system

HORIZON = 5


def _walk(n, seed):
    return np.cumsum(np.random.default_rng(seed).normal(size=n))


def _ar():
    return NARXRegressor(LinearRegression(), n_output_lags=1)


def _arx():
    return NARXRegressor(LinearRegression(), n_lags=1, n_output_lags=2)


def _coverage(model, X, y, start, coverages, horizon=HORIZON):
    """Share of the outputs inside the interval at each horizon, every origin."""
    hits = {c: [] for c in coverages}
    for origin in range(start, len(y) - horizon + 1):
        X_future = None if X is None else X[origin : origin + horizon]
        truth = y[origin : origin + horizon]
        for c in coverages:
            band = model.forecast(horizon, X_future, coverage=c)
            hits[c].append((band.lower <= truth) & (truth <= band.upper))
        model.update(
            None if X is None else X[origin : origin + 1], y[origin : origin + 1]
        )
    return {c: np.mean(h, axis=0) for c, h in hits.items()}


def test_conformal_quantile_is_the_rank_ceil_n_plus_1_times_c():
    residuals = np.arange(1.0, 20.0)  # 19 residuals
    assert conformal_quantile(residuals, 0.9) == 18.0  # ceil(20 * 0.9) = 18
    assert conformal_quantile(residuals, 0.95) == 19.0
    assert conformal_quantile(residuals[:10], 0.95) == np.inf  # ceil(11 * .95) > 10
    with_gaps = np.array([[1.0, 1.0], [2.0, np.nan], [3.0, np.nan], [4.0, np.nan]])
    # column 0: ceil(5 * 0.6) = 3; column 1 holds one residual: ceil(2 * 0.6) > 1
    np.testing.assert_array_equal(conformal_quantile(with_gaps, 0.6), [3.0, np.inf])


def test_random_walk_intervals_cover_80_and_95_percent():
    covered = []
    for seed in range(3):
        y = _walk(2300, seed)
        model = ConformalForecaster(_ar(), horizon=HORIZON, calibration_size=1000)
        model.fit(None, y[:1500])
        covered.append(_coverage(model, None, y, 1500, (0.8, 0.95)))
    for c in (0.8, 0.95):
        per_horizon = np.mean([cov[c] for cov in covered], axis=0)
        np.testing.assert_allclose(per_horizon, c, atol=0.03)


def test_arx_intervals_from_a_backtest_cover_80_and_95_percent():
    X, y = make_arx_system(2500, noise=0.5, random_state=0)
    model = ConformalForecaster(
        _arx(), method="backtest", horizon=HORIZON, calibration_size=1000, n_windows=800
    ).fit(X[:1500], y[:1500])
    assert model.residuals_.shape == (800, HORIZON)
    covered = _coverage(model, X, y, 1500, (0.8, 0.95))
    for c in (0.8, 0.95):  # one series: pooled over the horizons, and each
        assert abs(covered[c].mean() - c) < 0.03
        np.testing.assert_allclose(covered[c], c, atol=0.05)


def test_intervals_widen_like_sqrt_h_on_a_random_walk():
    model = ConformalForecaster(_ar(), horizon=16, calibration_size=2000)
    band = model.fit(None, _walk(3000, 7)).forecast(16, coverage=0.8)
    width = band.upper - band.lower
    assert np.all(np.diff(width[[0, 3, 8, 15]]) > 0)
    np.testing.assert_allclose(width[[3, 15]] / width[0], [2.0, 4.0], rtol=0.2)


def test_split_forecast_continues_the_whole_series_with_the_first_part_model():
    X, y = make_arx_system(400, noise=0.3, random_state=1)
    model = ConformalForecaster(_arx(), horizon=8, calibration_size=100).fit(X, y)
    reference = _arx().fit(X[:300], y[:300]).update(X[300:], y[300:])
    X_future, _ = make_arx_system(8, random_state=2)
    band = model.forecast(8, X_future)
    assert isinstance(band, Bunch)
    np.testing.assert_allclose(band.y, reference.forecast(8, X_future=X_future))
    np.testing.assert_allclose(band.upper + band.lower, 2 * band.y)
    # every calibration origin, the last ones with shorter horizons
    assert model.residuals_.shape == (100, 8)
    assert np.isnan(model.residuals_[-1, 1:]).all()
    assert not np.isnan(model.residuals_[-8]).any()


def test_free_run_intervals_cover_a_stable_system():
    X, y = make_arx_system(6000, noise=0.5, random_state=3)
    model = ConformalForecaster(_arx(), calibration_size=2000).fit(X[:3000], y[:3000])
    for c in (0.8, 0.95):
        band = model.predict_interval(X[3000:], coverage=c)
        inside = (band.lower <= y[3000:]) & (y[3000:] <= band.upper)
        assert abs(inside[50:].mean() - c) < 0.03
    np.testing.assert_allclose(band.y, model.predict(X[3000:]))


def test_pandas_forecast_is_a_frame_with_y_lower_upper_on_the_time_index():
    index = pd.date_range("2024-01-01", periods=600, freq="h")
    X, y = make_arx_system(624, noise=0.3, random_state=4)
    X_fit = pd.DataFrame(X[:600], index=index, columns=["u"])
    future_index = pd.date_range(index[-1], periods=25, freq="h")[1:]
    X_future = pd.DataFrame(X[600:], index=future_index, columns=["u"])
    model = ConformalForecaster(_arx(), horizon=24).fit(
        X_fit, pd.Series(y[:600], index)
    )
    band = model.forecast(24, X_future, coverage=0.8)
    assert list(band.columns) == ["y", "lower", "upper"]
    pd.testing.assert_index_equal(band.index, future_index)
    two = pd.DataFrame({"a": y[:600], "b": 2 * y[:600]}, index=index)
    band2 = (
        ConformalForecaster(_arx(), horizon=24).fit(X_fit, two).forecast(24, X_future)
    )
    assert list(band2.columns) == [
        ("y", "a"), ("y", "b"), ("lower", "a"), ("lower", "b"),
        ("upper", "a"), ("upper", "b"),
    ]  # fmt: skip
    width = band2["upper"] - band2["lower"]
    np.testing.assert_allclose(width["b"], 2 * width["a"])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda m: m.forecast(11), ValueError, "between 1 and horizon=10"),
        (lambda m: m.forecast(3, coverage=1.0), ValueError, "strictly between 0 and 1"),
        (
            lambda m: m.forecast(3, coverage="90%"),
            TypeError,
            "coverage must be a number",
        ),
        (lambda m: m.predict_interval(np.zeros((5, 1))), ValueError, "no free run"),
    ],
)
def test_bad_interval_requests_get_clear_errors(call, error, match):
    model = ConformalForecaster(_ar()).fit(None, _walk(200, 0))
    with pytest.raises(error, match=match):
        call(model)


def test_bad_calibrations_get_clear_errors():
    with pytest.raises(ValueError, match="leaves no row to fit on"):
        ConformalForecaster(_ar(), calibration_size=200).fit(None, _walk(200, 0))
    panel = pd.Series(
        _walk(200, 0), index=pd.MultiIndex.from_product([["a", "b"], range(100)])
    )
    with pytest.raises(ValueError, match="panel"):
        ConformalForecaster(_ar()).fit(None, panel)
