"""Tests for skrnn.datasets: every generator against its equation."""

import numpy as np
import pytest
from scipy.signal import lfilter

from skrnn import datasets
from skrnn.datasets import (
    make_adding_problem,
    make_arx_system,
    make_cascaded_tanks,
    make_copy_first,
    make_fir_system,
    make_narx_system,
    make_running_sum,
    make_sequence_mean,
    make_silverbox,
    make_sine_square,
    make_variable_length_sequences,
    make_wiener_hammerstein,
)

# One small call per generator, for the checks every generator shares.
GENERATORS = {
    "make_fir_system": lambda rs: make_fir_system(50, n_inputs=2, random_state=rs),
    "make_arx_system": lambda rs: make_arx_system(50, noise=0.1, random_state=rs),
    "make_narx_system": lambda rs: make_narx_system(50, noise=0.1, random_state=rs),
    "make_wiener_hammerstein": lambda rs: make_wiener_hammerstein(200, random_state=rs),
    "make_silverbox": lambda rs: make_silverbox(200, random_state=rs),
    "make_cascaded_tanks": lambda rs: make_cascaded_tanks(50, random_state=rs),
    "make_sine_square": lambda rs: make_sine_square(10, 8, random_state=rs),
    "make_running_sum": lambda rs: make_running_sum(10, 8, random_state=rs),
    "make_adding_problem": lambda rs: make_adding_problem(10, 8, random_state=rs),
    "make_copy_first": lambda rs: make_copy_first(10, 8, random_state=rs),
    "make_sequence_mean": lambda rs: make_sequence_mean(10, 8, random_state=rs),
    "make_variable_length_sequences": lambda rs: make_variable_length_sequences(
        10, random_state=rs
    ),
}


def _as_arrays(data):
    """Flatten a generator's output (arrays and lists of arrays) to arrays."""
    out = []
    for item in data:
        out.extend(item if isinstance(item, list) else [item])
    return out


def _same(a, b):
    a, b = _as_arrays(a), _as_arrays(b)
    return len(a) == len(b) and all(
        x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b, strict=True)
    )


def _lag(x, k):
    """x shifted by k steps, zero before the start."""
    return np.concatenate((np.zeros(k), x[: len(x) - k]))


def _lag1_autocorrelation(x):
    x = x - x.mean()
    return float(x[1:] @ x[:-1] / (x @ x))


# --------------------------------------------------------------------------
# shared behaviour
# --------------------------------------------------------------------------


def test_generators_cover_the_public_api():
    assert sorted(GENERATORS) == sorted(datasets.__all__)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_gives_same_data(name):
    make = GENERATORS[name]
    assert _same(make(0), make(0))
    assert not _same(make(0), make(1))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_random_state_accepts_randomstate_and_generator(name):
    make = GENERATORS[name]
    # An int seeds a RandomState, as in scikit-learn.
    assert _same(make(3), make(np.random.RandomState(3)))
    assert _same(make(np.random.default_rng(3)), make(np.random.default_rng(3)))
    for data in (make(None), make(np.random.default_rng(3))):
        assert all(np.all(np.isfinite(a)) for a in _as_arrays(data))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_bad_random_state_is_rejected(name):
    with pytest.raises(ValueError, match="random_state must be"):
        GENERATORS[name]("seed")


def _int_at_least(name, low):
    """scikit-learn's message for an int parameter below its bound."""
    return (
        rf"The '{name}' parameter of make_\w+ must be an int in the range \[{low}, inf"
    )


_NOISE = r"The 'noise' parameter of make_\w+ must be a float in the range \[0.0, inf\)"


