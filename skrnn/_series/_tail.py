"""The end of each series a NARX model continues, as an immutable value.

What a fitted :class:`~skrnn.NARXRegressor` carries from ``fit`` to
``update`` and ``forecast`` is the tail of every series it has seen: its last
``d + max(N)`` input rows, its last ``max(M)`` outputs and how its time index
goes on. :class:`SeriesTail` holds them, and the functions here take a tail
and return a new one, never changing it -- in the spirit of
``scipy.signal.lfilter(b, a, x, zi) -> y, zf``:

- :func:`empty_tail`: the tail before any data;
- :func:`absorb`: the tail after more observed rows (``fit``, ``update``);
- :func:`continue_inputs`: the tail's last inputs followed by future ones, so
  that their lag matrix continues each series (``forecast``);
"""

from dataclasses import dataclass

import numpy as np

from .._data._future import future_groups
from .._data._time_index import advance, check_follows, time_info

__all__ = [
    "SeriesTail",
    "empty_tail",
    "absorb",
    "continue_inputs",
]


def _frozen(arr):
    """``arr`` (an array of our own), made read-only."""
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class SeriesTail:
    """The last rows of every series seen so far; never changed in place.

    Parameters
    ----------
    ids : tuple or None
        The series ids of a panel, in the order first seen; None for one
        series.
    x : tuple of ndarray of shape (n_kept, n_inputs)
        Per series, its last ``min(n_input_rows, rows seen)`` input rows
        (read-only).
    y : tuple of ndarray of shape (M, n_outputs)
        Per series, its last M outputs, oldest first; ``y_start`` fills in
        before its first row (read-only).
    time : tuple of tuple or None
        Per series, ``(kind, last, step)`` of its time index (see
        :func:`skrnn._data._time_index.time_info`), or None when unknown.
    n_input_rows : int
        Input rows kept per series: ``d + max(N)``, all the model reads.
    y_start : ndarray of shape (M, n_outputs)
        The output history of a series before its first row (read-only).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._tail import empty_tail
    >>> tail = empty_tail(False, n_input_rows=2, y_start=np.zeros((3, 1)))
    >>> tail.n_series, tail.outputs.shape
    (0, (0, 3, 1))
    """

    ids: tuple | None
    x: tuple
    y: tuple
    time: tuple
    n_input_rows: int
    y_start: np.ndarray

    @property
    def n_series(self):
        """Number of series in the tail."""
        return len(self.y)

    @property
    def outputs(self):
        """The last outputs of every series, ``(n_series, M, n_outputs)``."""
        M, n_outputs = self.y_start.shape
        return np.stack(self.y) if self.y else np.empty((0, M, n_outputs))


def empty_tail(panel, n_input_rows, y_start):
    """The tail before any data.

    Parameters
    ----------
    panel : bool
        Whether the series are a panel (keyed by id) or one series.
    n_input_rows : int
        Input rows to keep per series, ``d + max(N)``.
    y_start : array-like of shape (M, n_outputs)
        The output history of a series before its first row, oldest first.

    Returns
    -------
    tail : SeriesTail
        A tail holding no series.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._tail import empty_tail
    >>> empty_tail(True, 4, np.zeros((2, 1))).ids
    ()
    """
    y_start = _frozen(np.array(y_start, dtype=np.float64))
    return SeriesTail(
        ids=() if panel else None,
        x=(),
        y=(),
        time=(),
        n_input_rows=int(n_input_rows),
        y_start=y_start,
    )


def _check_kind(tail, data, owner):
    if tail.ids is not None and data.ids is None:
        raise ValueError(
            f"{owner} was fitted on a panel; update it with a DataFrame (or "
            "Series) with a (series_id, time) MultiIndex."
        )
    if tail.ids is None and data.ids is not None:
        raise ValueError(
            f"{owner} was fitted on one series; update it with one series, not a panel."
        )


