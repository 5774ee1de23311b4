"""The flat-vector optimizers against scikit-learn's list-of-arrays ones."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.neural_network._stochastic_optimizers import (
    AdamOptimizer as SkAdam,
)
from sklearn.neural_network._stochastic_optimizers import (
    SGDOptimizer as SkSGD,
)

from skrnn._nn._optimizers import (
    OPTIMIZERS,
    AdamOptimizer,
    SGDOptimizer,
    minimize_lbfgs,
)

rng = np.random.RandomState(0)
SHAPES = [(3, 4), (4,), (2, 2)]
START = [rng.standard_normal(s) for s in SHAPES]
GRADS = [[rng.standard_normal(s) for s in SHAPES] for _ in range(6)]


def flat(arrays):
    return np.concatenate([a.ravel() for a in arrays])


def run_both(ours, theirs):
    """Apply the same gradients to a flat vector and to a list of arrays."""
    params = flat(START)
    same_object = params
    their_params = [p.copy() for p in START]
    for grads in GRADS:
        ours.update_params(params, flat(grads))
        theirs.update_params(their_params, grads)
    assert params is same_object  # updated in place
    return params, flat(their_params)


@pytest.mark.parametrize("nesterov", [True, False])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_matches_scikit_learn(nesterov, momentum):
    ours = SGDOptimizer(flat(START), 0.05, momentum=momentum, nesterov=nesterov)
    theirs = SkSGD(START, 0.05, momentum=momentum, nesterov=nesterov)
    mine, expected = run_both(ours, theirs)
    assert_allclose(mine, expected, rtol=1e-12)


def test_adam_matches_scikit_learn():
    ours = AdamOptimizer(flat(START), 0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7)
    theirs = SkAdam(START, 0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-7)
    mine, expected = run_both(ours, theirs)
    assert_allclose(mine, expected, rtol=1e-12)
    assert ours.t == len(GRADS)
    assert ours.learning_rate == pytest.approx(theirs.learning_rate)


def test_invscaling_schedule():
    opt = SGDOptimizer(np.zeros(3), 0.4, lr_schedule="invscaling", power_t=0.5)
    opt.iteration_ends(3)
    assert opt.learning_rate == pytest.approx(0.2)


def test_adaptive_schedule_divides_by_five_then_stops(capsys):
    opt = SGDOptimizer(np.zeros(3), 1e-5, lr_schedule="adaptive")
    assert not opt.trigger_stopping("No improvement.", verbose=True)
    assert opt.learning_rate == pytest.approx(2e-6)
    assert not opt.trigger_stopping("No improvement.", verbose=False)
    assert opt.trigger_stopping("No improvement.", verbose=True)
    out = capsys.readouterr().out
    assert "Setting learning rate to" in out and "too small" in out


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_other_schedules_stop_at_once(name):
    assert OPTIMIZERS[name](np.zeros(2)).trigger_stopping("msg", verbose=False)


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_float32_stays_float32(name):
    params = np.ones(5, dtype=np.float32)
    opt = OPTIMIZERS[name](params, 0.1)
    opt.update_params(params, np.full(5, 0.5, dtype=np.float32))
    assert params.dtype == np.float32 and (params < 1).all()


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_stochastic_optimizers_minimise_a_quadratic(name):
    A = np.diag([1.0, 3.0, 10.0])
    target = np.array([1.0, -2.0, 0.5])
    params = np.zeros(3)
    opt = OPTIMIZERS[name](params, 0.05)
    for _ in range(2000):
        opt.update_params(params, A @ (params - target))
    assert_allclose(params, target, atol=1e-3)


def test_lbfgs_finds_the_minimum_of_rosenbrock():
    seen = []

    def fun(x):
        value = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        grad = np.array(
            [
                -2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2),
                200 * (x[1] - x[0] ** 2),
            ]
        )
        return value, grad

    res = minimize_lbfgs(
        fun,
        np.array([-1.2, 1.0], dtype=np.float32),
        max_iter=200,
        max_fun=1000,
        tol=1e-10,
        callback=lambda r: seen.append(r.fun),
    )
    assert_allclose(res.x, [1.0, 1.0], atol=1e-4)
    assert len(seen) == res.nit and seen[-1] == pytest.approx(res.fun)
