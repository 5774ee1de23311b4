"""The gated recurrent unit (GRU): one layer's forward and backward in time.

PyTorch's equations and gate order (reset r, update z, candidate n), with row
vectors::

    r_t = σ(x_t U_r + b_r + h_{t-1} W_r + b'_r)
    z_t = σ(x_t U_z + b_z + h_{t-1} W_z + b'_z)
    n_t = ψ(x_t U_n + b_n + r_t ⊙ (h_{t-1} W_n + b'_n))
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

σ is the logistic function and ψ the ``activation``: tanh by default, the
only one PyTorch offers. Any hidden activation of
:data:`~skrnn._nn._activations.ACTIVATIONS` is accepted for the candidate n, as
Keras accepts one; the gates are always logistic, since they must lie in
(0, 1).

The parameters stack the gates in the columns ``[r | z | n]``: ``U`` is
``(n_in, 3 n_hidden)``, ``W`` is ``(n_hidden, 3 n_hidden)``, and there are two
bias vectors of ``3 n_hidden``, ``b`` (input side) and ``b_rec`` (recurrent
side), because ``b'_n`` sits inside the reset gate's product. They are
PyTorch's ``weight_ih_l{k}.T``, ``weight_hh_l{k}.T``, ``bias_ih_l{k}`` and
``bias_hh_l{k}``, so weights can be copied either way.

The interface is the one documented in :mod:`skrnn._nn._elman`. The input
projection of every gate and step is one matrix product before the time loop
(``b`` and the r, z part of ``b_rec`` folded in); each step makes one
(batched) product ``h_{t-1} W`` for the three gates; after the loop one
product of ``[h_{t-1} | x_t | 1]^T`` with the gates' gradients gives the
weight and bias gradients (:func:`~skrnn._nn._cellmath.design_matrix`). Inside
the kernels the gates are stored gate-major, ``(3, T, N, n_hidden)``, so
that every element-wise operation of a step works on contiguous
``(N, n_hidden)`` blocks (numpy is several times slower on the strided
column blocks of a ``(N, 3 n_hidden)`` row). The gates use
σ(a) = (1 + tanh(a / 2)) / 2 with the halving folded into the weights,
because ``np.tanh`` is an order of magnitude faster than
``scipy.special.expit``. The large buffers come from
:data:`~skrnn._nn._workspace.POOL`. Variable lengths are masked as in the Elman
cell: with lengths sorted in non-increasing order, the first ``counts[t]``
sequences are running at step ``t`` and the others hold their state.
"""

import numpy as np

from ._activations import ACTIVATIONS, DERIVATIVES
from ._cellmath import (
    active_counts,
    design_matrix,
    glorot_uniform,
    input_gradient,
    orthogonal,
)
from ._workspace import POOL, Cache

__all__ = [
    "STATE_NAMES",
    "WEIGHT_NAMES",
    "BIAS_NAMES",
    "param_shapes",
    "init_layer",
    "forward",
    "backward",
]

STATE_NAMES = ("h",)
WEIGHT_NAMES = ("U", "W")
BIAS_NAMES = ("b", "b_rec")


def _gate_major(M, n_hidden):
    """View columns ``[r | z | n]`` of ``(rows, 3 H)`` as ``(3, rows, H)``."""
    return M.reshape(M.shape[0], 3, n_hidden).transpose(1, 0, 2)


def param_shapes(n_in, n_hidden):
    """Shapes of the layer's parameters: ``U``, ``W``, ``b``, ``b_rec``."""
    G = 3 * n_hidden
    return {"U": (n_in, G), "W": (n_hidden, G), "b": (G,), "b_rec": (G,)}


def init_layer(n_in, n_hidden, rng, dtype=np.float64):
    """Glorot-uniform input and orthogonal recurrent blocks per gate, zero biases.

    Each gate's ``(n_in, n_hidden)`` input block is Glorot uniform and each
    ``(n_hidden, n_hidden)`` recurrent block is orthogonal, as Keras
    initialises its GRU.
    """
    return {
        "U": np.hstack([glorot_uniform(n_in, n_hidden, rng, dtype) for _ in "rzn"]),
        "W": np.hstack([orthogonal(n_hidden, n_hidden, rng, dtype) for _ in "rzn"]),
        "b": np.zeros(3 * n_hidden, dtype=dtype),
        "b_rec": np.zeros(3 * n_hidden, dtype=dtype),
    }


