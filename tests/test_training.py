"""The one trainer (skrnn._nn._training) and the estimators that use it.

``tol`` and ``n_iter_no_change`` mean what they mean in scikit-learn's
MLPRegressor everywhere: these tests pin both, in the monitor itself and
through every estimator that trains by gradient.
"""

import warnings

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der
from sklearn.exceptions import ConvergenceWarning

from skrnn import RNNClassifier, RNNRegressor, Seq2SeqRegressor
from skrnn._nn._optimizers import AdamOptimizer
from skrnn._nn._training import (
    StoppingMonitor,
    TrainingRecord,
    run_epochs,
    run_lbfgs,
)
from skrnn._series._closed_loop import make_network, pack, train_closed_loop

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 6, 2))
Y = X[:, -2:, 0].sum(axis=1)


def _monitor_on(losses, tol, patience):
    """Epochs the training-loss rule runs on a given loss sequence."""
    record = TrainingRecord.new(validate=False)
    monitor = StoppingMonitor(record, tol, patience, np.zeros(1))
    for epoch, loss in enumerate(losses, start=1):
        if monitor.update(loss):
            return epoch
    return None


def test_training_loss_must_fall_by_more_than_tol():
    falling = 1.0 - 0.01 * np.arange(30)  # falls by 0.01 an epoch
    # 0.01 < tol: no epoch improves; the first sets best_loss, then 2 + 1
    assert _monitor_on(falling, tol=0.02, patience=2) == 4
    # 0.01 > tol: every epoch improves, never stops
    assert _monitor_on(falling, tol=0.005, patience=2) is None
    # patience counts: one more epoch allowed per unit
    assert _monitor_on(falling, tol=0.02, patience=5) == 7


def test_validation_score_must_rise_by_tol_and_the_best_is_restored():
    theta = np.zeros(1)
    scores = iter([0.5, 0.9, 0.95, 0.96, 0.97, 0.98])
    record = TrainingRecord.new(validate=True)
    monitor = StoppingMonitor(record, 0.1, 2, theta, lambda: next(scores))
    stops = []
    for epoch in range(6):
        theta[0] = epoch  # the parameters of each epoch
        stops.append(monitor.update(1.0))
    # 0.9 improves by 0.4; later gains < tol=0.1 count as none: stop at 3 > 2
    assert stops == [False, False, False, False, True, True]
    assert record.validation_scores == [0.5, 0.9, 0.95, 0.96, 0.97, 0.98]
    assert record.best_validation_score == 0.98 and record.best_loss is None
    theta[0] = -1
    monitor.restore_best()
    assert theta[0] == 5  # the best score's parameters, however small the gain


def test_epoch_loop_counts_samples_and_steps_once_per_piece():
    theta = np.array([3.0])
    pieces = []

    def chunks(batch, grad):
        for _ in range(3):
            pieces.append(batch)
            grad[:] = theta - 1.0
            yield 0.5 * float(grad @ grad), 1.0

    record = TrainingRecord.new(validate=False)
    converged = run_epochs(
        theta,
        chunks,
        lambda: ["a", "b"],
        optimizer=AdamOptimizer(theta, 0.01),
        monitor=StoppingMonitor(record, 0.0, np.inf, theta),
        max_iter=5,
        n_samples=7,
    )
    assert not converged  # max_iter ran out
    assert pieces == (["a"] * 3 + ["b"] * 3) * 5
    assert (record.n_iter, record.t, len(record.loss_curve)) == (5, 35, 5)


def test_lbfgs_stops_by_the_validation_rule_and_keeps_the_best():
    theta = np.array([-1.2, 1.0])
    seen, scores = [], iter([1.0, 2.0, 3.0, 2.5, 2.9, 0.0, 0.0])

    def validation_score():  # rises, then falls after the third iteration
        seen.append(theta.copy())
        return next(scores)

    record = TrainingRecord.new(validate=True)
    monitor = StoppingMonitor(record, 0.0, 1, theta, validation_score)
    result = run_lbfgs(
        lambda x: (rosen(x), rosen_der(x)),
        theta,
        monitor=monitor,
        max_iter=100,
        max_fun=100,
        tol=1e-12,
    )
    assert result.status == 99  # stopped by the monitor, not by L-BFGS
    assert record.validation_scores == [1.0, 2.0, 3.0, 2.5, 2.9]  # count 2 > 1
    assert record.n_iter == len(record.loss_curve) == 5
    np.testing.assert_array_equal(theta, seen[2])  # the best iteration's


@pytest.mark.parametrize(
    "Estimator, y",
    [
        (RNNRegressor, Y),
        (RNNClassifier, (Y > 0).astype(int)),
        (Seq2SeqRegressor, X[:, -3:, 0]),
    ],
    ids=["RNNRegressor", "RNNClassifier", "Seq2SeqRegressor"],
)
@pytest.mark.parametrize("early_stopping", [False, True])
def test_estimators_stop_after_n_iter_no_change_epochs_without_tol_gain(
    Estimator, y, early_stopping
):
    def fit(**params):
        est = Estimator((4,), random_state=0, max_iter=50, **params)
        return est.fit(X, y)

    # no epoch can gain 1e9: the first sets the best, n_iter_no_change + 1 more
    for patience in (2, 5):
        est = fit(tol=1e9, n_iter_no_change=patience, early_stopping=early_stopping)
        assert est.n_iter_ == patience + 2
    # with tol=0 the same fits go on
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = fit(tol=0.0, n_iter_no_change=2, early_stopping=early_stopping)
    assert est.n_iter_ > 4


def test_closed_loop_stops_after_n_iter_no_change_epochs_without_tol_gain():
    weights = [(np.array([[1.0], [0.5]]), np.zeros(1))]
    net = make_network(weights, "identity", n_x=1, feedback=[0], n_output_lags=1)
    x = RNG.normal(size=(100, 1, 1))
    y = np.zeros((100, 1, 1))
    for t in range(1, 100):
        y[t] = 0.8 * y[t - 1] + x[t]
    data = (x[1:], [99], y[1:], y[:1])
    for patience in (2, 5):
        _, record, converged = train_closed_loop(
            pack(weights),
            net,
            *data,
            solver="adam",
            tol=1e9,
            n_iter_no_change=patience,
        )
        assert converged and len(record.loss_curve) == patience + 2
    _, record, converged = train_closed_loop(
        pack(weights),
        net,
        *data,
        solver="adam",
        tol=0.0,
        n_iter_no_change=2,
        max_iter=30,
        learning_rate_init=1e-3,
    )
    assert not converged and len(record.loss_curve) == 30
