"""Pieces shared by the series estimators (FIR, NARX) and LagFeatures."""

from numbers import Integral

import numpy as np
from sklearn.neural_network import MLPRegressor

__all__ = ["resolve_lags", "default_regressor"]


def resolve_lags(n_lags, n_columns, name="n_lags"):
    """One lag count per column from an int or a sequence of ints.

    Raises a clear error when a sequence has the wrong length or a count is
    negative.
    """
    if isinstance(n_lags, Integral):
        lags = np.full(n_columns, int(n_lags), dtype=np.int64)
    else:
        lags = np.asarray(n_lags)
        if lags.ndim != 1 or lags.dtype.kind not in "iu":
            raise ValueError(
                f"{name} must be an int or one int per column, got {n_lags!r}."
            )
        if len(lags) != n_columns:
            raise ValueError(
                f"{name} has {len(lags)} entries but there are {n_columns} "
                "columns: give one lag count per column, or one int for all."
            )
        lags = lags.astype(np.int64)
    if (lags < 0).any():
        raise ValueError(f"{name} must be >= 0, got {n_lags!r}.")
    return lags


def default_regressor(random_state=None, n_samples=None):
    """The network used when ``estimator=None``: a small MLP.

    One hidden layer of 32 tanh units trained by Adam with a learning rate of
    0.01 and, given at least 1,000 training rows, early stopping on 10% of
    them: on a few thousand rows it trains in well under a second and comes
    close to the fit of L-BFGS run to convergence at a small fraction of its
    cost. With fewer rows the held-out tenth is too small to judge by, and
    stopping early leaves the network undertrained, so it runs its 200
    epochs.
    """
    return MLPRegressor(
        hidden_layer_sizes=(32,),
        activation="tanh",
        learning_rate_init=0.01,
        early_stopping=n_samples is not None and n_samples >= 1000,
        max_iter=200,
        random_state=random_state,
    )
