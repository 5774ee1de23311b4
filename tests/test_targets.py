"""What comes with the data: output sequences, starting states, output history.

check_output_sequences (the y of Seq2SeqRegressor), check_initial_state (the
state a recurrent network starts from) and check_y_init (the outputs before a
NARX simulation's first row) are checked directly: each accepted form against
arrays written out by hand, each bad input by its message. The estimators'
own tests check that they call them.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from skrnn._data import (
    SequenceBatch,
    align_output_sequences,
    check_initial_state,
    check_output_sequences,
    check_y_init,
)

# --------------------------------------------------------------------------
# Output sequences
# --------------------------------------------------------------------------

# two univariate output sequences of lengths 3 and 2, time-major and padded
Y_TM = np.array([[[1.0], [4.0]], [[2.0], [5.0]], [[3.0], [0.0]]])


def _long(values, ids, n_columns=None):
    index = pd.MultiIndex.from_tuples(
        [(sid, t) for sid, v in zip(ids, values, strict=True) for t in range(len(v))]
    )
    data = np.concatenate(values)
    if n_columns is None:
        return pd.Series(data, index=index)
    return pd.DataFrame(data.reshape(-1, n_columns), index=index)


def test_output_sequences_of_different_lengths():
    for y in (
        [np.array([1, 2, 3]), np.array([4, 5])],
        _long([[1, 2, 3], [4, 5]], "ab"),
    ):
        Y, lengths, form, ids = check_output_sequences(y)
        assert_array_equal(Y, Y_TM)
        assert Y.dtype == np.float64
        assert_array_equal(lengths, [3, 2])
        assert form == "univariate"
    assert ids == ["a", "b"]


def test_one_value_per_sequence_is_a_single_step():
    Y, lengths, form, ids = check_output_sequences([1, 2, 3])
    assert_array_equal(Y, [[[1.0], [2.0], [3.0]]])
    assert_array_equal(lengths, [1, 1, 1])
    assert (form, ids) == ("scalar", None)


@pytest.mark.parametrize(
    "y",
    [
        np.array([[1.0, 2.0], [3.0, 4.0]]),
        [np.array([1.0, 2.0]), np.array([3.0, 4.0])],
        np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32),
    ],
)
def test_univariate_output_sequences_as_a_table(y):
    Y, lengths, form, _ = check_output_sequences(y)
    assert_array_equal(Y, [[[1.0], [3.0]], [[2.0], [4.0]]])
    assert Y.dtype == np.float64 and Y.flags.c_contiguous
    assert_array_equal(lengths, [2, 2])
    assert form == "univariate"


def test_vectors_of_outputs_per_step():
    y = np.arange(12.0).reshape(2, 3, 2)
    for given in (y, list(y), _long(list(y), [7, 8], n_columns=2)):
        Y, lengths, form, _ = check_output_sequences(given)
        assert_array_equal(Y, np.swapaxes(y, 0, 1))
        assert_array_equal(lengths, [3, 3])
        assert form == "multivariate"


@pytest.mark.parametrize(
    "y, error, match",
    [
        (np.ones((5, 2, 2, 2)), ValueError, "y has 4 dimensions; expected one output"),
        ([np.array([]), np.ones(2)], ValueError, "Sequence 0 of y has length 0"),
        ([np.array([1.0, np.nan]), np.ones(2)], ValueError, "Input y contains NaN"),
        (np.full((2, 2), np.inf), ValueError, "Input y contains infinity"),
        (
            [np.ones((2, 2)), np.ones((2, 3))],
            ValueError,
            r"Sequence 1 of y has 3 outputs per time step but sequence 0 has 2",
        ),
        ([1.0, np.ones(2)], ValueError, r"y mixes single values.*n_outputs\)"),
        (np.ones((2, 2, 0)), ValueError, "y has 0 outputs per time step"),
        (np.ones((2, 0, 1)), ValueError, "y has sequences of length 0"),
        ([np.array(["a", "b"])] * 2, ValueError, "y holds non-numeric data"),
        (np.array([["a", "b"]] * 2), ValueError, "y holds non-numeric data"),
        ([np.ones((2, 2, 2))] * 2, ValueError, "Sequence 0 of y has 3 dimensions"),
        (np.ones((2, 2, 1)) + 1j, ValueError, "y holds complex numbers"),
        (
            pd.DataFrame(
                np.ones((2, 1)),
                index=pd.MultiIndex.from_tuples([(0, 0, 0), (0, 1, 0)]),
            ),
            ValueError,
            "y has a MultiIndex with 3 levels",
        ),
    ],
)
def test_bad_output_sequences_are_named_y(y, error, match):
    with pytest.raises(error, match=match) as info:
        check_output_sequences(y)
    assert "X" not in str(info.value) and "features" not in str(info.value)


def test_scikit_learn_messages_about_a_table_name_y_and_the_estimator():
    with pytest.raises(ValueError, match="0 feature.*required by Seq2SeqRegressor"):
        check_output_sequences(np.ones((3, 0)), "Seq2SeqRegressor")
    with pytest.raises(ValueError, match="Input y contains NaN.$"):
        check_output_sequences(np.full((3, 2), np.nan), "Seq2SeqRegressor")


def _batch(n, ids=None):
    ids = None if ids is None else list(ids)
    return SequenceBatch(X=np.zeros((2, n, 1)), lengths=np.full(n, 2), ids=ids)


def test_output_sequences_follow_the_ids_of_the_inputs():
    Y, lengths = Y_TM, np.array([3, 2])
    out, out_lengths = align_output_sequences(Y, lengths, ["b", "a"], _batch(2, "ab"))
    assert_array_equal(out, Y[:, ::-1])
    assert_array_equal(out_lengths, [2, 3])
    # without ids on both sides, the order is as given
    for ids, batch in ((None, _batch(2, "ab")), (["b", "a"], _batch(2))):
        out, out_lengths = align_output_sequences(Y, lengths, ids, batch)
        assert_array_equal(out, Y)
        assert_array_equal(out_lengths, lengths)


def test_one_output_sequence_per_input_sequence():
    with pytest.raises(ValueError, match="X holds 3 sequences but y has 2 targets"):
        align_output_sequences(Y_TM, np.array([3, 2]), None, _batch(3))
    with pytest.raises(ValueError, match="sequence ids of y differ from those of X"):
        align_output_sequences(Y_TM, np.array([3, 2]), ["a", "z"], _batch(2, "ab"))


# --------------------------------------------------------------------------
# The state a recurrent network starts from
# --------------------------------------------------------------------------

# two LSTM layers of widths 4 and 3, continuing 2 sequences
LSTM = dict(widths=[4, 3], state_names=("h", "c"), cell="lstm", hidden_sizes=(4, 3))


def _lstm_state():
    return [
        (np.ones((2, 4)), np.full((2, 4), 2.0)),
        (np.zeros((2, 3), dtype=np.int64), np.full((2, 3), 3.0)),
    ]


def test_initial_state_is_cast_layer_by_layer():
    state = check_initial_state(_lstm_state(), 2, np.float32, **LSTM)
    assert [len(layer) for layer in state] == [2, 2]
    assert all(a.dtype == np.float32 for layer in state for a in layer)
    assert_array_equal(state[0][1], np.full((2, 4), 2.0))
    assert_array_equal(state[1][0], np.zeros((2, 3)))
    # tuples of layers and lists of arrays are accepted as well
    as_tuples = tuple(list(layer) for layer in _lstm_state())
    again = check_initial_state(as_tuples, 2, np.float64, **LSTM)
    assert_array_equal(again[1][1], state[1][1])


def test_a_one_array_state_is_written_as_a_one_tuple():
    elman = dict(widths=[3], state_names=("h",), cell="elman", hidden_sizes=(3,))
    with pytest.raises(TypeError, match=r"one tuple \(h,\) of arrays per"):
        check_initial_state(np.zeros((2, 3)), 2, np.float64, **elman)


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda s: np.zeros((2, 4)), TypeError, r"one tuple \(h, c\) of arrays per"),
        (lambda s: s[:1], ValueError, r"holds 1 layer states.*has 2.*\(4, 3\)"),
        (lambda s: [s[0][0], s[1]], TypeError, r"initial_state\[0\] must be a tuple"),
        (lambda s: [s[0][:1], s[1]], ValueError, r"cell='lstm' layer is \(h, c\)"),
        (
            lambda s: [s[0], (np.zeros((3, 3)), s[1][1])],
            ValueError,
            r"initial_state\[1\] \(h\) has shape \(3, 3\).*expected \(2, 3\)",
        ),
        (
            lambda s: [s[0], (s[1][0], s[1][1] + 1j)],
            TypeError,
            r"\[1\] \(c\) has dtype complex128; a state holds real numbers",
        ),
        (
            lambda s: [s[0], (s[1][0], [[object()] * 3] * 2)],
            TypeError,
            "has dtype object",
        ),
        (
            lambda s: [(s[0][0], np.full((2, 4), np.inf)), s[1]],
            ValueError,
            r"initial_state\[0\] \(c\) contains NaN or infinity",
        ),
    ],
)
def test_bad_initial_state_gets_a_clear_error(change, error, match):
    with pytest.raises(error, match=match):
        check_initial_state(change(_lstm_state()), 2, np.float64, **LSTM)


# --------------------------------------------------------------------------
# The output history of a NARX simulation
# --------------------------------------------------------------------------


def test_y_init_none_repeats_the_default():
    assert_array_equal(check_y_init(None, 3, 2, [1.0, 2.0]), [[1.0, 2.0]] * 3)


def test_y_init_accepted_forms():
    assert_array_equal(check_y_init(0.5, 2, 2, [0.0, 0.0]), np.full((2, 2), 0.5))
    assert_array_equal(check_y_init([1, 2], 2, 1, [0.0]), [[1.0], [2.0]])
    assert_array_equal(check_y_init([[1], [2]], 2, 1, [0.0]), [[1.0], [2.0]])
    history = np.arange(6).reshape(3, 2)
    out = check_y_init(history, 3, 2, [0.0, 0.0])
    assert out.dtype == np.float64
    assert_array_equal(out, history)


@pytest.mark.parametrize(
    "y_init, n_outputs, error, match",
    [
        ("a", 1, TypeError, "y_init must be a number or an array of numbers"),
        ([np.nan, 1.0], 1, ValueError, "y_init contains NaN or infinity"),
        ([1.0, 2.0, 3.0], 1, ValueError, r"shape \(2,\) or \(2, 1\)"),
        ([1.0, 2.0], 2, ValueError, r"has shape \(2,\).*max\(n_output_lags_\)=2"),
        (np.ones((2, 3)), 2, ValueError, r"oldest first: shape \(2, 2\)"),
    ],
)
def test_bad_y_init_gets_a_clear_error(y_init, n_outputs, error, match):
    with pytest.raises(error, match=match):
        check_y_init(y_init, 2, n_outputs, np.zeros(n_outputs))
