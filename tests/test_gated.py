"""The gradient gate for the gated cells (GRU, LSTM) and bidirectional layers.

Central finite differences in float64 on each cell alone (every activation,
masked lengths, an initial state (h0, c0), gradients reaching both the outputs
and the final state) and through the stacked network of ``skrnn._nn._stack``
(many-to-one and many-to-many, stacked, masked, truncated, bidirectional);
the equations against a hand-written reference step and against PyTorch
(live when torch is installed, and stored in tests/data for every run:
stacked, bidirectional, variable lengths); and padding that never changes a
result, in both directions.
"""

from pathlib import Path

import numpy as np
import pytest
from _gradcheck import make_batch, numerical_gradient
from numpy.testing import assert_allclose
from scipy.special import expit

from skrnn._nn import _gru, _lstm
from skrnn._nn._activations import ACTIVATIONS
from skrnn._nn._bidirectional import Bidirectional, reverse_within_lengths
from skrnn._nn._stack import (
    CELLS,
    bptt_chunks,
    hidden_states,
    init_params,
    loss_and_grad,
    make_layout,
    predict,
    unpack,
)
from skrnn._nn._workspace import POOL

ACTIVATION_NAMES = sorted(ACTIVATIONS)
GATED = {"gru": _gru, "lstm": _lstm}
# PyTorch networks run by tests/data/make_torch_reference.py: their weights,
# inputs, initial states, outputs and final states
with np.load(Path(__file__).parent / "data" / "torch_gru_lstm_reference.npz") as f:
    TORCH_REFERENCE = dict(f)


def random_layer(module, n_in, n_hidden, rng):
    """A cell's parameters with every entry (biases too) perturbed."""
    params = module.init_layer(n_in, n_hidden, rng)
    return {k: v + rng.uniform(-0.3, 0.3, v.shape) for k, v in params.items()}


# --------------------------------------------------------------------------
# The cells alone
# --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", list(GATED))
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
@pytest.mark.parametrize("lengths", [[1, 1], [4, 4, 4], [5, 3, 1, 0]])
def test_cell_gradients_match_finite_differences(cell, activation, lengths):
    module = GATED[cell]
    rng = np.random.RandomState(0)
    n_in, n_hidden = 3, 4
    X, lengths = make_batch(rng, lengths, n_in)
    N = len(lengths)
    params = random_layer(module, n_in, n_hidden, rng)
    state0 = tuple(rng.standard_normal((N, n_hidden)) for _ in module.STATE_NAMES)
    R_H = rng.standard_normal((X.shape[0], N, n_hidden))
    R_F = [rng.standard_normal((N, n_hidden)) for _ in module.STATE_NAMES]

    def objective(params, X, state0):
        H, final, _ = module.forward(params, X, lengths, state0, activation)
        return np.sum(H * R_H) + sum(
            np.sum(s * r) for s, r in zip(final, R_F, strict=True)
        )

    _, _, cache = module.forward(params, X, lengths, state0, activation)
    grads = {k: np.full_like(v, np.nan) for k, v in params.items()}
    dX, d_state0 = module.backward(params, cache, R_H, tuple(R_F), grads)

    for name in params:

        def f(value, name=name):
            return objective({**params, name: value}, X, state0)

        assert_allclose(grads[name], numerical_gradient(f, params[name]), atol=1e-6)
    num_dX = numerical_gradient(lambda v: objective(params, v, state0), X)
    assert_allclose(dX, num_dX, atol=1e-6)
    for j, s in enumerate(state0):

        def f0(value, j=j):
            return objective(params, X, state0[:j] + (value,) + state0[j + 1 :])

        assert_allclose(d_state0[j], numerical_gradient(f0, s), atol=1e-6)


