"""Stacked recurrent layers, the output layer, the loss and truncated BPTT.

The network is

    h^l_t = cell(h^{l-1}_t, h^l_{t-1})      l = 1 … L,  h^0_t = x_t
    ŷ_t  = φ(h^L_t V + c)

with a cell from :data:`CELLS`. Many-to-one reads ŷ at each sequence's own
last step (``pooling="last"``) or from the mean or unit-wise maximum of
``h^L`` over its real steps (``pooling="mean"``, ``"max"``,
:mod:`~skrnn._nn._pooling`), many-to-many at every step. All parameters
live in one flat, contiguous vector ``theta``, laid out by :mod:`~skrnn._nn._layout`
(re-exported here).

The loss of a batch (or of a chunk of it) is

    L = (Σ_targets w ℓ(ŷ, y) + ½ α ‖weights‖²) / Σ_targets w

where ``w`` is the weight of each target: the sequence's sample weight (times
a class weight) and 0 for padding. With ``bptt_steps=k`` the batch is run in
consecutive chunks of ``k`` steps: the state flows forward from one chunk to
the next, gradients do not cross a chunk boundary, and every chunk holding a
target yields its own loss and gradient (:func:`bptt_chunks`).

This module imports numpy only; it knows nothing of scikit-learn.
"""

import numpy as np

from ._activations import LOSS_FUNCTIONS, OUTPUT_ACTIVATIONS
from ._cellmath import chunk_counts, running_counts
from ._layout import CELLS, Layout, _cell, init_params, make_layout, unpack
from ._pooling import is_pooled, make_pool

__all__ = [
    "CELLS",
    "Layout",
    "make_layout",
    "init_params",
    "unpack",
    "bptt_chunks",
    "loss_and_grad",
    "predict",
    "hidden_states",
]

#: Cell modules by name; each offers the interface documented in ``_elman``.


# --------------------------------------------------------------------------
# Forward and backward through the stack
# --------------------------------------------------------------------------


def _length_order(lengths):
    """Permutation sorting ``lengths`` in non-increasing order, or None."""
    if len(lengths) < 2 or np.all(lengths[:-1] >= lengths[1:]):
        return None
    return np.argsort(-lengths, kind="stable")


def _initial_states(module, layout, state0, N, dtype, order):
    n_states = len(module.STATE_NAMES)
    if state0 is None:
        return [
            tuple(np.zeros((N, h), dtype=dtype) for _ in range(n_states))
            for h in layout.widths
        ]
    states = []
    for layer_state, h in zip(state0, layout.widths, strict=True):
        arrays = []
        for s in layer_state:
            s = np.broadcast_to(np.asarray(s, dtype=dtype), (N, h))
            arrays.append(s if order is None else s[order])
        states.append(tuple(arrays))
    return states


def _split_pool(state0, layout, pooling, return_sequences, order):
    """``(layer states, pool state)``: a pooled output's state ends with its pool.

    The pool's arrays come back in the batch's (sorted) row order.
    """
    if state0 is None or not is_pooled(pooling, return_sequences):
        return state0, None
    if len(state0) == len(layout.widths):
        return state0, None  # the layers' states alone: the pool starts empty
    pool0 = tuple(
        np.asarray(a) if order is None else np.asarray(a)[order] for a in state0[-1]
    )
    return state0[:-1], pool0


