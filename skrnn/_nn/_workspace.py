"""Work buffers of the gated cells, reused from one batch to the next.

A gated layer fills several buffers of ``T × N × n_hidden`` values per call
(the gates of every step, their gradients). Freed, blocks of that size are
handed back to the operating system by glibc's ``malloc`` (they exceed its
trim threshold), so the next batch pays a page fault and a zero-fill for
every 4 KiB page it touches: on W2 of ``benchmarks/bench_rnn_gated.py``
(batches of 64 sequences × 64 steps, 64 units) about 3,000 faults per batch,
40 % of a GRU epoch. :data:`POOL` keeps freed buffers for reuse instead.

A buffer taken from the pool must not be seen outside the cell: the
temporaries of a backward pass go back when it returns (:meth:`give`), the
buffers a forward pass keeps in its cache when the cache is freed
(:meth:`hold`). Nothing a cell returns to its caller (outputs, states,
gradients) is a view of a pooled buffer.

"""

import threading
import weakref
from math import prod

import numpy as np

__all__ = ["BufferPool", "POOL", "Cache"]


class Cache(dict):
    """A cell's cache: a dict that the pool can watch (it accepts weak references)."""


class BufferPool:
    """Flat numpy buffers kept for reuse, shared by all threads.

    Parameters
    ----------
    max_bytes : int
        Freed buffers are kept while their total size stays within this.
    """

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._free = []
        self._lock = threading.Lock()

    @property
    def pooled_bytes(self):
        """Total size of the buffers waiting in the pool."""
        with self._lock:
            return sum(b.nbytes for b in self._free)

    def take(self, shape, dtype):
        """An uninitialised array of ``shape`` and ``dtype`` (a view of a buffer)."""
        dtype = np.dtype(dtype)
        n = prod(shape)
        best = None
        with self._lock:
            for i, buf in enumerate(self._free):
                if buf.dtype == dtype and buf.size >= n:
                    if best is None or buf.size < self._free[best].size:
                        best = i
            flat = self._free.pop(best) if best is not None else None
        if flat is None:
            flat = np.empty(max(n, 1), dtype=dtype)
        return flat[:n].reshape(shape)

    def give(self, *arrays):
        """Return arrays obtained from :meth:`take`; they must not be used again."""
        with self._lock:
            total = sum(b.nbytes for b in self._free)
            for a in arrays:
                flat = a.base if a.base is not None else a
                if total + flat.nbytes <= self.max_bytes:
                    self._free.append(flat)
                    total += flat.nbytes

    def clear(self):
        """Drop every waiting buffer (their memory goes back to ``malloc``)."""
        with self._lock:
            self._free.clear()

    def hold(self, owner, *arrays):
        """Return ``arrays`` to the pool when ``owner`` (a :class:`Cache`) is freed."""
        weakref.finalize(owner, self.give, *arrays)


#: The pool of the gated cells. It keeps up to 128 MiB of idle buffers (about
#: what one layer's batch of 200 sequences x 100 steps x 64 units uses in
#: float64) for the life of the process; ``POOL.clear()`` drops them.
POOL = BufferPool(128 * 2**20)
