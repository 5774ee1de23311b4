"""The boundary for a batch of sequences."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array, validate_data

from ._common import (
    _check_finite,
    _check_time_order,
    _check_two_levels,
    _name,
    _numeric,
    _real_numbers,
)
from ._sklearn_compat import _check_feature_names, _check_sample_weight

__all__ = ["SequenceBatch", "check_sequences", "check_sequence_weights"]

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


def _unit(what):
    """What a time step holds: features of ``X``, outputs of ``y``."""
    return "outputs" if what == "y" else "features"


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


def _long_frame_to_padded(frame, dtype, what="X"):
    """A long DataFrame/Series with (sequence_id, time) index -> padded arrays."""
    _check_two_levels(frame.index, what, "sequence")
    if len(frame) == 0:
        raise ValueError(f"{what} holds no sequences: the DataFrame is empty.")
    codes, uniques = pd.factorize(frame.index.get_level_values(0), sort=False)
    counts = np.bincount(codes, minlength=len(uniques))
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    _check_time_order(
        frame.index.get_level_values(1)[order], starts, uniques, "sequence"
    )
    pos = np.empty(len(codes), dtype=np.int64)
    pos[order] = np.arange(len(codes)) - np.repeat(starts[:-1], counts)
    values = frame.to_numpy()
    if values.ndim == 1:
        values = values[:, None]
    if values.shape[1] == 0:
        raise ValueError(f"{what} has 0 {_unit(what)} per time step.")
    values = _real_numbers(values, what)
    if dtype is None:
        dtype = np.float32 if values.dtype == np.float32 else np.float64
    out = np.zeros((counts.max(), len(uniques), values.shape[1]), dtype=dtype)
    out[pos, codes] = values
    return out, counts.astype(np.int64), list(uniques)


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


def _check_sequence_targets(estimator, y, batch, return_sequences, y_numeric):
    n = batch.n_sequences
    if not return_sequences:
        if batch.kind == "frame" and isinstance(y, (pd.Series, pd.DataFrame)):
            if not isinstance(y.index, pd.MultiIndex) and set(y.index) == set(
                batch.ids
            ):
                y = y.loc[batch.ids]
        y_arr = check_array(
            y,
            ensure_2d=False,
            dtype="numeric" if y_numeric else None,
            input_name="y",
            ensure_all_finite=y_numeric,
        )
        if y_arr.ndim == 0 or y_arr.ndim > 2:
            raise ValueError(
                f"y has {y_arr.ndim} dimensions; expected one target per sequence, "
                "(n_sequences,) or (n_sequences, n_outputs)."
            )
        if y_arr.shape[0] != n:
            raise ValueError(
                f"X holds {n} sequences but y has {y_arr.shape[0]} targets: give "
                "one target per sequence."
            )
        if y_numeric:
            y_arr = y_arr.astype(batch.X.dtype, copy=False)
        return y_arr

    # one target per time step
    if isinstance(y, (pd.Series, pd.DataFrame)) and isinstance(y.index, pd.MultiIndex):
        ytm, ylen, yids = _long_frame_to_padded(
            y, batch.X.dtype if y_numeric else None, what="y"
        )
        if not y_numeric:
            raise ValueError(
                "Per-step labels in a long DataFrame are not supported; pass a "
                "list of label arrays."
            )
        if batch.ids is not None and yids != batch.ids:
            pos = pd.Index(yids).get_indexer(batch.ids)
            if len(yids) != n or (pos < 0).any():
                raise ValueError(
                    "The sequence ids of y differ from those of X; give one "
                    "target sequence per sequence of X."
                )
            ytm, ylen = ytm[:, pos], ylen[pos]
        if len(ylen) != n:
            raise ValueError(
                f"X holds {n} sequences but y has {len(ylen)}: give one target "
                "sequence per input sequence."
            )
        _check_lengths(ylen, batch.lengths)
        if isinstance(y, pd.Series):
            ytm = ytm[:, :, 0]
    elif isinstance(y, (list, tuple)) and not (len(y) and np.ndim(y[0]) == 0):
        seqs = [np.asarray(s) for s in y]
        if len(seqs) != n:
            raise ValueError(
                f"X holds {n} sequences but y has {len(seqs)}: give one target "
                "sequence per input sequence."
            )
        ndims = {s.ndim for s in seqs}
        if len(ndims) != 1 or ndims.pop() not in (1, 2):
            raise ValueError(
                "Each target sequence in y must be (n_timesteps_i,) or "
                "(n_timesteps_i, n_outputs), all of the same kind."
            )
        ylen = np.array([len(s) for s in seqs], dtype=np.int64)
        _check_lengths(ylen, batch.lengths)
        tail = seqs[0].shape[1:]
        if y_numeric:
            dtype = batch.X.dtype
            fill = 0
        else:
            dtype = np.result_type(*[s.dtype for s in seqs])
            fill = seqs[0][0]
        ytm = np.full((batch.X.shape[0], n, *tail), fill, dtype=dtype)
        for i, s in enumerate(seqs):
            if s.shape[1:] != tail:
                raise ValueError(
                    f"Target sequence {i} of y has {s.shape[1:]} outputs per "
                    f"step but sequence 0 has {tail}."
                )
            ytm[: len(s), i] = s
    else:
        y_arr = np.asarray(y)
        if y_arr.ndim not in (2, 3):
            raise ValueError(
                "With return_sequences=True, y needs one target per time step: "
                f"an array (n_sequences, n_timesteps[, n_outputs]), got {y_arr.ndim}"
                " dimensions."
            )
        if y_arr.shape[0] != n:
            raise ValueError(
                f"X holds {n} sequences but y has {y_arr.shape[0]} target sequences."
            )
        _check_lengths(np.full(n, y_arr.shape[1]), batch.lengths)
        ytm = np.ascontiguousarray(np.swapaxes(y_arr, 0, 1))
    if y_numeric:
        try:
            ytm = ytm.astype(batch.X.dtype, copy=False)
        except (TypeError, ValueError):
            raise ValueError(
                "y holds non-numeric data; regression needs numbers."
            ) from None
        _check_finite(ytm, "y")
    return ytm


def _check_lengths(ylen, xlen):
    bad = np.flatnonzero(ylen != xlen)
    if bad.size:
        i = bad[0]
        raise ValueError(
            f"Target sequence {i} of y has {ylen[i]} time steps but sequence {i} "
            f"of X has {xlen[i]}; with return_sequences=True they must match."
        )


def check_sequence_weights(sample_weight, batch, dtype=None):
    """One non-negative weight per sequence.

    Parameters
    ----------
    sample_weight : float, array-like of shape (n_sequences,) or None
        None gives every sequence the weight 1; a number gives it to all.
    batch : SequenceBatch
        The validated sequences.
    dtype : dtype or None, default=None
        The dtype of the weights; None takes that of ``batch.X``.

    Returns
    -------
    sample_weight : ndarray of shape (n_sequences,)
        Finite, non-negative weights (all zero is allowed: the estimator
        says what a zero total weight means for it).
    """
    n = batch.n_sequences
    dtype = batch.X.dtype if dtype is None else dtype
    if sample_weight is not None:
        with _numeric("sample_weight"):
            sample_weight = np.asarray(sample_weight, dtype=dtype)
        if sample_weight.ndim == 0:
            sample_weight = float(sample_weight)
        elif sample_weight.shape != (n,):  # per time step is a likely mistake
            raise ValueError(
                f"sample_weight has shape {sample_weight.shape}; expected one "
                f"weight per sequence, ({n},)."
            )
    sw = _check_sample_weight(
        sample_weight, batch.lengths, dtype=dtype, allow_all_zero_weights=True
    )
    if (sw < 0).any():
        raise ValueError("sample_weight contains negative values.")
    return sw
