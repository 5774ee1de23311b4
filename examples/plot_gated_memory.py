"""
====================================================
Long memory: the Elman cell against the GRU and LSTM
====================================================

The *adding problem* (Hochreiter and Schmidhuber, 1997) asks for the sum of
two values marked somewhere in a long sequence of noise: one in the first
half, one in the second. To answer, a recurrent network must keep the first
marked value in its state for up to ``T`` steps, and learn to do so from a
gradient that has to travel back over the same distance.

The simple (Elman) cell :math:`h_t = \\tanh(x_t U + h_{t-1} W + b)` multiplies
that gradient by :math:`W^\\top` and by the activation's slope at every step:
it fades (or explodes) geometrically, and past a few tens of steps the cell
does not learn the task. The gated cells (``cell="gru"``, ``cell="lstm"``)
carry their state through a gate that can stay open, :math:`h_t = (1 - z_t)
\\odot n_t + z_t \\odot h_{t-1}` for the GRU, :math:`c_t = f_t \\odot c_{t-1} +
i_t \\odot g_t` for the LSTM, so the gradient crosses long spans intact.

Predicting the constant 1 scores a mean squared error of 1/6 (the variance of
the sum of two uniform values): anything above that line has learned nothing.
"""

# %%
# The same network with three cells, on sequences of growing length
# ------------------------------------------------------------------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNRegressor
from skrnn.datasets import make_adding_problem

CELLS = ["elman", "gru", "lstm"]
LENGTHS = [10, 25, 50, 100]

test_mse = {cell: [] for cell in CELLS}
curves = {}
for T in LENGTHS:
    X, y = make_adding_problem(1000, T, random_state=0)
    X_test, y_test = make_adding_problem(500, T, random_state=1)
    for cell in CELLS:
        reg = RNNRegressor(
            hidden_layer_sizes=(16,),
            cell=cell,
            learning_rate_init=0.01,
            batch_size=32,
            max_iter=20,
            n_iter_no_change=20,
            random_state=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            reg.fit(X, y)
        test_mse[cell].append(np.mean((reg.predict(X_test) - y_test) ** 2))
        if T == LENGTHS[-1]:
            # the loss is ½ MSE (+ L2) of the standardised target: back to y's unit
            curves[cell] = 2 * np.asarray(reg.loss_curve_) * reg.y_scale_[0] ** 2

for cell in CELLS:
    pairs = zip(LENGTHS, test_mse[cell], strict=True)
    row = "  ".join(f"T={T}: {m:.4f}" for T, m in pairs)
    print(f"{cell:>5}  test MSE  {row}")

# %%
# The Elman cell learns the short task only; the gated cells learn them all
# -------------------------------------------------------------------------
fig, (ax_len, ax_epoch) = plt.subplots(1, 2, figsize=(10, 4))
for cell in CELLS:
    ax_len.plot(LENGTHS, test_mse[cell], "o-", label=cell)
    ax_epoch.plot(np.arange(1, len(curves[cell]) + 1), curves[cell], label=cell)
for ax in (ax_len, ax_epoch):
    ax.axhline(1 / 6, color="gray", linestyle="--", label="predict the constant 1")
    ax.set_yscale("log")
    ax.set_ylabel("mean squared error")
ax_len.set_xlabel("sequence length T")
ax_len.set_title("Test error after 20 epochs")
ax_len.legend()
ax_epoch.set_xlabel("epoch")
ax_epoch.set_title(f"Training error per epoch, T = {LENGTHS[-1]}")
fig.tight_layout()
plt.show()

# %%
# Both gated cells first sit on the plateau of the constant prediction, then
# find the marked values and drop by two orders of magnitude; the Elman cell
# never leaves the plateau once the sequences are a few tens of steps long.
# The GRU has three gates and the LSTM four, so a GRU layer has three times
# and an LSTM layer four times the weights of an Elman layer of the same
# width, and costs about as much more per step.
