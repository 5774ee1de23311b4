"""The encoder–decoder: gradients, known answers, input forms and errors.

The gradient gate checks backpropagation through the decoder, the state
handed over and the encoder by central finite differences in float64 -- every
cell, stacked and bidirectional encoders, masked input and output lengths,
teacher forcing, free running and a mix of the two, the L2 penalty and the
start token. The known answer is a multi-horizon forecast of a sum of two
sines that a seasonal-naive forecast cannot make.
"""

import pickle

import numpy as np
import pandas as pd
import pytest
from _gradcheck import numerical_gradient
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from skrnn._nn._seq2seq import init_params, loss_and_grad, make_layout, predict
from skrnn._rnn._seq2seq import Seq2SeqRegressor

CELLS = ["elman", "gru", "lstm"]

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def ragged_problem(rng, in_lengths, out_lengths, n_features=2, n_outputs=2):
    """Time-major inputs and outputs with noise (not zeros) in the padding."""
    in_lengths = np.asarray(in_lengths, dtype=np.int64)
    out_lengths = np.asarray(out_lengths, dtype=np.int64)
    T, S, N = in_lengths.max(), out_lengths.max(), len(in_lengths)
    X = rng.standard_normal((T, N, n_features))
    Y = rng.standard_normal((S, N, n_outputs))
    w = rng.uniform(0.5, 2.0, size=(S, N))
    w[np.arange(S)[:, None] >= out_lengths] = 0.0
    return X, in_lengths, Y, w


def perturbed_params(layout, rng):
    """Random parameters away from the initialisation (start token included)."""
    theta = init_params(layout, rng)
    theta += 0.3 * rng.standard_normal(theta.shape)
    return theta


# --------------------------------------------------------------------------
# The gradient gate
# --------------------------------------------------------------------------

FEEDS = ["teacher_forcing", "free_running", "mixed"]


def make_feed(kind, rng, S, N):
    if kind == "teacher_forcing":
        return None
    if kind == "free_running":
        return np.zeros((S, N), dtype=bool)
    return rng.uniform(size=(S, N)) < 0.5


