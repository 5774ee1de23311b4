"""Standardised targets inside RNNRegressor and Seq2SeqRegressor (scale_y)."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from skrnn import RNNRegressor, Seq2SeqRegressor

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 8, 2))
Y_ONE = X[:, :, 0].mean(axis=1) - 0.5 * X[:, -1, 1]  # many-to-one
Y_STEPS = np.cumsum(X[:, :, 0], axis=1) / 4  # one target per step
Y_SEQ = X[:, -1:, 0] + 0.3 * np.arange(1, 4)  # 3 output steps (Seq2Seq)
RAGGED = [RNG.normal(size=(n, 2)) for n in (7, 3, 5, 4)]
RAGGED_Y = [RNG.normal(size=(n, 2)) * [1.0, 10.0] + [3.0, -20.0] for n in (7, 3, 5, 4)]
WEIGHTS = np.array([1.0, 2.0, 0.0, 0.5])

PARAMS = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=30)
CASES = {
    "many-to-one": (RNNRegressor, {}, Y_ONE),
    "return_sequences": (RNNRegressor, {"return_sequences": True}, Y_STEPS),
    "seq2seq": (Seq2SeqRegressor, {}, Y_SEQ),
}


def _fit(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kwargs)


def _pair(case, **params):
    """The same model fitted on y and on 1000 y + 5000."""
    Estimator, extra, y = CASES[case]
    make = lambda: Estimator(**PARAMS, **extra, **params, random_state=0)  # noqa: E731
    return _fit(make(), X, y), _fit(make(), X, 1000 * y + 5000), y


def _real_steps(seqs, weights):
    """Every real step of a list of (T_i, k) arrays, and its sequence's weight."""
    values = np.concatenate(seqs)
    w = np.repeat(weights, [len(s) for s in seqs])
    return values, w


# --------------------------------------------------------------------------
# The unit of y does not matter
# --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_score_does_not_depend_on_the_unit_of_y(case):
    a, b, y = _pair(case)
    assert abs(a.score(X, y) - b.score(X, 1000 * y + 5000)) < 1e-6
    assert a.score(X, y) > 0.5  # a model that learned something
    assert_allclose(b.predict(X), 1000 * a.predict(X) + 5000, rtol=1e-7)


@pytest.mark.parametrize("case", CASES)
def test_the_network_learns_the_same_weights_whatever_the_unit(case):
    """Fails if the targets are not standardised before training."""
    a, b, _ = _pair(case)
    assert_allclose(a._theta, b._theta, rtol=1e-6, atol=1e-9)
    assert_allclose(b.y_mean_, 1000 * a.y_mean_ + 5000)
    assert_allclose(b.y_scale_, 1000 * a.y_scale_)


@pytest.mark.parametrize("case", CASES)
def test_without_scale_y_the_unit_of_y_changes_the_fit(case):
    a, b, _ = _pair(case, scale_y=False)
    assert_allclose(a.y_mean_, 0)
    assert_allclose(a.y_scale_, 1)
    assert not np.allclose(a._theta, b._theta, rtol=1e-3)


def test_early_stopping_scores_do_not_depend_on_the_unit_of_y():
    a, b, _ = _pair("many-to-one", early_stopping=True, validation_fraction=0.25)
    assert_allclose(a.validation_scores_, b.validation_scores_, atol=1e-6)


# --------------------------------------------------------------------------
# The statistics: per output, over the real steps, weighted
# --------------------------------------------------------------------------


def test_rnn_statistics_are_those_of_the_real_steps_weighted():
    reg = RNNRegressor(3, return_sequences=True, max_iter=2, random_state=0)
    reg = _fit(reg, RAGGED, RAGGED_Y, sample_weight=WEIGHTS)
    values, w = _real_steps(RAGGED_Y, WEIGHTS)
    mean = np.average(values, axis=0, weights=w)
    assert_allclose(reg.y_mean_, mean)
    assert_allclose(reg.y_scale_, np.sqrt(np.average((values - mean) ** 2, 0, w)))


