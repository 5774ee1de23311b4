"""skrnn: recurrent models for time series as scikit-learn estimators."""

__version__ = "0.1.0.dev0"

from . import datasets as datasets  # submodule, not in __all__
from ._diagnostics._backtest import BacktestDisplay, backtest, make_forecast_scorer
from ._diagnostics._displays import ResidualDisplay, SimulationDisplay
from ._diagnostics._metrics import fit_percent, nrmse
from ._diagnostics._residuals import (
    Correlation,
    ResidualAnalysis,
    residual_analysis,
    residual_correlation,
)
from ._diagnostics._scorers import make_k_step_scorer, make_simulation_scorer
from ._rnn._classifier import RNNClassifier
from ._rnn._regressor import RNNRegressor
from ._rnn._scaler import SequenceScaler
from ._rnn._seq2seq import Seq2SeqRegressor
from ._rnn._state_space import StateSpaceRegressor
from ._series._conformal import ConformalForecaster
from ._series._fir import FIRRegressor
from ._series._narx import NARXRegressor
from ._series._transformers import LagFeatures, SlidingWindow, sliding_windows

__all__ = [
    "ConformalForecaster",
    "FIRRegressor",
    "LagFeatures",
    "NARXRegressor",
    "RNNClassifier",
    "RNNRegressor",
    "Seq2SeqRegressor",
    "SequenceScaler",
    "SlidingWindow",
    "StateSpaceRegressor",
    "sliding_windows",
    # diagnostics
    "BacktestDisplay",
    "Correlation",
    "ResidualAnalysis",
    "ResidualDisplay",
    "SimulationDisplay",
    "backtest",
    "fit_percent",
    "make_forecast_scorer",
    "make_k_step_scorer",
    "make_simulation_scorer",
    "nrmse",
    "residual_analysis",
    "residual_correlation",
]
