"""How a many-to-one network reads a sequence: its last state, or their mean.

With ``pooling="last"`` the output layer reads ``h^L`` at each sequence's own
last step; with ``pooling="mean"`` it reads the mean of the top layer's
states over the sequence's real steps,

    h̄ = (1 / T_i) Σ_{t < T_i} h^L_t,

padding never counted. The forward pass adds each chunk's real states to a
running sum (:func:`add_states`), so the mean of a sequence cut into chunks
(``bptt_steps``, blocked prediction) is the mean of the whole; its gradient
reaches every real step of the chunk being trained, ``∂h̄/∂h^L_t = 1/T_i``
(:func:`spread`).

This module imports numpy only.
"""

import numpy as np

__all__ = ["POOLINGS", "real_steps", "add_states", "spread"]

#: the ways a many-to-one output reads the sequence
POOLINGS = ("last", "mean")


def real_steps(run, n_steps, dtype):
    """``(n_steps, N)`` mask: 1 where step ``t`` is inside sequence ``n``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._pooling import real_steps
    >>> real_steps(np.array([3, 1]), 3, float).T
    array([[1., 1., 1.],
           [1., 0., 0.]])
    """
    return (np.arange(n_steps)[:, None] < run).astype(dtype)


def add_states(total, H_tm, run):
    """Add the states of the real steps of a chunk to ``total`` (in place).

    Parameters
    ----------
    total : ndarray of shape (N, width)
        The running sum, updated in place.
    H_tm : ndarray of shape (T_chunk, N, width)
        The top layer's states over the chunk.
    run : ndarray of shape (N,)
        Real steps of each sequence inside the chunk.
    """
    total += np.einsum("tn,tnw->nw", real_steps(run, len(H_tm), H_tm.dtype), H_tm)
    return total


def spread(d_mean, lengths, run, n_steps):
    """Gradient reaching the chunk's states from the gradient of the mean.

    Parameters
    ----------
    d_mean : ndarray of shape (N, width)
        Gradient of the loss with respect to the pooled state.
    lengths : ndarray of shape (N,)
        Whole lengths ``T_i`` (the mean's divisors).
    run : ndarray of shape (N,)
        Real steps of each sequence inside the chunk.
    n_steps : int
        Steps of the chunk.

    Returns
    -------
    ndarray of shape (n_steps, N, width)
        ``d_mean / T_i`` at every real step, 0 at padded steps.
    """
    scaled = d_mean / lengths[:, None].astype(d_mean.dtype)
    return real_steps(run, n_steps, d_mean.dtype)[:, :, None] * scaled[None]
