"""Simulation kernels of the NARX model: free run and k-step-ahead prediction.

Plain numpy functions, no estimators. A NARX model is a one-step map

    y_t = f(z_t, w_t),

where ``z_t`` holds the exogenous regressors of row t (input lags, known for
every step in advance) and ``w_t`` the fed-back outputs y_{t-1} ... y_{t-M}.
The kernels run this recursion for a batch of ``S`` series at once, one model
evaluation per time step for the whole batch.

Layouts, all time-major
-----------------------
- exogenous regressors ``Zx``: ``(T, S, n_x)``;
- outputs ``(M + T, S, n_outputs)``, the first ``M`` rows holding the output
  history before the first step, oldest first. Row t + M of the buffer is
  contiguous, so each step writes its outputs in one piece; the window of
  the ``M`` outputs before step t is a strided view (:func:`_windows`), and
  ``feedback`` picks the model's feedback regressors out of it
  (:func:`feedback_index`);
- series are ordered longest first, so the series still running at step t
  are a prefix ``[:S_t]`` of the batch (:func:`series_layout`).

Three kinds of ``f``:

- :func:`simulate_linear`: a linear model with one output is an IIR filter
  of its exogenous part; :func:`scipy.signal.lfilter` runs it, all series at
  once, from the initial state of each series' output history.
- :func:`simulate_network`: a feed-forward network given by its weights (a
  linear model is a network with no hidden layer). The exogenous part of the
  first layer is one matrix product for a block of steps before the loop
  over them; each step is one small product with the fed-back window, the
  activations, and the remaining layers.
- :func:`simulate_model`: any ``predict`` callable, called once per step on
  the ``(S_t, n_regressors)`` rows of the running series.

:func:`predict_steps_ahead` computes k-step-ahead predictions for every row at
once in k passes of ``predict`` over all rows.
"""

from collections import deque

import numpy as np
from numpy.lib.stride_tricks import as_strided
from scipy.signal import lfilter

from .._nn._activations import ACTIVATIONS
from .._nn._cellmath import running_counts

__all__ = [
    "feedback_index",
    "series_layout",
    "to_time_major",
    "from_time_major",
    "simulate_network",
    "simulate_linear",
    "simulate_model",
    "predict_steps_ahead",
]


def feedback_index(n_output_lags):
    """Where each feedback regressor sits in the flattened output window.

    The regressors are ordered as in ``fit``: for each output i with
    ``M_i > 0``, lags 1 ... M_i. The window is ``M = max(M_i)`` rows oldest
    first, so lag m of output i is element ``(M - m) * n_outputs + i``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._simulate import feedback_index
    >>> feedback_index(np.array([2, 1]))
    array([2, 0, 3])
    """
    n_output_lags = np.asarray(n_output_lags, dtype=np.int64)
    n_outputs = len(n_output_lags)
    M = int(n_output_lags.max()) if n_outputs else 0
    index = [
        (M - m) * n_outputs + i
        for i in range(n_outputs)
        for m in range(1, int(n_output_lags[i]) + 1)
    ]
    return np.array(index, dtype=np.int64)


def series_layout(starts):
    """Place grouped rows in a time-major batch, longest series first.

    Parameters
    ----------
    starts : ndarray of shape (n_series + 1,)
        Series ``k`` is grouped rows ``starts[k]:starts[k + 1]``.

    Returns
    -------
    perm : ndarray of shape (n_series,)
        Batch slot p holds series ``perm[p]``.
    lengths : ndarray of shape (n_series,)
        The length of the series in each slot, non-increasing.
    index : ndarray of shape (n_timesteps,)
        Grouped row r is element ``index[r] = step * n_series + slot`` of the
        flattened ``(max(lengths), n_series)`` batch.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._simulate import series_layout
    >>> perm, lengths, index = series_layout(np.array([0, 2, 5]))
    >>> perm, lengths, index
    (array([1, 0]), array([3, 2]), array([1, 3, 0, 2, 4]))
    """
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.diff(starts)
    perm = np.argsort(-lengths, kind="stable")
    rank = np.empty_like(perm)
    rank[perm] = np.arange(len(perm))
    step = np.arange(starts[-1]) - np.repeat(starts[:-1], lengths)
    index = step * len(lengths) + np.repeat(rank, lengths)
    return perm, lengths[perm], index


