"""A time index must be regular, and future stamps must continue it.

DESIGN.md, "A series": a DatetimeIndex, a PeriodIndex or the time level of a
panel must be increasing and equally spaced within each series (gaps,
duplicates and disorder get an error saying where), and future inputs given
with stamps must continue the series at its frequency.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from skrnn import FIRRegressor, LagFeatures, NARXRegressor, SlidingWindow
from skrnn._data._time_index import check_regular
from skrnn.datasets import make_arx_system

X, Y = make_arx_system(200, noise=0.1, random_state=0)
HOURS = pd.date_range("2024-01-01", periods=200, freq="h")


def series_estimators():
    return [
        FIRRegressor(LinearRegression(), n_lags=2),
        NARXRegressor(LinearRegression(), n_lags=1),
        LagFeatures(2),
        SlidingWindow(3),
    ]


def fit(est, frame, y):
    if isinstance(est, (FIRRegressor, NARXRegressor)):
        return est.fit(frame, y)
    return est.fit(frame)


def frame_on(index, rows=None):
    rows = slice(None) if rows is None else rows
    return pd.DataFrame(X[rows], index=index, columns=["u"]), pd.Series(
        Y[rows], index=index, name="v"
    )


# --------------------------------------------------------------------------
# Silent case 1: an hourly series with 10 hours missing
# --------------------------------------------------------------------------


@pytest.mark.parametrize("est", series_estimators(), ids=lambda e: type(e).__name__)
def test_a_gap_of_ten_hours_is_refused_at_fit(est):
    gappy = HOURS.delete(range(30, 40))  # 05:00 on day 2 ... 15:00 missing
    frame, y = frame_on(gappy, slice(0, len(gappy)))
    with pytest.raises(ValueError) as info:
        fit(est, frame, y)
    msg = str(info.value)
    assert msg.startswith("X has a time index that is not equally spaced")
    assert "after 2024-01-02 05:00:00 (row 29) comes 2024-01-02 16:00:00" in msg
    assert "expect 2024-01-02 06:00:00 (10 missing time steps)" in msg
    assert "X.asfreq('h').interpolate()" in msg
    # filled as the message says, the series is accepted
    fit(est, frame.asfreq("h").interpolate(), y.asfreq("h").interpolate())


def test_a_gap_in_a_target_only_series_names_y():
    y = pd.Series(Y[:190], index=HOURS.delete(range(30, 40)))
    with pytest.raises(ValueError, match=r"^y has a time index .*\(row 29\)"):
        NARXRegressor(LinearRegression()).fit(None, y)


# --------------------------------------------------------------------------
# Silent case 2: X_future stamped three days after the end
# --------------------------------------------------------------------------


def test_x_future_three_days_after_the_end_is_refused():
    frame, y = frame_on(HOURS)
    model = NARXRegressor(LinearRegression(), n_lags=1).fit(frame[:100], y[:100])
    end = HOURS[99]  # 2024-01-05 03:00
    late = pd.date_range(end + pd.Timedelta(days=3), periods=48, freq="h")
    X_future = pd.DataFrame(np.zeros((48, 1)), index=late, columns=["u"])
    with pytest.raises(ValueError) as info:
        model.forecast(48, X_future=X_future)
    msg = str(info.value)
    assert "X_future starts at 2024-01-08 03:00:00" in msg
    assert "ends at 2024-01-05 03:00:00 with frequency 'h'" in msg
    assert "starting at 2024-01-05 04:00:00" in msg
    # the stamps that do continue it are accepted, and index the forecast
    on_time = X_future.set_axis(HOURS[100:148])
    y_next = model.forecast(48, X_future=on_time)
    assert y_next.index.equals(HOURS[100:148])
    # in the past: the message says so, and where it must start
    with pytest.raises(ValueError, match="not after the last time .* 04:00:00"):
        model.forecast(48, X_future=X_future.set_axis(HOURS[:48]))


def test_x_future_that_starts_right_but_goes_on_at_another_step():
    frame, y = frame_on(HOURS)
    model = NARXRegressor(LinearRegression(), n_lags=1).fit(frame[:100], y[:100])
    two = pd.DatetimeIndex([HOURS[100], HOURS[100] + pd.Timedelta(days=1)])
    with pytest.raises(ValueError, match=r"row 1 is 2024-01-06 04:00:00, expected "):
        model.forecast(2, X_future=frame[100:102].set_axis(two))


def test_update_must_continue_the_series():
    frame, y = frame_on(HOURS)
    model = NARXRegressor(LinearRegression(), n_lags=1).fit(frame[:100], y[:100])
    with pytest.raises(ValueError, match="X_new starts at 2024-01-05 10:00.*05 04:00"):
        model.update(frame[106:120], y[106:120])
    model.update(frame[100:120], y[100:120])
    assert model.forecast(3, frame[120:123]).index.equals(HOURS[120:123])


# --------------------------------------------------------------------------
# Duplicates, disorder, periods, business days, short indexes
# --------------------------------------------------------------------------


def test_duplicate_stamps_are_refused():
    index = HOURS[:50].insert(7, HOURS[7])
    frame, y = frame_on(index, slice(0, 51))
    with pytest.raises(
        ValueError,
        match=r"repeats a time stamp: 2024-01-01 07:00:00 is at rows 7 and 8.*"
        r"X\[~X.index.duplicated\(\)\]",
    ):
        FIRRegressor(LinearRegression()).fit(frame, y)


def test_unsorted_stamps_are_refused():
    index = HOURS[:50][np.r_[0:20, 21, 20, 22:50]]
    frame, y = frame_on(index, slice(0, 50))
    with pytest.raises(
        ValueError,
        match=r"not in increasing time order: 2024-01-01 20:00:00 \(row 21\) comes "
        r"after 2024-01-01 21:00:00 \(row 20\).*X.sort_index\(\)",
    ):
        LagFeatures(1).fit(frame)


def test_a_period_index_with_missing_periods_is_refused():
    months = pd.period_range("2020-01", periods=60, freq="M")
    y = pd.Series(Y[:58], index=months.delete([12, 13]))
    with pytest.raises(
        ValueError,
        match=r"after 2020-12 \(row 11\) comes 2021-03, where the frequency 'M' "
        r"expects 2021-01 \(2 missing periods\)",
    ):
        NARXRegressor(LinearRegression()).fit(None, y)
    model = NARXRegressor(LinearRegression()).fit(None, y.set_axis(months[:58]))
    with pytest.raises(ValueError, match="starting at 2024-11"):
        model.update(None, pd.Series([0.0], index=months[59:]))


@pytest.mark.parametrize(
    "index",
    [
        pd.DatetimeIndex(list(pd.bdate_range("2024-01-01", periods=40))),  # "B"
        pd.DatetimeIndex(list(pd.date_range("2020-01-31", periods=40, freq="ME"))),
        pd.period_range("2024-01-01", periods=40, freq="2D"),
        pd.DatetimeIndex(list(pd.date_range("2024-03-20", periods=40, tz="CET"))),
    ],
    ids=["business-days", "month-ends", "two-day-periods", "daily-across-DST"],
)
def test_regular_calendars_are_accepted(index):
    frame, y = frame_on(index, slice(0, 40))
    model = NARXRegressor(LinearRegression(), n_lags=1).fit(frame[:30], y[:30])
    assert model.forecast(10, frame[30:]).index.equals(index[30:])


def test_one_or_two_stamps_are_accepted_unless_out_of_order():
    for n in (1, 2):
        frame, _ = frame_on(HOURS[[0, 5][:n]], slice(0, n))
        assert LagFeatures(1).fit_transform(frame).shape == (n, 2)
    frame, _ = frame_on(HOURS[[5, 0]], slice(0, 2))
    with pytest.raises(ValueError, match="not in increasing time order"):
        LagFeatures(1).fit(frame)


def test_a_missing_stamp_is_refused():
    index = pd.DatetimeIndex(["2024-01-01", None, "2024-01-03"])
    with pytest.raises(ValueError, match=r"no time stamp \(NaT\) at row 1"):
        check_regular(index)


# --------------------------------------------------------------------------
# Panels: per series
# --------------------------------------------------------------------------


def panel(times_b):
    times_a = HOURS[:60]
    index = pd.MultiIndex.from_arrays(
        [["a"] * 60 + ["b"] * len(times_b), times_a.append(times_b)],
        names=["unit", "time"],
    )
    n = len(index)
    return pd.DataFrame(X[:n], index=index, columns=["u"]), pd.Series(
        Y[:n], index=index, name="v"
    )


@pytest.mark.parametrize("est", series_estimators(), ids=lambda e: type(e).__name__)
def test_a_gap_in_one_series_of_a_panel_names_it(est):
    frame, y = panel(HOURS[:60].delete([20, 21, 22]))
    with pytest.raises(
        ValueError,
        match=r"Series 'b' of X has a time level that is not equally spaced: after "
        r"2024-01-01 19:00:00 \(row 19\) comes 2024-01-01 23:00:00.*"
        r"\(3 missing time steps\)",
    ):
        fit(est, frame, y)


def test_duplicates_and_disorder_in_a_panel_name_the_series_and_stamps():
    frame, y = panel(HOURS[:60].insert(9, HOURS[9]))
    with pytest.raises(
        ValueError,
        match=r"rows of series 'b' are not in increasing time order; .*time "
        r"2024-01-01 09:00:00 appears twice",
    ):
        FIRRegressor(LinearRegression()).fit(frame, y)
    frame, y = panel(HOURS[:60][np.r_[0:9, 10, 9, 11:60]])
    with pytest.raises(
        ValueError,
        match=r"series 'b' .*time 2024-01-01 09:00:00 comes after 2024-01-01 10:00",
    ):
        FIRRegressor(LinearRegression()).fit(frame, y)


def test_panel_x_future_must_continue_each_series():
    frame, y = panel(HOURS[:60])
    model = NARXRegressor(LinearRegression(), n_lags=1).fit(frame, y)
    future = pd.DataFrame(
        np.zeros((8, 1)),
        index=pd.MultiIndex.from_arrays(
            [["a"] * 4 + ["b"] * 4, HOURS[60:64].append(HOURS[62:66])]
        ),
        columns=["u"],
    )
    with pytest.raises(
        ValueError,
        match=r"X_future \(series 'b'\) starts at 2024-01-03 14:00:00.*"
        r"starting at 2024-01-03 12:00:00",
    ):
        model.forecast(4, X_future=future)


# --------------------------------------------------------------------------
# Arrays and integer indexes: unchanged
# --------------------------------------------------------------------------


def test_arrays_and_integer_indexes_are_not_checked():
    model = NARXRegressor(LinearRegression(), n_lags=1).fit(X, Y)
    expected = model.predict(X)
    irregular = pd.Index(np.r_[np.arange(100), np.arange(150, 250)])
    for index in (pd.RangeIndex(200), irregular, pd.RangeIndex(200)[::-1]):
        frame, y = frame_on(index)
        refit = NARXRegressor(LinearRegression(), n_lags=1).fit(frame, y)
        np.testing.assert_allclose(refit.predict(frame), expected)
        assert LagFeatures(1).fit_transform(frame).shape == (200, 2)
    # integer stamps after the end are accepted whatever their step
    refit.forecast(2, pd.DataFrame(np.zeros((2, 1)), index=[900, 950], columns=["u"]))