@pytest.mark.parametrize(
    "make, kwargs, error, match",
    [
        (
            make_fir_system,
            {"n_timesteps": 0},
            ValueError,
            _int_at_least("n_timesteps", 1),
        ),
        (
            make_fir_system,
            {"n_timesteps": 2.5},
            TypeError,
            _int_at_least("n_timesteps", 1),
        ),
        (
            make_fir_system,
            {"n_timesteps": True},
            TypeError,
            _int_at_least("n_timesteps", 1),
        ),
        (make_fir_system, {"n_inputs": 0}, ValueError, _int_at_least("n_inputs", 1)),
        (make_fir_system, {"noise": -1.0}, ValueError, _NOISE),
        (make_fir_system, {"noise": np.nan}, ValueError, _NOISE),
        (make_fir_system, {"noise": np.inf}, ValueError, _NOISE),
        (make_fir_system, {"noise": "loud"}, TypeError, _NOISE),
        (make_fir_system, {"taps": []}, ValueError, "taps must be a non-empty"),
        (make_fir_system, {"taps": [[[1.0]]]}, ValueError, "got shape"),
        (make_fir_system, {"taps": [1.0, np.inf]}, ValueError, "NaN or infinity"),
        (make_fir_system, {"taps": ["a", "b"]}, TypeError, "array of numbers"),
        (
            make_fir_system,
            {"taps": np.ones((3, 2)), "n_inputs": 3},
            ValueError,
            "taps has 2 columns .* but n_inputs=3",
        ),
        (make_arx_system, {"ar_coef": [1.2]}, ValueError, "unstable system"),
        (make_arx_system, {"ar_coef": [0.5, 0.5]}, ValueError, "modulus 1 >= 1"),
        (make_arx_system, {"ar_coef": [[0.5]]}, ValueError, "ar_coef must be a 1-D"),
        (
            make_arx_system,
            {"input_coef": np.ones((2, 2))},
            ValueError,
            "input_coef has 2 columns",
        ),
        (
            make_narx_system,
            {"noise_type": "pink"},
            ValueError,
            # (a set: its order changes with the hash seed)
            r"'noise_type' .* among \{'(white|colored)', '(white|colored)'\}",
        ),
        (
            make_sine_square,
            {"n_sequences": 0},
            ValueError,
            _int_at_least("n_sequences", 1),
        ),
        (
            make_adding_problem,
            {"n_timesteps": 1},
            ValueError,
            _int_at_least("n_timesteps", 2),
        ),
        (
            make_copy_first,
            {"task": "copy"},
            ValueError,
            "'task' parameter of make_copy_first must be a str among",
        ),
        (
            make_sequence_mean,
            {"n_features": 0},
            ValueError,
            _int_at_least("n_features", 1),
        ),
        (
            make_variable_length_sequences,
            {"min_timesteps": 10, "max_timesteps": 5},
            ValueError,
            "max_timesteps=5 must be >= min_timesteps=10",
        ),
        (
            make_variable_length_sequences,
            {"min_timesteps": 0},
            ValueError,
            _int_at_least("min_timesteps", 1),
        ),
    ],
)
def test_bad_arguments_get_clear_errors(make, kwargs, error, match):
    with pytest.raises(error, match=match):
        make(**kwargs)


# --------------------------------------------------------------------------
# FIR
# --------------------------------------------------------------------------


def test_fir_output_is_lfilter_of_input():
    X, y, taps = make_fir_system(300, random_state=0, return_taps=True)
    assert X.shape == (300, 1) and y.shape == (300,) and taps.shape == (4, 1)
    np.testing.assert_allclose(taps[:, 0], [0.5, 0.3, -0.2, 0.1])
    np.testing.assert_allclose(y, lfilter(taps[:, 0], 1.0, X[:, 0]), atol=1e-12)


def test_fir_several_inputs_sum_their_filters():
    taps = np.array([[1.0, 0.0], [0.5, -2.0], [0.0, 0.25]])
    X, y = make_fir_system(200, n_inputs=2, taps=taps, random_state=1)
    expected = lfilter(taps[:, 0], 1.0, X[:, 0]) + lfilter(taps[:, 1], 1.0, X[:, 1])
    np.testing.assert_allclose(y, expected, atol=1e-12)


def test_fir_default_taps_differ_between_inputs():
    _, _, taps = make_fir_system(10, n_inputs=3, random_state=0, return_taps=True)
    h = np.array([0.5, 0.3, -0.2, 0.1])
    np.testing.assert_allclose(taps, np.c_[h, -h / 2, h / 3])


