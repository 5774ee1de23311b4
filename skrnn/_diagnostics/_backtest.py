"""Rolling-origin backtests: a forecast scorer and per-horizon errors.

:func:`make_forecast_scorer` judges a fitted series model by its
``forecast`` from the end of the training fold over the test fold, so
``cross_validate(model, X, y, cv=TimeSeriesSplit(test_size=h))`` is a
rolling-origin backtest; :func:`backtest` runs the same loop and keeps every
error by horizon, for :class:`BacktestDisplay`. Estimators are used through
their public ``fit``/``forecast`` only (duck typing).
"""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import mean_absolute_error, root_mean_squared_error
from sklearn.model_selection import TimeSeriesSplit
from sklearn.utils import Bunch

from .._data._params import COUNT
from .._data._sklearn_compat import StrOptions, _validate_style_kwargs, validate_params
from ._checks import _check_int
from ._displays import _column, _pyplot
from ._scorers import _METRICS

__all__ = ["BacktestDisplay", "backtest", "make_forecast_scorer"]

# metric -> (function, sign): greater is always better, errors are negated
_FORECAST_METRICS = {
    **_METRICS,
    "rmse": (root_mean_squared_error, -1.0),
    "mae": (mean_absolute_error, -1.0),
}


def _rows(data, start, stop):
    """Rows ``start:stop`` of an array or pandas object (None stays None)."""
    if data is None:
        return None
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return data.iloc[start:stop]
    return np.asarray(data)[start:stop]


def _has_inputs(estimator, X):
    return X is not None and getattr(estimator, "n_features_in_", None) != 0


def forecast_rows(estimator, n_steps, X_future):
    """``estimator.forecast`` as a float array, with a clear error if missing."""
    if not hasattr(estimator, "forecast"):
        raise TypeError(
            f"{type(estimator).__name__} has no forecast method: a forecast "
            "backtest needs a series model that continues its training series "
            "(NARXRegressor, ConformalForecaster); judge a model without output "
            "feedback by its predictions (make_simulation_scorer)."
        )
    if _has_inputs(estimator, X_future):
        y_pred = estimator.forecast(n_steps, X_future=X_future)
    else:
        y_pred = estimator.forecast(n_steps)
    return np.asarray(y_pred, dtype=np.float64)


class _ForecastScorer:
    """A scorer callable ``scorer(estimator, X, y, sample_weight=None)``."""

    def __init__(self, metric, horizon):
        self.metric = metric
        self.horizon = horizon

    def __call__(self, estimator, X, y, sample_weight=None):
        n = len(y) if self.horizon is None else min(self.horizon, len(y))
        y_pred = forecast_rows(estimator, n, _rows(X, 0, n))
        y_true = np.asarray(y, dtype=np.float64)[:n]
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[:n]
        func, sign = _FORECAST_METRICS[self.metric]
        return sign * float(func(y_true, y_pred, sample_weight=sample_weight))

    def __repr__(self):
        extra = "" if self.horizon is None else f", horizon={self.horizon}"
        return f"make_forecast_scorer(metric={self.metric!r}{extra})"


@validate_params(
    {"metric": [StrOptions(set(_FORECAST_METRICS))], "horizon": [COUNT, None]},
    prefer_skip_nested_validation=True,
)
def make_forecast_scorer(metric="rmse", *, horizon=None):
    """A scorer that judges a series model by its forecast over the test fold.

    Parameters
    ----------
    metric : {"rmse", "mae", "r2", "nrmse", "fit"}, default="rmse"
        RMSE, MAE, R², NRMSE or FIT% of the forecast. Errors are negated
        (the scorer returns ``-rmse``, as scikit-learn's ``neg_*`` scorers
        do) so that greater is always better.
    horizon : int, default=None
        Score only the first ``horizon`` steps of each test fold; None
        scores the whole fold.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None)``, for ``scoring=`` in
        ``cross_validate``, ``GridSearchCV`` and friends.

    See Also
    --------
    backtest : The same loop, keeping every error by horizon.
    make_simulation_scorer : Judge by the free-run simulation instead.

    Notes
    -----
    The scorer receives the estimator fitted on the training fold and the
    test fold ``(X, y)``, and calls ``estimator.forecast(len(y),
    X_future=X)``: a free run from the end of the training series, fed with
    the test fold's inputs and never with its outputs. With
    ``cv=TimeSeriesSplit(test_size=h)`` (and ``gap=0``: the test fold must
    follow the training fold) ``cross_validate`` is then a rolling-origin
    backtest at horizon ``h``. A model fitted without inputs (``X=None``)
    forecasts with ``forecast(n_steps)``; ``cross_validate`` needs an ``X``,
    so backtest such a model with :func:`backtest`.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.model_selection import TimeSeriesSplit, cross_val_score
    >>> from skrnn import NARXRegressor, make_forecast_scorer
    >>> from skrnn.datasets import make_arx_system
    >>> X, y = make_arx_system(300, noise=0.1, random_state=0)
    >>> narx = NARXRegressor(LinearRegression(), n_lags=1)
    >>> cv = TimeSeriesSplit(n_splits=4, test_size=20)
    >>> scores = cross_val_score(narx, X, y, cv=cv,
    ...                          scoring=make_forecast_scorer("rmse"))
    >>> (-scores).round(2)
    array([0.22, 0.16, 0.18, 0.22])
    """
    return _ForecastScorer(metric, horizon)


