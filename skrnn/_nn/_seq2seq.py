"""The encoder–decoder kernel: loss, gradient and free-running decoding.

With row vectors and a cell from :data:`~skrnn._nn._layout.CELLS` (the cell
interface is documented in :mod:`skrnn._nn._elman`)::

    encoder   e^l_t = cell(e^{l-1}_t, e^l_{t-1}),   e^0_t = x_t,   t < T_i
    decoder   d^l_s = cell(d^{l-1}_s, d^l_{s-1}),   d^0_s = u_s,   s < S_i
              d^l_{-1} = e^l_{T_i - 1}              (h, and c for the LSTM)
    output    ŷ_s = d^L_s V + c
    feedback  u_0 = [s, f_0] (a learned start token s),
              u_s = [y_{s-1}, f_s] (teacher forcing) or [ŷ_{s-1}, f_s]
              (free running)

``f_s`` are the known future inputs of decoder step s (calendar effects,
planned inputs), concatenated after the fed-back output; without them
(``n_future=0``) the decoder's input is the fed-back output alone and the
parameter layout is that of a model that never knew of future inputs.

Each decoder layer starts from the final state of the encoder layer at the
same depth, read at each input sequence's own last step (the encoder holds its
state past a sequence's length, so padding never leaks in). With a
bidirectional encoder the final state of layer l is ``[e→_{T-1}, e←_0]`` and
the decoder layers have twice the units. Output sequences may be shorter than
the longest one: the decoder is causal, so steps past a sequence's own output
length only get a zero loss weight and never influence an earlier output.

The loss of a batch is, with ``w_is`` the weight of output step s of
sequence i (its sample weight, 0 past its length),

    L = (Σ_is w_is ½‖ŷ_is − y_is‖² + ½ α ‖weights‖²) / Σ_is w_is.

All parameters live in one flat vector ``theta`` -- the weights of the
encoder, the decoder and the output layer first, then their biases and the
start token -- so the L2 penalty is one slice. :class:`Seq2SeqLayout` holds
one :class:`~skrnn._nn._layout.Layout` for the encoder and one for the decoder
(with the output layer), whose positions index the shared vector, so
:func:`skrnn._nn._layout.unpack` gives the views of either.

This module imports numpy only; it knows nothing of scikit-learn.
"""

from dataclasses import dataclass
from math import prod

import numpy as np

from ._activations import LOSS_FUNCTIONS
from ._cellmath import glorot_uniform, running_counts
from ._stack import CELLS, Layout, _cell, _length_order, unpack

__all__ = [
    "Seq2SeqLayout",
    "make_layout",
    "init_params",
    "loss_and_grad",
    "predict",
]

_squared_loss = LOSS_FUNCTIONS["squared_error"]


@dataclass(frozen=True)
class Seq2SeqLayout:
    """Where every parameter of an encoder–decoder lives in the flat vector.

    Attributes
    ----------
    encoder : Layout
        The encoder's recurrent layers (no output layer).
    decoder : Layout
        The decoder's recurrent layers and the output layer; its inputs are
        the outputs fed back followed by the known future inputs, so
        ``decoder.n_features == n_outputs + n_future``.
    start : tuple
        ``(start, stop, shape)`` of the start token, shape ``(n_outputs,)``.
    n_weights : int
        ``theta[:n_weights]`` are the weights penalised by ``alpha``.
    size : int
        Length of ``theta``.
    """

    encoder: Layout
    decoder: Layout
    start: tuple
    n_weights: int
    size: int

    @property
    def n_outputs(self):
        """Outputs per decoder step."""
        return self.decoder.n_outputs

    @property
    def n_future(self):
        """Known future inputs per decoder step."""
        return self.decoder.n_features - self.decoder.n_outputs


