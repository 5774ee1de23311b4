"""The gradient gate: backpropagation through time against finite differences.

Every gradient the recurrent kernels compute is checked by central finite
differences in float64: each activation, T = 1 and T > 1, one and two
outputs, stacked layers, masked variable lengths, many-to-one and
many-to-many, truncated BPTT, an initial state, the L2 penalty and each loss.
"""

import numpy as np
import pytest
from _gradcheck import make_batch, numerical_gradient
from numpy.testing import assert_allclose

from skrnn._nn import _cellmath, _elman, _stack
from skrnn._nn._activations import ACTIVATIONS
from skrnn._nn._optimizers import clip_grad_norm
from skrnn._nn._stack import (
    CELLS,
    bptt_chunks,
    init_params,
    loss_and_grad,
    make_layout,
    predict,
    unpack,
)

ACTIVATION_NAMES = sorted(ACTIVATIONS)


def make_targets(rng, loss, lengths, n_outputs, return_sequences):
    T, N = int(lengths.max()), len(lengths)
    shape = (T, N, n_outputs) if return_sequences else (N, n_outputs)
    if loss == "squared_error":
        Y = rng.standard_normal(shape)
    elif loss == "binary_log_loss":
        Y = (rng.uniform(size=shape) > 0.5).astype(float)
    else:
        codes = rng.randint(n_outputs, size=shape[:-1])
        Y = np.eye(n_outputs)[codes]
    if return_sequences:
        w = rng.uniform(0.5, 2.0, size=(T, N))
        w[np.arange(T)[:, None] >= lengths] = 0.0
    else:
        w = rng.uniform(0.5, 2.0, size=N)
    return Y, w


# --------------------------------------------------------------------------
# The cell alone
# --------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("lengths", [[1, 1], [4, 4, 4], [5, 3, 1, 0]])
def test_elman_cell_gradients_match_finite_differences(activation, lengths):
    rng = np.random.RandomState(0)
    n_in, n_hidden = 3, 4
    X, lengths = make_batch(rng, lengths, n_in, T=max(lengths))
    params = _elman.init_layer(n_in, n_hidden, rng)
    params["b"][:] = rng.uniform(-0.3, 0.3, n_hidden)
    state0 = (rng.standard_normal((len(lengths), n_hidden)),)
    R_H = rng.standard_normal((X.shape[0], len(lengths), n_hidden))
    R_F = rng.standard_normal((len(lengths), n_hidden))

    def objective(params, X, h0):
        H, (hT,), _ = _elman.forward(params, X, lengths, (h0,), activation)
        return np.sum(H * R_H) + np.sum(hT * R_F)

    _, _, cache = _elman.forward(params, X, lengths, state0, activation)
    grads = {k: np.empty_like(v) for k, v in params.items()}
    dX, (dh0,) = _elman.backward(params, cache, R_H, (R_F,), grads)

    for name in params:

        def f(value, name=name):
            return objective({**params, name: value}, X, state0[0])

        assert_allclose(grads[name], numerical_gradient(f, params[name]), atol=1e-6)
    num_dX = numerical_gradient(lambda v: objective(params, v, state0[0]), X)
    assert_allclose(dX, num_dX, atol=1e-6)
    num_dh0 = numerical_gradient(lambda v: objective(params, X, v), state0[0])
    assert_allclose(dh0, num_dh0, atol=1e-6)


def test_elman_cell_holds_the_state_of_finished_sequences():
    rng = np.random.RandomState(1)
    X, lengths = make_batch(rng, [5, 2], 2, pad=None)
    params = _elman.init_layer(2, 3, rng)
    H, (hT,), _ = _elman.forward(params, X, lengths, (np.zeros(3),), "tanh")
    assert_allclose(H[2:, 1], np.broadcast_to(H[1, 1], (3, 3)))
    assert_allclose(hT, H[[4, 1], [0, 1]])


