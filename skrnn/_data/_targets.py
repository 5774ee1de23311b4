"""The boundary for what is not ``X``: output sequences and starting states.

* :func:`check_output_sequences` and :func:`align_output_sequences` -- the
  ``y`` of :class:`~skrnn.Seq2SeqRegressor`: one output sequence per input
  sequence, of its own length, read like a batch of input sequences but
  named ``y`` and counted in outputs;
* :func:`check_future_inputs` -- the ``X_future`` of
  :class:`~skrnn.Seq2SeqRegressor`: one sequence of known future inputs per
  input sequence, one step per output step;
* :func:`check_initial_state` -- the state a recurrent network starts from
  (``initial_state`` of :class:`~skrnn.RNNRegressor`), one tuple of arrays
  per layer;
* :func:`check_y_init` -- the output history before the first row of a
  :class:`~skrnn.NARXRegressor` simulation.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_array

from ._common import _name, _numeric
from ._sequences import read_sequences

__all__ = [
    "align_output_sequences",
    "check_future_inputs",
    "check_initial_state",
    "check_output_sequences",
    "check_y_init",
]


# --------------------------------------------------------------------------
# Output sequences of an encoder-decoder
# --------------------------------------------------------------------------


def _output_form(y):
    """``(form, y)``: how the outputs are given, and ``y`` ready to read."""
    if isinstance(y, (list, tuple)):
        if all(np.ndim(s) == 0 for s in y):
            return "scalar", y
        if all(np.ndim(s) == 1 for s in y):
            return "univariate", y
        return "multivariate", y
    if isinstance(y, (pd.Series, pd.DataFrame)) and isinstance(y.index, pd.MultiIndex):
        if isinstance(y, pd.Series):
            return "univariate", y.to_frame()
        return "multivariate", y
    ndim = np.ndim(y) if hasattr(y, "ndim") else np.asarray(y).ndim
    if ndim not in (1, 2, 3):
        raise ValueError(
            f"y has {ndim} dimensions; expected one output sequence per input "
            "sequence: (n_sequences,) for a single step, (n_sequences, "
            "n_steps) univariate, (n_sequences, n_steps, n_outputs), or a list "
            "of (n_steps_i[, n_outputs]) arrays."
        )
    return ("scalar", "univariate", "multivariate")[ndim - 1], y


def check_output_sequences(y, estimator=None):
    """Validate output sequences and put them in time-major form.

    Parameters
    ----------
    y : array-like, list of array-like, DataFrame or Series
        One output sequence per input sequence: ``(n_sequences,)`` (one
        single-step output each), ``(n_sequences, n_steps)`` (univariate),
        ``(n_sequences, n_steps, n_outputs)``, a list of ``(n_steps_i,)`` or
        ``(n_steps_i, n_outputs)`` arrays, or a long DataFrame or Series
        with a ``(sequence_id, time)`` MultiIndex.
    estimator : estimator instance, str or None, default=None
        Named in scikit-learn's messages about a 2-D ``y``.

    Returns
    -------
    Y : ndarray of shape (max_output_length, n_sequences, n_outputs)
        Float64, zero-padded past each output length.
    lengths : ndarray of shape (n_sequences,)
        The length of each output sequence.
    form : {"scalar", "univariate", "multivariate"}
        One value per sequence (1-D ``y``), univariate steps (2-D array,
        list of 1-D arrays, Series) or vectors of outputs per step.
    ids : list or None
        Sequence ids of a long DataFrame or Series.

    Examples
    --------
    >>> import numpy as np
    >>> Y, lengths, form, ids = check_output_sequences([np.ones(3), np.ones(2)])
    >>> Y.shape, lengths.tolist(), form
    ((3, 2, 1), [3, 2], 'univariate')
    """
    form, y = _output_form(y)
    if form == "scalar":
        y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        Y = np.array(y, dtype=np.float64).reshape(1, -1, 1)
        return Y, np.ones(Y.shape[1], dtype=np.int64), form, None
    kind, Y, lengths, ids = read_sequences(y, what="y")
    if kind == "2d":  # a table of univariate sequences: scikit-learn's rules
        with _numeric("y"):
            Y = check_array(
                Y, dtype=[np.float64, np.float32], input_name="y", estimator=estimator
            )
        lengths = np.full(Y.shape[0], Y.shape[1], dtype=np.int64)
        Y = np.ascontiguousarray(Y.T[:, :, None])
    return np.array(Y, dtype=np.float64), lengths, form, ids


def align_output_sequences(Y, lengths, ids, batch):
    """Match output sequences to the input sequences of ``batch``.

    Parameters
    ----------
    Y : ndarray of shape (max_output_length, n_sequences, n_outputs)
        Output sequences, as :func:`check_output_sequences` returns them.
    lengths : ndarray of shape (n_sequences,)
        Their lengths.
    ids : list or None
        Their sequence ids (long DataFrame or Series), else None.
    batch : SequenceBatch
        The validated input sequences.

    Returns
    -------
    Y : ndarray of shape (max_output_length, n_sequences, n_outputs)
        The output sequences in the order of the inputs: by id when both
        came with ids, else as given.
    lengths : ndarray of shape (n_sequences,)
        Their lengths, in the same order.
    """
    n = batch.n_sequences
    if len(lengths) != n:
        raise ValueError(
            f"X holds {n} sequences but y has {len(lengths)} targets: give one "
            "target per sequence."
        )
    if batch.ids is None or ids is None or list(ids) == list(batch.ids):
        return Y, lengths
    pos = pd.Index(ids).get_indexer(batch.ids)
    if (pos < 0).any():
        raise ValueError(
            "The sequence ids of y differ from those of X; give one output "
            "sequence per input sequence."
        )
    return Y[:, pos], lengths[pos]


def check_future_inputs(
    X_future, batch, *, n_features=None, steps=None, against="y", estimator=None
):
    """Validate the known future inputs of an encoder-decoder's output steps.

    Parameters
    ----------
    X_future : array-like, list of array-like or DataFrame
        One sequence of future inputs per input sequence of ``batch``, in
        any form of a batch of sequences: ``(n_sequences, n_steps,
        n_future_features)``, ``(n_sequences, n_steps)`` (one future input
        per step), a list of ``(n_steps_i[, n_future_features])`` arrays or
        a long DataFrame with a ``(sequence_id, time)`` MultiIndex (matched
        to the input sequences by id when ``X`` was one too).
    batch : SequenceBatch
        The validated input sequences.
    n_features : int or None, default=None
        The number of future inputs per step the fitted model takes; None
        accepts any (a first fit).
    steps : ndarray of shape (n_sequences,) or None, default=None
        The number of steps each sequence of future inputs must have (the
        output lengths, or ``n_steps``); None accepts any.
    against : {"y", "n_steps"}, default="y"
        What ``steps`` come from, for the messages.
    estimator : estimator instance or None, default=None
        Named in the messages.

    Returns
    -------
    F : ndarray of shape (max_steps, n_sequences, n_future_features)
        Time-major, zero-padded past each length, float32 or float64, in
        the order of the input sequences.
    lengths : ndarray of shape (n_sequences,)
        The number of steps of each sequence of future inputs.
    kind : {"3d", "2d", "list", "frame"}
        The form ``X_future`` was given in.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._data import SequenceBatch
    >>> batch = SequenceBatch(X=np.zeros((5, 2, 1)), lengths=np.array([5, 5]))
    >>> F, lengths, kind = check_future_inputs(np.ones((2, 3, 4)), batch)
    >>> F.shape, lengths.tolist(), kind
    ((3, 2, 4), [3, 3], '3d')
    """
    kind, F, lengths, ids = read_sequences(X_future, what="X_future")
    if kind == "2d":  # a table: one future input per step
        with _numeric("X_future"):
            F = check_array(F, dtype=[np.float64, np.float32], input_name="X_future")
        lengths = np.full(F.shape[0], F.shape[1], dtype=np.int64)
        F = np.ascontiguousarray(F.T[:, :, None])
    n = batch.n_sequences
    if len(lengths) != n:
        raise ValueError(
            f"X holds {n} sequences but X_future holds {len(lengths)}: give one "
            "sequence of future inputs per input sequence."
        )
    if batch.ids is not None and ids is not None and list(ids) != list(batch.ids):
        pos = pd.Index(ids).get_indexer(batch.ids)
        if (pos < 0).any():
            raise ValueError(
                "The sequence ids of X_future differ from those of X; give one "
                "sequence of future inputs per input sequence."
            )
        F, lengths = F[:, pos], lengths[pos]
    if n_features is not None and F.shape[2] != n_features:
        raise ValueError(
            f"X_future has {F.shape[2]} features per step, but "
            f"{_name(estimator)} was fitted with {n_features} "
            "(n_future_features_in_)."
        )
    if steps is not None and (lengths != steps).any():
        i = int(np.flatnonzero(lengths != steps)[0])
        wanted = (
            f"y has {steps[i]} output steps there"
            if against == "y"
            else f"n_steps asks for {steps[i]}"
        )
        raise ValueError(
            f"X_future has {lengths[i]} steps for sequence {i} but {wanted}; "
            "give exactly one step of future inputs per output step."
        )
    return F, lengths, kind


# --------------------------------------------------------------------------
# The state a recurrent network starts from
# --------------------------------------------------------------------------


def _as_state_array(value, where):
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{where} could not be read as an array of numbers.") from None
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{where} has dtype {arr.dtype}; a state holds real numbers.")
    return arr


def check_initial_state(
    initial_state,
    n_sequences,
    dtype,
    *,
    widths,
    state_names,
    cell,
    hidden_sizes,
    pooling=None,
    pool=None,
):
    """Validate the state a recurrent network starts from.

    Parameters
    ----------
    initial_state : list of tuple of array-like
        One tuple per recurrent layer, with one array ``(n_sequences,
        width)`` per name in ``state_names`` -- what ``predict(...,
        return_state=True)`` returns.
    n_sequences : int
        Number of sequences the state continues.
    dtype : dtype
        The dtype of the returned arrays.
    widths : sequence of int
        The state width of each layer (twice the units when bidirectional).
    state_names : tuple of str
        The names of a layer's state arrays: ``("h",)`` or ``("h", "c")``.
    cell : str
        The cell's name, for the messages.
    hidden_sizes : tuple of int
        ``hidden_layer_sizes``, for the messages.
    pooling : str or None, default=None
        The ``pooling`` of a many-to-one output that pools its states, for
        the messages; None when the output reads the last state.
    pool : class or None, default=None
        That pool (:data:`skrnn._nn._pooling.POOLS`), whose ``STATE_NAMES``
        and ``state_shapes`` say what the state's last, optional entry
        holds; without that entry the pool starts empty.

    Returns
    -------
    state : list of tuple of ndarray
        The state as the kernels take it, each array in ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> state = check_initial_state(
    ...     [(np.zeros((2, 3)),)], 2, np.float64,
    ...     widths=[3], state_names=("h",), cell="elman", hidden_sizes=(3,),
    ... )
    >>> state[0][0].shape
    (2, 3)
    """
    names = tuple(state_names)
    form = _form(names)
    n_layers = len(widths)
    if not isinstance(initial_state, (list, tuple)):
        raise TypeError(
            f"initial_state must be a list with one tuple {form} of arrays per "
            "recurrent layer, as returned by predict(..., return_state=True); "
            f"got {type(initial_state).__name__}."
        )
    pool_state = None
    if pool is not None and len(initial_state) == n_layers + 1:
        *initial_state, pool_state = initial_state
        pool_state = _check_pool_state(
            pool_state, pooling, pool, n_sequences, widths[-1], dtype
        )
    if len(initial_state) != n_layers:
        then = (
            f", then its pool ({_form(pool.STATE_NAMES)} of pooling={pooling!r})"
            if pool is not None
            else ""
        )
        raise ValueError(
            f"initial_state holds {len(initial_state)} layer states, but the "
            f"network has {n_layers} recurrent layer(s) (hidden_layer_sizes="
            f"{hidden_sizes}); give one tuple {form} per layer{then}."
        )
    state = []
    for k, (layer_state, width) in enumerate(zip(initial_state, widths, strict=True)):
        if not isinstance(layer_state, (list, tuple)):
            raise TypeError(
                f"initial_state[{k}] must be a tuple {form} of arrays (the "
                f"state of a cell={cell!r} layer); got "
                f"{type(layer_state).__name__}."
            )
        if len(layer_state) != len(names):
            raise ValueError(
                f"initial_state[{k}] holds {len(layer_state)} array(s), but the "
                f"state of a cell={cell!r} layer is {form}: {len(names)} array(s)."
            )
        shapes = [(n_sequences, width)] * len(names)
        why = f" and layer {k} has {width} units"
        state.append(_state_arrays(layer_state, names, shapes, f"[{k}]", why, dtype))
    return state if pool_state is None else state + [pool_state]


def _form(names):
    """``(h,)``, ``(h, c)``: how a tuple of state arrays is written."""
    return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"


def _state_arrays(values, names, shapes, index, why, dtype):
    """The arrays of one entry of a state, each checked for shape and finiteness."""
    arrays = []
    for name, value, shape in zip(names, values, shapes, strict=True):
        where = f"initial_state{index} ({name})"
        arr = _as_state_array(value, where)
        if arr.shape != shape:
            raise ValueError(
                f"{where} has shape {arr.shape}, but X holds {shape[0]} "
                f"sequence(s){why}: expected {shape}."
            )
        if not np.isfinite(arr).all():
            raise ValueError(f"{where} contains NaN or infinity.")
        arrays.append(arr.astype(dtype, copy=False))
    return tuple(arrays)


def _check_pool_state(values, pooling, pool, n_sequences, width, dtype):
    """The pool entry of a state, named by ``pool.STATE_NAMES``."""
    names = pool.STATE_NAMES
    if not isinstance(values, (list, tuple)) or len(values) != len(names):
        size = (
            f" of {len(values)} array(s)" if isinstance(values, (list, tuple)) else ""
        )
        raise ValueError(
            f"The last entry of initial_state is the pool of pooling={pooling!r}: "
            f"a tuple {_form(names)}, as returned by predict(..., "
            f"return_state=True); got {type(values).__name__}{size}."
        )
    shapes = pool.state_shapes(n_sequences, width)
    arrays = _state_arrays(values, names, shapes, "[-1]", "", dtype)
    if "steps" in names and (arrays[names.index("steps")] < 0).any():
        raise ValueError(
            "initial_state[-1] (steps) counts steps: it cannot be negative."
        )
    return arrays


# --------------------------------------------------------------------------
# The output history of a NARX simulation
# --------------------------------------------------------------------------


def check_y_init(y_init, n_output_lags, n_outputs, default):
    """Validate the outputs before the first row of a simulation.

    Parameters
    ----------
    y_init : float, array-like or None
        None (use ``default``), one number for every past output, or the
        ``n_output_lags`` past outputs, oldest first: ``(n_output_lags,
        n_outputs)``, or ``(n_output_lags,)`` for one output.
    n_output_lags : int
        How many past outputs the model feeds back (the largest output lag).
    n_outputs : int
        Outputs per row.
    default : array-like of shape (n_outputs,)
        The value of every past output when ``y_init`` is None.

    Returns
    -------
    y0 : ndarray of shape (n_output_lags, n_outputs)
        The output history, oldest first, in float64.

    Examples
    --------
    >>> check_y_init(0.5, 2, 1, default=[0.0]).tolist()
    [[0.5], [0.5]]
    >>> check_y_init(None, 2, 2, default=[1.0, 2.0]).tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    M = n_output_lags
    if y_init is None:
        return np.tile(default, (M, 1))
    try:
        arr = np.asarray(y_init, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"y_init must be a number or an array of numbers, got {y_init!r}."
        ) from None
    if not np.isfinite(arr).all():
        raise ValueError("y_init contains NaN or infinity.")
    if arr.ndim == 0:
        return np.full((M, n_outputs), float(arr))
    if arr.shape == (M, n_outputs) or (n_outputs == 1 and arr.shape == (M,)):
        return arr.reshape(M, n_outputs)
    shapes = f"({M},) or ({M}, 1)" if n_outputs == 1 else f"({M}, {n_outputs})"
    raise ValueError(
        f"y_init has shape {arr.shape}; give a scalar or the {M} outputs "
        f"before the first row (max(n_output_lags_)={M}), oldest first: "
        f"shape {shapes}."
    )
