"""Closed-loop (simulation-error) training of a NARX network: BPTT through the loop.

Plain numpy/scipy functions, no estimators. The model is the one-step map of
:mod:`skrnn._series._simulate`,

    ŷ_t = f(z_t, w_t),    w_t = (ŷ_{t-1}, ..., ŷ_{t-M}),

with ``f`` a feed-forward network (a linear model is a network without a
hidden layer) and, in closed loop, the network's own predictions fed back as
the lagged outputs. The loss is the free-run simulation error of a batch of
``S`` series, in the scaling of scikit-learn's ``MLPRegressor`` (so its
``alpha`` keeps its meaning):

    L = (Σ_{t,s} ½ ‖ŷ_{t,s} - y_{t,s}‖² / n_outputs + ½ α ‖weights‖²) / N,

N the number of simulated steps of all series. Its gradient is
backpropagation through time through the output feedback: ŷ_t reaches the
loss directly and through the M later steps it is fed back into.

The network and its flat parameter vector are
:mod:`skrnn._series._loop_network`'s (re-exported here). Layouts follow
:mod:`skrnn._series._simulate` (time-major ``(T, S, ...)`` buffers,
series longest first so that the series still running at step t are a prefix
``[:S_t]``). All parameters live in one flat vector ``theta`` (every layer's
weights, then every bias, so the L2 penalty is one slice), the vector the
optimizers of :mod:`skrnn._nn._optimizers` update.

With ``bptt_steps=k`` (truncation) the series run in consecutive chunks of k
steps: the state, the last M predictions, flows forward from one chunk to the
next, gradients do not cross a chunk boundary, and every chunk yields its own
loss and gradient (:func:`closed_loop_chunks`).
"""

import numpy as np

from .._nn._activations import ACTIVATIONS, DERIVATIVES
from .._nn._cellmath import running_counts
from .._nn._optimizers import AdamOptimizer
from .._nn._training import StoppingMonitor, TrainingRecord, run_epochs, run_lbfgs
from ._loop_network import (
    LoopNetwork,
    _feedback_matrix,
    make_network,
    pack,
    unpack,
    unpack_skip,
)
from ._simulate import (
    _windows,
    series_layout,
    to_time_major,
)

__all__ = [
    "LoopNetwork",
    "make_network",
    "pack",
    "unpack",
    "unpack_skip",
    "series_segments",
    "simulate",
    "closed_loop_chunks",
    "loss_and_grad",
    "simulation_loss",
    "SOLVERS",
    "train_closed_loop",
]


def series_segments(Zx, Y, starts, first, stop, n_output_lags):
    """The time-major batch of rows ``first[k]:stop[k]`` of every series k.

    Parameters
    ----------
    Zx : ndarray of shape (n_timesteps, n_x)
        Exogenous regressors, grouped rows (series k is rows
        ``starts[k]:starts[k + 1]``).
    Y : ndarray of shape (n_timesteps, n_outputs)
        Observed outputs, grouped rows.
    starts : ndarray of shape (n_series + 1,)
        Where each series starts.
    first, stop : int or ndarray of shape (n_series,)
        The segment of each series, as row offsets from its start; series
        with an empty segment are left out. ``first >= n_output_lags``.
    n_output_lags : int
        M: the observed outputs ``first - M ... first - 1`` of each series
        are the window the simulation starts from.

    Returns
    -------
    Zx, lengths, Y, y0
        The arguments of :func:`closed_loop_chunks`: time-major, contiguous,
        longest series first.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._closed_loop import series_segments
    >>> y = np.arange(7.0).reshape(-1, 1)  # series [0, 1, 2] and [3 ... 6]
    >>> _, lengths, Y, y0 = series_segments(np.empty((7, 0)), y, [0, 3, 7],
    ...                                     [1, 1], [3, 4], 1)
    >>> lengths, Y[:, :, 0], y0[:, :, 0]
    (array([3, 2]), array([[4., 1.],
           [5., 2.],
           [6., 0.]]), array([[3., 0.]]))
    """
    starts = np.asarray(starts, dtype=np.int64)
    first = starts[:-1] + np.asarray(first, dtype=np.int64)  # scalars broadcast
    stop = starts[:-1] + np.asarray(stop, dtype=np.int64)
    keep = stop > first
    first, stop = first[keep], stop[keep]
    rows = np.concatenate([np.arange(a, b) for a, b in zip(first, stop, strict=True)])
    perm, lengths, index = series_layout(np.concatenate([[0], np.cumsum(stop - first)]))
    M = int(n_output_lags)
    y0 = np.stack([Y[a - M : a] for a in first])[perm]  # (S, M, n_outputs)
    return (
        np.ascontiguousarray(to_time_major(Zx[rows], lengths, index)),
        lengths,
        np.ascontiguousarray(to_time_major(Y[rows], lengths, index)),
        np.ascontiguousarray(y0.swapaxes(0, 1)),
    )


