"""The boundary for a series, or a panel of series."""

from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array, validate_data

from ._common import (
    _check_time_order,
    _check_two_levels,
    _is_panel_frame,
    _name,
    _numeric,
)
from ._sklearn_compat import _num_samples
from ._time_index import check_regular

__all__ = [
    "SeriesData",
    "check_series",
    "check_n_outputs",
    "check_steps_ahead",
    "check_n_steps",
]

# --------------------------------------------------------------------------
# Series
# --------------------------------------------------------------------------


@dataclass
class SeriesData:
    """A series or a panel of series in canonical form.

    Attributes
    ----------
    X : ndarray of shape (n_timesteps, n_inputs)
        Float inputs, rows grouped by series (each series contiguous and in
        time order). ``n_inputs`` is 0 when no exogenous input was given.
    y : ndarray of shape (n_timesteps, n_outputs) or None
        Float targets in the same row order, always 2-D.
    y_1d : bool
        Whether ``y`` was one-dimensional (predictions are returned 1-D).
    starts : ndarray of shape (n_series + 1,)
        Series ``k`` is rows ``starts[k]:starts[k + 1]``.
    order : ndarray of shape (n_timesteps,) or None
        Grouped row ``j`` is input row ``order[j]``; None when the input was
        already grouped.
    ids : list or None
        The series ids of a panel, in order of first appearance.
    time_index : list of pandas.Index or None
        The time index of each series, when the input carried one.
    y_names : list or None
        Column names of a pandas ``y`` (a Series' name as a one-element list).
    y_frame : bool
        Whether ``y`` was a pandas DataFrame (rather than a Series).
    """

    X: np.ndarray
    y: np.ndarray | None = None
    y_1d: bool = False
    starts: np.ndarray = field(default_factory=lambda: np.zeros(2, dtype=np.int64))
    order: np.ndarray | None = None
    ids: list | None = None
    time_index: list | None = None
    y_names: list | None = None
    y_frame: bool = False

    @property
    def n_series(self):
        return len(self.starts) - 1

    @property
    def lengths(self):
        return np.diff(self.starts)

    def restore_order(self, values):
        """Put rows of ``values`` (grouped order) back into the input's order."""
        if self.order is None:
            return values
        out = np.empty_like(values)
        out[self.order] = values
        return out

    def require_length(self, min_length, reason):
        """Raise a clear error unless some series has ``min_length`` rows.

        ``reason`` names the parameter that needs them, e.g. ``"n_lags=4"``.
        """
        longest = int(self.lengths.max()) if self.n_series else 0
        if longest < min_length:
            where = "X" if self.ids is None else "the longest series of X"
            raise ValueError(
                f"{where} has {longest} time steps (n_samples={longest}), but "
                f"{reason} needs at least {min_length} to train on."
            )


def _group_panel(index, what="X"):
    """Codes, grouping order, starts and ids of a (series_id, time) index."""
    _check_two_levels(index, what)
    codes, uniques = pd.factorize(index.get_level_values(0), sort=False)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(uniques))
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    times = index.get_level_values(1)[order]
    _check_time_order(times, starts, uniques, "series")
    if np.array_equal(order, np.arange(len(order))):
        order = None
    time_index = [
        pd.Index(times[starts[k] : starts[k + 1]]) for k in range(len(uniques))
    ]
    return order, starts, list(uniques), time_index


def _check_y_series(estimator, y, n_rows):
    """Validate a series target: finite floats, 1-D or 2-D, n_rows long."""
    y_names = None
    y_frame = isinstance(y, pd.DataFrame)
    if isinstance(y, pd.Series):
        y_names = [y.name]
    elif y_frame:
        y_names = list(y.columns)
    with _numeric("y"):
        y_arr = check_array(
            y,
            ensure_2d=False,
            dtype="numeric",
            input_name="y",
            ensure_min_samples=1,
        )
    if y_arr.ndim > 2:
        raise ValueError(
            f"y has {y_arr.ndim} dimensions; {_name(estimator)} expects y of "
            "shape (n_timesteps,) or (n_timesteps, n_outputs)."
        )
    if y_arr.shape[0] != n_rows:
        raise ValueError(
            f"X has {n_rows} time steps but y has {y_arr.shape[0]}: X and y "
            "must have one row per time step."
        )
    y_1d = y_arr.ndim == 1
    y_arr = np.asarray(y_arr, dtype=np.float64).reshape(n_rows, -1)
    return y_arr, y_1d, y_names, y_frame


