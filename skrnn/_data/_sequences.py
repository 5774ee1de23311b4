"""The boundary for a batch of sequences."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array, validate_data

from ._common import (
    _check_finite,
    _long_frame_to_padded,
    _name,
    _numeric,
    _real_numbers,
    _unit,
)
from ._sequence_targets import _check_sequence_targets
from ._sklearn_compat import _check_feature_names

__all__ = ["SequenceBatch", "check_sequences", "read_sequences"]

# --------------------------------------------------------------------------
# Batches of sequences
# --------------------------------------------------------------------------


@dataclass
class SequenceBatch:
    """A batch of sequences in canonical, time-major form.

    Attributes
    ----------
    X : ndarray of shape (max_length, n_sequences, n_features)
        Time-major, zero-padded past each sequence's length, C-contiguous,
        float32 or float64.
    lengths : ndarray of shape (n_sequences,)
        The length of each sequence (all at least 1).
    y : ndarray or None
        Many-to-one: ``(n_sequences,)`` or ``(n_sequences, n_outputs)``.
        Per-step (``return_sequences=True``): time-major
        ``(max_length, n_sequences)`` or ``(max_length, n_sequences,
        n_outputs)``, padded.
    kind : {"3d", "2d", "list", "frame"}
        The form of the input, which is the form predictions come back in.
    ids : list or None
        Sequence ids (long DataFrame input), in order of first appearance.
    """

    X: np.ndarray
    lengths: np.ndarray
    y: np.ndarray | None = None
    kind: str = "3d"
    ids: list | None = None

    @property
    def n_sequences(self):
        return self.X.shape[1]

    def format_steps(self, Y):
        """Return a time-major per-step output in the form of the input.

        ``Y`` is ``(max_length, n_sequences, ...)``. Array input gets an array
        ``(n_sequences, max_length, ...)``; list and DataFrame input get a list
        of ``(length_i, ...)`` arrays, each cut to its own length.
        """
        if self.kind in ("3d", "2d"):
            return np.ascontiguousarray(np.swapaxes(Y, 0, 1))
        return [np.ascontiguousarray(Y[:L, i]) for i, L in enumerate(self.lengths)]


def _seq_error(problem, what="X"):
    unit = _unit(what)
    return ValueError(
        f"{problem}; expected a 3-D array (n_sequences, n_timesteps, n_{unit}), a "
        "2-D array (n_sequences, n_timesteps) of univariate sequences, a list of "
        f"arrays of shape (n_timesteps_i, n_{unit}) or (n_timesteps_i,), or a "
        "DataFrame with a (sequence_id, time) MultiIndex."
    )


def _as_float_sequence(seq, i, what="X"):
    try:
        arr = np.asarray(seq)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"Sequence {i} of {what} could not be read as an array: {exc}"
        ) from None
    arr = _real_numbers(arr, f"Sequence {i} of {what}")
    if arr.ndim == 1:
        arr = arr[:, None]
    elif arr.ndim != 2:
        raise ValueError(
            f"Sequence {i} of {what} has {arr.ndim} dimensions; each sequence must "
            f"be (n_timesteps,) or (n_timesteps, n_{_unit(what)})."
        )
    if arr.shape[0] == 0:
        raise ValueError(
            f"Sequence {i} of {what} has length 0; every sequence needs at least "
            "one time step."
        )
    return arr


def _pad_time_major(seqs, dtype, what="X"):
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    n_features = seqs[0].shape[1]
    unit = _unit(what)
    for i, s in enumerate(seqs):
        if s.shape[1] != n_features:
            raise ValueError(
                f"Sequence {i} of {what} has {s.shape[1]} {unit} per time step but "
                f"sequence 0 has {n_features}; all sequences need the same {unit}."
            )
    out = np.zeros((lengths.max(), len(seqs), n_features), dtype=dtype)
    for i, s in enumerate(seqs):
        out[: len(s), i] = s
    return out, lengths


def read_sequences(X, what="X"):
    """Read every form of a batch but the 2-D table into padded arrays.

    Parameters
    ----------
    X : array-like, list of array-like or DataFrame
        A batch of sequences in any form :func:`check_sequences` accepts.
    what : {"X", "y"}, default="X"
        The name errors give the input; ``"y"`` calls what a time step
        holds its outputs rather than its features.

    Returns
    -------
    kind : {"3d", "2d", "list", "frame"}
        The form of the input.
    X_tm : ndarray of shape (max_length, n_sequences, n_features) or array-like
        Time-major, zero-padded and finite, float32 or float64. For
        ``kind="2d"`` it is the input itself, unchecked: a table of
        univariate sequences follows scikit-learn's rules, which the caller
        applies.
    lengths : ndarray of shape (n_sequences,) or None
        The length of each sequence (None for ``kind="2d"``).
    ids : list or None
        The sequence ids of a long DataFrame, in order of first appearance.
    """
    if isinstance(X, pd.DataFrame) and isinstance(X.index, pd.MultiIndex):
        dtype = np.float32 if all(X.dtypes == np.float32) else np.float64
        Xtm, lengths, ids = _long_frame_to_padded(X, dtype, what)
        _check_finite(Xtm, what)
        return "frame", Xtm, lengths, ids
    if isinstance(X, (list, tuple)):
        if len(X) == 0:
            raise ValueError(f"{what} holds no sequences: the list is empty.")
        try:
            seqs = [np.asarray(s) if not hasattr(s, "ndim") else s for s in X]
        except ValueError:  # a ragged nested list
            raise _seq_error(
                f"a sequence in {what} could not be read as an array", what
            ) from None
        if (
            all(getattr(s, "ndim", 0) == 1 for s in seqs)
            and len({len(s) for s in seqs}) == 1
        ):
            return "2d", X, None, None  # equal-length univariate sequences
        if all(getattr(s, "ndim", 0) == 0 for s in seqs):
            return "2d", X, None, None  # a flat list of numbers: let sklearn say so
        if any(getattr(s, "ndim", 0) == 0 for s in seqs):
            raise _seq_error(f"{what} mixes single values and sequences", what)
        seqs = [_as_float_sequence(s, i, what) for i, s in enumerate(seqs)]
        dtype = np.float32 if all(s.dtype == np.float32 for s in seqs) else np.float64
        Xtm, lengths = _pad_time_major(seqs, dtype, what)
        _check_finite(Xtm, what)
        return "list", Xtm, lengths, None
    ndim = getattr(X, "ndim", None)
    if ndim is None:
        try:
            X = np.asarray(X)
        except (TypeError, ValueError):
            raise _seq_error(f"{what} could not be read as an array", what) from None
        ndim = X.ndim
    if ndim > 3:
        raise _seq_error(f"{what} has {ndim} dimensions", what)
    if ndim < 3:
        return "2d", X, None, None
    X = _real_numbers(np.asarray(X), what)
    if X.shape[0] == 0:
        raise ValueError(f"{what} holds no sequences: its first dimension is 0.")
    if X.shape[1] == 0:
        raise ValueError(
            f"{what} has sequences of length 0; every sequence needs at least "
            "one time step."
        )
    if X.shape[2] == 0:
        raise ValueError(f"{what} has 0 {_unit(what)} per time step.")
    dtype = np.float32 if X.dtype == np.float32 else np.float64
    Xtm = np.ascontiguousarray(np.swapaxes(X, 0, 1), dtype=dtype)
    _check_finite(Xtm, what)
    lengths = np.full(X.shape[0], X.shape[1], dtype=np.int64)
    return "3d", Xtm, lengths, None


def _fitted_ndim(estimator):
    return getattr(estimator, "_input_ndim_", None)


def check_sequences(
    estimator, X, y=None, *, reset, return_sequences=False, y_numeric=True
):
    """Validate a batch of sequences and put it in canonical, time-major form.

    Parameters
    ----------
    estimator : estimator instance
        Receives ``n_features_in_`` (and ``feature_names_in_``) when ``reset``.
    X : array-like, list of array-like or DataFrame
        3-D ``(n_sequences, n_timesteps, n_features)``; 2-D
        ``(n_sequences, n_timesteps)`` (univariate); a list of
        ``(n_timesteps_i, n_features)`` or ``(n_timesteps_i,)`` arrays; or a
        long DataFrame with a ``(sequence_id, time)`` MultiIndex.
    y : array-like, list of array-like, None or "no_validation"
        One target per sequence, or one per time step when
        ``return_sequences``. ``"no_validation"`` (as in scikit-learn's
        ``validate_data``) validates ``X`` alone, for a ``y`` of another
        form that the caller validates.
    reset : bool
        True in ``fit``; False afterwards.
    return_sequences : bool, default=False
        Whether ``y`` holds one target per time step.
    y_numeric : bool, default=True
        Convert ``y`` to floats (regression); otherwise keep labels as given.

    Returns
    -------
    batch : SequenceBatch
    """
    kind, Xtm, lengths, ids = read_sequences(X)
    if kind == "2d":
        fitted = _fitted_ndim(estimator)
        if reset or fitted == 2:
            with _numeric("X"):
                X2 = validate_data(
                    estimator, Xtm, reset=reset, dtype=[np.float64, np.float32]
                )
            if reset:
                estimator._input_ndim_ = 2
        else:
            with _numeric("X"):
                X2 = check_array(Xtm, dtype=[np.float64, np.float32], input_name="X")
            if estimator.n_features_in_ != 1:
                raise ValueError(
                    f"X is 2-D (univariate sequences), but {_name(estimator)} was "
                    f"fitted on sequences with {estimator.n_features_in_} features "
                    "per time step; pass a 3-D array or a list of 2-D arrays."
                )
        Xtm = np.ascontiguousarray(X2.T[:, :, None])
        lengths = np.full(X2.shape[0], X2.shape[1], dtype=np.int64)
    else:
        if kind == "frame" and (reset or _fitted_ndim(estimator) != 2):
            _check_feature_names(estimator, X, reset=reset)
        n_features = Xtm.shape[2]
        if reset:
            estimator.n_features_in_ = n_features
            estimator._input_ndim_ = 3
            if kind != "frame" and hasattr(estimator, "feature_names_in_"):
                del estimator.feature_names_in_
        else:
            expected = 1 if _fitted_ndim(estimator) == 2 else estimator.n_features_in_
            if n_features != expected:
                raise ValueError(
                    f"X has {n_features} features per time step, but "
                    f"{_name(estimator)} is expecting {expected} features as "
                    "input."
                )

    batch = SequenceBatch(X=Xtm, lengths=lengths, kind=kind, ids=ids)
    if isinstance(y, str) and y == "no_validation":
        return batch
    if y is not None:
        batch.y = _check_sequence_targets(
            estimator, y, batch, return_sequences, y_numeric
        )
    elif reset:
        raise ValueError(
            f"{_name(estimator)} requires y to be passed, but the target y is None."
        )
    return batch
