"""RNNRegressor and RNNClassifier with GRU and LSTM cells and bidirectional layers.

Known answers: the adding problem, which the Elman cell fails and the gated
cells learn; a target that lies in the future, which only a bidirectional
network can read; every solver, float32, warm start, partial_fit, truncated
BPTT and padding invariance with the gated cells.
"""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNClassifier, RNNRegressor
from skrnn.datasets import make_adding_problem, make_running_sum, make_sequence_mean

QUIET = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
GATED = ["gru", "lstm"]

X_MEAN, Y_MEAN = make_sequence_mean(100, 10, random_state=0)


def future_task(n, seed, shift=2):
    """Variable-length sequences labelled at each step by the input ``shift`` later.

    ``y_t = x_{t+shift}`` while ``t + shift < L`` and 0 after: a causal model
    cannot know it (the inputs are independent), so its best R² is about 0.
    """
    rng = np.random.RandomState(seed)
    lengths = rng.randint(10, 21, size=n)
    X = [rng.standard_normal((L, 1)) for L in lengths]
    y = [np.r_[x[shift:, 0], np.zeros(shift)] for x in X]
    return X, y


# --------------------------------------------------------------------------
# Known answers
# --------------------------------------------------------------------------


@QUIET
@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
def test_gated_cells_learn_the_adding_problem_the_elman_cell_cannot(cell):
    """The sum of two marked values 25-49 steps apart (T = 50).

    Predicting the constant 1 gives a mean squared error of 1/6 ≈ 0.167; a
    model that knew only the second (later) marked value would reach 1/12 ≈
    0.083 (the variance of the first one). Below 0.03 a model must carry the
    first value across at least 25 steps and add it; the Elman network, with
    the same budget (1000 sequences, 20 epochs, 16 units), does not even reach
    1/12 because its gradient vanishes over the distance. Measured here:
    Elman ≈ 0.15, GRU ≈ 0.002, LSTM ≈ 0.01.
    """
    X, y = make_adding_problem(1000, 50, random_state=0)
    X_test, y_test = make_adding_problem(500, 50, random_state=1)
    est = RNNRegressor(
        (16,),
        cell=cell,
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=20,
        n_iter_no_change=1000,
        random_state=0,
    ).fit(X, y)
    mse = np.mean((est.predict(X_test) - y_test) ** 2)
    if cell == "elman":
        assert mse > 1 / 12
    else:
        assert mse < 0.03


@QUIET
@pytest.mark.parametrize("cell", GATED)
def test_bidirectional_layers_read_the_future(cell):
    """Only a bidirectional network can label a step by an input that comes later.

    The targets are independent of the past, so a causal network explains
    nothing of them (R² ≈ 0, measured ≈ -0.01); the backward direction, which
    starts at each sequence's own last step, sees them (measured R² ≈ 0.99).
    The lengths vary (10 to 20): padding read in the wrong place would ruin
    the fit.
    """
    X, y = future_task(300, 0)
    X_test, y_test = future_task(200, 1)
    scores = {}
    for bidirectional in (False, True):
        est = RNNRegressor(
            (16,),
            cell=cell,
            bidirectional=bidirectional,
            return_sequences=True,
            learning_rate_init=0.01,
            batch_size=32,
            max_iter=20,
            random_state=0,
        ).fit(X, y)
        scores[bidirectional] = est.score(X_test, y_test)
    assert scores[False] < 0.1
    assert scores[True] > 0.9


@QUIET
@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize(
    "solver, options",
    [
        ("adam", dict(learning_rate_init=0.01, max_iter=40)),
        ("sgd", dict(learning_rate_init=0.05, max_iter=40)),
        ("lbfgs", dict(max_iter=60)),
    ],
)
def test_every_solver_trains_the_gated_cells(cell, bidirectional, solver, options):
    """The mean of a 10-step sequence: every solver reaches R² > 0.95."""
    est = RNNRegressor(
        (8,),
        cell=cell,
        bidirectional=bidirectional,
        solver=solver,
        batch_size=20,
        random_state=0,
        **options,
    ).fit(X_MEAN, Y_MEAN)
    assert est.score(X_MEAN, Y_MEAN) > 0.95


