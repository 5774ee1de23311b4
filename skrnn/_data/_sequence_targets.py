"""The boundary for the targets and weights of a batch of sequences."""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

from ._common import _check_finite, _long_frame_to_padded, _numeric
from ._sklearn_compat import _check_sample_weight

__all__ = ["check_sequence_weights"]


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
