"""Standardisation of a series model's lags and outputs, inverted on the way out.

With ``estimator=None`` (or ``scale=True``) FIR and NARX standardise every
lagged input with the mean and standard deviation of its input column, and
every output (target, lagged output, fed-back prediction, initial window)
with those of its output, all computed over the training rows of every
series of a panel. The regressor then works on numbers near unit scale
whatever the units of the data, and every prediction is mapped back. Both
maps are affine and applied outside the time loop, so the free run costs
what it cost before.

A constant column keeps the scale 1 (scikit-learn's ``StandardScaler``
rule), so it is only centred.
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["SeriesScaling", "fit_scaling", "lag_columns"]


def _moments(A):
    mean = A.mean(axis=0)
    scale = A.std(axis=0)
    scale[~(scale > 10 * np.finfo(np.float64).eps * np.maximum(1, np.abs(mean)))] = 1.0
    return mean, scale


@dataclass(frozen=True)
class SeriesScaling:
    """The training statistics of a series model's inputs and outputs.

    Attributes
    ----------
    x_mean, x_scale : ndarray of shape (n_inputs,)
        Of each input column.
    y_mean, y_scale : ndarray of shape (n_outputs,)
        Of each output.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._scaling import fit_scaling
    >>> scaling = fit_scaling(np.array([[1.0], [3.0]]), np.array([[10.0], [30.0]]))
    >>> scaling.y_mean, scaling.y_scale
    (array([20.]), array([10.]))
    >>> scaling.outputs(np.array([[30.0]])), scaling.unscale(np.array([[1.0]]))
    (array([[1.]]), array([[30.]]))
    """

    x_mean: np.ndarray
    x_scale: np.ndarray
    y_mean: np.ndarray
    y_scale: np.ndarray

    def lags(self, Z, columns):
        """Lag columns standardised; ``columns[j]`` is the input of column j."""
        return (Z - self.x_mean[columns]) / self.x_scale[columns]

    def output_lags(self, Z, columns):
        """Lagged-output columns standardised; ``columns[j]`` is the output."""
        return (Z - self.y_mean[columns]) / self.y_scale[columns]

    def outputs(self, Y):
        """Outputs ``(..., n_outputs)`` standardised."""
        return (Y - self.y_mean) / self.y_scale

    def unscale(self, Y):
        """Standardised outputs ``(..., n_outputs)`` back to their units."""
        return Y * self.y_scale + self.y_mean


def fit_scaling(X, y):
    """The :class:`SeriesScaling` of the training rows ``X`` and ``y``.

    Parameters
    ----------
    X : ndarray of shape (n_rows, n_inputs)
        The inputs of every series (grouped rows).
    y : ndarray of shape (n_rows, n_outputs)
        The outputs.

    Returns
    -------
    scaling : SeriesScaling
    """
    x_mean, x_scale = _moments(np.asarray(X, dtype=np.float64))
    y_mean, y_scale = _moments(np.asarray(y, dtype=np.float64))
    return SeriesScaling(x_mean, x_scale, y_mean, y_scale)


def lag_columns(n_lags):
    """The input column of each column of a lag matrix with these lag counts.

    Examples
    --------
    >>> from skrnn._series._scaling import lag_columns
    >>> lag_columns([1, 2])
    array([0, 0, 1, 1, 1])
    """
    n_lags = np.asarray(n_lags, dtype=np.int64)
    return np.repeat(np.arange(len(n_lags)), n_lags + 1)
