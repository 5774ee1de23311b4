"""The state a state-space model carries from one call to the next, as a value.

What a fitted :class:`~skrnn.StateSpaceRegressor` carries from ``fit`` to
``update`` and ``forecast`` is, for every series it has seen, the hidden
state after its last observed row, the last ``window`` observed rows (what
the encoder reads) and how its time index goes on. :class:`CarriedState`
holds them; :func:`absorb` returns a new one after more observed rows --
never changing the old one, in the spirit of
``scipy.signal.lfilter(b, a, x, zi) -> y, zf``. How the hidden state moves
on is the model's business: :func:`absorb` takes it as a callable.
"""

from dataclasses import dataclass

import numpy as np

from .._data._time_index import advance, check_follows, time_info

__all__ = ["CarriedState", "empty_state", "absorb"]


def _frozen(arr):
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True, eq=False)
class CarriedState:
    """Per series: its hidden state, its last rows and its time; read-only.

    Parameters
    ----------
    ids : tuple or None
        The series ids of a panel, in the order first seen; None for one
        series.
    state : tuple of ndarray of shape (state_size,)
        Per series, the stacked hidden state after its last observed row.
    x, y : tuple of ndarray
        Per series, its last ``min(window, rows seen)`` input and output rows.
    time : tuple
        Per series, ``(kind, last, step)`` of its time index (see
        :func:`skrnn._data._time_index.time_info`) or None.
    seen : tuple of int
        Per series, the number of rows observed so far.
    window : int
        Rows kept per series.

    Examples
    --------
    >>> from skrnn._rnn._series_state import empty_state
    >>> empty_state(False, 4).n_series
    0
    """

    ids: tuple | None
    state: tuple
    x: tuple
    y: tuple
    time: tuple
    seen: tuple
    window: int

    @property
    def n_series(self):
        """Number of series carried."""
        return len(self.state)


def empty_state(panel, window):
    """The carried state before any data (``panel``: keyed by series id)."""
    return CarriedState(() if panel else None, (), (), (), (), (), int(window))


def absorb(carried, data, advance_state, where="X", owner="The model"):
    """The carried state after the observed rows of ``data``.

    Parameters
    ----------
    carried : CarriedState
        Before ``data``; not changed.
    data : SeriesData
        Observed inputs and outputs (:func:`skrnn._data.check_series`); a
        series id of a panel not seen before starts a new series.
    advance_state : callable
        ``advance_state(state, X_new, x_kept, y_kept, n_seen)``: the hidden
        state after the new rows, given the one before them (None for a new
        series), the new inputs, the kept last rows and the number of rows
        seen so far.
    where, owner : str
        Names used in errors.

    Returns
    -------
    carried : CarriedState
    """
    if carried.ids is not None and data.ids is None:
        raise ValueError(
            f"{owner} was fitted on a panel; update it with a DataFrame (or "
            "Series) with a (series_id, time) MultiIndex."
        )
    if carried.ids is None and data.ids is not None:
        raise ValueError(
            f"{owner} was fitted on one series; update it with one series, not a panel."
        )
    ids = None if carried.ids is None else list(carried.ids)
    states, xs, ys = list(carried.state), list(carried.x), list(carried.y)
    times, seen = list(carried.time), list(carried.seen)
    position = {sid: k for k, sid in enumerate(ids or [])}
    for g in range(data.n_series):
        sid = None if ids is None else data.ids[g]
        if (ids is None and not states) or (ids is not None and sid not in position):
            if ids is not None:
                ids.append(sid)
                position[sid] = len(states)
            states.append(None)
            xs.append(np.empty((0, data.X.shape[1])))
            ys.append(np.empty((0, data.y.shape[1])))
            times.append(None)
            seen.append(0)
        k = 0 if ids is None else position[sid]
        a, b = data.starts[g], data.starts[g + 1]
        info = times[k]
        new = None if data.time_index is None else time_info(data.time_index[g])
        if new is None or (info is not None and new[0] != info[0]):
            times[k] = advance(info, b - a)
        else:
            check_follows(info, data.time_index[g], where, sid)
            times[k] = time_info(data.time_index[g], info)
        x = np.concatenate([xs[k], data.X[a:b]])[-carried.window :]
        y = np.concatenate([ys[k], data.y[a:b]])[-carried.window :]
        if carried.window == 0:
            x, y = x[:0], y[:0]
        seen[k] += int(b - a)
        states[k] = _frozen(advance_state(states[k], data.X[a:b], x, y, seen[k]))
        xs[k], ys[k] = _frozen(x.copy()), _frozen(y.copy())
    return CarriedState(
        None if ids is None else tuple(ids),
        tuple(states),
        tuple(xs),
        tuple(ys),
        tuple(times),
        tuple(seen),
        carried.window,
    )
