"""The helper thread of the backward passes, and when the estimators use it.

The LSTM's weight gradients are summed from parts, some computed on the
helper thread while the time loop goes on: the parts must give the finite-
difference gradient, the same bits with and without the helper, and the
estimators must use the helper only when the caller's BLAS setting allows
two threads.
"""

import multiprocessing
import threading

import numpy as np
import pytest
from _gradcheck import make_batch, numerical_gradient
from numpy.testing import assert_allclose, assert_array_equal
from threadpoolctl import threadpool_info, threadpool_limits

from skrnn import RNNRegressor
from skrnn._nn import _lstm
from skrnn._nn._runtime import blas_limit, helper_thread, submit

HELPER_PREFIX = "skrnn-helper"


def _thread_name():
    return threading.current_thread().name


def _blas_threads():
    return [
        lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
    ]


# --------------------------------------------------------------------------
# submit and helper_thread
# --------------------------------------------------------------------------


def test_submit_runs_at_once_unless_the_helper_is_enabled():
    assert submit(_thread_name).result() == _thread_name()
    with helper_thread():
        assert submit(_thread_name).result().startswith(HELPER_PREFIX)
        with helper_thread(False):
            assert submit(_thread_name).result() == _thread_name()
        assert submit(_thread_name).result().startswith(HELPER_PREFIX)
    assert submit(_thread_name).result() == _thread_name()


def test_helper_thread_is_enabled_for_the_calling_thread_only():
    seen = []
    with helper_thread():
        other = threading.Thread(target=lambda: seen.append(submit(_thread_name)))
        other.start()
        other.join()
    assert not seen[0].result().startswith(HELPER_PREFIX)


def test_errors_on_the_helper_reach_the_caller():
    def fail():
        raise ArithmeticError("from the helper")

    with helper_thread():
        done = submit(fail)
        with pytest.raises(ArithmeticError, match="from the helper"):
            done.result()
    with pytest.raises(ArithmeticError, match="from the helper"):
        submit(fail)


def _submit_in_child(queue):
    with helper_thread():
        queue.put(submit(_thread_name).result(timeout=30))


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork"
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # fork with threads
def test_a_forked_child_starts_its_own_helper():
    with helper_thread():
        submit(_thread_name).result()  # the parent's helper thread exists
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_submit_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert queue.get(timeout=5).startswith(HELPER_PREFIX)


# --------------------------------------------------------------------------
# The estimators' thread policy
# --------------------------------------------------------------------------


@pytest.mark.parametrize("allowed, uses_helper", [(1, False), (2, True)])
def test_fit_uses_the_helper_only_when_two_threads_are_allowed(allowed, uses_helper):
    with threadpool_limits(limits=allowed, user_api="blas"):
        if set(_blas_threads()) != {allowed}:
            pytest.skip(f"this BLAS cannot be set to {allowed} threads")
        with blas_limit():
            assert _blas_threads() and set(_blas_threads()) == {1}
            name = submit(_thread_name).result()
        assert set(_blas_threads()) == {allowed}  # the caller's setting is back
    assert name.startswith(HELPER_PREFIX) == uses_helper


def test_fit_gives_the_same_model_with_and_without_the_helper():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(128, 24, 2))
    y = X[:, :, 0].sum(axis=1)
    params = dict(cell="lstm", hidden_layer_sizes=(8,), batch_size=64, max_iter=3)
    models = []
    for allowed in (1, 2):
        with threadpool_limits(limits=allowed, user_api="blas"):
            if set(_blas_threads()) != {allowed}:
                pytest.skip(f"this BLAS cannot be set to {allowed} threads")
            with pytest.warns(Warning):  # not converged in 3 epochs
                models.append(RNNRegressor(random_state=0, **params).fit(X, y))
    assert_array_equal(models[0]._theta, models[1]._theta)
    assert models[0].loss_curve_ == models[1].loss_curve_


# --------------------------------------------------------------------------
# The LSTM's weight gradients in parts
# --------------------------------------------------------------------------


@pytest.fixture
def parts(monkeypatch):
    """The steps ``(a, b)`` of each part the LSTM hands to ``submit``."""
    seen = []

    def counting_submit(fn, *args):
        seen.append(args[:2])
        return submit(fn, *args)

    monkeypatch.setattr(_lstm, "submit", counting_submit)
    return seen


def _lstm_problem(lengths, T=None):
    rng = np.random.RandomState(3)
    n_in, n_hidden = 2, 3
    X, lengths = make_batch(rng, lengths, n_in, T=T)
    params = _lstm.init_layer(n_in, n_hidden, rng)
    params = {k: v + rng.uniform(-0.3, 0.3, v.shape) for k, v in params.items()}
    state0 = tuple(rng.standard_normal((len(lengths), n_hidden)) for _ in "hc")
    R_H = rng.standard_normal((X.shape[0], len(lengths), n_hidden))
    return params, X, lengths, state0, R_H


def _lstm_grads(params, X, lengths, state0, R_H):
    _, _, cache = _lstm.forward(params, X, lengths, state0, "tanh")
    grads = {k: np.full_like(v, np.nan) for k, v in params.items()}
    _lstm.backward(params, cache, R_H, None, grads, need_dX=False)
    return grads


@pytest.mark.parametrize("lengths", [[40, 40], [40, 25, 9]])
def test_lstm_weight_gradients_in_parts_match_finite_differences(
    monkeypatch, parts, lengths
):
    params, X, lengths, state0, R_H = _lstm_problem(lengths)
    whole = _lstm_grads(params, X, lengths, state0, R_H)
    assert parts == []  # a small batch is one product
    monkeypatch.setattr(_lstm, "_PART_ROWS", 1)
    inline = _lstm_grads(params, X, lengths, state0, R_H)
    # parts of at least an eighth of the steps, the last steps first, that
    # leave the first steps to the caller
    assert len(parts) >= 2
    assert parts[0][1] == 40 and parts[-1][0] > 0
    assert all(b - a >= 5 for a, b in parts)
    for earlier, later in zip(parts[1:], parts[:-1], strict=True):
        assert earlier[1] == later[0]
    with helper_thread():
        threaded = _lstm_grads(params, X, lengths, state0, R_H)
    for name in params:
        assert_array_equal(threaded[name], inline[name])
        assert_allclose(inline[name], whole[name], rtol=1e-12, atol=1e-14)

        def objective(value, name=name):
            H, _, _ = _lstm.forward({**params, name: value}, X, lengths, state0, "tanh")
            return np.sum(H * R_H)

        expected = numerical_gradient(objective, params[name])
        assert_allclose(inline[name], expected, atol=1e-6)


def test_a_batch_of_benchmark_size_is_split_by_default(parts):
    params, X, lengths, state0, R_H = _lstm_problem([64] * 64)
    inline = _lstm_grads(params, X, lengths, state0, R_H)
    assert parts == [(t, t + 8) for t in range(56, 0, -8)]
    with helper_thread():
        threaded = _lstm_grads(params, X, lengths, state0, R_H)
    for name in params:
        assert_array_equal(threaded[name], inline[name])
