"""
===================================================================
Multi-horizon forecasting with an encoder–decoder: read 48, emit 12
===================================================================

:class:`~skrnn.Seq2SeqRegressor` maps an input sequence to an output
sequence of another length. Here it reads the last 48 steps of a series and
emits the next 12: an *encoder* network reads the 48 steps, and its final
state starts a *decoder* network that emits one step at a time, each
forecast fed back as the next step's input,

.. math::

    d_s = \\mathrm{cell}(\\hat y_{s-1}, d_{s-1}), \\quad d_{-1} = e_{47},
    \\quad \\hat y_s = d_s V + c .

The series is a sum of two sines -- periods 12 and 7.3, the first with a
slowly drifting amplitude -- plus white noise of standard deviation 0.1. We
compare three forecasts on the last 30% of the series, which no model saw:

* **seasonal naive**: the value 12 steps earlier, the usual baseline; it is
  exact on the period-12 sine and blind to the other one;
* **Ridge**: a linear regression of the 12 future values on the 48 past ones
  (a sum of sines obeys a linear recurrence, so this is a strong reference);
* **Seq2Seq (GRU)**: the encoder–decoder with gated recurrent units.

The noise alone puts a floor of σ² = 0.01 under any forecast's error.
"""

# %%
# One long series, cut into windows of 48 inputs and 12 outputs
# -------------------------------------------------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.linear_model import Ridge

from skrnn import Seq2SeqRegressor

N_IN, N_OUT = 48, 12
rng = np.random.default_rng(0)
t = np.arange(6000)
series = (
    (1 + 0.3 * np.sin(2 * np.pi * t / 600)) * np.sin(2 * np.pi * t / 12)
    + 0.6 * np.sin(2 * np.pi * t / 7.3)
    + 0.1 * rng.standard_normal(len(t))
)
split = int(0.7 * len(series))


def windows(part, stride):
    """Inputs (n, 48) and outputs (n, 12) of the windows inside ``part``."""
    w = sliding_window_view(part, N_IN + N_OUT)[::stride]
    return w[:, :N_IN], w[:, N_IN:]


X_train, y_train = windows(series[:split], stride=2)
X_test, y_test = windows(series[split:], stride=1)
print(f"{len(X_train)} training windows, {len(X_test)} test windows")

# %%
# The three forecasts
# -------------------
# A 2-D ``X`` is a batch of univariate sequences and a 2-D ``y`` a batch of
# univariate output sequences, so the encoder–decoder takes the same arrays
# as Ridge. ``predict`` emits as many steps as it was trained on (12);
# ``predict(X, n_steps=k)`` emits any other number.
started = time.perf_counter()
seq2seq = Seq2SeqRegressor(
    (32,),
    cell="gru",
    learning_rate_init=0.01,
    batch_size=32,
    max_iter=25,
    random_state=0,
).fit(X_train, y_train)
fit_time = time.perf_counter() - started

forecasts = {
    "seasonal naive": X_test[:, -12:],
    "Ridge": Ridge(alpha=1e-3).fit(X_train, y_train).predict(X_test),
    "Seq2Seq (GRU)": seq2seq.predict(X_test),
}
mse = {name: np.mean((f - y_test) ** 2, axis=0) for name, f in forecasts.items()}
naive = mse["seasonal naive"].mean()
print(f"Seq2Seq fitted in {fit_time:.1f} s ({seq2seq.n_iter_} epochs)")
print(f"{'forecast':<16}{'MSE':>8}{'vs naive':>10}")
for name, per_step in mse.items():
    print(f"{name:<16}{per_step.mean():8.4f}{per_step.mean() / naive:10.3f}")

# %%
# A forecast, and the error at every horizon
# ------------------------------------------
# Left: one test window -- the 48 steps the models read, the 12 that
# followed, and the forecasts. Right: the mean squared error at each of the
# 12 horizons; the dotted line is the noise floor σ².
i = 200
fig, (ax_window, ax_horizon) = plt.subplots(1, 2, figsize=(11, 4))
ax_window.plot(np.arange(-N_IN, 0), X_test[i], color="0.5", label="input")
ax_window.plot(np.arange(N_OUT), y_test[i], "k.-", label="truth")
for name, f in forecasts.items():
    ax_window.plot(np.arange(N_OUT), f[i], label=name)
ax_window.axvline(-0.5, color="0.8")
ax_window.set_xlabel("step (0 = first forecast)")
ax_window.set_title("One test window")
ax_window.legend(loc="lower left", fontsize="small")

horizon = np.arange(1, N_OUT + 1)
for name, per_step in mse.items():
    ax_horizon.plot(horizon, per_step, "o-", label=name)
ax_horizon.axhline(0.01, color="0.5", linestyle=":", label="noise floor σ²")
ax_horizon.set_yscale("log")
ax_horizon.set_xlabel("horizon (steps ahead)")
ax_horizon.set_ylabel("mean squared error")
ax_horizon.set_title("Error at each horizon (test windows)")
ax_horizon.legend(fontsize="small")
fig.tight_layout()
plt.show()