def check_gradient(layout, rng, in_lengths, out_lengths, feed_kind, activation):
    theta = perturbed_params(layout, rng)
    X, lengths, Y, w = ragged_problem(
        rng, in_lengths, out_lengths, layout.encoder.n_features, layout.n_outputs
    )
    feed = make_feed(feed_kind, rng, *w.shape)

    def loss(t):
        return loss_and_grad(
            t, layout, X, lengths, Y, w, activation=activation, alpha=0.1, feed=feed
        )[0]

    _, grad = loss_and_grad(
        theta, layout, X, lengths, Y, w, activation=activation, alpha=0.1, feed=feed
    )
    assert_allclose(grad, numerical_gradient(loss, theta), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("feed_kind", FEEDS)
@pytest.mark.parametrize("cell", CELLS)
def test_gradient_stacked_masked(cell, feed_kind):
    """Two layers; input lengths 5, 3, 1, 4 and output lengths 4, 2, 3, 1."""
    rng = np.random.RandomState(0)
    layout = make_layout(cell, 2, (3, 2), 2)
    check_gradient(layout, rng, [5, 3, 1, 4], [4, 2, 3, 1], feed_kind, "tanh")


@pytest.mark.parametrize("feed_kind", ["teacher_forcing", "free_running"])
@pytest.mark.parametrize("cell", CELLS)
def test_gradient_bidirectional_encoder(cell, feed_kind):
    rng = np.random.RandomState(1)
    layout = make_layout(cell, 2, (3,), 1, bidirectional=True)
    check_gradient(layout, rng, [4, 2, 3], [3, 3, 1], feed_kind, "tanh")


@pytest.mark.parametrize("activation", ["relu", "logistic", "identity"])
def test_gradient_other_activations(activation):
    rng = np.random.RandomState(2)
    layout = make_layout("elman", 1, (3,), 1)
    check_gradient(layout, rng, [4, 2], [3, 2], "free_running", activation)


def test_gradient_single_steps():
    """T = 1 input step and S = 1 output step: the start token alone feeds in."""
    rng = np.random.RandomState(3)
    layout = make_layout("lstm", 1, (2,), 1)
    check_gradient(layout, rng, [1, 1], [1, 1], "teacher_forcing", "tanh")


@pytest.mark.parametrize("cell", CELLS)
def test_teacher_forcing_one_pass_equals_step_by_step(cell):
    """The one-pass decoder and the step loop fed every true output agree."""
    rng = np.random.RandomState(4)
    layout = make_layout(cell, 2, (3, 2), 2)
    theta = perturbed_params(layout, rng)
    X, lengths, Y, w = ragged_problem(rng, [5, 3, 4], [4, 2, 3])
    kwargs = dict(activation="tanh", alpha=0.01)
    one_pass = loss_and_grad(theta, layout, X, lengths, Y, w, **kwargs)
    feed = np.ones(w.shape, dtype=bool)
    steps = loss_and_grad(theta, layout, X, lengths, Y, w, feed=feed, **kwargs)
    assert one_pass[0] == pytest.approx(steps[0], rel=1e-12)
    assert_allclose(one_pass[1], steps[1], rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("feed_kind", FEEDS)
def test_padding_never_changes_loss_or_gradient(feed_kind):
    """Any values past each input or output length: same loss and gradient."""
    rng = np.random.RandomState(5)
    layout = make_layout("gru", 2, (3,), 2)
    theta = perturbed_params(layout, rng)
    X, lengths, Y, w = ragged_problem(rng, [5, 2, 4], [1, 3, 2])
    feed = make_feed(feed_kind, rng, *w.shape)
    X2, Y2 = X.copy(), Y.copy()
    X2[np.arange(len(X))[:, None] >= lengths] = 99.0
    Y2[w == 0] = -99.0
    kwargs = dict(activation="tanh", alpha=0.01, feed=feed)
    a = loss_and_grad(theta, layout, X, lengths, Y, w, **kwargs)
    b = loss_and_grad(theta, layout, X2, lengths, Y2, w, **kwargs)
    assert a[0] == pytest.approx(b[0], rel=1e-12)
    assert_allclose(a[1], b[1], rtol=1e-10, atol=1e-14)


def test_free_running_prediction_is_the_free_running_forward():
    """``predict`` emits what the free-running loss compares with y."""
    rng = np.random.RandomState(6)
    layout = make_layout("lstm", 2, (3,), 1)
    theta = perturbed_params(layout, rng)
    X, lengths, _, _ = ragged_problem(rng, [4, 2, 3], [3, 3, 3], n_outputs=1)
    P = predict(theta, layout, X, lengths, 3, activation="tanh")
    w = np.ones((3, 3))
    zero_feed = np.zeros((3, 3), dtype=bool)
    value, _ = loss_and_grad(
        theta, layout, X, lengths, P, w, activation="tanh", alpha=0, feed=zero_feed
    )
    assert value == pytest.approx(0.0, abs=1e-20)


# --------------------------------------------------------------------------
# Known answers
# --------------------------------------------------------------------------

SIGMA = 0.1


def sum_of_sines(n, rng, n_in=48, n_out=12):
    """Windows of a1 sin(2πt/12 + φ1) + a2 sin(2πt/7.3 + φ2) + σ ε."""
    t = np.arange(n_in + n_out) + rng.integers(0, 1000, size=(n, 1))
    a1, a2 = rng.uniform(0.5, 1.5, (n, 1)), rng.uniform(0.3, 1.0, (n, 1))
    p1, p2 = rng.uniform(0, 2 * np.pi, (2, n, 1))
    s = a1 * np.sin(2 * np.pi * t / 12 + p1) + a2 * np.sin(2 * np.pi * t / 7.3 + p2)
    s += SIGMA * rng.standard_normal(s.shape)
    return s[:, :n_in], s[:, n_in:]


def test_forecast_beats_seasonal_naive_by_four_times():
    """Encode 48 steps, emit 12: MSE below a quarter of seasonal-naive's.

    The seasonal-naive forecast (the value 12 steps earlier) is exact on the
    period-12 sine but misses the period-7.3 one: its error there has
    variance a2² (1 - cos(2π·12/7.3)) ≈ 1.62 a2², about 0.75 on average, plus
    2σ² = 0.02 of noise. The best possible forecast pays only σ² = 0.01. A
    ratio below 0.25 therefore means the network learned the second sine
    from the 48 steps it read; it reaches about 0.07 here.
    """
    rng = np.random.default_rng(0)
    X_train, y_train = sum_of_sines(300, rng)
    X_test, y_test = sum_of_sines(300, rng)
    reg = Seq2SeqRegressor(
        (24,), learning_rate_init=0.01, batch_size=32, max_iter=20, random_state=0
    ).fit(X_train, y_train)
    forecast = reg.predict(X_test)
    assert forecast.shape == (300, 12)
    mse = np.mean((forecast - y_test) ** 2)
    naive = np.mean((X_test[:, -12:] - y_test) ** 2)
    assert naive == pytest.approx(0.77, abs=0.05)  # the analysis above
    assert SIGMA**2 < mse < 0.25 * naive


def lines(rng, in_lengths, out_lengths):
    """Lines of random level and slope, continued for each output length."""
    X, y = [], []
    for n_in, n_out in zip(in_lengths, out_lengths, strict=True):
        level, slope = rng.uniform(-1, 1), rng.uniform(-0.2, 0.2)
        t = np.arange(n_in + n_out)
        X.append(level + slope * t[:n_in])
        y.append(level + slope * t[n_in:])
    return X, y


def test_variable_input_and_output_lengths_are_learned():
    """Inputs of 4-9 steps, outputs of 1-6 steps, both ragged lists."""
    rng = np.random.default_rng(1)
    X, y = lines(rng, rng.integers(4, 10, 400), rng.integers(1, 7, 400))
    reg = Seq2SeqRegressor(
        (16,), learning_rate_init=0.01, batch_size=32, max_iter=40, random_state=0
    ).fit(X, y)
    assert reg.n_steps_ == 6
    X_test, y_test = lines(rng, rng.integers(4, 10, 100), rng.integers(1, 7, 100))
    lengths = [len(s) for s in y_test]
    predicted = reg.predict(X_test, n_steps=lengths)
    assert [len(p) for p in predicted] == lengths
    assert all(p.ndim == 1 for p in predicted)
    residual = np.concatenate(predicted) - np.concatenate(y_test)
    assert np.mean(residual**2) < 0.05 * np.var(np.concatenate(y_test))
    assert reg.score(X_test, y_test) > 0.95


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("cell", CELLS)
def test_every_cell_and_solver_learns_to_extrapolate(cell, solver):
    rng = np.random.default_rng(2)
    X, y = lines(rng, [6] * 150, [3] * 150)
    reg = Seq2SeqRegressor(
        (8,),
        cell=cell,
        solver=solver,
        learning_rate_init=0.1 if solver == "sgd" else 0.01,
        max_iter=60,
        batch_size=25,
        random_state=0,
    ).fit(np.array(X), np.array(y))
    assert reg.score(np.array(X), np.array(y)) > 0.9


@pytest.mark.parametrize("cell", CELLS)
def test_free_running_training_learns(cell):
    rng = np.random.default_rng(3)
    X, y = lines(rng, [6] * 150, [3] * 150)
    reg = Seq2SeqRegressor(
        (8,),
        cell=cell,
        teacher_forcing=False,
        learning_rate_init=0.01,
        max_iter=60,
        batch_size=25,
        random_state=0,
    ).fit(np.array(X), np.array(y))
    assert reg.score(np.array(X), np.array(y)) > 0.9


# --------------------------------------------------------------------------
# The estimator: shapes, forms, determinism
# --------------------------------------------------------------------------

rng0 = np.random.default_rng(10)
X_RAGGED = [rng0.normal(size=(n, 2)) for n in (5, 3, 7, 4, 6)]
Y_RAGGED = [rng0.normal(size=(k,)) for k in (2, 4, 1, 3, 2)]
SMALL = dict(hidden_layer_sizes=(6,), max_iter=3, random_state=0)


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_prediction_unchanged_when_batched_with_longer_sequences(cell, bidirectional):
    reg = Seq2SeqRegressor(
        (5, 4), cell=cell, bidirectional=bidirectional, max_iter=2, random_state=0
    ).fit(X_RAGGED, Y_RAGGED)
    together = reg.predict(X_RAGGED, n_steps=5)
    alone = np.vstack([reg.predict([x], n_steps=5) for x in X_RAGGED])
    assert_allclose(together, alone, rtol=1e-12, atol=1e-14)


def test_prediction_shapes_follow_y():
    X = rng0.normal(size=(8, 5, 2))
    scalar = Seq2SeqRegressor(**SMALL).fit(X, np.arange(8.0))
    assert scalar.predict(X).shape == (8,)
    assert scalar.predict(X, n_steps=4).shape == (8, 4)
    univariate = Seq2SeqRegressor(**SMALL).fit(X, np.ones((8, 3)))
    assert univariate.n_steps_ == 3
    assert univariate.predict(X).shape == (8, 3)
    assert univariate.predict(X, n_steps=1).shape == (8, 1)
    multi = Seq2SeqRegressor(**SMALL).fit(X, np.ones((8, 3, 2)))
    assert multi.predict(X).shape == (8, 3, 2)
    assert [p.shape for p in multi.predict(X[:2], n_steps=[1, 4])] == [(1, 2), (4, 2)]
    assert multi.predict(X[:, :2]).shape == (8, 3, 2)  # inputs of any length


def test_output_forms_give_identical_fits():
    """2-D y, a list of 1-D arrays, 3-D y and a long Series are one problem."""
    X = rng0.normal(size=(6, 4))
    y = rng0.normal(size=(6, 3))
    index = pd.MultiIndex.from_product([range(6), range(3)])
    forms = [y, list(y), y[:, :, None], pd.Series(y.ravel(), index=index)]
    predictions = [Seq2SeqRegressor(**SMALL).fit(X, f).predict(X) for f in forms]
    for p in predictions[1:3]:
        assert_array_equal(p.reshape(6, 3), predictions[0])
    assert_array_equal(predictions[3], predictions[0])


def test_long_dataframes_are_aligned_by_sequence_id():
    X = pd.DataFrame(
        np.vstack(X_RAGGED),
        index=pd.MultiIndex.from_tuples(
            [(f"s{i}", t) for i, x in enumerate(X_RAGGED) for t in range(len(x))]
        ),
    )
    # y's sequences come last first: they are matched to X's by id
    rows = [
        (f"s{i}", t, v)
        for i, y in reversed(list(enumerate(Y_RAGGED)))
        for t, v in enumerate(y)
    ]
    y = pd.Series(
        [v for *_, v in rows],
        index=pd.MultiIndex.from_tuples([r[:2] for r in rows]),
    )
    expected = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED).predict(X_RAGGED)
    assert_allclose(Seq2SeqRegressor(**SMALL).fit(X, y).predict(X), expected)
    unknown = y.rename(index={"s0": "s9"}, level=0)
    with pytest.raises(ValueError, match="sequence ids of y differ from those of X"):
        Seq2SeqRegressor(**SMALL).fit(X, unknown)


def test_fit_is_deterministic_and_survives_clone_and_pickle():
    reg = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED)
    first = reg.predict(X_RAGGED)
    assert_array_equal(clone(reg).fit(X_RAGGED, Y_RAGGED).predict(X_RAGGED), first)
    assert_array_equal(pickle.loads(pickle.dumps(reg)).predict(X_RAGGED), first)
    other = Seq2SeqRegressor(**{**SMALL, "random_state": 1})
    assert not np.allclose(other.fit(X_RAGGED, Y_RAGGED).predict(X_RAGGED), first)


