"""Standardise a batch of sequences, whatever its form.

:class:`SequenceScaler` reads every form of a batch of sequences through the
boundary (:func:`~skrnn._data.check_sequences`), standardises the padded,
time-major array -- the statistics of the real steps only -- and hands the
result back in the form it came in.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._data import check_sequences
from .._data._sklearn_compat import StrOptions, _fit_context, _get_output_config
from ._standardise import Standardisation, real_steps, scale_of, weighted_moments

__all__ = ["SequenceScaler"]


def _in_form(Z, batch, X):
    """The time-major ``Z`` in the form of the input ``X`` of ``batch``."""
    if batch.kind == "3d":
        return np.ascontiguousarray(np.swapaxes(Z, 0, 1))
    if batch.kind == "2d":
        return np.ascontiguousarray(Z[:, :, 0].T)
    if batch.kind == "list":
        return [
            np.ascontiguousarray(Z[:L, i, 0] if np.ndim(x) == 1 else Z[:L, i])
            for i, (L, x) in enumerate(zip(batch.lengths, X, strict=True))
        ]
    # a long DataFrame: each row back in its place (rows of a sequence are in
    # time order, the boundary checked it; sequences in order of appearance)
    codes = pd.factorize(X.index.get_level_values(0), sort=False)[0]
    steps = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    return pd.DataFrame(Z[steps, codes], index=X.index, columns=X.columns)


def _check_per_feature(scaler):
    if scaler.per != "feature":
        raise AttributeError(
            "inverse_transform needs per='feature': per='sequence' scales each "
            "sequence by its own statistics, which are not kept."
        )
    return True


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise a batch of sequences, returning the same form.

    Each sample is a whole sequence, in any form the sequence estimators
    take: a 3-D array ``(n_sequences, n_timesteps, n_features)``, a 2-D
    array ``(n_sequences, n_timesteps)`` of univariate sequences, a list of
    ``(n_timesteps_i, n_features)`` or ``(n_timesteps_i,)`` arrays of
    different lengths, or a long DataFrame with a ``(sequence_id, time)``
    MultiIndex. :meth:`transform` returns the same form -- a 3-D array, a
    2-D array, a list of arrays of the same lengths, a DataFrame with the
    same index and columns -- so ``make_pipeline(SequenceScaler(),
    RNNClassifier())`` needs no reshaping.

    Parameters
    ----------
    per : {"feature", "sequence"}, default="feature"
        ``"feature"``: one mean and one standard deviation per feature, over
        every real time step of all training sequences (padding is never
        counted), as :class:`~sklearn.preprocessing.StandardScaler` would
        give on the concatenated sequences. ``"sequence"``: each sequence is
        standardised by its own mean and standard deviation per feature (the
        z-normalisation customary for the UCR archive); ``fit`` then learns
        nothing but the number of features, and there is no
        :meth:`inverse_transform`.
    with_mean : bool, default=True
        Subtract the mean.
    with_std : bool, default=True
        Divide by the standard deviation. A feature (or, with
        ``per="sequence"``, a sequence) of zero variance is divided by 1, as
        in :class:`~sklearn.preprocessing.StandardScaler`.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,) or None
        The mean of each feature over the real training steps; None with
        ``with_mean=False`` or ``per="sequence"``.
    var_ : ndarray of shape (n_features,) or None
        The variance of each feature over the real training steps; None with
        ``with_std=False`` or ``per="sequence"``.
    scale_ : ndarray of shape (n_features,) or None
        The standard deviation, 1 for a feature of zero variance; None with
        ``with_std=False`` or ``per="sequence"``.
    n_timesteps_seen_ : int
        The real time steps of all training sequences.
    n_features_in_ : int
        Features per time step (for a 2-D array: its number of columns, the
        time steps, as scikit-learn counts them; the statistics are then
        those of the single feature, shape ``(1,)``).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of the input, when it had string column names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same for a table of samples.
    RNNRegressor : Standardises its targets itself (``scale_y``).

    Notes
    -----
    With ``per="feature"``, for feature :math:`j` over the :math:`n = \\sum_i
    T_i` real steps of the training sequences,

    .. math::

        z_{itj} = \\frac{x_{itj} - \\mu_j}{\\sigma_j}, \\quad
        \\mu_j = \\frac1n \\sum_{i} \\sum_{t < T_i} x_{itj}, \\quad
        \\sigma_j^2 = \\frac1n \\sum_{i} \\sum_{t < T_i} (x_{itj} - \\mu_j)^2;

    with ``per="sequence"`` the sums run over the steps of sequence
    :math:`i` alone.

    A 2-D array is a batch of univariate sequences, so its one feature is
    standardised over all its cells, not column by column as
    :class:`~sklearn.preprocessing.StandardScaler` would. Its output, like
    StandardScaler's, can be a DataFrame (``set_output(transform="pandas")``,
    columns from :meth:`get_feature_names_out`). A long DataFrame comes back
    as a DataFrame in any case; a 3-D array or a list of arrays has no table
    form, so ``set_output`` other than ``"default"`` raises for them. A list
    of equal-length 1-D arrays is a 2-D array (scikit-learn's rule) and comes
    back as one.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import SequenceScaler
    >>> X = [np.array([[0.0], [2.0]]), np.array([[4.0], [6.0], [8.0]])]
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_, scaler.scale_
    (array([4.]), array([2.82842712]))
    >>> [z.shape for z in scaler.transform(X)]
    [(2, 1), (3, 1)]
    >>> bool(np.allclose(scaler.inverse_transform(scaler.transform(X))[1], X[1]))
    True
    >>> SequenceScaler(per="sequence").fit_transform(np.array([[1.0, 2.0, 3.0]]))
    array([[-1.22474487,  0.        ,  1.22474487]])
    """

    _parameter_constraints: dict = {
        "per": [StrOptions({"feature", "sequence"})],
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
    }

    def __init__(self, *, per="feature", with_mean=True, with_std=True):
        self.per = per
        self.with_mean = with_mean
        self.with_std = with_std

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the mean and standard deviation of each feature.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_timesteps, n_features), \
(n_sequences, n_timesteps), list of arrays or DataFrame
            The training sequences.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            The fitted scaler.
        """
        batch = check_sequences(self, X, "no_validation", reset=True)
        self.n_timesteps_seen_ = int(batch.lengths.sum())
        self.mean_ = self.var_ = self.scale_ = None
        if self.per == "feature":
            real = real_steps(batch.lengths, batch.X.shape[0])
            mean, var, n_steps = weighted_moments(batch.X, real, axis=(0, 1))
            if self.with_mean:
                self.mean_ = mean
            if self.with_std:
                self.var_, self.scale_ = var, scale_of(var, mean, n_steps)
        return self

    def _validate(self, X):
        check_is_fitted(self)
        batch = check_sequences(self, X, "no_validation", reset=False)
        container = _get_output_config("transform", self)["dense"]
        table = (batch.kind == "2d" and self._input_ndim_ == 2) or (
            batch.kind == "frame" and container == "pandas"
        )
        if container != "default" and not table:
            raise ValueError(
                f"set_output(transform={container!r}) needs a table, which this X "
                "cannot become: a 3-D array or a list of arrays comes back in its "
                "own form, a long DataFrame only as pandas, and a 2-D array only "
                "after a fit on 2-D arrays (its columns are time steps). Use "
                "set_output(transform='default')."
            )
        return batch

    def _statistics(self, batch):
        if self.per == "sequence":
            return Standardisation.fit(
                batch.X,
                real_steps(batch.lengths, batch.X.shape[0]),
                axis=0,
                with_mean=self.with_mean,
                with_std=self.with_std,
            )
        return Standardisation(
            0.0 if self.mean_ is None else self.mean_,
            1.0 if self.scale_ is None else self.scale_,
        )

    def transform(self, X):
        """Standardise the sequences.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            Sequences of any length, in any form :meth:`fit` takes.

        Returns
        -------
        X_new : ndarray, list of ndarray or DataFrame
            The standardised sequences in the form of ``X``: a 3-D or 2-D
            array of the same shape, a list of arrays of the same shapes, or
            a DataFrame with the same index and columns.
        """
        batch = self._validate(X)
        return _in_form(self._statistics(batch).apply(batch.X), batch, X)

    @available_if(_check_per_feature)
    def inverse_transform(self, X):
        """Undo the standardisation (``per="feature"`` only).

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            Standardised sequences, in any form :meth:`fit` takes.

        Returns
        -------
        X_original : ndarray, list of ndarray or DataFrame
            The sequences on the original scale, in the form of ``X``.
        """
        check_is_fitted(self)
        batch = check_sequences(self, X, "no_validation", reset=False)
        return _in_form(self._statistics(batch).invert(batch.X), batch, X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