def test_elman_init_is_glorot_orthogonal_zero():
    rng = np.random.RandomState(0)
    p = _elman.init_layer(5, 8, rng, np.float32)
    assert all(v.dtype == np.float32 for v in p.values())
    assert np.abs(p["U"]).max() <= np.sqrt(6 / 13)
    assert_allclose(p["W"] @ p["W"].T, np.eye(8), atol=1e-6)
    assert not p["b"].any()


# --------------------------------------------------------------------------
# The whole network
# --------------------------------------------------------------------------

LOSS_OUTPUTS = [
    ("squared_error", 1),
    ("squared_error", 2),
    ("binary_log_loss", 1),
    ("binary_log_loss", 2),
    ("log_loss", 2),
    ("log_loss", 3),
]
SHAPES = {
    "T=1": ([1, 1, 1], (4,)),
    "T>1": ([6, 6], (4,)),
    "stacked, masked": ([6, 2, 4, 1], (4, 3)),
}


def make_network(
    rng, lengths, hidden, loss, n_outputs, return_sequences, n_features=3, h0=False
):
    X, lengths = make_batch(rng, lengths, n_features)
    layout = make_layout("elman", n_features, hidden, n_outputs)
    theta = init_params(layout, rng)
    theta += rng.uniform(-0.1, 0.1, theta.shape)  # non-zero biases too
    Y, w = make_targets(rng, loss, lengths, n_outputs, return_sequences)
    state0 = None
    if h0:
        state0 = [(rng.standard_normal((len(lengths), h)),) for h in hidden]
    return theta, layout, X, lengths, Y, w, state0


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("loss, n_outputs", LOSS_OUTPUTS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_loss_and_grad_match_finite_differences(
    shape, loss, n_outputs, return_sequences, activation
):
    rng = np.random.RandomState(42)
    lengths, hidden = SHAPES[shape]
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, lengths, hidden, loss, n_outputs, return_sequences
    )
    kw = dict(
        loss=loss, activation=activation, return_sequences=return_sequences, alpha=0.0
    )
    value, grad = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    assert np.isfinite(value) and value > 0

    def f(t):
        return loss_and_grad(t, layout, X, lengths, Y, w, **kw)[0]

    assert_allclose(grad, numerical_gradient(f, theta), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("loss, n_outputs", [("squared_error", 2), ("log_loss", 3)])
def test_gradient_with_initial_state_and_l2(return_sequences, loss, n_outputs):
    rng = np.random.RandomState(3)
    theta, layout, X, lengths, Y, w, state0 = make_network(
        rng, [5, 3, 1], (4, 2), loss, n_outputs, return_sequences, h0=True
    )
    kw = dict(
        loss=loss,
        activation="tanh",
        return_sequences=return_sequences,
        alpha=0.3,
        state0=state0,
    )
    value, grad = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    no_h0 = loss_and_grad(theta, layout, X, lengths, Y, w, **{**kw, "state0": None})
    assert value != pytest.approx(no_h0[0])

    def f(t):
        return loss_and_grad(t, layout, X, lengths, Y, w, **kw)[0]

    assert_allclose(grad, numerical_gradient(f, theta), rtol=1e-5, atol=1e-7)
    # the penalty is ½ α ‖weights‖² over the total weight, biases excluded
    plain = loss_and_grad(theta, layout, X, lengths, Y, w, **{**kw, "alpha": 0.0})
    weights = theta[: layout.n_weights]
    assert value - plain[0] == pytest.approx(0.15 * weights @ weights / w.sum())


def _states_before(theta, layout, X, lengths, activation, t0):
    """Each layer's state after the first ``t0`` steps (zeros at t0 = 0)."""
    layers, _ = unpack(theta, layout)
    run = np.clip(lengths, 0, t0)
    x, states = X[:t0], []
    for params, h in zip(layers, layout.hidden_sizes, strict=True):
        if t0 == 0:
            states.append((np.zeros((X.shape[1], h)),))
            continue
        x, state, _ = _elman.forward(params, x, run, (np.zeros(h),), activation)
        states.append(state)
    return states


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("bptt_steps", [1, 2, 4])
def test_truncated_bptt_gradient_of_each_chunk(return_sequences, bptt_steps):
    """Each chunk's gradient is that of its own loss, the incoming state fixed."""
    rng = np.random.RandomState(7)
    lengths_list = [7, 5, 5, 2]
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, lengths_list, (3, 4), "squared_error", 2, return_sequences
    )
    kw = dict(
        loss="squared_error",
        activation="tanh",
        return_sequences=return_sequences,
        alpha=0.01,
    )
    grad = np.empty_like(theta)
    seen, grads = [], []
    for value, total in bptt_chunks(
        theta, layout, X, lengths, Y, w, bptt_steps=bptt_steps, grad=grad, **kw
    ):
        seen.append((value, total))
        grads.append(grad.copy())

    T = X.shape[0]
    starts = list(range(0, T, bptt_steps))
    ends_in = (lengths - 1) // bptt_steps
    expected = []
    for chunk, t0 in enumerate(starts):
        t1 = min(t0 + bptt_steps, T)
        if return_sequences:
            Yc, wc = Y[t0:t1], w[t0:t1]
        else:
            Yc, wc = Y, np.where(ends_in == chunk, w, 0.0)
        if wc.sum() == 0:
            continue
        state0 = _states_before(theta, layout, X, lengths, "tanh", t0)
        sub = (X[t0:t1], np.clip(lengths - t0, 0, t1 - t0), Yc, wc)

        def f(t, sub=sub, state0=state0):
            return loss_and_grad(t, layout, *sub, state0=state0, **kw)[0]

        expected.append((f(theta), wc.sum(), numerical_gradient(f, theta)))

    assert len(seen) == len(grads) == len(expected)
    if not return_sequences:  # one chunk per distinct end
        assert len(expected) == len(np.unique(ends_in))
    for (value, total), g, (e_value, e_total, e_grad) in zip(
        seen, grads, expected, strict=True
    ):
        assert value == pytest.approx(e_value)
        assert total == pytest.approx(e_total)
        assert_allclose(g, e_grad, rtol=1e-5, atol=1e-7)