def test_float32_is_computed_in_float32():
    X = rng0.normal(size=(10, 4, 2)).astype(np.float32)
    y = rng0.normal(size=(10, 3, 2)).astype(np.float32)
    reg = Seq2SeqRegressor(**SMALL).fit(X, y)
    assert reg.encoder_layers_[0]["U"].dtype == np.float32
    assert reg.predict(X).dtype == np.float32


def test_learned_weights_are_exposed():
    reg = Seq2SeqRegressor(
        (4, 3), cell="gru", bidirectional=True, max_iter=1, random_state=0
    ).fit(X_RAGGED, Y_RAGGED)
    assert [layer["W"].shape for layer in reg.encoder_layers_] == [(4, 12), (3, 9)]
    # decoder layers have the width of the encoder's bidirectional states
    assert [layer["U"].shape for layer in reg.decoder_layers_] == [(1, 24), (8, 18)]
    assert len(reg.layers_) == 4
    assert reg.out_coef_.shape == (6, 1)
    assert reg.out_intercept_.shape == reg.start_token_.shape == (1,)


def test_warm_start_and_partial_fit_continue_training():
    reg = Seq2SeqRegressor(**{**SMALL, "warm_start": True}).fit(X_RAGGED, Y_RAGGED)
    reg.fit(X_RAGGED, Y_RAGGED)
    assert reg.n_iter_ == len(reg.loss_curve_) == 6
    online = Seq2SeqRegressor(**SMALL)
    for _ in range(3):
        online.partial_fit(X_RAGGED, Y_RAGGED)
    assert online.n_iter_ == 3
    assert online.loss_curve_[-1] < online.loss_curve_[0]
    assert not hasattr(Seq2SeqRegressor(solver="lbfgs"), "partial_fit")


