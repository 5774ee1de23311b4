"""
==========================================
How much of a series does each model need?
==========================================

A learning curve plots a model's score against the amount of data it was
trained on: the training score falls and the validation score rises as the
training set grows, and where they meet tells whether more data would help
(they are still apart: the model overfits) or not (they have met: it is as
good as its form allows).

For a time series "more data" means a longer stretch of the past. scikit-learn's
:func:`~sklearn.model_selection.learning_curve` with
:class:`~sklearn.model_selection.TimeSeriesSplit` does exactly that: each
training set is the first ``n`` steps of the series (``shuffle=False``, the
default, keeps them in order), and the validation block is the stretch that
follows the fold's whole training range. The three model families of skrnn,
fitted to the nonlinear system of :func:`skrnn.datasets.make_narx_system`,
are compared:

- :class:`~skrnn.FIRRegressor` with a linear filter of 11 input lags: few
  parameters, it learns fast and is soon limited by its form;
- :class:`~skrnn.NARXRegressor` with a small neural network on two input and
  two output lags, scored by its free-run simulation (the network is the
  default one, 32 tanh units trained by Adam, but trained for its 200 epochs
  without early stopping: on a few hundred rows, the 10% that early stopping
  holds out is too few to judge by);
- an :class:`~skrnn.RNNRegressor` of 16 units reading windows of 16 steps
  through :class:`~skrnn.SlidingWindow`.
"""

# %%
# Data, folds and models
# ----------------------
import time
import warnings

import matplotlib.pyplot as plt
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit, learning_curve
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline

from skrnn import FIRRegressor, NARXRegressor, RNNRegressor, SlidingWindow
from skrnn.datasets import make_narx_system

# The neural networks train for a fixed, small budget: no convergence warnings.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_narx_system(3000, noise=0.1, random_state=0)
cv = TimeSeriesSplit(n_splits=3, test_size=400)
train_sizes = [50, 100, 200, 400, 800, 1600]  # steps of the series
for k, (train, test) in enumerate(cv.split(X)):
    print(
        f"fold {k}: up to {len(train)} training steps, validate on {test[0]}-{test[-1]}"
    )

models = {
    "FIR, linear (11 lags)": FIRRegressor(Ridge(), n_lags=10),
    "NARX, neural (2 + 2 lags)": NARXRegressor(
        MLPRegressor(
            hidden_layer_sizes=(32,),
            activation="tanh",
            learning_rate_init=0.01,
            max_iter=200,
            random_state=0,
        ),
    ),
    "RNN (16 units, window 16)": make_pipeline(
        SlidingWindow(16),
        RNNRegressor(
            hidden_layer_sizes=(16,),
            learning_rate_init=0.01,
            batch_size=32,
            max_iter=20,
            random_state=0,
        ),
    ),
}

# %%
# The learning curves
# -------------------
# Each model is fitted on every training size of every fold, and scored by
# R² (for NARX, ``score`` is the R² of the free run) on the training steps
# and on the validation block.
curves = {}
for name, model in models.items():
    start = time.perf_counter()
    sizes, train_scores, valid_scores = learning_curve(
        model, X, y, train_sizes=train_sizes, cv=cv
    )
    curves[name] = (sizes, train_scores, valid_scores)
    print(f"{name}: {time.perf_counter() - start:.1f} s")
    for n, score in zip(sizes, valid_scores.mean(axis=1), strict=True):
        print(f"    {n:5d} steps: validation R2 {score:.3f}")

# %%
# The linear FIR model has met its limit within 200 steps: training and
# validation scores agree, and more data cannot teach a linear filter the
# square term of the system. The recurrent network starts worst -- on 50
# windows it overfits, a high training score and a poor validation one --
# but keeps improving as the series grows and passes the linear filter at a
# few hundred steps. The NARX model, which has the system's own structure,
# needs the least data: it leads from 50 steps on, and its two curves have
# nearly met by 800.

fig, axes = plt.subplots(1, 3, figsize=(12, 4), sharey=True)
for ax, (name, (sizes, train_scores, valid_scores)) in zip(
    axes, curves.items(), strict=True
):
    for scores, label in [(train_scores, "training"), (valid_scores, "validation")]:
        mean, std = scores.mean(axis=1), scores.std(axis=1)
        ax.plot(sizes, mean, "o-", label=label)
        ax.fill_between(sizes, mean - std, mean + std, alpha=0.2)
    ax.set_xscale("log")
    ax.minorticks_off()
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.set_xlabel("training steps")
    ax.set_title(name)
    ax.grid(alpha=0.3)
axes[0].set_ylabel("R²")
axes[0].set_ylim(0.4, 1.02)
axes[0].legend(loc="lower right")
fig.tight_layout()

# %%
# The three validation curves on one plot:
fig, ax = plt.subplots(figsize=(6, 4))
for name, (sizes, _, valid_scores) in curves.items():
    ax.plot(sizes, valid_scores.mean(axis=1), "o-", label=name)
ax.set_xscale("log")
ax.minorticks_off()
ax.set_xticks(train_sizes, [str(n) for n in train_sizes])
ax.set_ylim(0.5, 1.0)
ax.set_xlabel("training steps")
ax.set_ylabel("validation R²")
ax.legend(loc="lower right")
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()