def check_series(estimator, X, y=None, *, reset, y_required=False, allow_X_none=False):
    """Validate a series (or a panel of series) and put it in canonical form.

    Parameters
    ----------
    estimator : estimator instance or None
        The estimator receiving the data; ``validate_data`` records
        ``n_features_in_`` and ``feature_names_in_`` on it when ``reset``.
        None for a plain function: ``X`` is only checked.
    X : array-like of shape (n_timesteps, n_inputs) or None
        The inputs. A DataFrame with a two-level ``(series_id, time)``
        MultiIndex is a panel. None only when ``allow_X_none``.
    y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
        The target, row-aligned with ``X``.
    reset : bool
        True in ``fit``; False afterwards (the number of inputs is checked).
    y_required : bool, default=False
        Raise scikit-learn's error when ``y`` is None.
    allow_X_none : bool, default=False
        Accept ``X=None`` (no exogenous input); the rows then come from ``y``.

    Returns
    -------
    data : SeriesData

    Raises
    ------
    ValueError
        Besides scikit-learn's checks: when the rows of a panel's series are
        not in time order, or when a ``DatetimeIndex`` or ``PeriodIndex`` (of
        one series, or a panel's time level per series) is not increasing and
        equally spaced (see :func:`skrnn._data._time_index.check_regular`).
    """
    if y_required and y is None:
        raise ValueError(
            f"{_name(estimator)} requires y to be passed, but the target y is None."
        )
    panel_source = None
    time_source = None
    source_name = "y"
    if X is None:
        if not allow_X_none:
            raise ValueError(f"X is None; {_name(estimator)} needs input data X.")
        if y is None:
            raise ValueError("X and y are both None: there is no series to use.")
        y_arr, y_1d, y_names, y_frame = _check_y_series(estimator, y, _num_samples(y))
        if estimator is None:
            pass
        elif reset:
            estimator.n_features_in_ = 0
        elif getattr(estimator, "n_features_in_", 0) != 0:
            raise ValueError(
                f"X is None, but {_name(estimator)} was fitted with "
                f"{estimator.n_features_in_} input columns."
            )
        X_arr = np.empty((len(y_arr), 0))
        if _is_panel_frame(y):
            panel_source = y.index
        elif isinstance(y, (pd.Series, pd.DataFrame)):
            time_source = y.index
    else:
        if y is not None and _num_samples(X) != _num_samples(y):
            raise ValueError(
                f"X has {_num_samples(X)} time steps but y has {_num_samples(y)}: "
                "X and y must have one row per time step."
            )
        if _is_panel_frame(X) and _is_panel_frame(y) and not X.index.equals(y.index):
            raise ValueError(
                "X and y have different (series_id, time) indexes; y needs the "
                "rows of X, in the same order."
            )
        with _numeric("X"):
            if estimator is None:  # a plain function (sliding_windows)
                X_arr = check_array(X, dtype=np.float64, input_name="X")
            else:
                X_arr = validate_data(
                    estimator, X, reset=reset, dtype=np.float64, ensure_min_samples=1
                )
        y_arr = y_1d = y_names = None
        y_frame = False
        if y is not None:
            y_arr, y_1d, y_names, y_frame = _check_y_series(estimator, y, len(X_arr))
        if _is_panel_frame(X):
            panel_source, source_name = X.index, "X"
        elif _is_panel_frame(y):
            panel_source = y.index
        elif isinstance(X, (pd.Series, pd.DataFrame)):
            time_source, source_name = X.index, "X"
        elif isinstance(y, (pd.Series, pd.DataFrame)):
            time_source = y.index

    n = len(X_arr)
    data = SeriesData(
        X=X_arr,
        y=y_arr,
        y_1d=bool(y_1d),
        starts=np.array([0, n], dtype=np.int64),
        y_names=y_names,
        y_frame=y_frame,
    )
    if panel_source is not None:
        order, starts, ids, time_index = _group_panel(panel_source, source_name)
        data.starts, data.ids, data.time_index = starts, ids, time_index
        if order is not None:
            data.order = order
            data.X = X_arr[order]
            if y_arr is not None:
                data.y = y_arr[order]
    elif time_source is not None:
        data.time_index = [pd.Index(time_source)]
    for k, index in enumerate(data.time_index or ()):
        check_regular(index, source_name, None if data.ids is None else data.ids[k])
    return data


def check_n_outputs(data, n_outputs, owner, name="y"):
    """Raise unless the outputs of ``data`` (if any) are ``n_outputs`` wide.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import SeriesData, check_n_outputs
    >>> data = SeriesData(X=np.zeros((3, 1)), y=np.zeros((3, 2)),
    ...                   starts=np.array([0, 3]))
    >>> check_n_outputs(data, 1, "NARXRegressor")
    Traceback (most recent call last):
    ...
    ValueError: y has 2 outputs, but NARXRegressor was fitted with 1.
    """
    if data.y is not None and data.y.shape[1] != n_outputs:
        raise ValueError(
            f"{name} has {data.y.shape[1]} outputs, but {owner} was fitted with "
            f"{n_outputs}."
        )


def check_steps_ahead(steps_ahead, y):
    """The k of a k-step-ahead prediction: None for a free run (``y`` None).

    Examples
    --------
    >>> from skrnn._data import check_steps_ahead
    >>> check_steps_ahead(None, [1.0]), check_steps_ahead(3, [1.0])
    (1, 3)
    >>> check_steps_ahead(None, None) is None
    True
    """
    if steps_ahead is not None:
        if isinstance(steps_ahead, bool) or not isinstance(steps_ahead, Integral):
            raise TypeError(f"steps_ahead must be an int, got {steps_ahead!r}.")
        if steps_ahead < 1:
            raise ValueError(f"steps_ahead must be >= 1, got {steps_ahead}.")
        if y is None:
            raise ValueError(
                "steps_ahead needs the observed outputs: pass y. Without y, "
                "predict(X) is the free-run simulation."
            )
    if y is None:
        return None
    return 1 if steps_ahead is None else int(steps_ahead)


def check_n_steps(n_steps):
    """The number of steps of a forecast, a positive int.

    Examples
    --------
    >>> from skrnn._data import check_n_steps
    >>> check_n_steps(3)
    3
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, Integral):
        raise TypeError(f"n_steps must be an int, got {n_steps!r}.")
    if n_steps < 1:
        raise ValueError(f"n_steps must be >= 1, got {n_steps}.")
    return int(n_steps)
