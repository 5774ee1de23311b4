"""
===============================================================
A NARX model: one step ahead, k steps ahead, free run, forecast
===============================================================

:class:`~skrnn.NARXRegressor` learns a dynamic system

.. math:: y_t = f(x_t, x_{t-1}, x_{t-2}, y_{t-1}, y_{t-2})

with any scikit-learn regressor ``f`` (by default a small neural network).
It is trained one step ahead, on the observed past outputs, but it can be used
in three ways that differ in how much of the observed output they see:

- **one step ahead** (``predict(X, y=y)``): every prediction uses the observed
  outputs up to the step before -- the easy test;
- **k steps ahead** (``predict(X, y=y, steps_ahead=k)``): the observed outputs
  up to t - k, the model's own predictions after that;
- **free run** (``predict(X)``): only the inputs; the model's own outputs are
  fed back all the way -- a simulation, the honest test of a dynamic model
  (``score`` is its R²);
- **forecast** (``forecast(n_steps, X_future)``): a free run that continues
  the series seen by ``fit`` (or ``update``) into the future.

The system is :func:`skrnn.datasets.make_narx_system`,
s_t = 0.8 s_{t-1} - 0.1 s_{t-2} + tanh(x_{t-1}) + 0.2 x_{t-2}² + e_t, with
equation noise e_t.
"""

# %%
# Data and model
# --------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import r2_score

from skrnn import NARXRegressor
from skrnn.datasets import make_narx_system

X, y = make_narx_system(3000, noise=0.1, random_state=0)
X_test, y_test, s_test = make_narx_system(
    600, noise=0.1, random_state=1, return_noise_free=True
)
narx = NARXRegressor(n_lags=2, n_output_lags=2, random_state=0).fit(X, y)

one_step = narx.predict(X_test, y=y_test)
free_run = narx.predict(X_test)
print(f"one step ahead R2: {r2_score(y_test, one_step):.3f}")
print(f"free run R2:       {narx.score(X_test, y_test):.3f}")
print(f"free run R2 against the noise-free output: {r2_score(s_test, free_run):.3f}")

# %%
# One step ahead against free run
# -------------------------------
# One step ahead the model is always put back on track by the observed
# output; in the free run its errors feed back. Both follow the system here:
# the network has learned the dynamics, not only the next step.
window = slice(100, 250)
t = np.arange(len(y_test))[window]
fig, ax = plt.subplots(figsize=(9, 3.5))
ax.plot(t, y_test[window], "k.", ms=4, label="measured output")
ax.plot(t, one_step[window], lw=1.2, label="one step ahead")
ax.plot(t, free_run[window], lw=1.2, label="free run (simulation)")
ax.set_xlabel("time step")
ax.set_ylabel("y")
ax.legend(loc="upper right")
ax.set_title("NARX model on new data")
fig.tight_layout()

# %%
# From one step ahead to the free run
# -----------------------------------
# The k-step-ahead R² falls from the one-step value towards the free-run value
# as k grows: the further ahead, the more of the model's own output it uses.
# Each ``steps_ahead=k`` call is k vectorised passes over all rows.
ks = np.arange(1, 16)
r2_k = [r2_score(y_test, narx.predict(X_test, y=y_test, steps_ahead=k)) for k in ks]
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(ks, r2_k, "o-", label="k steps ahead")
ax.axhline(narx.score(X_test, y_test), color="C1", ls="--", label="free run")
ax.set_xlabel("k (steps ahead)")
ax.set_ylabel("R²")
ax.legend()
fig.tight_layout()

# %%
# Forecasting a dated series
# --------------------------
# Given pandas data with a regular ``DatetimeIndex`` (here through
# ``update``, which moves the forecast origin forward without refitting),
# ``forecast`` returns a pandas Series on the continued index. The model has
# an input, so the future inputs must be given: they are never filled in.
index = pd.date_range("2024-01-01", periods=len(y_test), freq="h")
series = pd.Series(y_test, index=index, name="y")
narx.update(X_test[:400], series[:400])  # the test series, seen up to row 400
y_next = narx.forecast(48, X_future=X_test[400:448])
print(y_next.head(3))

fig, ax = plt.subplots(figsize=(9, 3.5))
series[340:448].plot(ax=ax, style="k.", ms=4, label="measured output")
y_next.plot(ax=ax, lw=1.5, label="forecast from 2024-01-17 16:00")
ax.axvline(index[400], color="grey", lw=0.8)
ax.set_ylabel("y")
ax.legend(loc="upper left")
fig.tight_layout()
plt.show()
