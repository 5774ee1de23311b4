"""Known future inputs of the encoder–decoder: gradients, known answers, errors.

The decoder's input at step s is ``[fed-back output, x_future_s]``. The
gradient gate checks it by central finite differences in float64 for every
cell, teacher forcing, free running and a mix, with masked input and output
lengths and noise (not zeros) in the padding. The known answer is a target
that depends on a future input only the decoder sees: without ``X_future``
no model can learn it, with it R² > 0.9.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from _gradcheck import numerical_gradient
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

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


# --------------------------------------------------------------------------
# The estimator: a known answer
# --------------------------------------------------------------------------


def decoder_only_problem(rng, n, n_out=6):
    """y_s = 0.5 x_{T-1} + f_s: encoder information plus a future input."""
    X = rng.uniform(-1, 1, size=(n, 8, 1))
    F = rng.uniform(-1, 1, size=(n, n_out, 1))
    return X, F, 0.5 * X[:, -1:, 0] + F[..., 0]


X_TRAIN, F_TRAIN, Y_TRAIN = decoder_only_problem(np.random.default_rng(0), 400)
X_TEST, F_TEST, Y_TEST = decoder_only_problem(np.random.default_rng(1), 200)


@pytest.mark.parametrize(
    "cell, teacher_forcing",
    [("elman", True), ("gru", True), ("lstm", True), ("gru", False)],
)
def test_a_future_input_only_the_decoder_sees_is_learned(cell, teacher_forcing):
    """Without X_future the future input is noise (R² < 0.3); with it R² > 0.9."""
    params = dict(
        hidden_layer_sizes=(16,),
        cell=cell,
        teacher_forcing=teacher_forcing,
        learning_rate_init=0.01,
        max_iter=60,
        random_state=0,
    )
    blind = Seq2SeqRegressor(**params).fit(X_TRAIN, Y_TRAIN)
    seeing = Seq2SeqRegressor(**params).fit(X_TRAIN, Y_TRAIN, X_future=F_TRAIN)
    assert blind.score(X_TEST, Y_TEST) < 0.3
    assert seeing.score(X_TEST, Y_TEST, X_future=F_TEST) > 0.9
    assert seeing.n_future_features_in_ == 1 and blind.n_future_features_in_ == 0


# --------------------------------------------------------------------------
# The estimator: forms, steps, training modes
# --------------------------------------------------------------------------

SMALL = dict(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
rng0 = np.random.default_rng(2)
X_RAGGED = [rng0.normal(size=(L, 2)) for L in (6, 3, 5, 2)]
Y_RAGGED = [rng0.normal(size=S) for S in (3, 1, 2, 4)]
F_RAGGED = [rng0.normal(size=(S, 2)) for S in (3, 1, 2, 4)]


def long_frame(seqs, order=None):
    order = range(len(seqs)) if order is None else order
    rows = [(f"s{i}", t) for i in order for t in range(len(seqs[i]))]
    values = np.vstack([np.reshape(seqs[i], (len(seqs[i]), -1)) for i in order])
    return pd.DataFrame(values, index=pd.MultiIndex.from_tuples(rows))


def test_future_input_forms_give_identical_fits():
    """A 3-D array, a list, a 2-D table and a long DataFrame are one problem."""
    X, F = X_TRAIN[:20], F_TRAIN[:20, :3]
    y = Y_TRAIN[:20, :3]
    expected = Seq2SeqRegressor(**SMALL).fit(X, y, X_future=F).predict(X, X_future=F)
    for form in (list(F), F[..., 0], list(F[..., 0])):
        reg = Seq2SeqRegressor(**SMALL).fit(X, y, X_future=form)
        assert_array_equal(reg.predict(X, X_future=F), expected)
    # long frames, X_future's sequences in reverse order: matched by id
    X_frame, F_frame = long_frame(list(X)), long_frame(list(F), order=range(19, -1, -1))
    reg = Seq2SeqRegressor(**SMALL).fit(X_frame, y, X_future=F_frame)
    assert_allclose(np.array(reg.predict(X_frame, X_future=F_frame)), expected)


def test_long_frames_of_future_inputs_with_ragged_outputs():
    X, F = long_frame(X_RAGGED), long_frame(F_RAGGED, order=[3, 1, 0, 2])
    y = long_frame(Y_RAGGED, order=[2, 0, 1, 3])[0]
    reg = Seq2SeqRegressor(**SMALL).fit(X, y, X_future=F)
    expected = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    got = reg.predict(X, X_future=F)  # each sequence as many steps as its F
    assert [len(p) for p in got] == [3, 1, 2, 4]
    for a, b in zip(got, expected.predict(X_RAGGED, X_future=F_RAGGED), strict=True):
        assert_allclose(a, b)
    unknown = F.rename(index={"s0": "s9"}, level=0)
    with pytest.raises(ValueError, match="sequence ids of X_future differ"):
        reg.predict(X, X_future=unknown)


def test_prediction_steps_come_from_x_future_or_n_steps():
    reg = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    F5 = rng0.normal(size=(4, 5, 2))
    assert reg.predict(X_RAGGED, X_future=F5).shape == (4, 5)
    assert_array_equal(
        reg.predict(X_RAGGED, 5, X_future=F5), reg.predict(X_RAGGED, X_future=F5)
    )
    ragged = reg.predict(X_RAGGED, X_future=F_RAGGED)
    assert [p.shape for p in ragged] == [(3,), (1,), (2,), (4,)]
    per_sequence = reg.predict(X_RAGGED, n_steps=[3, 1, 2, 4], X_future=F_RAGGED)
    for a, b in zip(per_sequence, ragged, strict=True):
        assert_array_equal(a, b)
    # a future input changes the outputs from its own step on, never before
    changed = F5.copy()
    changed[:, 2] += 1.0
    a, b = reg.predict(X_RAGGED, X_future=F5), reg.predict(X_RAGGED, X_future=changed)
    assert_array_equal(a[:, :2], b[:, :2])
    assert (a[:, 2:] != b[:, 2:]).all()


def test_scalar_targets_with_one_future_step_keep_their_shape():
    X = X_TRAIN[:10]
    reg = Seq2SeqRegressor(**SMALL).fit(X, Y_TRAIN[:10, 0], X_future=F_TRAIN[:10, :1])
    assert reg.predict(X, X_future=F_TRAIN[:10, :1]).shape == (10,)
    assert reg.predict(X, X_future=F_TRAIN[:10, :3]).shape == (10, 3)


def test_prediction_with_future_inputs_unchanged_when_batched():
    """Sorting the batch by input length moves the future inputs along."""
    reg = Seq2SeqRegressor((4, 3), cell="lstm", max_iter=2, random_state=0)
    reg.fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    F4 = rng0.normal(size=(4, 4, 2))
    together = reg.predict(X_RAGGED, X_future=F4)
    alone = np.vstack(
        [reg.predict([x], X_future=f[None]) for x, f in zip(X_RAGGED, F4, strict=True)]
    )
    assert_allclose(together, alone, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_training_modes_carry_the_future_inputs(solver):
    """Free running, early stopping and L-BFGS all see X_future."""
    params = dict(hidden_layer_sizes=(16,), cell="gru", random_state=0, solver=solver)
    if solver == "adam":
        params.update(early_stopping=True, learning_rate_init=0.01, max_iter=40)
    else:
        params.update(teacher_forcing=False, max_iter=60)
    reg = Seq2SeqRegressor(**params).fit(
        X_TRAIN[:200], Y_TRAIN[:200], X_future=F_TRAIN[:200]
    )
    assert reg.score(X_TEST, Y_TEST, X_future=F_TEST) > 0.9
    if solver == "adam":
        assert reg.best_validation_score_ > 0.9


def test_warm_start_and_partial_fit_keep_the_future_inputs():
    reg = Seq2SeqRegressor(**{**SMALL, "warm_start": True})
    reg.fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED).fit(
        X_RAGGED, Y_RAGGED, X_future=F_RAGGED
    )
    assert reg.n_iter_ == len(reg.loss_curve_) == 6
    with pytest.raises(ValueError, match="fit needs X_future too"):
        reg.fit(X_RAGGED, Y_RAGGED)
    online = Seq2SeqRegressor(**SMALL)
    for _ in range(3):
        online.partial_fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    assert online.n_iter_ == 3 and online.loss_curve_[-1] < online.loss_curve_[0]
    with pytest.raises(ValueError, match="partial_fit needs X_future too"):
        online.partial_fit(X_RAGGED, Y_RAGGED)
    plain = Seq2SeqRegressor(**SMALL).partial_fit(X_RAGGED, Y_RAGGED)
    with pytest.raises(ValueError, match="fitted without future inputs"):
        plain.partial_fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    # a fresh fit may change its mind
    assert plain.fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED).n_future_features_in_ == 2


def test_fit_with_future_inputs_is_deterministic_and_survives_clone_and_pickle():
    reg = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    first = reg.predict(X_RAGGED, 3, X_future=[f[:1].repeat(3, 0) for f in F_RAGGED])
    again = clone(reg).fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    F3 = [f[:1].repeat(3, 0) for f in F_RAGGED]
    assert_array_equal(again.predict(X_RAGGED, 3, X_future=F3), first)
    assert_array_equal(
        pickle.loads(pickle.dumps(reg)).predict(X_RAGGED, 3, X_future=F3), first
    )


def test_float32_future_inputs_are_computed_in_float32():
    X = X_TRAIN[:10].astype(np.float32)
    F = F_TRAIN[:10].astype(np.float32)
    reg = Seq2SeqRegressor(**SMALL).fit(X, Y_TRAIN[:10].astype(np.float32), X_future=F)
    assert reg.decoder_layers_[0]["U"].dtype == np.float32
    assert reg.decoder_layers_[0]["U"].shape == (2, 5)  # 1 output + 1 future input
    assert reg.predict(X, X_future=F).dtype == np.float32


# --------------------------------------------------------------------------
# Bad X_future
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "X_future, message",
    [
        (F_RAGGED[:3], "X holds 4 sequences but X_future holds 3"),
        ([f[:, :1] for f in F_RAGGED], "X_future has 1 features per step, but .* 2"),
        (
            [F_RAGGED[0][:2], *F_RAGGED[1:]],
            "X_future has 2 steps for sequence 0 but y has 3 output steps",
        ),
        ([np.full((3, 2), np.nan), *F_RAGGED[1:]], "X_future contains NaN"),
        ([np.ones((0, 2)), *F_RAGGED[1:]], "Sequence 0 of X_future has length 0"),
        (np.ones((4, 4, 2, 1)), "X_future has 4 dimensions"),
    ],
)
def test_bad_x_future_gets_a_clear_error(X_future, message):
    reg = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    with pytest.raises(ValueError, match=message):
        reg.score(X_RAGGED, Y_RAGGED, X_future=X_future)
    if "features per step" not in message and "y has" not in message:
        with pytest.raises(ValueError, match=message):
            Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED, X_future=X_future)


def test_x_future_given_exactly_when_fit_had_it():
    with_future = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    without = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED)
    for method in ("predict", "score"):
        args = (X_RAGGED,) if method == "predict" else (X_RAGGED, Y_RAGGED)
        with pytest.raises(
            ValueError, match=f"fitted with X_future .*: {method} needs"
        ):
            getattr(with_future, method)(*args)
        with pytest.raises(ValueError, match="fitted without future inputs"):
            getattr(without, method)(*args, X_future=F_RAGGED)


def test_x_future_must_cover_exactly_n_steps():
    reg = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED, X_future=F_RAGGED)
    F5 = np.ones((4, 5, 2))
    with pytest.raises(
        ValueError, match="X_future has 5 steps for sequence 0 but n_steps asks for 3"
    ):
        reg.predict(X_RAGGED, n_steps=3, X_future=F5)
    with pytest.raises(
        ValueError, match="X_future has 3 steps for sequence 0 but n_steps asks for 1"
    ):
        reg.predict(X_RAGGED, n_steps=[1, 1, 2, 4], X_future=F_RAGGED)


def test_grid_search_routes_x_future_to_fit_and_score():
    """With metadata routing, GridSearchCV slices X_future with each fold."""
    est = Seq2SeqRegressor(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=40, random_state=0
    )
    with config_context(enable_metadata_routing=True):
        est = est.set_fit_request(X_future=True).set_score_request(X_future=True)
        search = GridSearchCV(est, {"cell": ["elman", "gru"]}, cv=2)
        search.fit(X_TRAIN[:200], Y_TRAIN[:200], X_future=F_TRAIN[:200])
    assert search.best_score_ > 0.9