@pytest.mark.parametrize("cell", GATED)
def test_truncated_bptt_trains_the_gated_cells(cell):
    """The running sum over 40 steps with chunks of 8: the state (h, c) flows on."""
    X, y = make_running_sum(64, 40, random_state=0)
    est = RNNRegressor(
        (16,),
        cell=cell,
        return_sequences=True,
        bptt_steps=8,
        learning_rate_init=0.01,
        batch_size=16,
        max_iter=20,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    assert est.score(X, y) > 0.85


@QUIET
def test_classifier_with_bidirectional_gated_layers_labels_every_step():
    X, y = future_task(120, 2)
    labels = [np.where(v > 0, "up", "down") for v in y]
    clf = RNNClassifier(
        (8,),
        cell="lstm",
        bidirectional=True,
        return_sequences=True,
        learning_rate_init=0.02,
        batch_size=16,
        max_iter=20,
        random_state=0,
    ).fit(X, labels)
    proba = clf.predict_proba(X[:3])
    assert [p.shape for p in proba] == [(len(x), 2) for x in X[:3]]
    # the sign of the input two steps later (measured: 0.99 on new sequences)
    X_test, y_test = future_task(100, 5)
    assert clf.score(X_test, [np.where(v > 0, "up", "down") for v in y_test]) > 0.9


# --------------------------------------------------------------------------
# Everything the Elman cell has
# --------------------------------------------------------------------------


@QUIET
@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_float32_input_is_trained_in_float32(cell, bidirectional):
    X = X_MEAN.astype(np.float32)
    est = RNNRegressor(
        (4,), cell=cell, bidirectional=bidirectional, max_iter=3, random_state=0
    ).fit(X, Y_MEAN)
    assert est._theta.dtype == np.float32
    assert all(v.dtype == np.float32 for v in est.layers_[0].values())
    assert est.predict(X).dtype == np.float32
    est64 = RNNRegressor(
        (4,), cell=cell, bidirectional=bidirectional, max_iter=3, random_state=0
    ).fit(X_MEAN, Y_MEAN)
    assert_allclose(est.predict(X), est64.predict(X_MEAN), rtol=1e-3, atol=1e-4)


@QUIET
@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_warm_start_continues_training(cell, bidirectional):
    kw = dict(
        cell=cell,
        bidirectional=bidirectional,
        learning_rate_init=0.01,
        max_iter=5,
        random_state=0,
        shuffle=False,
    )
    est = RNNRegressor((6,), warm_start=True, **kw).fit(X_MEAN, Y_MEAN)
    first = list(est.loss_curve_)
    est.fit(X_MEAN, Y_MEAN)
    assert est.n_iter_ == 10 and est.loss_curve_[:5] == first
    # the second fit starts where the first stopped, not from scratch
    assert est.loss_curve_[5] < first[0]
    assert abs(est.loss_curve_[5] - first[-1]) < abs(first[0] - first[-1])
    fresh = RNNRegressor((6,), **kw).fit(X_MEAN, Y_MEAN)
    assert fresh.loss_curve_ == first


@QUIET
def test_warm_start_refuses_a_change_of_cell_or_direction():
    est = RNNRegressor((4,), cell="gru", warm_start=True, max_iter=2).fit(
        X_MEAN, Y_MEAN
    )
    with pytest.raises(ValueError, match="bidirectional cannot change"):
        est.set_params(bidirectional=True).fit(X_MEAN, Y_MEAN)
    with pytest.raises(ValueError, match="cell and bidirectional cannot change"):
        est.set_params(bidirectional=False, cell="lstm").fit(X_MEAN, Y_MEAN)


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
@pytest.mark.parametrize("cell", GATED)
def test_partial_fit_with_gated_cells(Estimator, cell):
    y = Y_MEAN if Estimator is RNNRegressor else (Y_MEAN > 0).astype(int)
    est = Estimator((4,), cell=cell, bidirectional=True, random_state=0)
    kw = {} if Estimator is RNNRegressor else {"classes": [0, 1]}
    for _ in range(3):
        est.partial_fit(X_MEAN, y, **kw)
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 3
    assert est.loss_curve_[-1] < est.loss_curve_[0]


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
def test_bidirectional_refuses_truncated_bptt_clearly(Estimator):
    y = Y_MEAN if Estimator is RNNRegressor else (Y_MEAN > 0).astype(int)
    est = Estimator(bidirectional=True, bptt_steps=4, return_sequences=False)
    with pytest.raises(ValueError, match="bptt_steps cannot be used with bidir"):
        est.fit(X_MEAN, y)


@QUIET
@pytest.mark.parametrize("cell", GATED)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_a_sequence_predicts_the_same_alone_or_batched(
    cell, bidirectional, return_sequences
):
    X, y = future_task(20, 3)
    if not return_sequences:
        y = np.array([v.sum() for v in y])
    est = RNNRegressor(
        (5, 3),
        cell=cell,
        bidirectional=bidirectional,
        return_sequences=return_sequences,
        max_iter=2,
        random_state=0,
    ).fit(X, y)
    batched = est.predict(X)
    for i in (0, 7):
        alone = est.predict([X[i]])
        assert_allclose(alone[0], batched[i], rtol=1e-10, atol=1e-12)


@QUIET
def test_gate_weights_are_exposed_per_layer_and_direction():
    X = np.zeros((6, 5, 2))
    y = np.arange(6.0)
    gru = RNNRegressor((4, 3), cell="gru", max_iter=1).fit(X, y)
    assert set(gru.layers_[0]) == {"U", "W", "b", "b_rec"}
    assert gru.layers_[0]["U"].shape == (2, 12) and gru.layers_[1]["W"].shape == (3, 9)
    lstm = RNNRegressor((4, 3), cell="lstm", bidirectional=True, max_iter=1)
    lstm.fit(X, y)
    assert set(lstm.layers_[1]) == {
        "U",
        "W",
        "b",
        "U_reverse",
        "W_reverse",
        "b_reverse",
    }
    assert lstm.layers_[1]["U_reverse"].shape == (8, 12)  # both directions in
    assert lstm.out_coef_.shape == (6, 1)
    forget = lstm.layers_[0]["b"][4:8]  # starts at 1; one epoch moves it a little
    assert_allclose(forget, 1.0, atol=0.05)


@QUIET
def test_pickle_round_trip_of_a_bidirectional_lstm():
    est = RNNClassifier(
        (4,), cell="lstm", bidirectional=True, max_iter=2, random_state=0
    ).fit(X_MEAN, Y_MEAN > 0)
    restored = pickle.loads(pickle.dumps(est))
    assert_array_equal(restored.predict_proba(X_MEAN), est.predict_proba(X_MEAN))
