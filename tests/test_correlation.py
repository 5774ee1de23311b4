"""Correlation kernels: FFT sums against direct sums, series never crossed."""

import numpy as np
import pytest
from scipy.stats import norm

from skrnn._diagnostics._correlation import (
    autocorrelation,
    band,
    cross_correlation,
    lagged_products,
)

rng = np.random.default_rng(0)
A = rng.normal(size=(57, 2))
B = rng.normal(size=(57, 3))
STARTS = np.array([0, 20, 23, 57])  # the middle series is shorter than L


def direct_products(a, b, max_lag, starts):
    """sum_k sum_t a[t - tau] b[t] within each series, by plain loops."""
    c = np.zeros((2 * max_lag + 1, a.shape[1], b.shape[1]))
    for k in range(len(starts) - 1):
        lo, hi = starts[k], starts[k + 1]
        for tau in range(-max_lag, max_lag + 1):
            for t in range(lo, hi):
                if lo <= t - tau < hi:
                    c[max_lag + tau] += np.outer(a[t - tau], b[t])
    return c


@pytest.mark.parametrize("max_lag", [0, 1, 5, 25])
def test_fft_products_equal_direct_sums_within_series(max_lag):
    expected = direct_products(A, B, max_lag, STARTS)
    np.testing.assert_allclose(
        lagged_products(A, B, max_lag, STARTS), expected, atol=1e-12
    )


def test_one_series_by_default():
    np.testing.assert_allclose(
        lagged_products(A, B, 4), direct_products(A, B, 4, [0, 57]), atol=1e-12
    )


def test_autocorrelation_matches_the_textbook_formula():
    e = rng.normal(size=(200, 1)) + 3.0
    r = autocorrelation(e, 6)[:, 0]
    d = e[:, 0] - e[:, 0].mean()
    expected = [d[: 200 - k] @ d[k:] / (d @ d) for k in range(7)]
    np.testing.assert_allclose(r, expected, atol=1e-12)
    assert r[0] == pytest.approx(1.0)


def test_autocorrelation_pools_series_each_centred_on_its_own_mean():
    # two white series with very different levels: joined, or centred on a
    # common mean, they would look strongly autocorrelated
    e = np.r_[rng.normal(size=300) + 10.0, rng.normal(size=300) - 10.0][:, None]
    r = autocorrelation(e, 5, np.array([0, 300, 600]))[:, 0]
    assert np.abs(r[1:]).max() < 0.15
    assert autocorrelation(e, 5)[1, 0] > 0.9  # as one series: the level step


def test_cross_correlation_positive_lag_means_the_input_leads():
    u = rng.normal(size=(500, 1))
    e = np.r_[np.zeros(4), u[:-4, 0]][:, None]  # e_t = u_{t-4}
    r = cross_correlation(u, e, 6)[:, 0, 0]
    lags = np.arange(-6, 7)
    assert lags[np.argmax(r)] == 4
    assert r[lags == 4][0] > 0.99


def test_cross_correlation_is_normalised_and_shaped_per_pair():
    u = rng.normal(size=(300, 2))
    e = np.c_[2.0 * u[:, 1] + 1.0, -u[:, 0]]
    r = cross_correlation(u, e, 3)
    assert r.shape == (7, 2, 2)
    np.testing.assert_allclose(r[3], [[0.0, -1.0], [1.0, 0.0]], atol=0.15)
    assert r[3, 1, 0] == pytest.approx(1.0) and r[3, 0, 1] == pytest.approx(-1.0)


def test_constant_column_gives_nan_not_an_error():
    r = autocorrelation(np.ones((10, 1)), 2)
    assert np.isnan(r).all()


def test_band_is_z_over_root_n():
    assert band(100) == pytest.approx(norm.ppf(0.975) / 10)
    assert band(100, 0.99) == pytest.approx(2.5758293 / 10)