def test_truncation_longer_than_the_sequences_is_full_bptt():
    rng = np.random.RandomState(2)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, [6, 4], (4,), "squared_error", 1, True
    )
    kw = dict(
        loss="squared_error", activation="tanh", return_sequences=True, alpha=1e-3
    )
    value, grad = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    g2 = np.empty_like(theta)
    ((v2, _),) = list(
        bptt_chunks(theta, layout, X, lengths, Y, w, bptt_steps=50, grad=g2, **kw)
    )
    assert v2 == pytest.approx(value)
    assert_allclose(g2, grad)


def test_truncated_chunks_see_parameter_updates_in_between():
    """The caller may update theta between chunks; later chunks use it."""
    rng = np.random.RandomState(4)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, [6, 6], (3,), "squared_error", 1, True
    )
    kw = dict(loss="squared_error", activation="tanh", return_sequences=True, alpha=0)
    frozen = [
        v for v, _ in bptt_chunks(theta, layout, X, lengths, Y, w, bptt_steps=3, **kw)
    ]
    moving = theta.copy()
    grad = np.empty_like(theta)
    values = []
    for v, _ in bptt_chunks(
        moving, layout, X, lengths, Y, w, bptt_steps=3, grad=grad, **kw
    ):
        values.append(v)
        moving -= 0.5 * grad
    assert values[0] == pytest.approx(frozen[0])
    assert values[1] != pytest.approx(frozen[1])


# --------------------------------------------------------------------------
# Padding never changes a result
# --------------------------------------------------------------------------


