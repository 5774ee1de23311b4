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
:data:`~skrnn._nn._activations.ACTIVATIONS` is accepted for both the candidate
and the cell output, as Keras does, while the gates stay logistic.

The gates are stacked in the columns ``[i | f | g | o]``: ``U`` is
``(n_in, 4 n_hidden)`` (PyTorch's ``weight_ih_l{k}.T``), ``W`` is
``(n_hidden, 4 n_hidden)`` (``weight_hh_l{k}.T``) and ``b`` is
``(4 n_hidden,)``: PyTorch's two bias vectors only ever appear as their sum
``bias_ih_l{k} + bias_hh_l{k}``, so one is kept. The forget-gate bias starts
at 1 (Jozefowicz et al., 2015). The state is ``(h, c)``.

The interface is the one documented in :mod:`skrnn._nn._elman`. Each step is
one (batched) product: the step's rows ``[h_{t-1} | x_t | 1]`` times the
stacked weights ``[W; U; b]`` give the four gates' pre-activations, so the
input projection and the bias ride in the recurrent product (on W2 of
``benchmarks/bench_rnn_gated.py`` its 5 extra columns cost about 3 %) instead
of two passes over the gates of every step (adding the bias to a projection
made before the loop, then each step's ``h_{t-1} W`` to it). The rows of all
steps are one buffer ``P``, ``(T + 1, N, n_hidden + n_in + 1)`` padded with
zero columns to a multiple of 8 (OpenBLAS runs the weight-gradient product
about 7 % faster at 72 columns than at 69): ``P[t + 1, :, :n_hidden]`` is
the output ``h_t``, and ``P`` is the design matrix of the weight gradients:
they are ``P^T`` times the gates' gradients, summed from parts of about an
eighth of the steps each. The backward loop runs from the last step to the
first, and a part is handed to :func:`~skrnn._nn._runtime.submit` as soon as the
loop has finished its steps, so that when a fit allows two threads the
product runs beside the loop (on W2, 1024 sequences x 64 steps with 64 units,
about a tenth of an LSTM epoch saved); the first steps' part is the caller's.

Inside the kernels the gates are stored gate-major, ``(4, T, N, n_hidden)``,
in the order ``[o, i, f, g]``: every element-wise operation of a step works on
contiguous ``(N, n_hidden)`` blocks (numpy is several times slower on the
strided column blocks of a ``(N, 4 n_hidden)`` row), the three logistic gates
are one block and the three gates driven by the cell's gradient (i, f, g)
another. The per-step products are batched over the gates: four products of
``n_hidden`` columns stay under OpenBLAS's small-matrix threshold
(M N K <= 100^3) and take 15 µs on W2 against 20 µs for one product of
``4 n_hidden`` columns, forward and backward alike (where the three additions
of the gates' contributions cost less than the difference). The gates use
σ(a) = (1 + tanh(a / 2)) / 2 with the halving folded into the weights,
because ``np.tanh`` is an order of magnitude faster than
``scipy.special.expit``; with ψ = tanh one call covers all four gates. The
backward pass computes the factors of the gates' gradients, vectorised over
steps, in blocks of ``_BLOCK`` steps just before its loop reaches them, so
that they are still in cache when the loop multiplies them. The large
buffers come from :data:`~skrnn._nn._workspace.POOL`.

Variable lengths are masked as in the Elman cell: with lengths sorted in
non-increasing order, the first ``counts[t]`` sequences are running at step
``t`` and the others hold their state ``(h, c)``. The time loops run over
segments of steps with the same number of running sequences
(:func:`_segments`), so that a step indexes nothing but time.
"""

import numpy as np

from ._activations import ACTIVATIONS, DERIVATIVES
from ._cellmath import active_counts, glorot_uniform, input_gradient, orthogonal
from ._runtime import submit
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

STATE_NAMES = ("h", "c")
WEIGHT_NAMES = ("U", "W")
BIAS_NAMES = ("b",)


#: The kernels' gate order [o, i, f, g] as indices of the parameters' [i, f, g, o].
_ORDER = np.array([3, 0, 1, 2])

#: Steps whose gradient factors the backward pass computes together (in cache).
_BLOCK = 8

#: The weight-gradient product is split in parts of about an eighth of the
#: steps, each of at least this many rows (steps x sequences), so that a part
#: is worth handing to the helper thread (:mod:`skrnn._nn._runtime`).
_PARTS = 8
_PART_ROWS = 512


def _gate_major(M, n_hidden):
    """``(rows, 4 H)`` columns ``[i | f | g | o]`` as ``(4, rows, H)`` in kernel order.

    A copy (the gate axis is reordered).
    """
    return M.reshape(M.shape[0], 4, n_hidden)[:, _ORDER].transpose(1, 0, 2)


def _segments(counts, N, T, block):
    """Runs ``(t0, t1, k)`` of at most ``block`` steps with ``k`` sequences running.

    ``counts`` is from :func:`~skrnn._nn._cellmath.active_counts` (None: all ``N``
    run at every step). Within a run the time loops index nothing but time.
    """
    starts = set(range(0, T, block))
    if counts is not None:
        starts.update(t for t in range(1, T) if counts[t] != counts[t - 1])
    starts = sorted(starts)
    return [
        (t0, t1, N if counts is None else counts[t0])
        for t0, t1 in zip(starts, starts[1:] + [T], strict=True)
    ]


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
    state0 : tuple of two ndarrays of shape (N, n_hidden) or (n_hidden,)
        ``(h0, c0)``, the state before the first step.
    activation : str
        Key of :data:`~skrnn._nn._activations.ACTIVATIONS`: ψ of the candidate
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
    K = H + n_in + 1
    width = -(-K // 8) * 8
    dtype = W.dtype
    # P[t] = [h_{t-1} | x_t | 1 | 0 …]; the outputs h_t are P[t + 1, :, :H]
    P = np.empty((T + 1, N, width), dtype=dtype)
    P[0, :, :H] = state0[0]
    P[:T, :, H : K - 1] = X_tm
    P[:T, :, K - 1] = 1
    P[:T, :, K:] = 0
    cbuf = POOL.take((T + 1, N, H), dtype)
    cbuf[0] = state0[1]
    # [W; U; b] gate-major, o, i, f halved: σ(a) = (1 + tanh(a / 2)) / 2
    V = np.zeros((4, width, H), dtype=dtype)
    V[:, :H] = _gate_major(W, H)
    V[:, H : K - 1] = _gate_major(U, H)
    V[:, K - 1] = b.reshape(4, H)[_ORDER]
    V[:3] *= 0.5
    A = POOL.take((4, T, N, H), dtype)  # the gates o, i, f, g of every step
    counts = active_counts(lengths, T, counts)
    TC = POOL.take((T, N, H), dtype)  # ψ(c_t)
    act = ACTIVATIONS[activation]
    # ψ = tanh (the default): one call for all four gates, and ψ(c) is
    # written straight into TC
    fused = act is ACTIVATIONS["tanh"]
    n_tanh = 4 if fused else 3
    tmp = np.empty((N, H), dtype=dtype)
    half = np.array(0.5, dtype=dtype)  # a 0-d array is the cheapest scalar operand
    matmul, multiply, add, tanh = np.matmul, np.multiply, np.add, np.tanh

    def psi(x, out):  # ψ(x) written into out
        np.copyto(out, x)
        act(out)

    if fused:
        psi = tanh
    for t0, t1, k in _segments(counts, N, T, max(T, 1)):
        tk = tmp[:k]
        steps = zip(
            A[:, t0:t1, :k].swapaxes(0, 1),  # the step's gates
            P[t0:t1, :k],  # [h_{t-1} | x_t | 1]
            P[t0 + 1 : t1 + 1, :k, :H],  # h_t
            cbuf[t0:t1, :k],  # c_{t-1}
            cbuf[t0 + 1 : t1 + 1, :k],  # c_t
            TC[t0:t1, :k],  # ψ(c_t)
            strict=True,
        )
        for a, p, h, c_prev, c, tc in steps:
            matmul(p, V, a)
            z = a[:n_tanh]
            tanh(z, z)
            s = a[:3]
            multiply(s, half, s)
            add(s, half, s)
            if not fused:
                act(a[3])
            multiply(a[2], c_prev, c)
            multiply(a[1], a[3], tk)
            c += tk
            psi(c, tc)
            multiply(a[0], tc, h)
        if k < N:  # finished sequences hold their state
            P[t0 + 1 : t1 + 1, k:, :H] = P[t0, k:, :H]
            cbuf[t0 + 1 : t1 + 1, k:] = cbuf[t0, k:]
            A[:, t0:t1, k:] = 0  # keeps the backward pass's factors finite there
            TC[t0:t1, k:] = 0
    cache = Cache(
        X_tm=X_tm,
        P=P,
        cbuf=cbuf,
        A=A,
        TC=TC,
        counts=counts,
        activation=activation,
    )
    POOL.hold(cache, cbuf, A, TC)
    return P[1:, :, :H], (P[T, :, :H], cbuf[T].copy()), cache


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
    X_tm, P, cbuf = cache["X_tm"], cache["P"], cache["cbuf"]
    A, TC, counts = cache["A"], cache["TC"], cache["counts"]
    T, N, n_in = X_tm.shape
    H = W.shape[0]
    dtype = W.dtype
    F = A[2]
    derivative = DERIVATIVES[cache["activation"]]
    # Factors of the per-step gradients; with gh = dL/dh_t and gc = dL/dc_t
    # (gc += gh · Q, Q = o ψ'(ψ(c_t))):
    #   dL/do_pre = gh · o (1 - o) ψ(c_t)     dL/di_pre = gc · i (1 - i) g
    #   dL/df_pre = gc · f (1 - f) c_{t-1}    dL/dg_pre = gc · ψ'(g) i
    # The loop multiplies them by gh or gc in place, so D ends as the gradient
    # of the gate pre-activations (kernel order [o, i, f, g]).
    D = POOL.take((4, T, N, H), dtype)
    Q = np.empty((_BLOCK, N, H), dtype=dtype)

    def factors(t0, t1):
        """Write the factors of steps ``t0 … t1 - 1`` into D; return their Q."""
        d, a, tc = D[:, t0:t1], A[:, t0:t1], TC[t0:t1]
        np.subtract(1, a[:3], out=d[:3])
        d[:3] *= a[:3]
        d[0] *= tc
        d[1] *= a[3]
        d[2] *= cbuf[t0:t1]
        derivative(a[3], d[3])
        d[3] *= a[1]
        q = derivative(tc, Q[: t1 - t0])
        q *= a[0]
        return q

    def initial(j):
        if d_final_state is None or d_final_state[j] is None:
            return np.zeros((N, H), dtype=dtype)
        return np.array(d_final_state[j], dtype=dtype, copy=True)

    gh, gc = initial(0), initial(1)
    W4T = np.ascontiguousarray(_gate_major(W, H).transpose(0, 2, 1))
    tmp = np.empty((N, H), dtype=dtype)
    back = np.empty((4, N, H), dtype=dtype)
    matmul, multiply, add = np.matmul, np.multiply, np.add
    # the weight gradients, P^T D in kernel gate order, in parts: the steps
    # [t1, pending) go to the helper thread as soon as the loop is done with them
    width = P.shape[2]
    span = max(-(-T // _PARTS), -(-_PART_ROWS // N))
    parts = []
    pending = T

    def weight_product(a, b, out):
        P_ab = P[a:b].reshape((b - a) * N, width)
        np.matmul(P_ab.T, D[:, a:b].reshape(4, (b - a) * N, H), out=out)

    for t0, t1, k in reversed(_segments(counts, N, T, _BLOCK)):
        if pending - t1 >= span:
            out = np.empty((4, width, H), dtype=dtype)
            parts.append((out, submit(weight_product, t1, pending, out)))
            pending = t1
        q = factors(t0, t1)
        if k < N:
            D[:, t0:t1, k:] = 0  # held states pass their gradient straight through
        ghk, gck, tk, bk = gh[:k], gc[:k], tmp[:k], back[:, :k]
        steps = zip(  # last step first
            [None] * (t1 - t0) if dH_tm is None else dH_tm[t0:t1][::-1],
            D[:, t0:t1, :k].swapaxes(0, 1)[::-1],  # the step's gate factors
            q[:, :k][::-1],
            F[t0:t1, :k][::-1],  # the forget gate
            strict=True,
        )
        for dh, d, q_t, f in steps:
            if dh is not None:  # the gradient reaching h_t from above
                gh += dh
            multiply(ghk, q_t, tk)
            gck += tk
            d[0] *= ghk
            d[1:] *= gck
            gck *= f
            matmul(d, W4T, bk)
            add(bk[0], bk[1], ghk)
            ghk += bk[2]
            ghk += bk[3]
    R = np.empty((4, width, H), dtype=dtype)
    weight_product(0, pending, R)
    for out, done in parts:  # in a fixed order: the same sums with or without
        done.result()  # the helper thread
        R += out
    K = H + n_in + 1
    grads["W"].reshape(H, 4, H)[:, _ORDER] = R[:, :H].transpose(1, 0, 2)
    grads["U"].reshape(n_in, 4, H)[:, _ORDER] = R[:, H : K - 1].transpose(1, 0, 2)
    grads["b"].reshape(4, H)[_ORDER] = R[:, K - 1]
    dX_tm = None
    if need_dX:
        D4 = D.reshape(4, T * N, H)
        dX_tm = input_gradient(D4, _gate_major(U, H)).reshape(T, N, n_in)
    POOL.give(D)
    return dX_tm, (gh, gc)
