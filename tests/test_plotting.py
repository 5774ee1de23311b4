"""Displays: what they draw, and a clear error without matplotlib."""

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import (
    FIRRegressor,
    NARXRegressor,
    ResidualDisplay,
    SimulationDisplay,
    fit_percent,
    residual_analysis,
)
from skrnn.datasets import make_arx_system, make_fir_system

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

X_ARX, Y_ARX = make_arx_system(400, noise=0.1, random_state=0)
X_FIR, Y_FIR = make_fir_system(300, n_inputs=2, noise=0.1, random_state=0)
NARX = NARXRegressor(LinearRegression(), n_lags=1).fit(X_ARX, Y_ARX)
FIR = FIRRegressor(LinearRegression(), n_lags=3).fit(X_FIR, Y_FIR)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------
# SimulationDisplay
# --------------------------------------------------------------------------


def test_simulation_display_draws_measured_and_simulated_with_fit_in_legend():
    display = SimulationDisplay.from_estimator(NARX, X_ARX, Y_ARX)
    fit = fit_percent(Y_ARX, NARX.predict(X_ARX))
    assert display.fit_ == pytest.approx(fit)
    assert len(display.ax_.get_lines()) == 2
    np.testing.assert_allclose(display.measured_line_.get_ydata(), Y_ARX)
    np.testing.assert_allclose(display.predicted_line_.get_ydata(), NARX.predict(X_ARX))
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert labels == ["measured", f"NARXRegressor, simulated (FIT {fit:.1f}%)"]
    assert display.figure_ is display.ax_.figure


def test_simulation_display_k_steps_ahead_and_on_given_axes():
    _, ax = plt.subplots()
    display = SimulationDisplay.from_estimator(
        NARX, X_ARX, Y_ARX, steps_ahead=3, ax=ax, name="ARX"
    )
    assert display.ax_ is ax
    y3 = NARX.predict(X_ARX, y=Y_ARX, steps_ahead=3)
    np.testing.assert_allclose(display.predicted_line_.get_ydata(), y3)
    assert display.predicted_line_.get_label().startswith("ARX, 3-step ahead (FIT")


def test_simulation_display_of_a_pipeline_names_its_last_step():
    pipe = make_pipeline(StandardScaler(), FIRRegressor(LinearRegression(), n_lags=3))
    display = SimulationDisplay.from_estimator(pipe.fit(X_FIR, Y_FIR), X_FIR, Y_FIR)
    assert display.predicted_line_.get_label().startswith("FIRRegressor, simulated")


def test_simulation_display_draws_on_a_pandas_time_index():
    times = pd.date_range("2024-01-01", periods=len(Y_ARX), freq="h")
    y = pd.Series(Y_ARX, index=times)
    display = SimulationDisplay.from_predictions(y, NARX.predict(X_ARX))
    assert len(display.measured_line_.get_xdata()) == len(times)
    assert display.ax_.get_xlabel() == "time"


def test_simulation_display_breaks_lines_between_series_of_a_panel():
    index = pd.MultiIndex.from_product([["a", "b"], range(200)])
    X = pd.DataFrame(X_ARX, index=index, columns=["u"])
    narx = NARXRegressor(LinearRegression(), n_lags=1).fit(X, Y_ARX)
    display = SimulationDisplay.from_estimator(narx, X, Y_ARX)
    y_drawn = display.measured_line_.get_ydata()
    assert len(y_drawn) == 401 and np.isnan(y_drawn[200])
    np.testing.assert_allclose(np.delete(y_drawn, 200), Y_ARX)
    with pytest.raises(ValueError, match="time is for a single series"):
        SimulationDisplay.from_predictions(
            pd.Series(Y_ARX, index=index), Y_ARX, time=np.arange(400)
        )