@pytest.mark.parametrize("return_sequences", [False, True])
def test_outputs_do_not_depend_on_padding_or_batch(return_sequences):
    rng = np.random.RandomState(5)
    layout = make_layout("elman", 2, (5, 3), 2)
    theta = init_params(layout, rng)
    kw = dict(activation="tanh", return_sequences=return_sequences)
    X_alone, len_alone = make_batch(rng, [3], 2)
    alone = predict(theta, layout, X_alone, len_alone, out_activation="identity", **kw)

    # the same sequence, batched with longer ones, padded with noise
    X_big, len_big = make_batch(rng, [8, 3, 6], 2, pad=None)
    X_big[:3, 1] = X_alone[:, 0]
    batched = predict(theta, layout, X_big, len_big, out_activation="identity", **kw)
    if return_sequences:
        assert_allclose(batched[:3, 1], alone[:, 0], rtol=1e-12, atol=1e-13)
    else:
        assert_allclose(batched[1], alone[0], rtol=1e-12, atol=1e-13)

    # a different padding value gives the same outputs on the valid steps
    X_other = X_big.copy()
    X_other[3:, 1] = 1e3
    X_other[6:, 2] = -7.0
    other = predict(theta, layout, X_other, len_big, out_activation="identity", **kw)
    if return_sequences:
        for i, L in enumerate(len_big):
            assert_allclose(other[:L, i], batched[:L, i], rtol=1e-12, atol=1e-13)
    else:
        assert_allclose(other, batched, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("bptt_steps", [None, 3])
def test_loss_and_grad_do_not_depend_on_padding_or_order(return_sequences, bptt_steps):
    rng = np.random.RandomState(6)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, [7, 2, 5], (4,), "log_loss", 3, return_sequences
    )
    kw = dict(
        loss="log_loss",
        activation="tanh",
        return_sequences=return_sequences,
        alpha=1e-2,
        bptt_steps=bptt_steps,
    )

    def run(X, lengths, Y, w):
        out = []
        grad = np.empty_like(theta)
        for value, total in bptt_chunks(
            theta, layout, X, lengths, Y, w, grad=grad, **kw
        ):
            out.append((value, total, grad.copy()))
        return out

    reference = run(X, lengths, Y, w)
    X_noise = X.copy()
    X_noise[2:, 1] = rng.standard_normal(X_noise[2:, 1].shape) * 100
    Y_noise = Y.copy()
    if return_sequences:
        Y_noise[2:, 1] = 5.0  # targets at padded steps carry no weight
    perm = np.array([2, 0, 1])
    if return_sequences:
        permuted = (X_noise[:, perm], lengths[perm], Y_noise[:, perm], w[:, perm])
    else:
        permuted = (X_noise[:, perm], lengths[perm], Y_noise[perm], w[perm])
    for (v1, t1, g1), (v2, t2, g2) in zip(reference, run(*permuted), strict=True):
        assert v1 == pytest.approx(v2, rel=1e-12)
        assert t1 == pytest.approx(t2)
        assert_allclose(g1, g2, rtol=1e-10, atol=1e-14)


# --------------------------------------------------------------------------
# Consistency of the forward paths, layout, clipping, dtype
# --------------------------------------------------------------------------


@pytest.mark.parametrize("return_sequences", [False, True])
def test_predict_agrees_with_the_loss(return_sequences):
    rng = np.random.RandomState(8)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, [5, 3, 4], (4, 3), "squared_error", 2, return_sequences
    )
    value, _ = loss_and_grad(
        theta,
        layout,
        X,
        lengths,
        Y,
        w,
        loss="squared_error",
        activation="relu",
        return_sequences=return_sequences,
        alpha=0.0,
    )
    P = predict(
        theta,
        layout,
        X,
        lengths,
        activation="relu",
        return_sequences=return_sequences,
        out_activation="identity",
    )
    per_target = 0.5 * ((P - Y) ** 2).sum(-1)
    assert value == pytest.approx((per_target * w).sum() / w.sum())
    blocked = predict(
        theta,
        layout,
        X,
        lengths,
        activation="relu",
        return_sequences=return_sequences,
        out_activation="identity",
        block=2,
    )
    assert_allclose(blocked, P, rtol=1e-12, atol=1e-13)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sequences_of_length_one_are_an_mlp():
    """With T = 1 and h0 = 0 the network is MLPRegressor's one-hidden-layer net."""
    from sklearn.neural_network import MLPRegressor

    rng = np.random.RandomState(9)
    X = rng.standard_normal((20, 3))
    layout = make_layout("elman", 3, (5,), 2)
    theta = init_params(layout, rng) + rng.uniform(-0.2, 0.2, layout.size)
    (layer,), out = unpack(theta, layout)
    mlp = MLPRegressor(hidden_layer_sizes=(5,), activation="tanh", max_iter=1)
    mlp.fit(X, rng.standard_normal((20, 2)))
    mlp.coefs_ = [layer["U"].copy(), out["coef"].copy()]
    mlp.intercepts_ = [layer["b"].copy(), out["intercept"].copy()]
    ours = predict(
        theta,
        layout,
        X[None],
        np.ones(20, dtype=np.int64),
        activation="tanh",
        return_sequences=False,
        out_activation="identity",
    )
    assert_allclose(ours, mlp.predict(X), rtol=1e-12, atol=1e-13)


