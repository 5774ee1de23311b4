"""Pieces shared by the series estimators (FIR, NARX) and LagFeatures."""

from numbers import Integral

import numpy as np

__all__ = ["resolve_lags"]


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