def test_fir_one_dimensional_taps_serve_every_input():
    X, y, taps = make_fir_system(
        100, n_inputs=2, taps=[1.0, -1.0], random_state=0, return_taps=True
    )
    np.testing.assert_allclose(taps, [[1.0, 1.0], [-1.0, -1.0]])
    np.testing.assert_allclose(y, X.sum(axis=1) - _lag(X.sum(axis=1), 1))


def test_fir_noise_is_white_gaussian_on_the_same_inputs():
    X0, y0 = make_fir_system(20000, random_state=0)
    X, y = make_fir_system(20000, noise=0.5, random_state=0)
    np.testing.assert_array_equal(X, X0)
    e = y - y0
    assert abs(e.std() - 0.5) < 0.01
    assert abs(e.mean()) < 0.01
    assert abs(_lag1_autocorrelation(e)) < 0.02


def test_fir_inputs_are_standard_normal():
    X, _ = make_fir_system(20000, n_inputs=2, random_state=0)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=0.02)
    np.testing.assert_allclose(X.std(axis=0), 1.0, atol=0.02)


# --------------------------------------------------------------------------
# ARX
# --------------------------------------------------------------------------


def test_arx_output_is_lfilter_of_input():
    X, y, a, b = make_arx_system(300, random_state=0, return_coef=True)
    assert X.shape == (300, 1) and y.shape == (300,)
    np.testing.assert_allclose(a, [1.5, -0.7])
    np.testing.assert_allclose(b, [[1.0], [0.5]])
    np.testing.assert_allclose(y, lfilter([1.0, 0.5], [1.0, -1.5, 0.7], X[:, 0]))


def test_arx_satisfies_its_difference_equation_from_rest():
    a, b = [0.5, -0.3, 0.1], np.array([[0.0, 1.0], [2.0, 0.0], [-1.0, 0.5]])
    X, y = make_arx_system(200, n_inputs=2, ar_coef=a, input_coef=b, random_state=2)
    rhs = sum(a[i - 1] * _lag(y, i) for i in (1, 2, 3))
    rhs = rhs + sum(b[k, j] * _lag(X[:, j], k) for k in range(3) for j in range(2))
    np.testing.assert_allclose(y, rhs, atol=1e-12)


def test_arx_noise_is_an_equation_error():
    X0, _ = make_arx_system(20000, random_state=0)
    X, y = make_arx_system(20000, noise=0.3, random_state=0)
    np.testing.assert_array_equal(X, X0)
    e = y - (1.5 * _lag(y, 1) - 0.7 * _lag(y, 2) + X[:, 0] + 0.5 * _lag(X[:, 0], 1))
    assert abs(e.std() - 0.3) < 0.01
    assert abs(_lag1_autocorrelation(e)) < 0.02
    # Equation error: one-step least squares recovers the coefficients.
    F = np.c_[_lag(y, 1), _lag(y, 2), X[:, 0], _lag(X[:, 0], 1)]
    coef = np.linalg.lstsq(F, y, rcond=None)[0]
    np.testing.assert_allclose(coef, [1.5, -0.7, 1.0, 0.5], atol=0.01)


# --------------------------------------------------------------------------
# NARX
# --------------------------------------------------------------------------


def _narx_rhs(x, y):
    """0.8 y_{t-1} - 0.1 y_{t-2} + tanh(x_{t-1}) + 0.2 x_{t-2}^2, from rest."""
    return (
        0.8 * _lag(y, 1)
        - 0.1 * _lag(y, 2)
        + np.tanh(_lag(x, 1))
        + 0.2 * _lag(x, 2) ** 2
    )


def test_narx_satisfies_its_equation_exactly_without_noise():
    X, y = make_narx_system(500, random_state=0)
    assert X.shape == (500, 1) and y.shape == (500,)
    np.testing.assert_allclose(y, _narx_rhs(X[:, 0], y), atol=1e-12)
    # The system starts from rest: y_0 = tanh(0) + 0.2 * 0 = 0.
    assert y[0] == 0.0


