"""Helpers shared by the modules of the boundary (series and sequences)."""

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
        j = int(bad[0]) + 1
        sid = ids[np.searchsorted(starts, j, side="right") - 1]
        if t[j] == t[j - 1]:
            detail = (
                f" and keep one row per time: time {times[j]} appears twice "
                "(drop or aggregate the duplicates, e.g. "
                "df.groupby(level=[0, 1]).mean())."
            )
        else:
            detail = f" (df.sort_index()): time {times[j]} comes after {times[j - 1]}."
        raise ValueError(
            f"The rows of {unit} {sid!r} are not in increasing time order; sort "
            f"the data by ({unit}_id, time) first{detail}"
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


def _unit(what):
    """What a time step holds: features of ``X``, outputs of ``y``."""
    return "outputs" if what == "y" else "features"


def _long_frame_to_padded(frame, dtype, what="X"):
    """A long DataFrame/Series with (sequence_id, time) index -> padded arrays."""
    _check_two_levels(frame.index, what, "sequence")
    if len(frame) == 0:
        raise ValueError(f"{what} holds no sequences: the DataFrame is empty.")
    codes, uniques = pd.factorize(frame.index.get_level_values(0), sort=False)
    counts = np.bincount(codes, minlength=len(uniques))
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    _check_time_order(
        frame.index.get_level_values(1)[order], starts, uniques, "sequence"
    )
    pos = np.empty(len(codes), dtype=np.int64)
    pos[order] = np.arange(len(codes)) - np.repeat(starts[:-1], counts)
    values = frame.to_numpy()
    if values.ndim == 1:
        values = values[:, None]
    if values.shape[1] == 0:
        raise ValueError(f"{what} has 0 {_unit(what)} per time step.")
    values = _real_numbers(values, what)
    if dtype is None:
        dtype = np.float32 if values.dtype == np.float32 else np.float64
    out = np.zeros((counts.max(), len(uniques), values.shape[1]), dtype=dtype)
    out[pos, codes] = values
    return out, counts.astype(np.int64), list(uniques)
