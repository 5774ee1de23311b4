"""The runtime of the kernels: one BLAS thread, and a helper thread.

:func:`blas_limit` is what every ``fit``, ``predict`` and ``transform`` of
skrnn runs inside. The rest of this module is the helper thread, for the
products that a backward pass's time loop does not wait for.

A helper thread for the products that a backward pass's time loop does not wait for.

The time loop of a recurrent layer is sequential, and its per-step products
are too small for a multi-threaded BLAS (see
:data:`BLAS_THREADS`). The weight-gradient product of a
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

from threadpoolctl import ThreadpoolController

__all__ = ["BLAS_THREADS", "blas_limit", "helper_thread", "submit"]

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


#: BLAS threads inside fit and predict. The per-step products of a recurrent
#: network are tiny (a batch of states times a square matrix); on the 2-core
#: machine benchmarks/bench_rnn.py measures W1 (batches of 64 states, 64
#: units) about 15x slower with 2 OpenBLAS threads than with 1, and W3 (one
#: state of 32 units) no faster, so the loop runs single-threaded. The user's
#: global setting is restored on exit. When that setting allows two threads or
#: more, the backward passes may also hand their weight-gradient products to
#: one helper thread (:func:`submit`): at most two busy threads, and
#: one under ``threadpool_limits(1)`` or in joblib's and dask's workers.
BLAS_THREADS = 1

_controller = None


@contextmanager
def blas_limit():
    """One BLAS thread in this block; the helper thread if the caller allowed two."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController()
    blas = _controller.select(user_api="blas").lib_controllers
    allowed = min((lib.num_threads for lib in blas), default=1)
    with _controller.limit(limits=BLAS_THREADS, user_api="blas"):
        with helper_thread(allowed >= 2):
            yield
