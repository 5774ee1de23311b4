"""Windowing kernels: lag matrices and sliding windows over grouped series.

Plain numpy functions, no estimators. Rows are grouped by series: series ``k``
is rows ``starts[k]:starts[k + 1]``. A window never crosses from one series
into the next: history before a series' first row is padded, with that row
(``"edge"``) or with zeros (``"zero"``).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "PADDINGS",
    "lag_matrix",
    "window_view",
    "trainable_rows",
]

PADDINGS = ("edge", "zero")

# Rows per gather of series heads in lag_matrix (bounds its index arrays).
_CHUNK = 1 << 15


def _single(starts, n):
    return starts is None or len(starts) == 2


def _padded(X, starts, n_pad, padding):
    """Copy X with ``n_pad`` history rows before each series.

    Returns the padded array and the row of the padded array holding each row
    of ``X``.
    """
    n, c = X.shape
    if starts is None:
        starts = np.array([0, n])
    lengths = np.diff(starts)
    n_series = len(lengths)
    dest = np.arange(n) + n_pad * np.repeat(np.arange(1, n_series + 1), lengths)
    P = np.empty((n + n_series * n_pad, c), dtype=X.dtype)
    P[dest] = X
    if n_pad:
        pad_rows = (starts[:-1] + n_pad * np.arange(n_series))[:, None] + np.arange(
            n_pad
        )
        if padding == "edge":
            P[pad_rows] = X[starts[:-1]][:, None, :]
        else:
            P[pad_rows] = 0
    return P, dest


def lag_matrix(X, n_lags, *, delay=0, starts=None, padding="edge"):
    """Lagged copies of every column: x_{t-d}, ..., x_{t-d-N} for each input.

    Parameters
    ----------
    X : ndarray of shape (n_timesteps, n_inputs)
        Rows grouped by series.
    n_lags : ndarray of int of shape (n_inputs,)
        N per input: lags ``delay`` ... ``delay + N`` are taken.
    delay : int, default=0
        The dead time d.
    starts : ndarray of shape (n_series + 1,), default=None
        Series boundaries; None is one series.
    padding : {"edge", "zero"}, default="edge"
        History before each series' first row.

    Returns
    -------
    Z : ndarray of shape (n_timesteps, sum(n_lags + 1))
        Column blocks per input, lags in increasing order inside each block.

    Notes
    -----
    With L = d + max(N), ``X`` is viewed as overlapping windows of its own
    memory (stride tricks), read backwards in time, so window t holds
    x_t, x_{t-1}, ..., x_{t-L}. Rows at least L steps past the start of the
    series are one copy from that view (a single block copy when every input
    has the same N). The first L rows of each series, the only rows whose
    window reaches before the series' start (or into the previous series of
    a panel), are then overwritten by one vectorised gather that clips the
    lag at the series' first row (``"edge"``) or writes zeros (``"zero"``).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._windowing import lag_matrix
    >>> lag_matrix(np.arange(4.0)[:, None], np.array([2]))
    array([[0., 0., 0.],
           [1., 0., 0.],
           [2., 1., 0.],
           [3., 2., 1.]])
    """
    X = np.asarray(X)
    n, c = X.shape
    n_lags = np.asarray(n_lags, dtype=np.int64)
    widths = n_lags + 1
    Z = np.empty((n, int(widths.sum())), dtype=X.dtype)
    if n == 0 or c == 0:
        return Z
    L = int(delay + n_lags.max())
    starts = np.array([0, n]) if starts is None else np.asarray(starts)
    if n > L:
        # Window r, newest first, ends at row r + L: lag k of row r + L.
        W = sliding_window_view(X, L + 1, axis=0)[:, :, ::-1]  # (n - L, c, L + 1)
        if (widths == widths[0]).all():
            w = int(widths[0])
            Z[L:].reshape(n - L, c, w)[...] = W[:, :, delay : delay + w]
        else:
            col = 0
            for j, w in enumerate(widths):
                Z[L:, col : col + w] = W[:, j, delay : delay + w]
                col += w
    # The first L rows of every series: a gather with the lag clipped at the
    # series' first row, in chunks to bound the index arrays.
    head = np.minimum(np.diff(starts), L)
    first = np.repeat(starts[:-1], head)
    rows = first + np.arange(head.sum()) - np.repeat(np.cumsum(head) - head, head)
    lag = delay + np.concatenate([np.arange(w) for w in widths])
    col_input = np.repeat(np.arange(c), widths)
    for s in range(0, len(rows), _CHUNK):
        r, f = rows[s : s + _CHUNK, None], first[s : s + _CHUNK, None]
        src = r - lag
        values = X[np.maximum(src, f), col_input]
        if padding == "zero":
            values[src < f] = 0
        Z[r[:, 0]] = values
    return Z


def window_view(X, width, *, starts=None, padding="edge"):
    """The window of the last ``width`` rows ending at each row, oldest first.

    Parameters
    ----------
    X : ndarray of shape (n_timesteps, n_inputs)
        Rows grouped by series.
    width : int
        Rows per window.
    starts : ndarray of shape (n_series + 1,), default=None
        Series boundaries; None is one series.
    padding : {"edge", "zero"}, default="edge"
        History before each series' first row.

    Returns
    -------
    windows : ndarray of shape (n_timesteps, width, n_inputs)
        For one series a read-only view of one padded copy of ``X`` (memory
        O(n_timesteps)); for a panel a gathered copy.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._windowing import window_view
    >>> window_view(np.arange(3.0)[:, None], 2)[:, :, 0]
    array([[0., 0.],
           [0., 1.],
           [1., 2.]])
    """
    X = np.asarray(X)
    n = X.shape[0]
    P, dest = _padded(X, starts, width - 1, padding)
    W = sliding_window_view(P, width, axis=0).transpose(0, 2, 1)
    if _single(starts, n):
        return W[:n]
    return W[dest - (width - 1)]


def trainable_rows(starts, n_history):
    """Rows whose window of ``n_history`` past rows stays inside their series.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._windowing import trainable_rows
    >>> trainable_rows(np.array([0, 3, 6]), 1)
    array([1, 2, 4, 5])
    """
    starts = np.asarray(starts)
    lengths = np.diff(starts)
    keep = np.maximum(lengths - n_history, 0)
    first = starts[:-1] + np.minimum(n_history, lengths)
    return np.repeat(first - np.cumsum(np.r_[0, keep[:-1]]), keep) + np.arange(
        keep.sum()
    )
