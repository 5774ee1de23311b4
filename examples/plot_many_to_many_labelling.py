"""
========================================
Labelling every time step (many to many)
========================================

Some tasks need a label at every step: which phase a machine is in, which
sound is being spoken in each frame, which regime a market is in today. A
hidden Markov model does this with a transition matrix that is given; a
recurrent network with ``return_sequences=True`` learns the transition
instead, and outputs a label at every step,

.. math:: h_t = \\tanh(x_t U + h_{t-1} W + b), \\qquad
          P(\\text{label}_t \\mid x_0, \\ldots, x_t)
          = \\operatorname{softmax}(h_t V + c).

The forward network is causal: its label at t uses the steps up to t only (a
*filter*, like the forward pass of an HMM). With ``bidirectional=True`` each
layer also reads the sequence backwards and the label at t uses every step
(a *smoother*, like the forward-backward algorithm) -- better, when the
whole sequence is there before the labels are needed.

The signal switches between three regimes: **rest** (noise around zero), a
**level** (noise around a constant between 0.5 and 1.2) and an
**oscillation** (a noisy sine wave). One value does not tell them apart --
the oscillation passes through zero and through every level -- so a label
needs the steps around it.
"""

# %%
# Sequences of regimes
# --------------------
# Each sequence of 120 steps is a chain of segments of 10 to 40 steps; each
# segment is in a different regime from the one before. ``X`` is a 3-D array
# ``(n_sequences, 120, 1)`` and ``Y`` holds one string label per step,
# ``(n_sequences, 120)``.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer

from skrnn import RNNClassifier

rng = np.random.default_rng(0)
REGIMES = np.array(["rest", "level", "oscillation"])


def make_regimes(n_sequences, n_timesteps=120):
    X = np.empty((n_sequences, n_timesteps, 1))
    Y = np.empty((n_sequences, n_timesteps), dtype=object)
    for i in range(n_sequences):
        regime, start = rng.integers(3), 0
        while start < n_timesteps:
            stop = min(n_timesteps, start + int(rng.integers(10, 41)))
            m = stop - start
            if REGIMES[regime] == "rest":
                x = np.zeros(m)
            elif REGIMES[regime] == "level":
                x = np.full(m, rng.uniform(0.5, 1.2))
            else:
                cycles = rng.uniform(0.06, 0.12) * np.arange(m)
                x = np.sin(2 * np.pi * cycles + rng.uniform(0, 2 * np.pi))
            X[i, start:stop, 0] = x + 0.15 * rng.normal(size=m)
            Y[i, start:stop] = REGIMES[regime]
            regime = (regime + rng.integers(1, 3)) % 3  # always a change
            start = stop
    return X, Y.astype(str)


X_train, Y_train = make_regimes(400)
X_test, Y_test = make_regimes(100)
print(f"X_train {X_train.shape}, Y_train {Y_train.shape}, e.g. {Y_train[0, :3]}")

# %%
# Two recurrent labellers and a memoryless baseline
# -------------------------------------------------
# The same network, forward only and bidirectional, trained for a fixed 40
# epochs; and a logistic regression on a spline expansion of the current
# value alone, which labels each step without memory.
models = {
    "forward (filter)": RNNClassifier(
        hidden_layer_sizes=(16,),
        return_sequences=True,
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=40,
        random_state=0,
    ),
    "bidirectional (smoother)": RNNClassifier(
        hidden_layer_sizes=(16,),
        return_sequences=True,
        bidirectional=True,
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=40,
        random_state=0,
    ),
}
labels = {}
for name, model in models.items():
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, Y_train)
    fit_time = time.perf_counter() - start
    labels[name] = model.predict(X_test)  # (n_sequences, 120), one label per step
    accuracy = model.score(X_test, Y_test)  # over every step of every sequence
    print(f"{name:<25} per-step accuracy {accuracy:.3f}  (fit {fit_time:.1f} s)")

memoryless = make_pipeline(SplineTransformer(n_knots=8), LogisticRegression())
memoryless.fit(X_train.reshape(-1, 1), Y_train.reshape(-1))
labels["value only (no memory)"] = memoryless.predict(X_test.reshape(-1, 1)).reshape(
    Y_test.shape
)
accuracy = np.mean(labels["value only (no memory)"] == Y_test)
print(f"{'value only (no memory)':<25} per-step accuracy {accuracy:.3f}")

# %%
# One test sequence, labelled
# ---------------------------
# Top: the signal, on the true regimes. Below: the label of every step, as
# given and as predicted by each model. The memoryless labeller flickers
# wherever the oscillation crosses the other regimes' values; the forward
# network is late by a few steps at each change, which it can only see
# once it has happened; the bidirectional one, reading the steps after
# the change too, is mostly on time.
colors = ["#d9d9d9", "#fdae61", "#74add1"]  # rest, level, oscillation
cmap = ListedColormap(colors)
code = {regime: k for k, regime in enumerate(REGIMES)}
i = 0
x, y_true = X_test[i, :, 0], Y_test[i]
rows = {"true": y_true, **{name: labels[name][i] for name in labels}}

fig, (ax_x, ax_lab) = plt.subplots(
    2, 1, figsize=(10, 5), sharex=True, height_ratios=[2, 1.4]
)
changes = np.flatnonzero(y_true[1:] != y_true[:-1]) + 1
for start, stop in zip(np.r_[0, changes], np.r_[changes, len(x)], strict=True):
    ax_x.axvspan(start - 0.5, stop - 0.5, color=colors[code[y_true[start]]])
ax_x.plot(x, color="black", lw=1)
ax_x.set_ylabel("x")
ax_x.set_ylim(-1.7, 2.0)
handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colors]
ax_x.legend(handles, REGIMES, loc="upper left", ncols=3, fontsize=9)
ax_x.set_title("A test sequence and its labels")

strip = np.array([[code[label] for label in row] for row in rows.values()])
ax_lab.imshow(strip, aspect="auto", cmap=cmap, vmin=-0.5, vmax=2.5)
ax_lab.set_yticks(range(len(rows)), list(rows))
ax_lab.set_xlabel("time step")
fig.tight_layout()

# %%
# Where the errors are
# --------------------
# The accuracy of each model against the number of steps since the last
# change of regime, over every test sequence. Right after a change the
# forward network cannot know yet; a few steps later it has caught up. The
# bidirectional network reads the steps after t as well, and is right
# almost from the first step of a regime. Far from a change, both networks
# are nearly always right; the memoryless labeller never gets better.
# -1 marks the first segment of a sequence, which follows no change.
since_change = np.full(Y_test.shape, -1)
for t in range(1, Y_test.shape[1]):
    changed = Y_test[:, t] != Y_test[:, t - 1]
    counting = since_change[:, t - 1] >= 0
    since_change[:, t] = np.where(
        changed, 0, np.where(counting, since_change[:, t - 1] + 1, -1)
    )
steps = np.arange(10)

fig, ax = plt.subplots(figsize=(7, 4))
for name, predicted in labels.items():
    correct = predicted == Y_test
    curve = [correct[since_change == k].mean() for k in steps]
    ax.plot(steps, curve, "o-", label=name)
ax.set_xlabel("steps since the regime changed")
ax.set_ylabel("accuracy")
ax.set_xticks(steps)
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
