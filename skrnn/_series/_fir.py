"""The finite-response (time-delay) model: a regressor on lagged inputs."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from .._data import check_series
from .._data._sklearn_compat import HasMethods, Interval, StrOptions, _fit_context
from ._base import resolve_lags
from ._default import NETWORK_MARGIN, LinearPlusNetwork, default_regressor
from ._scaling import fit_scaling, lag_columns
from ._shooting import rows_of, split_rows
from ._windowing import PADDINGS, lag_matrix, trainable_rows

__all__ = ["FIRRegressor"]


class FIRRegressor(RegressorMixin, BaseEstimator):
    """Finite-response model: y_t = f(x_t, x_{t-1}, ..., x_{t-N}).

    A time-delay network: any scikit-learn regressor ``f`` applied to the
    last N + 1 inputs of each row. The response to an input ends after N + 1
    steps, hence "finite response".

    Parameters
    ----------
    estimator : regressor, default=None
        The regressor f, cloned in ``fit``. None means skrnn's default
        network, seeded by ``random_state``: the least-squares linear model
        of the lags plus a small neural network (one hidden layer of 32 tanh
        units, Adam, early stopping given 1,000 rows or more) trained on
        what the linear model leaves, ``f(z) = z A + c + g(z)``; the network
        is dropped when it does not lower the training error, so the default
        is never worse than the linear model of the same lags.
    n_lags : int or array-like of int, default=4
        N, the number of past inputs beyond the current one; one int for
        every input column, or one per column.
    delay : int, default=0
        Dead time d: the model sees x_{t-d}, ..., x_{t-d-N}.
    padding : {"edge", "zero"}, default="edge"
        Input history before the first row in ``predict``: ``"edge"`` repeats
        the first row, ``"zero"`` uses zeros. In ``fit``, rows whose window
        reaches before the start are not trained on.
    random_state : int, RandomState instance or None, default=None
        Seeds the default network; ignored when ``estimator`` is given.
    scale : "auto" or bool, default="auto"
        Standardise every lagged input and the target with their training
        mean and standard deviation before they reach ``f``, and map the
        predictions back: the model then learns the same from data in any
        units. ``"auto"`` scales for the default network only; a given
        estimator is used as given (put a
        :class:`~sklearn.preprocessing.StandardScaler` in a pipeline in
        front of it, or pass ``scale=True``).

    Attributes
    ----------
    estimator_ : regressor
        The fitted regressor f, trained on the lag matrix (standardised when
        ``scaled_``).
    scaled_ : bool
        Whether the lags and the target were standardised.
    n_lags_ : ndarray of shape (n_features_in_,)
        The lag count N of each input column.
    n_features_in_ : int
        Number of input columns seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.

    See Also
    --------
    LagFeatures : The lag matrix the regressor is trained on.
    NARXRegressor : Adds the model's own past outputs as inputs.

    Notes
    -----
    With d = ``delay`` the model is

    .. math:: y_t = f(x_{t-d}, x_{t-d-1}, \\ldots, x_{t-d-N})

    With a linear ``f`` this is an FIR filter whose taps are the
    coefficients. A DataFrame with a two-level ``(series_id, time)``
    MultiIndex is a panel of independent series: no window crosses from one
    series into another. ``predict`` returns one prediction per row, in the
    input's row order.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.signal import lfilter
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn import FIRRegressor
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=300)
    >>> y = lfilter([0.5, 0.3, -0.2], [1.0], x)
    >>> fir = FIRRegressor(LinearRegression(), n_lags=2).fit(x[:, None], y)
    >>> fir.estimator_.coef_.round(3)
    array([ 0.5,  0.3, -0.2])
    >>> round(fir.score(x[:, None], y), 6)
    1.0
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_lags": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "delay": [Interval(Integral, 0, None, closed="left")],
        "padding": [StrOptions(set(PADDINGS))],
        "random_state": ["random_state"],
        "scale": [StrOptions({"auto"}), "boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_lags=4,
        delay=0,
        padding="edge",
        random_state=None,
        scale="auto",
    ):
        self.estimator = estimator
        self.n_lags = n_lags
        self.delay = delay
        self.padding = padding
        self.random_state = random_state
        self.scale = scale

    def _lags(self, data):
        Z = lag_matrix(
            data.X,
            self.n_lags_,
            delay=self.delay,
            starts=data.starts,
            padding=self.padding,
        )
        if self._scaling is not None:
            Z = self._scaling.lags(Z, lag_columns(self.n_lags_))
        return Z

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit f on the lag matrix of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            A series, or a panel (DataFrame with a ``(series_id, time)``
            MultiIndex).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The output, row-aligned with ``X``.

        Returns
        -------
        self : FIRRegressor
            The fitted model.
        """
        data = check_series(self, X, y, reset=True, y_required=True)
        self.n_lags_ = resolve_lags(self.n_lags, self.n_features_in_)
        history = self.delay + int(self.n_lags_.max())
        data.require_length(
            history + 1, f"n_lags={self.n_lags!r} with delay={self.delay}"
        )
        if data.n_series == 1:  # a slice: the lag matrix is not copied again
            rows = slice(history, None)
        else:
            rows = trainable_rows(data.starts, history)
        self.scaled_ = self.estimator is None if self.scale == "auto" else self.scale
        self._scaling = fit_scaling(data.X, data.y) if self.scaled_ else None
        Z = self._lags(data)[rows]
        target = data.y[rows]
        if self._scaling is not None:
            target = self._scaling.outputs(target)
        target = target[:, 0] if data.y_1d else target
        if self.estimator is None:
            self.estimator_ = default_regressor(self.random_state, len(Z))
        else:
            self.estimator_ = clone(self.estimator)
        if isinstance(self.estimator_, LinearPlusNetwork):
            self._fit_default(data, history, np.arange(len(data.y))[rows], Z, target)
        else:
            self.estimator_.fit(Z, target)
        self._y_1d = data.y_1d
        return self

    def _fit_default(self, data, history, rows, Z, target):
        """Fit the default network; keep its network part only if it earns it.

        Fitted on all but a fifth of the rows (four blocks spread over each
        series), it keeps its network if that at least halves the linear
        model's error on the held-out blocks
        (:data:`~skrnn._series._default.NETWORK_MARGIN`); else it becomes
        the least-squares linear model. Either is then refitted on every
        row. ``rows`` are the indices of the rows of ``Z``.
        """
        est = self.estimator_
        train, held = split_rows(data.starts, history, 0.2)
        if held:
            fit_rows = np.isin(rows, rows_of(train))
            est.fit(Z[fit_rows], target[fit_rows])
            judged = ~fit_rows
        else:
            est.fit(Z, target)
            judged = np.ones(len(rows), dtype=bool)
        full = est.predict(Z[judged])
        alone = est.linear_.predict(Z[judged])
        err_full = np.mean((full - target[judged]) ** 2)
        if not err_full < NETWORK_MARGIN * np.mean((alone - target[judged]) ** 2):
            est.drop_network()
        est.refit(Z, target)

    def predict(self, X):
        """Predict one output per row of ``X``, in row order.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            A series or a panel. History before each series' first row
            follows ``padding``.

        Returns
        -------
        y_pred : ndarray of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The predictions.
        """
        check_is_fitted(self)
        data = check_series(self, X, reset=False)
        y = self.estimator_.predict(self._lags(data))
        if self._scaling is not None:
            y = self._scaling.unscale(y if y.ndim == 2 else y[:, None])
            y = y[:, 0] if self._y_1d else y
        return data.restore_order(y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