@pytest.mark.parametrize("cell", list(GATED))
def test_backward_without_upstream_gradients(cell):
    """``dH_tm=None`` and ``d_final_state=(dh, None)`` mean zeros."""
    module = GATED[cell]
    rng = np.random.RandomState(1)
    X, lengths = make_batch(rng, [4, 2], 2)
    params = random_layer(module, 2, 3, rng)
    state0 = tuple(np.zeros(3) for _ in module.STATE_NAMES)
    _, _, cache = module.forward(params, X, lengths, state0, "tanh")
    dh = rng.standard_normal((2, 3))
    none = (None,) * (len(state0) - 1)
    g1 = {k: np.empty_like(v) for k, v in params.items()}
    g2 = {k: np.empty_like(v) for k, v in params.items()}
    dX1, s1 = module.backward(params, cache, None, (dh,) + none, g1)
    zeros = tuple(np.zeros((2, 3)) for _ in none)
    dX2, s2 = module.backward(params, cache, np.zeros((4, 2, 3)), (dh,) + zeros, g2)
    for name in params:
        assert_allclose(g1[name], g2[name])
    assert_allclose(dX1, dX2)
    assert module.backward(params, cache, None, None, g1, need_dX=False)[0] is None
    assert not any(np.any(g) for g in g1.values())


def reference_gru_step(p, x, h):
    """PyTorch's GRU equations, written out, columns [r | z | n]."""
    H = h.shape[1]
    a_x = x @ p["U"] + p["b"]
    a_h = h @ p["W"] + p["b_rec"]
    r = expit(a_x[:, :H] + a_h[:, :H])
    z = expit(a_x[:, H : 2 * H] + a_h[:, H : 2 * H])
    n = np.tanh(a_x[:, 2 * H :] + r * a_h[:, 2 * H :])
    return ((1 - z) * n + z * h,)


def reference_lstm_step(p, x, h, c):
    """PyTorch's LSTM equations, written out, columns [i | f | g | o]."""
    H = h.shape[1]
    a = x @ p["U"] + h @ p["W"] + p["b"]
    i, f = expit(a[:, :H]), expit(a[:, H : 2 * H])
    g, o = np.tanh(a[:, 2 * H : 3 * H]), expit(a[:, 3 * H :])
    c = f * c + i * g
    return o * np.tanh(c), c


REFERENCE_STEP = {"gru": reference_gru_step, "lstm": reference_lstm_step}


@pytest.mark.parametrize("cell", list(GATED))
def test_cell_follows_the_equations_step_by_step(cell):
    module, step = GATED[cell], REFERENCE_STEP[cell]
    rng = np.random.RandomState(2)
    X, lengths = make_batch(rng, [5, 5, 3, 1], 3)
    params = random_layer(module, 3, 4, rng)
    state = tuple(rng.standard_normal((4, 4)) for _ in module.STATE_NAMES)
    H, final, _ = module.forward(params, X, lengths, state, "tanh")
    for t in range(X.shape[0]):
        new = step(params, X[t], *state)
        running = (t < lengths)[:, None]
        state = tuple(
            np.where(running, s_new, s) for s_new, s in zip(new, state, strict=True)
        )
        assert_allclose(H[t], state[0], rtol=1e-12, atol=1e-14)
    for got, expected in zip(final, state, strict=True):
        assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def params_from_torch(weights, cell, suffix):
    """skrnn's parameters of one layer and direction from PyTorch's.

    ``suffix`` picks them: ``"_l0"``, ``"_l1_reverse"``. Both order the gate
    blocks alike (GRU: r, z, n; LSTM: i, f, g, o); skrnn's weights are the
    transposes, and its LSTM has one bias where PyTorch has two.
    """
    params = {
        "U": weights[f"weight_ih{suffix}"].T,
        "W": weights[f"weight_hh{suffix}"].T,
    }
    if cell == "gru":
        params.update(b=weights[f"bias_ih{suffix}"], b_rec=weights[f"bias_hh{suffix}"])
    else:
        params["b"] = weights[f"bias_ih{suffix}"] + weights[f"bias_hh{suffix}"]
    return params


