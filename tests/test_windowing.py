"""The windowing kernels against explicit loops."""

import numpy as np
import pytest

from skrnn._nn._cellmath import running_counts
from skrnn._series._windowing import lag_matrix, trainable_rows, window_view

rng = np.random.default_rng(0)
X = rng.normal(size=(23, 3))
STARTS = np.array([0, 5, 6, 15, 23])  # four series, one of length 1


def _reference_lags(X, n_lags, delay, starts, padding):
    cols = []
    for j, N in enumerate(n_lags):
        for k in range(delay, delay + N + 1):
            col = np.empty(len(X))
            for s in range(len(starts) - 1):
                for t in range(starts[s], starts[s + 1]):
                    src = t - k
                    if src >= starts[s]:
                        col[t] = X[src, j]
                    else:
                        col[t] = X[starts[s], j] if padding == "edge" else 0.0
            cols.append(col)
    return np.column_stack(cols)


@pytest.mark.parametrize("padding", ["edge", "zero"])
@pytest.mark.parametrize("delay", [0, 2])
@pytest.mark.parametrize("starts", [np.array([0, 23]), STARTS])
def test_lag_matrix_matches_loop(padding, delay, starts):
    n_lags = np.array([3, 0, 5])
    got = lag_matrix(X, n_lags, delay=delay, starts=starts, padding=padding)
    want = _reference_lags(X, n_lags, delay, starts, padding)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("padding", ["edge", "zero"])
@pytest.mark.parametrize("starts", [None, STARTS])
def test_window_view_matches_loop(padding, starts):
    width = 4
    got = window_view(X, width, starts=starts, padding=padding)
    lagged = _reference_lags(
        X,
        [width - 1] * 3,
        0,
        np.array([0, 23]) if starts is None else starts,
        padding,
    ).reshape(len(X), 3, width)
    np.testing.assert_array_equal(got, lagged[:, :, ::-1].transpose(0, 2, 1))


def test_window_view_of_one_series_is_a_view():
    big = rng.normal(size=(1000, 3))
    W = window_view(big, 50)
    assert W.shape == (1000, 50, 3)
    assert not W.flags.writeable
    # all the windows live in one padded copy of the series
    low, high = np.lib.array_utils.byte_bounds(W)
    assert high - low == (1000 + 49) * 3 * 8


def test_trainable_rows_skip_history_in_each_series():
    rows = trainable_rows(STARTS, 2)
    want = [t for s in range(4) for t in range(STARTS[s] + 2, STARTS[s + 1])]
    np.testing.assert_array_equal(rows, want)
    np.testing.assert_array_equal(trainable_rows(STARTS, 0), np.arange(23))


def test_running_counts_are_the_sequences_longer_than_each_step():
    rng = np.random.default_rng(0)
    lengths = np.sort(rng.integers(0, 12, size=20))[::-1]
    expected = [int((lengths > t).sum()) for t in range(14)]
    assert running_counts(lengths, 14) == expected
    assert running_counts([3, 3], 3) == [2, 2, 2]
    assert running_counts(np.array([], dtype=int), 2) == [0, 0]