def test_simulation_display_picks_one_output():
    Y2 = np.c_[Y_FIR, -Y_FIR]
    display = SimulationDisplay.from_predictions(Y2, Y2 * 0.9, output=1)
    np.testing.assert_allclose(display.measured_line_.get_ydata(), -Y_FIR)
    assert display.fit_ == pytest.approx(fit_percent(-Y_FIR, -0.9 * Y_FIR))
    with pytest.raises(ValueError, match="output must be in"):
        SimulationDisplay.from_predictions(Y2, Y2, output=2)


# --------------------------------------------------------------------------
# ResidualDisplay
# --------------------------------------------------------------------------


def test_residual_display_draws_acf_and_one_ccf_per_input():
    display = ResidualDisplay.from_estimator(FIR, X_FIR, Y_FIR, max_lag=12)
    assert len(display.axes_) == 3 and len(display.stems_) == 3
    assert len(display.bands_) == 3
    assert len(display.stems_[0].stemlines.get_segments()) == 13  # lags 0..12
    for stems in display.stems_[1:]:
        assert len(stems.stemlines.get_segments()) == 25  # lags -12..12
    result = residual_analysis(FIR, X_FIR, Y_FIR, max_lag=12)
    np.testing.assert_allclose(
        display.stems_[2].markerline.get_ydata(), result.ccf.values[:, 1]
    )
    for band in display.bands_:  # shaded from -z/sqrt(N) to z/sqrt(N)
        assert band.get_y() == pytest.approx(-result.acf.band)
        assert band.get_height() == pytest.approx(2 * result.acf.band)
    assert display.axes_[1].get_title() == "x0 vs residual"
    assert display.figure_ is display.axes_[0].figure


def test_residual_display_without_inputs_draws_one_panel_on_given_axes():
    _, ax = plt.subplots()
    e = np.random.default_rng(0).normal(size=200)
    display = ResidualDisplay.from_predictions(e, np.zeros(200), max_lag=5, ax=ax)
    assert list(display.axes_) == [ax]
    assert len(display.stems_) == 1
    np.testing.assert_allclose(display.stems_[0].markerline.get_xdata(), range(6))


def test_residual_display_names_dataframe_inputs_and_checks_axes():
    X = pd.DataFrame(X_FIR, columns=["valve", "pump"])
    fir = FIRRegressor(LinearRegression(), n_lags=3).fit(X, Y_FIR)
    display = ResidualDisplay.from_estimator(fir, X, Y_FIR, max_lag=4)
    assert [a.get_title() for a in display.axes_[1:]] == [
        "valve vs residual",
        "pump vs residual",
    ]
    _, axes = plt.subplots(2)
    with pytest.raises(ValueError, match="ax holds 2 Axes but there are 3 panels"):
        ResidualDisplay.from_estimator(fir, X, Y_FIR, max_lag=4, ax=axes)


def test_display_from_a_stored_result_redraws():
    result = residual_analysis(NARX, X_ARX, Y_ARX, max_lag=6)
    display = ResidualDisplay(acf=result.acf, ccf=result.ccf).plot()
    assert len(display.stems_) == 2
    display.plot()  # drawing again gives a new figure
    assert len(plt.get_fignums()) == 2


# --------------------------------------------------------------------------
# without matplotlib
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "draw",
    [
        lambda: SimulationDisplay.from_estimator(NARX, X_ARX, Y_ARX),
        lambda: SimulationDisplay.from_predictions(Y_ARX, Y_ARX),
        lambda: ResidualDisplay.from_estimator(NARX, X_ARX, Y_ARX),
        lambda: ResidualDisplay.from_predictions(Y_ARX, Y_ARX),
    ],
)
def test_clear_import_error_without_matplotlib(monkeypatch, draw):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="requires matplotlib.*pip install"):
        draw()


def test_style_aliases_replace_the_defaults():
    y = np.sin(np.arange(50.0))
    disp = SimulationDisplay.from_predictions(
        y, y + 0.1, predicted_kwargs={"lw": 3.0, "c": "red"}
    )
    assert disp.predicted_line_.get_linewidth() == 3.0
    assert disp.predicted_line_.get_color() == "red"
