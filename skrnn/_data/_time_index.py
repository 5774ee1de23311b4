"""Time indexes: whether a series' time stamps are regular, and how it continues.

A ``DatetimeIndex`` or ``PeriodIndex`` (or the time level of a panel, per
series) must be increasing and equally spaced: :func:`check_regular` says
where it is not and how to fix it. Future stamps must continue the series at
its frequency: :func:`check_follows`. Integer and other indexes are not
checked here.
"""

import warnings

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

__all__ = [
    "advance",
    "check_follows",
    "check_regular",
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


def check_follows(info, index, where, sid=None):
    """Raise unless the new times ``index`` continue a series at its frequency.

    ``info`` is the series' ``(kind, last, step)`` (see :func:`time_info`).
    Dates and periods must start exactly one step after the last time seen
    and go on at that step; when the step is unknown (a datetime series of
    1-2 rows), and for integer times, they must only come after it. Times
    that cannot be compared with the last one (another kind) are not
    checked. ``sid`` names the series of a panel in the error.
    """
    if info is None or info[0] == "other" or len(index) == 0:
        return
    kind, last, step = info
    first = index[0]
    series = "" if sid is None else f" (series {sid!r})"
    try:
        follows = bool(first > last)
    except (TypeError, ValueError):
        return
    expected = None
    if kind in ("datetime", "period"):
        expected = continue_index(info, len(index))
    at = "" if expected is None else f", starting at {expected[0]}"
    if not follows:
        raise ValueError(
            f"{where}{series} starts at {first}, which is not after the last time "
            f"seen by fit or update ({last}): it must continue the series{at}."
        )
    if expected is None:
        return
    try:
        differ = np.flatnonzero(np.asarray(index != expected))
    except (TypeError, ValueError):
        return
    if not differ.size:
        return
    i = int(differ[0])
    freq = step.freqstr
    if i == 0:
        raise ValueError(
            f"{where}{series} starts at {first}, but the series seen by fit or "
            f"update ends at {last} with frequency {freq!r}: {where} must "
            f"continue it, starting at {expected[0]}. Give the inputs of the "
            "steps right after the end of the series (or update the model with "
            "the rows in between first)."
        )
    raise ValueError(
        f"{where}{series} continues the series at {first} but does not go on "
        f"at its frequency {freq!r}: row {i} is {index[i]}, expected "
        f"{expected[i]}."
    )


# --------------------------------------------------------------------------
# Regular time indexes
# --------------------------------------------------------------------------


def _where(what, sid):
    if sid is None:
        return f"{what} has a time index that"
    return f"Series {sid!r} of {what} has a time level that"


def _check_order(index, d, what, sid):
    """Raise at the first duplicate or out-of-order stamp (``d``: differences)."""
    bad = np.flatnonzero(d <= 0)
    if not bad.size:
        return
    i = int(bad[0]) + 1
    if d[i - 1] == 0:
        fix = (
            f"{what}[~{what}.index.duplicated()] or {what}.groupby(level=0).mean()"
            if sid is None
            else f"{what}.groupby(level=[0, 1]).mean()"
        )
        raise ValueError(
            f"{_where(what, sid)} repeats a time stamp: {index[i]} is at rows "
            f"{i - 1} and {i}{'' if sid is None else ' of the series'}. A series "
            f"needs one row per time step: drop or aggregate the duplicates, "
            f"e.g. {fix}."
        )
    raise ValueError(
        f"{_where(what, sid)} is not in increasing time order: {index[i]} (row "
        f"{i}) comes after {index[i - 1]} (row {i - 1}). Sort the rows first: "
        f"{what}.sort_index()."
    )


def _missing(n, unit):
    return f" ({n} missing {unit}{'' if n == 1 else 's'})"


def _regular_prefix(index):
    """Length and frequency of the longest prefix (>= 3 rows) with a frequency."""
    freq = infer_freq(index[:3])
    if freq is None:
        return 0, None
    lo, hi = 3, len(index) - 1  # index[:lo] has a frequency, index itself none
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if infer_freq(index[:mid]) is None:
            hi = mid - 1
        else:
            lo = mid
    return lo, infer_freq(index[:lo])


def _gap(index, d, what, sid):
    """Raise at the first stamp that breaks the spacing of a DatetimeIndex."""
    k, freq = _regular_prefix(index)
    if freq is None:  # too early to know the frequency: the usual step
        values, counts = np.unique(d, return_counts=True)
        usual = values[np.argmax(counts)]
        k = int(np.flatnonzero(d != usual)[0]) + 1
        j = int(np.flatnonzero(d == usual)[0])
        expected = index[k - 1] + (index[j + 1] - index[j])
        freq_str = None
    else:
        expected = index[k - 1] + freq
        freq_str = freq.freqstr
    after, got = index[k - 1], index[k]
    missing = ""
    if freq is None or isinstance(freq, pd.tseries.offsets.Tick):
        n = (got - after) / (expected - after)
        if n > 1 and float(n).is_integer():
            missing = _missing(int(n) - 1, "time step")
    elif got > expected:
        n = len(pd.date_range(after, got, freq=freq)) - 2
        if n > 0 and pd.date_range(after, periods=n + 2, freq=freq)[-1] == got:
            missing = _missing(n, "time step")
    if freq_str is None:
        freq_str = to_offset(expected - after).freqstr
        freq_note = f" (their usual step is {freq_str!r})"
    else:
        freq_note = f" at the frequency {freq_str!r}"
    if sid is None:
        fix = (
            f"{what}.asfreq({freq_str!r}).interpolate() or "
            f"{what}.resample({freq_str!r}).mean().interpolate()"
        )
    else:
        fix = (
            f"per series s, s.droplevel(0).asfreq({freq_str!r}).interpolate() "
            f"or s.droplevel(0).resample({freq_str!r}).mean().interpolate()"
        )
    raise ValueError(
        f"{_where(what, sid)} is not equally spaced: after {after} (row {k - 1}) "
        f"comes {got}, where the rows before{freq_note} expect {expected}"
        f"{missing}. A series needs one row per time step: fill the gaps "
        f"first, e.g. {fix}."
    )


def check_regular(index, what="X", sid=None):
    """Raise unless a time index is increasing and equally spaced.

    Parameters
    ----------
    index : pandas.Index
        The time stamps of one series. Only a ``DatetimeIndex`` or
        ``PeriodIndex`` is checked; any other index is left alone.
    what : str, default="X"
        The argument the index came with, named in the error.
    sid : hashable or None, default=None
        The id of the series within a panel, named in the error.

    Raises
    ------
    ValueError
        At the first missing (NaT), repeated, out-of-order or missing-step
        stamp, saying how to fix it. A ``DatetimeIndex`` is regular when it
        carries a frequency, when its steps are all equal or when pandas
        infers a frequency for it (business days, month ends, ...); one of
        one or two rows is accepted when its stamps increase. A
        ``PeriodIndex`` must step one period at a time.

    Examples
    --------
    >>> import pandas as pd
    >>> from skrnn._data._time_index import check_regular
    >>> hours = pd.date_range("2024-01-01", periods=24, freq="h")
    >>> check_regular(hours)  # regular: nothing happens
    >>> try:
    ...     check_regular(hours.delete([5, 6]))
    ... except ValueError as exc:
    ...     print(str(exc)[47:])
    after 2024-01-01 04:00:00 (row 4) comes 2024-01-01 07:00:00, where ...
    """
    if not isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) or len(index) < 2:
        return
    if index.hasnans:
        i = int(np.flatnonzero(index.isna())[0])
        raise ValueError(
            f"{_where(what, sid)} has no time stamp (NaT) at row {i}: every row "
            "of a series needs its time."
        )
    d = np.diff(index.asi8)
    _check_order(index, d, what, sid)
    if isinstance(index, pd.PeriodIndex):
        bad = np.flatnonzero(d != index.freq.n)
        if bad.size:
            i = int(bad[0]) + 1
            n = int(d[i - 1] // index.freq.n) - 1
            freq = index.freqstr
            fix = (
                f"{what}.reindex(pd.period_range({str(index[0])!r}, "
                f"{str(index[-1])!r}, freq={freq!r})).interpolate()"
                if sid is None
                else "reindex each series on pd.period_range(first, last, "
                f"freq={freq!r}) and interpolate"
            )
            raise ValueError(
                f"{_where(what, sid)} is not equally spaced: after {index[i - 1]} "
                f"(row {i - 1}) comes {index[i]}, where the frequency {freq!r} "
                f"expects {index[i - 1] + 1}{_missing(n, 'period')}. A series "
                f"needs one row per period: fill the gaps first, e.g. {fix}."
            )
        return
    if index.freq is not None or (d == d[0]).all() or infer_freq(index) is not None:
        return
    _gap(index, d, what, sid)


def index_names(X, y):
    """Level names of the time index the boundary took (from X, else y)."""
    for obj in (X, y):
        if isinstance(obj, (pd.Series, pd.DataFrame)):
            return list(obj.index.names)
    return None
