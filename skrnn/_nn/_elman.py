"""The Elman (simple recurrent) cell: one layer's forward and backward in time.

    h_t = ψ(x_t U + h_{t-1} W + b)

with row vectors, so ``U`` is ``(n_in, n_hidden)``, ``W`` is
``(n_hidden, n_hidden)`` and ``b`` is ``(n_hidden,)``.

Every cell module (``_elman``, and the gated cells that follow it) offers the
same interface, which :mod:`skrnn._nn._stack` drives through its ``CELLS``
table:

``STATE_NAMES``
    Names of the state arrays carried from step to step, e.g. ``("h",)``;
    a state is a tuple of ``(n_sequences, n_hidden)`` arrays in this order.
``WEIGHT_NAMES``, ``BIAS_NAMES``
    Keys of the parameter dict; weights are penalised by ``alpha``, biases
    are not.
``param_shapes(n_in, n_hidden) -> dict``
    Shape of every parameter, keyed by name.
``init_layer(n_in, n_hidden, rng, dtype) -> dict``
    Freshly initialised parameters.
``forward(params, X_tm, lengths, state0, activation)``
    ``-> (H_tm, final_state, cache)``. ``X_tm`` is time-major
    ``(T, N, n_in)``; ``lengths`` are sorted in non-increasing order and
    clipped to ``[0, T]``; past its length a sequence's state is held, so
    ``final_state`` is each sequence's state at its own last step and
    ``H_tm[t]`` equals it for every padded ``t``.
``backward(params, cache, dH_tm, d_final_state, grads, need_dX=True)``
    ``-> (dX_tm, d_state0)``. ``dH_tm`` (or None) is the gradient reaching
    ``H_tm`` from above, ``d_final_state`` (a tuple whose entries may be
    None, or None) the gradient reaching the final state. The parameter
    gradients are *written* into the arrays of the dict ``grads`` (views of
    one flat gradient vector).

The input projection of all steps is one matrix product before the time loop
and the weight gradients one matrix product each after it; the loop only holds
the recurrent product and element-wise work on preallocated time-major
buffers.
"""

import numpy as np

from ._activations import ACTIVATIONS, DERIVATIVES
from ._cellmath import active_counts, glorot_uniform, orthogonal

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
BIAS_NAMES = ("b",)


# --------------------------------------------------------------------------
# The cell
# --------------------------------------------------------------------------


def param_shapes(n_in, n_hidden):
    """Shapes of the layer's parameters: ``U``, ``W``, ``b``."""
    return {"U": (n_in, n_hidden), "W": (n_hidden, n_hidden), "b": (n_hidden,)}


def init_layer(n_in, n_hidden, rng, dtype=np.float64):
    """Glorot-uniform ``U``, orthogonal ``W``, zero ``b``."""
    return {
        "U": glorot_uniform(n_in, n_hidden, rng, dtype),
        "W": orthogonal(n_hidden, n_hidden, rng, dtype),
        "b": np.zeros(n_hidden, dtype=dtype),
    }


def forward(params, X_tm, lengths, state0, activation, counts=None):
    """Run the layer over time.

    Parameters
    ----------
    params : dict
        ``U``, ``W``, ``b``.
    X_tm : ndarray of shape (T, N, n_in)
        Time-major inputs.
    lengths : ndarray of shape (N,)
        Steps of each sequence inside this window, non-increasing, in
        ``[0, T]``.
    state0 : tuple of one ndarray of shape (N, n_hidden) or (n_hidden,)
        The state before the first step.
    activation : str
        Key of :data:`~skrnn._nn._activations.ACTIVATIONS`.

    Returns
    -------
    H_tm : ndarray of shape (T, N, n_hidden)
        The states; a finished sequence's state is held.
    final_state : tuple of one ndarray of shape (N, n_hidden)
        ``(H_tm[T - 1],)``: each sequence's state at its own last step.
    cache : dict
        What :func:`backward` needs.
    """
    U, W, b = params["U"], params["W"], params["b"]
    T, N, n_in = X_tm.shape
    n_hidden = W.shape[0]
    buf = np.empty((T + 1, N, n_hidden), dtype=W.dtype)
    buf[0] = state0[0]
    H_tm = buf[1:]
    # input projection of every step at once: P_t = x_t U + b, written in place
    np.matmul(X_tm.reshape(T * N, n_in), U, out=H_tm.reshape(T * N, n_hidden))
    H_tm += b
    act = ACTIVATIONS[activation]
    counts = active_counts(lengths, T, counts)
    tmp = np.empty((N, n_hidden), dtype=W.dtype)
    dot = np.dot  # a little leaner than matmul for these small products
    if counts is None:
        for t in range(T):
            z = buf[t + 1]
            dot(buf[t], W, out=tmp)
            z += tmp
            act(z)
    else:
        for t in range(T):
            k = counts[t]
            z, h_prev = buf[t + 1], buf[t]
            if k:
                zk = z[:k]
                dot(h_prev[:k], W, out=tmp[:k])
                zk += tmp[:k]
                act(zk)
            if k < N:
                z[k:] = h_prev[k:]  # finished sequences hold their state
    cache = {
        "X_tm": X_tm,
        "buf": buf,
        "counts": counts,
        "activation": activation,
    }
    return H_tm, (buf[T],), cache


def backward(params, cache, dH_tm, d_final_state, grads, need_dX=True):
    """Backpropagate through time.

    Parameters
    ----------
    params : dict
        ``U``, ``W``, ``b`` as used in :func:`forward`.
    cache : dict
        From :func:`forward`.
    dH_tm : ndarray of shape (T, N, n_hidden) or None
        Gradient of the loss with respect to ``H_tm`` (None: zero).
    d_final_state : tuple or None
        Gradient with respect to the final state (None entries: zero).
    grads : dict
        Arrays ``U``, ``W``, ``b`` that receive the parameter gradients
        (overwritten).
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
    X_tm, buf, counts = cache["X_tm"], cache["buf"], cache["counts"]
    T, N, n_in = X_tm.shape
    n_hidden = W.shape[0]
    H_tm = buf[1:]
    # D holds ψ'(z_t) for every step, then (in place) dL/dz_t
    D = DERIVATIVES[cache["activation"]](H_tm, np.empty_like(H_tm))
    if d_final_state is None or d_final_state[0] is None:
        g = np.zeros((N, n_hidden), dtype=W.dtype)
    else:
        g = np.array(d_final_state[0], dtype=W.dtype, copy=True)
    WT = np.ascontiguousarray(W.T)  # a transposed view halves BLAS speed here
    dot = np.dot
    for t in range(T - 1, -1, -1):
        # g: gradient reaching h_t from later steps (and the final state)
        if dH_tm is not None:
            g += dH_tm[t]
        dz = D[t]
        k = N if counts is None else counts[t]
        if k == N:
            dz *= g
            dot(dz, WT, out=g)
        else:
            dz[k:] = 0  # held states pass their gradient straight through
            if k:
                dzk = dz[:k]
                dzk *= g[:k]
                dot(dzk, WT, out=g[:k])
    DZ = D.reshape(T * N, n_hidden)
    matmul = np.matmul
    matmul(X_tm.reshape(T * N, n_in).T, DZ, out=grads["U"])
    matmul(buf[:T].reshape(T * N, n_hidden).T, DZ, out=grads["W"])
    np.sum(DZ, axis=0, out=grads["b"])
    dX_tm = None
    if need_dX:
        dX_tm = matmul(DZ, U.T).reshape(T, N, n_in)
    return dX_tm, (g,)
