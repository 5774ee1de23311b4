"""Helpers shared by the two halves of the boundary."""

from contextlib import contextmanager

import numpy as np
import pandas as pd


def _name(estimator):
    return "this function" if estimator is None else type(estimator).__name__


def _is_panel_frame(obj):
    return isinstance(obj, (pd.DataFrame, pd.Series)) and isinstance(
        obj.index, pd.MultiIndex
    )


def _check_two_levels(index, what, unit="series"):
    if index.nlevels != 2:
        raise ValueError(
            f"{what} has a MultiIndex with {index.nlevels} levels; it needs "
            f"exactly two levels, ({unit}_id, time)."
        )


def _check_time_order(times, starts, ids, unit):
    """Raise unless the times increase inside each group of rows.

    ``times`` are grouped (group ``k`` is ``starts[k]:starts[k + 1]``).
    """
    try:
        t = np.asarray(times)
        same = np.ones(len(t), dtype=bool)
        same[starts[1:-1]] = False
        bad = np.flatnonzero((t[1:] <= t[:-1]) & same[1:])
    except TypeError:  # times that cannot be compared
        return
    if bad.size:
        sid = ids[np.searchsorted(starts, bad[0] + 1, side="right") - 1]
        raise ValueError(
            f"The rows of {unit} {sid!r} are not in increasing time order; sort "
            f"the data by ({unit}_id, time) first."
        )


@contextmanager
def _numeric(what="X"):
    """Name the input when numpy cannot convert it to floats."""
    try:
        yield
    except ValueError as exc:
        if not str(exc).startswith("could not convert"):
            raise
        raise ValueError(
            f"{what} holds non-numeric data ({exc}); skrnn needs numbers."
        ) from None


def _real_numbers(arr, what):
    """``arr`` as real numbers: object arrays of numbers are converted."""
    if arr.dtype.kind in "biuf":
        return arr
    if arr.dtype.kind == "c":
        raise ValueError(f"{what} holds complex numbers; skrnn needs real numbers.")
    try:
        return arr.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{what} holds non-numeric data (dtype {arr.dtype}); skrnn needs numbers."
        ) from None


def _check_finite(X, what="X"):
    if not np.isfinite(X).all():
        bad = "NaN" if np.isnan(X).any() else "infinity"
        raise ValueError(f"Input {what} contains {bad}.")
