"""Simulation kernels: the lfilter path of a linear model against the loop."""

import numpy as np
import pytest
from scipy.signal import lfilter, lfiltic

from skrnn._series._simulate import (
    feedback_index,
    series_layout,
    simulate_linear,
    simulate_network,
    to_time_major,
)


def stable_ar(rng, M):
    """Coefficients c_1 ... c_M of a stable y_t = c_1 y_{t-1} + ... + e_t."""
    pairs = rng.uniform(0.3, 0.95, size=M // 2) * np.exp(
        1j * rng.uniform(0, np.pi, size=M // 2)
    )
    poles = np.r_[pairs, pairs.conj(), rng.uniform(-0.9, 0.9, size=M % 2)]
    return -np.real(np.poly(poles))[1:]  # np.poly: 1, -c_1, ..., -c_M


def random_linear(seed, lengths, n_output_lags, n_x):
    """A time-major batch and the one layer of a random stable linear model.

    The feedback coefficients are those of a stable filter of order
    M = n_output_lags (the model reads lags 1 ... M).
    """
    rng = np.random.default_rng(seed)
    starts = np.r_[0, np.cumsum(lengths)]
    perm, sorted_lengths, index = series_layout(starts)
    Zx = to_time_major(rng.normal(size=(starts[-1], n_x)), sorted_lengths, index)
    M = n_output_lags
    y0 = rng.normal(size=(M, len(lengths), 1))
    W = np.r_[rng.normal(size=(n_x, 1)), stable_ar(rng, M)[:, None]]
    b = rng.normal(size=1)
    return Zx, sorted_lengths, y0, W, b, feedback_index([M])


def relative_error(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


CASES = [
    # seed, series lengths, output lags, exogenous regressors
    (0, [500], 1, 3),
    (1, [400, 250, 37, 1], 2, 2),
    (2, [300, 300, 300], 4, 5),
    (3, [1000, 17, 640], 7, 1),
    (4, [120, 80], 3, 0),  # no exogenous input: an AR model
]


@pytest.mark.parametrize("seed, lengths, M, n_x", CASES)
def test_lfilter_path_gives_the_numbers_of_the_loop(seed, lengths, M, n_x):
    Zx, lengths, y0, W, b, feedback = random_linear(seed, lengths, M, n_x)
    fast = simulate_linear(Zx, lengths, y0, W, b, feedback)
    loop = simulate_network(Zx, lengths, y0, [(W, b)], "identity", feedback)
    assert fast.shape == loop.shape == (lengths[0], len(lengths), 1)
    valid = np.arange(lengths[0])[:, None] < lengths  # rows inside a series
    assert relative_error(fast[valid], loop[valid]) < 1e-12


def test_the_initial_state_is_lfiltic_of_the_output_history():
    """One series: lfilter from lfiltic's zi, on y_{-1}, ..., y_{-M}."""
    Zx, lengths, y0, W, b, feedback = random_linear(6, [300], 3, 2)
    c = W[2:, 0]  # the feedback regressors are lags 1, 2, 3: c_1, c_2, c_3
    a = np.r_[1.0, -c]
    e = Zx[:, 0] @ W[:2, 0] + b[0]
    zi = lfiltic([1.0], a, y0[::-1, 0, 0])
    expected, _ = lfilter([1.0], a, e, zi=zi)
    fast = simulate_linear(Zx, lengths, y0, W, b, feedback)
    assert relative_error(fast[:, 0, 0], expected) < 1e-12


def test_without_feedback_the_linear_path_is_the_exogenous_part():
    rng = np.random.default_rng(7)
    Zx = rng.normal(size=(50, 2, 3))
    W, b = rng.normal(size=(3, 1)), rng.normal(size=1)
    y0 = np.empty((0, 2, 1))
    feedback = feedback_index([0])
    fast = simulate_linear(Zx, np.array([50, 50]), y0, W, b, feedback)
    np.testing.assert_allclose(fast[:, :, 0], Zx @ W[:, 0] + b[0], rtol=1e-14)
