"""Closed-loop NARX training: BPTT through the output feedback loop."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from _gradcheck import numerical_gradient
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks

import skrnn._series._closed_loop as kernel
from skrnn import NARXRegressor
from skrnn._series._closed_loop import (
    closed_loop_chunks,
    loss_and_grad,
    make_network,
    pack,
    simulate,
    simulation_loss,
    train_closed_loop,
    unpack,
    unpack_skip,
)
from skrnn._series._simulate import feedback_index, simulate_network
from skrnn._series._weights import network_of
from skrnn.datasets import make_narx_system

# the small base networks of the estimator tests stop before converging
pytestmark = pytest.mark.filterwarnings(
    "ignore:Stochastic Optimizer:sklearn.exceptions.ConvergenceWarning"
)

# --------------------------------------------------------------------------
# The kernel: a small random problem, and central finite differences
# --------------------------------------------------------------------------


def problem(
    n_x=2,
    n_output_lags=(2, 1),
    hidden=(5,),
    activation="tanh",
    lengths=(11, 11),
    seed=0,
    skip=False,
):
    """Random weights, inputs, targets and initial window, time-major."""
    rng = np.random.default_rng(seed)
    lags = np.asarray(n_output_lags)
    n_outputs, M = len(lags), int(lags.max())
    feedback = feedback_index(lags)
    sizes = [n_x + len(feedback), *hidden, n_outputs]
    weights = [
        (rng.normal(0, 0.5, (a, b)), rng.normal(0, 0.3, b))
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    net = make_network(weights, activation, n_x, feedback, M, skip=skip)
    skip = rng.normal(0, 0.3, (sizes[0], n_outputs)) if skip else None
    lengths = np.asarray(lengths)
    T, S = int(lengths.max()), len(lengths)
    Zx = rng.normal(size=(T, S, n_x))
    Zx[np.arange(T)[:, None] >= lengths] = 0  # padding, as to_time_major gives
    Y = rng.normal(size=(T, S, n_outputs))
    y0 = rng.normal(size=(M, S, n_outputs))
    return pack(weights, skip), net, Zx, lengths, Y, y0


CASES = {
    "tanh": {},
    "relu": {"activation": "relu"},
    "logistic": {"activation": "logistic"},
    "identity": {"activation": "identity"},
    "linear_model": {"hidden": ()},
    "two_hidden_layers": {"hidden": (5, 4)},
    "one_output_three_lags": {"n_output_lags": (3,)},
    "output_not_fed_back": {"n_output_lags": (0, 3)},
    "no_feedback": {"n_output_lags": (0,)},
    "no_exogenous_input": {"n_x": 0},
    "panel_of_unequal_lengths": {"lengths": (11, 8, 3)},
    "X_none_panel_linear": {"n_x": 0, "hidden": (), "lengths": (9, 4)},
    "skip": {"skip": True},
    "skip_panel_two_layers": {"skip": True, "hidden": (4, 3), "lengths": (11, 8, 3)},
    "skip_one_output_three_lags": {"skip": True, "n_output_lags": (3,)},
}


@pytest.mark.parametrize("case", CASES)
def test_simulation_is_the_free_run_of_the_fast_path(case):
    theta, net, Zx, lengths, _, y0 = problem(**CASES[case])
    expected = simulate_network(
        Zx,
        lengths,
        y0,
        unpack(theta, net),
        net.activation,
        net.feedback,
        unpack_skip(theta, net),
    )
    valid = np.arange(len(Zx))[:, None] < lengths
    Y = simulate(theta, net, Zx, lengths, y0)
    np.testing.assert_allclose(Y[valid], expected[valid], rtol=1e-12, atol=1e-14)


def test_loss_is_the_scaled_free_run_error_plus_the_penalty():
    alpha = 0.3
    theta, net, Zx, lengths, Y, y0 = problem(lengths=(11, 8, 3))
    valid = np.arange(len(Zx))[:, None] < lengths
    E = (simulate(theta, net, Zx, lengths, y0) - Y)[valid]
    N, n_outputs = lengths.sum(), Y.shape[2]
    error = 0.5 * (E**2).sum() / n_outputs / N
    penalty = 0.5 * alpha * sum((W**2).sum() for W, _ in unpack(theta, net)) / N
    loss, _ = loss_and_grad(theta, net, Zx, lengths, Y, y0, alpha=alpha)
    assert loss == pytest.approx(error + penalty, rel=1e-12)
    assert simulation_loss(theta, net, Zx, lengths, Y, y0) == pytest.approx(error)


@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("case", CASES)
def test_gradient_through_the_loop_matches_finite_differences(case, alpha):
    theta, net, Zx, lengths, Y, y0 = problem(**CASES[case])
    _, grad = loss_and_grad(theta, net, Zx, lengths, Y, y0, alpha=alpha)

    def loss(th):
        return loss_and_grad(th, net, Zx, lengths, Y, y0, alpha=alpha)[0]

    expected = numerical_gradient(loss, theta)
    assert np.abs(expected).max() > 1e-3  # the check is not vacuous
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-8)


def test_the_feedback_carries_the_gradient_of_early_weights_to_late_errors():
    """An error at the last step only: every step's input must get gradient."""
    theta, net, Zx, lengths, Y, y0 = problem(n_x=1, hidden=(), lengths=(8,))
    Y_pred = simulate(theta, net, Zx, lengths, y0)
    Y = Y_pred.copy()
    Y[-1] += 1.0  # an error at the last step only
    _, grad = loss_and_grad(theta, net, Zx, lengths, Y, y0)
    # without feedback the gradient would only see the last step's inputs
    theta_open = theta.copy()
    W = unpack(theta_open, net)[0][0]
    W[net.n_x :] = 0  # cut the loop
    _, grad_open = loss_and_grad(theta_open, net, Zx, lengths, Y, y0)
    assert not np.allclose(grad[: net.n_x], grad_open[: net.n_x])


