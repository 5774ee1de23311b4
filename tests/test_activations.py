"""The math tables: activations, derivatives, output activations and losses."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, softmax
from sklearn.metrics import log_loss as sk_log_loss

from skrnn._nn._activations import (
    ACTIVATIONS,
    DERIVATIVES,
    LOSS_FUNCTIONS,
    OUTPUT_ACTIVATIONS,
    OUTPUT_OF_LOSS,
)

EPS = 1e-6
Z = np.linspace(-4, 4, 81) + 0.013  # keeps relu away from its kink


@pytest.mark.parametrize(
    "name, expected",
    [
        ("identity", Z),
        ("tanh", np.tanh(Z)),
        ("logistic", expit(Z)),
        ("relu", np.maximum(Z, 0)),
    ],
)
def test_activations_in_place(name, expected):
    z = Z.copy()
    out = ACTIVATIONS[name](z)
    assert_allclose(z, expected)
    assert out is z or np.shares_memory(out, z)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_from_outputs_match_finite_differences(name):
    act = ACTIVATIONS[name]
    h = act(Z.copy())
    numeric = (act(Z + EPS) - act(Z - EPS)) / (2 * EPS)
    assert_allclose(DERIVATIVES[name](h, np.empty_like(h)), numeric, atol=1e-7)


def test_output_activations():
    Zm = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, -1000.0]])
    assert_allclose(OUTPUT_ACTIVATIONS["softmax"](Zm.copy()), softmax(Zm, axis=-1))
    assert_allclose(OUTPUT_ACTIVATIONS["logistic"](Zm.copy()), expit(Zm))
    assert_allclose(OUTPUT_ACTIVATIONS["identity"](Zm.copy()), Zm)


def _targets(loss, shape, rng):
    if loss == "squared_error":
        return rng.standard_normal(shape)
    if loss == "binary_log_loss":
        return (rng.uniform(size=shape) > 0.5).astype(float)
    return np.eye(shape[-1])[rng.randint(shape[-1], size=shape[:-1])]


@pytest.mark.parametrize("loss", sorted(LOSS_FUNCTIONS))
@pytest.mark.parametrize("shape", [(5, 3), (4, 2, 3)])
def test_loss_gradients_match_finite_differences(loss, shape):
    rng = np.random.RandomState(0)
    Zl = rng.standard_normal(shape) * 2
    Y = _targets(loss, shape, rng)
    w = rng.uniform(0, 2, shape[:-1])
    value, grad = LOSS_FUNCTIONS[loss](Zl.copy(), Y, w)
    numeric = np.empty_like(Zl)
    for i in np.ndindex(Zl.shape):
        up, down = Zl.copy(), Zl.copy()
        up[i] += EPS
        down[i] -= EPS
        numeric[i] = (
            LOSS_FUNCTIONS[loss](up, Y, w)[0] - LOSS_FUNCTIONS[loss](down, Y, w)[0]
        ) / (2 * EPS)
    assert_allclose(grad, numeric, atol=1e-6)
    # the gradient is w (φ(z) - y) for the loss's canonical output activation
    P = OUTPUT_ACTIVATIONS[OUTPUT_OF_LOSS[loss]](Zl.copy())
    assert_allclose(grad, (P - Y) * w[..., None], atol=1e-12)


def test_losses_have_known_values():
    w = np.ones(4)
    # uniform logits: cross-entropy log(K) per target
    value, _ = LOSS_FUNCTIONS["log_loss"](np.zeros((4, 5)), np.eye(5)[:4], w)
    assert value == pytest.approx(4 * np.log(5))
    # squared error: ½ Σ residual²
    value, _ = LOSS_FUNCTIONS["squared_error"](np.full((4, 1), 3.0), np.ones((4, 1)), w)
    assert value == pytest.approx(4 * 0.5 * 4.0)
    # binary: scikit-learn's log_loss times the number of samples
    rng = np.random.RandomState(1)
    z = rng.standard_normal((4, 1))
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    value, _ = LOSS_FUNCTIONS["binary_log_loss"](z.copy(), y, w)
    assert value == pytest.approx(4 * sk_log_loss(y.ravel(), expit(z.ravel())))


def test_losses_are_finite_for_extreme_logits():
    Zl = np.array([[800.0, -800.0], [-800.0, 800.0]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0]])
    for loss in ("log_loss", "binary_log_loss"):
        value, grad = LOSS_FUNCTIONS[loss](Zl.copy(), Y, np.ones(2))
        assert np.isfinite(value) and np.isfinite(grad).all() and value > 1000
