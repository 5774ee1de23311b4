"""What every cell needs: initialisers, ragged-batch counts, shared gated math.

The cells (:mod:`~skrnn._nn._elman`, :mod:`~skrnn._nn._gru`,
:mod:`~skrnn._nn._lstm`), the encoder–decoder kernel and the NARX kernels
take these from here, so no cell imports another.

A batch of sequences of different lengths is sorted longest first once
(:class:`~skrnn._data.SequenceBatch` keeps the order); the sequences still
running at step ``t`` are then the first ``counts[t]`` ones, which is how
every time loop skips the finished ones without a mask.
"""

import numpy as np

from ._workspace import POOL

__all__ = [
    "glorot_uniform",
    "orthogonal",
    "running_counts",
    "active_counts",
    "chunk_counts",
    "design_matrix",
    "input_gradient",
]


def glorot_uniform(n_in, n_out, rng, dtype=np.float64):
    """Glorot (Xavier) uniform matrix ``(n_in, n_out)``: U(±√(6/(n_in+n_out)))."""
    bound = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-bound, bound, (n_in, n_out)).astype(dtype, copy=False)


def orthogonal(n_rows, n_cols, rng, dtype=np.float64):
    """A random matrix with orthonormal rows or columns (Saxe et al., 2014)."""
    a = rng.standard_normal((max(n_rows, n_cols), min(n_rows, n_cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))  # uniform over the orthogonal group
    if n_rows < n_cols:
        q = q.T
    return np.ascontiguousarray(q, dtype=dtype)


def running_counts(lengths, n_steps):
    """Number of sequences still running at each of ``n_steps`` steps.

    ``lengths`` must be sorted in non-increasing order, so the sequences
    running at step ``t`` are the first ``counts[t]`` ones.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._cellmath import running_counts
    >>> running_counts(np.array([4, 2, 2, 1]), 5)
    [4, 3, 1, 1, 0]
    """
    lengths = np.asarray(lengths)
    return np.searchsorted(-lengths, -np.arange(n_steps), side="left").tolist()


def active_counts(lengths, T, counts=None):
    """Number of sequences still running at each step, or None if all are.

    ``lengths`` must be sorted in non-increasing order, so the running
    sequences at step ``t`` are the first ``counts[t]`` ones. ``counts``,
    when given, are those counts already computed for the whole batch (once
    per batch, by the caller of a stack of layers; see :func:`chunk_counts`).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._cellmath import active_counts
    >>> active_counts(np.array([4, 2]), 4), active_counts(np.array([4, 4]), 4)
    ([2, 2, 1, 1], None)
    """
    n = len(lengths)
    if counts is not None:
        return None if n == 0 or counts[-1] >= n else counts
    if n == 0 or lengths[n - 1] >= T:
        return None
    return running_counts(lengths, T)


def chunk_counts(counts, t0, t1):
    """The running counts of steps ``t0:t1``: a chunk of the batch's counts.

    Examples
    --------
    >>> from skrnn._nn._cellmath import chunk_counts
    >>> chunk_counts([4, 3, 1, 1, 0], 1, 3)
    [3, 1]
    """
    return counts[t0:t1]


def design_matrix(H_prev, X_tm):
    """``[h_{t-1} | x_t | 1]`` of every step as one ``(T N, H + n_in + 1)`` matrix.

    One product of its transpose with the gradient of a gate's pre-activations
    gives that gate's recurrent weight, input weight and bias gradients in a
    single pass over the (large) gradient buffer. The matrix comes from
    :data:`~skrnn._nn._workspace.POOL`: give it back when done.
    """
    T, N, H = H_prev.shape
    n_in = X_tm.shape[2]
    Z = POOL.take((T * N, H + n_in + 1), H_prev.dtype)
    Z[:, :H] = H_prev.reshape(T * N, H)
    Z[:, H:-1] = X_tm.reshape(T * N, n_in)
    Z[:, -1] = 1
    return Z


def input_gradient(D, U_gates):
    """``Σ_j D[j] @ U_gates[j].T``: the gradient reaching the inputs (a new array).

    ``D`` is ``(n_gates, T N, H)``, ``U_gates`` ``(n_gates, n_in, H)``.
    """
    dX = np.matmul(D[0], U_gates[0].T)
    tmp = POOL.take(dX.shape, dX.dtype)
    for j in range(1, len(D)):
        np.matmul(D[j], U_gates[j].T, out=tmp)
        dX += tmp
    POOL.give(tmp)
    return dX
