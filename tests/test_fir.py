"""FIRRegressor: known filters recovered, padding, delay, panels, outputs."""

import numpy as np
import pandas as pd
import pytest
from scipy.signal import lfilter
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score

from skrnn import FIRRegressor
from skrnn.datasets import make_fir_system

rng = np.random.default_rng(42)
x = rng.normal(size=600)
TAPS = np.array([0.5, 0.3, -0.2, 0.1, 0.05])
y = lfilter(TAPS, [1.0], x)


class RecordingRegressor(RegressorMixin, BaseEstimator):
    """Remembers the matrix it was fitted on; predicts its first column."""

    def fit(self, X, y):
        self.X_fit_ = np.array(X)
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0]


def test_recovers_lfilter_taps():
    fir = FIRRegressor(Ridge(alpha=1e-8), n_lags=4).fit(x[:, None], y)
    np.testing.assert_allclose(fir.estimator_.coef_, TAPS, atol=1e-3)
    assert abs(fir.estimator_.intercept_) < 1e-3
    # exact but for the first rows, whose history is padding
    np.testing.assert_allclose(fir.predict(x[:, None])[4:], y[4:], atol=1e-6)


def test_recovers_taps_of_several_inputs_with_own_lag_counts():
    X, target, taps = make_fir_system(
        800, n_inputs=2, taps=[0.5, 0.3, -0.2, 0.1], random_state=0, return_taps=True
    )
    fir = FIRRegressor(Ridge(alpha=1e-8), n_lags=[3, 5]).fit(X, target)
    coef = fir.estimator_.coef_
    np.testing.assert_allclose(coef[:4], taps[:, 0], atol=1e-3)
    np.testing.assert_allclose(coef[4:8], taps[:, 1], atol=1e-3)
    np.testing.assert_allclose(coef[8:], 0.0, atol=1e-3)  # lags 4, 5 of input 1


def test_fit_skips_rows_whose_window_reaches_before_the_start():
    fir = FIRRegressor(RecordingRegressor(), n_lags=3, delay=2).fit(x[:, None], y)
    Z = fir.estimator_.X_fit_
    assert Z.shape == (600 - 5, 4)
    np.testing.assert_array_equal(Z[0], x[[3, 2, 1, 0]])


def test_delay_is_dead_time():
    target = np.r_[0.0, 0.0, 0.0, 2 * x[:-3]]  # y_t = 2 x_{t-3}
    fir = FIRRegressor(LinearRegression(), n_lags=0, delay=3).fit(x[:, None], target)
    np.testing.assert_allclose(fir.estimator_.coef_, [2.0], atol=1e-10)
    no_delay = FIRRegressor(LinearRegression(), n_lags=0).fit(x[:, None], target)
    assert no_delay.score(x[:, None], target) < 0.1


@pytest.mark.parametrize(
    "padding, first_row", [("edge", [3.0, 3.0, 3.0]), ("zero", [3.0, 0.0, 0.0])]
)
def test_padding_fills_the_history_of_predict(padding, first_row):
    fir = FIRRegressor(RecordingRegressor(), n_lags=2, padding=padding)
    fir.fit(x[:, None], y)
    fir.estimator_.predict = lambda Z: Z  # expose the lag rows predict builds
    Z = fir.predict(np.array([[3.0], [4.0], [5.0]]))
    np.testing.assert_array_equal(Z[0], first_row)
    np.testing.assert_array_equal(Z[2], [5.0, 4.0, 3.0])


def test_multi_output_targets_come_back_two_dimensional():
    Y = np.column_stack([y, lfilter([1.0, -1.0], [1.0], x)])
    fir = FIRRegressor(LinearRegression(), n_lags=4).fit(x[:, None], Y)
    pred = fir.predict(x[:, None])
    assert pred.shape == (600, 2)
    np.testing.assert_allclose(pred[10:], Y[10:], atol=1e-8)
    assert FIRRegressor(LinearRegression()).fit(x[:, None], y).predict(
        x[:5, None]
    ).shape == (5,)


