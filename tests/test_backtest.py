"""Rolling-origin backtests: the forecast scorer, backtest and its display."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.model_selection import KFold, TimeSeriesSplit, cross_validate

from skrnn import (
    BacktestDisplay,
    NARXRegressor,
    backtest,
    make_forecast_scorer,
)
from skrnn.datasets import make_arx_system

X_CLEAN, Y_CLEAN = make_arx_system(400, random_state=0)  # b = [1, 0.5], a = 2 lags
X_NOISY, Y_NOISY = make_arx_system(400, noise=0.2, random_state=1)
CV = TimeSeriesSplit(n_splits=8, test_size=20)


def _arx():
    return NARXRegressor(LinearRegression(), n_lags=1, n_output_lags=2)


def test_noiseless_arx_backtest_errors_are_zero():
    scores = cross_validate(
        _arx(), X_CLEAN, Y_CLEAN, cv=CV, scoring=make_forecast_scorer("rmse")
    )["test_score"]
    assert np.abs(scores).max() < 1e-8
    result = backtest(_arx(), X_CLEAN, Y_CLEAN, cv=CV)
    assert result.errors.shape == (8, 20)
    assert np.abs(result.errors).max() < 1e-8
    np.testing.assert_array_equal(result.horizon, np.arange(1, 21))
    np.testing.assert_array_equal(result.origins, 400 - 20 * np.arange(8, 0, -1))


def test_scorer_forecasts_from_the_end_of_the_training_fold():
    model = _arx().fit(X_NOISY[:300], Y_NOISY[:300])
    expected = model.forecast(30, X_future=X_NOISY[300:330])
    for metric, func in [
        ("rmse", root_mean_squared_error),
        ("mae", mean_absolute_error),
    ]:
        score = make_forecast_scorer(metric)(model, X_NOISY[300:330], Y_NOISY[300:330])
        assert score == pytest.approx(-func(Y_NOISY[300:330], expected))
    # horizon=5 scores the first five steps only
    score = make_forecast_scorer("mae", horizon=5)(
        model, X_NOISY[300:330], Y_NOISY[300:330]
    )
    assert score == pytest.approx(-mean_absolute_error(Y_NOISY[300:305], expected[:5]))
    # not the free run from the mean output, which starts far off
    free_run = model.predict(X_NOISY[300:330])
    assert score != pytest.approx(-mean_absolute_error(Y_NOISY[300:305], free_run[:5]))


def test_backtest_rows_match_the_scorer_folds():
    scorer = make_forecast_scorer("rmse")
    scores = cross_validate(_arx(), X_NOISY, Y_NOISY, cv=CV, scoring=scorer)
    result = backtest(_arx(), X_NOISY, Y_NOISY, cv=CV)
    per_fold = np.sqrt(np.mean(result.errors**2, axis=1))
    np.testing.assert_allclose(-scores["test_score"], per_fold)
    np.testing.assert_allclose(result.rmse, np.sqrt(np.mean(result.errors**2, 0)))


def test_random_walk_rmse_grows_like_sqrt_of_the_horizon():
    errors = []
    for seed in range(6):
        walk = np.cumsum(np.random.default_rng(seed).normal(size=3000))
        ar = NARXRegressor(LinearRegression(), n_output_lags=1)
        result = backtest(ar, None, walk, cv=TimeSeriesSplit(150, test_size=16))
        errors.append(result.errors)
    rmse = np.sqrt(np.mean(np.concatenate(errors) ** 2, axis=0))
    np.testing.assert_allclose(rmse / rmse[0], np.sqrt(np.arange(1, 17)), rtol=0.1)


def test_backtest_with_a_gap_scores_the_steps_after_the_gap():
    cv = TimeSeriesSplit(n_splits=5, test_size=10, gap=3)
    result = backtest(_arx(), X_CLEAN, Y_CLEAN, cv=cv)
    np.testing.assert_array_equal(result.horizon, np.arange(4, 14))
    assert np.abs(result.errors).max() < 1e-8
    noisy = backtest(_arx(), X_NOISY, Y_NOISY, cv=cv)
    model = _arx().fit(X_NOISY[:347], Y_NOISY[:347])  # test rows 350..359
    y_pred = model.forecast(13, X_future=X_NOISY[347:360])[3:]
    np.testing.assert_allclose(noisy.y_pred[0], y_pred)


def test_backtest_on_pandas_gives_time_stamps_and_multioutput():
    index = pd.date_range("2024-01-01", periods=400, freq="h")
    X = pd.DataFrame(X_NOISY, index=index, columns=["u"])
    Y = pd.DataFrame({"a": Y_NOISY, "b": -2 * Y_NOISY}, index=index)
    result = backtest(_arx(), X, Y, cv=CV)
    assert result.errors.shape == (8, 20, 2)
    assert result.origins[0] == index[240]
    np.testing.assert_allclose(result.errors[..., 1], -2 * result.errors[..., 0])
    scores = cross_validate(_arx(), X, Y["a"], cv=CV, scoring=make_forecast_scorer())
    assert scores["test_score"].shape == (8,)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda: backtest(_arx(), X_NOISY, Y_NOISY, cv=KFold(3)),
            ValueError,
            "rolling-origin splits",
        ),
        (
            lambda: backtest(LinearRegression(), X_NOISY, Y_NOISY, cv=CV),
            TypeError,
            "has no forecast method",
        ),
        (
            lambda: make_forecast_scorer("mape"),
            ValueError,
            r"'metric' parameter of make_forecast_scorer must be a str among",
        ),
        (
            lambda: make_forecast_scorer(horizon=0),
            ValueError,
            r"'horizon' parameter of make_forecast_scorer must be an int in "
            r"the range \[1, inf\)",
        ),
    ],
)
def test_bad_backtests_get_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_backtest_refuses_a_panel():
    index = pd.MultiIndex.from_product([["a", "b"], range(200)])
    with pytest.raises(ValueError, match="backtest one series at a time"):
        backtest(_arx(), pd.DataFrame(X_NOISY, index=index), Y_NOISY, cv=CV)


def test_scorer_repr():
    assert repr(make_forecast_scorer("mae", horizon=3)) == (
        "make_forecast_scorer(metric='mae', horizon=3)"
    )


def test_display_draws_the_backtest_rmse():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    display = BacktestDisplay.from_estimator(_arx(), X_NOISY, Y_NOISY, cv=CV)
    result = backtest(_arx(), X_NOISY, Y_NOISY, cv=CV)
    np.testing.assert_allclose(display.error_, result.rmse)
    np.testing.assert_allclose(display.line_.get_ydata(), result.rmse)
    assert display.line_.get_label() == "NARXRegressor, RMSE"
    assert len(display.points_.get_offsets()) == 8 * 20
    mae = BacktestDisplay.from_predictions(
        result.y_true, result.y_pred, metric="mae", name="arx"
    )
    np.testing.assert_allclose(mae.error_, result.mae)
    with pytest.raises(ValueError, match=r"shape \(n_folds, horizon\)"):
        BacktestDisplay.from_predictions(result.y_true, result.y_pred[:, :3])
    with pytest.raises(ValueError, match="output must be 0"):
        BacktestDisplay.from_estimator(_arx(), X_NOISY, Y_NOISY, cv=CV, output=1)
    matplotlib.pyplot.close("all")