@pytest.mark.parametrize("cell", list(GATED))
def test_cell_matches_pytorch(cell):
    """With PyTorch's weights copied in, the outputs are PyTorch's."""
    torch = pytest.importorskip("torch")
    module = GATED[cell]
    torch.manual_seed(0)
    net = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell](3, 5).double()
    weights = {k: v.detach().numpy() for k, v in net.named_parameters()}
    params = params_from_torch(weights, cell, "_l0")
    rng = np.random.RandomState(3)
    X = rng.standard_normal((7, 4, 3))
    state0 = tuple(rng.standard_normal((4, 5)) for _ in module.STATE_NAMES)
    H, final, _ = module.forward(params, X, np.full(4, 7), state0, "tanh")
    t_state = tuple(torch.from_numpy(s)[None] for s in state0)
    out, t_final = net(torch.from_numpy(X), t_state[0] if cell == "gru" else t_state)
    assert_allclose(H, out.detach().numpy(), rtol=1e-12, atol=1e-14)
    t_final = (t_final,) if cell == "gru" else t_final
    for got, expected in zip(final, t_final, strict=True):
        assert_allclose(got, expected.detach().numpy()[0], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    "config",
    [
        "gru_1layer",
        "lstm_1layer",
        "gru_2layers_lengths",
        "lstm_2layers_lengths",
        "gru_2layers_bidirectional",
        "lstm_2layers_bidirectional",
    ],
)
def test_stack_matches_the_stored_pytorch_reference(config):
    """PyTorch's outputs and final states, stored, are the stack's (no torch).

    Stacked, bidirectional and variable-length networks with an initial
    state; see tests/data/make_torch_reference.py.
    """
    ref = {
        key.split(".", 1)[1]: value
        for key, value in TORCH_REFERENCE.items()
        if key.startswith(config + ".")
    }
    cell, n_layers = str(ref["cell"]), int(ref["num_layers"])
    directions = ("", "_reverse") if ref["bidirectional"] else ("",)
    X, lengths = ref["X"], ref["lengths"]
    assert X.dtype == ref["output"].dtype == np.float64
    n_hidden = ref["weight_hh_l0"].shape[1]
    layout = make_layout(
        cell, X.shape[2], (n_hidden,) * n_layers, 1, bidirectional=len(directions) == 2
    )
    theta = np.zeros(layout.size)
    layers, _ = unpack(theta, layout)
    for lay, views in enumerate(layers):
        for direction in directions:
            params = params_from_torch(ref, cell, f"_l{lay}{direction}")
            for name, value in params.items():
                views[name + direction][...] = value
    names = GATED[cell].STATE_NAMES  # h (and c): PyTorch's h0 (and c0)
    n_dir = len(directions)

    def per_layer(stacked):  # (layers * directions, N, H) -> (N, directions * H)
        return [
            np.concatenate(stacked[lay * n_dir : (lay + 1) * n_dir], axis=1)
            for lay in range(n_layers)
        ]

    state0 = list(zip(*(per_layer(ref[f"{s}0"]) for s in names), strict=True))
    H, final = hidden_states(
        theta,
        layout,
        X,
        lengths,
        activation="tanh",
        return_sequences=True,
        state0=state0,
    )
    inside = np.arange(X.shape[0])[:, None] < lengths
    assert_allclose(H[inside], ref["output"][inside], rtol=1e-10, atol=1e-12)
    expected = list(zip(*(per_layer(ref[f"{s}_n"]) for s in names), strict=True))
    for got, want in zip(final, expected, strict=True):
        for g, w in zip(got, want, strict=True):
            assert_allclose(g, w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cell", list(GATED))
def test_cell_holds_the_state_of_finished_sequences(cell):
    module = GATED[cell]
    rng = np.random.RandomState(4)
    X, lengths = make_batch(rng, [5, 2, 0], 2, pad=None)
    params = random_layer(module, 2, 3, rng)
    state0 = tuple(rng.standard_normal((3, 3)) for _ in module.STATE_NAMES)
    H, final, _ = module.forward(params, X, lengths, state0, "tanh")
    assert_allclose(H[2:, 1], np.broadcast_to(H[1, 1], (3, 3)))
    assert_allclose(H[:, 2], np.broadcast_to(state0[0][2], (5, 3)))
    assert_allclose(final[0], H[[4, 1, 4], [0, 1, 2]])
    assert_allclose(final[-1][2], state0[-1][2])  # c (or h) of length 0 is c0


@pytest.mark.parametrize("cell", list(GATED))
def test_cell_reads_no_stale_pool_memory(cell):
    """Results do not depend on what the pooled work buffers held before.

    Sequences end at different steps and none runs in the last two: the
    buffers' rows of finished sequences and of idle steps must be written
    before they are read.
    """
    module = GATED[cell]
    rng = np.random.RandomState(7)
    X, lengths = make_batch(rng, [4, 2, 0], 2, T=6, pad=None)
    params = random_layer(module, 2, 3, rng)
    state0 = tuple(rng.standard_normal((3, 3)) for _ in module.STATE_NAMES)
    dH = rng.standard_normal((6, 3, 3))
    d_final = tuple(rng.standard_normal((3, 3)) for _ in module.STATE_NAMES)

    def run(stale):
        POOL.clear()
        POOL.give(*(np.full(10_000, stale) for _ in range(12)))
        H, final, cache = module.forward(params, X, lengths, state0, "tanh")
        grads = {k: np.empty_like(v) for k, v in params.items()}
        dX, d0 = module.backward(params, cache, dH, d_final, grads)
        return [np.array(a) for a in (H, *final, dX, *d0, *grads.values())]

    with np.errstate(invalid="ignore"):
        poisoned = run(np.nan)
    for a, b in zip(poisoned, run(0.0), strict=True):
        assert_allclose(a, b)


def test_gated_initialisation():
    rng = np.random.RandomState(5)
    H = 6
    gru = _gru.init_layer(4, H, rng, np.float32)
    lstm = _lstm.init_layer(4, H, rng, np.float32)
    for params, n_gates in ((gru, 3), (lstm, 4)):
        assert all(v.dtype == np.float32 for v in params.values())
        assert np.abs(params["U"]).max() <= np.sqrt(6 / (4 + H))
        for j in range(n_gates):  # each gate's recurrent block is orthogonal
            block = params["W"][:, j * H : (j + 1) * H]
            assert_allclose(block @ block.T, np.eye(H), atol=1e-5)
    assert not gru["b"].any() and not gru["b_rec"].any()
    expected = np.r_[np.zeros(H), np.ones(H), np.zeros(2 * H)]  # forget bias 1
    assert_allclose(lstm["b"], expected)
    assert _lstm.param_shapes(4, H) == {"U": (4, 24), "W": (6, 24), "b": (24,)}
    assert _gru.param_shapes(4, H)["b_rec"] == (18,)


@pytest.mark.parametrize("cell", list(GATED))
def test_cell_accepts_a_broadcast_initial_state(cell):
    module = GATED[cell]
    rng = np.random.RandomState(6)
    X, lengths = make_batch(rng, [3, 3], 2)
    params = random_layer(module, 2, 3, rng)
    s = tuple(rng.standard_normal(3) for _ in module.STATE_NAMES)
    full = tuple(np.tile(v, (2, 1)) for v in s)
    H1, _, _ = module.forward(params, X, lengths, s, "tanh")
    H2, _, _ = module.forward(params, X, lengths, full, "tanh")
    assert_allclose(H1, H2)


# --------------------------------------------------------------------------
# Bidirectional layers
# --------------------------------------------------------------------------


def test_reverse_within_lengths():
    A = np.arange(12.0).reshape(4, 3, 1)  # T=4, N=3
    lengths = np.array([4, 2, 1])
    t = np.arange(4)[:, None]
    rev = np.where(t < lengths, lengths - 1 - t, t)
    out = reverse_within_lengths(A, rev)
    assert_allclose(out[:, 0, 0], A[::-1, 0, 0])
    assert_allclose(out[:, 1, 0], A[[1, 0, 2, 3], 1, 0])
    assert_allclose(out[:, 2, 0], A[:, 2, 0])
    assert_allclose(reverse_within_lengths(out, rev), A)
    assert_allclose(reverse_within_lengths(A, None), A[::-1])


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
def test_bidirectional_layer_is_two_directions_concatenated(cell):
    """Each sequence alone: forward states, then the reversed run reversed back."""
    module = CELLS[cell]
    bi = Bidirectional(module)
    rng = np.random.RandomState(7)
    X, lengths = make_batch(rng, [6, 4, 1], 2, pad=None)
    params = bi.init_layer(2, 3, rng)
    state0 = tuple(rng.standard_normal((3, 6)) for _ in module.STATE_NAMES)
    H, final, _ = bi.forward(params, X, lengths, state0, "tanh")
    assert H.shape == (6, 3, 6) and all(s.shape == (3, 6) for s in final)
    assert bi.WEIGHT_NAMES[len(module.WEIGHT_NAMES)] == "U_reverse"
    fw, bw = bi._split(params)
    for i, L in enumerate(lengths):
        x = X[:L, i : i + 1]
        s_f = tuple(s[i : i + 1, :3] for s in state0)
        s_b = tuple(s[i : i + 1, 3:] for s in state0)
        H_f, fin_f, _ = module.forward(fw, x, np.array([L]), s_f, "tanh")
        H_b, fin_b, _ = module.forward(bw, x[::-1], np.array([L]), s_b, "tanh")
        assert_allclose(H[:L, i, :3], H_f[:, 0], rtol=1e-12, atol=1e-13)
        assert_allclose(H[:L, i, 3:], H_b[::-1, 0], rtol=1e-12, atol=1e-13)
        # many-to-one reads the forward state at the last step, the backward
        # state at the first; padded steps hold that final state
        assert_allclose(
            final[0][i], np.r_[H_f[-1, 0], H_b[-1, 0]], rtol=1e-12, atol=1e-13
        )
        assert_allclose(final[0][i], np.r_[H[L - 1, i, :3], H[0, i, 3:]])
        for f_got, a, b in zip(final, fin_f, fin_b, strict=True):
            assert_allclose(f_got[i], np.r_[a[0], b[0]], rtol=1e-12, atol=1e-13)
        assert_allclose(H[L:, i], np.broadcast_to(final[0][i], (6 - L, 6)))


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
@pytest.mark.parametrize("lengths", [[4, 4], [5, 3, 1]])
def test_bidirectional_layer_gradients_match_finite_differences(cell, lengths):
    module = CELLS[cell]
    bi = Bidirectional(module)
    rng = np.random.RandomState(8)
    X, lengths = make_batch(rng, lengths, 2)
    N, H = len(lengths), 3
    params = {
        k: v + rng.uniform(-0.3, 0.3, v.shape)
        for k, v in bi.init_layer(2, H, rng).items()
    }
    state0 = tuple(rng.standard_normal((N, 2 * H)) for _ in module.STATE_NAMES)
    R_H = rng.standard_normal((X.shape[0], N, 2 * H))
    R_F = [rng.standard_normal((N, 2 * H)) for _ in module.STATE_NAMES]

    def objective(params, X, state0):
        Hs, final, _ = bi.forward(params, X, lengths, state0, "tanh")
        return np.sum(Hs * R_H) + sum(
            np.sum(s * r) for s, r in zip(final, R_F, strict=True)
        )

    _, _, cache = bi.forward(params, X, lengths, state0, "tanh")
    grads = {k: np.full_like(v, np.nan) for k, v in params.items()}
    dX, d_state0 = bi.backward(params, cache, R_H, tuple(R_F), grads)
    for name in params:

        def f(value, name=name):
            return objective({**params, name: value}, X, state0)

        assert_allclose(grads[name], numerical_gradient(f, params[name]), atol=1e-6)
    assert_allclose(
        dX, numerical_gradient(lambda v: objective(params, v, state0), X), atol=1e-6
    )
    for j, s in enumerate(state0):

        def f0(value, j=j):
            return objective(params, X, state0[:j] + (value,) + state0[j + 1 :])

        assert_allclose(d_state0[j], numerical_gradient(f0, s), atol=1e-6)


# --------------------------------------------------------------------------
# The whole network
# --------------------------------------------------------------------------

SHAPES = {
    "T=1": ([1, 1, 1], (3,)),
    "T>1": ([5, 5], (3,)),
    "stacked, masked": ([5, 2, 4, 1], (3, 2)),
}


def make_network(
    rng,
    cell,
    lengths,
    hidden,
    n_outputs,
    return_sequences,
    *,
    bidirectional=False,
    loss="squared_error",
    n_features=2,
    state0=False,
):
    X, lengths = make_batch(rng, lengths, n_features)
    layout = make_layout(cell, n_features, hidden, n_outputs, bidirectional)
    theta = init_params(layout, rng)
    theta += rng.uniform(-0.1, 0.1, theta.shape)
    T, N = X.shape[:2]
    shape = (T, N, n_outputs) if return_sequences else (N, n_outputs)
    if loss == "squared_error":
        Y = rng.standard_normal(shape)
    else:
        Y = np.eye(n_outputs)[rng.randint(n_outputs, size=shape[:-1])]
    w = rng.uniform(0.5, 2.0, size=shape[:-1])
    if return_sequences:
        w[np.arange(T)[:, None] >= lengths] = 0.0
    states = None
    if state0:
        n_states = len(CELLS[cell].STATE_NAMES)
        states = [
            tuple(rng.standard_normal((N, width)) for _ in range(n_states))
            for width in layout.widths
        ]
    return theta, layout, X, lengths, Y, w, states


NETWORKS = [
    (cell, shape, bidirectional)
    for cell in ("gru", "lstm")
    for shape in SHAPES
    for bidirectional in (False, True)
] + [("elman", "stacked, masked", True)]


@pytest.mark.parametrize("cell, shape, bidirectional", NETWORKS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_loss_and_grad_match_finite_differences(
    cell, shape, bidirectional, return_sequences
):
    rng = np.random.RandomState(42)
    lengths, hidden = SHAPES[shape]
    loss = "log_loss" if return_sequences else "squared_error"
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng,
        cell,
        lengths,
        hidden,
        2,
        return_sequences,
        bidirectional=bidirectional,
        loss=loss,
    )
    kw = dict(
        loss=loss, activation="tanh", return_sequences=return_sequences, alpha=0.0
    )
    value, grad = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    assert np.isfinite(value) and value > 0

    def f(t):
        return loss_and_grad(t, layout, X, lengths, Y, w, **kw)[0]

    assert_allclose(grad, numerical_gradient(f, theta), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_gradient_with_initial_state_and_l2(cell, bidirectional, return_sequences):
    rng = np.random.RandomState(3)
    theta, layout, X, lengths, Y, w, state0 = make_network(
        rng,
        cell,
        [4, 3, 1],
        (3, 2),
        2,
        return_sequences,
        bidirectional=bidirectional,
        state0=True,
    )
    kw = dict(
        loss="squared_error",
        activation="relu",
        return_sequences=return_sequences,
        alpha=0.3,
        state0=state0,
    )
    value, grad = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    zero = loss_and_grad(theta, layout, X, lengths, Y, w, **{**kw, "state0": None})
    assert value != pytest.approx(zero[0])

    def f(t):
        return loss_and_grad(t, layout, X, lengths, Y, w, **kw)[0]

    assert_allclose(grad, numerical_gradient(f, theta), rtol=1e-5, atol=1e-7)


def _states_before(theta, layout, X, lengths, t0):
    """Each layer's state (h, or h and c) after the first ``t0`` steps."""
    module = CELLS[layout.cell]
    layers, _ = unpack(theta, layout)
    run = np.clip(lengths, 0, t0)
    x, states = X[:t0], []
    for params, h in zip(layers, layout.hidden_sizes, strict=True):
        zeros = tuple(np.zeros((X.shape[1], h)) for _ in module.STATE_NAMES)
        if t0 == 0:
            states.append(zeros)
            continue
        x, state, _ = module.forward(params, x, run, zeros, "tanh")
        states.append(state)
    return states


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_truncated_bptt_gradient_of_each_chunk(cell, return_sequences):
    """Each chunk's gradient is that of its own loss, the incoming (h, c) fixed."""
    rng = np.random.RandomState(7)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, cell, [7, 5, 5, 2], (3, 2), 2, return_sequences
    )
    kw = dict(
        loss="squared_error",
        activation="tanh",
        return_sequences=return_sequences,
        alpha=0.01,
    )
    step = 3
    grad = np.empty_like(theta)
    seen = [
        (value, total, grad.copy())
        for value, total in bptt_chunks(
            theta, layout, X, lengths, Y, w, bptt_steps=step, grad=grad, **kw
        )
    ]
    T = X.shape[0]
    ends_in = (lengths - 1) // step
    expected = []
    for chunk, t0 in enumerate(range(0, T, step)):
        t1 = min(t0 + step, T)
        if return_sequences:
            Yc, wc = Y[t0:t1], w[t0:t1]
        else:
            Yc, wc = Y, np.where(ends_in == chunk, w, 0.0)
        if wc.sum() == 0:
            continue
        state0 = _states_before(theta, layout, X, lengths, t0)
        sub = (X[t0:t1], np.clip(lengths - t0, 0, t1 - t0), Yc, wc)

        def f(t, sub=sub, state0=state0):
            return loss_and_grad(t, layout, *sub, state0=state0, **kw)[0]

        expected.append((f(theta), wc.sum(), numerical_gradient(f, theta)))
    assert len(seen) == len(expected) >= 2
    for (value, total, g), (e_value, e_total, e_grad) in zip(
        seen, expected, strict=True
    ):
        assert value == pytest.approx(e_value)
        assert total == pytest.approx(e_total)
        assert_allclose(g, e_grad, rtol=1e-5, atol=1e-7)


def test_truncated_bptt_is_refused_for_bidirectional_layers():
    rng = np.random.RandomState(9)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, "gru", [4, 2], (3,), 1, True, bidirectional=True
    )
    kw = dict(loss="squared_error", activation="tanh", return_sequences=True, alpha=0)
    with pytest.raises(ValueError, match="bidirectional"):
        next(bptt_chunks(theta, layout, X, lengths, Y, w, bptt_steps=2, **kw))