def make_layout(
    cell, n_features, hidden_sizes, n_outputs, bidirectional=False, n_future=0
):
    """Lay out an encoder–decoder's parameters in one flat vector.

    Parameters
    ----------
    cell : str
        Key of :data:`~skrnn._nn._layout.CELLS`, for encoder and decoder.
    n_features : int
        Inputs per encoder step.
    hidden_sizes : tuple of int
        Units of each encoder layer; decoder layer l has as many units as
        encoder layer l's state is wide (twice its units if bidirectional).
    n_outputs : int
        Outputs per decoder step.
    bidirectional : bool, default=False
        Whether the encoder layers run both ways in time.
    n_future : int, default=0
        Known future inputs per decoder step; they widen the input of the
        decoder's first layer only. With 0 the layout is exactly that of an
        encoder–decoder without future inputs.

    Returns
    -------
    layout : Seq2SeqLayout
    """
    enc_module, dec_module = _cell(cell, bidirectional), CELLS[cell]
    hidden_sizes = tuple(int(h) for h in hidden_sizes)
    widths = tuple((1 + bool(bidirectional)) * h for h in hidden_sizes)
    n_dec_in = n_outputs + int(n_future)
    enc_shapes = [
        enc_module.param_shapes(n_in, h)
        for n_in, h in zip((n_features,) + widths[:-1], hidden_sizes, strict=True)
    ]
    dec_shapes = [
        dec_module.param_shapes(n_in, w)
        for n_in, w in zip((n_dec_in,) + widths[:-1], widths, strict=True)
    ]
    enc_layers = [{} for _ in enc_shapes]
    dec_layers = [{} for _ in dec_shapes]
    output, start = {}, {}
    pos = 0

    def place(where, name, shape):
        nonlocal pos
        where[name] = (pos, pos + prod(shape), shape)
        pos += prod(shape)

    def place_all(module, layers, shapes, names):
        for entries, shape in zip(layers, shapes, strict=True):
            for name in names(module):
                place(entries, name, shape[name])

    place_all(enc_module, enc_layers, enc_shapes, lambda m: m.WEIGHT_NAMES)
    place_all(dec_module, dec_layers, dec_shapes, lambda m: m.WEIGHT_NAMES)
    place(output, "coef", (widths[-1], n_outputs))
    n_weights = pos
    place_all(enc_module, enc_layers, enc_shapes, lambda m: m.BIAS_NAMES)
    place_all(dec_module, dec_layers, dec_shapes, lambda m: m.BIAS_NAMES)
    place(output, "intercept", (n_outputs,))
    place(start, "start", (n_outputs,))
    size = pos
    encoder = Layout(
        cell,
        n_features,
        hidden_sizes,
        0,
        tuple(enc_layers),
        {},
        n_weights,
        size,
        bool(bidirectional),
    )
    decoder = Layout(
        cell, n_dec_in, widths, n_outputs, tuple(dec_layers), output, n_weights, size
    )
    return Seq2SeqLayout(encoder, decoder, start["start"], n_weights, size)


def _check_future(layout, X_future):
    """The future inputs must be there exactly when the layout has room."""
    if (X_future is None) != (layout.n_future == 0):
        raise ValueError(
            f"The layout takes {layout.n_future} future inputs per decoder step, "
            f"but X_future is {'None' if X_future is None else 'given'}."
        )


def _views(theta, layout):
    """``(encoder layers, decoder layers, output dict, start token)`` views."""
    enc, _ = unpack(theta, layout.encoder)
    dec, out = unpack(theta, layout.decoder)
    lo, hi, _ = layout.start
    return enc, dec, out, theta[lo:hi]


