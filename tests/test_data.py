"""The input boundary: every accepted form to one canonical form, or a clear error.

Series (check_series) and batches of sequences (check_sequences) are checked
against arrays written out by hand. Each bad input gets its own error, matched
by message. scikit-learn's own checks (tests/test_common.py) are not repeated.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator
from sklearn.linear_model import LinearRegression

from skrnn import FIRRegressor, LagFeatures, SlidingWindow, sliding_windows
from skrnn._data import check_sequence_weights, check_sequences, check_series


class Receiver(BaseEstimator):
    """A do-nothing estimator that receives n_features_in_ and friends."""


def _fitted_series(X):
    est = Receiver()
    check_series(est, X, reset=True)
    return est


def _fitted_sequences(X, y):
    est = Receiver()
    check_sequences(est, X, y, reset=True)
    return est


# --------------------------------------------------------------------------
# Series
# --------------------------------------------------------------------------

X_SERIES = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
Y_SERIES = np.array([0.5, 1.5, 2.5, 3.5])

# A panel whose two series come interleaved: b0 a0 b1 a1 b2.
PANEL_INDEX = pd.MultiIndex.from_tuples(
    [("b", 0), ("a", 0), ("b", 1), ("a", 1), ("b", 2)], names=["id", "t"]
)
PANEL_X = pd.DataFrame({"u": [10.0, 20.0, 11.0, 21.0, 12.0]}, index=PANEL_INDEX)
PANEL_Y = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=PANEL_INDEX, name="out")


def test_series_array_is_taken_as_is():
    est = Receiver()
    data = check_series(est, X_SERIES, Y_SERIES, reset=True)
    assert_array_equal(data.X, X_SERIES)
    assert data.X.dtype == np.float64
    assert_array_equal(data.y, Y_SERIES[:, None])
    assert data.y_1d
    assert_array_equal(data.starts, [0, 4])
    assert data.order is None and data.ids is None and data.time_index is None
    assert data.n_series == 1
    assert est.n_features_in_ == 2
    assert not hasattr(est, "feature_names_in_")
    assert_array_equal(data.restore_order(data.X), X_SERIES)


def test_series_integers_become_float64():
    data = check_series(
        Receiver(), X_SERIES.astype(int), Y_SERIES.astype(int), reset=True
    )
    assert data.X.dtype == np.float64 and data.y.dtype == np.float64


def test_series_dataframe_keeps_names_and_time_index():
    time = pd.date_range("2024-01-01", periods=4, freq="D")
    X = pd.DataFrame(X_SERIES, index=time, columns=["u", "v"])
    y = pd.DataFrame({"p": Y_SERIES, "q": -Y_SERIES}, index=time)
    est = Receiver()
    data = check_series(est, X, y, reset=True)
    assert_array_equal(est.feature_names_in_, ["u", "v"])
    assert_array_equal(data.X, X_SERIES)
    assert_array_equal(data.y, np.column_stack([Y_SERIES, -Y_SERIES]))
    assert not data.y_1d and data.y_frame and data.y_names == ["p", "q"]
    assert len(data.time_index) == 1 and data.time_index[0].equals(time)


@pytest.mark.parametrize(
    "y, y_1d, n_outputs",
    [
        (Y_SERIES, True, 1),
        (Y_SERIES[:, None], False, 1),
        (np.column_stack([Y_SERIES, 2 * Y_SERIES]), False, 2),
        (pd.Series(Y_SERIES, name="out"), True, 1),
        (pd.DataFrame({"a": Y_SERIES, "b": 2 * Y_SERIES}), False, 2),
        (list(Y_SERIES), True, 1),
    ],
)
def test_series_target_is_always_two_dimensional(y, y_1d, n_outputs):
    data = check_series(Receiver(), X_SERIES, y, reset=True)
    assert data.y.shape == (4, n_outputs) and data.y_1d is y_1d
    assert_array_equal(data.y[:, 0], Y_SERIES)
    if n_outputs == 2:
        assert_array_equal(data.y[:, 1], 2 * Y_SERIES)


def test_panel_rows_are_grouped_by_series_in_order_of_appearance():
    est = Receiver()
    data = check_series(est, PANEL_X, PANEL_Y, reset=True)
    # series "b" (first seen) then "a"; each in time order
    assert_array_equal(data.X[:, 0], [10.0, 11.0, 12.0, 20.0, 21.0])
    assert_array_equal(data.y[:, 0], [1.0, 3.0, 5.0, 2.0, 4.0])
    assert_array_equal(data.starts, [0, 3, 5])
    assert_array_equal(data.lengths, [3, 2])
    assert_array_equal(data.order, [0, 2, 4, 1, 3])
    assert data.ids == ["b", "a"]
    assert [list(t) for t in data.time_index] == [[0, 1, 2], [0, 1]]
    assert data.time_index[0].name == "t"
    assert est.n_features_in_ == 1
    assert_array_equal(est.feature_names_in_, ["u"])
    assert data.y_names == ["out"]


def test_restore_order_undoes_the_grouping():
    rng = np.random.default_rng(0)
    index = pd.MultiIndex.from_product([["s0", "s1", "s2"], range(7)])
    X = pd.DataFrame(rng.normal(size=(21, 2)), index=index)
    shuffled = X.iloc[rng.permutation(21)].sort_index(level=1, sort_remaining=False)
    data = check_series(Receiver(), shuffled, reset=True)
    assert_array_equal(data.restore_order(data.X), shuffled.to_numpy())
    # a 2-D output (n, k) comes back in the same row order
    Z = np.column_stack([data.X[:, 0], -data.X[:, 0]])
    assert_array_equal(data.restore_order(Z)[:, 1], -shuffled.to_numpy()[:, 0])


def test_grouped_panel_needs_no_reordering():
    data = check_series(Receiver(), PANEL_X.sort_index(), reset=True)
    assert data.order is None
    assert data.ids == ["a", "b"]
    assert_array_equal(data.X[:, 0], [20.0, 21.0, 10.0, 11.0, 12.0])


def test_panel_taken_from_y_when_X_has_no_index():
    for X in (PANEL_X.to_numpy(), PANEL_X.reset_index(drop=True)):
        data = check_series(Receiver(), X, PANEL_Y, reset=True)
        assert data.ids == ["b", "a"]
        assert_array_equal(data.X[:, 0], [10.0, 11.0, 12.0, 20.0, 21.0])


def test_no_exogenous_input_when_allowed():
    est = Receiver()
    data = check_series(est, None, PANEL_Y, reset=True, allow_X_none=True)
    assert data.X.shape == (5, 0)
    assert_array_equal(data.y[:, 0], [1.0, 3.0, 5.0, 2.0, 4.0])
    assert data.ids == ["b", "a"] and est.n_features_in_ == 0
    # later calls with X=None are fine
    check_series(est, None, Y_SERIES, reset=False, allow_X_none=True)
    plain = check_series(Receiver(), None, Y_SERIES, reset=True, allow_X_none=True)
    assert plain.X.shape == (4, 0) and plain.time_index is None


def test_require_length_names_the_parameter():
    data = check_series(None, X_SERIES, reset=False)
    data.require_length(4, "n_lags=3")  # exactly enough
    with pytest.raises(
        ValueError, match=r"X has 4 time steps .* n_lags=4 needs at least 5"
    ):
        data.require_length(5, "n_lags=4")


NAN_X = np.array([[1.0, np.nan], [2.0, 3.0]])
INF_X = np.array([[1.0, np.inf], [2.0, 3.0]])
TWO_ROWS = np.ones((2, 1))
STRINGS = np.array([["a", "b"], ["c", "d"]])


@pytest.mark.parametrize(
    "X, y, match",
    [
        (NAN_X, None, "Input X contains NaN"),
        (INF_X, None, "Input X contains infinity"),
        (TWO_ROWS, np.array([1.0, np.nan]), "Input y contains NaN"),
        (TWO_ROWS, np.array([1.0, -np.inf]), "Input y contains infinity"),
        (np.ones(4), None, "Expected 2D array, got 1D array"),
        (np.ones((4, 2, 2)), None, "Found array with dim 3"),
        (np.ones((4, 1)), np.ones((4, 1, 1)), "Found array with dim 3"),
        (np.ones((5, 1)), np.ones(4), "X has 5 time steps but y has 4"),
        (np.ones((3, 1)), np.ones((4, 2)), "X has 3 time steps but y has 4"),
        (STRINGS, None, r"X holds non-numeric data \(could not convert string"),
        (
            pd.DataFrame({"u": [1.0, 2.0], "v": ["x", "y"]}),
            None,
            r"X holds non-numeric data \(could not convert string to float: 'x'\)",
        ),
        (TWO_ROWS, np.array(["a", "b"]), "dtype='numeric' is not compatible"),
        (
            TWO_ROWS,
            np.array(["a", "b"], dtype=object),
            "y holds non-numeric data",
        ),
        (np.ones((0, 2)), None, "minimum of 1 is required"),
        (np.array([[1 + 2j, 1.0]]), None, "Complex data not supported"),
    ],
)
def test_series_bad_input(X, y, match):
    with pytest.raises(ValueError, match=match):
        check_series(Receiver(), X, y, reset=True)


def test_series_bad_input_names_the_function_user():
    with pytest.raises(ValueError, match="Input X contains NaN"):
        check_series(None, NAN_X, reset=False)


def test_panel_with_three_index_levels():
    index = pd.MultiIndex.from_tuples([("a", 0, "x"), ("a", 1, "x")])
    X = pd.DataFrame({"u": [1.0, 2.0]}, index=index)
    with pytest.raises(ValueError, match=r"3 levels; it needs exactly two levels"):
        check_series(Receiver(), X, reset=True)


@pytest.mark.parametrize("times", [[0, 2, 1], [0, 1, 1]])
def test_panel_rows_out_of_time_order(times):
    index = pd.MultiIndex.from_arrays([["a", "b", "b", "a", "b"], [0, *times, 1]])
    X = pd.DataFrame({"u": np.arange(5.0)}, index=index)
    with pytest.raises(
        ValueError,
        match=r"rows of series 'b' are not in increasing time order; sort the "
        r"data by \(series_id, time\)",
    ):
        check_series(Receiver(), X, reset=True)


def test_panel_y_with_another_index_than_X():
    y = PANEL_Y.sort_index()  # same rows, another order: would be misaligned
    with pytest.raises(ValueError, match=r"different \(series_id, time\) indexes"):
        check_series(Receiver(), PANEL_X, y, reset=True)
    # the same index passes
    check_series(Receiver(), PANEL_X, PANEL_Y.copy(), reset=True)


def test_series_missing_X_or_y():
    with pytest.raises(ValueError, match="X is None; Receiver needs input data X"):
        check_series(Receiver(), None, Y_SERIES, reset=True)
    with pytest.raises(ValueError, match="X and y are both None"):
        check_series(Receiver(), None, None, reset=True, allow_X_none=True)
    with pytest.raises(ValueError, match="Receiver requires y to be passed"):
        check_series(Receiver(), X_SERIES, None, reset=True, y_required=True)


def test_series_columns_must_match_fit():
    est = _fitted_series(X_SERIES)
    with pytest.raises(
        ValueError, match="X has 3 features, but Receiver is expecting 2"
    ):
        check_series(est, np.ones((4, 3)), reset=False)
    with pytest.raises(ValueError, match="X is None, but Receiver was fitted with 2"):
        check_series(est, None, Y_SERIES, reset=False, allow_X_none=True)


# --------------------------------------------------------------------------
# Batches of sequences
# --------------------------------------------------------------------------

# Three sequences of two features, lengths 3, 1, 2, and their canonical,
# time-major, zero-padded form written out by hand.
SEQS = [
    np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
    np.array([[7.0, 8.0]]),
    np.array([[9.0, 10.0], [11.0, 12.0]]),
]
PADDED = np.array(
    [
        [[1.0, 2.0], [7.0, 8.0], [9.0, 10.0]],
        [[3.0, 4.0], [0.0, 0.0], [11.0, 12.0]],
        [[5.0, 6.0], [0.0, 0.0], [0.0, 0.0]],
    ]
)
LENGTHS = [3, 1, 2]
Y_M2O = np.array([1.0, 2.0, 3.0])


def _long_frame(seqs, ids, order=None, columns=("a", "b")):
    """A long DataFrame with a (sequence_id, time) MultiIndex."""
    frame = pd.concat(
        [
            pd.DataFrame(
                np.asarray(s).reshape(len(s), -1),
                columns=list(columns)[: np.asarray(s).reshape(len(s), -1).shape[1]],
                index=pd.MultiIndex.from_product([[i], range(len(s))]),
            )
            for i, s in zip(ids, seqs, strict=True)
        ]
    )
    frame.index.names = ["seq", "t"]
    return frame if order is None else frame.iloc[order]


# rows of _long_frame(SEQS, ...) interleaved, each sequence still in time order
INTERLEAVED = [3, 0, 4, 1, 5, 2]


@pytest.mark.parametrize(
    "X, kind",
    [
        (SEQS, "list"),
        (tuple(SEQS), "list"),
        ([s.tolist() for s in SEQS], "list"),
        (_long_frame(SEQS, ["p", "q", "r"]), "frame"),
    ],
)
def test_variable_length_sequences_are_padded_time_major(X, kind):
    est = Receiver()
    batch = check_sequences(est, X, Y_M2O, reset=True)
    assert batch.kind == kind
    assert_array_equal(batch.X, PADDED)
    assert batch.X.flags.c_contiguous and batch.X.dtype == np.float64
    assert_array_equal(batch.lengths, LENGTHS)
    assert batch.lengths.dtype == np.int64
    assert batch.n_sequences == 3
    assert est.n_features_in_ == 2
    assert_array_equal(batch.y, Y_M2O)


def test_interleaved_long_frame_gives_ids_in_order_of_first_appearance():
    frame = _long_frame(SEQS, ["p", "q", "r"], order=INTERLEAVED)
    est = Receiver()
    batch = check_sequences(est, frame, Y_M2O, reset=True)
    # first rows seen: q, p, r
    assert batch.ids == ["q", "p", "r"]
    assert_array_equal(batch.X, PADDED[:, [1, 0, 2]])
    assert_array_equal(batch.lengths, [1, 3, 2])
    assert_array_equal(est.feature_names_in_, ["a", "b"])


def test_univariate_forms_agree():
    seqs = [np.array([1.0, 2.0, 3.0]), np.array([4.0]), np.array([5.0, 6.0])]
    want = np.array([[1.0, 4.0, 5.0], [2.0, 0.0, 6.0], [3.0, 0.0, 0.0]])[:, :, None]
    for X in (seqs, [s[:, None] for s in seqs], _long_frame(seqs, [0, 1, 2])):
        est = Receiver()
        batch = check_sequences(est, X, Y_M2O, reset=True)
        assert_array_equal(batch.X, want)
        assert_array_equal(batch.lengths, [3, 1, 2])
        assert est.n_features_in_ == 1


def test_equal_length_forms_give_the_same_batch():
    X3 = np.arange(24.0).reshape(3, 4, 2)  # 3 sequences, 4 steps, 2 features
    forms = {
        "3d": X3,
        "list": list(X3),
        "frame": _long_frame(list(X3), [0, 1, 2]),
    }
    for kind, X in forms.items():
        est = Receiver()
        batch = check_sequences(est, X, Y_M2O, reset=True)
        assert batch.kind == kind
        assert_array_equal(batch.X, X3.transpose(1, 0, 2))
        assert_array_equal(batch.lengths, [4, 4, 4])
        assert est.n_features_in_ == 2


@pytest.mark.parametrize(
    "X",
    [
        np.arange(12.0).reshape(3, 4),
        list(np.arange(12.0).reshape(3, 4)),  # equal-length 1-D sequences
        pd.DataFrame(np.arange(12.0).reshape(3, 4)),
    ],
)
def test_two_dimensional_input_is_univariate_sequences(X):
    est = Receiver()
    batch = check_sequences(est, X, Y_M2O, reset=True)
    assert batch.kind == "2d"
    assert_array_equal(batch.X[:, :, 0], np.arange(12.0).reshape(3, 4).T)
    assert batch.X.shape == (4, 3, 1)
    assert_array_equal(batch.lengths, [4, 4, 4])
    assert est.n_features_in_ == 4  # scikit-learn's rule: the columns


def test_three_dimensional_input_of_one_feature_after_a_two_dimensional_fit():
    est = _fitted_sequences(np.ones((3, 4)), Y_M2O)
    batch = check_sequences(est, np.ones((2, 7, 1)), reset=False)  # any length
    assert batch.X.shape == (7, 2, 1)
    batch = check_sequences(est, [np.ones(2), np.ones(5)], reset=False)
    assert_array_equal(batch.lengths, [2, 5])


FLOAT32_FORMS = {
    "3d": np.ones((2, 3, 1), dtype=np.float32),
    "2d": np.ones((2, 3), dtype=np.float32),
    "list": [np.ones(3, dtype=np.float32), np.ones(2, dtype=np.float32)],
    "frame": _long_frame([np.ones(3), np.ones(2)], [0, 1]).astype(np.float32),
}


@pytest.mark.parametrize("kind", FLOAT32_FORMS)
def test_float32_stays_float32(kind):
    batch = check_sequences(Receiver(), FLOAT32_FORMS[kind], np.ones(2), reset=True)
    assert batch.kind == kind
    assert batch.X.dtype == np.float32 and batch.y.dtype == np.float32


@pytest.mark.parametrize(
    "X",
    [
        np.ones((2, 3, 1), dtype=int),
        np.ones((2, 3), dtype=int),
        [np.ones(3, dtype=int), np.ones(2, dtype=int)],
        [np.ones(3, dtype=np.float32), np.ones(2)],  # mixed: float64
        [np.ones(3, dtype=bool), np.ones(2, dtype=bool)],
        _long_frame([np.ones(3), np.ones(2)], [0, 1]).astype(int),
    ],
)
def test_everything_else_becomes_float64(X):
    batch = check_sequences(Receiver(), X, np.ones(2, dtype=int), reset=True)
    assert batch.X.dtype == np.float64 and batch.y.dtype == np.float64


def test_many_to_one_targets_in_every_form():
    two = np.column_stack([Y_M2O, -Y_M2O])
    for y, want in [
        (Y_M2O, Y_M2O),
        (list(Y_M2O), Y_M2O),
        (pd.Series(Y_M2O), Y_M2O),
        (two, two),
        (pd.DataFrame(two), two),
    ]:
        batch = check_sequences(Receiver(), SEQS, y, reset=True)
        assert_array_equal(batch.y, want)
    labels = np.array(["cat", "dog", "cat"])
    batch = check_sequences(Receiver(), SEQS, labels, reset=True, y_numeric=False)
    assert_array_equal(batch.y, labels)


def test_many_to_one_targets_of_a_frame_follow_the_sequence_ids():
    frame = _long_frame(SEQS, ["p", "q", "r"], order=INTERLEAVED)  # ids q, p, r
    y = pd.Series({"p": 1.0, "q": 2.0, "r": 3.0})
    batch = check_sequences(Receiver(), frame, y, reset=True)
    assert_array_equal(batch.y, [2.0, 1.0, 3.0])


Y_STEPS = [np.array([1.0, 2.0, 3.0]), np.array([4.0]), np.array([5.0, 6.0])]
Y_STEPS_TM = np.array([[1.0, 4.0, 5.0], [2.0, 0.0, 6.0], [3.0, 0.0, 0.0]])


def test_per_step_targets_as_lists_and_long_frames():
    for X, y in [
        (SEQS, Y_STEPS),
        (SEQS, [s[:, None] for s in Y_STEPS]),
        (SEQS, _long_frame(Y_STEPS, [0, 1, 2])["a"]),
        (_long_frame(SEQS, [0, 1, 2]), _long_frame(Y_STEPS, [0, 1, 2])["a"]),
        # y's sequences in another order than X's: matched by id
        (
            _long_frame(SEQS, ["p", "q", "r"]),
            _long_frame(Y_STEPS[::-1], ["r", "q", "p"])["a"],
        ),
    ]:
        batch = check_sequences(Receiver(), X, y, reset=True, return_sequences=True)
        assert_array_equal(batch.y.reshape(3, 3), Y_STEPS_TM)
        assert batch.y.dtype == np.float64
    two = _long_frame([np.column_stack([s, -s]) for s in Y_STEPS], [0, 1, 2])
    batch = check_sequences(Receiver(), SEQS, two, reset=True, return_sequences=True)
    assert batch.y.shape == (3, 3, 2)
    assert_array_equal(batch.y[:, :, 1], -Y_STEPS_TM)


def test_per_step_targets_as_arrays():
    X3 = np.zeros((2, 3, 1))
    y2 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    batch = check_sequences(Receiver(), X3, y2, reset=True, return_sequences=True)
    assert_array_equal(batch.y, y2.T)
    y3 = np.stack([y2, -y2], axis=-1)
    batch = check_sequences(Receiver(), X3, y3, reset=True, return_sequences=True)
    assert batch.y.shape == (3, 2, 2)
    assert_array_equal(batch.y, y3.transpose(1, 0, 2))


def test_per_step_labels_keep_their_dtype():
    labels = [np.array(["a", "b", "a"]), np.array(["b"]), np.array(["a", "a"])]
    batch = check_sequences(
        Receiver(), SEQS, labels, reset=True, return_sequences=True, y_numeric=False
    )
    assert batch.y.dtype.kind == "U"
    assert_array_equal(batch.y[:, 0], ["a", "b", "a"])
    assert_array_equal(batch.y[:2, 2], ["a", "a"])


def test_format_steps_returns_the_form_of_the_input():
    # list and frame input: a list of arrays, each cut to its own length
    for X in (SEQS, _long_frame(SEQS, [0, 1, 2])):
        batch = check_sequences(
            Receiver(), X, Y_STEPS, reset=True, return_sequences=True
        )
        out = batch.format_steps(batch.y)
        assert isinstance(out, list)
        for got, want in zip(out, Y_STEPS, strict=True):
            assert_array_equal(got, want)
        probs = batch.format_steps(np.ones((3, 3, 4)))
        assert [p.shape for p in probs] == [(3, 4), (1, 4), (2, 4)]
    # array input: an array (n_sequences, n_timesteps, ...)
    y2 = np.array([[1.0, 2.0], [3.0, 4.0]])
    for X in (np.zeros((2, 2, 1)), np.zeros((2, 2))):
        batch = check_sequences(Receiver(), X, y2, reset=True, return_sequences=True)
        out = batch.format_steps(batch.y)
        assert isinstance(out, np.ndarray) and out.flags.c_contiguous
        assert_array_equal(out, y2)
        assert batch.format_steps(np.ones((2, 2, 5))).shape == (2, 2, 5)


@pytest.mark.parametrize(
    "X, y, match",
    [
        # NaN and inf, in X and in y, in every form
        (np.full((2, 3, 1), np.nan), np.ones(2), "Input X contains NaN"),
        (np.full((2, 3, 1), np.inf), np.ones(2), "Input X contains infinity"),
        ([np.ones(2), np.array([1.0, np.nan])], np.ones(2), "Input X contains NaN"),
        (np.array([[1.0, np.inf]]), np.ones(1), "Input X contains infinity"),
        (
            _long_frame([np.array([1.0, np.nan])], [0]),
            np.ones(1),
            "Input X contains NaN",
        ),
        (np.ones((2, 3, 1)), np.array([1.0, np.nan]), "Input y contains NaN"),
        (np.ones((2, 3)), np.array([1.0, np.inf]), "Input y contains infinity"),
        # dimensions
        (np.ones(5), np.ones(5), "Expected 2D array, got 1D array"),
        (np.ones((2, 3, 4, 5)), np.ones(2), "X has 4 dimensions; expected a 3-D"),
        (
            [np.ones((2, 1)), np.ones((3, 1, 1))],
            np.ones(2),
            r"Sequence 1 of X has 3 dimensions; each sequence must be",
        ),
        (np.ones((2, 3, 1)), np.ones((2, 3, 1)), "Found array with dim 3"),
        # X and y disagree
        (np.ones((2, 3, 1)), np.ones(3), "X holds 2 sequences but y has 3 targets"),
        (np.ones((2, 3)), np.ones(1), "X holds 2 sequences but y has 1 targets"),
        (SEQS, np.ones(2), "X holds 3 sequences but y has 2 targets"),
        (
            _long_frame(SEQS, [0, 1, 2]),
            np.ones(4),
            "X holds 3 sequences but y has 4 targets",
        ),
        # empty input
        (
            [np.ones((2, 1)), np.ones((0, 1))],
            np.ones(2),
            "Sequence 1 of X has length 0",
        ),
        ([np.ones(2), np.ones(0)], np.ones(2), "Sequence 1 of X has length 0"),
        ([], np.ones(0), "X holds no sequences: the list is empty"),
        (np.ones((2, 0, 1)), np.ones(2), "X has sequences of length 0"),
        (np.ones((0, 3, 1)), np.ones(0), "X holds no sequences"),
        (_long_frame(SEQS, [0, 1, 2]).iloc[:0], np.ones(0), "the DataFrame is empty"),
        (np.ones((2, 3, 0)), np.ones(2), "X has 0 features per time step"),
        # features and types
        (
            [np.ones((2, 1)), np.ones((3, 2))],
            np.ones(2),
            "Sequence 1 of X has 2 features per time step but sequence 0 has 1",
        ),
        (
            [np.ones(2), np.array(["a", "b", "c"])],
            np.ones(2),
            r"Sequence 1 of X holds non-numeric data \(dtype <U1\)",
        ),
        (np.full((1, 2, 1), "a"), np.ones(1), "X holds non-numeric data"),
        (STRINGS, np.ones(2), "X holds non-numeric data"),
        (
            _long_frame([np.ones(2)], [0]).assign(c="z"),
            np.ones(1),
            r"X holds non-numeric data \(dtype object\)",
        ),
        (np.ones((1, 2, 1), dtype=complex), np.ones(1), "X holds complex numbers"),
        (
            [np.ones(2), np.ones(3, dtype=complex)],
            np.ones(2),
            "Sequence 1 of X holds complex numbers",
        ),
        ([np.ones(3), 5.0], np.ones(2), "X mixes single values and sequences"),
        ([[1.0, [2.0, 3.0]]], np.ones(1), "could not be read as an array"),
        (np.ones((2, 3, 1)), np.array(["a", "b"]), "dtype='numeric' is not"),
    ],
)
def test_sequences_bad_input(X, y, match):
    with pytest.raises(ValueError, match=match):
        check_sequences(Receiver(), X, y, reset=True)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (np.ones((2, 3, 1)), np.ones(2), "needs one target per time step"),
        (np.ones((2, 3, 1)), np.ones((3, 3)), "X holds 2 sequences but y has 3"),
        (
            np.ones((2, 3, 1)),
            np.ones((2, 4)),
            "Target sequence 0 of y has 4 time steps but sequence 0 of X has 3",
        ),
        (
            SEQS,
            [np.ones(3), np.ones(1), np.ones(3)],
            "Target sequence 2 of y has 3 time steps but sequence 2 of X has 2",
        ),
        (SEQS, Y_STEPS[:2], "X holds 3 sequences but y has 2"),
        (
            SEQS,
            [np.ones((3, 2)), np.ones((1, 2)), np.ones((2, 3))],
            r"Target sequence 2 of y has \(3,\) outputs per step",
        ),
        (
            SEQS,
            [np.ones(3), np.ones((1, 1)), np.ones(2)],
            "all of the same kind",
        ),
        (
            _long_frame(SEQS, [0, 1, 2]),
            _long_frame(Y_STEPS[::-1], [0, 1, 2])["a"],
            "Target sequence 0 of y has 2 time steps but sequence 0 of X has 3",
        ),
        (
            _long_frame(SEQS, ["p", "q", "r"]),
            _long_frame(Y_STEPS, ["p", "q", "s"])["a"],
            "The sequence ids of y differ from those of X",
        ),
        (
            SEQS,
            _long_frame(Y_STEPS[:2], [0, 1])["a"],
            "X holds 3 sequences but y has 2",
        ),
        (
            SEQS,
            [np.ones(3), np.array([np.nan]), np.ones(2)],
            "Input y contains NaN",
        ),
        (
            np.ones((1, 2, 1)),
            np.array([[1.0, np.inf]]),
            "Input y contains infinity",
        ),
    ],
)
def test_per_step_targets_bad_input(X, y, match):
    with pytest.raises(ValueError, match=match):
        check_sequences(Receiver(), X, y, reset=True, return_sequences=True)


def test_sequences_need_a_target_in_fit():
    with pytest.raises(ValueError, match="Receiver requires y to be passed"):
        check_sequences(Receiver(), SEQS, None, reset=True)


def test_long_frame_with_three_index_levels():
    index = pd.MultiIndex.from_tuples([("a", 0, "x"), ("a", 1, "x")])
    X = pd.DataFrame({"u": [1.0, 2.0]}, index=index)
    with pytest.raises(ValueError, match=r"exactly two levels, \(sequence_id, time\)"):
        check_sequences(Receiver(), X, np.ones(1), reset=True)


def test_long_frame_rows_out_of_time_order():
    frame = _long_frame(SEQS, ["p", "q", "r"]).iloc[[1, 0, 2, 3, 4, 5]]
    with pytest.raises(
        ValueError, match="rows of sequence 'p' are not in increasing time order"
    ):
        check_sequences(Receiver(), frame, Y_M2O, reset=True)


@pytest.mark.filterwarnings("ignore:X has feature names")
def test_features_per_step_must_match_fit():
    est = _fitted_sequences(np.ones((2, 3, 2)), np.ones(2))
    msg = "X has 3 features per time step, but Receiver is expecting 2"
    for X in (
        np.ones((2, 5, 3)),
        [np.ones((4, 3))],
        _long_frame([np.ones((2, 3))], [0], columns="abc"),
    ):
        with pytest.raises(ValueError, match=msg):
            check_sequences(est, X, reset=False)
    # any length is fine
    assert check_sequences(est, np.ones((1, 9, 2)), reset=False).X.shape == (9, 1, 2)


def test_two_dimensional_input_after_a_multi_feature_fit():
    est = _fitted_sequences(np.ones((2, 3, 2)), np.ones(2))
    msg = r"X is 2-D \(univariate sequences\), but Receiver was fitted on sequences "
    msg += "with 2 features per time step"
    for X in (np.ones((2, 3)), [np.ones(3), np.ones(3)]):
        with pytest.raises(ValueError, match=msg):
            check_sequences(est, X, reset=False)


def test_two_dimensional_columns_must_match_fit():
    est = _fitted_sequences(np.ones((2, 3)), np.ones(2))
    with pytest.raises(
        ValueError, match="X has 4 features, but Receiver is expecting 3"
    ):
        check_sequences(est, np.ones((2, 4)), reset=False)
    with pytest.raises(ValueError, match="is expecting 1 features"):
        check_sequences(est, np.ones((2, 4, 2)), reset=False)


def test_long_frame_columns_must_match_fit():
    frame = _long_frame(SEQS, [0, 1, 2])
    est = _fitted_sequences(frame, Y_M2O)
    check_sequences(est, frame, reset=False)
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        check_sequences(est, frame[["b", "a"]], reset=False)


def test_sequence_weights():
    batch = check_sequences(Receiver(), SEQS, Y_M2O, reset=True)
    assert_array_equal(check_sequence_weights(None, batch), [1.0, 1.0, 1.0])
    assert_array_equal(check_sequence_weights(2.0, batch), [2.0, 2.0, 2.0])
    sw = check_sequence_weights([1, 0, 3], batch)
    assert_array_equal(sw, [1.0, 0.0, 3.0]) and sw.dtype == np.float64
    f32 = check_sequences(Receiver(), FLOAT32_FORMS["3d"], np.ones(2), reset=True)
    assert check_sequence_weights([1, 2], f32).dtype == np.float32
    with pytest.raises(ValueError, match="sample_weight contains negative values"):
        check_sequence_weights([1.0, -1.0, 1.0], batch)
    with pytest.raises(
        ValueError, match=r"shape \(2,\); expected one weight per sequence, \(3,\)"
    ):
        check_sequence_weights([1.0, 1.0], batch)
    with pytest.raises(ValueError, match=r"shape \(3, 1\)"):
        check_sequence_weights(np.ones((3, 1)), batch)
    with pytest.raises(ValueError, match="Input sample_weight contains NaN"):
        check_sequence_weights([1.0, np.nan, 1.0], batch)


# --------------------------------------------------------------------------
# Errors the transformers and FIRRegressor get from the boundary
# --------------------------------------------------------------------------

x = np.arange(6.0)[:, None]


def test_fir_series_shorter_than_its_window():
    with pytest.raises(
        ValueError, match=r"X has 5 time steps .* delay=1 needs at least 6 to train"
    ):
        FIRRegressor(LinearRegression(), n_lags=4, delay=1).fit(x[:5], x[:5, 0])
    # exactly long enough: one row to train on
    FIRRegressor(LinearRegression(), n_lags=4, delay=1).fit(x, x[:, 0])
    panel = pd.DataFrame(
        {"u": np.arange(5.0)},
        index=pd.MultiIndex.from_tuples(
            [("a", 0), ("a", 1), ("b", 0), ("b", 1), ("b", 2)]
        ),
    )
    with pytest.raises(
        ValueError, match="the longest series of X has 3 time steps .* needs at least 4"
    ):
        FIRRegressor(LinearRegression(), n_lags=3).fit(panel, np.arange(5.0))


@pytest.mark.parametrize(
    "n_lags, match",
    [
        ([1, 2, 3], "n_lags has 3 entries but there are 2 columns"),
        ([1.5, 2.0], "n_lags must be an int or one int per column"),
        ([[1, 2]], "n_lags must be an int or one int per column"),
        ([1, -2], "n_lags must be >= 0"),
    ],
)
@pytest.mark.parametrize("make", [LagFeatures, FIRRegressor])
def test_lag_counts_per_column(make, n_lags, match):
    est = make(n_lags=n_lags) if make is FIRRegressor else make(n_lags)
    X2 = np.column_stack([np.arange(9.0), -np.arange(9.0)])
    with pytest.raises(ValueError, match=match):
        est.fit(X2, np.arange(9.0))


@pytest.mark.filterwarnings("ignore:X has feature names")
def test_series_estimators_reject_bad_series():
    fir = FIRRegressor(LinearRegression(), n_lags=1).fit(x, x[:, 0])
    with pytest.raises(ValueError, match="X has 6 time steps but y has 5"):
        FIRRegressor(LinearRegression(), n_lags=1).fit(x, x[:5, 0])
    with pytest.raises(ValueError, match="Input X contains infinity"):
        fir.predict(np.r_[x[:3], [[np.inf]]])
    with pytest.raises(ValueError, match="X holds non-numeric data"):
        fir.predict(np.array([["1.0"], ["a"]]))
    unsorted = pd.DataFrame(
        {"u": [1.0, 2.0]}, index=pd.MultiIndex.from_tuples([("a", 1), ("a", 0)])
    )
    for est in (fir, LagFeatures(1).fit(x), SlidingWindow(2).fit(x)):
        with pytest.raises(ValueError, match="not in increasing time order"):
            est.predict(unsorted) if est is fir else est.transform(unsorted)


def test_sliding_windows_bad_input():
    with pytest.raises(ValueError, match="Input X contains NaN"):
        sliding_windows(np.r_[x[:5], [[np.nan]]], x[:, 0], width=2)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        sliding_windows(x[:, 0], x[:, 0], width=2)
    with pytest.raises(ValueError, match="width=6 and horizon=1 need at least 7"):
        sliding_windows(x, x[:, 0], width=6)
    with pytest.raises(ValueError, match="horizon must be an int >= 0"):
        sliding_windows(x, x[:, 0], width=2, horizon=-1)


def test_string_sample_weight_is_named():
    batch = check_sequences(Receiver(), np.ones((3, 4, 1)), np.ones(3), reset=True)
    with pytest.raises(ValueError, match="sample_weight holds non-numeric"):
        check_sequence_weights(["a", "b", "c"], batch)