def _fold(train, test, n):
    """(train_stop, forecast_stop): a split must be a contiguous rolling origin."""
    train, test = np.sort(np.asarray(train)), np.sort(np.asarray(test))
    if len(train) == 0 or len(test) == 0:
        raise ValueError("every split of cv needs a training and a test fold.")
    contiguous = np.all(np.diff(train) == 1) and np.all(np.diff(test) == 1)
    if not contiguous or test[0] <= train[-1]:
        raise ValueError(
            "backtest needs rolling-origin splits: contiguous training rows "
            "followed by contiguous test rows (TimeSeriesSplit); got a split "
            f"with training rows {train[0]}..{train[-1]} and test rows "
            f"{test[0]}..{test[-1]}."
        )
    return train[0], train[-1] + 1, test[0], test[-1] + 1


def backtest(estimator, X, y, *, cv=None):
    """Forecast every test fold from the end of its training fold.

    Parameters
    ----------
    estimator : estimator
        A series model with ``fit`` and ``forecast`` (``NARXRegressor``,
        ``ConformalForecaster``); cloned and refitted on
        every training fold.
    X : array-like of shape (n_timesteps, n_inputs) or None
        The inputs of one series; None for a model without inputs.
    y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        The outputs.
    cv : int or cross-validation splitter, default=None
        Rolling-origin splits: an int ``k`` or None (5) means
        ``TimeSeriesSplit(k)``; else a splitter such as
        ``TimeSeriesSplit(n_splits, test_size=h, gap=g)`` whose training
        rows come before contiguous test rows. With a gap, the forecast runs
        through the gap (with its inputs) and is scored on the test rows.

    Returns
    -------
    result : Bunch
        - ``y_true``, ``y_pred``, ``errors`` (``y_true - y_pred``): arrays
          of shape ``(n_folds, horizon)`` or ``(n_folds, horizon,
          n_outputs)``, row k the k-th fold's test rows in time order,
          padded with NaN when folds differ in length;
        - ``horizon``: the steps 1 ... ``horizon`` after the origin (with a
          gap ``g``: ``g + 1`` ...);
        - ``origins``: the first forecast row of each fold, or its time
          stamp when ``y`` (or ``X``) has a pandas index;
        - ``rmse``, ``mae``: per horizon, over the folds.

    See Also
    --------
    make_forecast_scorer : One number per fold, for ``cross_validate``.
    BacktestDisplay : Plot the error by horizon.

    Notes
    -----
    Fold k is fitted on its training rows; ``forecast(n, X_future=...)``
    then continues the training series over the gap and the test rows,
    with the true inputs and the model's own outputs. The errors of a
    one-step predictor grow with the horizon as its own errors feed back:
    on a random walk the RMSE at horizon h is sqrt(h) times the one-step
    RMSE.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.model_selection import TimeSeriesSplit
    >>> from skrnn import NARXRegressor, backtest
    >>> rng = np.random.default_rng(0)
    >>> walk = np.cumsum(rng.normal(size=5000))  # a random walk
    >>> ar = NARXRegressor(LinearRegression(), n_output_lags=1)
    >>> result = backtest(ar, None, walk, cv=TimeSeriesSplit(300, test_size=16))
    >>> result.errors.shape
    (300, 16)
    >>> (result.rmse[[3, 15]] / result.rmse[0]).round(1)  # sqrt(4), sqrt(16)
    array([2.1, 4.2])
    """
    cv = TimeSeriesSplit(5 if cv is None else cv) if _is_int(cv) else cv
    for data, name in ((X, "X"), (y, "y")):
        if isinstance(data, (pd.DataFrame, pd.Series)) and isinstance(
            data.index, pd.MultiIndex
        ):
            raise ValueError(
                f"{name} is a panel (a (series_id, time) MultiIndex): backtest "
                "one series at a time."
            )
    n = len(y)
    rows = np.arange(n)
    truths, preds, origins, offsets = [], [], [], set()
    for train, test in cv.split(rows if X is None else X, y):
        start, stop, first, last = _fold(train, test, n)
        model = clone(estimator).fit(_rows(X, start, stop), _rows(y, start, stop))
        y_pred = forecast_rows(model, last - stop, _rows(X, stop, last))
        preds.append(y_pred[first - stop :])
        truths.append(np.asarray(_rows(y, first, last), dtype=np.float64))
        origins.append(first)
        offsets.add(first - stop)
    if len(offsets) > 1:
        raise ValueError("every fold of cv must have the same gap.")
    y_true, y_pred = _stack(truths), _stack(preds)
    errors = y_true - y_pred
    index = next(
        (d.index for d in (y, X) if isinstance(d, (pd.Series, pd.DataFrame))), None
    )
    return Bunch(
        y_true=y_true,
        y_pred=y_pred,
        errors=errors,
        horizon=np.arange(1, errors.shape[1] + 1) + offsets.pop(),
        origins=np.asarray(origins) if index is None else index[origins],
        rmse=_SUMMARIES["rmse"](errors),
        mae=_SUMMARIES["mae"](errors),
    )


