"""Known future inputs of the encoder–decoder: gradients, known answers, errors.

The decoder's input at step s is ``[fed-back output, x_future_s]``. The
gradient gate checks it by central finite differences in float64 for every
cell, teacher forcing, free running and a mix, with masked input and output
lengths and noise (not zeros) in the padding. The known answer is a target
that depends on a future input only the decoder sees: without ``X_future``
no model can learn it, with it R² > 0.9.
"""

import numpy as np
import pandas as pd
import pytest
from _gradcheck import numerical_gradient
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

from skrnn import Seq2SeqRegressor
from skrnn._nn._seq2seq import init_params, loss_and_grad, make_layout, predict

CELLS = ["elman", "gru", "lstm"]
FEEDS = ["teacher_forcing", "free_running", "mixed"]

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def future_problem(rng, in_lengths, out_lengths, n_features, n_outputs, n_future):
    """Time-major X, lengths, Y, weights and future inputs; noisy padding."""
    in_lengths = np.asarray(in_lengths, dtype=np.int64)
    out_lengths = np.asarray(out_lengths, dtype=np.int64)
    T, S, N = in_lengths.max(), out_lengths.max(), len(in_lengths)
    X = rng.standard_normal((T, N, n_features))
    Y = rng.standard_normal((S, N, n_outputs))
    F = rng.standard_normal((S, N, n_future))
    w = rng.uniform(0.5, 2.0, size=(S, N))
    w[np.arange(S)[:, None] >= out_lengths] = 0.0
    return X, in_lengths, Y, w, F


def make_feed(kind, rng, S, N):
    if kind == "teacher_forcing":
        return None
    if kind == "free_running":
        return np.zeros((S, N), dtype=bool)
    return rng.uniform(size=(S, N)) < 0.5


# --------------------------------------------------------------------------
# The kernel: layout and gradient gate
# --------------------------------------------------------------------------


def test_layout_without_future_inputs_is_unchanged():
    """n_future=0 gives the layout of a model that knows no future inputs."""
    for cell in CELLS:
        assert make_layout(cell, 2, (3, 2), 2, n_future=0) == make_layout(
            cell, 2, (3, 2), 2
        )


@pytest.mark.parametrize("cell", CELLS)
def test_future_inputs_widen_only_the_first_decoder_layer(cell):
    plain = make_layout(cell, 2, (3, 2), 2)
    wide = make_layout(cell, 2, (3, 2), 2, n_future=4)
    assert (wide.n_future, plain.n_future) == (4, 0)
    assert wide.decoder.n_features == 6
    gates = {"elman": 1, "gru": 3, "lstm": 4}[cell]
    assert wide.size - plain.size == 4 * 3 * gates  # 4 inputs x 3 units x gates

    def shapes(layout):
        nets = (layout.encoder.layers, layout.decoder.layers, (layout.decoder.output,))
        return [{n: e[2] for n, e in lay.items()} for net in nets for lay in net]

    wide_shapes, plain_shapes = shapes(wide), shapes(plain)
    first_decoder = len(plain.encoder.layers)
    assert wide_shapes[first_decoder]["U"] == (6, 3 * gates)
    assert plain_shapes[first_decoder]["U"] == (2, 3 * gates)
    wide_shapes[first_decoder]["U"] = plain_shapes[first_decoder]["U"]
    assert wide_shapes == plain_shapes  # nothing else changes


