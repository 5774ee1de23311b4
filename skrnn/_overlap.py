"""A helper thread for the products that a backward pass's time loop does not wait for.

The time loop of a recurrent layer is sequential, and its per-step products
are too small for a multi-threaded BLAS (see
:data:`~skrnn._rnn_base.BLAS_THREADS`). The weight-gradient product of a
backward pass is large, but it is off the loop's path: the part for the steps
the loop has finished can run while the loop goes on to earlier steps. On W2
of ``benchmarks/bench_rnn_gated.py`` that product is about a sixth of an LSTM
epoch, and running its parts on a second core hides most of it.

:func:`helper_thread` enables this for the calling thread while it runs a
``fit``; :func:`submit` then hands work to one process-wide helper thread, and
otherwise runs it at once. The estimators enable it only when the caller's
BLAS setting allows at least two threads, so that under ``n_jobs`` workers or
``threadpool_limits(1)`` a fit stays on one core. Kernels split their work the
same way whether or not the helper runs, and sum the parts in a fixed order,
so the results are bitwise identical either way.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

__all__ = ["helper_thread", "submit"]

_local = threading.local()
_lock = threading.Lock()
_executor = None


def _forget_executor():
    # a forked child has none of the parent's threads: start afresh there
    global _executor
    _executor = None


os.register_at_fork(after_in_child=_forget_executor)


@contextmanager
def helper_thread(enabled=True):
    """Let :func:`submit` use the helper thread inside this block (this thread only)."""
    previous = getattr(_local, "enabled", False)
    _local.enabled = enabled
    try:
        yield
    finally:
        _local.enabled = previous


class _Done:
    """The result of work already done: a lighter stand-in for a Future."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def result(self, timeout=None):
        return self._value


def submit(fn, *args):
    """Run ``fn(*args)`` on the helper thread if enabled here, otherwise now.

    Returns an object whose ``result()`` waits for the work and gives its
    value (a :class:`~concurrent.futures.Future` for the helper thread, which
    raises there what the work raised; work done at once raises at once).
    """
    global _executor
    if not getattr(_local, "enabled", False):
        return _Done(fn(*args))
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(1, thread_name_prefix="skrnn-helper")
        executor = _executor
    return executor.submit(fn, *args)
