"""Residual tests of a fitted series model.

:func:`residual_analysis` and :func:`residual_correlation` say whether a
model has left structure in its errors: residuals that are correlated with
their own past, or with past inputs, point to dynamics the model missed.
"""

from dataclasses import dataclass

import numpy as np

from .._data import check_series
from .._data._params import COUNT, OPEN_UNIT, count_from
from .._data._sklearn_compat import HasMethods, validate_params
from ._checks import _as_float
from ._correlation import autocorrelation, band, cross_correlation
from ._scorers import _predict

__all__ = [
    "Correlation",
    "ResidualAnalysis",
    "residual_analysis",
    "residual_correlation",
]


@dataclass
class Correlation:
    """A correlation function with its white-noise confidence band.

    Returned by :func:`residual_analysis` and :func:`residual_correlation`
    (attributes ``acf`` and ``ccf``).

    Attributes
    ----------
    lags : ndarray of shape (n_lags,)
        The lags: 0 ... L for an autocorrelation, -L ... L for a
        cross-correlation.
    values : ndarray
        The correlations, lags first: ``(n_lags,)`` or ``(n_lags,
        n_outputs)`` for the residual autocorrelation (1-D when ``y`` is);
        ``(n_lags, n_inputs)`` or ``(n_lags, n_inputs, n_outputs)`` for the
        input-residual cross-correlation.
    band : float
        Half-width of the band, z / sqrt(N).
    significant : ndarray of bool, shape of ``values``
        Whether each correlation lies outside the band (never at lag 0 of an
        autocorrelation, which is 1 by definition).
    confidence : float
        The probability the band holds for white noise.

    See Also
    --------
    residual_analysis : Residual tests of a fitted model.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import residual_correlation
    >>> e = np.random.default_rng(0).normal(size=500)
    >>> acf = residual_correlation(e, np.zeros(500), max_lag=10).acf
    >>> acf.lags.shape, acf.values.shape, round(acf.band, 4)
    ((11,), (11,), 0.0877)
    """

    lags: np.ndarray
    values: np.ndarray
    band: float
    significant: np.ndarray
    confidence: float


@dataclass
class ResidualAnalysis:
    """Residuals of a series model and their correlation tests.

    Returned by :func:`residual_analysis` and :func:`residual_correlation`.

    Attributes
    ----------
    residuals : ndarray of shape (n_timesteps,) or (n_timesteps, n_outputs)
        ``y - y_pred``, in the input's row order.
    acf : Correlation
        Residual autocorrelation at lags 0 ... L (per output).
    ccf : Correlation or None
        Input-residual cross-correlation at lags -L ... L (per input and
        output); None when there are no inputs.
    n_series : int
        Number of series the correlations were pooled over.

    See Also
    --------
    ResidualDisplay : Draws the two correlations with their bands.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import residual_correlation
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(300, 2)), rng.normal(size=300)
    >>> result = residual_correlation(y, np.zeros(300), X, max_lag=5)
    >>> result.residuals.shape, result.acf.values.shape, result.ccf.values.shape
    ((300,), (6,), (11, 2))
    """

    residuals: np.ndarray
    acf: Correlation
    ccf: Correlation | None
    n_series: int


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "X": ["array-like", None],
        "max_lag": [count_from(0)],
        "confidence": [OPEN_UNIT],
    },
    prefer_skip_nested_validation=True,
)
def residual_correlation(y_true, y_pred, X=None, *, max_lag=25, confidence=0.95):
    """Residual autocorrelation and input-residual cross-correlation.

    Parameters
    ----------
    y_true : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        Measured outputs. A pandas object with a ``(series_id, time)``
        MultiIndex (on ``y_true`` or ``X``) is a panel.
    y_pred : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        Predictions in the same row order.
    X : array-like of shape (n_timesteps, n_inputs), default=None
        The inputs, for the cross-correlation; None skips it.
    max_lag : int, default=25
        L: autocorrelation at lags 0 ... L, cross-correlation at -L ... L.
        Must be smaller than the longest series.
    confidence : float, default=0.95
        Coverage of the band z / sqrt(N) (z = 1.96 for 95%).

    Returns
    -------
    result : ResidualAnalysis
        ``residuals``, ``acf``, ``ccf`` and ``n_series``.

    See Also
    --------
    residual_analysis : The same from a fitted model.
    ResidualDisplay : Draws the result.

    Notes
    -----
    With e = y - ŷ and every series centred on its own mean, lagged products
    are summed within each series and pooled over the series (never across
    a boundary):

    .. math:: r_e(\\tau) = \\frac{\\sum_k\\sum_t e_{k,t} e_{k,t+\\tau}}
              {\\sum_k\\sum_t e_{k,t}^2}, \\quad
              r_{ue}(\\tau) = \\frac{\\sum_k\\sum_t u_{k,t-\\tau} e_{k,t}}
              {\\sqrt{\\sum_k\\sum_t u_{k,t}^2\\,\\sum_k\\sum_t e_{k,t}^2}}

    A positive lag in :math:`r_{ue}` means the input leads the residual. If
    the residuals are white and independent of the input, each correlation
    is approximately normal with standard deviation 1/sqrt(N), N the total
    number of rows: about ``1 - confidence`` of the lags fall outside the
    band by chance. (For the cross-correlation this holds when the
    residual or the input is white; a strongly coloured input and residual
    make the band too narrow.) A residual or input that is constant in
    every series has no correlation: its values are NaN, never significant.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import residual_correlation
    >>> e = np.random.default_rng(0).normal(size=1000)
    >>> echo = e.copy()
    >>> echo[3:] += 0.5 * e[:-3]  # a lag-3 echo left in the residual
    >>> result = residual_correlation(echo, np.zeros(1000), max_lag=5)
    >>> result.acf.lags[result.acf.significant]
    array([3])
    """
    data = check_series(None, X, y_true, reset=False, allow_X_none=True)
    y_pred = _as_float(y_pred, "y_pred")
    n, n_out = data.y.shape
    if y_pred.shape[0] != n or y_pred.reshape(n, -1).shape[1] != n_out:
        raise ValueError(
            f"y_pred has shape {y_pred.shape} but y_true has "
            f"{(n,) if data.y_1d else (n, n_out)}; they must match."
        )
    pred = y_pred.reshape(n, n_out)
    if data.order is not None:
        pred = pred[data.order]
    longest = int(data.lengths.max())
    if max_lag >= longest:
        raise ValueError(
            f"max_lag={max_lag} needs a series longer than {max_lag} time steps; "
            f"the longest has {longest}."
        )
    e = data.y - pred
    half = band(n, confidence)
    lags = np.arange(max_lag + 1)
    r = autocorrelation(e, max_lag, data.starts)
    sig = np.abs(r) > half
    sig[0] = False
    if data.y_1d:
        r, sig = r[:, 0], sig[:, 0]
    acf = Correlation(lags, r, half, sig, confidence)
    ccf = None
    if data.X.shape[1]:
        c = cross_correlation(data.X, e, max_lag, data.starts)
        if data.y_1d:
            c = c[:, :, 0]
        lags = np.arange(-max_lag, max_lag + 1)
        ccf = Correlation(lags, c, half, np.abs(c) > half, confidence)
    residuals = data.restore_order(e)
    if data.y_1d:
        residuals = residuals[:, 0]
    return ResidualAnalysis(residuals, acf, ccf, data.n_series)


