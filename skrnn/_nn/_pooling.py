"""How a many-to-one network reads a sequence: its last state, their mean or max.

With ``pooling="last"`` the output layer reads ``h^L`` at each sequence's own
last step; with ``pooling="mean"`` it reads the mean of the top layer's
states over the sequence's real steps,

    h̄ = (1 / T_i) Σ_{t < T_i} h^L_t,

and with ``pooling="max"`` their maximum, unit by unit,

    ĥ_j = max_{t < T_i} h^L_{t, j},

padding never counted. A pool (:class:`MeanPool`, :class:`MaxPool`) is
filled chunk by chunk (``add``),
so the pooled state of a sequence cut into chunks (``bptt_steps``, blocked
prediction) is that of the whole; and it can be handed from one call to the
next (``state()``, ``state=``), so a stream cut into calls is read as
the whole sequence: ``(max,)`` carries the running maximum, ``(sum, steps)``
the running sum and the number of steps it holds. Its gradient reaches the real steps of
the chunk being trained (``spread``): ``∂h̄/∂h^L_t = 1/T_i`` for
the mean, and for the max the step that holds each unit's maximum (the
first such step), if it lies in that chunk.

This module imports numpy only.
"""

import numpy as np

__all__ = [
    "POOLINGS",
    "POOLS",
    "MaxPool",
    "MeanPool",
    "is_pooled",
    "make_pool",
    "real_steps",
]


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


_SHARED_PARAMETERS = """
    Parameters
    ----------
    lengths : ndarray of shape (N,)
        Real steps of each sequence in this call.
    width : int
        Width of the top layer's state.
    dtype : numpy dtype
    state : tuple of ndarray or None, default=None
        Where an earlier call left the pool (:meth:`state`), rows in the
        batch's order, named by ``STATE_NAMES``. None starts empty.
"""


class MeanPool:
    __doc__ = (
        """The running mean of the top layer's states over the real steps.

    Its state is ``(sum, steps)``: the sum of the states so far, of shape
    ``(N, width)``, and how many steps it holds, ``(N, 1)``.
"""
        + _SHARED_PARAMETERS
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._pooling import MeanPool
    >>> H = np.array([[[1.0]], [[3.0]], [[2.0]]])  # (T=3, N=1, width=1)
    >>> pool = MeanPool(np.array([3]), 1, float)
    >>> pool.add(H[:2], np.array([2]), 0).add(H[2:], np.array([1]), 2).value()
    array([[2.]])
"""
    )

    STATE_NAMES = ("sum", "steps")

    def __init__(self, lengths, width, dtype, state=None):
        self.total = np.zeros((len(lengths), width), dtype=dtype)
        self.steps = lengths[:, None].astype(dtype)
        if state is not None:
            self.total += state[0]
            self.steps += state[1]

    @staticmethod
    def state_shapes(n_sequences, width):
        """Shapes of the arrays of :meth:`state`."""
        return ((n_sequences, width), (n_sequences, 1))

    def add(self, H_tm, run, t0):
        """Take in the states ``H_tm`` ``(T_chunk, N, width)`` of a chunk.

        ``run`` holds each sequence's real steps inside the chunk, ``t0``
        the chunk's first step. Returns the pool.
        """
        self.total += np.einsum(
            "tn,tnw->nw", real_steps(run, len(H_tm), H_tm.dtype), H_tm
        )
        return self

    def value(self):
        """The pooled state, ``(N, width)``."""
        return self.total / self.steps

    def state(self):
        """The pool to carry into a later call: ``(sum, steps)``."""
        return (self.total.copy(), self.steps.copy())

    def spread(self, d_pooled, run, t0, n_steps):
        """Gradient reaching a chunk's states, ``(n_steps, N, width)``.

        ``d_pooled / steps`` at each real step of the chunk, 0 at padding.
        """
        scaled = d_pooled / self.steps
        return real_steps(run, n_steps, d_pooled.dtype)[:, :, None] * scaled[None]


class MaxPool:
    __doc__ = (
        """The running unit-wise maximum of the top layer's states over real steps.

    Its state is ``(max,)``, of shape ``(N, width)``. Each unit's gradient
    reaches the step that holds its maximum (the first, on a tie) if that
    step lies in the chunk being trained; a maximum carried in from an
    earlier call gets none.
"""
        + _SHARED_PARAMETERS
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._pooling import MaxPool
    >>> H = np.array([[[1.0]], [[3.0]], [[2.0]]])  # (T=3, N=1, width=1)
    >>> pool = MaxPool(np.array([3]), 1, float)
    >>> pool.add(H[:2], np.array([2]), 0).add(H[2:], np.array([1]), 2).value()
    array([[3.]])
    >>> pool.spread(np.array([[1.0]]), np.array([2]), 0, 2)[:, 0, 0]
    array([0., 1.])
"""
    )

    STATE_NAMES = ("max",)

    def __init__(self, lengths, width, dtype, state=None):
        N = len(lengths)
        self.total = np.full((N, width), -np.inf, dtype=dtype)
        self.where = np.zeros((N, width), dtype=np.intp)  # the step of each max
        if state is not None:
            self.total[...] = state[0]
            self.where[...] = -1  # before this call: no gradient

    @staticmethod
    def state_shapes(n_sequences, width):
        """Shapes of the arrays of :meth:`state`."""
        return ((n_sequences, width),)

    def add(self, H_tm, run, t0):
        """Take in the states ``H_tm`` ``(T_chunk, N, width)`` of a chunk.

        ``run`` holds each sequence's real steps inside the chunk, ``t0``
        the chunk's first step. Returns the pool.
        """
        real = real_steps(run, len(H_tm), H_tm.dtype)[:, :, None] > 0
        masked = np.where(real, H_tm, -np.inf)
        step = np.argmax(masked, axis=0)
        best = np.take_along_axis(masked, step[None], axis=0)[0]
        better = best > self.total
        self.total[better] = best[better]
        self.where[better] = step[better] + t0
        return self

    def value(self):
        """The pooled state, ``(N, width)``."""
        return self.total.copy()

    def state(self):
        """The pool to carry into a later call: ``(max,)``."""
        return (self.total.copy(),)

    def spread(self, d_pooled, run, t0, n_steps):
        """Gradient reaching a chunk's states, ``(n_steps, N, width)``.

        ``d_pooled`` at the step of each unit's maximum if it lies in the
        chunk, 0 elsewhere.
        """
        dH = np.zeros((n_steps,) + d_pooled.shape, dtype=d_pooled.dtype)
        local = self.where - t0
        n, w = np.nonzero((local >= 0) & (local < n_steps))
        dH[local[n, w], n, w] = d_pooled[n, w]
        return dH


#: pooling -> the pool a many-to-one output reads
POOLS = {"mean": MeanPool, "max": MaxPool}

#: the ways a many-to-one output reads the sequence
POOLINGS = ("last", *POOLS)


def is_pooled(pooling, return_sequences):
    """Whether a many-to-one output reads a pool (which a state must carry)."""
    return not return_sequences and pooling in POOLS


def make_pool(pooling, return_sequences, lengths, width, dtype, state=None):
    """The pool of ``pooling``, or None when the output reads the last state
    or every step."""
    if not is_pooled(pooling, return_sequences):
        return None
    return POOLS[pooling](lengths, width, dtype, state)
