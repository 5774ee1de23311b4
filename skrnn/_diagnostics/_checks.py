"""Small argument checks shared by the metrics, scorers and residual tests."""

from numbers import Integral

import numpy as np


def _check_int(value, name, min_value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral):
        extra = " or None" if allow_none else ""
        raise TypeError(f"{name} must be an int{extra}, got {value!r}.")
    if value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}.")
    return int(value)


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
