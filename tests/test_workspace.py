"""The buffer pool of the gated cells and the helpers of their backward passes."""

import gc
import threading

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skrnn._nn import _gru, _lstm
from skrnn._nn._cellmath import design_matrix, input_gradient
from skrnn._nn._workspace import POOL, BufferPool, Cache


def test_take_reuses_a_given_back_buffer():
    pool = BufferPool(max_bytes=10**6)
    a = pool.take((4, 5), np.float64)
    assert a.shape == (4, 5) and a.dtype == np.float64
    pool.give(a)
    assert pool.pooled_bytes == 160
    b = pool.take((2, 3), np.float64)  # smaller: a view of the same buffer
    assert np.shares_memory(a, b) and pool.pooled_bytes == 0
    c = pool.take((2, 3), np.float32)  # another dtype: a new buffer
    assert not np.shares_memory(b, c)


def test_take_picks_the_smallest_buffer_that_fits():
    pool = BufferPool(max_bytes=10**6)
    big, small = pool.take((100,), float), pool.take((10,), float)
    pool.give(big, small)
    assert np.shares_memory(pool.take((8,), float), small)
    assert np.shares_memory(pool.take((50,), float), big)


def test_give_keeps_no_more_than_max_bytes():
    pool = BufferPool(max_bytes=1000)
    pool.give(pool.take((100,), float), pool.take((100,), float))  # 800 B each
    assert pool.pooled_bytes == 800


def test_clear_drops_the_waiting_buffers():
    pool = BufferPool(max_bytes=10**6)
    pool.give(pool.take((10,), float))
    pool.clear()
    assert pool.pooled_bytes == 0


def test_hold_returns_buffers_when_the_cache_is_freed():
    pool = BufferPool(max_bytes=10**6)
    cache = Cache(a=pool.take((10,), float))
    pool.hold(cache, cache["a"])
    assert pool.pooled_bytes == 0
    del cache
    gc.collect()
    assert pool.pooled_bytes == 80


def test_the_pool_is_safe_across_threads():
    pool = BufferPool(max_bytes=10**7)
    errors = []

    def work(seed):
        for _ in range(200):
            a = pool.take((64,), float)
            a[:] = seed
            if not np.all(a == seed):
                errors.append(seed)
            pool.give(a)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


@pytest.mark.parametrize("module", [_gru, _lstm])
def test_cell_outputs_survive_the_reuse_of_their_buffers(module):
    """Outputs, states and gradients a cell returns are never pooled memory."""
    rng = np.random.RandomState(0)
    lengths = np.array([6, 4, 4])
    params = module.init_layer(2, 3, rng)
    grads = {k: np.empty_like(v) for k, v in params.items()}
    state0 = tuple(np.zeros(3) for _ in module.STATE_NAMES)

    def run(X):
        H, final, cache = module.forward(params, X, lengths, state0, "tanh")
        dX, d0 = module.backward(params, cache, np.ones_like(H), None, grads)
        return [H, *final, dX, *d0, *(g.copy() for g in grads.values())]

    X1 = rng.standard_normal((6, 3, 2))
    first = run(X1)
    kept = [a.copy() for a in first]
    gc.collect()  # the first cache is gone: its buffers are back in the pool
    run(rng.standard_normal((6, 3, 2)))
    for a, b in zip(first, kept, strict=True):
        assert_array_equal(a, b)
    assert POOL.pooled_bytes > 0


def test_design_matrix_and_input_gradient():
    rng = np.random.RandomState(1)
    H_prev, X = rng.standard_normal((3, 2, 4)), rng.standard_normal((3, 2, 5))
    Z = design_matrix(H_prev, X)
    assert_allclose(Z, np.c_[H_prev.reshape(6, 4), X.reshape(6, 5), np.ones(6)])
    POOL.give(Z)
    D, U = rng.standard_normal((3, 6, 4)), rng.standard_normal((3, 5, 4))
    expected = D[0] @ U[0].T + D[1] @ U[1].T + D[2] @ U[2].T
    assert_allclose(input_gradient(D, U), expected)
