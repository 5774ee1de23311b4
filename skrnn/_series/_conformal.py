"""Split-conformal prediction intervals around any series model's forecast.

:class:`ConformalForecaster` wraps a fitted-by-it series model and keeps
the residuals of forecasts made from many origins it did not train on;
``forecast(n, coverage=c)`` returns the model's forecast with the
conformal quantile of the absolute residuals at each horizon on either
side. The wrapped model is used through its public ``fit``, ``update``,
``forecast`` and ``predict`` only.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from .._data import check_series
from .._data._sklearn_compat import HasMethods, Interval, StrOptions, _fit_context
from ._narx import NARXRegressor

__all__ = ["ConformalForecaster"]


def _rows(data, start, stop):
    if data is None:
        return None
    if isinstance(data, (pd.DataFrame, pd.Series)):
        return data.iloc[start:stop]
    if not hasattr(data, "shape"):  # a list: arrays and sparse matrices slice
        data = np.asarray(data)
    return data[start:stop]


def _is_panel(data):
    return isinstance(data, (pd.DataFrame, pd.Series)) and isinstance(
        data.index, pd.MultiIndex
    )


def _forecast(model, n_steps, X_future):
    if X_future is None:
        return model.forecast(n_steps)
    return model.forecast(n_steps, X_future=X_future)


def conformal_quantile(abs_residuals, coverage):
    """The split-conformal quantile of absolute residuals, per column.

    Parameters
    ----------
    abs_residuals : ndarray of shape (n_calibration, ...)
        Absolute residuals; NaN entries are left out (a column's own count).
    coverage : float
        The nominal coverage c in (0, 1).

    Returns
    -------
    q : ndarray of shape abs_residuals.shape[1:]
        The ``ceil((n + 1) c)``-th smallest of the n residuals of each column:
        a new residual exchangeable with them is at most q with probability
        at least c. ``inf`` when ``ceil((n + 1) c) > n`` (too few residuals
        for that coverage).
    """
    r = np.sort(abs_residuals, axis=0)  # NaN sort last
    n = np.sum(~np.isnan(abs_residuals), axis=0)
    k = np.ceil((n + 1) * coverage).astype(np.int64)
    valid = (k <= n) & (n > 0)
    taken = np.take_along_axis(r, np.clip(k - 1, 0, len(r) - 1)[None], axis=0)[0]
    return np.where(valid, taken, np.inf)


class ConformalForecaster(RegressorMixin, BaseEstimator):
    """Prediction intervals by horizon for a series model's forecast.

    Split conformal prediction, distribution-free: the wrapped model
    forecasts from many origins it was not trained on, and the absolute
    errors at each horizon h give the half-width of the interval at h.

    Parameters
    ----------
    estimator : estimator, default=None
        A series model with ``fit``, ``update``, ``forecast`` and ``predict``
        (``NARXRegressor``); None means ``NARXRegressor()``. Cloned in
        ``fit``.
    method : {"split", "backtest"}, default="split"
        ``"split"``: fit once on all but the last ``calibration_size`` rows,
        then forecast from every row of that calibration part, moving the
        model's series forward with ``update`` (no refit); the model keeps
        the parameters learned on the first part. ``"backtest"``: refit on
        all rows before each of ``n_windows`` origins spread over the
        calibration part (rolling origin), then refit on all rows.
    horizon : int, default=10
        The longest forecast calibrated: ``forecast`` accepts up to
        ``horizon`` steps.
    calibration_size : float or int, default=0.25
        The rows at the end of the series the origins are taken from: a
        fraction of the rows, or a number of rows.
    n_windows : int, default=20
        Number of origins (refits) for ``method="backtest"``; unused by
        ``"split"``, which forecasts from every calibration row.
    random_state : int, RandomState instance or None, default=None
        Seed of the default model (``estimator=None``); a given estimator
        keeps its own.

    Attributes
    ----------
    estimator_ : estimator
        The fitted model that ``forecast`` and ``predict`` run, its series
        continued to the end of the data seen by ``fit`` and ``update``.
    residuals_ : ndarray of shape (n_origins, horizon) or \
            (n_origins, horizon, n_outputs)
        Observed minus forecast output at each origin and horizon; NaN
        where the data ended before that horizon.
    free_run_residuals_ : ndarray of shape (n_calibration,) or \
            (n_calibration, n_outputs)
        Residuals of the free run ``predict`` over the calibration part
        (empty for a model without inputs).
    n_features_in_ : int
        Number of inputs seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the inputs, when ``X`` had string column names.

    See Also
    --------
    NARXRegressor.forecast : The point forecast.
    backtest : Forecast errors by horizon, for judging a model.

    Notes
    -----
    For coverage c and the n residuals r_1 ... r_n at horizon h, the
    interval is ``forecast ± q_h`` with q_h the ceil((n + 1) c)-th smallest
    of the absolute residuals: if the future error is exchangeable with the calibration
    errors, it falls inside with probability at least c (Vovk et al.,
    Lei et al.). Errors of one series are not exchangeable in the strict
    sense (they are correlated in time), so the coverage is approximate,
    close to nominal for a stationary error process. The free-run interval
    ``predict_interval`` pools the residuals of the simulation over the
    calibration part: one half-width for every row.

    References
    ----------
    Lei, G'Sell, Rinaldo, Tibshirani and Wasserman, "Distribution-free
    predictive inference for regression", JASA 113 (2018).
    Stankeviciute, Alaa and van der Schaar, "Conformal time-series
    forecasting", NeurIPS (2021).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn import ConformalForecaster, NARXRegressor
    >>> rng = np.random.default_rng(0)
    >>> index = pd.date_range("2024-01-01", periods=1000, freq="h")
    >>> walk = pd.Series(np.cumsum(rng.normal(size=1000)), index=index)
    >>> ar = NARXRegressor(LinearRegression(), n_output_lags=1)
    >>> model = ConformalForecaster(ar, horizon=24, calibration_size=500)
    >>> future = model.fit(None, walk).forecast(24, coverage=0.9)
    >>> list(future.columns), future.index[0]
    (['y', 'lower', 'upper'], Timestamp('2024-02-11 16:00:00'))
    >>> width = future["upper"] - future["lower"]
    >>> bool(width.iloc[-1] > 3 * width.iloc[0])  # a random walk spreads out
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "forecast", "update", "predict"]), None],
        "method": [StrOptions({"split", "backtest"})],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "calibration_size": [
            Interval(Real, 0, 1, closed="neither"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "n_windows": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        method="split",
        horizon=10,
        calibration_size=0.25,
        n_windows=20,
        random_state=None,
    ):
        self.estimator = estimator
        self.method = method
        self.horizon = horizon
        self.calibration_size = calibration_size
        self.n_windows = n_windows
        self.random_state = random_state

    def _calibration_rows(self, n):
        size = self.calibration_size
        n_cal = int(size) if isinstance(size, Integral) else int(round(size * n))
        n_cal = max(n_cal, 1)
        if n_cal >= n:
            raise ValueError(
                f"calibration_size={size} leaves no row to fit on: y has {n} "
                f"time step(s) (n_samples = {n}). Give a longer series or a "
                "smaller calibration_size."
            )
        return n - n_cal

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the model and collect its forecast residuals by horizon.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs) or None
            The inputs of one series; None for a model without inputs.
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The outputs.

        Returns
        -------
        self : ConformalForecaster
            The fitted wrapper.
        """
        if _is_panel(X) or _is_panel(y):
            raise ValueError(
                "ConformalForecaster calibrates one series: a panel (a "
                "(series_id, time) MultiIndex) is not supported; wrap a model "
                "per series."
            )
        data = check_series(self, X, y, reset=True, y_required=True, allow_X_none=True)
        # the wrapped model sees pandas as given (its time index), else arrays
        if X is not None and not isinstance(X, pd.DataFrame):
            X = data.X
        if not isinstance(y, (pd.Series, pd.DataFrame)):
            y = data.y[:, 0] if data.y_1d else data.y
        estimator = self.estimator
        if estimator is None:
            estimator = NARXRegressor(random_state=self.random_state)
        n = len(y)
        n0 = self._calibration_rows(n)
        if self.method == "split":
            model, origins, residuals = self._split(estimator, X, y, n0)
            free_run = self._free_run(model, X, y, n0, n)
        else:
            model, origins, residuals, free_run = self._backtest(estimator, X, y, n0)
        self.estimator_ = model
        self.residuals_ = residuals
        self.free_run_residuals_ = free_run
        return self

    def _residuals_at(self, model, X, y, origin, n):
        m = min(self.horizon, n - origin)
        y_pred = np.asarray(_forecast(model, m, _rows(X, origin, origin + m)))
        return np.asarray(_rows(y, origin, origin + m), dtype=np.float64) - y_pred

    def _table(self, rows):
        out = np.full((len(rows), self.horizon) + rows[0].shape[1:], np.nan)
        for k, r in enumerate(rows):
            out[k, : len(r)] = r
        return out

    def _split(self, estimator, X, y, n0):
        n = len(y)
        model = clone(estimator).fit(_rows(X, 0, n0), _rows(y, 0, n0))
        rows = []
        for origin in range(n0, n):
            rows.append(self._residuals_at(model, X, y, origin, n))
            model.update(_rows(X, origin, origin + 1), _rows(y, origin, origin + 1))
        return model, np.arange(n0, n), self._table(rows)

    def _free_run(self, model, X, y, start, stop):
        y_cal = np.asarray(_rows(y, start, stop), dtype=np.float64)
        if X is None:
            return y_cal[:0]
        return y_cal - np.asarray(model.predict(_rows(X, start, stop)))

    def _backtest(self, estimator, X, y, n0):
        n = len(y)
        origins = np.unique(np.linspace(n0, n - 1, self.n_windows).round().astype(int))
        rows, free_run = [], []
        for origin in origins:
            model = clone(estimator).fit(_rows(X, 0, origin), _rows(y, 0, origin))
            rows.append(self._residuals_at(model, X, y, origin, n))
            stop = min(origin + self.horizon, n)
            free_run.append(self._free_run(model, X, y, origin, stop))
        model = clone(estimator).fit(X, y)
        return model, origins, self._table(rows), np.concatenate(free_run)

    # ------------------------------------------------------------ intervals

    def _check_coverage(self, coverage):
        if isinstance(coverage, bool) or not isinstance(coverage, Real):
            raise TypeError(f"coverage must be a number, got {coverage!r}.")
        if not 0 < coverage < 1:
            raise ValueError(
                f"coverage must be strictly between 0 and 1, got {coverage}."
            )
        return float(coverage)

    @staticmethod
    def _bands(y_pred, half_width):
        """y, lower, upper as a DataFrame (pandas forecast) or a Bunch."""
        values = np.asarray(y_pred, dtype=np.float64)
        lower, upper = values - half_width, values + half_width
        if isinstance(y_pred, pd.Series):
            return pd.DataFrame(
                {"y": values, "lower": lower, "upper": upper}, index=y_pred.index
            )
        if isinstance(y_pred, pd.DataFrame):
            like = {"index": y_pred.index, "columns": y_pred.columns}
            parts = {
                "y": y_pred,
                "lower": pd.DataFrame(lower, **like),
                "upper": pd.DataFrame(upper, **like),
            }
            return pd.concat(parts, axis=1)
        return Bunch(y=values, lower=lower, upper=upper)

    def forecast(self, n_steps, X_future=None, *, coverage=0.9):
        """Forecast ``n_steps`` steps with a conformal interval at each step.

        Parameters
        ----------
        n_steps : int
            Number of future steps, from 1 to ``horizon``.
        X_future : array-like of shape (n_steps, n_inputs), default=None
            The future inputs, as for the wrapped model's ``forecast``; None
            for a model without inputs.
        coverage : float, default=0.9
            The nominal probability that the observed output falls in the
            interval, at each step.

        Returns
        -------
        forecast : pandas DataFrame or Bunch
            Columns (or keys) ``y`` (the model's forecast), ``lower`` and
            ``upper``. A DataFrame on the forecast's time index when the
            wrapped model returns pandas (for several outputs, columns
            ``(y|lower|upper, output)``); else a Bunch of arrays of shape
            ``(n_steps,)`` or ``(n_steps, n_outputs)``. A bound is infinite
            when there are too few residuals at that horizon for that
            coverage (fewer than ``1 / (1 - coverage) - 1``).
        """
        check_is_fitted(self)
        coverage = self._check_coverage(coverage)
        if isinstance(n_steps, bool) or not isinstance(n_steps, Integral):
            raise TypeError(f"n_steps must be an int, got {n_steps!r}.")
        if not 1 <= n_steps <= self.horizon:
            raise ValueError(
                f"n_steps must be between 1 and horizon={self.horizon} (the "
                f"horizon calibrated in fit), got {n_steps}."
            )
        y_pred = _forecast(self.estimator_, int(n_steps), X_future)
        q = conformal_quantile(np.abs(self.residuals_[:, :n_steps]), coverage)
        return self._bands(y_pred, q)

    def predict(self, X):
        """Free-run simulation of the wrapped model, ``estimator_.predict(X)``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            The inputs.

        Returns
        -------
        y_pred : ndarray of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The simulated outputs.
        """
        check_is_fitted(self)
        return self.estimator_.predict(X)

    def predict_interval(self, X, *, coverage=0.9):
        """Free-run simulation with a conformal interval on every row.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            The inputs.
        coverage : float, default=0.9
            The nominal probability that the observed output falls in the
            interval, at each row.

        Returns
        -------
        prediction : pandas DataFrame or Bunch
            ``y`` (the free run), ``lower`` and ``upper``: a DataFrame on
            ``X``'s index when ``X`` is a DataFrame, else a Bunch of arrays.
        """
        check_is_fitted(self)
        coverage = self._check_coverage(coverage)
        if len(self.free_run_residuals_) == 0:
            raise ValueError(
                "The wrapped model has no inputs (fitted with X=None): it has "
                "no free run; use forecast(n_steps, coverage=...)."
            )
        y_pred = self.estimator_.predict(X)
        if isinstance(X, pd.DataFrame):
            frame = pd.Series if np.ndim(y_pred) == 1 else pd.DataFrame
            y_pred = frame(y_pred, index=X.index)
        q = conformal_quantile(np.abs(self.free_run_residuals_), coverage)
        return self._bands(y_pred, q)

    def update(self, X_new, y_new):
        """Append newly observed rows, so that ``forecast`` continues them.

        Parameters
        ----------
        X_new : array-like of shape (n_new, n_inputs) or None
            The inputs that follow the data seen so far; None for a model
            without inputs.
        y_new : array-like of shape (n_new,) or (n_new, n_outputs)
            The outputs observed with them.

        Returns
        -------
        self : ConformalForecaster
            The wrapper, its model's series continued (the residuals are
            kept).
        """
        check_is_fitted(self)
        self.estimator_.update(X_new, y_new)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