@pytest.mark.parametrize("lengths", [(11, 11), (11, 7, 2)])
def test_truncated_gradient_is_each_chunks_gradient_from_its_carried_state(lengths):
    """The truncated definition: chunk c is simulated from the last M
    predictions of the run so far, held fixed, and differentiated alone."""
    alpha, k = 0.1, 4
    theta, net, Zx, lengths, Y, y0 = problem(lengths=lengths)
    M = net.n_output_lags
    run = np.concatenate([y0, simulate(theta, net, Zx, lengths, y0)])
    grad = np.empty_like(theta)
    chunks = closed_loop_chunks(
        theta, net, Zx, lengths, Y, y0, alpha=alpha, bptt_steps=k, grad=grad
    )
    seen = []
    for c, (value, n_targets) in enumerate(chunks):
        t0, t1 = c * k, min(c * k + k, len(Zx))
        part = np.clip(lengths - t0, 0, t1 - t0)
        state = run[t0 : t0 + M]  # the carried state, a constant

        def chunk_loss(th, t0=t0, t1=t1, part=part, state=state):
            return loss_and_grad(
                th, net, Zx[t0:t1], part, Y[t0:t1], state, alpha=alpha
            )[0]

        assert value == pytest.approx(chunk_loss(theta), rel=1e-12)
        np.testing.assert_allclose(
            grad, numerical_gradient(chunk_loss, theta), rtol=1e-5, atol=1e-8
        )
        seen.append(n_targets)
    assert seen == [int(np.clip(lengths - t, 0, k).sum()) for t in (0, 4, 8)]
    # truncation differs from full BPTT: the gradient does cross chunks there
    full = loss_and_grad(theta, net, Zx, lengths, Y, y0, alpha=alpha)[1]
    assert not np.allclose(full, grad)


