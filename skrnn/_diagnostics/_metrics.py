"""Metrics of system identification: NRMSE and FIT%.

:func:`nrmse` and :func:`fit_percent` judge predicted or simulated outputs
against the measured ones, normalised so that the mean of the measurements
as a prediction scores NRMSE = 1 (FIT = 0), whatever the scale of the output.
"""

import numpy as np

from ._checks import _as_float, _check_pair

__all__ = ["fit_percent", "nrmse"]


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
