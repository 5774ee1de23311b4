"""The long short-term memory cell (LSTM): one layer's forward and backward.

PyTorch's equations and gate order (input i, forget f, cell candidate g,
output o), with row vectors::

    i_t = σ(x_t U_i + h_{t-1} W_i + b_i)
    f_t = σ(x_t U_f + h_{t-1} W_f + b_f)
    g_t = ψ(x_t U_g + h_{t-1} W_g + b_g)
    o_t = σ(x_t U_o + h_{t-1} W_o + b_o)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h_t = o_t ⊙ ψ(c_t)

σ is the logistic function and ψ the ``activation`` (tanh by default, as in
PyTorch, whose LSTM has no other); any hidden activation of
:data:`~skrnn._activations.ACTIVATIONS` is accepted for both the candidate
and the cell output, as Keras does, while the gates stay logistic.

The gates are stacked in the columns ``[i | f | g | o]``: ``U`` is
``(n_in, 4 n_hidden)`` (PyTorch's ``weight_ih_l{k}.T``), ``W`` is
``(n_hidden, 4 n_hidden)`` (``weight_hh_l{k}.T``) and ``b`` is
``(4 n_hidden,)``: PyTorch's two bias vectors only ever appear as their sum
``bias_ih_l{k} + bias_hh_l{k}``, so one is kept. The forget-gate bias starts
at 1 (Jozefowicz et al., 2015). The state is ``(h, c)``.

The interface is the one documented in :mod:`skrnn._elman`. The input
projection of every gate and step is one matrix product before the time loop;
each step makes one (batched) product ``h_{t-1} W`` for the four gates and
applies the gate non-linearities in place on views of one preallocated
buffer; after the loop one product of ``[h_{t-1} | x_t | 1]^T`` with the
gates' gradients gives every weight and bias gradient
(:func:`~skrnn._workspace.design_matrix`). Inside the kernels the gates are
stored gate-major, ``(4, T, N, n_hidden)``, in the order ``[o, i, f, g]``:
every element-wise operation of a step then works on contiguous blocks
(numpy is several times slower on the strided column blocks of a
``(N, 4 n_hidden)`` row), the three logistic gates are one block and the
three gates driven by the cell's gradient (i, f, g) another. The gates use
σ(a) = (1 + tanh(a / 2)) / 2 with the halving folded into the weights,
because ``np.tanh`` is an order of magnitude faster than
``scipy.special.expit``; with ψ = tanh one call covers all four gates. The
large buffers come from :data:`~skrnn._workspace.POOL`. Variable lengths are
masked as in the Elman cell: with lengths sorted in non-increasing order, the
first ``counts[t]`` sequences are running at step ``t`` and the others hold
their state ``(h, c)``.
"""

import numpy as np

from ._activations import ACTIVATIONS, DERIVATIVES
from ._elman import active_counts, glorot_uniform, orthogonal
from ._workspace import POOL, Cache, design_matrix, input_gradient

__all__ = [
    "STATE_NAMES",
    "WEIGHT_NAMES",
    "BIAS_NAMES",
    "param_shapes",
    "init_layer",
    "forward",
    "backward",
]

STATE_NAMES = ("h", "c")
WEIGHT_NAMES = ("U", "W")
BIAS_NAMES = ("b",)


#: The kernels' gate order [o, i, f, g] as indices of the parameters' [i, f, g, o].
_ORDER = np.array([3, 0, 1, 2])


def _gate_major(M, n_hidden):
    """``(rows, 4 H)`` columns ``[i | f | g | o]`` as ``(4, rows, H)`` in kernel order.

    A copy (the gate axis is reordered).
    """
    return M.reshape(M.shape[0], 4, n_hidden)[:, _ORDER].transpose(1, 0, 2)


def param_shapes(n_in, n_hidden):
    """Shapes of the layer's parameters: ``U``, ``W``, ``b``."""
    G = 4 * n_hidden
    return {"U": (n_in, G), "W": (n_hidden, G), "b": (G,)}


