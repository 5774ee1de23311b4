"""The boundary for a batch of sequences."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils.validation import (
    _check_feature_names,
    check_array,
    validate_data,
)

from ._common import (
    _check_finite,
    _long_frame_to_padded,
    _name,
    _numeric,
    _real_numbers,
)
from ._sequence_targets import _check_sequence_targets

__all__ = ["SequenceBatch", "check_sequences"]

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


def _seq_error(what):
    return ValueError(
        f"{what}; expected a 3-D array (n_sequences, n_timesteps, n_features), a "
        "2-D array (n_sequences, n_timesteps) of univariate sequences, a list of "
        "arrays of shape (n_timesteps_i, n_features) or (n_timesteps_i,), or a "
        "DataFrame with a (sequence_id, time) MultiIndex."
    )


def _as_float_sequence(seq, i):
    try:
        arr = np.asarray(seq)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"Sequence {i} of X could not be read as an array: {exc}"
        ) from None
    arr = _real_numbers(arr, f"Sequence {i} of X")
    if arr.ndim == 1:
        arr = arr[:, None]
    elif arr.ndim != 2:
        raise ValueError(
            f"Sequence {i} of X has {arr.ndim} dimensions; each sequence must be "
            "(n_timesteps,) or (n_timesteps, n_features)."
        )
    if arr.shape[0] == 0:
        raise ValueError(
            f"Sequence {i} of X has length 0; every sequence needs at least one "
            "time step."
        )
    return arr


def _pad_time_major(seqs, dtype):
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    n_features = seqs[0].shape[1]
    for i, s in enumerate(seqs):
        if s.shape[1] != n_features:
            raise ValueError(
                f"Sequence {i} of X has {s.shape[1]} features per time step but "
                f"sequence 0 has {n_features}; all sequences need the same "
                "features."
            )
    out = np.zeros((lengths.max(), len(seqs), n_features), dtype=dtype)
    for i, s in enumerate(seqs):
        out[: len(s), i] = s
    return out, lengths


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
    y : array-like, list of array-like or None
        One target per sequence, or one per time step when
        ``return_sequences``.
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
    kind, ids = None, None
    if isinstance(X, pd.DataFrame) and isinstance(X.index, pd.MultiIndex):
        kind = "frame"
        dtype = np.float32 if all(X.dtypes == np.float32) else np.float64
        Xtm, lengths, ids = _long_frame_to_padded(X, dtype)
        _check_finite(Xtm)
        n_features = Xtm.shape[2]
        if reset or _fitted_ndim(estimator) != 2:
            _check_feature_names(estimator, X, reset=reset)
    elif isinstance(X, (list, tuple)):
        if len(X) == 0:
            raise ValueError("X holds no sequences: the list is empty.")
        try:
            seqs = [np.asarray(s) if not hasattr(s, "ndim") else s for s in X]
        except ValueError:  # a ragged nested list
            raise _seq_error("a sequence in X could not be read as an array") from None
        if (
            all(getattr(s, "ndim", 0) == 1 for s in seqs)
            and len({len(s) for s in seqs}) == 1
        ):
            kind = "2d"  # equal-length univariate sequences: a 2-D table
        elif all(getattr(s, "ndim", 0) == 0 for s in seqs):
            kind = "2d"  # a flat list of numbers: let validate_data say so
        elif any(getattr(s, "ndim", 0) == 0 for s in seqs):
            raise _seq_error("X mixes single values and sequences")
        else:
            kind = "list"
            seqs = [_as_float_sequence(s, i) for i, s in enumerate(seqs)]
            dtype = (
                np.float32 if all(s.dtype == np.float32 for s in seqs) else np.float64
            )
            Xtm, lengths = _pad_time_major(seqs, dtype)
            _check_finite(Xtm)
            n_features = Xtm.shape[2]
    else:
        ndim = getattr(X, "ndim", None)
        if ndim is None:
            try:
                X = np.asarray(X)
            except (TypeError, ValueError):
                raise _seq_error("X could not be read as an array") from None
            ndim = X.ndim
        if ndim == 3:
            kind = "3d"
            X = _real_numbers(np.asarray(X), "X")
            if X.shape[0] == 0:
                raise ValueError("X holds no sequences: its first dimension is 0.")
            if X.shape[1] == 0:
                raise ValueError(
                    "X has sequences of length 0; every sequence needs at least "
                    "one time step."
                )
            if X.shape[2] == 0:
                raise ValueError("X has 0 features per time step.")
            dtype = np.float32 if X.dtype == np.float32 else np.float64
            Xtm = np.ascontiguousarray(np.swapaxes(X, 0, 1), dtype=dtype)
            _check_finite(Xtm)
            lengths = np.full(X.shape[0], X.shape[1], dtype=np.int64)
            n_features = X.shape[2]
        elif ndim is not None and ndim > 3:
            raise _seq_error(f"X has {ndim} dimensions")
        else:
            kind = "2d"

    if kind == "2d":
        fitted = _fitted_ndim(estimator)
        if reset or fitted == 2:
            with _numeric("X"):
                X2 = validate_data(
                    estimator, X, reset=reset, dtype=[np.float64, np.float32]
                )
            if reset:
                estimator._input_ndim_ = 2
        else:
            with _numeric("X"):
                X2 = check_array(X, dtype=[np.float64, np.float32], input_name="X")
            if estimator.n_features_in_ != 1:
                raise ValueError(
                    f"X is 2-D (univariate sequences), but {_name(estimator)} was "
                    f"fitted on sequences with {estimator.n_features_in_} features "
                    "per time step; pass a 3-D array or a list of 2-D arrays."
                )
        Xtm = np.ascontiguousarray(X2.T[:, :, None])
        lengths = np.full(X2.shape[0], X2.shape[1], dtype=np.int64)
    else:
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
    if y is not None:
        batch.y = _check_sequence_targets(
            estimator, y, batch, return_sequences, y_numeric
        )
    elif reset:
        raise ValueError(
            f"{_name(estimator)} requires y to be passed, but the target y is None."
        )
    return batch
