"""Scorers that judge a series model the way system identification does.

:func:`make_simulation_scorer` scores the free-run simulation,
:func:`make_k_step_scorer` the predictions k steps ahead; the prediction
helpers here run a fitted model (or a Pipeline ending in one) in the chosen
mode, for the scorers, the residual tests and the displays.
"""

import inspect

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score

from .._data._params import COUNT, count_from
from .._data._sklearn_compat import StrOptions, validate_params
from ._metrics import fit_percent, nrmse

__all__ = ["make_k_step_scorer", "make_simulation_scorer"]


# --------------------------------------------------------------------------
# predictions of a series model in a chosen mode
# --------------------------------------------------------------------------


def _final_step(estimator):
    while hasattr(estimator, "steps"):  # a Pipeline: its last step predicts
        estimator = estimator.steps[-1][1]
    return estimator


def _has_steps_ahead(estimator):
    try:
        params = inspect.signature(_final_step(estimator).predict).parameters
    except (AttributeError, TypeError, ValueError):
        return False
    return "steps_ahead" in params


def _predict(estimator, X, y, steps_ahead):
    """Free run (``steps_ahead=None``) or k-step-ahead predictions.

    A model without ``steps_ahead`` in its ``predict`` (FIR, any static
    regressor) has no output feedback: its k-step prediction is ``predict``.
    """
    if steps_ahead is None:
        if X is None:
            raise ValueError(
                "X is None: a free-run simulation needs the inputs that drive "
                "it. Judge a model without inputs k steps ahead (steps_ahead=k) "
                "or with forecast(n_steps)."
            )
        return estimator.predict(X)
    if _has_steps_ahead(estimator):
        return estimator.predict(X, y=y, steps_ahead=steps_ahead)
    return estimator.predict(X)


def _positions(X, y, n):
    """Position of every row (input order) within its own series."""
    for source in (X, y):
        if isinstance(source, (pd.DataFrame, pd.Series)) and isinstance(
            source.index, pd.MultiIndex
        ):
            codes = pd.factorize(source.index.get_level_values(0), sort=False)[0]
            return pd.Series(codes).groupby(codes).cumcount().to_numpy()
    return np.arange(n)


# --------------------------------------------------------------------------
# scorers
# --------------------------------------------------------------------------

# metric -> (function, sign): the scorer returns sign * metric, so that
# greater is always better (the NRMSE scorer returns -NRMSE)
_METRICS = {
    "r2": (r2_score, 1.0),
    "nrmse": (nrmse, -1.0),
    "fit": (fit_percent, 1.0),
}


class _SeriesScorer:
    """A scorer callable ``scorer(estimator, X, y, sample_weight=None)``."""

    def __init__(self, metric, steps_ahead, warmup):
        self.metric = metric
        self.steps_ahead = steps_ahead
        self.warmup = warmup

    def __call__(self, estimator, X, y, sample_weight=None):
        y_pred = np.asarray(_predict(estimator, X, y, self.steps_ahead))
        y_true = np.asarray(y)
        keep = _positions(X, y, len(y_true)) >= self.warmup
        if not keep.any():
            raise ValueError(
                f"warmup={self.warmup} leaves no time step to score: every "
                "series is that short or shorter."
            )
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[keep]
        func, sign = _METRICS[self.metric]
        score = func(y_true[keep], y_pred[keep], sample_weight=sample_weight)
        return sign * float(score)

    def __repr__(self):
        extra = f", warmup={self.warmup}" if self.warmup else ""
        if self.steps_ahead is None:
            return f"make_simulation_scorer(metric={self.metric!r}{extra})"
        return f"make_k_step_scorer({self.steps_ahead}, metric={self.metric!r}{extra})"