def to_time_major(values, lengths, index):
    """Grouped rows ``(n, c)`` -> ``(max(lengths), S, c)``, zeros elsewhere.

    Series of equal length give a strided view, without a copy.
    """
    S, c = len(lengths), values.shape[1]
    T = int(lengths[0])
    if (lengths == T).all():  # grouped row k * T + t is step t of slot k
        return values.reshape(S, T, c).swapaxes(0, 1)
    out = np.zeros((T * S, c))
    out[index] = values
    return out.reshape(T, S, c)


def from_time_major(Y, index):
    """``(T, S, c)`` -> the grouped rows ``(n, c)``."""
    T, S, c = Y.shape
    if len(index) == T * S:  # series of equal length
        return Y.swapaxes(0, 1).reshape(T * S, c)
    return Y.reshape(T * S, c)[index]


def _windows(U, M):
    """Strided view: ``V[t, s]`` is ``U[t:t + M, s]``, oldest first."""
    L, S, n_outputs = U.shape
    s0, s1, s2 = U.strides
    return as_strided(
        U, shape=(L - M, S, M, n_outputs), strides=(s0, s1, s0, s2), writeable=False
    )


def _output_buffer(y0, n_steps):
    M, S, n_outputs = y0.shape
    U = np.empty((M + n_steps, S, n_outputs))
    U[:M] = y0
    return U


#: Elements of the first layer's exogenous part computed per block of steps.
_BLOCK = 1 << 20


