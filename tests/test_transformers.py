"""LagFeatures, SlidingWindow and sliding_windows: numbers, names, panels."""

import numpy as np
import pandas as pd
import pytest

from skrnn import LagFeatures, SlidingWindow, sliding_windows

x = np.arange(8.0)
X2 = np.column_stack([x, 10 * x])


def _panel(shuffle=False):
    """Two series with wildly different values, optionally interleaved rows."""
    idx = pd.MultiIndex.from_product([["a", "b"], range(4)], names=["id", "t"])
    df = pd.DataFrame({"u": np.r_[np.arange(4.0), 1000 + np.arange(4.0)]}, index=idx)
    if shuffle:
        df = df.iloc[[4, 0, 5, 1, 6, 2, 7, 3]]
    return df


def test_lag_features_values_and_order_with_delay():
    Z = LagFeatures(1, delay=2, padding="zero").fit_transform(X2)
    # columns: u_{t-2}, u_{t-3}, v_{t-2}, v_{t-3}
    np.testing.assert_array_equal(Z[5], [3.0, 2.0, 30.0, 20.0])
    np.testing.assert_array_equal(Z[0], [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(Z[2], [0.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(Z[3], [1.0, 0.0, 10.0, 0.0])


def test_lag_features_edge_padding_repeats_first_row():
    X = X2 + 5
    Z = LagFeatures(2).fit_transform(X)
    np.testing.assert_array_equal(Z[0], [5, 5, 5, 5, 5, 5])
    np.testing.assert_array_equal(Z[1], [6, 5, 5, 15, 5, 5])


def test_lag_features_one_count_per_column_and_names():
    df = pd.DataFrame(X2, columns=["u", "v"])
    lf = LagFeatures([2, 0], delay=1).fit(df)
    names = lf.get_feature_names_out()
    np.testing.assert_array_equal(names, ["u_lag1", "u_lag2", "u_lag3", "v_lag1"])
    Z = lf.transform(df)
    np.testing.assert_array_equal(Z[6], [5, 4, 3, 50])
    lf_np = LagFeatures(1).fit(X2)
    assert list(lf_np.get_feature_names_out()) == [
        "x0_lag0",
        "x0_lag1",
        "x1_lag0",
        "x1_lag1",
    ]


def test_lag_features_pandas_output_keeps_index_and_names():
    df = _panel(shuffle=True)
    lf = LagFeatures(1).set_output(transform="pandas")
    out = lf.fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["u_lag0", "u_lag1"]
    assert out.index.equals(df.index)
    assert out.loc[("b", 0)].tolist() == [1000.0, 1000.0]  # edge: no leak from "a"
    assert out.loc[("b", 2)].tolist() == [1002.0, 1001.0]


def test_lag_features_panel_never_crosses_series():
    df = _panel()
    Z = LagFeatures(3).fit_transform(df)
    a = LagFeatures(3).fit_transform(df.loc["a"])
    b = LagFeatures(3).fit_transform(df.loc["b"])
    np.testing.assert_array_equal(Z, np.vstack([a, b]))
    assert Z[4:].min() >= 1000  # the "b" rows never see "a"'s values
    Zs = LagFeatures(3).fit_transform(_panel(shuffle=True))
    np.testing.assert_array_equal(Zs, Z[[4, 0, 5, 1, 6, 2, 7, 3]])


def test_lag_features_rejects_wrong_count_of_lags():
    with pytest.raises(ValueError, match="n_lags has 3 entries but there are 2"):
        LagFeatures([1, 2, 3]).fit(X2)
    with pytest.raises(ValueError, match="n_lags"):
        LagFeatures(-1).fit(X2)


def test_sliding_window_rows_are_the_last_rows_oldest_first():
    W = SlidingWindow(3, padding="zero").fit_transform(X2)
    assert W.shape == (8, 3, 2)
    np.testing.assert_array_equal(W[4], X2[2:5])
    np.testing.assert_array_equal(W[1], [[0, 0], [0, 0], [1, 10]])


def test_sliding_window_panel_and_row_order():
    df = _panel(shuffle=True)
    W = SlidingWindow(2).fit_transform(df)
    # row 0 of the shuffled frame is ("b", 0): history is the edge of "b"
    np.testing.assert_array_equal(W[0, :, 0], [1000, 1000])
    np.testing.assert_array_equal(W[6, :, 0], [1002, 1003])  # ("b", 3)
    np.testing.assert_array_equal(W[7, :, 0], [2, 3])  # ("a", 3)


def test_sliding_windows_targets_horizon_and_stride():
    X_seq, y_seq = sliding_windows(X2, x, width=3, horizon=2, stride=2)
    # windows end at rows 2 and 4 (row 6 would need y[8])... and 5 is skipped
    np.testing.assert_array_equal(X_seq[:, :, 0], [[0, 1, 2], [2, 3, 4]])
    np.testing.assert_array_equal(y_seq, [4.0, 6.0])
    X_seq, y_seq = sliding_windows(X2, None, width=8, horizon=0)
    assert X_seq.shape == (1, 8, 2) and y_seq is None


def test_sliding_windows_panel_stays_inside_each_series():
    df = _panel()
    X_seq, y_seq = sliding_windows(df, df["u"], width=2, horizon=1)
    np.testing.assert_array_equal(
        X_seq[:, :, 0], [[0, 1], [1, 2], [1000, 1001], [1001, 1002]]
    )
    np.testing.assert_array_equal(y_seq, [2, 3, 1002, 1003])


def test_sliding_windows_errors():
    with pytest.raises(ValueError, match="width=9 and horizon=1 need at least 10"):
        sliding_windows(X2, x, width=9)
    with pytest.raises(ValueError, match="stride must be an int >= 1"):
        sliding_windows(X2, x, width=2, stride=0)
    with pytest.raises(ValueError, match="X has 8 time steps but y has 7"):
        sliding_windows(X2, x[:7], width=2)


def test_sliding_windows_without_targets_reach_the_last_row():
    X_seq, y_seq = sliding_windows(X2, None, width=3, horizon=5)
    assert y_seq is None and X_seq.shape == (6, 3, 2)
    np.testing.assert_array_equal(X_seq[-1], X2[-3:])