# --------------------------------------------------------------------------
# Forward and backward through the loop
# --------------------------------------------------------------------------


def _forward(layers, net, Zx, active, y0, skip=None):
    """Free run of ``T`` steps from the window ``y0``, keeping the activations.

    Returns ``U`` (``(M + T, S, n_outputs)``: ``y0``, then the predictions;
    zero past each series' length) and ``H``, the post-activations of every
    hidden layer (``(T, S, width)`` each; for a network the first is the
    first layer). ``skip`` is the skip matrix of a network that has one.
    """
    T, S, n_x = Zx.shape
    M, n_outputs = net.n_output_lags, net.n_outputs
    act = ACTIVATIONS[net.activation]
    W1, b1 = layers[0]
    W_fb = _feedback_matrix(W1, net)
    U = np.zeros((M + T, S, n_outputs))
    U[:M] = y0
    V = _windows(U, M)
    # the exogenous part of the first layer, for every step at once
    A1 = np.matmul(np.ascontiguousarray(Zx).reshape(T * S, n_x), W1[:n_x])
    A1 += b1
    A1 = A1.reshape(T, S, -1)
    if len(layers) == 1:  # a linear model: the first layer is the output layer
        for t in range(T):
            s = active[t]
            out = U[M + t, :s]
            np.matmul(V[t, :s].reshape(s, -1), W_fb, out=out)
            out += A1[t, :s]
        return U, []
    H = [A1] + [np.zeros((T, S, n)) for _, n in net.shapes[1:-1]]
    W_out, b_out = layers[-1]
    width = W1.shape[1]
    if skip is not None:  # the linear path: its exogenous part for every step
        A_lin = np.matmul(np.ascontiguousarray(Zx).reshape(T * S, n_x), skip[:n_x])
        A_lin += b_out
        A_lin = A_lin.reshape(T, S, n_outputs)
        # one product a step feeds the window to the first layer and the skip
        W_fb = np.hstack([W_fb, _feedback_matrix(skip, net)])
    for t in range(T):
        s = active[t]
        h = A1[t, :s]
        fed = V[t, :s].reshape(s, -1) @ W_fb
        h += fed[:, :width]
        act(h)
        for (W, b), Hl in zip(layers[1:-1], H[1:], strict=True):
            hl = Hl[t, :s]
            np.matmul(h, W, out=hl)
            hl += b
            act(hl)
            h = hl
        out = U[M + t, :s]
        np.matmul(h, W_out, out=out)
        if skip is None:
            out += b_out
        else:
            out += A_lin[t, :s]
            out += fed[:, width:]
    return U, H