def forward(params, X_tm, lengths, state0, activation, counts=None):
    """Run the layer over time.

    Parameters
    ----------
    params : dict
        ``U``, ``W``, ``b``, ``b_rec``.
    X_tm : ndarray of shape (T, N, n_in)
        Time-major inputs.
    lengths : ndarray of shape (N,)
        Steps of each sequence inside this window, non-increasing, in
        ``[0, T]``.
    state0 : tuple of one ndarray of shape (N, n_hidden) or (n_hidden,)
        The state before the first step.
    activation : str
        Key of :data:`~skrnn._nn._activations.ACTIVATIONS`: ψ of the candidate.

    Returns
    -------
    H_tm : ndarray of shape (T, N, n_hidden)
        The states; a finished sequence's state is held.
    final_state : tuple of one ndarray of shape (N, n_hidden)
        ``(H_tm[T - 1],)``: each sequence's state at its own last step.
    cache : dict
        What :func:`backward` needs.
    """
    U, W, b, b_rec = params["U"], params["W"], params["b"], params["b_rec"]
    T, N, n_in = X_tm.shape
    H = W.shape[0]
    dtype = W.dtype
    hbuf = np.empty((T + 1, N, H), dtype=dtype)
    hbuf[0] = state0[0]
    # gate-major weights, r and z halved: σ(a) = (1 + tanh(a / 2)) / 2
    U3 = np.array(_gate_major(U, H), dtype=dtype)
    W3 = np.array(_gate_major(W, H), dtype=dtype)
    bias = (b + np.r_[b_rec[: 2 * H], np.zeros(H, dtype=dtype)]).reshape(3, 1, 1, H)
    for array in (U3, W3, bias):
        array[:2] *= 0.5
    # gates of every step: the input projection first, then r, z, n in place
    G = POOL.take((3, T, N, H), dtype)
    np.matmul(X_tm.reshape(T * N, n_in), U3, out=G.reshape(3, T * N, H))
    G += bias
    counts = active_counts(lengths, T, counts)
    # h_{t-1} W + b_rec of every step; its n block is kept for the backward pass
    RH = POOL.take((3, T, N, H), dtype)
    b_rec_n = b_rec[2 * H :]
    act = ACTIVATIONS[activation]
    tmp = np.empty((N, H), dtype=dtype)
    matmul, multiply, subtract, add, tanh = (
        np.matmul,
        np.multiply,
        np.subtract,
        np.add,
        np.tanh,
    )
    for t in range(T):
        k = N if counts is None else counts[t]
        if k:
            h_prev = hbuf[t, :k]
            matmul(h_prev, W3, RH[:, t, :k])
            hn = RH[2, t, :k]
            hn += b_rec_n
            rz = G[:2, t, :k]
            rz += RH[:2, t, :k]
            tanh(rz, rz)
            rz *= 0.5
            rz += 0.5
            n = G[2, t, :k]
            tk = tmp[:k]
            multiply(G[0, t, :k], hn, tk)
            n += tk
            act(n)
            # h_t = n + z (h_{t-1} - n)
            subtract(h_prev, n, tk)
            tk *= G[1, t, :k]
            add(n, tk, hbuf[t + 1, :k])
        if k < N:
            hbuf[t + 1, k:] = hbuf[t, k:]  # finished sequences hold their state
            RH[:, t, k:] = 0  # keeps the backward pass's factors finite there
    cache = Cache(
        X_tm=X_tm, hbuf=hbuf, G=G, RH=RH, counts=counts, activation=activation
    )
    POOL.hold(cache, G, RH)
    return hbuf[1:], (hbuf[T],), cache


