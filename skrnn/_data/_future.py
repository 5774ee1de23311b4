"""Future rows of a fitted series model: which series they continue, their index.

A series model (NARX, the state-space model) carries, from one call to the
next, what it saw of each series: its id and its time index. Future
inputs (``X_future`` of ``forecast``) must continue exactly those series,
at their frequency; the forecast comes back on the continued index. Both
rules are the boundary's, shared by every series model.
"""

import pandas as pd

from ._time_index import check_follows, continue_index

__all__ = ["future_groups", "forecast_index"]


def future_groups(fitted, data, n_steps, owner="The model"):
    """Which series of ``data`` (future inputs) continues each fitted series.

    Parameters
    ----------
    fitted : object
        What a series model carries: ``ids`` (None for one series),
        ``n_series`` and ``time`` (the time info of each series).
    data : SeriesData
        The future inputs, validated.
    n_steps : int
        Rows each series must have.
    owner : str, default="The model"
        The name of the model in errors.

    Returns
    -------
    groups : list of int
        The series of ``data`` that continues each fitted series.
    times : list of pandas Index or None
        The time labels of those series (checked to continue each fitted
        series at its frequency), or None without labels.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> from skrnn._data import SeriesData
    >>> from skrnn._data._future import future_groups
    >>> fitted = SimpleNamespace(ids=None, n_series=1, time=[None])
    >>> data = SeriesData(X=np.zeros((3, 1)), starts=np.array([0, 3]))
    >>> future_groups(fitted, data, 3)
    ([0], None)
    """
    if fitted.ids is None:
        if data.ids is not None:
            raise ValueError(
                f"{owner} was fitted on one series; X_future must be one "
                "series, not a panel."
            )
        groups = [0]
    else:
        if data.ids is None:
            raise ValueError(
                f"{owner} was fitted on a panel of {fitted.n_series} series; "
                "X_future must be a DataFrame with a (series_id, time) "
                f"MultiIndex and n_steps={n_steps} rows for each series."
            )
        position = {sid: g for g, sid in enumerate(data.ids)}
        missing = [s for s in fitted.ids if s not in position]
        extra = sorted(set(position) - set(fitted.ids), key=position.get)
        if missing or extra:
            raise ValueError(
                "X_future must hold every series seen by fit and no other: "
                f"missing {missing}, unknown {extra}."
            )
        groups = [position[s] for s in fitted.ids]
    lengths = data.lengths[groups]
    if (lengths != n_steps).any():
        each = " per series" if fitted.ids is not None else ""
        raise ValueError(
            f"X_future has {int(lengths[lengths != n_steps][0])} rows"
            f"{' for a series' if fitted.ids is not None else ''}, but "
            f"n_steps={n_steps}: give exactly n_steps rows of future inputs"
            f"{each}."
        )
    times = None
    if data.time_index is not None:
        times = [data.time_index[g] for g in groups]
        for k, index in enumerate(times):
            sid = None if fitted.ids is None else fitted.ids[k]
            check_follows(fitted.time[k], index, "X_future", sid)
    return groups, times


def forecast_index(fitted, n_steps, times=None, names=None):
    """The index of the ``n_steps`` steps after the fitted series, or None.

    Parameters
    ----------
    fitted : object
        What a series model carries (``ids``, ``time``): the series the
        steps continue.
    n_steps : int
        Number of steps.
    times : list of pandas Index or None, default=None
        The time labels of the future inputs per series, if they had any.
    names : list of str or None, default=None
        The level names of the index ``fit`` saw.

    Returns
    -------
    index : pandas Index, MultiIndex or None
        One series: ``times``' own index when it is one of dates or periods,
        else the continued regular datetime or period index, else None (a
        plain array). A panel: a ``(series_id, time)`` MultiIndex, ``n_steps``
        rows per series in the fitted order, with ``times`` or the continued
        times, or else a ``step`` level 1 ... ``n_steps``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skrnn._data import SeriesData
    >>> from skrnn._series._tail import absorb, empty_tail
    >>> from skrnn._data._future import forecast_index
    >>> days = [pd.date_range("2024-01-01", periods=4)]
    >>> seen = SeriesData(X=np.zeros((4, 0)), y=np.zeros((4, 1)),
    ...                   starts=np.array([0, 4]), time_index=days)
    >>> tail = absorb(empty_tail(False, 0, np.zeros((1, 1))), seen)
    >>> index = forecast_index(tail, 2)
    >>> [str(t.date()) for t in index], index.freqstr
    (['2024-01-05', '2024-01-06'], 'D')
    """
    if fitted.ids is None:
        info = fitted.time[0]
        if times is not None and isinstance(
            times[0], (pd.DatetimeIndex, pd.PeriodIndex)
        ):
            index = times[0]
        elif info is not None and info[0] in ("datetime", "period"):
            index = continue_index(info, n_steps)
        else:
            index = None
        if index is None:
            return None
        return index.rename(names[0] if names and len(names) == 1 else None)
    if times is None:
        times = [
            None if info is None else continue_index(info, n_steps)
            for info in fitted.time
        ]
    level_names = list(names) if names and len(names) == 2 else [None, None]
    if any(t is None for t in times):
        times = [pd.RangeIndex(1, n_steps + 1)] * len(times)
        level_names[1] = "step"
    ids = pd.Index(fitted.ids).repeat(n_steps)
    return pd.MultiIndex.from_arrays(
        [ids, times[0].append(list(times[1:]))], names=level_names
    )
