"""
================================================
Forecasting a dated series with exogenous inputs
================================================

A forecast continues a series past its last observation. Here the series is
the hourly electricity load of a (simulated) town, and what drives it is
known in advance: the time of day, and the temperature, for which a weather
forecast exists. :class:`~skrnn.NARXRegressor` learns

.. math:: \\text{load}_t = f(\\text{inputs}_t, \\text{inputs}_{t-1},
          \\text{inputs}_{t-2}, \\text{load}_{t-1}, \\text{load}_{t-2}),

and :meth:`~skrnn.NARXRegressor.forecast` runs it forward from the last
observed hours, feeding back its own predictions of the load and reading the
future inputs from ``X_future``. Everything stays in pandas: the model is
fitted on a DataFrame and a Series with an hourly ``DatetimeIndex``, and the
forecast comes back as a Series named like ``y`` on the continued index.
"""

# %%
# An hourly load driven by temperature
# ------------------------------------
# Eight weeks and two days of hourly data. The temperature follows a daily
# cycle and a slowly wandering weather, and a cold front arrives in the last
# two days, the ones we will forecast. The load has a daily pattern, a
# heating demand that grows smoothly as the temperature falls below 16 °C,
# and inertia: it moves a fifth of the way to its target every hour.
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import NARXRegressor

rng = np.random.default_rng(0)
n_hours = 8 * 7 * 24 + 48
index = pd.date_range("2024-01-01", periods=n_hours, freq="h", name="time")
hour = index.hour.to_numpy()
t = np.arange(n_hours)

weather = np.zeros(n_hours)
for k in range(1, n_hours):
    weather[k] = 0.97 * weather[k - 1] + rng.normal()
cold_front = -8.0 / (1.0 + np.exp(-(t - (n_hours - 40)) / 4.0))
temperature = 11 + weather + cold_front + 4 * np.sin(2 * np.pi * (hour - 9) / 24)

daily = (
    1.0
    + 0.3 * np.sin(2 * np.pi * (hour - 6) / 24)
    + 0.15 * np.sin(4 * np.pi * (hour - 3) / 24)
)
heating = np.logaddexp(0.0, 16.0 - temperature) / 10  # smooth max(0, 16 - T)
load = np.empty(n_hours)
load[0] = daily[0] + heating[0]
for k in range(1, n_hours):
    target = daily[k - 1] + heating[k - 1]
    load[k] = 0.8 * load[k - 1] + 0.2 * target + 0.02 * rng.normal()

# The inputs: the temperature, and the hour of day as a point on a circle.
X = pd.DataFrame(
    {
        "temperature": temperature,
        "hour_sin": np.sin(2 * np.pi * hour / 24),
        "hour_cos": np.cos(2 * np.pi * hour / 24),
    },
    index=index,
)
y = pd.Series(load, index=index, name="load")

# Everything up to the forecast origin is history; the last 48 hours are
# the future: their inputs are known (a weather forecast), their load is not.
origin = n_hours - 48
X_past, y_past = X.iloc[:origin], y.iloc[:origin]
X_future, y_future = X.iloc[origin:], y.iloc[origin:]
print(X_past.tail(3))
print(f"forecast origin: {X_future.index[0]}")

# %%
# Fitting on pandas data
# ----------------------
# The network ``f`` is a small :class:`~sklearn.neural_network.MLPRegressor`
# behind a :class:`~sklearn.preprocessing.StandardScaler` (the temperature
# and the load live on different scales), trained by L-BFGS, which suits a
# few thousand rows. A linear NARX model (a ridge regression) is fitted next
# to it.
narx = NARXRegressor(
    make_pipeline(
        StandardScaler(),
        MLPRegressor(
            hidden_layer_sizes=(16,),
            solver="lbfgs",
            alpha=1e-3,
            max_iter=500,
            random_state=0,
        ),
    ),
    n_lags=2,
    n_output_lags=2,
)
linear = NARXRegressor(make_pipeline(StandardScaler(), Ridge()))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # L-BFGS may stop at max_iter: fine here
    narx.fit(X_past, y_past)
linear.fit(X_past, y_past)
print(f"input columns: {list(narx.feature_names_in_)}")

# %%
# Forecasting 48 hours
# --------------------
# ``forecast(48, X_future=...)`` continues the series from the last two
# observed hours. ``X_future`` must hold exactly the 48 future rows (a model
# with inputs never invents them), and the forecast is a pandas Series on
# their hourly index, named after ``y``.
y_forecast = narx.forecast(48, X_future=X_future)
print(
    f"a {type(y_forecast).__name__} named {y_forecast.name!r}, "
    f"{len(y_forecast)} steps of frequency {y_forecast.index.freqstr!r}"
)
print(y_forecast.head(3).round(3))

# %%
# The usual baseline of an hourly series with a daily cycle is the seasonal
# naive forecast: the same hour of the last observed day. It cannot know
# about the cold front; the models, given the temperature forecast, can.
seasonal_naive = pd.Series(
    np.tile(y_past.iloc[-24:].to_numpy(), 2), index=y_future.index, name="load"
)
forecasts = {
    "seasonal naive": seasonal_naive,
    "NARX, linear": linear.forecast(48, X_future=X_future),
    "NARX, neural": y_forecast,
}
mae = pd.Series({name: (f - y_future).abs().mean() for name, f in forecasts.items()})
print("mean absolute error over the 48 hours:")
print(mae.round(3).to_string())

# %%
# A what-if forecast
# ------------------
# Because the temperature is an input, the same model answers "what if the
# front were 4 °C colder?": change ``X_future`` and forecast again.
colder = X_future.assign(temperature=X_future["temperature"] - 4.0)
y_colder = narx.forecast(48, X_future=colder)
extra = (y_colder - y_forecast).sum()
print(f"extra energy if 4 °C colder: {extra:.2f} load-hours over two days")

# %%
# History and forecast
# --------------------
# The last week of history, the forecast from the origin (dashed line), the
# load that was then observed, and the temperature that drove it.
history = slice(origin - 7 * 24, origin)
fig, (ax, ax_temp) = plt.subplots(
    2, 1, figsize=(10, 6), sharex=True, height_ratios=[2, 1]
)
y.iloc[history].plot(ax=ax, color="black", lw=1, label="history")
y_future.plot(ax=ax, color="black", ls=":", lw=1, label="observed afterwards")
seasonal_naive.plot(ax=ax, color="tab:grey", lw=1.2, label="seasonal naive")
y_forecast.plot(ax=ax, color="tab:orange", lw=2, label="NARX forecast")
y_colder.plot(ax=ax, color="tab:blue", lw=1.2, ls="--", label="NARX, 4 °C colder")
ax.axvline(X_future.index[0], color="grey", lw=0.8, ls="--")
ax.set_ylabel("load")
ax.legend(loc="upper left", ncols=3, fontsize=9)
ax.set_title("48-hour load forecast with a temperature forecast as input")

X["temperature"].iloc[history].plot(ax=ax_temp, color="black", lw=1)
X_future["temperature"].plot(ax=ax_temp, color="tab:orange", lw=1.5)
colder["temperature"].plot(ax=ax_temp, color="tab:blue", lw=1.2, ls="--")
ax_temp.axvline(X_future.index[0], color="grey", lw=0.8, ls="--")
ax_temp.set_ylabel("temperature (°C)")
ax_temp.set_xlabel("")
fig.tight_layout()
plt.show()