def backward(params, cache, dH_tm, d_final_state, grads, need_dX=True):
    """Backpropagate through time.

    Parameters
    ----------
    params : dict
        ``U``, ``W``, ``b``, ``b_rec`` as used in :func:`forward`.
    cache : dict
        From :func:`forward` (left unchanged).
    dH_tm : ndarray of shape (T, N, n_hidden) or None
        Gradient of the loss with respect to ``H_tm`` (None: zero).
    d_final_state : tuple or None
        Gradient with respect to the final state (None entries: zero).
    grads : dict
        Arrays ``U``, ``W``, ``b``, ``b_rec`` that receive the parameter
        gradients (overwritten).
    need_dX : bool, default=True
        Whether to compute the gradient with respect to the inputs.

    Returns
    -------
    dX_tm : ndarray of shape (T, N, n_in) or None
        Gradient with respect to ``X_tm`` (None unless ``need_dX``).
    d_state0 : tuple of one ndarray of shape (N, n_hidden)
        Gradient with respect to ``state0``.
    """
    U, W = params["U"], params["W"]
    X_tm, hbuf, G, RH = cache["X_tm"], cache["hbuf"], cache["G"], cache["RH"]
    counts = cache["counts"]
    T, N, n_in = X_tm.shape
    H = W.shape[0]
    dtype = W.dtype
    H_prev = hbuf[:T]
    R, Z, Nc = G
    # Factors of the per-step gradients, for all steps at once (g = dL/dh_t):
    #   dL/dn_pre = g (1 - z) ψ'(n)                              -> DN
    #   dL/dz_pre = g z (1 - z) (h_{t-1} - n)                    -> D[1]
    #   dL/dr_pre = dL/dn_pre r (1 - r) (h_{t-1} W_n + b'_n)     -> D[0]
    #   dL/d(h_{t-1} W_n + b'_n) = dL/dn_pre r                   -> D[2]
    # The loop multiplies them by g or dL/dn_pre in place, so that D ends as
    # the gradient of the recurrent pre-activations, DN as that of n's.
    D = POOL.take((3, T, N, H), dtype)
    np.subtract(1, R, out=D[0])
    D[0] *= R
    D[0] *= RH[2]
    np.subtract(1, Z, out=D[1])
    D[1] *= Z
    diff = np.subtract(H_prev, Nc, out=POOL.take((T, N, H), dtype))
    D[1] *= diff
    D[2] = R
    DN = DERIVATIVES[cache["activation"]](Nc, POOL.take((T, N, H), dtype))
    np.subtract(1, Z, out=diff)
    DN *= diff
    POOL.give(diff)

    if d_final_state is None or d_final_state[0] is None:
        g = np.zeros((N, H), dtype=dtype)
    else:
        g = np.array(d_final_state[0], dtype=dtype, copy=True)
    W3T = np.ascontiguousarray(_gate_major(W, H).transpose(0, 2, 1))
    tmp = np.empty((N, H), dtype=dtype)
    back = np.empty((3, N, H), dtype=dtype)
    matmul, multiply, add = np.matmul, np.multiply, np.add
    for t in range(T - 1, -1, -1):
        # g: gradient reaching h_t from later steps (and the final state)
        if dH_tm is not None:
            g += dH_tm[t]
        k = N if counts is None else counts[t]
        if k < N:
            D[:, t, k:] = 0  # held states pass their gradient straight through
            DN[t, k:] = 0
        if k:
            gk = g[:k]
            dn = DN[t, :k]
            dn *= gk
            D[1, t, :k] *= gk
            D[::2, t, :k] *= dn  # r and the n-inner product
            tk = tmp[:k]
            multiply(gk, Z[t, :k], tk)
            bk = back[:, :k]
            matmul(D[:, t, :k], W3T, bk)
            add(tk, bk[0], gk)
            gk += bk[1]
            gk += bk[2]
    # weight gradients: one pass of [h_{t-1} | x_t | 1]^T over each gradient
    M = design_matrix(H_prev, X_tm)
    rz = np.matmul(M.T, D[:2].reshape(2, T * N, H))  # r, z: both sides alike
    n_rec = np.matmul(M.T, D[2].reshape(T * N, H))
    n_inp = np.matmul(M[:, H:].T, DN.reshape(T * N, H))
    POOL.give(M)
    dW, dU = _gate_major(grads["W"], H), _gate_major(grads["U"], H)
    db, db_rec = grads["b"].reshape(3, H), grads["b_rec"].reshape(3, H)
    dW[:2], dU[:2] = rz[:, :H], rz[:, H:-1]
    db[:2] = db_rec[:2] = rz[:, -1]
    dW[2], db_rec[2] = n_rec[:H], n_rec[-1]
    dU[2], db[2] = n_inp[:-1], n_inp[-1]
    dX_tm = None
    if need_dX:
        D[2] = DN  # D is now the gradient of the input pre-activations
        dX = input_gradient(D.reshape(3, T * N, H), _gate_major(U, H))
        dX_tm = dX.reshape(T, N, n_in)
    POOL.give(D, DN)
    return dX_tm, (g,)
