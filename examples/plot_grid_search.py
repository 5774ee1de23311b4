"""
================================================
Choosing lags and hidden sizes with GridSearchCV
================================================

How many past inputs and outputs should a model see, and how large should
its network be? skrnn's estimators are ordinary scikit-learn estimators, so
:class:`~sklearn.model_selection.GridSearchCV` answers with cross-validation.
Two things are particular to time series:

- **the folds must respect time**: :class:`~sklearn.model_selection.TimeSeriesSplit`
  trains on the past and validates on the block that follows, never on
  shuffled rows;
- **a dynamic model must be judged by what it will be used for**. A NARX
  model is trained one step ahead, and its one-step-ahead predictions always
  look good: the measured output of the step before is most of the answer.
  Its free-run simulation, fed back its own outputs, is the honest test.
  :func:`~skrnn.make_simulation_scorer` and :func:`~skrnn.make_k_step_scorer`
  turn both into ``scoring=`` for the search.

The data come from :func:`skrnn.datasets.make_narx_system`, which depends on
two lags of its input and two of its output, measured here with coloured
(output-error) noise -- the case where one-step-ahead scores mislead.
"""

# %%
# The data and the folds
# ----------------------
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from skrnn import (
    NARXRegressor,
    RNNRegressor,
    SlidingWindow,
    make_k_step_scorer,
    make_simulation_scorer,
)
from skrnn.datasets import make_narx_system

# The neural networks train for a fixed, small budget: no convergence warnings.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_narx_system(2000, noise=0.3, noise_type="colored", random_state=0)
cv = TimeSeriesSplit(n_splits=3)
for k, (train, test) in enumerate(cv.split(X)):
    print(f"fold {k}: train on steps 0-{train[-1]}, validate on {test[0]}-{test[-1]}")

# %%
# NARX: input and output lags, judged two ways
# --------------------------------------------
# Every pair (``n_lags``, ``n_output_lags``) is scored by the R² of the free
# run and of the one-step-ahead predictions on each validation block;
# ``refit="free run"`` picks the model by its simulation.
narx_search = GridSearchCV(
    NARXRegressor(random_state=0),
    {"n_lags": [0, 1, 2, 3], "n_output_lags": [0, 1, 2]},
    scoring={"free run": make_simulation_scorer(), "one step": make_k_step_scorer(1)},
    refit="free run",
    cv=cv,
)
start = time.perf_counter()
narx_search.fit(X, y)
print(f"NARX search: {time.perf_counter() - start:.1f} s")

results = pd.DataFrame(narx_search.cv_results_)
table = results.pivot_table(
    index="param_n_lags",
    columns="param_n_output_lags",
    values=["mean_test_free run", "mean_test_one step"],
)
print(table.round(3).to_string())
best_one_step = results.loc[results["rank_test_one step"].idxmin(), "params"]
print(f"best by free run: {narx_search.best_params_}")
print(f"best by one step: {best_one_step}")

# %%
# Without output lags the model is a FIR model and both scores agree. With
# them, the one-step score jumps, whatever the input lags -- even a model
# that sees no input at all (``n_lags=0``) predicts the next step well from
# the last one, yet simulates nothing (a free-run R² near 0). Judged one step
# ahead, every model with output lags and two or three input lags looks
# nearly perfect, and the largest wins; the free run separates them, and its
# best model has the two input lags of the true system (one or two output
# lags score the same within the noise).

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True, layout="constrained")
best = {"free run": narx_search.best_params_, "one step": best_one_step}
for ax, score in zip(axes, ["free run", "one step"], strict=True):
    grid = table[f"mean_test_{score}"]
    image = ax.imshow(
        grid.to_numpy(), vmin=0, vmax=1, cmap="viridis", origin="lower", aspect="auto"
    )
    for (i, j), value in np.ndenumerate(grid.to_numpy()):
        color = "black" if value > 0.6 else "white"
        ax.text(j, i, f"{value:.2f}", ha="center", va="center", color=color)
    i = list(grid.index).index(best[score]["n_lags"])
    j = list(grid.columns).index(best[score]["n_output_lags"])
    ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="red", lw=2))
    ax.set_xticks(range(grid.shape[1]), grid.columns)
    ax.set_yticks(range(grid.shape[0]), grid.index)
    ax.set_xlabel("n_output_lags")
    ax.set_title(f"{score} R²")
axes[0].set_ylabel("n_lags")
fig.suptitle("NARX: mean validation R² over the folds (best in red)")
fig.colorbar(image, ax=axes, shrink=0.8)

# %%
# A recurrent network: window width and hidden size
# -------------------------------------------------
# Behind :class:`~skrnn.SlidingWindow`, an :class:`~skrnn.RNNRegressor`
# reads the last ``width`` inputs before each step; a pipeline's parameters
# are searched with the ``step__parameter`` names. It has no output feedback,
# so its ``predict`` is already a simulation and the default ``score`` (R²)
# is the free-run score.
rnn = make_pipeline(
    SlidingWindow(8),
    RNNRegressor(learning_rate_init=0.01, batch_size=64, max_iter=20, random_state=0),
)
rnn_search = GridSearchCV(
    rnn,
    {
        "slidingwindow__width": [2, 4, 8, 16],
        "rnnregressor__hidden_layer_sizes": [(4,), (16,)],
    },
    cv=cv,
)
start = time.perf_counter()
rnn_search.fit(X, y)
print(f"RNN search: {time.perf_counter() - start:.1f} s")
print(f"best: {rnn_search.best_params_}, R2 {rnn_search.best_score_:.3f}")

# %%
# The score climbs with the window until the window holds the system's
# memory (its slowest pole, 0.645, has forgotten 99% of an input after about
# ten steps), then stops improving; more units help a little.
rnn_results = pd.DataFrame(rnn_search.cv_results_)
fig, ax = plt.subplots(figsize=(6, 4))
for hidden, rows in rnn_results.groupby("param_rnnregressor__hidden_layer_sizes"):
    ax.errorbar(
        rows["param_slidingwindow__width"],
        rows["mean_test_score"],
        yerr=rows["std_test_score"],
        marker="o",
        capsize=3,
        label=f"hidden_layer_sizes={hidden}",
    )
ax.set_xscale("log", base=2)
ax.set_xticks([2, 4, 8, 16], ["2", "4", "8", "16"])
ax.set_xlabel("window width (steps)")
ax.set_ylabel("R² on the validation blocks")
ax.set_title("SlidingWindow + RNNRegressor, TimeSeriesSplit(3)")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# Both searches are ordinary ``GridSearchCV`` runs: ``n_jobs=-1`` spreads
# the fits over the cores of a machine, and a dask cluster takes them with
# the same code (see :ref:`scaling`).
plt.show()
