"""Correlation kernels for residual tests: auto- and cross-correlation by FFT.

Plain numpy/scipy functions, no estimators. Rows are grouped by series:
series ``k`` is rows ``starts[k]:starts[k + 1]``. Products are summed within
each series and pooled over the series, never across a boundary: every
series is centred on its own mean, the lagged products of all series are
added, and so are the sums of squares that normalise them. For one series
this is the usual (biased) sample correlation; for a panel it is the
correlation estimate of a common stationary process observed in pieces, and
its standard error under whiteness is 1/sqrt(N) with N the total number of
rows.
"""

import numpy as np
from scipy.fft import irfft, next_fast_len, rfft
from scipy.stats import norm

__all__ = ["lagged_products", "autocorrelation", "cross_correlation", "band"]


def _centred(a, starts):
    """Subtract each series' own column means."""
    out = np.array(a, dtype=np.float64, copy=True)
    for k in range(len(starts) - 1):
        seg = out[starts[k] : starts[k + 1]]
        seg -= seg.mean(axis=0)
    return out


def lagged_products(a, b, max_lag, starts=None):
    """Sums of lagged products within each series, pooled over the series.

    Parameters
    ----------
    a : ndarray of shape (n_timesteps, n_a)
        First signal (e.g. the inputs), rows grouped by series.
    b : ndarray of shape (n_timesteps, n_b)
        Second signal (e.g. the residuals), same rows.
    max_lag : int
        L: lags -L ... L are returned.
    starts : ndarray of shape (n_series + 1,), default=None
        Series boundaries; None means one series.

    Returns
    -------
    c : ndarray of shape (2 * max_lag + 1, n_a, n_b)
        ``c[L + tau, i, j] = sum_k sum_t a[t - tau, i] * b[t, j]`` where both
        rows lie in series k: at a positive lag, ``a`` leads ``b``.

    Notes
    -----
    Computed per series by the FFT of length ``n + min(L, n - 1)`` or more,
    long enough that the circular correlation has no wrap-around at the lags
    kept: O(n log n) per series instead of O(n L).
    """
    n = a.shape[0]
    starts = np.array([0, n]) if starts is None else starts
    c = np.zeros((2 * max_lag + 1, a.shape[1], b.shape[1]))
    for k in range(len(starts) - 1):
        lo, hi = starts[k], starts[k + 1]
        m = hi - lo
        if m == 0:
            continue
        keep = min(max_lag, m - 1)
        nfft = next_fast_len(m + keep, real=True)
        A = rfft(a[lo:hi], nfft, axis=0)
        B = rfft(b[lo:hi], nfft, axis=0)
        # circ[tau] = sum_s a[s] b[s + tau]; negative tau sits at nfft + tau
        circ = irfft(np.conj(A)[:, :, None] * B[:, None, :], nfft, axis=0)
        c[max_lag : max_lag + keep + 1] += circ[: keep + 1]
        if keep:
            c[max_lag - keep : max_lag] += circ[nfft - keep :]
    return c


def autocorrelation(e, max_lag, starts=None):
    """Sample autocorrelation of each column at lags 0 ... L, pooled over series.

    Parameters
    ----------
    e : ndarray of shape (n_timesteps, n_columns)
        The signal (e.g. residuals), rows grouped by series.
    max_lag : int
        L, the largest lag.
    starts : ndarray of shape (n_series + 1,), default=None
        Series boundaries; None means one series.

    Returns
    -------
    r : ndarray of shape (max_lag + 1, n_columns)
        ``r[0] = 1``; NaN for a column that is constant in every series.

    Notes
    -----
    With each series centred on its own mean,

    .. math:: r(\\tau) = \\frac{\\sum_k \\sum_t e_{k,t}\\, e_{k,t+\\tau}}
              {\\sum_k \\sum_t e_{k,t}^2}

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._diagnostics._correlation import autocorrelation
    >>> autocorrelation(np.array([[1.0], [-1.0], [1.0], [-1.0]]), 2).ravel()
    array([ 1.  , -0.75,  0.5 ])
    """
    n = e.shape[0]
    starts = np.array([0, n]) if starts is None else starts
    ec = _centred(e, starts)
    c = lagged_products(ec, ec, max_lag, starts)
    diag = np.einsum("tii->ti", c[max_lag:])
    with np.errstate(invalid="ignore", divide="ignore"):
        return diag / diag[0]


def cross_correlation(u, e, max_lag, starts=None):
    """Sample cross-correlation of every column of u with every column of e.

    Parameters
    ----------
    u : ndarray of shape (n_timesteps, n_u)
        The leading signal (e.g. inputs), rows grouped by series.
    e : ndarray of shape (n_timesteps, n_e)
        The other signal (e.g. residuals), same rows.
    max_lag : int
        L: lags -L ... L.
    starts : ndarray of shape (n_series + 1,), default=None
        Series boundaries; None means one series.

    Returns
    -------
    r : ndarray of shape (2 * max_lag + 1, n_u, n_e)
        ``r[L + tau, i, j]`` correlates u_{t - tau, i} with e_{t, j}: a
        positive lag means the input leads. NaN where a column is constant.

    Notes
    -----
    With each series centred on its own means,

    .. math:: r_{ue}(\\tau) = \\frac{\\sum_k \\sum_t u_{k,t-\\tau}\\, e_{k,t}}
              {\\sqrt{\\sum_k \\sum_t u_{k,t}^2 \\; \\sum_k \\sum_t e_{k,t}^2}}

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._diagnostics._correlation import cross_correlation
    >>> u = np.random.default_rng(0).normal(size=(200, 1))
    >>> e = np.r_[np.zeros(2), u[:-2, 0]][:, None]  # e_t = u_{t-2}
    >>> r = cross_correlation(u, e, 3)[:, 0, 0]
    >>> int(np.argmax(r)) - 3
    2
    """
    n = u.shape[0]
    starts = np.array([0, n]) if starts is None else starts
    uc, ec = _centred(u, starts), _centred(e, starts)
    c = lagged_products(uc, ec, max_lag, starts)
    norm_u = np.sqrt((uc**2).sum(axis=0))
    norm_e = np.sqrt((ec**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return c / (norm_u[:, None] * norm_e[None, :])


def band(n_samples, confidence=0.95):
    """Half-width z / sqrt(N) of the two-sided band of a white-noise correlation.

    Parameters
    ----------
    n_samples : int
        N, the number of rows the correlation was estimated from.
    confidence : float, default=0.95
        Probability that a correlation of white noise falls inside the band.

    Returns
    -------
    half_width : float

    Examples
    --------
    >>> from skrnn._diagnostics._correlation import band
    >>> round(band(400), 4)
    0.098
    """
    return float(norm.ppf(0.5 + confidence / 2) / np.sqrt(n_samples))
