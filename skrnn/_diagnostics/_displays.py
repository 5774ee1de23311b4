"""Displays in scikit-learn's style: simulation vs measurement, residual tests.

matplotlib is optional (``pip install matplotlib``, or the ``plot`` extra):
it is imported only when a display draws, and a clear ImportError says how
to get it.
"""

import numpy as np
import pandas as pd

from .._data import check_series
from .._data._sklearn_compat import _validate_style_kwargs
from ._checks import _as_float, _check_int
from ._metrics import fit_percent
from ._residuals import residual_correlation
from ._scorers import _predict

__all__ = ["ResidualDisplay", "SimulationDisplay"]


def _pyplot(caller):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib, which skrnn does not install by "
            "default: pip install matplotlib (or pip install 'skrnn[plot]')."
        ) from exc
    return plt


def _column(values, output, name):
    """Column ``output`` of a 1-D or 2-D array, with a clear error."""
    if values.ndim == 1:
        if output != 0:
            raise ValueError(f"{name} has one output; output must be 0, got {output}.")
        return values
    if not 0 <= output < values.shape[1]:
        raise ValueError(
            f"{name} has {values.shape[1]} outputs; output must be in "
            f"[0, {values.shape[1] - 1}], got {output}."
        )
    return values[:, output]


def _estimator_name(estimator):
    while hasattr(estimator, "steps"):
        estimator = estimator.steps[-1][1]
    return type(estimator).__name__


def _with_panel_index(y, X):
    """Give a plain ``y`` the panel index of ``X``, so its series are known."""
    if (
        not isinstance(y, (pd.Series, pd.DataFrame))
        and isinstance(X, pd.DataFrame)
        and isinstance(X.index, pd.MultiIndex)
    ):
        arr = np.asarray(y)
        if arr.ndim == 1:
            return pd.Series(arr, index=X.index)
        return pd.DataFrame(arr, index=X.index)
    return y


# --------------------------------------------------------------------------
# simulation vs measurement
# --------------------------------------------------------------------------