def _backward(layers, net, Zx, active, U, H, dU, grads, skip=None, g_skip=None):
    """Backpropagate ``dU[M:]`` (the loss gradient of each prediction).

    Walks back in time adding to ``dU[t]`` what reaches each prediction
    through the steps it is fed back into; the weight gradients are one
    matrix product per layer after the loop. Writes into ``grads`` (views
    from :func:`unpack`; ``g_skip`` the skip matrix's); ``dU[:M]`` ends with
    the gradient of ``y0``.
    """
    T, S, n_x = Zx.shape
    M, n_outputs = net.n_output_lags, net.n_outputs
    W_fb_T = _feedback_matrix(layers[0][0], net).T
    S_fb_T = None if skip is None else _feedback_matrix(skip, net).T
    dY = dU[M:]
    if H:
        # ψ'(a) of every step at once, zero past each series' length; the
        # loop multiplies it in place into the gradient of the pre-activation
        D = [DERIVATIVES[net.activation](Hl, np.empty_like(Hl)) for Hl in H]
        if active[-1] < S:
            ended = np.arange(S) >= np.array(active)[:, None]
            for d in D:
                d[ended] = 0
        W_T = [W.T for W, _ in layers[1:]]
    else:
        D = [dY]
    for t in range(T - 1, -1, -1):
        s = active[t]
        if s == 0:
            continue
        if H:
            dh = dY[t, :s] @ W_T[-1]
            for lay in range(len(H) - 1, -1, -1):
                d = D[lay][t, :s]
                d *= dh
                if lay:
                    dh = d @ W_T[lay - 1]
            da = D[0][t, :s]
        else:
            da = dY[t, :s]
        if M:
            dw = da @ W_fb_T
            if S_fb_T is not None:
                dw += dY[t, :s] @ S_fb_T
            dU[t : t + M, :s] += dw.reshape(s, M, n_outputs).swapaxes(0, 1)
    # weight gradients: one matrix product per layer
    rows = T * S
    deltas = D + [dY] if H else D
    for lay, ((dW, db), delta) in enumerate(zip(grads, deltas, strict=True)):
        d2 = delta.reshape(rows, -1)
        if lay == 0:
            Z2 = np.ascontiguousarray(Zx).reshape(rows, n_x)
            np.matmul(Z2.T, d2, out=dW[:n_x])
            window = _windows(U, M).reshape(rows, M * n_outputs)[:, net.feedback]
            np.matmul(window.T, d2, out=dW[n_x:])
        else:
            np.matmul(H[lay - 1].reshape(rows, -1).T, d2, out=dW)
        np.sum(d2, axis=0, out=db)
    if g_skip is not None:
        d2 = dY.reshape(rows, -1)
        np.matmul(np.ascontiguousarray(Zx).reshape(rows, n_x).T, d2, out=g_skip[:n_x])
        window = _windows(U, M).reshape(rows, M * n_outputs)[:, net.feedback]
        np.matmul(window.T, d2, out=g_skip[n_x:])


def simulate(theta, net, Zx, lengths, y0):
    """Free-run simulation of the network in ``theta``.

    Parameters
    ----------
    theta : ndarray of shape (net.size,)
        The packed parameters.
    net : LoopNetwork
        From :func:`make_network`.
    Zx : ndarray of shape (T, S, n_x)
        Exogenous regressors, time-major, zero past each series' length.
    lengths : ndarray of shape (S,)
        Series lengths, non-increasing.
    y0 : ndarray of shape (M, S, n_outputs)
        Output window before the first step, oldest first.

    Returns
    -------
    Y : ndarray of shape (T, S, n_outputs)
        The predictions (zero past each series' length).
    """
    active = running_counts(lengths, len(Zx))
    U, _ = _forward(unpack(theta, net), net, Zx, active, y0, unpack_skip(theta, net))
    return U[net.n_output_lags :]


def closed_loop_chunks(
    theta, net, Zx, lengths, Y, y0, *, alpha=0.0, bptt_steps=None, grad=None
):
    """Loss and gradient of each chunk of (truncated) BPTT through the loop.

    A generator: for every chunk of ``bptt_steps`` steps it writes the
    chunk's gradient into ``grad`` and yields ``(loss, n_targets)``. The
    caller may update ``theta`` in place before asking for the next chunk,
    whose forward pass then uses the new parameters and starts from the last
    M predictions of the previous chunk (the state flows forward, the
    gradient does not cross the boundary). ``bptt_steps=None`` is one chunk:
    full backpropagation through time.

    Parameters
    ----------
    theta : ndarray of shape (net.size,)
        The packed parameters.
    net : LoopNetwork
        From :func:`make_network`.
    Zx : ndarray of shape (T, S, n_x)
        Exogenous regressors, time-major, zero past each series' length.
    lengths : ndarray of shape (S,)
        Series lengths, non-increasing, each at least 1.
    Y : ndarray of shape (T, S, n_outputs)
        The observed outputs the simulation is compared with (ignored past
        each series' length).
    y0 : ndarray of shape (M, S, n_outputs)
        Output window before the first step, oldest first (a constant: no
        gradient flows into it).
    alpha : float, default=0.0
        L2 penalty on the weights.
    bptt_steps : int or None, default=None
        Chunk length; None for full BPTT.
    grad : ndarray of shape (net.size,) or None
        Receives each chunk's gradient; allocated when None.

    Yields
    ------
    loss : float
        The chunk's loss (L2 penalty included), normalised by ``n_targets``.
    n_targets : int
        Number of simulated steps (of all series) in the chunk.
    """
    T = len(Zx)
    M = net.n_output_lags
    lengths = np.asarray(lengths)
    active = np.array(running_counts(lengths, T), dtype=np.int64)
    if grad is None:
        grad = np.empty_like(theta)
    layers, grads = unpack(theta, net), unpack(grad, net)
    skip, g_skip = unpack_skip(theta, net), unpack_skip(grad, net)
    penalised, g_penalised = theta[: net.n_weights], grad[: net.n_weights]
    step = T if bptt_steps is None else int(bptt_steps)
    state = np.asarray(y0, dtype=np.float64)
    for t0 in range(0, T, step):
        t1 = min(T, t0 + step)
        counts = active[t0:t1].tolist()
        n_targets = int(active[t0:t1].sum())
        U, H = _forward(layers, net, Zx[t0:t1], counts, state, skip)
        state = U[t1 - t0 :]  # the last M predictions
        if M:
            state = state.copy()
        dU = np.zeros_like(U)
        dY = dU[M:]
        valid = np.arange(len(lengths)) < active[t0:t1, None]  # (steps, S)
        np.subtract(U[M:], Y[t0:t1], out=dY)
        dY *= valid[:, :, None]
        value = 0.5 * float(np.vdot(dY, dY)) / net.n_outputs
        dY *= 1.0 / (net.n_outputs * n_targets)
        _backward(layers, net, Zx[t0:t1], counts, U, H, dU, grads, skip, g_skip)
        if alpha:
            value += 0.5 * alpha * float(np.dot(penalised, penalised))
            g_penalised += penalised * (alpha / n_targets)
        yield value / n_targets, n_targets


