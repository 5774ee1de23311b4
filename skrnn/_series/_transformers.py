"""Windowing transformers: a series in, features (or windows) out."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._data import check_series
from .._data._sklearn_compat import (
    Interval,
    StrOptions,
    _check_feature_names_in,
    _fit_context,
)
from ._base import resolve_lags
from ._windowing import PADDINGS, lag_matrix, window_view

__all__ = ["LagFeatures", "SlidingWindow", "sliding_windows"]


class LagFeatures(TransformerMixin, BaseEstimator):
    """Lagged copies of every input column, one output row per input row.

    For each input column the transformer returns the columns
    x_{t-d}, x_{t-d-1}, ..., x_{t-d-N}: ``n_lags=N`` means N + 1 columns
    (lags ``d`` ... ``d + N``, with ``d = delay``). Windows never cross from
    one series of a panel into the next.

    Parameters
    ----------
    n_lags : int or array-like of int, default=4
        N, the number of past values beyond the current one; one int for
        every column, or one per column.
    delay : int, default=0
        The dead time d: the newest column is x_{t-d}.
    padding : {"edge", "zero"}, default="edge"
        History before the first row of each series: ``"edge"`` repeats the
        first row, ``"zero"`` uses zeros.

    Attributes
    ----------
    n_lags_ : ndarray of shape (n_features_in_,)
        The lag count N of each input column.
    n_features_in_ : int
        Number of input columns seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.

    See Also
    --------
    SlidingWindow : The last rows as a 3-D window, for recurrent networks.
    FIRRegressor : A regressor on these lag features.

    Notes
    -----
    Row t of the output is
    ``[x0_{t-d}, ..., x0_{t-d-N_0}, x1_{t-d}, ..., x1_{t-d-N_1}, ...]``.
    A DataFrame with a two-level ``(series_id, time)`` MultiIndex is a panel
    of independent series; output rows keep the input's order.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import LagFeatures
    >>> X = np.arange(5.0).reshape(-1, 1)
    >>> lf = LagFeatures(2).fit(X)
    >>> lf.transform(X)
    array([[0., 0., 0.],
           [1., 0., 0.],
           [2., 1., 0.],
           [3., 2., 1.],
           [4., 3., 2.]])
    >>> lf.get_feature_names_out()
    array(['x0_lag0', 'x0_lag1', 'x0_lag2'], dtype=object)
    """

    _parameter_constraints = {
        "n_lags": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "delay": [Interval(Integral, 0, None, closed="left")],
        "padding": [StrOptions(set(PADDINGS))],
    }

    def __init__(self, n_lags=4, *, delay=0, padding="edge"):
        self.n_lags = n_lags
        self.delay = delay
        self.padding = padding

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the input columns and resolve the lag counts.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            A series, or a panel (DataFrame with a ``(series_id, time)``
            MultiIndex).
        y : None
            Ignored.

        Returns
        -------
        self : LagFeatures
            The fitted transformer.
        """
        check_series(self, X, reset=True)
        self.n_lags_ = resolve_lags(self.n_lags, self.n_features_in_)
        return self

    def transform(self, X):
        """Return the lag features of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            A series or a panel.

        Returns
        -------
        Z : ndarray of shape (n_timesteps, sum(n_lags_ + 1))
            The lag columns, rows in the order of ``X``.
        """
        check_is_fitted(self)
        data = check_series(self, X, reset=False)
        Z = lag_matrix(
            data.X,
            self.n_lags_,
            delay=self.delay,
            starts=data.starts,
            padding=self.padding,
        )
        return data.restore_order(Z)

    def get_feature_names_out(self, input_features=None):
        """Names of the lag columns: ``{input}_lag{k}`` with the true lag k.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; default ``feature_names_in_`` or ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The output column names.
        """
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        out = [
            f"{name}_lag{k}"
            for name, n in zip(names, self.n_lags_, strict=True)
            for k in range(self.delay, self.delay + n + 1)
        ]
        return np.asarray(out, dtype=object)