def simulate_network(Zx, lengths, y0, weights, activation, feedback, skip=None):
    """Free-run simulation of a feed-forward network with output feedback.

    Parameters
    ----------
    Zx : ndarray of shape (T, S, n_x)
        Exogenous regressors, time-major; rows past a series' length are
        ignored.
    lengths : ndarray of shape (S,)
        Series lengths, non-increasing.
    y0 : ndarray of shape (M, S, n_outputs)
        Output history before the first step, oldest first.
    weights : list of (W, b)
        Layer weights ``W`` of shape (n_in, n_out) and biases, first layer
        first. The first layer's rows are the ``n_x`` exogenous regressors,
        then the feedback regressors. One layer is a linear model.
    activation : str
        Key of :data:`ACTIVATIONS`, applied after every layer but the last
        (the output layer is linear).
    feedback : ndarray of int
        :func:`feedback_index` of the feedback regressors.
    skip : ndarray of shape (n_in, n_outputs) or None, default=None
        A linear path beside the hidden layers, ``ŷ = f(z) + z S`` (needs a
        hidden layer).

    Returns
    -------
    Y : ndarray of shape (T, S, n_outputs)
        The simulated outputs (undefined past each series' length).

    Notes
    -----
    With the first layer split as ``W1 = [Wx; Wy]``, its pre-activation is
    ``a_t = (z_t Wx + b1) + w_t Wy``. The first term is one matrix product
    for a block of steps (about a million numbers) before the loop over
    them; a skip matrix rides along as extra columns of ``W1`` that the
    activation does not touch, added to the output. For a network, the
    output bias is folded into that term too: the loop stores
    ``u_t = y_t - b_out``, so each step ends with one matrix product written
    straight into the output buffer.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._simulate import simulate_network
    >>> # y_t = 0.5 y_{t-1} + x_t, from y_{-1} = 0
    >>> W, b = np.array([[1.0], [0.5]]), np.zeros(1)
    >>> Zx = np.ones((4, 1, 1))
    >>> Y = simulate_network(Zx, np.array([4]), np.zeros((1, 1, 1)),
    ...                      [(W, b)], "identity", np.array([0]))
    >>> Y[:, 0, 0]
    array([1.   , 1.5  , 1.75 , 1.875])
    """
    T, S, n_x = Zx.shape
    M, _, n_outputs = y0.shape
    W1, b1 = weights[0]
    width = W1.shape[1]  # hidden units; the columns after them are the skip's
    if skip is not None:
        W1 = np.hstack([W1, skip])
        b1 = np.concatenate([b1, np.zeros(n_outputs)])
    W_fb = np.zeros((M * n_outputs, W1.shape[1]))
    W_fb[feedback] = W1[n_x:]
    linear = len(weights) == 1  # the first layer is the output layer
    W_out, shift = (None, np.zeros(n_outputs)) if linear else weights[-1]
    bias = b1 + np.tile(shift, M) @ W_fb
    hidden = weights[1:-1]
    act = ACTIVATIONS[activation]
    U = _output_buffer(y0 - shift, T)
    V = _windows(U, M)
    active = running_counts(lengths, T)
    block = max(1, _BLOCK // (S * W1.shape[1]))
    for t0 in range(0, T, block):
        t1 = min(T, t0 + block)
        E = np.ascontiguousarray(Zx[t0:t1, : active[t0]]) @ W1[:n_x]
        E += bias
        for t in range(t0, t1):
            s = active[t]
            w = V[t, :s].reshape(s, -1)  # a view when n_outputs or S is 1
            if linear:
                out = U[M + t, :s]
                np.matmul(w, W_fb, out=out)
                out += E[t - t0, :s]
                continue
            h = E[t - t0, :s]
            h += w @ W_fb
            if skip is not None:
                h, lin = h[:, :width], h[:, width:]
            act(h)
            for W, b in hidden:
                h = h @ W
                h += b
                act(h)
            np.matmul(h, W_out, out=U[M + t, :s])
            if skip is not None:
                U[M + t, :s] += lin
    Y = U[M:]
    Y += shift
    return Y


def simulate_linear(Zx, lengths, y0, W, b, feedback):
    """Free-run simulation of a linear model with one output, by ``lfilter``.

    Parameters
    ----------
    Zx : ndarray of shape (T, S, n_x)
        Exogenous regressors, time-major; rows past a series' length are
        ignored.
    lengths : ndarray of shape (S,)
        Series lengths, non-increasing.
    y0 : ndarray of shape (M, S, 1)
        Output history before the first step, oldest first.
    W : ndarray of shape (n_x + n_feedback, 1)
        The coefficients: the ``n_x`` exogenous regressors, then the feedback
        regressors.
    b : ndarray of shape (1,)
        The intercept.
    feedback : ndarray of int
        :func:`feedback_index` of the feedback regressors.

    Returns
    -------
    Y : ndarray of shape (T, S, 1)
        The simulated outputs (undefined past each series' length); the
        numbers of :func:`simulate_network` for the same one layer, up to
        rounding.

    Notes
    -----
    With ``e_t = z_t Wx + b`` (one matrix product for all steps) and
    ``c_m`` the coefficient of the lag-m output (0 for a lag the model does
    not read), the model is the difference equation

    .. math:: y_t = e_t + c_1 y_{t-1} + \\ldots + c_M y_{t-M},

    the IIR filter ``lfilter([1], [1, -c_1, ..., -c_M], e)``. Its initial
    state for the outputs ``y_{-1}, ..., y_{-M}`` before the first step is
    that of :func:`scipy.signal.lfiltic` with no past input,

    .. math:: z_i[m] = \\sum_{j=m+1}^{M} c_j \\, y_{m-j}, \\qquad m = 0 \\ldots M-1,

    built for every series at once. The filter runs along the time axis of
    the whole ``(T, S)`` batch in one call.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._simulate import simulate_linear
    >>> # y_t = 0.5 y_{t-1} + x_t, from y_{-1} = 0
    >>> W, b = np.array([[1.0], [0.5]]), np.zeros(1)
    >>> Y = simulate_linear(np.ones((4, 1, 1)), np.array([4]),
    ...                     np.zeros((1, 1, 1)), W, b, np.array([0]))
    >>> Y[:, 0, 0]
    array([1.   , 1.5  , 1.75 , 1.875])
    """
    T, S, n_x = Zx.shape
    M = y0.shape[0]
    c = np.zeros(M)
    c[feedback] = W[n_x:, 0]  # window element M - m is lag m
    c = c[::-1]  # c[m - 1] is the coefficient of lag m
    e = Zx @ W[:n_x, 0] + b[0]  # (T, S)
    if M == 0:
        return e[:, :, None]
    y_past = y0[::-1, :, 0]  # y_{-1}, ..., y_{-M}: (M, S)
    zi = np.empty((M, S))
    for m in range(M):
        zi[m] = c[m:] @ y_past[: M - m]
    Y, _ = lfilter([1.0], np.r_[1.0, -c], e, axis=0, zi=zi)
    return Y[:, :, None]


def simulate_model(Zx, lengths, y0, predict, feedback):
    """Free-run simulation with any one-step ``predict`` callable.

    Parameters
    ----------
    Zx : ndarray of shape (T, S, n_x)
        Exogenous regressors, time-major.
    lengths : ndarray of shape (S,)
        Series lengths, non-increasing.
    y0 : ndarray of shape (M, S, n_outputs)
        Output history before the first step, oldest first.
    predict : callable
        Maps regressor rows ``(n, n_x + n_feedback)`` to ``(n,)`` or
        ``(n, n_outputs)``.
    feedback : ndarray of int
        :func:`feedback_index` of the feedback regressors.

    Returns
    -------
    Y : ndarray of shape (T, S, n_outputs)
        The simulated outputs (undefined past each series' length).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._simulate import simulate_model
    >>> def f(Z):  # y_t = 0.5 y_{t-1} + x_t
    ...     return Z[:, 0] + 0.5 * Z[:, 1]
    >>> Y = simulate_model(np.ones((4, 1, 1)), np.array([4]),
    ...                    np.zeros((1, 1, 1)), f, np.array([0]))
    >>> Y[:, 0, 0]
    array([1.   , 1.5  , 1.75 , 1.875])
    """
    T, S, n_x = Zx.shape
    M, _, n_outputs = y0.shape
    U = _output_buffer(y0, T)
    V = _windows(U, M)
    Z = np.empty((S, n_x + len(feedback)))
    for t, s in enumerate(running_counts(lengths, T)):
        z = Z[:s]
        z[:, :n_x] = Zx[t, :s]
        z[:, n_x:] = V[t, :s].reshape(s, -1)[:, feedback]
        U[M + t, :s] = np.reshape(predict(z), (s, n_outputs))
    return U[M:]


def predict_steps_ahead(Zx, lengths, y_obs, y0, predict, feedback, k):
    """k-step-ahead predictions for every step, in k passes over all rows.

    Parameters
    ----------
    Zx : ndarray of shape (T, S, n_x)
        Exogenous regressors, time-major.
    lengths : ndarray of shape (S,)
        Series lengths, non-increasing.
    y_obs : ndarray of shape (T, S, n_outputs)
        The observed outputs.
    y0 : ndarray of shape (M, S, n_outputs)
        Output history before the first step, oldest first.
    predict : callable
        Maps regressor rows ``(n, n_x + n_feedback)`` to ``(n,)`` or
        ``(n, n_outputs)``.
    feedback : ndarray of int
        :func:`feedback_index` of the feedback regressors.
    k : int
        The horizon, at least 1.

    Returns
    -------
    Y : ndarray of shape (T, S, n_outputs)
        ``Y[t, s]`` predicts y_t from the observed outputs up to t - k and
        the model's own predictions after that.

    Notes
    -----
    Let P_j[t] be the prediction of y_t made at origin t - j. Pass j builds,
    for every t at once, the regressors of y_t with lag m taken from
    P_{j-m}[t - m] when m < j (a prediction from the same origin) and from
    the observed y_{t-m} otherwise, and calls ``predict`` once. History
    before the first step is ``y0`` in both. Pass j needs the last M passes
    only, so memory stays O(M T S).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._simulate import predict_steps_ahead
    >>> def f(Z):  # y_t = 0.5 y_{t-1} + x_t
    ...     return Z[:, 0] + 0.5 * Z[:, 1]
    >>> y = np.array([1.0, 0.0, 0.0, 0.0]).reshape(4, 1, 1)
    >>> Y = predict_steps_ahead(np.ones((4, 1, 1)), np.array([4]), y,
    ...                         np.zeros((1, 1, 1)), f, np.array([0]), 2)
    >>> Y[:, 0, 0]
    array([1.  , 1.5 , 1.75, 1.5 ])
    """
    T, S, n_x = Zx.shape
    M, _, n_outputs = y0.shape
    valid = np.arange(T)[:, None] < lengths  # (T, S)
    X_rows = Zx[valid]
    observed = np.concatenate([y0, y_obs])  # (M + T, S, n_outputs)
    passes = deque(maxlen=max(M, 1))  # passes[-i] is P_{j-i}
    window = np.empty((T, S, M, n_outputs))
    for j in range(1, k + 1):
        for m in range(1, M + 1):
            source = passes[-m] if m < j else observed
            window[:, :, M - m] = source[M - m : M - m + T]
        fed_back = window.reshape(T, S, M * n_outputs)[valid][:, feedback]
        P = observed.copy()
        P[M:][valid] = np.reshape(
            predict(np.hstack([X_rows, fed_back])), (-1, n_outputs)
        )
        passes.append(P)
    return passes[-1][M:]