def init_params(layout, rng, dtype=np.float64):
    """A freshly initialised flat parameter vector.

    Every recurrent layer is initialised by its cell (e.g. Glorot-uniform
    input weights, orthogonal recurrent weights), the output layer is Glorot
    uniform with a zero intercept, and the start token is zero.
    """
    theta = np.empty(layout.size, dtype=dtype)
    enc, dec, out, start = _views(theta, layout)
    for net, views in ((layout.encoder, enc), (layout.decoder, dec)):
        module = _cell(net.cell, net.bidirectional)
        n_in = net.n_features
        for params, n_hidden, width in zip(
            views, net.hidden_sizes, net.widths, strict=True
        ):
            for name, value in module.init_layer(n_in, n_hidden, rng, dtype).items():
                params[name][...] = value
            n_in = width
    n_top = layout.decoder.widths[-1]
    out["coef"][...] = glorot_uniform(n_top, layout.n_outputs, rng, dtype)
    out["intercept"][...] = 0
    start[...] = 0
    return theta


# --------------------------------------------------------------------------
# Forward and backward
# --------------------------------------------------------------------------


def _encode(module, layers, net, X_tm, lengths, activation):
    """Run the stacked encoder; the final state and cache of every layer."""
    T, N, _ = X_tm.shape
    finals, caches = [], []
    x = X_tm
    counts = running_counts(lengths, T)  # once for the batch, read by every layer
    for params, width in zip(layers, net.widths, strict=True):
        state0 = tuple(
            np.zeros((N, width), dtype=X_tm.dtype) for _ in module.STATE_NAMES
        )
        x, final, cache = module.forward(params, x, lengths, state0, activation, counts)
        finals.append(final)
        caches.append(cache)
    return finals, caches


def _decode_steps(
    module, layers, out, start, states, n_steps, activation, Y, feed, F=None
):
    """Run the decoder one step at a time, feeding back its outputs.

    ``feed`` (``(n_steps, N)`` booleans, or None for all False) marks the
    steps whose input is the true previous output ``Y[s - 1]`` rather than
    the prediction; ``F`` (``(>= n_steps, N, n_future)`` or None) holds the
    known future inputs appended to every step's input. Returns the outputs
    ``Z`` ``(n_steps, N, n_outputs)``, the top layer's states ``(n_steps, N,
    width)`` and every step's caches.
    """
    V, c = out["coef"], out["intercept"]
    N, k = states[0][0].shape[0], V.shape[1]
    n_in = k if F is None else k + F.shape[2]
    ones = np.ones(N, dtype=np.int64)  # every sequence runs each single step
    Z = np.empty((n_steps, N, k), dtype=V.dtype)
    tops = np.empty((n_steps, N, V.shape[0]), dtype=V.dtype)
    caches = []
    states = list(states)
    if F is None:
        u = np.broadcast_to(start, (1, N, k))
    else:
        u = np.empty((1, N, n_in), dtype=V.dtype)
        u[0, :, :k] = start
        u[0, :, k:] = F[0]
    for s in range(n_steps):
        x = u
        step_caches = []
        for lay, params in enumerate(layers):
            x, states[lay], cache = module.forward(
                params, x, ones, states[lay], activation
            )
            step_caches.append(cache)
        tops[s] = x[0]
        np.matmul(x[0], V, out=Z[s])
        Z[s] += c
        caches.append(step_caches)
        if s + 1 < n_steps:
            u = np.empty((1, N, n_in), dtype=V.dtype)
            u[0, :, :k] = Z[s]
            if F is not None:
                u[0, :, k:] = F[s + 1]
            if feed is not None:
                fed = feed[s + 1]
                u[0, fed, :k] = Y[s, fed]
    return Z, tops, caches


def _decode_teacher_forced(module, layers, out, start, states, Y, activation, F):
    """Run the decoder over the whole sequence of true previous outputs."""
    S, N, k = Y.shape
    U = np.empty((S, N, k if F is None else k + F.shape[2]), dtype=Y.dtype)
    U[0, :, :k] = start
    U[1:, :, :k] = Y[:-1]
    if F is not None:
        U[:, :, k:] = F[:S]
    lengths = np.full(N, S, dtype=np.int64)  # padded steps only lose weight
    caches = []
    x = U
    for params, state0 in zip(layers, states, strict=True):
        x, _, cache = module.forward(params, x, lengths, state0, activation)
        caches.append(cache)
    V, c = out["coef"], out["intercept"]
    Z = np.matmul(x.reshape(S * N, -1), V).reshape(S, N, k)
    Z += c
    return Z, x, caches


