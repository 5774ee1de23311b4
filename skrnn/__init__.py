"""skrnn: recurrent models for time series as scikit-learn estimators."""

__version__ = "0.1.0.dev0"

from . import datasets as datasets  # submodule, not in __all__
from ._fir import FIRRegressor
from ._transformers import LagFeatures, SlidingWindow, sliding_windows

__all__ = [
    "FIRRegressor",
    "LagFeatures",
    "SlidingWindow",
    "sliding_windows",
]
