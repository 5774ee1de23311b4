"""Diagnostics of a fitted series model: residual tests, metrics and scorers.

Residual tests (:func:`residual_analysis`, :func:`residual_correlation`) say
whether a model has left structure in its errors: residuals that are
correlated with their own past, or with past inputs, point to dynamics the
model missed. The metrics (:func:`nrmse`, :func:`fit_percent`) and the
scorers (:func:`make_simulation_scorer`, :func:`make_k_step_scorer`) judge a
dynamic model the way system identification does: by its free-run
simulation, or by its predictions k steps ahead.
"""

import inspect
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score

from .._data import check_series
from ._correlation import autocorrelation, band, cross_correlation

__all__ = [
    "Correlation",
    "ResidualAnalysis",
    "fit_percent",
    "make_k_step_scorer",
    "make_simulation_scorer",
    "nrmse",
    "residual_analysis",
    "residual_correlation",
]


# --------------------------------------------------------------------------
# small checks
# --------------------------------------------------------------------------


def _check_int(value, name, min_value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral):
        extra = " or None" if allow_none else ""
        raise TypeError(f"{name} must be an int{extra}, got {value!r}.")
    if value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}.")
    return int(value)


def _check_confidence(confidence):
    if isinstance(confidence, bool) or not isinstance(confidence, Real):
        raise TypeError(f"confidence must be a number, got {confidence!r}.")
    if not 0 < confidence < 1:
        raise ValueError(
            f"confidence must be strictly between 0 and 1, got {confidence}."
        )
    return float(confidence)


def _as_float(values, name):
    """A finite float array of 1 or 2 dimensions, or a clear error."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} holds non-numeric data; it must be numbers."
        ) from None
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} has {arr.ndim} dimensions; expected (n_timesteps,) or "
            "(n_timesteps, n_outputs)."
        )
    if not np.isfinite(arr).all():
        bad = "NaN" if np.isnan(arr).any() else "infinity"
        raise ValueError(f"{name} contains {bad}.")
    return arr


def _check_pair(y_true, y_pred):
    y_true = _as_float(y_true, "y_true")
    y_pred = _as_float(y_pred, "y_pred")
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"y_true has {y_true.shape[0]} time steps but y_pred has "
            f"{y_pred.shape[0]}; they must have one row per time step."
        )
    if y_true.reshape(len(y_true), -1).shape != y_pred.reshape(len(y_pred), -1).shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} but y_pred has shape "
            f"{y_pred.shape}; they must have the same outputs."
        )
    return y_true, y_pred


# --------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------


def _weighted_norms(y_true, y_pred, sample_weight):
    """sqrt(sum w (y - y_hat)^2), sqrt(sum w (y - mean)^2), sum w, per output."""
    Y = y_true.reshape(len(y_true), -1)
    P = y_pred.reshape(len(y_pred), -1)
    if sample_weight is None:
        w = np.ones(len(Y))
    else:
        w = _as_float(sample_weight, "sample_weight")
        if w.ndim != 1 or len(w) != len(Y):
            raise ValueError(
                f"sample_weight has shape {w.shape}; expected one weight per "
                f"time step, ({len(Y)},)."
            )
        if (w < 0).any() or w.sum() <= 0:
            raise ValueError("sample_weight must be non-negative and not all zero.")
    mean = w @ Y / w.sum()
    err = np.sqrt(w @ (Y - P) ** 2)
    dev = np.sqrt(w @ (Y - mean) ** 2)
    return err, dev, w, Y


def _ratio(num, den, force_finite):
    """num / den with scikit-learn's convention for a constant target."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    if force_finite:
        zero = den == 0
        # a perfect prediction of a constant is perfect; any other prediction
        # of it scores as the mean would (R^2 = 0, as r2_score does)
        out[zero] = np.where(num[zero] == 0, 0.0, 1.0)
    return out