@validate_params(
    {
        "estimator": [HasMethods(["predict"])],
        "X": ["array-like", None],
        "y": ["array-like"],
        "steps_ahead": [COUNT, None],
        "max_lag": [count_from(0)],
        "confidence": [OPEN_UNIT],
    },
    prefer_skip_nested_validation=True,
)
def residual_analysis(estimator, X, y, *, steps_ahead=1, max_lag=25, confidence=0.95):
    """Residual tests of a fitted series model.

    Parameters
    ----------
    estimator : fitted regressor
        A fitted ``FIRRegressor``, ``NARXRegressor`` or Pipeline ending in
        one (any fitted regressor of a series works).
    X : array-like of shape (n_timesteps, n_inputs) or None
        The inputs (None for a model without inputs; then there is no
        cross-correlation). A DataFrame with a ``(series_id, time)``
        MultiIndex is a panel.
    y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        The measured outputs.
    steps_ahead : int or None, default=1
        Which residuals: of the k-step-ahead prediction (1: one step ahead,
        the classic test), or of the free-run simulation (None). A model
        without output feedback (``FIRRegressor``) has one kind only.
    max_lag : int, default=25
        L: autocorrelation at lags 0 ... L, cross-correlation at -L ... L.
    confidence : float, default=0.95
        Coverage of the band z / sqrt(N).

    Returns
    -------
    result : ResidualAnalysis
        ``residuals``, ``acf``, ``ccf`` (Correlation objects with ``lags``,
        ``values``, ``band`` and ``significant``) and ``n_series``.

    See Also
    --------
    residual_correlation : The same from predictions.
    ResidualDisplay : Draws the result.

    Notes
    -----
    A model that has captured the dynamics leaves one-step-ahead residuals
    that are white (no significant autocorrelation at lags >= 1) and
    uncorrelated with past inputs (no significant cross-correlation at lags
    >= 0); significant cross-correlation at negative lags points to feedback
    from the output to the input rather than to a poor model. The free-run
    residuals (``steps_ahead=None``) are white only for a correct model
    whose noise enters at the output; their cross-correlation with the
    input is the test of the input-to-output part alone. k-step residuals
    with k > 1 are correlated up to lag k - 1 even for a perfect model.
    See :func:`residual_correlation` for the estimates and the band.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn import FIRRegressor, residual_analysis
    >>> from skrnn.datasets import make_fir_system
    >>> X, y = make_fir_system(1000, noise=0.1, random_state=7)  # 4 taps
    >>> short = FIRRegressor(LinearRegression(), n_lags=1).fit(X, y)
    >>> result = residual_analysis(short, X, y, max_lag=5)
    >>> result.ccf.lags[result.ccf.significant[:, 0]]  # the missed taps
    array([2, 3])
    >>> right = FIRRegressor(LinearRegression(), n_lags=3).fit(X, y)
    >>> bool(residual_analysis(right, X, y, max_lag=5).ccf.significant.any())
    False
    """
    y_pred = _predict(estimator, X, y, steps_ahead)
    return residual_correlation(y, y_pred, X, max_lag=max_lag, confidence=confidence)