def test_layout_puts_weights_first_and_views_share_memory():
    layout = make_layout("elman", 3, (4, 2), 5)
    theta = np.arange(layout.size, dtype=float)
    layers, out = unpack(theta, layout)
    assert layout.size == (3 * 4 + 16 + 4) + (4 * 2 + 4 + 2) + (2 * 5 + 5)
    assert layout.n_weights == 3 * 4 + 16 + 4 * 2 + 4 + 2 * 5
    assert [set(p) for p in layers] == [{"U", "W", "b"}] * 2
    assert layers[1]["U"].shape == (4, 2) and out["coef"].shape == (2, 5)
    assert all(np.shares_memory(v, theta) for p in layers for v in p.values())
    assert layers[0]["b"][0] >= layout.n_weights  # biases after the weights
    assert "elman" in CELLS


def test_clip_grad_norm():
    g = np.array([3.0, 4.0])
    assert clip_grad_norm(g, 10.0) == pytest.approx(5.0)
    assert_allclose(g, [3.0, 4.0])
    assert clip_grad_norm(g, 1.0) == pytest.approx(5.0)
    assert_allclose(g, [0.6, 0.8])
    huge = np.array([3e200, 4e200])
    assert clip_grad_norm(huge, 1.0) == pytest.approx(5e200)
    assert_allclose(huge, [0.6, 0.8])
    g32 = np.full(4, 1e20, dtype=np.float32)  # squared norm overflows float32
    clip_grad_norm(g32, 2.0)
    assert_allclose(g32, [1.0] * 4, rtol=1e-6)


def test_float32_is_computed_in_float32():
    rng = np.random.RandomState(10)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, [5, 3], (4,), "log_loss", 3, True
    )
    kw = dict(loss="log_loss", activation="tanh", return_sequences=True, alpha=1e-3)
    v64, g64 = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    args32 = [a.astype(np.float32) for a in (theta, X)]
    v32, g32 = loss_and_grad(
        args32[0],
        layout,
        args32[1],
        lengths,
        Y.astype(np.float32),
        w.astype(np.float32),
        **kw,
    )
    assert g32.dtype == np.float32
    assert v32 == pytest.approx(v64, rel=1e-5)
    assert_allclose(g32, g64, rtol=1e-3, atol=1e-5)


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_ragged_counts_are_computed_once_per_batch(monkeypatch, cell, bidirectional):
    """Like PyTorch's PackedSequence: the stack counts, every layer reads."""
    calls = []
    real = _cellmath.running_counts

    def counting(lengths, n_steps):
        calls.append(n_steps)
        return real(lengths, n_steps)

    monkeypatch.setattr(_cellmath, "running_counts", counting)
    monkeypatch.setattr(_stack, "running_counts", counting)
    layout = make_layout(cell, 2, (3, 3, 3), 1, bidirectional)
    theta = init_params(layout, np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(7, 4, 2))
    lengths = np.array([7, 2, 5, 3])  # ragged, unsorted
    loss_and_grad(
        theta,
        layout,
        X,
        lengths,
        np.zeros((4, 1)),
        np.ones(4),
        loss="squared_error",
        activation="tanh",
        return_sequences=False,
        alpha=0.0,
    )
    predict(
        theta,
        layout,
        X,
        lengths,
        activation="tanh",
        return_sequences=True,
        out_activation="identity",
    )
    assert calls == [7, 7]  # one count per batch, not one per layer (or direction)