def test_seq2seq_statistics_are_those_of_the_real_output_steps_weighted():
    reg = Seq2SeqRegressor(3, max_iter=2, random_state=0)
    outputs = [y[: n % 3 + 1] for y, n in zip(RAGGED_Y, range(4), strict=True)]
    reg = _fit(reg, RAGGED, outputs, sample_weight=WEIGHTS)
    values, w = _real_steps(outputs, WEIGHTS)
    mean = np.average(values, axis=0, weights=w)
    assert_allclose(reg.y_mean_, mean)
    assert_allclose(reg.y_scale_, np.sqrt(np.average((values - mean) ** 2, 0, w)))


def test_many_to_one_statistics_are_per_output():
    y = np.column_stack([Y_ONE, 100 * Y_ONE - 7])
    reg = _fit(RNNRegressor(3, max_iter=2, random_state=0), X, y)
    assert_allclose(reg.y_mean_, y.mean(axis=0))
    assert_allclose(reg.y_scale_, y.std(axis=0))


@pytest.mark.parametrize("Estimator", [RNNRegressor, Seq2SeqRegressor])
def test_a_constant_target_is_divided_by_one(Estimator):
    reg = Estimator(3, learning_rate_init=0.01, max_iter=100, random_state=0)
    reg = _fit(reg, X, np.full(len(X), 42.0))
    assert_allclose(reg.y_mean_, [42.0])
    assert_allclose(reg.y_scale_, [1.0])
    assert np.isfinite(reg.predict(X)).all()
    assert_allclose(reg.predict(X), 42.0, atol=0.5)


@pytest.mark.parametrize("case", CASES)
def test_warm_start_and_partial_fit_keep_the_first_statistics(case):
    Estimator, extra, y = CASES[case]
    reg = _fit(Estimator(3, **extra, max_iter=2, warm_start=True), X, y)
    mean, scale = reg.y_mean_.copy(), reg.y_scale_.copy()
    _fit(reg, X, 3 * y + 1)
    assert_allclose(reg.y_mean_, mean)
    assert_allclose(reg.y_scale_, scale)
    inc = Estimator(3, **extra).partial_fit(X[:20], y[:20])
    first = inc.y_mean_.copy(), inc.y_scale_.copy()
    inc.partial_fit(X[20:], 3 * y[20:] + 1)
    assert_allclose(inc.y_mean_, first[0])
    assert_allclose(inc.y_scale_, first[1])


# --------------------------------------------------------------------------
# Answers on the original scale
# --------------------------------------------------------------------------


def test_prediction_is_the_output_layer_on_the_original_scale():
    reg = _fit(RNNRegressor(4, max_iter=5, random_state=0), X, 1000 * Y_ONE + 5000)
    linear = reg.transform(X) @ reg.out_coef_[:, 0] + reg.out_intercept_[0]
    assert_allclose(reg.predict(X), linear * reg.y_scale_[0] + reg.y_mean_[0])


def test_per_step_score_is_r2_on_the_original_scale():
    Y = 1000 * Y_STEPS + 5000
    reg = RNNRegressor(4, return_sequences=True, max_iter=5, random_state=0)
    reg = _fit(reg, X, Y)
    expected = r2_score(Y.reshape(-1), reg.predict(X).reshape(-1))
    assert reg.score(X, Y) == pytest.approx(expected, rel=1e-12)


def test_seq2seq_score_is_r2_on_the_original_scale():
    Y = 1000 * Y_SEQ + 5000
    reg = _fit(Seq2SeqRegressor(4, max_iter=5, random_state=0), X, Y)
    expected = r2_score(Y.reshape(-1), reg.predict(X).reshape(-1))
    assert reg.score(X, Y) == pytest.approx(expected, rel=1e-12)


def test_targets_far_from_zero_are_learned_with_the_defaults():
    """The reason for scale_y: the defaults suit y in any unit."""
    y = 1000 * Y_ONE + 5000
    params = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    scaled = _fit(RNNRegressor(**params, max_iter=100), X, y)
    raw = _fit(RNNRegressor(**params, max_iter=100, scale_y=False), X, y)
    assert scaled.score(X, y) > 0.9
    assert raw.score(X, y) < 0.5