def test_a_panel_of_copies_has_the_loss_and_gradient_of_one_series():
    theta, net, Zx, lengths, Y, y0 = problem(lengths=(9,))
    twice = [np.concatenate([a, a], axis=1) for a in (Zx, Y, y0)]
    loss_1, grad_1 = loss_and_grad(theta, net, Zx, lengths, Y, y0)
    loss_2, grad_2 = loss_and_grad(theta, net, twice[0], [9, 9], *twice[1:])
    assert loss_2 == pytest.approx(loss_1, rel=1e-12)
    np.testing.assert_allclose(grad_2, grad_1, rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------------------
# The solvers on a known output-error model
# --------------------------------------------------------------------------


def output_error_problem(n=300):
    """y_t = 0.7 y_{t-1} + x_t + 0.5 x_{t-1}, as a linear network."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, n)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = 0.7 * y[t - 1] + x[t] + 0.5 * x[t - 1]
    Zx = np.c_[x[1:], x[:-1]][:, None, :]  # rows t = 1 ... n-1
    start = [(np.array([[0.8], [0.2], [0.3]]), np.array([0.1]))]  # wrong
    net = make_network(start, "identity", 2, feedback_index([1]), 1)
    return pack(start), net, Zx, [n - 1], y[1:, None, None], y[:1, None, None]


def test_lbfgs_recovers_a_known_output_error_model():
    theta, net, *data = output_error_problem()
    theta, record, converged = train_closed_loop(
        theta, net, *data, solver="lbfgs", max_iter=200, tol=1e-10
    )
    assert converged
    np.testing.assert_allclose(theta, [1.0, 0.5, 0.7, 0.0], atol=1e-5)
    assert record.loss_curve[-1] < 1e-10


def test_adam_with_truncation_and_clipping_approaches_the_known_model(monkeypatch):
    norms = []
    update = kernel.AdamOptimizer.update_params

    def spy(self, params, grads):
        norms.append(np.linalg.norm(grads))
        update(self, params, grads)

    monkeypatch.setattr(kernel.AdamOptimizer, "update_params", spy)
    theta, net, *data = output_error_problem()
    theta, record, _ = train_closed_loop(
        theta,
        net,
        *data,
        solver="adam",
        max_iter=60,
        learning_rate_init=0.02,
        bptt_steps=50,
        max_grad_norm=0.05,
    )
    assert len(norms) == 6 * len(record.loss_curve)  # one update per chunk
    assert max(norms) <= 0.05 * (1 + 1e-12)  # every gradient clipped
    assert record.loss_curve[-1] < 0.01 * record.loss_curve[0]
    np.testing.assert_allclose(theta, [1.0, 0.5, 0.7, 0.0], atol=0.05)


def test_validation_keeps_the_best_weights_the_start_included():
    theta0, net, *data = output_error_problem()
    # validation data the start fits exactly: nothing can beat it
    Zx, lengths, _, y0 = data
    Y_start = simulate(theta0, net, Zx, lengths, y0)
    theta, record, converged = train_closed_loop(
        theta0,
        net,
        *data,
        max_iter=50,
        n_iter_no_change=3,
        validation=(Zx, lengths, Y_start, y0),
    )
    assert converged and len(record.loss_curve) == 4  # patience 3, then stop
    np.testing.assert_array_equal(theta, theta0)
    assert len(record.validation_scores) == len(record.loss_curve)


# --------------------------------------------------------------------------
# The estimator
# --------------------------------------------------------------------------

X_SMALL, Y_SMALL = make_narx_system(300, random_state=0)
SMALL = {"hidden_layer_sizes": (8,), "max_iter": 300, "random_state": 0}


class Hidden(RegressorMixin, BaseEstimator):
    """Hides a fitted model from the fast path: the general path."""

    def __init__(self, model=None):
        self.model = model

    def fit(self, X, y):
        return self

    def predict(self, X):
        return self.model.predict(X)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimator_holds_the_closed_loop_weights_for_every_path():
    narx = NARXRegressor(
        MLPRegressor(**SMALL),
        training="closed_loop",
        validation_fraction=None,
        subsequence_length=None,  # the loss below is that of one free run
        closed_loop_max_iter=20,
    ).fit(X_SMALL, Y_SMALL)
    opened = NARXRegressor(MLPRegressor(**SMALL)).fit(X_SMALL, Y_SMALL)
    assert not np.allclose(narx.estimator_.coefs_[0], opened.estimator_.coefs_[0])
    # the loss of the weights in estimator_ is the last one recorded
    weights, activation = network_of(narx.estimator_)
    net = make_network(weights, activation, 3, feedback_index([2]), 2)
    Zx = np.c_[X_SMALL[2:], X_SMALL[1:-1], X_SMALL[:-2]][:, None, :]
    args = (Zx, [298], Y_SMALL[2:, None, None], Y_SMALL[:2, None, None])
    alpha = narx.estimator_.alpha
    loss, _ = loss_and_grad(pack(weights), net, *args, alpha=alpha)
    assert loss == pytest.approx(narx.closed_loop_loss_curve_[-1], rel=1e-9)
    # the fast path (the weights) and the general path (predict) agree
    general = clone(narx).set_params(estimator=Hidden(), training="open_loop")
    general.fit(X_SMALL, Y_SMALL).estimator_.model = narx.estimator_
    assert network_of(general.estimator_) is None
    X_new = make_narx_system(100, random_state=1)[0]
    np.testing.assert_allclose(narx.predict(X_new), general.predict(X_new), rtol=1e-9)
    np.testing.assert_allclose(
        narx.forecast(20, X_future=X_new[:20]),
        general.forecast(20, X_future=X_new[:20]),
        rtol=1e-9,
    )


def test_closed_loop_improves_the_free_run_of_the_nonlinear_system():
    """Noiseless data inside the model class (n_lags=2, n_output_lags=2).

    The default network (linear part plus network, on standardised data)
    trained one step ahead simulates a fresh series with 1 - R^2 of
    0.0015-0.0018 over seeds 0-2 (the MLP default before it: 0.0047-0.0055);
    L-BFGS on the free-run error of subsequences (100 iterations, all rows)
    brings it to 0.0012-0.0013 (the MLP default's closed loop: 0.0015-0.0017).
    We ask for a 15% cut and an error below what the MLP default reached.
    """
    X, y = make_narx_system(2000, random_state=0)
    X_test, y_test = make_narx_system(1000, random_state=100)
    opened = NARXRegressor(random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        closed = NARXRegressor(
            random_state=0, training="closed_loop", validation_fraction=None
        ).fit(X, y)
    r2_open, r2_closed = opened.score(X_test, y_test), closed.score(X_test, y_test)
    assert r2_open > 0.998  # the starting point is good already
    assert 1 - r2_closed < 0.85 * (1 - r2_open)
    assert 1 - r2_closed < 0.0015


def test_closed_loop_removes_the_bias_of_coloured_output_noise():
    """Coloured measurement noise (AR(1), pole 0.9, standard deviation 1).

    The past outputs a one-step fit is fed carry noise correlated with the
    target's, so the open-loop fit is biased: simulated against the noise-free
    output of a fresh input it reaches R^2 0.89-0.90 (seeds 0-4, 10,000 rows).
    The closed-loop fit (default settings: L-BFGS, 10% held out, best
    weights kept) is trained on the simulation error, which the noise does
    not bias: R^2 0.980-0.994, its error 1 - R^2 5-18% of the open loop's.
    We ask for half: a bias removed, with room for platforms and seeds.
    """
    X, y = make_narx_system(10_000, noise=1.0, noise_type="colored", random_state=0)
    X_test, _, s_test = make_narx_system(2000, random_state=100, return_noise_free=True)
    opened = NARXRegressor(random_state=0).fit(X, y)
    closed = NARXRegressor(random_state=0, training="closed_loop").fit(X, y)
    r2_open = r2_score(s_test, opened.predict(X_test))
    r2_closed = r2_score(s_test, closed.predict(X_test))
    assert r2_open < 0.95  # the bias is there
    assert 1 - r2_closed < 0.5 * (1 - r2_open)
    assert closed.closed_loop_n_iter_ < 100  # stopped by the held-out rows


def two_output_panel(lengths, seed=0):
    """Two nonlinear systems side by side, per series of a panel."""
    frames, targets = [], []
    for k, n in enumerate(lengths):
        Xa, ya = make_narx_system(n, random_state=seed + 2 * k)
        Xb, yb = make_narx_system(n, random_state=seed + 2 * k + 1)
        index = pd.MultiIndex.from_arrays(
            [[f"s{k}"] * n, np.arange(n)], names=["unit", "t"]
        )
        frames.append(pd.DataFrame(np.c_[Xa, Xb], index=index, columns=["a", "b"]))
        targets.append(pd.DataFrame(np.c_[ya, yb], index=index, columns=["p", "q"]))
    return pd.concat(frames), pd.concat(targets)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_closed_loop_on_a_panel_with_two_outputs():
    X, Y = two_output_panel([300, 500, 400])
    # validation_fraction also chooses the rows the open-loop fit learns from
    opened = NARXRegressor(random_state=0, validation_fraction=None).fit(X, Y)
    closed = NARXRegressor(
        random_state=0, training="closed_loop", validation_fraction=None
    ).fit(X, Y)
    assert closed.score(X, Y) > opened.score(X, Y)
    assert closed.predict(X).shape == Y.shape


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "params",
    [
        {"closed_loop_solver": "lbfgs", "closed_loop_max_iter": 15},
        {"closed_loop_solver": "adam", "bptt_steps": 50, "closed_loop_max_iter": 15},
    ],
)
def test_closed_loop_without_inputs_lowers_the_training_loss(params):
    narx = NARXRegressor(
        MLPRegressor(**SMALL),
        training="closed_loop",
        validation_fraction=None,
        learning_rate_init=3e-4,
        **params,
    ).fit(None, Y_SMALL)
    curve = narx.closed_loop_loss_curve_
    assert len(curve) == narx.closed_loop_n_iter_ == 15
    assert curve[-1] < curve[0]
    assert np.isfinite(narx.forecast(10)).all()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_closed_loop_is_deterministic_and_survives_clone_and_pickle(solver):
    params = dict(
        training="closed_loop",
        closed_loop_solver=solver,
        closed_loop_max_iter=10,
        random_state=0,
    )
    first = NARXRegressor(**params).fit(X_SMALL, Y_SMALL)
    second = clone(first).fit(X_SMALL, Y_SMALL)
    np.testing.assert_array_equal(first.predict(X_SMALL), second.predict(X_SMALL))
    assert first.closed_loop_loss_curve_ == second.closed_loop_loss_curve_
    copy = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(first.predict(X_SMALL), copy.predict(X_SMALL))


def test_closed_loop_warns_when_it_stops_at_max_iter():
    narx = NARXRegressor(
        MLPRegressor(**SMALL),
        training="closed_loop",
        closed_loop_max_iter=2,
        validation_fraction=None,
    )
    with pytest.warns(ConvergenceWarning, match="closed_loop_max_iter=2"):
        narx.fit(X_SMALL, Y_SMALL)
    assert narx.closed_loop_validation_loss_curve_ is None


def test_open_loop_is_the_default_and_has_no_closed_loop_record():
    narx = NARXRegressor(MLPRegressor(**SMALL)).fit(X_SMALL, Y_SMALL)
    assert narx.training == "open_loop"
    assert not hasattr(narx, "closed_loop_loss_curve_")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"estimator": LinearRegression()}, "estimator must be None"),
        ({"estimator": MLPRegressor(loss="poisson")}, "loss='squared_error'"),
        ({"bptt_steps": 10}, "closed_loop_solver='adam'"),
        ({"training": "closed"}, "training"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"closed_loop_max_iter": 0}, "closed_loop_max_iter"),
        ({"learning_rate_init": 0.0}, "learning_rate_init"),
    ],
)
def test_bad_closed_loop_settings_get_clear_errors(params, match):
    narx = NARXRegressor(**{"training": "closed_loop", **params})
    with pytest.raises(ValueError, match=match):
        narx.fit(X_SMALL, Y_SMALL)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_too_few_rows_to_hold_out_train_on_all_of_them():
    """0.05 of 10 training rows is no row: no validation, and no error."""
    narx = NARXRegressor(
        MLPRegressor(**SMALL),
        training="closed_loop",
        validation_fraction=0.05,
        closed_loop_max_iter=5,
    )
    narx.fit(X_SMALL[:12], Y_SMALL[:12])
    assert narx.closed_loop_validation_loss_curve_ is None
    long = clone(narx).fit(X_SMALL, Y_SMALL)  # 0.05 of 298 rows: 14 held out
    assert len(long.closed_loop_validation_loss_curve_) == long.closed_loop_n_iter_


# --------------------------------------------------------------------------
# scikit-learn's checks with closed-loop training (test_common checks the
# defaults)
# --------------------------------------------------------------------------

ROW_ORDER = {
    "check_methods_subset_invariance": (
        "a series model's output at a row depends on the rows before it"
    ),
    "check_methods_sample_order_invariance": (
        "a series model's output at a row depends on the rows before it"
    ),
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    [
        NARXRegressor(training="closed_loop", closed_loop_max_iter=10),
        NARXRegressor(
            training="closed_loop",
            closed_loop_solver="adam",
            bptt_steps=5,
            closed_loop_max_iter=5,
        ),
    ],
    expected_failed_checks=lambda estimator: ROW_ORDER,
)
def test_scikit_learn_checks_with_closed_loop_training(estimator, check):
    check(estimator)