class SimulationDisplay:
    """Simulated (or predicted) output against the measured one, over time.

    The plot of system identification (MATLAB's ``compare``): measured and
    model outputs on one time axis, with the FIT% in the legend. Create it
    with :meth:`from_estimator` or :meth:`from_predictions`; all parameters
    are stored as attributes.

    Parameters
    ----------
    y_true : ndarray of shape (n_points,)
        Measured output (NaN where a line breaks between series).
    y_pred : ndarray of shape (n_points,)
        Model output, same points.
    time : ndarray of shape (n_points,) or pandas.Index, default=None
        The x values; None means the point number.
    label : str, default="simulated"
        What the model output is ("simulated", "5-step ahead", ...).
    estimator_name : str, default=None
        Name of the model, shown in the legend.

    Attributes
    ----------
    fit_ : float
        FIT% of ``y_pred`` against ``y_true`` (NaN points left out).
    measured_line_ : matplotlib Line2D
        The measured output.
    predicted_line_ : matplotlib Line2D
        The model output.
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.

    See Also
    --------
    make_simulation_scorer : The same judgement as a number for
        ``GridSearchCV``.
    ResidualDisplay : The residual tests.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn import NARXRegressor, SimulationDisplay
    >>> from skrnn.datasets import make_arx_system
    >>> X, y = make_arx_system(300, noise=0.1, random_state=0)
    >>> narx = NARXRegressor(LinearRegression(), n_lags=1).fit(X, y)
    >>> display = SimulationDisplay.from_estimator(narx, X, y)
    >>> display.predicted_line_.get_label()
    'NARXRegressor, simulated (FIT 92.5%)'
    """

    def __init__(
        self, *, y_true, y_pred, time=None, label="simulated", estimator_name=None
    ):
        self.y_true = y_true
        self.y_pred = y_pred
        self.time = time
        self.label = label
        self.estimator_name = estimator_name

    def plot(self, ax=None, *, measured_kwargs=None, predicted_kwargs=None):
        """Draw the plot.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        measured_kwargs : dict, default=None
            Keywords for ``ax.plot`` of the measured output.
        predicted_kwargs : dict, default=None
            Keywords for ``ax.plot`` of the model output.

        Returns
        -------
        display : SimulationDisplay
            Self, with ``ax_``, ``figure_``, the lines and ``fit_``.
        """
        plt = _pyplot("SimulationDisplay.plot")
        if ax is None:
            _, ax = plt.subplots()
        y_true = np.asarray(self.y_true, dtype=np.float64)
        y_pred = np.asarray(self.y_pred, dtype=np.float64)
        time = np.arange(len(y_true)) if self.time is None else self.time
        kept = ~(np.isnan(y_true) | np.isnan(y_pred))
        self.fit_ = float(fit_percent(y_true[kept], y_pred[kept]))
        label = f"{self.label} (FIT {self.fit_:.1f}%)"
        if self.estimator_name is not None:
            label = f"{self.estimator_name}, {label}"
        measured = _validate_style_kwargs(
            {"color": "black", "linewidth": 1.0, "label": "measured"},
            measured_kwargs or {},
        )
        predicted = _validate_style_kwargs(
            {"color": "tab:orange", "linewidth": 1.0, "label": label},
            predicted_kwargs or {},
        )
        (self.measured_line_,) = ax.plot(time, y_true, **measured)
        (self.predicted_line_,) = ax.plot(time, y_pred, **predicted)
        ax.set_xlabel("time" if self.time is not None else "time step")
        ax.set_ylabel("output")
        ax.legend(loc="best")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        steps_ahead=None,
        output=0,
        name=None,
        ax=None,
        measured_kwargs=None,
        predicted_kwargs=None,
    ):
        """Plot a fitted model's free run (or k-step predictions) against y.

        Parameters
        ----------
        estimator : fitted regressor
            ``FIRRegressor``, ``NARXRegressor``, or a Pipeline ending in one.
        X : array-like of shape (n_timesteps, n_inputs) or None
            The inputs (a panel DataFrame is drawn series after series).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The measured outputs.
        steps_ahead : int or None, default=None
            None: the free-run simulation, ``predict(X)``; k: the
            k-step-ahead predictions (for a model without output feedback,
            ``predict(X)``).
        output : int, default=0
            The output drawn, when there are several.
        name : str, default=None
            Model name for the legend; None uses the class name of the
            estimator (of the last step of a Pipeline).
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        measured_kwargs, predicted_kwargs : dict, default=None
            Keywords for the two ``ax.plot`` calls.

        Returns
        -------
        display : SimulationDisplay
        """
        _pyplot("SimulationDisplay.from_estimator")
        steps_ahead = _check_int(steps_ahead, "steps_ahead", 1, allow_none=True)
        y_pred = _predict(estimator, X, y, steps_ahead)
        label = "simulated" if steps_ahead is None else f"{steps_ahead}-step ahead"
        return cls.from_predictions(
            _with_panel_index(y, X),
            y_pred,
            output=output,
            label=label,
            name=_estimator_name(estimator) if name is None else name,
            ax=ax,
            measured_kwargs=measured_kwargs,
            predicted_kwargs=predicted_kwargs,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        *,
        time=None,
        output=0,
        label="predicted",
        name=None,
        ax=None,
        measured_kwargs=None,
        predicted_kwargs=None,
    ):
        """Plot model outputs against the measured outputs.

        Parameters
        ----------
        y_true : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            Measured outputs. A pandas object with a time index is drawn on
            it; one with a ``(series_id, time)`` MultiIndex is a panel, drawn
            series after series with a break between them.
        y_pred : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            Model outputs, in the row order of ``y_true``.
        time : array-like of shape (n_timesteps,), default=None
            x values for a single series; None uses the pandas index of
            ``y_true`` if any, else the time step.
        output : int, default=0
            The output drawn, when there are several.
        label : str, default="predicted"
            What the model output is, for the legend.
        name : str, default=None
            Model name for the legend.
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        measured_kwargs, predicted_kwargs : dict, default=None
            Keywords for the two ``ax.plot`` calls.

        Returns
        -------
        display : SimulationDisplay
        """
        _pyplot("SimulationDisplay.from_predictions")
        output = _check_int(output, "output", 0)
        data = check_series(None, None, y_true, reset=False, allow_X_none=True)
        y_pred = _as_float(y_pred, "y_pred")
        if len(y_pred) != len(data.y):
            raise ValueError(
                f"y_true has {len(data.y)} time steps but y_pred has "
                f"{len(y_pred)}; they must have one row per time step."
            )
        measured = _column(data.y[:, 0] if data.y_1d else data.y, output, "y_true")
        pred = _column(y_pred, output, "y_pred")
        if data.order is not None:
            pred = pred[data.order]
        if data.n_series > 1:
            if time is not None:
                raise ValueError(
                    "time is for a single series; a panel is drawn series after "
                    "series on the time step."
                )
            cuts = data.starts[1:-1]
            measured = np.insert(measured, cuts, np.nan)
            pred = np.insert(pred, cuts, np.nan)
            time = np.insert(np.arange(len(data.y), dtype=np.float64), cuts, np.nan)
        elif time is None and data.time_index is not None:
            time = data.time_index[0]
        elif time is not None and len(time) != len(pred):
            raise ValueError(
                f"time has {len(time)} values but there are {len(pred)} time steps."
            )
        display = cls(
            y_true=measured,
            y_pred=pred,
            time=time,
            label=label,
            estimator_name=name,
        )
        return display.plot(
            ax=ax, measured_kwargs=measured_kwargs, predicted_kwargs=predicted_kwargs
        )