def _wild_panel():
    """Three series on wildly different scales, rows interleaved."""
    frames = []
    for sid, (scale, offset) in zip(
        "abc", [(1, 0), (100, 1e4), (0.01, -50)], strict=True
    ):
        u = rng.normal(size=200)
        out = scale * lfilter(TAPS, [1.0], u) + offset
        idx = pd.MultiIndex.from_product([[sid], range(200)], names=["id", "t"])
        frames.append(pd.DataFrame({"u": scale * u, "y": out}, index=idx))
    panel = pd.concat(frames)
    # series interleaved (c0, a0, b0, c1, ...), each still in time order
    return panel.sort_index(level=["t", "id"], ascending=[True, False])


def test_panel_windows_never_cross_series():
    panel = _wild_panel()
    fir = FIRRegressor(RecordingRegressor(), n_lags=4).fit(panel[["u"]], panel["y"])
    fir.estimator_.predict = lambda Z: Z
    Z = fir.predict(panel[["u"]])
    for sid in "abc":
        rows = (panel.index.get_level_values("id") == sid).nonzero()[0]
        alone = fir.predict(panel.loc[[sid], ["u"]].sort_index())
        order = np.argsort(panel.index.get_level_values("t")[rows])
        np.testing.assert_array_equal(Z[rows][order], alone)
    # fit trained on 3 x (200 - 4) rows, none of them mixing two series
    assert fir.estimator_.X_fit_.shape == (3 * 196, 5)


def test_panel_predictions_match_each_series_alone():
    panel = _wild_panel()
    fir = FIRRegressor(LinearRegression(), n_lags=4).fit(panel[["u"]], panel["y"])
    pred = fir.predict(panel[["u"]])
    for sid in "abc":
        mask = panel.index.get_level_values("id") == sid
        one = panel[mask].sort_index()
        np.testing.assert_allclose(
            pd.Series(pred[mask], index=panel.index[mask]).sort_index().to_numpy(),
            fir.predict(one[["u"]]),
        )


def test_default_network_learns_a_nonlinear_fir_system():
    u = rng.uniform(-2, 2, size=1500)
    target = np.tanh(u) + 0.3 * np.r_[0.0, u[:-1]] ** 2
    fir = FIRRegressor(n_lags=2, random_state=0).fit(u[:1000, None], target[:1000])
    assert fir.score(u[1000:, None], target[1000:]) > 0.95  # the system is exact


def test_clone_and_estimator_untouched():
    base = Ridge(alpha=3.0)
    fir = FIRRegressor(base, n_lags=2).fit(x[:, None], y)
    assert fir.estimator_ is not base and not hasattr(base, "coef_")
    assert clone(fir).get_params()["estimator"].alpha == 3.0


def test_works_in_cross_validation_and_grid_search():
    X = x[:, None]
    scores = cross_val_score(
        FIRRegressor(Ridge(alpha=1e-6)), X, y, cv=TimeSeriesSplit(3)
    )
    assert scores.min() > 0.99  # n_lags=4 holds all five taps
    search = GridSearchCV(
        FIRRegressor(Ridge(alpha=1e-6)), {"n_lags": [1, 2, 4]}, cv=TimeSeriesSplit(3)
    ).fit(X, y)
    assert search.best_params_ == {"n_lags": 4}


def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match=r"n_samples=3\), but n_lags=4"):
        FIRRegressor(LinearRegression()).fit(x[:3, None], y[:3])
    with pytest.raises(ValueError, match="X has 600 time steps but y has 599"):
        FIRRegressor().fit(x[:, None], y[:-1])
    with pytest.raises(ValueError, match="n_lags has 2 entries but there are 1"):
        FIRRegressor(n_lags=[1, 2]).fit(x[:, None], y)
    with pytest.raises(ValueError, match="NaN"):
        FIRRegressor().fit(np.r_[np.nan, x[1:]][:, None], y)
    fir = FIRRegressor(LinearRegression(), n_lags=1).fit(x[:, None], y)
    with pytest.raises(ValueError, match="X has 2 features"):
        fir.predict(np.ones((5, 2)))