def loss_and_grad(theta, net, Zx, lengths, Y, y0, *, alpha=0.0, grad=None):
    """Loss and gradient of the free-run simulation error (full BPTT).

    The parameters are those of :func:`closed_loop_chunks` without
    ``bptt_steps``.

    Returns
    -------
    loss : float
        The loss, L2 penalty included.
    grad : ndarray of shape (net.size,)
        Its gradient with respect to ``theta``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._closed_loop import loss_and_grad, make_network, pack
    >>> # y_t = a y_{t-1} + x_t, one layer (a linear model), from y_{-1} = 0
    >>> weights = [(np.array([[1.0], [0.5]]), np.zeros(1))]
    >>> net = make_network(weights, "identity", n_x=1, feedback=[0],
    ...                    n_output_lags=1)
    >>> Zx, y0 = np.ones((3, 1, 1)), np.zeros((1, 1, 1))
    >>> Y = np.array([1.0, 1.8, 2.44]).reshape(3, 1, 1)  # made with a = 0.8
    >>> loss, grad = loss_and_grad(pack(weights), net, Zx, [3], Y, y0)
    >>> grad.round(3)  # d/d(b_x, a, bias): a is too small, so raise it
    array([-0.552, -0.56 , -0.552])
    """
    if grad is None:
        grad = np.empty_like(theta)
    for value, _ in closed_loop_chunks(
        theta, net, Zx, lengths, Y, y0, alpha=alpha, grad=grad
    ):
        return value, grad


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------


def simulation_loss(theta, net, Zx, lengths, Y, y0):
    """The free-run simulation error ``Σ ½ ‖ŷ - y‖² / n_outputs / N`` (no L2).

    Targets that are NaN are simulated through but not scored (N counts the
    scored ones): a long free run judged on some of its rows.
    """
    lengths = np.asarray(lengths)
    with np.errstate(over="ignore", invalid="ignore"):
        E = simulate(theta, net, Zx, lengths, y0) - Y
        E[np.arange(len(Zx))[:, None] >= lengths] = 0
        scored = ~np.isnan(Y)
        scored[np.arange(len(Zx))[:, None] >= lengths] = False
        if not np.isnan(E[scored]).any():
            E[~scored] = 0
        value = 0.5 * float(np.vdot(E, E)) / max(1, scored.sum())
    return value if np.isfinite(value) else np.inf