# --------------------------------------------------------------------------
# residual tests
# --------------------------------------------------------------------------


class ResidualDisplay:
    """Residual autocorrelation and input-residual cross-correlation stems.

    One panel for the residual autocorrelation (lags 0 ... L) and one per
    input for the input-residual cross-correlation (lags -L ... L), each
    with its white-noise confidence band shaded. Create it with
    :meth:`from_estimator` or :meth:`from_predictions`; all parameters are
    stored as attributes.

    Parameters
    ----------
    acf : Correlation
        The residual autocorrelation (from :func:`residual_analysis`).
    ccf : Correlation or None, default=None
        The input-residual cross-correlation; None draws the ACF only.
    output : int, default=0
        The output drawn, when there are several.
    input_names : list of str, default=None
        Names of the inputs for the titles; None uses ``x0``, ``x1``, ...
    estimator_name : str, default=None
        Name of the model, shown in the first title.

    Attributes
    ----------
    stems_ : list of matplotlib StemContainer
        The autocorrelation stems, then one set per input.
    bands_ : list of matplotlib Artist
        The shaded band of each panel.
    axes_ : ndarray of matplotlib Axes
        The panels, autocorrelation first.
    figure_ : matplotlib Figure
        Figure containing the panels.

    See Also
    --------
    residual_analysis : The same tests as numbers.
    SimulationDisplay : The simulation against the measurements.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn import FIRRegressor, ResidualDisplay
    >>> from skrnn.datasets import make_fir_system
    >>> X, y = make_fir_system(500, n_inputs=2, noise=0.1, random_state=0)
    >>> fir = FIRRegressor(LinearRegression(), n_lags=3).fit(X, y)
    >>> display = ResidualDisplay.from_estimator(fir, X, y, max_lag=10)
    >>> len(display.axes_), len(display.stems_[0].stemlines.get_segments())
    (3, 11)
    """

    def __init__(
        self, *, acf, ccf=None, output=0, input_names=None, estimator_name=None
    ):
        self.acf = acf
        self.ccf = ccf
        self.output = output
        self.input_names = input_names
        self.estimator_name = estimator_name

    def _panels(self):
        """(title, lags, values, band, confidence) of every panel."""
        acf = self.acf
        values = _column(np.asarray(acf.values), self.output, "the residual")
        title = "residual autocorrelation"
        if self.estimator_name is not None:
            title = f"{self.estimator_name}: {title}"
        panels = [(title, acf.lags, values)]
        if self.ccf is not None:
            c = np.asarray(self.ccf.values)
            if c.ndim == 3:
                c = c[:, :, self.output]
            names = self.input_names
            if names is None:
                names = [f"x{i}" for i in range(c.shape[1])]
            for i, name in enumerate(names):
                panels.append((f"{name} vs residual", self.ccf.lags, c[:, i]))
        return panels

    def plot(self, ax=None, *, stem_kwargs=None, band_kwargs=None):
        """Draw the panels.

        Parameters
        ----------
        ax : sequence of matplotlib Axes, default=None
            One Axes per panel (1 + number of inputs); None creates a figure
            with the panels stacked.
        stem_kwargs : dict, default=None
            Keywords for ``ax.stem``.
        band_kwargs : dict, default=None
            Keywords for ``ax.axhspan`` (the band).

        Returns
        -------
        display : ResidualDisplay
            Self, with ``axes_``, ``figure_``, ``stems_`` and ``bands_``.
        """
        plt = _pyplot("ResidualDisplay.plot")
        panels = self._panels()
        if ax is None:
            _, axes = plt.subplots(
                len(panels), 1, squeeze=False, figsize=(6.4, 2.2 * len(panels) + 0.6)
            )
            axes = axes[:, 0]
        else:
            axes = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
            if len(axes) != len(panels):
                raise ValueError(
                    f"ax holds {len(axes)} Axes but there are {len(panels)} panels "
                    "(the autocorrelation and one per input)."
                )
        band = self.acf.band
        stem = {"basefmt": "k-"}
        stem.update(stem_kwargs or {})
        shade = _validate_style_kwargs(
            {"color": "tab:blue", "alpha": 0.15, "linewidth": 0}, band_kwargs or {}
        )
        self.stems_, self.bands_ = [], []
        for axis, (title, lags, values) in zip(axes, panels, strict=True):
            self.bands_.append(axis.axhspan(-band, band, **shade))
            self.stems_.append(axis.stem(lags, values, **stem))
            axis.set_title(title)
            axis.set_ylabel("correlation")
        axes[-1].set_xlabel("lag")
        self.bands_[0].set_label(f"{self.acf.confidence:.0%} band")
        axes[0].legend(loc="upper right")
        self.axes_ = axes
        self.figure_ = axes[0].figure
        self.figure_.tight_layout()
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        steps_ahead=1,
        max_lag=25,
        confidence=0.95,
        output=0,
        name=None,
        ax=None,
    ):
        """Draw the residual tests of a fitted series model.

        Parameters
        ----------
        estimator : fitted regressor
            ``FIRRegressor``, ``NARXRegressor``, or a Pipeline ending in one.
        X : array-like of shape (n_timesteps, n_inputs) or None
            The inputs (None: no cross-correlation panels).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The measured outputs.
        steps_ahead : int or None, default=1
            Residuals of the k-step-ahead prediction (1: the classic test) or
            of the free run (None); see :func:`residual_analysis`.
        max_lag : int, default=25
            L, the largest lag drawn.
        confidence : float, default=0.95
            Coverage of the band.
        output : int, default=0
            The output drawn, when there are several.
        name : str, default=None
            Model name for the title; None uses the class name.
        ax : sequence of matplotlib Axes, default=None
            One Axes per panel; None creates a figure.

        Returns
        -------
        display : ResidualDisplay
        """
        _pyplot("ResidualDisplay.from_estimator")
        steps_ahead = _check_int(steps_ahead, "steps_ahead", 1, allow_none=True)
        y_pred = _predict(estimator, X, y, steps_ahead)
        return cls.from_predictions(
            y,
            y_pred,
            X,
            max_lag=max_lag,
            confidence=confidence,
            output=output,
            name=_estimator_name(estimator) if name is None else name,
            ax=ax,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true,
        y_pred,
        X=None,
        *,
        max_lag=25,
        confidence=0.95,
        output=0,
        name=None,
        ax=None,
    ):
        """Draw the residual tests of predictions.

        Parameters
        ----------
        y_true : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            Measured outputs (a panel when it, or ``X``, is a pandas object
            with a ``(series_id, time)`` MultiIndex).
        y_pred : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            Predictions in the same row order.
        X : array-like of shape (n_timesteps, n_inputs), default=None
            The inputs, for the cross-correlation panels.
        max_lag : int, default=25
            L, the largest lag drawn.
        confidence : float, default=0.95
            Coverage of the band.
        output : int, default=0
            The output drawn, when there are several.
        name : str, default=None
            Model name for the title.
        ax : sequence of matplotlib Axes, default=None
            One Axes per panel; None creates a figure.

        Returns
        -------
        display : ResidualDisplay
        """
        _pyplot("ResidualDisplay.from_predictions")
        output = _check_int(output, "output", 0)
        result = residual_correlation(
            y_true, y_pred, X, max_lag=max_lag, confidence=confidence
        )
        input_names = None
        if isinstance(X, pd.DataFrame):
            input_names = [str(c) for c in X.columns]
        display = cls(
            acf=result.acf,
            ccf=result.ccf,
            output=output,
            input_names=input_names,
            estimator_name=name,
        )
        return display.plot(ax=ax)
