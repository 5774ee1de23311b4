"""
======================================================================
Identifying a Wiener–Hammerstein system with a state-space network
======================================================================

A Wiener–Hammerstein system is a static nonlinearity between two linear
filters: x → G₁ → f → G₂ → y (:func:`skrnn.datasets.make_wiener_hammerstein`,
a simulation of the electronic benchmark circuit). We fit
:class:`~skrnn.StateSpaceRegressor` with its defaults -- a GRU trained on the
simulation error of overlapping subsequences -- on 5,000 samples, and
simulate a fresh record from its inputs alone (the free run). The best linear
model of the same lags (ARX) is the reference: it cannot represent the
nonlinearity.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression

from skrnn import NARXRegressor, StateSpaceRegressor
from skrnn.datasets import make_wiener_hammerstein

X, y = make_wiener_hammerstein(5000, random_state=0)
X_test, y_test = make_wiener_hammerstein(1000, random_state=1)

model = StateSpaceRegressor(random_state=0).fit(X, y)
arx = NARXRegressor(LinearRegression(), n_lags=15, n_output_lags=15).fit(X, y)

y_sim = model.predict(X_test)  # free run: the inputs alone
y_arx = arx.predict(X_test)
skip = 100  # both start from rest: the transient is not scored


def rmse(y_pred):
    return 1000 * np.sqrt(np.mean((y_pred[skip:] - y_test[skip:]) ** 2))


print(f"free-run RMSE, state space: {rmse(y_sim):.2f} mV")
print(f"free-run RMSE, linear ARX:  {rmse(y_arx):.2f} mV")

# %%
# The free run and its error
# --------------------------
t = np.arange(len(y_test))
fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 5))
top.plot(t, y_test, color="black", lw=1, label="measured")
top.plot(t, y_sim, color="C0", lw=1, ls="--", label="state space (free run)")
top.set_ylabel("y (V)")
top.legend(loc="upper right")
bottom.plot(t, 1000 * (y_arx - y_test), color="C1", lw=0.8, label="linear ARX")
bottom.plot(t, 1000 * (y_sim - y_test), color="C0", lw=0.8, label="state space")
bottom.axvspan(0, skip, color="0.9", label="transient (not scored)")
bottom.set_ylabel("error (mV)")
bottom.set_xlabel("sample")
bottom.legend(loc="upper right")
fig.tight_layout()
plt.show()