def init_layer(n_in, n_hidden, rng, dtype=np.float64):
    """Glorot-uniform input and orthogonal recurrent blocks per gate.

    Each gate's ``(n_in, n_hidden)`` input block is Glorot uniform and each
    ``(n_hidden, n_hidden)`` recurrent block orthogonal; the biases are zero
    except the forget gate's, which is 1 so that the cell remembers from the
    start (Jozefowicz et al., 2015).
    """
    b = np.zeros(4 * n_hidden, dtype=dtype)
    b[n_hidden : 2 * n_hidden] = 1
    return {
        "U": np.hstack([glorot_uniform(n_in, n_hidden, rng, dtype) for _ in "ifgo"]),
        "W": np.hstack([orthogonal(n_hidden, n_hidden, rng, dtype) for _ in "ifgo"]),
        "b": b,
    }


def forward(params, X_tm, lengths, state0, activation):
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
    state0 : tuple of two ndarrays of shape (N, n_hidden) or (n_hidden,)
        ``(h0, c0)``, the state before the first step.
    activation : str
        Key of :data:`~skrnn._activations.ACTIVATIONS`: ψ of the candidate
        and of the cell output.

    Returns
    -------
    H_tm : ndarray of shape (T, N, n_hidden)
        The outputs h; a finished sequence's state is held.
    final_state : tuple of two ndarrays of shape (N, n_hidden)
        ``(h, c)`` of each sequence at its own last step.
    cache : dict
        What :func:`backward` needs.
    """
    U, W, b = params["U"], params["W"], params["b"]
    T, N, n_in = X_tm.shape
    H = W.shape[0]
    dtype = W.dtype
    hbuf = np.empty((T + 1, N, H), dtype=dtype)
    cbuf = POOL.take((T + 1, N, H), dtype)
    hbuf[0] = state0[0]
    cbuf[0] = state0[1]
    # gate-major weights, o, i, f halved: σ(a) = (1 + tanh(a / 2)) / 2
    U4 = np.ascontiguousarray(_gate_major(U, H))
    W4 = np.ascontiguousarray(_gate_major(W, H))
    bias = b.reshape(4, H)[_ORDER].reshape(4, 1, 1, H)
    for array in (U4, W4, bias):
        array[:3] *= 0.5
    # gates of every step: the input projection first, then o, i, f, g in place
    A = POOL.take((4, T, N, H), dtype)
    np.matmul(X_tm.reshape(T * N, n_in), U4, out=A.reshape(4, T * N, H))
    A += bias
    O, I, F, Gc = A
    counts = active_counts(lengths, T)
    TC = POOL.take((T, N, H), dtype)  # ψ(c_t)
    act = ACTIVATIONS[activation]
    # ψ = tanh (the default): one call for all four gates, and ψ(c) is
    # written straight into TC
    fused = act is ACTIVATIONS["tanh"]
    n_tanh = 4 if fused else 3
    rec = np.empty((4, N, H), dtype=dtype)
    tmp = np.empty((N, H), dtype=dtype)
    matmul, multiply, copyto, tanh = np.matmul, np.multiply, np.copyto, np.tanh
    for t in range(T):
        k = N if counts is None else counts[t]
        if k:
            rk = rec[:, :k]
            matmul(hbuf[t, :k], W4, rk)
            a = A[:, t, :k]
            a += rk
            z = A[:n_tanh, t, :k]
            tanh(z, z)
            s = A[:3, t, :k]
            s *= 0.5
            s += 0.5
            g = Gc[t, :k]
            if not fused:
                act(g)
            c = cbuf[t + 1, :k]
            multiply(F[t, :k], cbuf[t, :k], c)
            tk = tmp[:k]
            multiply(I[t, :k], g, tk)
            c += tk
            tc = TC[t, :k]
            if fused:
                tanh(c, tc)
            else:
                copyto(tc, c)
                act(tc)
            multiply(O[t, :k], tc, hbuf[t + 1, :k])
        if k < N:
            hbuf[t + 1, k:] = hbuf[t, k:]  # finished sequences hold their state
            cbuf[t + 1, k:] = cbuf[t, k:]
            TC[t, k:] = 0  # keeps the backward pass's factors finite there
    cache = Cache(
        X_tm=X_tm,
        hbuf=hbuf,
        cbuf=cbuf,
        A=A,
        TC=TC,
        counts=counts,
        activation=activation,
    )
    POOL.hold(cache, cbuf, A, TC)
    return hbuf[1:], (hbuf[T], cbuf[T].copy()), cache


def backward(params, cache, dH_tm, d_final_state, grads, need_dX=True):
    """Backpropagate through time.

    Parameters
    ----------
    params : dict
        ``U``, ``W``, ``b`` as used in :func:`forward`.
    cache : dict
        From :func:`forward` (left unchanged).
    dH_tm : ndarray of shape (T, N, n_hidden) or None
        Gradient of the loss with respect to ``H_tm`` (None: zero).
    d_final_state : tuple or None
        Gradient with respect to the final ``(h, c)`` (None entries: zero).
    grads : dict
        Arrays ``U``, ``W``, ``b`` that receive the parameter gradients
        (overwritten).
    need_dX : bool, default=True
        Whether to compute the gradient with respect to the inputs.

    Returns
    -------
    dX_tm : ndarray of shape (T, N, n_in) or None
        Gradient with respect to ``X_tm`` (None unless ``need_dX``).
    d_state0 : tuple of two ndarrays of shape (N, n_hidden)
        Gradient with respect to ``(h0, c0)``.
    """
    U, W = params["U"], params["W"]
    X_tm, hbuf, cbuf = cache["X_tm"], cache["hbuf"], cache["cbuf"]
    A, TC, counts = cache["A"], cache["TC"], cache["counts"]
    T, N, n_in = X_tm.shape
    H = W.shape[0]
    dtype = W.dtype
    O, I, F, Gc = A
    derivative = DERIVATIVES[cache["activation"]]
    # Factors of the per-step gradients, for all steps at once; with
    # gh = dL/dh_t and gc = dL/dc_t (gc += gh o ψ'(ψ(c))):
    #   dL/do_pre = gh · o (1 - o) ψ(c_t)     dL/di_pre = gc · i (1 - i) g
    #   dL/df_pre = gc · f (1 - f) c_{t-1}    dL/dg_pre = gc · ψ'(g) i
    # The loop multiplies them by gh or gc in place, so D ends as the gradient
    # of the gate pre-activations (kernel order [o, i, f, g]).
    D = POOL.take((4, T, N, H), dtype)
    np.subtract(1, A[:3], out=D[:3])
    D[:3] *= A[:3]
    D[0] *= TC
    D[1] *= Gc
    D[2] *= cbuf[:T]
    derivative(Gc, D[3])
    D[3] *= I
    Q = derivative(TC, POOL.take((T, N, H), dtype))
    Q *= O  # dh_t/dc_t

    def initial(j):
        if d_final_state is None or d_final_state[j] is None:
            return np.zeros((N, H), dtype=dtype)
        return np.array(d_final_state[j], dtype=dtype, copy=True)

    gh, gc = initial(0), initial(1)
    W4T = np.ascontiguousarray(_gate_major(W, H).transpose(0, 2, 1))
    tmp = np.empty((N, H), dtype=dtype)
    back = np.empty((4, N, H), dtype=dtype)
    matmul, multiply, add = np.matmul, np.multiply, np.add
    for t in range(T - 1, -1, -1):
        if dH_tm is not None:
            gh += dH_tm[t]
        k = N if counts is None else counts[t]
        if k < N:
            D[:, t, k:] = 0  # held states pass their gradient straight through
        if k:
            ghk, gck, tk = gh[:k], gc[:k], tmp[:k]
            multiply(ghk, Q[t, :k], tk)
            gck += tk
            D[0, t, :k] *= ghk
            D[1:, t, :k] *= gck
            gck *= F[t, :k]
            bk = back[:, :k]
            matmul(D[:, t, :k], W4T, bk)
            add(bk[0], bk[1], ghk)
            ghk += bk[2]
            ghk += bk[3]
    # weight gradients: one pass of [h_{t-1} | x_t | 1]^T over the gradient
    D4 = D.reshape(4, T * N, H)
    M = design_matrix(hbuf[:T], X_tm)
    R = np.matmul(M.T, D4)  # kernel gate order
    POOL.give(M, Q)
    grads["W"].reshape(H, 4, H)[:, _ORDER] = R[:, :H].transpose(1, 0, 2)
    grads["U"].reshape(n_in, 4, H)[:, _ORDER] = R[:, H:-1].transpose(1, 0, 2)
    grads["b"].reshape(4, H)[_ORDER] = R[:, -1]
    dX_tm = None
    if need_dX:
        dX_tm = input_gradient(D4, _gate_major(U, H)).reshape(T, N, n_in)
    POOL.give(D)
    return dX_tm, (gh, gc)