def test_bidirectional_layout():
    layout = make_layout("lstm", 3, (4, 2), 5, bidirectional=True)
    layers, out = unpack(np.zeros(layout.size), layout)
    assert layout.widths == (8, 4)
    assert layers[0]["U"].shape == layers[0]["U_reverse"].shape == (3, 16)
    assert layers[1]["U_reverse"].shape == (8, 8)  # fan-in: both directions
    assert out["coef"].shape == (4, 5)
    size = 2 * (3 * 16 + 4 * 16 + 16) + 2 * (8 * 8 + 2 * 8 + 8) + 4 * 5 + 5
    assert layout.size == size
    assert layout.n_weights == size - 2 * 16 - 2 * 8 - 5  # biases last
    assert make_layout("lstm", 3, (4, 2), 5).widths == (4, 2)


# --------------------------------------------------------------------------
# Padding never changes a result, in either direction
# --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_outputs_do_not_depend_on_padding_or_batch(
    cell, bidirectional, return_sequences
):
    rng = np.random.RandomState(10)
    layout = make_layout(cell, 2, (4, 3), 2, bidirectional)
    theta = init_params(layout, rng) + rng.uniform(-0.2, 0.2, layout.size)
    kw = dict(
        activation="tanh", return_sequences=return_sequences, out_activation="identity"
    )
    X_alone, len_alone = make_batch(rng, [3], 2)
    alone = predict(theta, layout, X_alone, len_alone, **kw)

    # the same sequence, batched with longer ones, padded with noise
    X_big, len_big = make_batch(rng, [8, 3, 6], 2, pad=None)
    X_big[:3, 1] = X_alone[:, 0]
    batched = predict(theta, layout, X_big, len_big, **kw)
    X_other = X_big.copy()
    X_other[3:, 1] = 1e3
    X_other[6:, 2] = -7.0
    other = predict(theta, layout, X_other, len_big, **kw)
    if return_sequences:
        assert_allclose(batched[:3, 1], alone[:, 0], rtol=1e-12, atol=1e-13)
        for i, L in enumerate(len_big):
            assert_allclose(other[:L, i], batched[:L, i], rtol=1e-12, atol=1e-13)
    else:
        assert_allclose(batched[1], alone[0], rtol=1e-12, atol=1e-13)
        assert_allclose(other, batched, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_loss_and_grad_do_not_depend_on_padding_or_order(cell, bidirectional):
    rng = np.random.RandomState(11)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng,
        cell,
        [7, 2, 5],
        (3,),
        3,
        True,
        bidirectional=bidirectional,
        loss="log_loss",
    )
    kw = dict(loss="log_loss", activation="tanh", return_sequences=True, alpha=1e-2)
    reference = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    X_noise = X.copy()
    X_noise[2:, 1] = rng.standard_normal(X_noise[2:, 1].shape) * 100
    perm = np.array([2, 0, 1])
    permuted = loss_and_grad(
        theta, layout, X_noise[:, perm], lengths[perm], Y[:, perm], w[:, perm], **kw
    )
    assert permuted[0] == pytest.approx(reference[0], rel=1e-12)
    assert_allclose(permuted[1], reference[1], rtol=1e-10, atol=1e-14)


