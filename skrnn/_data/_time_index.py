"""Time indexes: how a fitted series continues (for NARX forecasts)."""

import warnings

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

__all__ = [
    "advance",
    "check_follows",
    "continue_index",
    "index_names",
    "time_info",
]


def infer_freq(index):
    if index.freq is not None:
        return index.freq
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            freq = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None
    return None if freq is None else to_offset(freq)


def time_info(index, previous=None):
    """``(kind, last, step)`` of a series' time index; ``step`` None if irregular.

    ``previous`` is the info of the data before ``index`` (after ``update``):
    a short index that continues it keeps its step.
    """
    if isinstance(index, pd.PeriodIndex):
        return ("period", index[-1], index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = infer_freq(index)
        if freq is None and previous is not None and previous[0] == "datetime":
            _, last, old = previous
            if old is not None and index.equals(
                pd.date_range(last, periods=len(index) + 1, freq=old)[1:]
            ):
                freq = old
        return ("datetime", index[-1], freq)
    if pd.api.types.is_integer_dtype(index.dtype):
        values = np.asarray(index, dtype=np.int64)
        diffs = np.unique(np.diff(values))
        if len(diffs) == 1 and diffs[0] > 0:
            step = int(diffs[0])
        elif len(values) == 1 and previous is not None and previous[0] == "integer":
            step = previous[2]
        else:
            step = None
        return ("integer", values[-1], step)
    return ("other", index[-1], None)


def advance(info, n_rows):
    """The info after ``n_rows`` more rows without an index (None if unknown)."""
    if info is None or info[2] is None or info[0] == "other":
        return None
    return (info[0], continue_index(info, n_rows)[-1], info[2])


def continue_index(info, n_steps):
    """The ``n_steps`` times after the last one, or None if they are unknown."""
    kind, last, step = info
    if kind == "period":
        return pd.period_range(last, periods=n_steps + 1, freq=step)[1:]
    if kind == "datetime" and step is not None:
        return pd.date_range(last, periods=n_steps + 1, freq=step)[1:]
    if kind == "integer" and step is not None:
        return pd.Index(last + step * np.arange(1, n_steps + 1))
    return None


def check_follows(info, first, where):
    """Raise if a new time ``first`` is not after the last time seen."""
    if info is None or info[0] == "other":
        return
    try:
        follows = bool(first > info[1])
    except (TypeError, ValueError):
        return
    if not follows:
        raise ValueError(
            f"{where} starts at {first}, which is not after the last time seen "
            f"by fit or update ({info[1]}): it must continue the series."
        )


def index_names(X, y):
    """Level names of the time index the boundary took (from X, else y)."""
    for obj in (X, y):
        if isinstance(obj, (pd.Series, pd.DataFrame)):
            return list(obj.index.names)
    return None
