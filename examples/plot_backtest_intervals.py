"""
=====================================================
Backtesting a forecast and its prediction intervals
=====================================================

How good is a 24-hour forecast, and how far off can it be? A rolling-origin
backtest answers the first question in scikit-learn's terms: every fold of
:class:`~sklearn.model_selection.TimeSeriesSplit` fits the model on the past
and forecasts the next day, and :func:`~skrnn.make_forecast_scorer` scores
that forecast in :func:`~sklearn.model_selection.cross_validate`. The errors
of those forecasts, hour by hour, answer the second: the
:class:`~skrnn.ConformalForecaster` turns them into an interval at every
step of the forecast,

.. math:: \\hat y_{T+h} \\pm q_h, \\qquad q_h = \\text{the }
          \\lceil (n + 1)\\, c \\rceil\\text{-th smallest of }
          |y_{o+h} - \\hat y_{o+h \\mid o}| \\text{ over } n \\text{ origins } o,

which holds the observed value with probability about ``c`` whatever the
distribution of the errors.
"""

# %%
# An hourly load with a temperature input
# ---------------------------------------
# Twelve weeks of a (simulated) town's electricity load, indexed by the hour.
# The load follows a daily pattern and a heating demand that grows as the
# temperature falls below 16 °C, with inertia and random disturbances; the
# temperature wanders with the weather around a daily cycle. Both the
# temperature (from a weather forecast) and the hour of day are known ahead.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import TimeSeriesSplit, cross_validate

from skrnn import (
    BacktestDisplay,
    ConformalForecaster,
    NARXRegressor,
    make_forecast_scorer,
)

rng = np.random.default_rng(0)
n_hours = 12 * 7 * 24
index = pd.date_range("2024-01-01", periods=n_hours, freq="h", name="time")
hour = index.hour.to_numpy()

weather = np.zeros(n_hours)
for k in range(1, n_hours):
    weather[k] = 0.98 * weather[k - 1] + 0.6 * rng.normal()
temperature = 10 + weather + 4 * np.sin(2 * np.pi * (hour - 9) / 24)
daily = 1.0 + 0.3 * np.sin(2 * np.pi * (hour - 6) / 24)
heating = np.logaddexp(0.0, 16.0 - temperature) / 10  # smooth max(0, 16 - T)
load = np.empty(n_hours)
load[0] = daily[0] + heating[0]
for k in range(1, n_hours):
    target = daily[k - 1] + heating[k - 1]
    load[k] = 0.8 * load[k - 1] + 0.2 * target + 0.03 * rng.normal()

X = pd.DataFrame(
    {
        "temperature": temperature,
        "hour_sin": np.sin(2 * np.pi * hour / 24),
        "hour_cos": np.cos(2 * np.pi * hour / 24),
    },
    index=index,
)
y = pd.Series(load, index=index, name="load")

# %%
# A rolling-origin backtest
# -------------------------
# The model is a linear NARX model: the load of the last two hours and the
# inputs of the last three. ``TimeSeriesSplit(test_size=24)`` makes each
# fold a day that follows its training data; the scorer fits nothing
# itself: ``cross_validate`` fits the model on the training fold, and the
# scorer calls ``forecast(24, X_future=X_test)`` from the end of it and
# compares with the observed day. The scores are negated errors, as
# scikit-learn's ``neg_*`` scorers.
narx = NARXRegressor(LinearRegression(), n_lags=2, n_output_lags=2)
cv = TimeSeriesSplit(n_splits=30, test_size=24)
scores = cross_validate(
    narx,
    X,
    y,
    cv=cv,
    scoring={
        "rmse": make_forecast_scorer("rmse"),
        "rmse_next_hour": make_forecast_scorer("rmse", horizon=1),
    },
)
print(f"24-hour forecast RMSE over 30 days: {-scores['test_rmse'].mean():.3f}")
next_hour = -scores["test_rmse_next_hour"].mean()
print(f"next-hour RMSE:                     {next_hour:.3f}")

# %%
# The error grows with the horizon: the model feeds its own predictions
# back, and each step adds a disturbance it could not foresee.
# :class:`~skrnn.BacktestDisplay` draws the RMSE at each step after the
# origin over the folds (:func:`~skrnn.backtest` gives the same errors as
# arrays).
display = BacktestDisplay.from_estimator(narx, X, y, cv=cv)
display.ax_.set_title("24-hour forecasts from 30 origins")
plt.show()

# %%
# Prediction intervals
# --------------------
# :class:`~skrnn.ConformalForecaster` wraps the model. With
# ``method="split"`` it fits the model on all but the last three weeks,
# forecasts 24 hours from every hour of those three weeks (moving the model
# forward with ``update``, without refitting) and keeps the errors by
# horizon. Its ``forecast`` then continues the whole series, with an
# interval for the coverage asked; fitted on pandas, it returns a DataFrame
# with columns ``y``, ``lower`` and ``upper`` on the forecast's time index.
origin = n_hours - 24
X_past, y_past = X.iloc[:origin], y.iloc[:origin]
X_future, y_future = X.iloc[origin:], y.iloc[origin:]

conformal = ConformalForecaster(narx, horizon=24, calibration_size=3 * 7 * 24)
conformal.fit(X_past, y_past)
band_80 = conformal.forecast(24, X_future, coverage=0.8)
band_95 = conformal.forecast(24, X_future, coverage=0.95)
print(band_80.head(3).round(3))
inside = (band_95["lower"] <= y_future) & (y_future <= band_95["upper"])
print(f"observed hours inside the 95% interval: {inside.mean():.0%} of 24")

# %%
# The last three days of history, the forecast and its 80% and 95%
# intervals, and the load observed afterwards. The intervals widen with the
# horizon, as the backtest errors did.
history = y_past.iloc[-3 * 24 :]
fig, ax = plt.subplots(figsize=(9, 4))
history.plot(ax=ax, color="black", lw=1, label="history")
ax.fill_between(
    band_95.index, band_95["lower"], band_95["upper"], color="tab:orange", alpha=0.2,
    label="95% interval",
)  # fmt: skip
ax.fill_between(
    band_80.index, band_80["lower"], band_80["upper"], color="tab:orange", alpha=0.4,
    label="80% interval",
)  # fmt: skip
band_80["y"].plot(ax=ax, color="tab:orange", lw=2, label="forecast")
y_future.plot(ax=ax, color="black", ls=":", lw=1.2, label="observed afterwards")
ax.set_ylabel("load")
ax.set_xlabel("")
ax.legend(loc="upper left", ncols=3, fontsize=9)
ax.set_title("24-hour forecast with conformal intervals")
fig.tight_layout()
plt.show()