def loss_and_grad(
    theta,
    layout,
    X_tm,
    lengths,
    Y,
    weights,
    *,
    activation,
    alpha,
    feed=None,
    X_future=None,
    grad=None,
):
    """Loss and gradient of an encoder–decoder by backpropagation in time.

    Parameters
    ----------
    theta : ndarray of shape (layout.size,)
        The flat parameters.
    layout : Seq2SeqLayout
        From :func:`make_layout`.
    X_tm : ndarray of shape (T, N, n_features)
        Time-major input sequences, padded past each length.
    lengths : ndarray of shape (N,)
        Input lengths, each in ``[1, T]``.
    Y : ndarray of shape (S, N, n_outputs)
        Time-major output sequences, padded past each output length.
    weights : ndarray of shape (S, N)
        Weight of every output step; 0 past each output length.
    activation : str
        The hidden activation.
    alpha : float
        L2 penalty on the weights.
    feed : ndarray of shape (S, N) of bool or None, default=None
        Which decoder inputs are the true previous outputs (teacher
        forcing); the others are the decoder's own previous outputs, through
        which the gradient then flows. None means teacher forcing at every
        step (one pass over the whole decoder sequence); ``feed[0]`` is
        ignored (step 0 reads the start token). All False is free running;
        a random mix is what scheduled sampling trains on (measured, and
        not offered by the estimator: see ``Seq2SeqRegressor``'s Notes).
    X_future : ndarray of shape (S, N, layout.n_future) or None, default=None
        Time-major known future inputs of the decoder's steps, appended to
        each step's fed-back output; required when ``layout.n_future > 0``.
    grad : ndarray of shape (layout.size,) or None
        Receives the gradient; allocated when None.

    Returns
    -------
    loss : float
        The loss, L2 penalty included, normalised by ``weights.sum()``
        (0.0, with a zero gradient, when that is 0).
    grad : ndarray of shape (layout.size,)
        Its gradient with respect to ``theta``.
    """
    _check_future(layout, X_future)
    if grad is None:
        grad = np.empty_like(theta)
    total = float(weights.sum())
    if total <= 0:
        grad[...] = 0
        return 0.0, grad
    order = _length_order(lengths)
    if order is not None:
        X_tm, lengths = X_tm[:, order], lengths[order]
        Y, weights = Y[:, order], weights[:, order]
        if feed is not None:
            feed = feed[:, order]
        if X_future is not None:
            X_future = X_future[:, order]
    enc_module = _cell(layout.encoder.cell, layout.encoder.bidirectional)
    dec_module = CELLS[layout.decoder.cell]
    enc, dec, out, start = _views(theta, layout)
    g_enc, g_dec, g_out, g_start = _views(grad, layout)
    V = out["coef"]
    finals, enc_caches = _encode(
        enc_module, enc, layout.encoder, X_tm, lengths, activation
    )
    S, N, k = Y.shape

    if feed is None:
        Z, H, caches = _decode_teacher_forced(
            dec_module, dec, out, start, finals, Y, activation, X_future
        )
        loss_sum, dZ = _squared_loss(Z, Y, weights)
        dZ *= 1.0 / total
        dZ2 = dZ.reshape(S * N, -1)
        np.matmul(H.reshape(S * N, -1).T, dZ2, out=g_out["coef"])
        np.sum(dZ2, axis=0, out=g_out["intercept"])
        dH = np.matmul(dZ, V.T)
        d_states = [None] * len(dec)
        for lay in range(len(dec) - 1, -1, -1):
            dH, d_states[lay] = dec_module.backward(
                dec[lay], caches[lay], dH, None, g_dec[lay], need_dX=True
            )
        np.sum(dH[0, :, :k], axis=0, out=g_start)  # the future inputs are data
    else:
        Z, tops, caches = _decode_steps(
            dec_module, dec, out, start, finals, S, activation, Y, feed, X_future
        )
        loss_sum, dZ = _squared_loss(Z, Y, weights)
        dZ *= 1.0 / total
        d_states = _backward_steps(
            dec_module, dec, V, caches, tops, dZ, feed, g_dec, g_out, g_start
        )

    d_above = None
    for lay in range(len(enc) - 1, -1, -1):
        d_above, _ = enc_module.backward(
            enc[lay], enc_caches[lay], d_above, d_states[lay], g_enc[lay], lay > 0
        )
    value = loss_sum / total
    if alpha:
        penalised = theta[: layout.n_weights]
        value += 0.5 * alpha * float(np.dot(penalised, penalised)) / total
        grad[: layout.n_weights] += penalised * (alpha / total)
    return value, grad