def test_early_stopping_scores_free_running_predictions():
    rng = np.random.default_rng(4)
    X, y = lines(rng, [6] * 100, [3] * 100)
    reg = Seq2SeqRegressor(
        (8,), early_stopping=True, learning_rate_init=0.01, max_iter=15, random_state=0
    ).fit(np.array(X), np.array(y))
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ == max(reg.validation_scores_)


def test_gradient_clipping_bounds_every_update():
    """Plain SGD with a step of 1: each update is the clipped gradient."""
    reg = Seq2SeqRegressor(
        (6,),
        solver="sgd",
        learning_rate_init=1.0,
        momentum=0.0,
        nesterovs_momentum=False,
        max_grad_norm=1e-3,
        random_state=0,
    )
    reg.partial_fit(X_RAGGED, [100 * y for y in Y_RAGGED])
    before = reg._theta.copy()
    reg.partial_fit(X_RAGGED, [100 * y for y in Y_RAGGED])  # one batch: one update
    assert np.linalg.norm(reg._theta - before) == pytest.approx(1e-3, rel=1e-6)


def test_convergence_warning_at_max_iter():
    with pytest.warns(ConvergenceWarning):
        Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "y, message",
    [
        (Y_RAGGED[:4], "X holds 5 sequences but y has 4"),
        ([np.array([]), *Y_RAGGED[1:]], "Sequence 0 of y has length 0"),
        ([np.array([1.0, np.nan]), *Y_RAGGED[1:]], "Input y contains NaN"),
        (np.full((5, 2), np.inf), "Input y contains infinity"),
        (np.ones((5, 2, 2, 2)), "y has 4 dimensions"),
        (
            [np.ones((2, 2)), np.ones((2, 3))] + [np.ones((2, 2))] * 3,
            "Sequence 1 of y has 3 outputs per time step",
        ),
        (None, "requires y to be passed"),
    ],
)
def test_bad_y_gets_a_clear_error(y, message):
    with pytest.raises(ValueError, match=message):
        Seq2SeqRegressor(**SMALL).fit(X_RAGGED, y)


@pytest.mark.parametrize("n_steps", [0, 2.5, [1, 2], [[1] * 5], [0, 1, 1, 1, 1]])
def test_bad_n_steps_gets_a_clear_error(n_steps):
    reg = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED)
    with pytest.raises(ValueError, match="n_steps must be"):
        reg.predict(X_RAGGED, n_steps=n_steps)


def test_mismatched_shapes_after_fit_get_clear_errors():
    reg = Seq2SeqRegressor(**SMALL).fit(X_RAGGED, Y_RAGGED)
    with pytest.raises(ValueError, match="X has 3 features per time step"):
        reg.predict([np.ones((4, 3))])
    with pytest.raises(ValueError, match="y has 2 outputs per step"):
        reg.score(X_RAGGED, [np.ones((2, 2))] * 5)
    with pytest.raises(ValueError, match="refit without warm_start"):
        reg.set_params(warm_start=True).fit(X_RAGGED, [np.ones((2, 2))] * 5)
    with pytest.raises(ValueError, match="zero total weight"):
        clone(reg).fit(X_RAGGED, Y_RAGGED, sample_weight=np.zeros(5))