def train_closed_loop(
    theta,
    net,
    Zx,
    lengths,
    Y,
    y0,
    *,
    solver="lbfgs",
    alpha=0.0,
    max_iter=100,
    max_fun=15000,
    tol=1e-4,
    n_iter_no_change=20,
    learning_rate_init=1e-3,
    max_grad_norm=5.0,
    bptt_steps=None,
    validation=None,
):
    """Minimise the free-run simulation error from ``theta``, by the one trainer.

    Parameters
    ----------
    theta : ndarray of shape (net.size,)
        The starting point (e.g. the open-loop fit); not modified.
    net, Zx, lengths, Y, y0, alpha
        As in :func:`closed_loop_chunks`.
    solver : {"lbfgs", "adam"}, default="lbfgs"
        Key of :data:`SOLVERS`. ``"lbfgs"``: L-BFGS-B on the full-BPTT loss
        (:func:`~skrnn._nn._training.run_lbfgs`), stopping when the largest
        gradient entry is below ``tol``. ``"adam"``: one update per chunk of
        ``bptt_steps`` steps (per epoch with full BPTT), each gradient
        clipped to ``max_grad_norm``
        (:func:`~skrnn._nn._training.run_epochs`).
    max_iter : int, default=100
        Iterations of L-BFGS, or epochs of Adam.
    max_fun : int, default=15000
        L-BFGS: the most loss evaluations.
    tol, n_iter_no_change : float, int, default=1e-4, 20
        scikit-learn's stopping rule
        (:class:`~skrnn._nn._training.StoppingMonitor`): stop after more
        than ``n_iter_no_change`` iterations in which the loss -- the
        validation loss, with validation data; else the training loss (Adam
        only) -- did not fall by at least ``tol`` below its best.
    learning_rate_init : float, default=1e-3
        Adam's step size.
    max_grad_norm : float or None, default=5.0
        Adam: clip each chunk's gradient to this global norm.
    bptt_steps : int or None, default=None
        Adam: truncation length.
    validation : tuple or None, default=None
        ``(Zx, lengths, Y, y0)`` of held-out series: both solvers then stop
        by its free-run loss and return the parameters with the lowest one
        (``theta`` included).

    Returns
    -------
    theta : ndarray of shape (net.size,)
        The trained parameters.
    record : TrainingRecord
        ``loss_curve`` (the training loss after each iteration or epoch) and
        ``validation_scores`` (minus the validation loss; None without
        validation data).
    converged : bool
        False when ``max_iter`` (or L-BFGS's limit on calls) stopped it.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._closed_loop import make_network, pack, train_closed_loop
    >>> # y_t = a y_{t-1} + x_t with a = 0.8, from a = 0.5
    >>> x = np.random.default_rng(0).normal(size=200)
    >>> y = np.zeros(200)
    >>> for t in range(1, 200):
    ...     y[t] = 0.8 * y[t - 1] + x[t]
    >>> weights = [(np.array([[1.0], [0.5]]), np.zeros(1))]
    >>> net = make_network(weights, "identity", n_x=1, feedback=[0],
    ...                    n_output_lags=1)
    >>> theta, record, converged = train_closed_loop(
    ...     pack(weights), net, x[1:, None, None], [199], y[1:, None, None],
    ...     y[:1, None, None], tol=1e-10)
    >>> theta.round(4)  # (b_x, a, bias)
    array([1. , 0.8, 0. ])
    """
    theta = np.array(theta, dtype=np.float64)
    data = (Zx, np.asarray(lengths), Y, y0)
    validation_score = None
    if validation is not None:

        def validation_score():
            return -simulation_loss(theta, net, *validation)

    record = TrainingRecord.new(validation is not None)
    monitor = StoppingMonitor(
        record, tol, n_iter_no_change, theta, validation_score, score_start=True
    )
    if solver == "lbfgs":
        grad = np.empty_like(theta)

        def fun(x):
            with np.errstate(over="ignore", invalid="ignore"):
                value, g = loss_and_grad(x, net, *data, alpha=alpha, grad=grad)
            if not np.isfinite(value) or not np.isfinite(g).all():
                return np.inf, np.zeros_like(g)  # the line search backs off
            return value, g

        result = run_lbfgs(
            fun, theta, monitor=monitor, max_iter=max_iter, max_fun=max_fun, tol=tol
        )
        # status 1: a limit on iterations or calls; 99: stopped by the monitor
        return theta, record, result.status != 1

    def chunks(batch, grad):
        with np.errstate(over="ignore", invalid="ignore"):
            for value, n_targets in closed_loop_chunks(
                theta, net, *data, alpha=alpha, bptt_steps=bptt_steps, grad=grad
            ):
                if not np.isfinite(grad).all():
                    raise ValueError(
                        "The closed-loop simulation diverged during training (its "
                        "gradient is infinite or NaN): lower learning_rate_init "
                        "or max_grad_norm."
                    )
                yield value, n_targets

    converged = run_epochs(
        theta,
        chunks,
        lambda: [None],
        optimizer=AdamOptimizer(theta, learning_rate_init),
        monitor=monitor,
        max_iter=max_iter,
        n_samples=int(data[1].sum()),
        max_grad_norm=max_grad_norm,
    )
    return theta, record, converged


#: The closed-loop solvers.
SOLVERS = ("lbfgs", "adam")
