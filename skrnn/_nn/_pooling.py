"""How a many-to-one network reads a sequence: its last state, their mean or max.

With ``pooling="last"`` the output layer reads ``h^L`` at each sequence's own
last step; with ``pooling="mean"`` it reads the mean of the top layer's
states over the sequence's real steps,

    h̄ = (1 / T_i) Σ_{t < T_i} h^L_t,

and with ``pooling="max"`` their maximum, unit by unit,

    ĥ_j = max_{t < T_i} h^L_{t, j},

padding never counted. A pool is filled chunk by chunk (:meth:`Pool.add`),
so the pooled state of a sequence cut into chunks (``bptt_steps``, blocked
prediction) is that of the whole; and it can be handed from one call to the
next (:meth:`Pool.state`, ``state=``), so a stream cut into calls is read as
the whole sequence: ``(max,)`` carries the running maximum, ``(sum, steps)``
the running sum and the number of steps it holds. Its gradient reaches the real steps of
the chunk being trained (:meth:`Pool.spread`): ``∂h̄/∂h^L_t = 1/T_i`` for
the mean, and for the max the step that holds each unit's maximum (the
first such step), if it lies in that chunk.

This module imports numpy only.
"""

import numpy as np

__all__ = ["POOLINGS", "Pool", "is_pooled", "make_pool", "real_steps"]

#: the ways a many-to-one output reads the sequence
POOLINGS = ("last", "mean", "max")


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


class Pool:
    """The running mean or max of the top layer's states over real steps.

    Parameters
    ----------
    kind : {"mean", "max"}
    lengths : ndarray of shape (N,)
        Whole lengths ``T_i`` (the mean's divisors).
    width : int
        Width of the top layer's state.
    dtype : numpy dtype
    state : tuple of ndarray or None, default=None
        Where an earlier call left the pool (:meth:`state`), in the batch's
        row order: ``(max,)`` of shape ``(N, width)``, or ``(sum, steps)``
        of shapes ``(N, width)`` and ``(N, 1)``. None starts empty.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._pooling import Pool
    >>> H = np.array([[[1.0]], [[3.0]], [[2.0]]])  # (T=3, N=1, width=1)
    >>> pool = Pool("max", np.array([3]), 1, float)
    >>> pool.add(H[:2], np.array([2]), 0).add(H[2:], np.array([1]), 2).value()
    array([[3.]])
    >>> pool.spread(np.array([[1.0]]), np.array([2]), 0, 2)[:, 0, 0]
    array([0., 1.])
    """

    def __init__(self, kind, lengths, width, dtype, state=None):
        self.kind = kind
        N = len(lengths)
        self.where = np.zeros((N, width), dtype=np.intp)
        if kind == "mean":
            self.total = np.zeros((N, width), dtype=dtype)
            self.steps = lengths[:, None].astype(dtype)
            if state is not None:
                self.total += state[0]
                self.steps += state[1]
        else:
            self.total = np.full((N, width), -np.inf, dtype=dtype)
            if state is not None:
                self.total[...] = state[0]
                self.where[...] = -1  # before this call: no gradient

    def add(self, H_tm, run, t0):
        """Take in the states ``H_tm`` of the chunk starting at step ``t0``.

        Parameters
        ----------
        H_tm : ndarray of shape (T_chunk, N, width)
        run : ndarray of shape (N,)
            Real steps of each sequence inside the chunk.
        t0 : int
            The chunk's first step.

        Returns
        -------
        self
        """
        mask = real_steps(run, len(H_tm), H_tm.dtype)
        if self.kind == "mean":
            self.total += np.einsum("tn,tnw->nw", mask, H_tm)
            return self
        masked = np.where(mask[:, :, None] > 0, H_tm, -np.inf)
        step = np.argmax(masked, axis=0)
        best = np.take_along_axis(masked, step[None], axis=0)[0]
        better = best > self.total
        self.total[better] = best[better]
        self.where[better] = step[better] + t0
        return self

    def value(self):
        """The pooled state, ``(N, width)``."""
        if self.kind == "mean":
            return self.total / self.steps
        return self.total.copy()

    def state(self):
        """The pool to carry into a later call: ``(max,)`` or ``(sum, steps)``."""
        if self.kind == "mean":
            return (self.total.copy(), self.steps.copy())
        return (self.total.copy(),)

    def spread(self, d_pooled, run, t0, n_steps):
        """Gradient reaching the chunk's states from that of the pooled state.

        Parameters
        ----------
        d_pooled : ndarray of shape (N, width)
            Gradient of the loss with respect to :meth:`value`.
        run : ndarray of shape (N,)
            Real steps of each sequence inside the chunk.
        t0 : int
            The chunk's first step.
        n_steps : int
            Steps of the chunk.

        Returns
        -------
        ndarray of shape (n_steps, N, width)
            0 at padded steps and at steps that do not reach the pool.
        """
        if self.kind == "mean":
            scaled = d_pooled / self.steps
            return real_steps(run, n_steps, d_pooled.dtype)[:, :, None] * scaled[None]
        dH = np.zeros((n_steps,) + d_pooled.shape, dtype=d_pooled.dtype)
        local = self.where - t0
        n, w = np.nonzero((local >= 0) & (local < n_steps))
        dH[local[n, w], n, w] = d_pooled[n, w]
        return dH


def make_pool(pooling, return_sequences, lengths, width, dtype, state=None):
    """A :class:`Pool`, or None when the output reads the last state or every step."""
    if not is_pooled(pooling, return_sequences):
        return None
    return Pool(pooling, lengths, width, dtype, state)


def is_pooled(pooling, return_sequences):
    """Whether a many-to-one output reads a pool (which a state must carry)."""
    return not return_sequences and pooling != "last"