class SlidingWindow(TransformerMixin, BaseEstimator):
    """The window of the last ``width`` rows ending at each row, as 3-D input.

    Turns a series into a batch of sequences, one per row, so that a
    recurrent network can be fitted to a series inside a ``Pipeline``:
    ``make_pipeline(SlidingWindow(24), RNNRegressor())``.

    Parameters
    ----------
    width : int, default=16
        Rows per window, the newest being the current row.
    padding : {"edge", "zero"}, default="edge"
        History before the first row of each series: ``"edge"`` repeats the
        first row, ``"zero"`` uses zeros.

    Attributes
    ----------
    n_features_in_ : int
        Number of input columns seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.

    See Also
    --------
    LagFeatures : The same history as flat columns.
    sliding_windows : Cut a series into windows with a target each.

    Notes
    -----
    Output row t is ``X[t - width + 1 : t + 1]``, oldest first. For one
    series the result is a read-only view of a single padded copy of ``X``:
    memory grows with the series, not with ``width``. A panel's windows are
    gathered into a new array.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SlidingWindow
    >>> X = np.arange(4.0).reshape(-1, 1)
    >>> W = SlidingWindow(3).fit_transform(X)
    >>> W.shape
    (4, 3, 1)
    >>> W[:, :, 0]
    array([[0., 0., 0.],
           [0., 0., 1.],
           [0., 1., 2.],
           [1., 2., 3.]])
    """

    _parameter_constraints = {
        "width": [Interval(Integral, 1, None, closed="left")],
        "padding": [StrOptions(set(PADDINGS))],
    }

    def __init__(self, width=16, *, padding="edge"):
        self.width = width
        self.padding = padding

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Record the input columns.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            A series or a panel.
        y : None
            Ignored.

        Returns
        -------
        self : SlidingWindow
            The fitted transformer.
        """
        check_series(self, X, reset=True)
        return self

    def transform(self, X):
        """Return the window ending at each row.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            A series or a panel.

        Returns
        -------
        windows : ndarray of shape (n_timesteps, width, n_inputs)
            Oldest row first, rows in the order of ``X``.
        """
        check_is_fitted(self)
        data = check_series(self, X, reset=False)
        W = window_view(data.X, self.width, starts=data.starts, padding=self.padding)
        return data.restore_order(W)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags


def sliding_windows(X, y, width, horizon=1, stride=1):
    """Cut a long series into a batch of sequences with one target each.

    Parameters
    ----------
    X : array-like of shape (n_timesteps, n_inputs)
        A series, or a panel (DataFrame with a ``(series_id, time)``
        MultiIndex): windows never cross from one series into the next.
    y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs) or None
        The series the targets are read from.
    width : int
        Time steps per window.
    horizon : int, default=1
        The target of the window ending at row t is ``y[t + horizon]``.
        Without ``y`` every window ending at a row of ``X`` is returned.
    stride : int, default=1
        Rows between the ends of consecutive windows.

    Returns
    -------
    X_seq : ndarray of shape (n_windows, width, n_inputs)
        The windows, oldest row first.
    y_seq : ndarray of shape (n_windows,) or (n_windows, n_outputs) or None
        The target of each window.

    See Also
    --------
    SlidingWindow : One window per row, as a transformer.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import sliding_windows
    >>> x = np.arange(6.0)
    >>> X_seq, y_seq = sliding_windows(x.reshape(-1, 1), x, width=3)
    >>> X_seq[:, :, 0]
    array([[0., 1., 2.],
           [1., 2., 3.],
           [2., 3., 4.]])
    >>> y_seq
    array([3., 4., 5.])
    """
    for name, value, low in (
        ("width", width, 1),
        ("horizon", horizon, 0),
        ("stride", stride, 1),
    ):
        if not isinstance(value, Integral) or value < low:
            raise ValueError(f"{name} must be an int >= {low}, got {value!r}.")
    data = check_series(None, X, y, reset=False)
    if data.y is None:
        horizon = 0  # no target to leave room for
    need = width + horizon
    lengths = data.lengths
    if lengths.max() < need:
        raise ValueError(
            f"X has {lengths.max()} time steps, but width={width} and "
            f"horizon={horizon} need at least {need}."
        )
    # Ends of the windows: rows width-1, width-1+stride, ... of each series,
    # leaving horizon rows for the target.
    counts = np.maximum((lengths - need) // stride + 1, 0)
    first = data.starts[:-1] + width - 1
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    ends = np.repeat(first, counts) + stride * offsets
    W = np.lib.stride_tricks.sliding_window_view(data.X, width, axis=0)
    X_seq = W[ends - width + 1].transpose(0, 2, 1)
    y_seq = None
    if data.y is not None:
        y_seq = data.y[ends + horizon]
        if data.y_1d:
            y_seq = y_seq[:, 0]
    return X_seq, y_seq
