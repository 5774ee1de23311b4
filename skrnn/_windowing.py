"""Windowing kernels: lag matrices and sliding windows over grouped series.

Plain numpy functions, no estimators. Rows are grouped by series: series ``k``
is rows ``starts[k]:starts[k + 1]``. A window never crosses from one series
into the next: history before a series' first row is padded, with that row
(``"edge"``) or with zeros (``"zero"``).
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["PADDINGS", "lag_matrix", "window_view", "trainable_rows"]

PADDINGS = ("edge", "zero")


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
    The padded series is viewed as overlapping windows of its own memory
    (stride tricks) read backwards in time, so each output row is the window
    ending at that row, newest first. Building ``Z`` is one copy per input
    column.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._windowing import lag_matrix
    >>> lag_matrix(np.arange(4.0)[:, None], np.array([2]))
    array([[0., 0., 0.],
           [1., 0., 0.],
           [2., 1., 0.],
           [3., 2., 1.]])
    """
    X = np.asarray(X)
    n, c = X.shape
    n_lags = np.asarray(n_lags, dtype=np.int64)
    max_lag = int(delay + n_lags.max()) if c else 0
    Z = np.empty((n, int((n_lags + 1).sum())), dtype=X.dtype)
    if n == 0 or c == 0:
        return Z
    P, dest = _padded(X, starts, max_lag, padding)
    # Reversed in time, a window starting at row i of R = P[::-1] holds
    # P[m-1-i], P[m-2-i], ...: lag 0, lag 1, ... of padded row m-1-i.
    W = sliding_window_view(P[::-1], max_lag + 1, axis=0)  # (m - L, c, L + 1)
    if _single(starts, n):
        rows = slice(None, None, -1)  # len(P) - 1 - dest, descending
    else:
        rows = len(P) - 1 - dest
    col = 0
    for j in range(c):
        width = n_lags[j] + 1
        Z[:, col : col + width] = W[rows, j, delay : delay + width]
        col += width
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
    >>> from skrnn._windowing import window_view
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
    >>> from skrnn._windowing import trainable_rows
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