# --------------------------------------------------------------------------
# Forward paths, dtype
# --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_predict_agrees_with_the_loss(cell, bidirectional):
    rng = np.random.RandomState(12)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, cell, [5, 3, 4], (4, 3), 2, True, bidirectional=bidirectional
    )
    kw = dict(activation="tanh", return_sequences=True)
    value, _ = loss_and_grad(
        theta, layout, X, lengths, Y, w, loss="squared_error", alpha=0.0, **kw
    )
    P = predict(theta, layout, X, lengths, out_activation="identity", **kw)
    per_target = 0.5 * ((P - Y) ** 2).sum(-1)
    assert value == pytest.approx((per_target * w).sum() / w.sum())
    blocked = predict(
        theta, layout, X, lengths, out_activation="identity", block=2, **kw
    )
    assert_allclose(blocked, P, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_float32_is_computed_in_float32(cell, bidirectional):
    rng = np.random.RandomState(13)
    theta, layout, X, lengths, Y, w, _ = make_network(
        rng, cell, [5, 3], (4,), 3, True, bidirectional=bidirectional, loss="log_loss"
    )
    kw = dict(loss="log_loss", activation="tanh", return_sequences=True, alpha=1e-3)
    v64, g64 = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    f32 = [a.astype(np.float32) for a in (theta, X, Y, w)]
    v32, g32 = loss_and_grad(f32[0], layout, f32[1], lengths, f32[2], f32[3], **kw)
    assert g32.dtype == np.float32
    assert v32 == pytest.approx(v64, rel=1e-5)
    assert_allclose(g32, g64, rtol=1e-3, atol=1e-5)
    P = predict(
        f32[0],
        layout,
        f32[1],
        lengths,
        activation="tanh",
        return_sequences=True,
        out_activation="softmax",
    )
    assert P.dtype == np.float32
