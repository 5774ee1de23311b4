"""
====================================================
FIR, NARX and a recurrent network on the same system
====================================================

skrnn holds the three classic ways of learning a dynamic system from data.
Here each of them identifies the same nonlinear system,
:func:`skrnn.datasets.make_narx_system`,

.. math:: s_t = 0.8\\, s_{t-1} - 0.1\\, s_{t-2} + \\tanh(x_{t-1})
          + 0.2\\, x_{t-2}^2 + e_t,

from 3,000 steps of input ``x`` and measured output ``y``, and is judged on
the next 1,000 steps, which it has never seen, **from the inputs alone**:

- :class:`~skrnn.FIRRegressor` (finite response) maps the last N + 1 inputs
  to the output, :math:`\\hat y_t = f(x_t, \\ldots, x_{t-N})`. It never sees
  an output, so its ``predict`` is already a simulation; but the system's
  response to one input never ends, and the model must cut it off after
  N + 1 steps.
- :class:`~skrnn.NARXRegressor` (infinite response) feeds outputs back,
  :math:`\\hat y_t = f(x_t, x_{t-1}, x_{t-2}, y_{t-1}, y_{t-2})`. It is
  trained one step ahead on the measured outputs; its ``predict(X)`` is the
  **free run**, which feeds back its own predictions instead -- the honest
  test of a dynamic model.
- :class:`~skrnn.RNNRegressor` (state space) carries a learned hidden state,
  :math:`h_t = \\tanh(x_t U + h_{t-1} W + b)`, :math:`\\hat y_t = h_t V + c`.
  Behind :class:`~skrnn.SlidingWindow` it reads the window of the last
  ``width`` inputs before every step and predicts the output at its end: a
  pipeline that is an ordinary scikit-learn regressor of the series.

All three are scored by the R² of what they predict from the inputs of the
test steps, and the noise-free output ``s`` shows how much of the remaining
error is the noise no model can predict.
"""

# %%
# The data
# --------
# One series: the first 3,000 steps to train on, the next 1,000 to test.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline

from skrnn import (
    FIRRegressor,
    NARXRegressor,
    RNNRegressor,
    SimulationDisplay,
    SlidingWindow,
)
from skrnn.datasets import make_narx_system

X, y, s = make_narx_system(4000, noise=0.1, random_state=0, return_noise_free=True)
X_train, y_train = X[:3000], y[:3000]
X_test, y_test, s_test = X[3000:], y[3000:], s[3000:]
print(f"train {X_train.shape}, test {X_test.shape}")
print(f"R2 of the noise-free output on the test steps: {r2_score(y_test, s_test):.3f}")

# %%
# The models
# ----------
# Two FIR models (a linear filter and a small neural network on the last 11
# inputs), two NARX models (the same two regressors, with two input and two
# output lags: the structure of the true system) and a recurrent network of
# 16 units over windows of 16 steps. The RNN trains for a fixed 25 epochs
# (about a second), so scikit-learn warns that it has not converged: we let
# it stay quiet here.
models = {
    "FIR, linear": FIRRegressor(Ridge(), n_lags=10),
    "FIR, neural": FIRRegressor(n_lags=10, random_state=0),
    "NARX, linear": NARXRegressor(Ridge(), n_lags=2, n_output_lags=2),
    "NARX, neural": NARXRegressor(n_lags=2, n_output_lags=2, random_state=0),
    "RNN": make_pipeline(
        SlidingWindow(16),
        RNNRegressor(
            hidden_layer_sizes=(16,),
            learning_rate_init=0.01,
            batch_size=64,
            max_iter=25,
            random_state=0,
        ),
    ),
}

rows, predictions = [], {}
for name, model in models.items():
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    # FIR and RNN: ordinary predictions from the inputs; NARX: the free run.
    y_pred = model.predict(X_test)
    predictions[name] = y_pred
    rows.append(
        {
            "model": name,
            "test R2": r2_score(y_test, y_pred),
            "R2 vs noise-free": r2_score(s_test, y_pred),
            "fit time (s)": fit_time,
        }
    )

scores = pd.DataFrame(rows).set_index("model")
print(scores.round(3).to_string())

# %%
# The linear FIR and NARX models are limited by the square term of the
# system, which no linear function of the lags holds. Given a neural network
# for f, the NARX model, which has the system's own structure, simulates it
# best; the FIR network gets close by using ten lags of input instead of two
# of output, and the recurrent network learns its own state from the windows
# without being told the structure at all. No model can beat the R² of the
# noise-free output itself (printed above): the rest is the noise.
#
# The free runs
# -------------
# 150 test steps of each model's simulation against the measured output,
# drawn by :class:`~skrnn.SimulationDisplay` (the legend gives FIT% over
# the steps shown: the percentage of the output's variation the model
# reproduces, 100% for a perfect model).
window = slice(200, 350)
t = np.arange(3000, 4000)[window]
shown = ["FIR, neural", "NARX, neural", "RNN"]
fig, axes = plt.subplots(len(shown), 1, figsize=(9, 7), sharex=True, sharey=True)
colors = ["tab:blue", "tab:orange", "tab:green"]
for ax, name, color in zip(axes, shown, colors, strict=True):
    SimulationDisplay.from_predictions(
        y_test[window],
        predictions[name][window],
        time=t,
        name=name,
        label="from the inputs",
        ax=ax,
        measured_kwargs={
            "color": "0.3",
            "marker": ".",
            "linestyle": "none",
            "markersize": 3,
        },
        predicted_kwargs={"color": color, "linewidth": 1.5},
    )
    ax.legend(loc="upper left", ncols=2, fontsize=9)
    ax.set_ylim(-1.5, 5.0)
    ax.set_xlabel("")
axes[-1].set_xlabel("time step")
fig.suptitle("Three model families, each simulating from the inputs alone")
fig.tight_layout()

# %%
# Scores and fit times
# --------------------
# Two bar charts of the table: the test R², and the time each model took to
# fit (on this machine; the neural models train for a fixed budget).
fig, (ax_score, ax_time) = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
names = scores.index[::-1]
bar_colors = ["tab:green", "tab:orange", "tab:orange", "tab:blue", "tab:blue"]
ax_score.barh(names, scores.loc[names, "test R2"], color=bar_colors)
ax_score.set_xlim(0.5, 1.0)
ax_score.set_xlabel("test R² (from the inputs alone)")
ax_time.barh(names, scores.loc[names, "fit time (s)"], color=bar_colors)
ax_time.set_xlabel("fit time (s)")
fig.tight_layout()
plt.show()