@validate_params(
    {"metric": [StrOptions(set(_METRICS))], "warmup": [count_from(0)]},
    prefer_skip_nested_validation=True,
)
def make_simulation_scorer(metric="r2", *, warmup=0):
    """A scorer that judges a series model by its free-run simulation.

    Parameters
    ----------
    metric : {"r2", "nrmse", "fit"}, default="r2"
        R², NRMSE (:func:`nrmse`, the scorer returns ``-nrmse`` so that
        greater is better, as scikit-learn's ``neg_*`` scorers do) or FIT%
        (:func:`fit_percent`).
    warmup : int, default=0
        Leading time steps of each series left out of the score: the
        transient of an initial state the model cannot know.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None)``, for ``scoring=`` in
        ``GridSearchCV``, ``cross_val_score`` and friends.

    See Also
    --------
    make_k_step_scorer : Judge by k-step-ahead prediction instead.
    SimulationDisplay : Plot the simulation against the measurements.

    Notes
    -----
    The free run is ``estimator.predict(X)``: for ``NARXRegressor`` (or a
    Pipeline ending in one) the model's own outputs are fed back over the
    whole of ``X``, starting from the mean output of the training data; for
    a model without output feedback (``FIRRegressor``, ``RNNRegressor``
    behind a ``SlidingWindow``) it is its ordinary prediction. A one-step
    predictor can look good while its simulation drifts away: the free run
    is the honest test of a dynamic model, and what ``NARXRegressor.score``
    reports (as R²).

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> from skrnn import FIRRegressor, make_simulation_scorer
    >>> from skrnn.datasets import make_fir_system
    >>> X, y = make_fir_system(400, noise=0.05, random_state=0)  # 4 taps
    >>> search = GridSearchCV(
    ...     FIRRegressor(LinearRegression()), {"n_lags": [1, 2, 3]},
    ...     scoring=make_simulation_scorer("fit"), cv=TimeSeriesSplit(3),
    ... ).fit(X, y)
    >>> search.best_params_
    {'n_lags': 3}
    >>> make_simulation_scorer("nrmse")
    make_simulation_scorer(metric='nrmse')
    """
    return _SeriesScorer(metric, None, warmup)


@validate_params(
    {
        "steps_ahead": [COUNT],
        "metric": [StrOptions(set(_METRICS))],
        "warmup": [count_from(0)],
    },
    prefer_skip_nested_validation=True,
)
def make_k_step_scorer(steps_ahead=1, *, metric="r2", warmup=0):
    """A scorer that judges a series model by its k-step-ahead predictions.

    Parameters
    ----------
    steps_ahead : int, default=1
        k: the prediction at t uses the measured outputs up to t - k.
    metric : {"r2", "nrmse", "fit"}, default="r2"
        R², NRMSE (the scorer returns ``-nrmse`` so that greater is better)
        or FIT%.
    warmup : int, default=0
        Leading time steps of each series left out of the score.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None)``, for ``scoring=``.

    See Also
    --------
    make_simulation_scorer : Judge by the free-run simulation instead.

    Notes
    -----
    For an estimator whose ``predict`` takes ``steps_ahead``
    (``NARXRegressor``, or a Pipeline ending in one) the scorer calls
    ``predict(X, y=y, steps_ahead=k)`` with the measured ``y`` of the
    fold. A model without output feedback (``FIRRegressor``) never uses
    past outputs, so its k-step prediction is ``predict(X)``. As k grows the
    score moves from the one-step-ahead fit to the free-run fit.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.model_selection import cross_val_score, TimeSeriesSplit
    >>> from skrnn import NARXRegressor, make_k_step_scorer
    >>> from skrnn.datasets import make_arx_system
    >>> X, y = make_arx_system(300, noise=0.1, random_state=0)
    >>> narx = NARXRegressor(LinearRegression(), n_lags=1)
    >>> cv = TimeSeriesSplit(3)
    >>> one_step = make_k_step_scorer(1, metric="fit", warmup=10)
    >>> cross_val_score(narx, X, y, cv=cv, scoring=one_step).round(1)
    array([97.3, 97.3, 96.7])
    >>> five_steps = make_k_step_scorer(5, metric="fit", warmup=10)
    >>> cross_val_score(narx, X, y, cv=cv, scoring=five_steps).round(1)
    array([91.1, 91.5, 93.9])
    """
    return _SeriesScorer(metric, steps_ahead, warmup)