def _average(values, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return values
        if multioutput == "uniform_average":
            return float(np.mean(values))
        raise ValueError(
            "multioutput must be 'raw_values', 'uniform_average' or an array of "
            f"weights, got {multioutput!r}."
        )
    weights = np.asarray(multioutput, dtype=np.float64)
    if weights.shape != values.shape:
        raise ValueError(
            f"multioutput has {weights.size} weights but there are "
            f"{values.size} outputs."
        )
    return float(np.average(values, weights=weights))


def _range(Y, w):
    kept = Y[w > 0]
    return kept.max(axis=0) - kept.min(axis=0)


_NORMALIZERS = {
    # err / sqrt(sum w (y - mean)^2) == RMSE / (weighted) standard deviation
    "std": lambda err, dev, w, Y: dev,
    "range": lambda err, dev, w, Y: _range(Y, w) * np.sqrt(w.sum()),
}


def nrmse(
    y_true,
    y_pred,
    *,
    sample_weight=None,
    normalization="std",
    multioutput="uniform_average",
    force_finite=True,
):
    """Normalised root-mean-square error.

    Parameters
    ----------
    y_true : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        Measured outputs.
    y_pred : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        Predicted or simulated outputs.
    sample_weight : array-like of shape (n_timesteps,), default=None
        Weights of the rows.
    normalization : {"std", "range"}, default="std"
        What the RMSE is divided by: the standard deviation of ``y_true``
        (then NRMSE = 1 for the mean as a prediction), or its range
        ``max - min``.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
            (n_outputs,), default="uniform_average"
        Return one value per output, their mean, or their weighted mean.
    force_finite : bool, default=True
        For a constant ``y_true`` (zero normaliser): 0 for a perfect
        prediction and 1 otherwise, as :func:`~sklearn.metrics.r2_score`
        gives 1 and 0. False gives NaN and inf.

    Returns
    -------
    nrmse : float or ndarray of shape (n_outputs,)
        0 is perfect; lower is better.

    See Also
    --------
    fit_percent : 100 (1 - NRMSE), the FIT% of system identification.
    make_simulation_scorer : A scorer for ``GridSearchCV`` (``-nrmse``).

    Notes
    -----
    With ``normalization="std"``,

    .. math:: \\mathrm{NRMSE} = \\frac{\\lVert y - \\hat y \\rVert}
              {\\lVert y - \\bar y \\rVert}
              = \\sqrt{1 - R^2}\\ \\text{(when } R^2 \\ge 0\\text{)},

    and with ``"range"`` it is
    :math:`\\mathrm{RMSE} / (\\max y - \\min y)`. Norms and means are
    weighted by ``sample_weight``.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import nrmse
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> float(nrmse(y, y))
    0.0
    >>> float(nrmse(y, np.full(4, y.mean())))
    1.0
    >>> round(nrmse(y, y + 0.5), 4)
    0.4472
    >>> round(nrmse(y, y + 0.5, normalization="range"), 4)
    0.1667
    """
    if normalization not in _NORMALIZERS:
        raise ValueError(
            f"normalization must be one of {sorted(_NORMALIZERS)}, got "
            f"{normalization!r}."
        )
    y_true, y_pred = _check_pair(y_true, y_pred)
    err, dev, w, Y = _weighted_norms(y_true, y_pred, sample_weight)
    scale = _NORMALIZERS[normalization](err, dev, w, Y)
    return _average(_ratio(err, scale, force_finite), multioutput)


def fit_percent(
    y_true,
    y_pred,
    *,
    sample_weight=None,
    multioutput="uniform_average",
    force_finite=True,
):
    """FIT%: the normalised fit of system identification (MATLAB's ``compare``).

    Parameters
    ----------
    y_true : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        Measured outputs.
    y_pred : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        Predicted or simulated outputs.
    sample_weight : array-like of shape (n_timesteps,), default=None
        Weights of the rows.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
            (n_outputs,), default="uniform_average"
        Return one value per output, their mean, or their weighted mean.
    force_finite : bool, default=True
        For a constant ``y_true``: 100 for a perfect prediction and 0
        otherwise. False gives NaN and -inf.

    Returns
    -------
    fit : float or ndarray of shape (n_outputs,)
        100 is perfect, 0 is no better than the mean; it has no lower bound.

    See Also
    --------
    nrmse : The normalised error, 1 - FIT/100.
    make_simulation_scorer : A scorer for ``GridSearchCV``.

    Notes
    -----
    .. math:: \\mathrm{FIT} = 100 \\left(1 - \\frac{\\lVert y - \\hat y
              \\rVert}{\\lVert y - \\bar y \\rVert}\\right)

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import fit_percent
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> float(fit_percent(y, y))
    100.0
    >>> float(fit_percent(y, np.full(4, y.mean())))
    0.0
    >>> round(fit_percent(y, y + 0.5), 2)
    55.28
    """
    y_true, y_pred = _check_pair(y_true, y_pred)
    err, dev, _, _ = _weighted_norms(y_true, y_pred, sample_weight)
    fit = 100.0 * (1.0 - _ratio(err, dev, force_finite))
    return _average(fit, multioutput)


# --------------------------------------------------------------------------
# predictions of a series model in a chosen mode
# --------------------------------------------------------------------------


def _final_step(estimator):
    while hasattr(estimator, "steps"):  # a Pipeline: its last step predicts
        estimator = estimator.steps[-1][1]
    return estimator


def _has_steps_ahead(estimator):
    try:
        params = inspect.signature(_final_step(estimator).predict).parameters
    except (AttributeError, TypeError, ValueError):
        return False
    return "steps_ahead" in params


def _predict(estimator, X, y, steps_ahead):
    """Free run (``steps_ahead=None``) or k-step-ahead predictions.

    A model without ``steps_ahead`` in its ``predict`` (FIR, any static
    regressor) has no output feedback: its k-step prediction is ``predict``.
    """
    if steps_ahead is None:
        if X is None:
            raise ValueError(
                "X is None: a free-run simulation needs the inputs that drive "
                "it. Judge a model without inputs k steps ahead (steps_ahead=k) "
                "or with forecast(n_steps)."
            )
        return estimator.predict(X)
    if _has_steps_ahead(estimator):
        return estimator.predict(X, y=y, steps_ahead=steps_ahead)
    return estimator.predict(X)


def _positions(X, y, n):
    """Position of every row (input order) within its own series."""
    for source in (X, y):
        if isinstance(source, (pd.DataFrame, pd.Series)) and isinstance(
            source.index, pd.MultiIndex
        ):
            codes = pd.factorize(source.index.get_level_values(0), sort=False)[0]
            return pd.Series(codes).groupby(codes).cumcount().to_numpy()
    return np.arange(n)


# --------------------------------------------------------------------------
# scorers
# --------------------------------------------------------------------------

# metric -> (function, sign): the scorer returns sign * metric, so that
# greater is always better (the NRMSE scorer returns -NRMSE)
_METRICS = {
    "r2": (r2_score, 1.0),
    "nrmse": (nrmse, -1.0),
    "fit": (fit_percent, 1.0),
}


def _check_metric(metric):
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {sorted(_METRICS)}, got {metric!r}.")
    return metric


class _SeriesScorer:
    """A scorer callable ``scorer(estimator, X, y, sample_weight=None)``."""

    def __init__(self, metric, steps_ahead, warmup):
        self.metric = metric
        self.steps_ahead = steps_ahead
        self.warmup = warmup

    def __call__(self, estimator, X, y, sample_weight=None):
        y_pred = np.asarray(_predict(estimator, X, y, self.steps_ahead))
        y_true = np.asarray(y)
        keep = _positions(X, y, len(y_true)) >= self.warmup
        if not keep.any():
            raise ValueError(
                f"warmup={self.warmup} leaves no time step to score: every "
                "series is that short or shorter."
            )
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[keep]
        func, sign = _METRICS[self.metric]
        score = func(y_true[keep], y_pred[keep], sample_weight=sample_weight)
        return sign * float(score)

    def __repr__(self):
        extra = f", warmup={self.warmup}" if self.warmup else ""
        if self.steps_ahead is None:
            return f"make_simulation_scorer(metric={self.metric!r}{extra})"
        return f"make_k_step_scorer({self.steps_ahead}, metric={self.metric!r}{extra})"


def make_simulation_scorer(metric="r2", *, warmup=0):
    """A scorer that judges a series model by its free-run simulation.

    Parameters
    ----------
    metric : {"r2", "nrmse", "fit"}, default="r2"
        R², NRMSE (:func:`nrmse`, the scorer returns ``-nrmse`` so that
        greater is better, as scikit-learn's ``neg_*`` scorers do) or FIT%
        (:func:`fit_percent`).
    warmup : int, default=0
        Leading time steps of each series left out of the score: the
        transient of an initial state the model cannot know.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None)``, for ``scoring=`` in
        ``GridSearchCV``, ``cross_val_score`` and friends.

    See Also
    --------
    make_k_step_scorer : Judge by k-step-ahead prediction instead.
    SimulationDisplay : Plot the simulation against the measurements.

    Notes
    -----
    The free run is ``estimator.predict(X)``: for ``NARXRegressor`` (or a
    Pipeline ending in one) the model's own outputs are fed back over the
    whole of ``X``, starting from the mean output of the training data; for
    a model without output feedback (``FIRRegressor``, ``RNNRegressor``
    behind a ``SlidingWindow``) it is its ordinary prediction. A one-step
    predictor can look good while its simulation drifts away: the free run
    is the honest test of a dynamic model, and what ``NARXRegressor.score``
    reports (as R²).

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> from skrnn import FIRRegressor, make_simulation_scorer
    >>> from skrnn.datasets import make_fir_system
    >>> X, y = make_fir_system(400, noise=0.05, random_state=0)  # 4 taps
    >>> search = GridSearchCV(
    ...     FIRRegressor(LinearRegression()), {"n_lags": [1, 2, 3]},
    ...     scoring=make_simulation_scorer("fit"), cv=TimeSeriesSplit(3),
    ... ).fit(X, y)
    >>> search.best_params_
    {'n_lags': 3}
    >>> make_simulation_scorer("nrmse")
    make_simulation_scorer(metric='nrmse')
    """
    return _SeriesScorer(
        _check_metric(metric), None, _check_int(warmup, "warmup", min_value=0)
    )


def make_k_step_scorer(steps_ahead=1, *, metric="r2", warmup=0):
    """A scorer that judges a series model by its k-step-ahead predictions.

    Parameters
    ----------
    steps_ahead : int, default=1
        k: the prediction at t uses the measured outputs up to t - k.
    metric : {"r2", "nrmse", "fit"}, default="r2"
        R², NRMSE (the scorer returns ``-nrmse`` so that greater is better)
        or FIT%.
    warmup : int, default=0
        Leading time steps of each series left out of the score.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None)``, for ``scoring=``.

    See Also
    --------
    make_simulation_scorer : Judge by the free-run simulation instead.

    Notes
    -----
    For an estimator whose ``predict`` takes ``steps_ahead``
    (``NARXRegressor``, or a Pipeline ending in one) the scorer calls
    ``predict(X, y=y, steps_ahead=k)`` with the measured ``y`` of the
    fold. A model without output feedback (``FIRRegressor``) never uses
    past outputs, so its k-step prediction is ``predict(X)``. As k grows the
    score moves from the one-step-ahead fit to the free-run fit.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.model_selection import cross_val_score, TimeSeriesSplit
    >>> from skrnn import NARXRegressor, make_k_step_scorer
    >>> from skrnn.datasets import make_arx_system
    >>> X, y = make_arx_system(300, noise=0.1, random_state=0)
    >>> narx = NARXRegressor(LinearRegression(), n_lags=1)
    >>> cv = TimeSeriesSplit(3)
    >>> one_step = make_k_step_scorer(1, metric="fit", warmup=10)
    >>> cross_val_score(narx, X, y, cv=cv, scoring=one_step).round(1)
    array([97.3, 97.3, 96.7])
    >>> five_steps = make_k_step_scorer(5, metric="fit", warmup=10)
    >>> cross_val_score(narx, X, y, cv=cv, scoring=five_steps).round(1)
    array([91.1, 91.5, 93.9])
    """
    return _SeriesScorer(
        _check_metric(metric),
        _check_int(steps_ahead, "steps_ahead", min_value=1),
        _check_int(warmup, "warmup", min_value=0),
    )


# --------------------------------------------------------------------------
# residual tests
# --------------------------------------------------------------------------


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
    max_lag = _check_int(max_lag, "max_lag", min_value=0)
    confidence = _check_confidence(confidence)
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
    steps_ahead = _check_int(steps_ahead, "steps_ahead", 1, allow_none=True)
    y_pred = _predict(estimator, X, y, steps_ahead)
    return residual_correlation(y, y_pred, X, max_lag=max_lag, confidence=confidence)
