"""SeriesTail: the end of each series, passed in and returned, never changed."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from skrnn._data import SeriesData
from skrnn._data._future import forecast_index
from skrnn._series._tail import absorb, continue_inputs, empty_tail

Y_START = np.array([[-1.0, -2.0], [-3.0, -4.0], [-5.0, -6.0]])  # M = 3, 2 outputs


def series(X, y=None, *, ids=None, lengths=None, times=None):
    """SeriesData of grouped rows (one series unless ``lengths`` is given)."""
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    lengths = [len(X)] if lengths is None else lengths
    return SeriesData(
        X=X,
        y=None if y is None else np.asarray(y, dtype=float).reshape(len(X), -1),
        starts=np.r_[0, np.cumsum(lengths)].astype(np.int64),
        ids=ids,
        time_index=times,
    )


def rows(start, n, n_columns=2):
    """Rows whose value is their number: row r is [r, r, ...]."""
    return np.repeat(np.arange(start, start + n, dtype=float)[:, None], n_columns, 1)


def test_absorb_keeps_the_last_inputs_and_outputs_of_one_series():
    tail = absorb(empty_tail(False, 4, Y_START), series(rows(0, 10, 1), rows(0, 10)))
    assert tail.ids is None and tail.n_series == 1
    np.testing.assert_array_equal(tail.x[0][:, 0], [6, 7, 8, 9])
    np.testing.assert_array_equal(tail.y[0], rows(7, 3))
    assert tail.outputs.shape == (1, 3, 2)
    assert tail.time == (None,)


def test_a_short_series_keeps_the_start_values_before_its_first_row():
    tail = absorb(empty_tail(False, 4, Y_START), series(rows(0, 2, 1), rows(0, 2)))
    np.testing.assert_array_equal(tail.x[0][:, 0], [0, 1])  # all it has
    np.testing.assert_array_equal(tail.y[0], np.r_[Y_START[2:], rows(0, 2)])


def test_absorb_returns_a_new_tail_and_leaves_the_old_one_as_it_was():
    first = absorb(empty_tail(False, 2, Y_START), series(rows(0, 5, 1), rows(0, 5)))
    x, y = first.x[0].copy(), first.y[0].copy()
    second = absorb(first, series(rows(5, 3, 1), rows(5, 3)))
    assert second is not first
    np.testing.assert_array_equal(first.x[0], x)
    np.testing.assert_array_equal(first.y[0], y)
    np.testing.assert_array_equal(second.x[0][:, 0], [6, 7])
    np.testing.assert_array_equal(second.y[0], rows(5, 3))


def test_a_tail_cannot_be_changed_in_place():
    tail = absorb(
        empty_tail(True, 2, Y_START), series(rows(0, 5, 1), rows(0, 5), ids=["a"])
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        tail.ids = ("b",)
    for arr in (tail.x[0], tail.y[0], tail.y_start):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 99.0


def test_the_start_values_are_the_tails_own():
    y_start = Y_START.copy()
    tail = empty_tail(False, 2, y_start)
    y_start[:] = 0.0
    np.testing.assert_array_equal(tail.y_start, Y_START)


def test_a_panel_adds_new_ids_in_the_order_first_seen():
    data = series(rows(0, 5, 1), rows(0, 5), ids=["b", "a"], lengths=[2, 3])
    tail = absorb(empty_tail(True, 2, Y_START), data)
    assert tail.ids == ("b", "a")
    np.testing.assert_array_equal(tail.x[0][:, 0], [0, 1])
    np.testing.assert_array_equal(tail.x[1][:, 0], [3, 4])
    more = series(rows(10, 4, 1), rows(10, 4), ids=["c", "b"], lengths=[1, 3])
    tail = absorb(tail, more)
    assert tail.ids == ("b", "a", "c")
    np.testing.assert_array_equal(tail.x[0][:, 0], [12, 13])  # b continued
    np.testing.assert_array_equal(tail.x[1][:, 0], [3, 4])  # a untouched
    np.testing.assert_array_equal(tail.y[2], np.r_[Y_START[1:], rows(10, 1)])


def test_the_time_index_goes_on_with_the_series():
    days = pd.date_range("2024-01-01", periods=5, freq="D")
    tail = absorb(
        empty_tail(False, 1, Y_START),
        series(rows(0, 5, 1), rows(0, 5), times=[days]),
    )
    assert tail.time[0][1] == days[-1]
    tail = absorb(tail, series(rows(5, 2, 1), rows(5, 2)))  # no index: 2 more days
    assert tail.time[0][1] == pd.Timestamp("2024-01-07")
    with pytest.raises(ValueError, match="X_new starts at 2024-01-03.*continue"):
        absorb(tail, series(rows(0, 2, 1), rows(0, 2), times=[days[2:4]]), "X_new")


@pytest.mark.parametrize(
    "panel, ids, match",
    [
        (True, None, "NARX was fitted on a panel; update it with a DataFrame"),
        (False, ["a"], "NARX was fitted on one series; update it with one series"),
    ],
)
def test_absorb_refuses_a_panel_for_one_series_and_back(panel, ids, match):
    with pytest.raises(ValueError, match=match):
        absorb(
            empty_tail(panel, 1, Y_START),
            series(rows(0, 3, 1), rows(0, 3), ids=ids),
            owner="NARX",
        )


def test_continue_inputs_puts_each_series_tail_before_its_future_rows():
    seen = series(rows(0, 5, 1), rows(0, 5), ids=["a", "b"], lengths=[2, 3])
    tail = absorb(empty_tail(True, 2, Y_START), seen)
    future = series(rows(100, 4, 1), ids=["b", "a"], lengths=[2, 2])  # any order
    X, starts, new, times = continue_inputs(tail, future, 2)
    np.testing.assert_array_equal(X[:, 0], [0, 1, 102, 103, 3, 4, 100, 101])
    np.testing.assert_array_equal(starts, [0, 4, 8])
    np.testing.assert_array_equal(new, [2, 3, 6, 7])
    assert times is None


@pytest.mark.parametrize(
    "panel, ids, lengths, match",
    [
        (False, ["a"], [2], "NARX was fitted on one series; X_future must be one"),
        (True, None, [4], "NARX was fitted on a panel of 2 series; X_future must"),
        (True, ["a", "c"], [2, 2], r"missing \['b'\], unknown \['c'\]"),
        (True, ["a", "b"], [2, 3], "X_future has 3 rows for a series, but n_steps=2"),
        (False, None, [3], "X_future has 3 rows, but n_steps=2"),
    ],
)
def test_continue_inputs_needs_n_steps_rows_of_every_series(panel, ids, lengths, match):
    seen_ids = ["a", "b"] if panel else None
    seen = series(
        rows(0, 4, 1), rows(0, 4), ids=seen_ids, lengths=[2, 2] if panel else None
    )
    tail = absorb(empty_tail(panel, 1, Y_START), seen)
    future = series(rows(0, sum(lengths), 1), ids=ids, lengths=lengths)
    with pytest.raises(ValueError, match=match):
        continue_inputs(tail, future, 2, owner="NARX")


def test_forecast_index_continues_each_series_or_counts_steps():
    hours = [pd.date_range("2024-01-01", periods=3, freq="h")] * 2
    seen = series(
        rows(0, 6, 1), rows(0, 6), ids=["a", "b"], lengths=[3, 3], times=hours
    )
    tail = absorb(empty_tail(True, 1, Y_START), seen)
    index = forecast_index(tail, 2, names=["unit", "time"])
    assert index.names == ["unit", "time"]
    assert list(index) == [
        ("a", pd.Timestamp("2024-01-01 03:00")),
        ("a", pd.Timestamp("2024-01-01 04:00")),
        ("b", pd.Timestamp("2024-01-01 03:00")),
        ("b", pd.Timestamp("2024-01-01 04:00")),
    ]
    # without a known continuation: a step level 1 ... n_steps
    plain = absorb(
        empty_tail(True, 1, Y_START), series(rows(0, 2, 1), rows(0, 2), ids=["a"])
    )
    index = forecast_index(plain, 3)
    assert list(index) == [("a", 1), ("a", 2), ("a", 3)]
    assert index.names == [None, "step"]


def test_forecast_index_of_one_series_without_dates_is_none():
    tail = absorb(empty_tail(False, 1, Y_START), series(rows(0, 4, 1), rows(0, 4)))
    assert forecast_index(tail, 3) is None