def test_narx_input_is_uniform_on_minus_two_two():
    X, _ = make_narx_system(20000, random_state=0)
    assert X.min() >= -2.0 and X.max() <= 2.0
    assert X.min() < -1.99 and X.max() > 1.99
    assert abs(X.mean()) < 0.05
    assert abs(X.var() - 4.0 / 3.0) < 0.05


def test_narx_white_noise_enters_the_equation():
    X, y, s = make_narx_system(20000, noise=0.2, random_state=0, return_noise_free=True)
    e = y - _narx_rhs(X[:, 0], y)
    assert abs(e.std() - 0.2) < 0.01
    assert abs(_lag1_autocorrelation(e)) < 0.02
    np.testing.assert_allclose(s, _narx_rhs(X[:, 0], s), atol=1e-12)


def test_narx_colored_noise_is_stationary_ar1_on_the_output():
    X0, s0 = make_narx_system(20000, random_state=0)
    X, y, s = make_narx_system(
        20000, noise=0.5, noise_type="colored", random_state=0, return_noise_free=True
    )
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(s, s0)
    v = y - s
    assert abs(v.std() - 0.5) < 0.05
    assert abs(_lag1_autocorrelation(v) - 0.9) < 0.01
    # v = w / (1 - 0.9 q^-1): the innovations are white, std 0.5 * sqrt(0.19).
    w = v[1:] - 0.9 * v[:-1]
    assert abs(w.std() - 0.5 * np.sqrt(0.19)) < 0.005
    assert abs(_lag1_autocorrelation(w)) < 0.02


def _one_step_fit_r2(X, y, s):
    """R^2 against s of the free run of a least-squares one-step NARX fit."""
    x = X[:, 0]
    F = np.c_[_lag(y, 1), _lag(y, 2), np.tanh(_lag(x, 1)), _lag(x, 2) ** 2]
    c = np.linalg.lstsq(F, y, rcond=None)[0]
    forcing = c[2] * np.tanh(_lag(x, 1)) + c[3] * _lag(x, 2) ** 2
    simulated = lfilter([1.0], [1.0, -c[0], -c[1]], forcing)
    return 1.0 - np.mean((simulated - s) ** 2) / np.var(s)


def test_narx_colored_output_noise_biases_one_step_fits():
    # The Notes promise: white (equation) noise leaves a one-step fit
    # unbiased, coloured output noise of the same level does not.
    r2 = {
        noise_type: _one_step_fit_r2(
            *make_narx_system(
                5000,
                noise=1.0,
                noise_type=noise_type,
                random_state=0,
                return_noise_free=True,
            )
        )
        for noise_type in ("white", "colored")
    }
    assert r2["white"] > 0.99
    assert r2["colored"] < 0.97


# --------------------------------------------------------------------------
# sequence tasks
# --------------------------------------------------------------------------


def test_sine_square_waves_and_labels():
    X, y = make_sine_square(101, 40, noise=0.0, random_state=0)
    assert X.shape == (101, 40, 1) and y.shape == (101,)
    assert y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    assert abs(np.bincount(y)[0] - np.bincount(y)[1]) == 1
    square, sine = X[y == 1, :, 0], X[y == 0, :, 0]
    assert np.all(np.abs(square) == 1.0)
    assert np.all(np.abs(sine) <= 1.0) and np.mean(np.abs(sine) < 0.9) > 0.2
    # Every square wave is the sign of a sine wave of the same period/phase.
    assert np.all(np.any(square > 0, axis=1) & np.any(square < 0, axis=1))


def test_sine_square_noise_is_added():
    X0, y0 = make_sine_square(200, 32, noise=0.0, random_state=0)
    X, y = make_sine_square(200, 32, noise=0.3, random_state=0)
    np.testing.assert_array_equal(y, y0)
    assert abs((X - X0).std() - 0.3) < 0.01