def absorb(tail, data, where="X", owner="The model"):
    """The tail after the rows of ``data``: the last rows of each series.

    Parameters
    ----------
    tail : SeriesTail
        The tail before ``data``; not changed.
    data : SeriesData
        Observed rows, inputs and outputs (from
        :func:`skrnn._data.check_series`). A series id of a panel not in
        ``tail`` starts a new series.
    where : str, default="X"
        The argument named in the error when a time index does not continue.
    owner : str, default="The model"
        The name of the model in errors.

    Returns
    -------
    tail : SeriesTail
        Per series, the last ``n_input_rows`` inputs, the last M outputs
        (older ones from ``y_start``) and how its time index goes on.

    Raises
    ------
    ValueError
        When ``data`` is a panel and ``tail`` one series (or the other way
        round), or when a series' time index does not continue its tail: dates
        and periods must start one step after its last time and go on at its
        frequency (see :func:`skrnn._data._time_index.check_follows`).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import SeriesData
    >>> from skrnn._series._tail import absorb, empty_tail
    >>> data = SeriesData(X=np.arange(5.0)[:, None], y=np.arange(5.0)[:, None],
    ...                   starts=np.array([0, 5]))
    >>> tail = absorb(empty_tail(False, 2, np.zeros((3, 1))), data)
    >>> tail.x[0][:, 0], tail.y[0][:, 0], tail.time
    (array([3., 4.]), array([2., 3., 4.]), (None,))
    """
    _check_kind(tail, data, owner)
    ids = None if tail.ids is None else list(tail.ids)
    xs, ys, times = list(tail.x), list(tail.y), list(tail.time)
    n_inputs = data.X.shape[1]
    M = len(tail.y_start)

    def new_series():
        xs.append(np.empty((0, n_inputs)))
        ys.append(tail.y_start)
        times.append(None)
        return len(xs) - 1

    if ids is None and not xs:
        new_series()
    position = {sid: k for k, sid in enumerate(ids or [])}
    for g in range(data.n_series):
        if ids is not None:
            sid = data.ids[g]
            if sid not in position:
                ids.append(sid)
                position[sid] = new_series()
            k = position[sid]
        else:
            k, sid = 0, None
        a, b = data.starts[g], data.starts[g + 1]
        info = times[k]
        new = None if data.time_index is None else time_info(data.time_index[g])
        if new is None or (info is not None and new[0] != info[0]):
            # no index, or one of another kind (a RangeIndex after dates)
            times[k] = advance(info, b - a)
        else:
            check_follows(info, data.time_index[g], where, sid)
            times[k] = time_info(data.time_index[g], info)
        x = np.concatenate([xs[k], data.X[a:b]])
        xs[k] = _frozen(x[len(x) - min(tail.n_input_rows, len(x)) :])
        y = np.concatenate([ys[k], data.y[a:b]])
        ys[k] = _frozen(y[len(y) - M :])
    return SeriesTail(
        ids=None if ids is None else tuple(ids),
        x=tuple(xs),
        y=tuple(ys),
        time=tuple(times),
        n_input_rows=tail.n_input_rows,
        y_start=tail.y_start,
    )


def continue_inputs(tail, data, n_steps, owner="The model"):
    """Each series' last inputs followed by its next ``n_steps`` inputs.

    Parameters
    ----------
    tail : SeriesTail
        The tail the inputs continue; not changed.
    data : SeriesData
        The future inputs: ``n_steps`` rows of every series of ``tail`` and
        no other (one series when ``tail`` is one series).
    n_steps : int
        Number of future steps.
    owner : str, default="The model"
        The name of the model in errors.

    Returns
    -------
    X : ndarray of shape (n_rows, n_inputs)
        Grouped rows, series in the tail's order: the tail's input rows,
        then the future ones.
    starts : ndarray of shape (n_series + 1,)
        Series k is rows ``starts[k]:starts[k + 1]`` of ``X``.
    future : ndarray of shape (n_series * n_steps,)
        The rows of ``X`` that are future inputs, series after series.
    times : list of pandas Index or None
        The time labels of the future rows of each series, or None.

    Raises
    ------
    ValueError
        When ``data`` does not hold exactly ``n_steps`` rows of each series
        of ``tail``, or when its time index does not continue the tail's: dates
        and periods must start one step after the last time of each series
        and go on at its frequency.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import SeriesData
    >>> from skrnn._series._tail import absorb, continue_inputs, empty_tail
    >>> seen = SeriesData(X=np.arange(5.0)[:, None], y=np.zeros((5, 1)),
    ...                   starts=np.array([0, 5]))
    >>> tail = absorb(empty_tail(False, 2, np.zeros((1, 1))), seen)
    >>> future_X = SeriesData(X=np.full((3, 1), 9.0), starts=np.array([0, 3]))
    >>> X, starts, future, _ = continue_inputs(tail, future_X, 3)
    >>> X[:, 0], starts, future
    (array([3., 4., 9., 9., 9.]), array([0, 5]), array([2, 3, 4]))
    """
    groups, times = future_groups(tail, data, n_steps, owner)
    pieces, future, offset = [], [], 0
    for k, g in enumerate(groups):
        last = tail.x[k]
        pieces += [last, data.X[data.starts[g] : data.starts[g + 1]]]
        future.append(offset + len(last) + np.arange(n_steps))
        offset += len(last) + n_steps
    starts = np.array([0] + [int(f[-1]) + 1 for f in future], dtype=np.int64)
    return np.concatenate(pieces), starts, np.concatenate(future), times