@pytest.mark.parametrize("feed_kind", FEEDS)
@pytest.mark.parametrize("cell", CELLS)
def test_gradient_with_future_inputs(cell, feed_kind):
    """Two layers; input lengths 5, 3, 1, 4 and output lengths 4, 2, 3, 1."""
    rng = np.random.RandomState(0)
    layout = make_layout(cell, 2, (3, 2), 2, n_future=3)
    theta = init_params(layout, rng) + 0.3 * rng.standard_normal(layout.size)
    X, lengths, Y, w, F = future_problem(rng, [5, 3, 1, 4], [4, 2, 3, 1], 2, 2, 3)
    feed = make_feed(feed_kind, rng, *w.shape)
    kwargs = dict(activation="tanh", alpha=0.1, feed=feed, X_future=F)

    def loss(t):
        return loss_and_grad(t, layout, X, lengths, Y, w, **kwargs)[0]

    _, grad = loss_and_grad(theta, layout, X, lengths, Y, w, **kwargs)
    assert_allclose(grad, numerical_gradient(loss, theta), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cell", CELLS)
def test_future_inputs_change_loss_and_only_their_padding_is_ignored(cell):
    rng = np.random.RandomState(1)
    layout = make_layout(cell, 1, (3,), 1, n_future=2)
    theta = init_params(layout, rng) + 0.3 * rng.standard_normal(layout.size)
    X, lengths, Y, w, F = future_problem(rng, [4, 2, 3], [3, 1, 2], 1, 1, 2)
    for feed in (None, np.zeros(w.shape, dtype=bool)):
        kwargs = dict(activation="tanh", alpha=0.01, feed=feed)
        a = loss_and_grad(theta, layout, X, lengths, Y, w, X_future=F, **kwargs)
        F_pad = F.copy()
        F_pad[w == 0] = 99.0  # past each output's length
        b = loss_and_grad(theta, layout, X, lengths, Y, w, X_future=F_pad, **kwargs)
        assert a[0] == b[0]
        assert_array_equal(a[1], b[1])
        F_real = F.copy()
        F_real[0, 0] += 1.0  # a real step
        c = loss_and_grad(theta, layout, X, lengths, Y, w, X_future=F_real, **kwargs)
        assert c[0] != a[0]


@pytest.mark.parametrize("cell", CELLS)
def test_teacher_forcing_one_pass_equals_step_by_step_with_future(cell):
    rng = np.random.RandomState(2)
    layout = make_layout(cell, 2, (3, 2), 2, n_future=2)
    theta = init_params(layout, rng) + 0.3 * rng.standard_normal(layout.size)
    X, lengths, Y, w, F = future_problem(rng, [5, 3, 4], [4, 2, 3], 2, 2, 2)
    kwargs = dict(activation="tanh", alpha=0.01, X_future=F)
    one_pass = loss_and_grad(theta, layout, X, lengths, Y, w, **kwargs)
    feed = np.ones(w.shape, dtype=bool)
    steps = loss_and_grad(theta, layout, X, lengths, Y, w, feed=feed, **kwargs)
    assert one_pass[0] == pytest.approx(steps[0], rel=1e-12)
    assert_allclose(one_pass[1], steps[1], rtol=1e-10, atol=1e-14)


def test_free_running_prediction_is_the_free_running_loss_forward():
    """predict() with future inputs is the forward of the free-running loss."""
    rng = np.random.RandomState(3)
    layout = make_layout("gru", 2, (3,), 1, n_future=2)
    theta = init_params(layout, rng) + 0.3 * rng.standard_normal(layout.size)
    X, lengths, _, _, F = future_problem(rng, [4, 2, 3], [3, 3, 3], 2, 1, 2)
    Z = predict(theta, layout, X, lengths, 3, activation="tanh", X_future=F)
    w = np.ones((3, 3))
    loss, _ = loss_and_grad(
        theta,
        layout,
        X,
        lengths,
        Z,
        w,
        activation="tanh",
        alpha=0.0,
        feed=np.zeros((3, 3), dtype=bool),
        X_future=F,
    )
    assert loss == pytest.approx(0.0, abs=1e-28)


def test_kernel_refuses_missing_or_unexpected_future_inputs():
    rng = np.random.RandomState(4)
    X, lengths, Y, w, F = future_problem(rng, [3, 2], [2, 2], 1, 1, 2)
    wide, plain = (
        make_layout("elman", 1, (2,), 1, n_future=2),
        make_layout("elman", 1, (2,), 1),
    )
    kwargs = dict(activation="tanh", alpha=0.0)
    with pytest.raises(ValueError, match="takes 2 future inputs.*None"):
        loss_and_grad(init_params(wide, rng), wide, X, lengths, Y, w, **kwargs)
    with pytest.raises(ValueError, match="takes 0 future inputs.*given"):
        predict(
            init_params(plain, rng), plain, X, lengths, 2, activation="tanh", X_future=F
        )
