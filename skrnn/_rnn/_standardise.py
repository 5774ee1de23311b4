"""Means and scales over the real steps of a padded batch.

Shared by :class:`~skrnn.SequenceScaler` (its inputs) and the regressors
(their targets, ``scale_y``). Statistics are weighted sums over the leading
axes -- a weight of 0 marks padding, so padding is never counted -- in
float64, and a feature of (nearly) zero variance gets the scale 1, by
:class:`~sklearn.preprocessing.StandardScaler`'s rule, instead of a
division by zero.
"""

from dataclasses import dataclass

import numpy as np

from .._data._sklearn_compat import _handle_zeros_in_scale, _is_constant_feature

__all__ = ["Standardisation", "real_steps", "weighted_moments", "scale_of"]


def real_steps(lengths, n_steps):
    """``(n_steps, n_sequences)`` weights: 1 on a sequence's steps, 0 after."""
    return (np.arange(n_steps)[:, None] < lengths).astype(np.float64)


def weighted_moments(values, weights, axis):
    """Weighted mean and (biased) variance of the last axis's columns.

    Parameters
    ----------
    values : ndarray of shape (..., n_columns)
        The values, e.g. time-major ``(T, N, F)``.
    weights : ndarray
        ``values.shape[:-1]``: the weight of each row (0 for padding).
    axis : int or tuple of int
        The axes summed over.

    Returns
    -------
    mean, var : ndarray
        float64, the summed axes removed.
    total : float or ndarray
        The total weight, with the summed axes removed and a trailing axis of
        length 1 (it broadcasts against ``mean``).
    """
    x = values.astype(np.float64, copy=False)
    w = np.asarray(weights, dtype=np.float64)[..., None]
    total = w.sum(axis=axis, keepdims=True)
    mean = (w * x).sum(axis=axis, keepdims=True) / total
    var = (w * (x - mean) ** 2).sum(axis=axis, keepdims=True) / total
    return (np.squeeze(a, axis=axis) for a in (mean, var, total))


def scale_of(var, mean, n_samples):
    """The standard deviation, 1 where the feature is (nearly) constant."""
    constant = _is_constant_feature(var, mean, n_samples)
    return _handle_zeros_in_scale(np.sqrt(var), copy=False, constant_mask=constant)


@dataclass(frozen=True)
class Standardisation:
    """``z = (x - mean) / scale``, and back; broadcast on the last axes.

    Attributes
    ----------
    mean : ndarray or float
        Subtracted (0 leaves the values uncentred).
    scale : ndarray or float
        Divided by (1 leaves the values unscaled).
    """

    mean: np.ndarray | float = 0.0
    scale: np.ndarray | float = 1.0

    @classmethod
    def fit(cls, values, weights, axis, *, with_mean=True, with_std=True):
        """The statistics of ``values`` (see :func:`weighted_moments`)."""
        mean, var, total = weighted_moments(values, weights, axis)
        return cls(
            mean if with_mean else np.zeros_like(mean),
            scale_of(var, mean, total) if with_std else np.ones_like(var),
        )

    def _in(self, dtype):
        return (np.asarray(self.mean, dtype=dtype), np.asarray(self.scale, dtype=dtype))

    def apply(self, values):
        """``(values - mean) / scale``, in the dtype of ``values``."""
        mean, scale = self._in(values.dtype)
        return (values - mean) / scale

    def invert(self, values):
        """``values * scale + mean``, in the dtype of ``values``."""
        mean, scale = self._in(values.dtype)
        return values * scale + mean
