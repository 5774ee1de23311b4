"""The series models on data as it comes: internal scaling, the default network.

skrnn._series._scaling (standardised lags and outputs, mapped back),
skrnn._series._default (the linear model plus a network on its residual)
and skrnn._series._shooting (where closed-loop training simulates).
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score

from skrnn import FIRRegressor, NARXRegressor
from skrnn._series._default import LinearPlusNetwork
from skrnn._series._scaling import fit_scaling, lag_columns
from skrnn._series._shooting import split_rows, subsequences
from skrnn.datasets import (
    make_arx_system,
    make_fir_system,
    make_narx_system,
    make_silverbox,
)

X_NL, Y_NL = make_narx_system(600, random_state=0)
X_NL_TEST, Y_NL_TEST = make_narx_system(400, random_state=1)


def _affine(X, y):
    """The same data in other units: x in mV from V and shifted, y likewise."""
    return 1000.0 * X - 300.0, 1000.0 * y + 5000.0


@pytest.mark.parametrize(
    "model",
    [
        FIRRegressor(random_state=0),
        NARXRegressor(random_state=0),
        NARXRegressor(random_state=0, training="closed_loop", closed_loop_max_iter=15),
        NARXRegressor(Ridge(), scale=True),
    ],
    ids=["FIR", "NARX", "NARX closed loop", "NARX Ridge scale=True"],
)
def test_the_units_of_the_data_do_not_change_what_is_learned(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        raw = model.fit(X_NL, Y_NL).score(X_NL_TEST, Y_NL_TEST)
        X, y = _affine(X_NL, Y_NL)
        X_test, y_test = _affine(X_NL_TEST, Y_NL_TEST)
        scaled = model.fit(X, y).score(X_test, y_test)
    assert abs(raw - scaled) < 1e-6


def test_a_given_estimator_is_used_as_given_unless_asked():
    X, y = _affine(X_NL, Y_NL)
    given = NARXRegressor(Ridge(alpha=1e3)).fit(X, y)
    asked = NARXRegressor(Ridge(alpha=1e3), scale=True).fit(X, y)
    assert not given.scaled_ and asked.scaled_ and NARXRegressor().fit(X, y).scaled_
    # Ridge's penalty means something else on raw lags than on standardised
    assert not np.allclose(given.predict(X), asked.predict(X))


def test_scaling_statistics_cover_every_series_and_map_back():
    scaling = fit_scaling(
        np.array([[0.0], [2.0], [4.0]]), np.array([[1.0], [1.0], [4.0]])
    )
    assert scaling.x_mean[0] == 2.0 and scaling.x_scale[0] == pytest.approx(
        1.63299, 1e-5
    )
    Y = np.array([[7.0], [-3.0]])
    np.testing.assert_allclose(scaling.unscale(scaling.outputs(Y)), Y, rtol=1e-15)
    constant = fit_scaling(np.ones((4, 1)), np.ones((4, 1)))
    assert constant.x_scale[0] == 1.0 and constant.y_scale[0] == 1.0  # centred only
    np.testing.assert_array_equal(lag_columns([2, 0, 1]), [0, 0, 0, 1, 2, 2])


def test_default_on_a_linear_system_is_the_linear_model():
    """ARX data with noise: the network has nothing to add and is dropped."""
    X, y = make_arx_system(2000, noise=0.5, random_state=0)
    X_test, y_test = make_arx_system(1000, random_state=1)
    default = NARXRegressor(n_lags=1, random_state=0).fit(X, y)
    linear = NARXRegressor(LinearRegression(), n_lags=1).fit(X, y)
    assert default.estimator_.network_ is None
    np.testing.assert_allclose(
        default.predict(X_test), linear.predict(X_test), rtol=1e-9, atol=1e-9
    )
    fir_X, fir_y = make_fir_system(2000, noise=0.5, random_state=0)
    fir = FIRRegressor(random_state=0).fit(fir_X, fir_y)
    fir_linear = FIRRegressor(LinearRegression()).fit(fir_X, fir_y)
    assert fir.estimator_.network_ is None
    np.testing.assert_allclose(
        fir.predict(fir_X), fir_linear.predict(fir_X), rtol=1e-9, atol=1e-9
    )


def test_default_on_a_nonlinear_system_beats_the_linear_model():
    """The Silverbox simulator: a hardening spring the linear model cannot
    represent. Measured: linear ARX free-run R^2 0.985 on new multisine data,
    the default network 0.997-0.998 (seeds 0-2), its network kept.
    """
    X, y = make_silverbox(4096, random_state=0)
    X_test, y_test = make_silverbox(2048, random_state=1)
    lags = dict(n_lags=4, n_output_lags=4)
    default = NARXRegressor(**lags, random_state=0).fit(X, y)
    linear = NARXRegressor(LinearRegression(), **lags).fit(X, y)
    assert default.estimator_.network_ is not None
    r2_default = r2_score(y_test, default.predict(X_test))
    r2_linear = r2_score(y_test, linear.predict(X_test))
    assert 1 - r2_default < 0.5 * (1 - r2_linear)


def test_the_network_is_judged_on_held_out_blocks_spread_over_the_series():
    train, held = split_rows([0, 500, 900], 5, 0.2)
    assert len(held) == 8  # four per series
    assert held[3][1] == 500 and held[7][1] == 900  # each series' end among them
    assert held[0][0] > 5 + 50  # ... and blocks inside the series
    rows = np.concatenate([np.arange(a, b) for a, b in train + held])
    np.testing.assert_array_equal(np.sort(rows), np.r_[5:500, 505:900])
    # too few rows to hold out: everything trains
    assert split_rows([0, 30], 2, 0.2) == ([(2, 30)], [])


def test_subsequences_overlap_by_half_and_cover_the_ranges():
    parts = subsequences([(10, 260), (300, 340)], 100)
    assert parts[0] == (10, 110) and parts[1] == (60, 160)
    assert parts[-2][1] == 260 and parts[-1] == (300, 340)
    covered = set().union(*[range(a, b) for a, b in parts])
    assert covered == set(range(10, 260)) | set(range(300, 340))


def test_closed_loop_improves_the_default_on_a_short_record():
    """1,000 rows of a nonlinear system with output noise: the closed loop,
    trained on subsequences and judged on held-out blocks, must not fall
    back to the open-loop fit (it did, judged on one short tail)."""
    X, y = make_narx_system(1000, noise=0.3, noise_type="colored", random_state=0)
    X_test, _, s_test = make_narx_system(1000, random_state=5, return_noise_free=True)
    opened = NARXRegressor(random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        closed = NARXRegressor(random_state=0, training="closed_loop").fit(X, y)
    r2_open = r2_score(s_test, opened.predict(X_test))
    r2_closed = r2_score(s_test, closed.predict(X_test))
    assert closed.closed_loop_n_iter_ > 1
    assert r2_closed > r2_open


def test_linear_plus_network_reads_as_one_network_with_a_skip():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(300, 3))
    y = Z @ [1.0, -1.0, 0.5] + np.tanh(2 * Z[:, 0])
    model = LinearPlusNetwork(random_state=0, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(Z, y)
    weights, activation, skip = model.layers()
    h = np.tanh(Z @ weights[0][0] + weights[0][1])
    by_hand = (h @ weights[1][0] + weights[1][1] + Z @ skip)[:, 0]
    np.testing.assert_allclose(by_hand, model.predict(Z), rtol=1e-12, atol=1e-12)
    model.set_layers(weights, skip)  # a round trip changes nothing
    np.testing.assert_allclose(model.predict(Z), by_hand, rtol=1e-12, atol=1e-12)