def _is_int(cv):
    return cv is None or (
        isinstance(cv, (int, np.integer)) and not isinstance(cv, bool)
    )


def _stack(arrays):
    """Stack fold arrays of different lengths, padding with NaN."""
    length = max(len(a) for a in arrays)
    out = np.full((len(arrays), length) + arrays[0].shape[1:], np.nan)
    for k, a in enumerate(arrays):
        out[k, : len(a)] = a
    return out


# --------------------------------------------------------------------------
# display
# --------------------------------------------------------------------------


class BacktestDisplay:
    """Forecast error by horizon, from a rolling-origin backtest.

    The error of every fold at every step after its origin (faint points)
    and its RMSE or MAE over the folds (a line). Create it with
    :meth:`from_estimator` or :meth:`from_predictions`; all parameters are
    stored as attributes.

    Parameters
    ----------
    horizon : ndarray of shape (horizon,)
        The steps after the origin.
    errors : ndarray of shape (n_folds, horizon)
        ``y_true - y_pred`` of each fold (NaN where a fold is shorter).
    metric : {"rmse", "mae"}, default="rmse"
        The summary drawn as a line.
    estimator_name : str, default=None
        Name of the model, shown in the legend.

    Attributes
    ----------
    error_ : ndarray of shape (horizon,)
        The metric at each horizon.
    line_ : matplotlib Line2D
        The metric by horizon.
    points_ : matplotlib PathCollection
        The absolute error of every fold.
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.

    See Also
    --------
    backtest : The errors as arrays.
    make_forecast_scorer : One number per fold, for ``cross_validate``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.model_selection import TimeSeriesSplit
    >>> from skrnn import BacktestDisplay, NARXRegressor
    >>> from skrnn.datasets import make_arx_system
    >>> X, y = make_arx_system(600, noise=0.1, random_state=0)
    >>> narx = NARXRegressor(LinearRegression(), n_lags=1)
    >>> display = BacktestDisplay.from_estimator(
    ...     narx, X, y, cv=TimeSeriesSplit(10, test_size=12))
    >>> display.error_.shape, display.line_.get_label()
    ((12,), 'NARXRegressor, RMSE')
    """

    def __init__(self, *, horizon, errors, metric="rmse", estimator_name=None):
        self.horizon = horizon
        self.errors = errors
        self.metric = metric
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, line_kwargs=None, points_kwargs=None):
        """Draw the plot.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        line_kwargs : dict, default=None
            Keywords for ``ax.plot`` of the metric.
        points_kwargs : dict, default=None
            Keywords for ``ax.scatter`` of the folds' absolute errors.

        Returns
        -------
        display : BacktestDisplay
            Self, with ``ax_``, ``figure_``, ``line_``, ``points_`` and
            ``error_``.
        """
        plt = _pyplot("BacktestDisplay.plot")
        if self.metric not in _SUMMARIES:
            raise ValueError(
                f"metric must be one of {sorted(_SUMMARIES)}, got {self.metric!r}."
            )
        if ax is None:
            _, ax = plt.subplots()
        errors = np.asarray(self.errors, dtype=np.float64)
        horizon = np.asarray(self.horizon)
        self.error_ = _SUMMARIES[self.metric](errors)
        label = self.metric.upper()
        if self.estimator_name is not None:
            label = f"{self.estimator_name}, {label}"
        points = _validate_style_kwargs(
            {"color": "tab:blue", "alpha": 0.2, "s": 8, "label": "|error| of a fold"},
            points_kwargs or {},
        )
        line = _validate_style_kwargs(
            {"color": "black", "marker": "o", "label": label}, line_kwargs or {}
        )
        folds_h = np.broadcast_to(horizon, errors.shape)
        self.points_ = ax.scatter(folds_h.ravel(), np.abs(errors).ravel(), **points)
        (self.line_,) = ax.plot(horizon, self.error_, **line)
        ax.set_xlabel("steps ahead")
        ax.set_ylabel("forecast error")
        ax.legend(loc="upper left")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, cv=None, output=0, metric="rmse", name=None, ax=None
    ):
        """Backtest a series model and plot its error by horizon.

        Parameters
        ----------
        estimator : estimator
            A series model with ``fit`` and ``forecast``, refitted on every
            training fold (see :func:`backtest`).
        X : array-like of shape (n_timesteps, n_inputs) or None
            The inputs; None for a model without inputs.
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The outputs.
        cv : int or cross-validation splitter, default=None
            Rolling-origin splits, as in :func:`backtest`.
        output : int, default=0
            The output drawn, when there are several.
        metric : {"rmse", "mae"}, default="rmse"
            The summary drawn as a line.
        name : str, default=None
            Model name for the legend; None uses the class name.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.

        Returns
        -------
        display : BacktestDisplay
        """
        _pyplot("BacktestDisplay.from_estimator")
        result = backtest(estimator, X, y, cv=cv)
        output = _check_int(output, "output", 0)
        errors = result.errors
        if errors.ndim == 3:
            errors = _column(errors.reshape(-1, errors.shape[2]), output, "y")
            errors = errors.reshape(result.errors.shape[:2])
        else:
            _column(errors[0], output, "y")  # a clear error unless output == 0
        display = cls(
            horizon=result.horizon,
            errors=errors,
            metric=metric,
            estimator_name=type(estimator).__name__ if name is None else name,
        )
        return display.plot(ax=ax)

    @classmethod
    def from_predictions(
        cls, y_true, y_pred, *, horizon=None, metric="rmse", name=None, ax=None
    ):
        """Plot the error by horizon of forecasts made from several origins.

        Parameters
        ----------
        y_true : array-like of shape (n_folds, horizon)
            The outputs after each origin, in time order (NaN where a fold
            is shorter).
        y_pred : array-like of shape (n_folds, horizon)
            The forecasts, same shape.
        horizon : array-like of shape (horizon,), default=None
            The steps after the origin; None means 1 ... horizon.
        metric : {"rmse", "mae"}, default="rmse"
            The summary drawn as a line.
        name : str, default=None
            Model name for the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.

        Returns
        -------
        display : BacktestDisplay
        """
        _pyplot("BacktestDisplay.from_predictions")
        y_true = np.asarray(y_true, dtype=np.float64)
        y_pred = np.asarray(y_pred, dtype=np.float64)
        if y_true.ndim != 2 or y_true.shape != y_pred.shape:
            raise ValueError(
                "y_true and y_pred must both have shape (n_folds, horizon); got "
                f"{y_true.shape} and {y_pred.shape}."
            )
        if horizon is None:
            horizon = np.arange(1, y_true.shape[1] + 1)
        display = cls(
            horizon=horizon, errors=y_true - y_pred, metric=metric, estimator_name=name
        )
        return display.plot(ax=ax)


_SUMMARIES = {
    "rmse": lambda e: np.sqrt(np.nanmean(e**2, axis=0)),
    "mae": lambda e: np.nanmean(np.abs(e), axis=0),
}