def test_running_sum_is_cumulative_sum():
    X, y = make_running_sum(30, 12, random_state=0)
    assert X.shape == (30, 12, 1) and y.shape == (30, 12)
    assert X.min() >= -1.0 and X.max() <= 1.0
    np.testing.assert_allclose(y[:, 0], X[:, 0, 0])
    np.testing.assert_allclose(np.diff(y, axis=1), X[:, 1:, 0], atol=1e-12)


@pytest.mark.parametrize("n_timesteps", [2, 3, 50])
def test_adding_problem_target_is_the_marked_sum(n_timesteps):
    X, y = make_adding_problem(300, n_timesteps, random_state=0)
    assert X.shape == (300, n_timesteps, 2) and y.shape == (300,)
    values, markers = X[:, :, 0], X[:, :, 1]
    assert values.min() >= 0.0 and values.max() <= 1.0
    assert set(np.unique(markers)) <= {0.0, 1.0}
    half = n_timesteps // 2
    np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1.0)
    np.testing.assert_array_equal(markers[:, half:].sum(axis=1), 1.0)
    np.testing.assert_allclose(y, (values * markers).sum(axis=1))


def test_adding_problem_markers_cover_both_halves():
    X, _ = make_adding_problem(2000, 10, random_state=0)
    positions = np.nonzero(X[:, :, 1])[1]
    np.testing.assert_array_equal(np.unique(positions), np.arange(10))


def test_copy_first_classification():
    X, y = make_copy_first(50, 60, noise=0.5, random_state=0)
    assert X.shape == (50, 60, 1) and y.shape == (50,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), [25, 25])
    np.testing.assert_array_equal(X[:, 0, 0], 2.0 * y - 1.0)
    assert abs(X[:, 1:].std() - 0.5) < 0.02


def test_copy_first_regression_and_zero_distractors():
    X, y = make_copy_first(50, 10, task="regression", noise=0.0, random_state=0)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(X[:, 0, 0], y)
    assert np.all(np.abs(y) <= 1.0)
    np.testing.assert_array_equal(X[:, 1:], 0.0)


@pytest.mark.parametrize("n_features", [1, 3])
def test_sequence_mean_target(n_features):
    X, y = make_sequence_mean(40, 15, n_features=n_features, random_state=0)
    assert X.shape == (40, 15, n_features)
    expected = X.mean(axis=1)
    np.testing.assert_allclose(y, expected[:, 0] if n_features == 1 else expected)


def test_variable_length_sequences_lengths_and_means():
    X, y = make_variable_length_sequences(
        300, min_timesteps=3, max_timesteps=7, random_state=0
    )
    assert isinstance(X, list) and len(X) == 300 and y.shape == (300,)
    lengths = [x.shape[0] for x in X]
    assert all(x.shape == (n, 1) for x, n in zip(X, lengths, strict=True))
    np.testing.assert_array_equal(np.unique(lengths), [3, 4, 5, 6, 7])
    np.testing.assert_allclose(y, [x.mean() for x in X])


def test_variable_length_sequences_running_means():
    X, Y = make_variable_length_sequences(
        20, n_features=2, return_sequences=True, random_state=0
    )
    X1, y1 = make_variable_length_sequences(20, n_features=2, random_state=0)
    for x, y_seq, x1, y_last in zip(X, Y, X1, y1, strict=True):
        np.testing.assert_array_equal(x, x1)
        assert y_seq.shape == x.shape
        np.testing.assert_allclose(y_seq[-1], y_last)
        np.testing.assert_allclose(y_seq[2], x[:3].mean(axis=0))


def test_variable_length_sequences_one_feature_targets_are_1d():
    X, Y = make_variable_length_sequences(5, return_sequences=True, random_state=0)
    assert all(y_seq.shape == (x.shape[0],) for x, y_seq in zip(X, Y, strict=True))


def test_equal_lengths_allowed():
    X, y = make_variable_length_sequences(
        5, min_timesteps=4, max_timesteps=4, random_state=0
    )
    assert all(x.shape == (4, 1) for x in X)