def _backward_steps(module, layers, V, caches, tops, dZ, feed, g_dec, g_out, g_start):
    """Backpropagate through the step-by-step decoder and its feedback.

    Writes the decoder's, the output layer's and the start token's gradients;
    returns the gradient reaching each decoder layer's initial state.
    """
    S = len(caches)
    # each step's backward overwrites these; they are summed into g_dec
    step_grads = [{name: np.empty_like(v) for name, v in g.items()} for g in g_dec]
    for g in g_dec:
        for value in g.values():
            value[...] = 0
    g_out["coef"][...] = 0
    g_out["intercept"][...] = 0
    d_state = [None] * len(layers)
    d_fed_back = None  # gradient reaching ŷ_s through the input of step s + 1
    for s in range(S - 1, -1, -1):
        dz = dZ[s]
        if d_fed_back is not None:
            dz += d_fed_back
        g_out["coef"] += tops[s].T @ dz
        g_out["intercept"] += dz.sum(axis=0)
        dH = (dz @ V.T)[None]
        for lay in range(len(layers) - 1, -1, -1):
            dH, d_state[lay] = module.backward(
                layers[lay], caches[s][lay], dH, d_state[lay], step_grads[lay], True
            )
            for name, value in step_grads[lay].items():
                g_dec[lay][name] += value
        d_input = dH[0, :, : V.shape[1]]  # the fed-back part; the rest is data
        if s == 0:
            np.sum(d_input, axis=0, out=g_start)
        else:
            if feed is not None:
                d_input[feed[s]] = 0  # a true output was fed: no path to ŷ
            d_fed_back = d_input
    return d_state


def predict(theta, layout, X_tm, lengths, n_steps, *, activation, X_future=None):
    """Free-running outputs: each prediction is fed back as the next input.

    Parameters
    ----------
    theta, layout, X_tm, lengths, activation
        As in :func:`loss_and_grad`.
    n_steps : int
        Number of output steps to emit.
    X_future : ndarray of shape (>= n_steps, N, layout.n_future) or None
        Time-major known future inputs of the decoder's steps; required when
        ``layout.n_future > 0``.

    Returns
    -------
    Y : ndarray of shape (n_steps, N, n_outputs)
        Time-major outputs, in the order of the input sequences.
    """
    _check_future(layout, X_future)
    order = _length_order(lengths)
    if order is not None:
        X_tm, lengths = X_tm[:, order], lengths[order]
        if X_future is not None:
            X_future = X_future[:, order]
    enc_module = _cell(layout.encoder.cell, layout.encoder.bidirectional)
    dec_module = CELLS[layout.decoder.cell]
    enc, dec, out, start = _views(theta, layout)
    finals, _ = _encode(enc_module, enc, layout.encoder, X_tm, lengths, activation)
    Z, _, _ = _decode_steps(
        dec_module,
        dec,
        out,
        start,
        finals,
        int(n_steps),
        activation,
        None,
        None,
        X_future,
    )
    if order is not None:
        unsorted = np.empty_like(Z)
        unsorted[:, order] = Z
        Z = unsorted
    return Z