def bptt_chunks(
    theta,
    layout,
    X_tm,
    lengths,
    Y,
    weights,
    *,
    loss,
    activation,
    return_sequences,
    alpha,
    bptt_steps=None,
    state0=None,
    grad=None,
    grad_state0=None,
    pooling="last",
):
    """Loss and gradient of each chunk of (truncated) backpropagation in time.

    A generator: for every chunk of ``bptt_steps`` steps that holds a target it
    writes the chunk's gradient into ``grad`` and yields ``(loss, weight)``,
    the chunk's loss and the total weight of its targets. The caller may
    update ``theta`` in place before asking for the next chunk, whose forward
    pass then uses the new parameters and the state carried from the previous
    chunk. With ``bptt_steps=None`` the whole batch is one chunk.

    Parameters
    ----------
    theta : ndarray of shape (layout.size,)
        The flat parameters.
    layout : Layout
        From :func:`make_layout`.
    X_tm : ndarray of shape (T, N, n_features)
        Time-major inputs, padded past each length.
    lengths : ndarray of shape (N,)
        Sequence lengths, each in ``[1, T]``.
    Y : ndarray
        Many-to-one: ``(N, n_outputs)``; many-to-many: ``(T, N, n_outputs)``.
    weights : ndarray
        Weight of each target: ``(N,)`` or ``(T, N)``; 0 at padded steps.
    loss : str
        Key of :data:`~skrnn._nn._activations.LOSS_FUNCTIONS`.
    activation : str
        The hidden activation.
    return_sequences : bool
        Many-to-many (True) or many-to-one (False).
    alpha : float
        L2 penalty on the weights.
    bptt_steps : int or None, default=None
        Chunk length of truncated BPTT; None is full BPTT.
    state0 : list of tuple or None, default=None
        Initial state of each layer (None: zeros); each array
        ``(N, width)`` or ``(width,)`` with ``width`` from ``layout.widths``
        (bidirectional: forward half first).
    grad : ndarray of shape (layout.size,) or None
        Receives each chunk's gradient; allocated when None.
    grad_state0 : list or None, default=None
        When a list, before each yield its contents are replaced by the
        gradient of the chunk's loss with respect to ``state0``: one tuple
        per layer of ``(N, width)`` arrays (rows in the order of the input),
        like ``state0``. Only the first chunk's is nonzero -- gradients do
        not cross a chunk boundary -- so an encoder that produces ``state0``
        trains on the first chunk.
    pooling : {"last", "mean", "max"}, default="last"
        Many-to-one: the output reads the top layer's state at each
        sequence's last step, or its mean or maximum over the real steps (the
        running sum or maximum flows across chunks; the gradient reaches the
        chunk's steps).

    Yields
    ------
    loss : float
        The chunk's loss (L2 penalty included), normalised by ``weight``.
    weight : float
        Σ of the chunk's target weights.
    """
    module = _cell(layout.cell, layout.bidirectional)
    if layout.bidirectional and bptt_steps is not None:
        raise ValueError(
            "Truncated backpropagation through time (bptt_steps) cannot be used "
            "with bidirectional layers: the backward direction needs each whole "
            "sequence. Use bptt_steps=None."
        )
    loss_fn = LOSS_FUNCTIONS[loss]
    T, N, _ = X_tm.shape
    order = _length_order(lengths)
    if order is not None:
        X_tm, lengths = X_tm[:, order], lengths[order]
        Y, weights = (
            (Y[:, order], weights[:, order])
            if return_sequences
            else (
                Y[order],
                weights[order],
            )
        )
    if grad is None:
        grad = np.empty_like(theta)
    layers, out = unpack(theta, layout)
    g_layers, g_out = unpack(grad, layout)
    states = _initial_states(module, layout, state0, N, theta.dtype, order)
    counts = running_counts(lengths, T)  # once for the batch, read by every layer
    no_state_grads = (None,) * (len(module.STATE_NAMES) - 1)
    step = T if bptt_steps is None else int(bptt_steps)
    n_chunks = -(-T // step)
    if not return_sequences:
        ends_in = (lengths - 1) // step
        n_chunks = int(ends_in[0]) + 1  # nothing left to train after that
    penalised = theta[: layout.n_weights]
    g_penalised = grad[: layout.n_weights]
    V, c = out["coef"], out["intercept"]
    pool = make_pool(pooling, return_sequences, lengths, layout.widths[-1], theta.dtype)

    for chunk in range(n_chunks):
        t0 = chunk * step
        t1 = min(t0 + step, T)
        if return_sequences:
            w = weights[t0:t1]
        else:
            w = np.where(ends_in == chunk, weights, 0)
        total = float(w.sum())
        run = np.clip(lengths - t0, 0, t1 - t0)
        x = X_tm[t0:t1]
        caches = []
        c_run = chunk_counts(counts, t0, t1)
        for lay, params in enumerate(layers):
            x, states[lay], cache = module.forward(
                params, x, run, states[lay], activation, c_run
            )
            caches.append(cache)
        if pool is not None:
            pool.add(x, run, t0)
        if total <= 0:
            continue  # no target here: the state just flows on

        if return_sequences:
            Tc, _, n_hidden = x.shape
            x2 = x.reshape(Tc * N, n_hidden)
            Z = np.matmul(x2, V)
            Z += c
            Z = Z.reshape(Tc, N, -1)
            loss_sum, dZ = loss_fn(Z, Y[t0:t1], w)
            dZ *= 1.0 / total
            dZ2 = dZ.reshape(Tc * N, -1)
            np.matmul(x2.T, dZ2, out=g_out["coef"])
            np.sum(dZ2, axis=0, out=g_out["intercept"])
            dH = np.matmul(dZ, V.T)
            d_final = None
        else:
            h = states[-1][0] if pool is None else pool.value()
            Z = np.matmul(h, V)
            Z += c
            loss_sum, dZ = loss_fn(Z, Y, w)
            dZ *= 1.0 / total
            np.matmul(h.T, dZ, out=g_out["coef"])
            np.sum(dZ, axis=0, out=g_out["intercept"])
            if pool is not None:
                dH = pool.spread(np.matmul(dZ, V.T), run, t0, t1 - t0)
                d_final = None
            else:
                dH = None
                d_final = (np.matmul(dZ, V.T),) + no_state_grads
        d_state0 = [None] * len(layers)
        for lay in range(len(layers) - 1, -1, -1):
            dH, d_state0[lay] = module.backward(
                layers[lay], caches[lay], dH, d_final, g_layers[lay], need_dX=lay > 0
            )
            d_final = None
        if grad_state0 is not None:
            if t0 > 0:  # the first chunk's state gets no gradient from this one
                d_state0 = [tuple(np.zeros_like(d) for d in s) for s in d_state0]
            grad_state0[:] = _in_input_order(d_state0, order)

        value = loss_sum / total
        if alpha:
            value += 0.5 * alpha * float(np.dot(penalised, penalised)) / total
            g_penalised += penalised * (alpha / total)
        yield value, total


def loss_and_grad(
    theta,
    layout,
    X_tm,
    lengths,
    Y,
    weights,
    *,
    loss,
    activation,
    return_sequences,
    alpha,
    state0=None,
    grad=None,
    pooling="last",
):
    """Loss and gradient of full backpropagation through time.

    The parameters are those of :func:`bptt_chunks` (without ``bptt_steps``).

    Returns
    -------
    loss : float
        The loss, L2 penalty included, normalised by the total target weight
        (0.0 when every target weight is 0).
    grad : ndarray of shape (layout.size,)
        Its gradient with respect to ``theta``.
    """
    if grad is None:
        grad = np.empty_like(theta)
    chunks = bptt_chunks(
        theta,
        layout,
        X_tm,
        lengths,
        Y,
        weights,
        loss=loss,
        activation=activation,
        return_sequences=return_sequences,
        alpha=alpha,
        state0=state0,
        grad=grad,
        pooling=pooling,
    )
    for value, _ in chunks:
        return value, grad
    grad[...] = 0
    return 0.0, grad


def predict(
    theta,
    layout,
    X_tm,
    lengths,
    *,
    activation,
    return_sequences,
    out_activation,
    block=None,
    state0=None,
    return_state=False,
    pooling="last",
):
    """Outputs of the network.

    Parameters
    ----------
    theta, layout, X_tm, lengths, activation, return_sequences, state0
        As in :func:`bptt_chunks`.
    out_activation : str
        Key of :data:`~skrnn._nn._activations.OUTPUT_ACTIVATIONS`.
    block : int or None, default=None
        Run the forward pass in blocks of this many steps (the state flows
        across blocks exactly), so memory grows with ``block``, not ``T``.
        Ignored by bidirectional layers, which need each whole sequence.
    return_state : bool, default=False
        Also return the final state of every layer.
    pooling : {"last", "mean", "max"}, default="last"
        As in :func:`bptt_chunks`.

    Returns
    -------
    Y : ndarray
        ``(N, n_outputs)`` many-to-one, or time-major ``(T, N, n_outputs)``
        many-to-many (values at padded steps are meaningless).
    final_state : list of tuple
        Only with ``return_state``: see :func:`hidden_states`.
    """
    module = _cell(layout.cell, layout.bidirectional)
    T, N, _ = X_tm.shape
    order = _length_order(lengths)
    if order is not None:
        X_tm, lengths = X_tm[:, order], lengths[order]
    layers, out = unpack(theta, layout)
    V, c = out["coef"], out["intercept"]
    state0, pool0 = _split_pool(state0, layout, pooling, return_sequences, order)
    states = _initial_states(module, layout, state0, N, theta.dtype, order)
    # a bidirectional layer needs each whole sequence: no blocks
    step = T if block is None or layout.bidirectional else int(block)
    Y = (
        np.empty((T, N, layout.n_outputs), dtype=theta.dtype)
        if return_sequences
        else None
    )
    pool = make_pool(
        pooling, return_sequences, lengths, layout.widths[-1], theta.dtype, pool0
    )
    counts = running_counts(lengths, T)  # once for the batch, read by every layer
    for t0 in range(0, T, step):
        t1 = min(t0 + step, T)
        run = np.clip(lengths - t0, 0, t1 - t0)
        c_run = chunk_counts(counts, t0, t1)
        x = X_tm[t0:t1]
        for lay, params in enumerate(layers):
            x, states[lay], _ = module.forward(
                params, x, run, states[lay], activation, c_run
            )
        if return_sequences:
            np.matmul(x, V, out=Y[t0:t1])
        elif pool is not None:
            pool.add(x, run, t0)
    if not return_sequences:
        Y = np.matmul(states[-1][0] if pool is None else pool.value(), V)
    Y += c
    OUTPUT_ACTIVATIONS[out_activation](Y)
    if order is not None:
        unsorted = np.empty_like(Y)
        unsorted[..., order, :] = Y
        Y = unsorted
    if return_state:
        if pool is not None:
            states = states + [pool.state()]
        return Y, _in_input_order(states, order)
    return Y


def _in_input_order(states, order):
    """Copies of the per-layer states, rows back in the order of the input."""
    restored = []
    for layer_state in states:
        arrays = []
        for s in layer_state:
            copy = np.empty_like(s)
            if order is None:
                copy[...] = s
            else:
                copy[order] = s
            arrays.append(copy)
        restored.append(tuple(arrays))
    return restored


def hidden_states(
    theta,
    layout,
    X_tm,
    lengths,
    *,
    activation,
    return_sequences,
    block=None,
    state0=None,
    pooling="last",
):
    """States ``h`` of the last recurrent layer: what the output layer reads.

    Parameters
    ----------
    theta, layout, X_tm, lengths, activation, state0
        As in :func:`bptt_chunks`.
    return_sequences : bool
        Return the state at every step (True) or at each sequence's own last
        step (False).
    block : int or None, default=None
        As in :func:`predict`.
    pooling : {"last", "mean", "max"}, default="last"
        As in :func:`bptt_chunks`.

    Returns
    -------
    H : ndarray
        ``(N, widths[-1])``: each sequence's state at its own last step
        (bidirectional: the forward state there and the backward state at
        the first step), or with ``pooling="mean"`` its mean over the
        sequence's real steps; or time-major ``(T, N, widths[-1])``: the state at
        every step, holding the final state past each length.
    final_state : list of tuple
        The state of every layer at each sequence's own last step: one tuple
        per layer of ``(N, width)`` arrays named by the cell's
        ``STATE_NAMES`` (``(h,)``, or ``(h, c)`` for the LSTM), rows in the
        order of the input; a many-to-one output that pools adds its pool
        last (the pool's ``state()``). Given back as
        ``state0``, a sequence continues where it stopped, its pool included
        (a ``state0`` of the layers alone starts the pool empty).
    """
    module = _cell(layout.cell, layout.bidirectional)
    T, N, _ = X_tm.shape
    order = _length_order(lengths)
    if order is not None:
        X_tm, lengths = X_tm[:, order], lengths[order]
    layers, _ = unpack(theta, layout)
    state0, pool0 = _split_pool(state0, layout, pooling, return_sequences, order)
    states = _initial_states(module, layout, state0, N, theta.dtype, order)
    step = T if block is None or layout.bidirectional else int(block)
    H = (
        np.empty((T, N, layout.widths[-1]), dtype=theta.dtype)
        if return_sequences
        else None
    )
    pool = make_pool(
        pooling, return_sequences, lengths, layout.widths[-1], theta.dtype, pool0
    )
    counts = running_counts(lengths, T)  # once for the batch, read by every layer
    for t0 in range(0, T, step):
        t1 = min(t0 + step, T)
        run = np.clip(lengths - t0, 0, t1 - t0)
        c_run = chunk_counts(counts, t0, t1)
        x = X_tm[t0:t1]
        for lay, params in enumerate(layers):
            x, states[lay], _ = module.forward(
                params, x, run, states[lay], activation, c_run
            )
        if return_sequences:
            H[t0:t1] = x
        elif pool is not None:
            pool.add(x, run, t0)
    if pool is not None:
        final_state = _in_input_order(states + [pool.state()], order)
        return _in_input_order([(pool.value(),)], order)[0][0], final_state
    final_state = _in_input_order(states, order)
    if not return_sequences:
        return final_state[-1][0].copy(), final_state
    if order is not None:
        unsorted = np.empty_like(H)
        unsorted[:, order] = H
        H = unsorted
    return H, final_state
