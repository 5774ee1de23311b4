"""The infinite-response model: a regressor on lagged inputs and fed-back outputs."""

import copy
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted

from .._data import (
    check_n_outputs,
    check_n_steps,
    check_series,
    check_steps_ahead,
    check_y_init,
)
from .._data._future import forecast_index
from .._data._sklearn_compat import HasMethods, Interval, StrOptions, _fit_context
from .._data._time_index import index_names
from .._nn._activations import ACTIVATIONS
from .._nn._runtime import blas_limit
from ._base import resolve_lags
from ._closed_loop import (
    SOLVERS,
    make_network,
    pack,
    train_closed_loop,
    unpack,
    unpack_skip,
)
from ._default import NETWORK_MARGIN, LinearPlusNetwork, default_regressor
from ._scaling import fit_scaling, lag_columns
from ._shooting import rows_of, segments, split_rows, subsequences
from ._simulate import (
    feedback_index,
    from_time_major,
    predict_steps_ahead,
    series_layout,
    simulate_linear,
    simulate_model,
    simulate_network,
    to_time_major,
)
from ._tail import absorb, continue_inputs, empty_tail
from ._weights import mlp_layers, predict_from, simulation_network
from ._windowing import PADDINGS, lag_matrix, trainable_rows

__all__ = ["NARXRegressor"]


class NARXRegressor(RegressorMixin, BaseEstimator):
    r"""Infinite-response model: y_t = f(x_t, ..., x_{t-N}, y_{t-1}, ..., y_{t-M}).

    A nonlinear autoregressive model with exogenous inputs (NARX): any
    scikit-learn regressor ``f`` applied to the last N + 1 inputs and the
    last M outputs. Fed back, the outputs carry every past input forward:
    the response to one input never ends, hence "infinite response".

    Parameters
    ----------
    estimator : regressor, default=None
        The regressor f, cloned in ``fit``. None means skrnn's default
        network (as in :class:`FIRRegressor`), seeded by ``random_state``:
        the least-squares linear model of the lags plus a small neural
        network (32 tanh units) trained on what it leaves,
        ``f(z) = z A + c + g(z)`` (Notes). With several outputs a given
        estimator must predict them all (or be wrapped in
        :class:`~sklearn.multioutput.MultiOutputRegressor`).
    n_lags : int or array-like of int, default=2
        N, the number of past inputs beyond the current one; one int for
        every input column, or one per column.
    n_output_lags : int or array-like of int, default=2
        M, the number of past outputs fed back; one int for every output, or
        one per output. The past of every output feeds the model of every
        output.
    delay : int, default=0
        Dead time d: the model sees x_{t-d}, ..., x_{t-d-N}.
    padding : {"edge", "zero"}, default="edge"
        Input history before the first row in ``predict``: ``"edge"`` repeats
        the first row, ``"zero"`` uses zeros. In ``fit``, rows whose input or
        output history reaches before the start are not trained on.
    random_state : int, RandomState instance or None, default=None
        Seeds the default network; ignored when ``estimator`` is given.
    scale : "auto" or bool, default="auto"
        Standardise every lagged input, lagged output and the target with
        the training mean and standard deviation of its column (per output,
        over every series of a panel) before they reach ``f``, and map every
        prediction, free run, k-step prediction and forecast back: the
        model learns the same from data in any units. ``"auto"`` scales for
        the default network only; a given estimator is used as given (put a
        :class:`~sklearn.preprocessing.StandardScaler` in a pipeline in
        front of it, or pass ``scale=True``).
    training : {"open_loop", "closed_loop"}, default="open_loop"
        ``"open_loop"``: f is trained one step ahead on the observed past
        outputs (teacher forcing). ``"closed_loop"``: after that fit, f's
        weights are trained on the free-run simulation error, its own
        predictions fed back as the past outputs, by backpropagation through
        time through the output feedback (see Notes). Needs
        ``estimator=None`` or an
        :class:`~sklearn.neural_network.MLPRegressor`, whose layers,
        ``activation`` and ``alpha`` it keeps.
    closed_loop_solver : {"lbfgs", "adam"}, default="lbfgs"
        Closed loop: ``"lbfgs"`` minimises the simulation error of all
        subsequences (full backpropagation through time) by L-BFGS;
        ``"adam"`` takes one Adam step per chunk of ``bptt_steps`` steps
        (per epoch without truncation), for long series.
    closed_loop_max_iter : int, default=100
        Closed loop: the most iterations (L-BFGS) or epochs (Adam).
    subsequence_length : int or None, default=100
        Closed loop: the training rows are simulated as half-overlapping
        subsequences of this many rows, each started from the measured
        outputs before it (multiple shooting), in one batch. None simulates
        each training stretch whole (single shooting).
    validation_fraction : float or None, default=0.2
        The default network (``estimator=None``) only: this fraction of each
        series' rows is held out, as four blocks spread over the series (the
        end of each quarter). The network is fitted on the other rows and
        kept only if it at least halves the linear model's error in
        forecasting each block from the measured outputs before it (else the
        model is the least-squares linear model, refitted on every row). In
        closed loop, training is judged by the free run of each whole series
        scored on the blocks: it stops once that error has not fallen by
        ``tol`` for ``n_iter_no_change`` iterations, and keeps the weights
        with the lowest one (the open-loop fit included). None, or a
        fraction that holds out fewer than 10 rows in all, judges on the
        training rows and trains on every row until the solver stops. A
        given estimator is always fitted on every row.
    tol : float, default=1e-4
        Closed loop: the least improvement of the loss (with validation:
        of the held-out error; both on the standardised scale when the model
        scales) that counts, in scikit-learn's sense; L-BFGS also stops when
        the largest gradient entry is below it.
    n_iter_no_change : int, default=20
        Closed loop: iterations without improvement before stopping (Adam,
        or any solver with validation).
    max_fun : int, default=15000
        Closed loop, ``"lbfgs"``: the most loss evaluations.
    bptt_steps : int or None, default=None
        Closed loop, ``"adam"``: truncated backpropagation through time. The
        series run in chunks of this many steps; the last M predictions flow
        into the next chunk, the gradient does not, and the weights are
        updated after every chunk. None: whole series.
    max_grad_norm : float or None, default=5.0
        Closed loop, ``"adam"``: each gradient is scaled down to at most this
        Euclidean norm (clipping); None for no clipping.
    learning_rate_init : float, default=0.001
        Closed loop, ``"adam"``: the step size.

    Attributes
    ----------
    estimator_ : regressor
        The fitted regressor f, trained one step ahead on the lag matrix
        ``[x lags, y lags]`` (standardised when ``scaled_``).
    scaled_ : bool
        Whether lags and outputs are standardised (``scale``).
    n_lags_ : ndarray of shape (n_features_in_,)
        The lag count N of each input column.
    n_output_lags_ : ndarray of shape (n_outputs_,)
        The lag count M of each output.
    n_outputs_ : int
        Number of outputs.
    y_mean_ : ndarray of shape (n_outputs_,)
        Mean of the ``y`` passed to ``fit`` over every series: the output
        history a free run starts from by default.
    n_features_in_ : int
        Number of input columns seen during fit (0 for ``X=None``).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.
    closed_loop_loss_curve_ : list of float
        Closed loop only: the training loss L (Notes) after each iteration
        or epoch.
    closed_loop_validation_loss_curve_ : list of float or None
        Closed loop only: the free-run error of the held-out ends of the
        series after each iteration or epoch (None without validation).
    closed_loop_n_iter_ : int
        Closed loop only: the iterations or epochs run.

    See Also
    --------
    FIRRegressor : The same model without output feedback.
    LagFeatures : The input lags the regressor is trained on.

    Notes
    -----
    With d = ``delay``, N_j = ``n_lags`` of input j and M_i =
    ``n_output_lags`` of output i, the model is

    .. math:: \hat y_t = f\big(x_{j,t-d}, \ldots, x_{j,t-d-N_j} \; (\forall j),
              \; y_{i,t-1}, \ldots, y_{i,t-M_i} \; (\forall i)\big)

    ``fit`` trains f one step ahead on the observed outputs (series-parallel
    identification, or teacher forcing). ``predict`` then uses the model in
    one of three ways:

    - free run (``predict(X)``): the model's own predictions replace every
      y on the right-hand side (parallel model, a simulation);
    - k steps ahead (``predict(X, y=y, steps_ahead=k)``): the prediction at
      t uses the observed outputs up to t - k and the model's predictions
      after that; k = 1 is one step ahead, k >= the series' length is the
      free run;
    - ``forecast``: a free run that continues the series seen by ``fit`` or
      ``update`` into the future, from its last observed outputs.

    The output history before the first row is ``y_mean_`` unless ``y_init``
    is given; the input history follows ``padding``.

    The free run is sequential, so its speed is the cost of one step. For a
    linear model, an :class:`~sklearn.neural_network.MLPRegressor` (identity
    output) or a :class:`~sklearn.pipeline.Pipeline` of
    :class:`~sklearn.preprocessing.StandardScaler` and one of these, the
    simulation evaluates the fitted weights directly: the input part of the
    first layer is computed for many steps at once, and each step costs one
    small matrix product per layer (the same numbers as ``predict``, up to
    rounding). A linear model with one output is an IIR filter of its input
    part, run by :func:`scipy.signal.lfilter` without a Python loop over
    steps. Any other regressor's ``predict`` is called once per step. A
    DataFrame with a two-level ``(series_id, time)``
    MultiIndex is a panel of independent series, simulated together: one
    model evaluation per step for the whole panel.

    Closed-loop training (``training="closed_loop"``, parallel or
    output-error identification) starts from the open-loop fit of the
    network and minimises the error of the free run itself, in
    ``MLPRegressor``'s scaling (so its ``alpha`` keeps its meaning):

    .. math:: L = \frac{1}{N} \Big( \sum_t \frac{1}{2 n_y}
              \lVert \hat y_t - y_t \rVert^2 + \frac{\alpha}{2}
              \lVert W \rVert^2 \Big), \qquad \hat y_t = f\big(x_{t-d},
              \ldots, \hat y_{t-1}, \ldots, \hat y_{t-M}\big)

    over the N rows it trains on, simulated as half-overlapping
    subsequences of ``subsequence_length`` rows, each from the observed
    outputs just before it (multiple shooting; ``None``: each series from
    its start). With the default network, two starts are trained -- the
    network and its linear part alone -- and the better on the held-out
    blocks is kept if it beats the least-squares linear model
    (``validation_fraction``). The gradient flows back
    through every fed-back prediction (backpropagation through time). A
    one-step fit never sees its own errors fed back, and with noise on the
    measured output (output error, e.g. coloured measurement noise) the past
    outputs it is fed are noisy and correlated with the target's noise, so
    it is biased; the closed-loop fit is trained on exactly what ``predict``
    does. Afterwards ``estimator_`` holds the trained weights, so
    ``predict``, ``forecast`` and ``score`` use them.

    References
    ----------
    I. J. Leontaritis and S. A. Billings, "Input-output parametric models for
    non-linear systems", International Journal of Control 41(2), 1985.

    K. S. Narendra and K. Parthasarathy, "Identification and control of
    dynamical systems using neural networks", IEEE Transactions on Neural
    Networks 1(1), 1990.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn import NARXRegressor
    >>> from skrnn.datasets import make_arx_system
    >>> X, y = make_arx_system(300, random_state=0)  # 1.5, -0.7 | 1.0, 0.5
    >>> narx = NARXRegressor(LinearRegression(), n_lags=1, n_output_lags=2)
    >>> narx = narx.fit(X, y)
    >>> narx.estimator_.coef_.round(3)  # b_0, b_1, a_1, a_2
    array([ 1. ,  0.5,  1.5, -0.7])
    >>> y_sim = narx.predict(X)  # free run
    >>> bool(np.abs(y_sim - y)[150:].max() < 1e-6)  # once y_init is forgotten
    True
    >>> narx.forecast(5, X_future=np.zeros((5, 1))).shape
    (5,)

    Closed-loop training of the default network on the free-run error:

    >>> from skrnn.datasets import make_narx_system
    >>> X, y = make_narx_system(400, random_state=0)
    >>> X_test, y_test = make_narx_system(500, random_state=1)
    >>> opened = NARXRegressor(random_state=0).fit(X, y)
    >>> closed = NARXRegressor(training="closed_loop", closed_loop_max_iter=50,
    ...                        random_state=0).fit(X, y)
    >>> r2_open, r2_closed = opened.score(X_test, y_test), closed.score(X_test, y_test)
    >>> bool(r2_open > 0.95), bool(1 - r2_closed < 0.75 * (1 - r2_open))
    (True, True)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_lags": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "n_output_lags": [Interval(Integral, 0, None, closed="left"), "array-like"],
        "delay": [Interval(Integral, 0, None, closed="left")],
        "padding": [StrOptions(set(PADDINGS))],
        "random_state": ["random_state"],
        "scale": [StrOptions({"auto"}), "boolean"],
        "training": [StrOptions({"open_loop", "closed_loop"})],
        "closed_loop_solver": [StrOptions(set(SOLVERS))],
        "closed_loop_max_iter": [Interval(Integral, 1, None, closed="left")],
        "subsequence_length": [Interval(Integral, 2, None, closed="left"), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "bptt_steps": [Interval(Integral, 1, None, closed="left"), None],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_lags=2,
        n_output_lags=2,
        delay=0,
        padding="edge",
        random_state=None,
        scale="auto",
        training="open_loop",
        closed_loop_solver="lbfgs",
        closed_loop_max_iter=100,
        subsequence_length=100,
        validation_fraction=0.2,
        tol=1e-4,
        n_iter_no_change=20,
        max_fun=15000,
        bptt_steps=None,
        max_grad_norm=5.0,
        learning_rate_init=0.001,
    ):
        self.estimator = estimator
        self.n_lags = n_lags
        self.n_output_lags = n_output_lags
        self.delay = delay
        self.padding = padding
        self.random_state = random_state
        self.scale = scale
        self.training = training
        self.closed_loop_solver = closed_loop_solver
        self.closed_loop_max_iter = closed_loop_max_iter
        self.subsequence_length = subsequence_length
        self.validation_fraction = validation_fraction
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.bptt_steps = bptt_steps
        self.max_grad_norm = max_grad_norm
        self.learning_rate_init = learning_rate_init

    # ---------------------------------------------------------------- sizes

    @property
    def _input_history(self):
        """Past input rows the model reads: d + max(N) (0 without inputs)."""
        return self.delay + int(self.n_lags_.max()) if len(self.n_lags_) else 0

    @property
    def _output_history(self):
        """Past outputs the model reads: max(M)."""
        return int(self.n_output_lags_.max())

    def _input_lags(self, X, starts):
        Z = lag_matrix(
            X, self.n_lags_, delay=self.delay, starts=starts, padding=self.padding
        )
        if self._scaling is not None:
            Z = self._scaling.lags(Z, lag_columns(self.n_lags_))
        return Z

    def _output_lags(self, y, starts):
        """Lagged outputs; ``y`` on the model's scale (standardised if scaled)."""
        fed = self.n_output_lags_ > 0
        return lag_matrix(
            y[:, fed],
            self.n_output_lags_[fed] - 1,
            delay=1,
            starts=starts,
            padding=self.padding,
        )

    def _to_model(self, y):
        """Outputs in their units to the model's scale."""
        return y if self._scaling is None else self._scaling.outputs(y)

    def _from_model(self, y):
        """Outputs on the model's scale back to their units."""
        return y if self._scaling is None else self._scaling.unscale(y)

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit f one step ahead on the lagged inputs and observed outputs.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs) or None
            The inputs: a series, or a panel (DataFrame with a
            ``(series_id, time)`` MultiIndex). None for a model without
            exogenous input (pure autoregression).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The observed output, row-aligned with ``X`` (with ``X=None`` a
            panel is a Series or DataFrame with the MultiIndex).

        Returns
        -------
        self : NARXRegressor
            The fitted model.

        Examples
        --------
        >>> from sklearn.linear_model import LinearRegression
        >>> from skrnn import NARXRegressor
        >>> from skrnn.datasets import make_arx_system
        >>> X, y = make_arx_system(200, random_state=0)
        >>> narx = NARXRegressor(LinearRegression(), n_lags=1).fit(X, y)
        >>> narx.n_lags_, narx.n_output_lags_, narx.y_mean_.shape
        (array([1]), array([2]), (1,))
        """
        data = check_series(self, X, y, reset=True, y_required=True, allow_X_none=True)
        self.n_lags_ = resolve_lags(self.n_lags, data.X.shape[1])
        self.n_output_lags_ = resolve_lags(
            self.n_output_lags, data.y.shape[1], "n_output_lags"
        )
        self.n_outputs_ = data.y.shape[1]
        if data.X.shape[1] == 0 and self._output_history == 0:
            raise ValueError(
                "X is None and n_output_lags=0: the model has nothing to predict "
                "from. Give inputs X or at least one output lag."
            )
        history = max(self._input_history, self._output_history)
        data.require_length(
            history + 1,
            f"n_lags={self.n_lags!r}, delay={self.delay} and "
            f"n_output_lags={self.n_output_lags!r}",
        )
        if data.n_series == 1:  # a slice: the lag matrices are not copied again
            rows = slice(history, None)
        else:
            rows = trainable_rows(data.starts, history)
        n_rows = len(data.y[rows])
        self.scaled_ = self.estimator is None if self.scale == "auto" else self.scale
        self._scaling = fit_scaling(data.X, data.y) if self.scaled_ else None
        y_model = self._to_model(data.y)
        Zx = self._input_lags(data.X, data.starts)
        Z = np.hstack([Zx[rows], self._output_lags(y_model, data.starts)[rows]])
        target = y_model[rows, 0] if data.y_1d else y_model[rows]
        self.y_mean_ = data.y.mean(axis=0)
        train, held = split_rows(data.starts, history, self.validation_fraction)
        series = _Series(Zx, y_model, data.starts, history, train, held)
        if self.estimator is None:
            self.estimator_ = default_regressor(self.random_state, n_rows)
        else:
            self.estimator_ = clone(self.estimator)
        if self.training == "closed_loop":
            self._check_closed_loop()
        default = isinstance(self.estimator_, LinearPlusNetwork)
        try:
            if default:
                self._fit_default(series, rows, Z, target)
            else:
                self.estimator_.fit(Z, target)
        except ValueError as exc:
            if (
                self.n_outputs_ == 1
                or get_tags(self.estimator_).target_tags.multi_output
            ):
                raise
            raise ValueError(
                f"{type(self.estimator_).__name__} could not fit y with "
                f"{self.n_outputs_} outputs ({exc}). Wrap it in "
                "sklearn.multioutput.MultiOutputRegressor: each output's model "
                "still sees the past of every output."
            ) from exc
        if self.training == "closed_loop" and not default:
            self._keep_record(*self._train_closed_loop(self.estimator_, series))
        self._y_1d = data.y_1d
        self._y_names = data.y_names
        self._index_names = index_names(X, y)
        y_start = np.tile(self.y_mean_, (self._output_history, 1))
        tail = empty_tail(data.ids is not None, self._input_history, y_start)
        self._state = absorb(tail, data, owner=type(self).__name__)
        return self

    # ---------------------------------------------------------- closed loop

    def _check_closed_loop(self):
        """Raise before any fitting if closed-loop training cannot be done."""
        est = self.estimator_
        trainable = isinstance(est, LinearPlusNetwork) or (
            isinstance(est, MLPRegressor)
            and predict_from(est, "sklearn.neural_network")
            and est.activation in ACTIVATIONS
            and est.loss == "squared_error"
        )
        if not trainable:
            raise ValueError(
                "training='closed_loop' trains a feed-forward network through "
                "the output feedback: estimator must be None (the default "
                "network) or an MLPRegressor with loss='squared_error', got "
                f"{self.estimator!r}."
            )
        if self.bptt_steps is not None and self.closed_loop_solver != "adam":
            raise ValueError(
                f"bptt_steps={self.bptt_steps} truncates the gradient, which "
                f"closed_loop_solver={self.closed_loop_solver!r} cannot use: set "
                "closed_loop_solver='adam', or bptt_steps=None."
            )

    def _loop_network(self, est, n_x):
        """``(weights, skip, net, alpha)`` of ``est`` for the closed loop."""
        if isinstance(est, LinearPlusNetwork):
            weights, activation, skip = est.layers()
            alpha = est.network_.alpha if est.network_ is not None else 0.0
        else:
            (weights, activation), skip, alpha = mlp_layers(est), None, est.alpha
        feedback = feedback_index(self.n_output_lags_)
        net = make_network(
            weights,
            activation,
            n_x,
            feedback,
            self._output_history,
            skip=skip is not None,
        )
        return weights, skip, net, alpha

    def _train_closed_loop(self, model, series, batches=None):
        """Train ``model``'s weights on the free-run simulation error.

        Trained on subsequences of the training row ranges; judged by the
        free run of each whole series, scored on the held-out rows only
        (``batches`` from :meth:`_loop_batches`, built when None). Returns the
        training record, for :meth:`_keep_record`.
        """
        batch, validation = batches or self._loop_batches(series)
        weights, skip, net, alpha = self._loop_network(model, series.Zx.shape[1])
        with blas_limit():
            theta, record, converged = train_closed_loop(
                pack(weights, skip),
                net,
                *batch,
                solver=self.closed_loop_solver,
                alpha=alpha,
                max_iter=self.closed_loop_max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                n_iter_no_change=self.n_iter_no_change,
                learning_rate_init=self.learning_rate_init,
                max_grad_norm=self.max_grad_norm,
                bptt_steps=self.bptt_steps,
                validation=validation,
            )
        layers = unpack(theta, net)
        if isinstance(model, LinearPlusNetwork):
            model.set_layers(layers, unpack_skip(theta, net))
        else:
            model.coefs_ = [W.copy() for W, _ in layers]
            model.intercepts_ = [b.copy() for _, b in layers]
        curve = None if validation is None else [-v for v in record.validation_scores]
        return record.loss_curve, curve, converged

    def _loop_batches(self, series):
        """The closed loop's training subsequences and validation, time-major."""
        M, Zx, Y = self._output_history, series.Zx, series.Y
        validation = None
        if series.held:  # each whole series, scored on the held-out rows only
            scored = np.full_like(Y, np.nan)
            scored[rows_of(series.held)] = Y[rows_of(series.held)]
            Zv, lengths, Yv, _ = segments(Zx, scored, series.whole, M)
            validation = (Zv, lengths, Yv, segments(Zx, Y, series.whole, M)[3])
        ranges = subsequences(series.train, self.subsequence_length)
        return segments(Zx, Y, ranges, M), validation

    def _keep_record(self, loss_curve, validation_curve, converged):
        """The closed-loop record as fitted attributes, and its warning."""
        self.closed_loop_loss_curve_ = loss_curve
        self.closed_loop_validation_loss_curve_ = validation_curve
        self.closed_loop_n_iter_ = len(loss_curve)
        if not converged:
            warnings.warn(
                "Closed-loop training stopped at closed_loop_max_iter="
                f"{self.closed_loop_max_iter} before converging.",
                ConvergenceWarning,
                stacklevel=5,  # _keep_record, _fit_..., fit, _fit_context, caller
            )

    def _fit_default(self, series, rows, Z, target):
        """Fit the default network, keeping its network part only if it earns it.

        With held-out blocks (``validation_fraction``) the model is fitted
        on the other rows and judged on them; without, on the training rows.
        In open loop it keeps its network if that at least halves the error
        of the least-squares linear model of the same rows on the judged
        rows (:data:`~skrnn._series._default.NETWORK_MARGIN`). In closed
        loop two starts are trained, the model with its network and the
        linear model alone, and the one that simulates the judged rows best
        is kept if it beats the least-squares linear model. Whenever the
        linear model wins, it is refitted on every row: the default is never
        worse there than linear ARX.
        """
        est = self.estimator_
        if series.held:
            kept = np.isin(np.arange(len(series.Y))[rows], rows_of(series.train))
            est.fit(Z[kept], target[kept])
            judged = series.held
        else:
            est.fit(Z, target)
            judged = series.whole
        linear = copy.deepcopy(est).drop_network()
        margin, candidates = NETWORK_MARGIN, [est]
        if self.training == "closed_loop":
            margin, candidates = 1.0, [est, copy.deepcopy(linear)]
            batches = self._loop_batches(series)
            records = [self._train_closed_loop(c, series, batches) for c in candidates]
        errors = [self._block_error(c, series, judged) for c in candidates]
        best = int(np.argmin(errors))
        if errors[best] < margin * self._block_error(linear, series, judged):
            self.estimator_ = candidates[best]
        else:
            self.estimator_ = linear.refit(Z, target)
        if self.training == "closed_loop":
            self._keep_record(*records[best])

    def _block_error(self, model, series, ranges):
        """Mean squared error of ``model`` simulating the row ``ranges``.

        Each range is simulated free from the measured outputs just before
        it (a forecast of the block, the way :meth:`forecast` continues a
        series), on the standardised scale.
        """
        M, Y = self._output_history, series.Y
        Zx = series.Zx[rows_of(ranges)]
        starts = np.cumsum([0] + [b - a for a, b in ranges])
        y0 = np.stack([Y[a - M : a] for a, _ in ranges])
        kept, self.estimator_ = self.estimator_, model
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                Y_sim = self._simulate(Zx, starts, y0, scaled=True)
                error = np.mean((Y_sim - Y[rows_of(ranges)]) ** 2)
        finally:
            self.estimator_ = kept
        return float(error) if np.isfinite(error) else np.inf

    # -------------------------------------------------------------- predict

    def _check_y_init(self, y_init):
        """The output history before the first row, ``(M, n_outputs)``."""
        return check_y_init(y_init, self._output_history, self.n_outputs_, self.y_mean_)

    def _check_outputs(self, data, name="y"):
        check_n_outputs(data, self.n_outputs_, type(self).__name__, name)

    def _network(self, n_in):
        """``(weights, activation, skip)`` the fast paths run, or None."""
        network = simulation_network(self.estimator_)
        if network is not None and network[0][0][0].shape[0] != n_in:
            return None
        return network

    def _simulate(self, Zx, starts, y0, scaled=False):
        """Free run from ``y0`` (n_series, M, n_outputs); grouped rows out.

        ``y0`` and the result are in the outputs' units, or on the model's
        scale with ``scaled=True``.
        """
        perm, lengths, index = series_layout(starts)
        Ztm = to_time_major(Zx, lengths, index)
        y0 = np.swapaxes(y0[perm], 0, 1)
        if not scaled:
            y0 = self._to_model(y0)
        feedback = feedback_index(self.n_output_lags_)
        network = self._network(Zx.shape[1] + len(feedback))
        with np.errstate(over="ignore", invalid="ignore"):
            if network is None:
                predict = self.estimator_.predict
                Y = simulate_model(Ztm, lengths, y0, predict, feedback)
            elif len(network[0]) == 1 and self.n_outputs_ == 1:  # an IIR filter
                Y = simulate_linear(Ztm, lengths, y0, *network[0][0], feedback)
            else:
                weights, activation, skip = network
                Y = simulate_network(
                    Ztm, lengths, y0, weights, activation, feedback, skip
                )
        out = from_time_major(Y, index)
        if not scaled:
            out = self._from_model(out)
        if not np.isfinite(out).all():
            warnings.warn(
                "The free-run simulation diverged (it produced infinity or NaN): "
                "the fitted model is unstable when its own outputs are fed back.",
                RuntimeWarning,
                stacklevel=3,
            )
        return out

    def _steps_ahead(self, Zx, y, starts, y0, k):
        perm, lengths, index = series_layout(starts)
        if k >= lengths[0]:  # no observed output is ever used: a free run
            return self._simulate(Zx, starts, y0)
        Y = predict_steps_ahead(
            to_time_major(Zx, lengths, index),
            lengths,
            to_time_major(self._to_model(y), lengths, index),
            self._to_model(np.swapaxes(y0[perm], 0, 1)),
            self.estimator_.predict,
            feedback_index(self.n_output_lags_),
            k,
        )
        return self._from_model(from_time_major(Y, index))

    def _format(self, Y):
        return Y[:, 0] if self._y_1d else Y

    def predict(self, X, y=None, *, steps_ahead=None, y_init=None):
        """Simulate the model (free run), or predict k steps ahead.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs) or None
            The inputs: a series or a panel. None for a model fitted with
            ``X=None`` (then ``y`` is required).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs), \
                default=None
            Observed outputs, row-aligned with ``X``. None: free run, the
            model's own predictions are fed back for the whole of ``X``.
            Given: k-step-ahead predictions (``steps_ahead``, default 1).
        steps_ahead : int, default=None
            k: the prediction at t uses the observed outputs up to t - k and
            the model's own predictions after that. Needs ``y``; None means 1
            when ``y`` is given.
        y_init : float or array-like of shape (M,) or (M, n_outputs), \
                default=None
            The outputs before the first row of each series, oldest first
            (M = ``max(n_output_lags_)``); a scalar for all of them. None
            means ``y_mean_``.

        Returns
        -------
        y_pred : ndarray of shape (n_timesteps,) or (n_timesteps, n_outputs)
            One prediction per row, in row order; 1-D when ``fit`` had a 1-D
            ``y``.

        Examples
        --------
        >>> import numpy as np
        >>> from scipy.signal import lfilter
        >>> from sklearn.linear_model import LinearRegression
        >>> from skrnn import NARXRegressor
        >>> from skrnn.datasets import make_arx_system
        >>> X, y = make_arx_system(200, random_state=0)
        >>> narx = NARXRegressor(LinearRegression(), n_lags=1, padding="zero")
        >>> narx = narx.fit(X, y)
        >>> y_sim = narx.predict(X, y_init=0.0)  # from rest, as the system
        >>> truth = lfilter([1.0, 0.5], [1.0, -1.5, 0.7], X[:, 0])
        >>> bool(np.allclose(y_sim, truth))
        True
        >>> y_5 = narx.predict(X, y=y, steps_ahead=5, y_init=0.0)
        >>> bool(np.allclose(y_5, y))
        True
        """
        check_is_fitted(self)
        if X is None and y is None:
            raise ValueError(
                "X and y are both None. A model without inputs predicts from "
                "observed outputs, predict(None, y=y, steps_ahead=k); to run it "
                "into the future use forecast(n_steps)."
            )
        k = check_steps_ahead(steps_ahead, y)
        y0 = self._check_y_init(y_init)
        data = check_series(self, X, y, reset=False, allow_X_none=True)
        self._check_outputs(data)
        Zx = self._input_lags(data.X, data.starts)
        y0 = np.broadcast_to(y0, (data.n_series, *y0.shape))
        if y is None:
            Y = self._simulate(Zx, data.starts, y0)
        else:
            Y = self._steps_ahead(Zx, data.y, data.starts, y0, k)
        return self._format(data.restore_order(Y))

    def score(self, X, y, sample_weight=None):
        """R² of the free-run simulation.

        A one-step-ahead predictor can look good on a model that drifts away
        when its own outputs are fed back; the free run is the honest test of
        a dynamic model.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs) or None
            The inputs (None for a model fitted with ``X=None``: the free run
            from ``y_mean_`` for as many steps as ``y``).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The observed outputs.
        sample_weight : array-like of shape (n_timesteps,), default=None
            Weights of the rows.

        Returns
        -------
        score : float
            R² of ``predict(X)`` against ``y`` (averaged over outputs).

        Examples
        --------
        >>> from sklearn.linear_model import LinearRegression
        >>> from skrnn import NARXRegressor
        >>> from skrnn.datasets import make_arx_system
        >>> X, y = make_arx_system(300, noise=0.1, random_state=0)
        >>> narx = NARXRegressor(LinearRegression(), n_lags=1).fit(X, y)
        >>> round(narx.score(X, y), 2)
        0.99
        """
        check_is_fitted(self)
        data = check_series(self, X, y, reset=False, y_required=True, allow_X_none=True)
        self._check_outputs(data)
        y0 = self._check_y_init(None)
        y0 = np.broadcast_to(y0, (data.n_series, *y0.shape))
        Zx = self._input_lags(data.X, data.starts)
        y_pred = data.restore_order(self._simulate(Zx, data.starts, y0))
        y_true = data.restore_order(data.y)
        return float(r2_score(y_true, y_pred, sample_weight=sample_weight))

    # ------------------------------------------------------------- forecast

    def update(self, X_new, y_new):
        """Append newly observed rows, so that ``forecast`` continues them.

        The model's parameters do not change: ``update`` only moves the end
        of each series forward (its last inputs, outputs and time).

        Parameters
        ----------
        X_new : array-like of shape (n_new, n_inputs) or None
            The inputs that follow the data seen by ``fit`` (or the last
            ``update``); None for a model fitted with ``X=None``. For a panel,
            a DataFrame with a ``(series_id, time)`` MultiIndex; a series id
            not seen before starts a new series.
        y_new : array-like of shape (n_new,) or (n_new, n_outputs)
            The outputs observed with them.

        Returns
        -------
        self : NARXRegressor
            The model, with its series continued.

        Examples
        --------
        >>> from sklearn.linear_model import LinearRegression
        >>> from skrnn import NARXRegressor
        >>> from skrnn.datasets import make_arx_system
        >>> X, y = make_arx_system(300, random_state=0)
        >>> narx = NARXRegressor(LinearRegression(), n_lags=1).fit(X[:200], y[:200])
        >>> narx = narx.update(X[200:250], y[200:250])
        >>> y_next = narx.forecast(50, X_future=X[250:])
        >>> bool(np.allclose(y_next, y[250:]))
        True
        """
        check_is_fitted(self)
        data = check_series(
            self, X_new, y_new, reset=False, y_required=True, allow_X_none=True
        )
        self._check_outputs(data, "y_new")
        self._state = absorb(self._state, data, "X_new", type(self).__name__)
        return self

    def _future_inputs(self, n_steps, X_future):
        """The exogenous regressors of the next ``n_steps`` rows of each series.

        Returns the grouped regressors (series in the tail's order) and the
        time labels of ``X_future`` per series (or None).
        """
        tail = self._state
        name = type(self).__name__
        if len(self.n_lags_) == 0:
            if X_future is not None:
                raise ValueError(
                    f"{name} was fitted without exogenous input (X=None): call "
                    "forecast(n_steps) without X_future."
                )
            return np.empty((tail.n_series * n_steps, 0)), None
        if X_future is None:
            raise ValueError(
                f"{name} was fitted with {len(self.n_lags_)} exogenous input(s): "
                f"forecast needs their future values, X_future with n_steps="
                f"{n_steps} rows{' per series' if tail.ids is not None else ''}. "
                "Missing inputs are never filled in."
            )
        data = check_series(self, X_future, reset=False)
        X, starts, future, times = continue_inputs(tail, data, n_steps, name)
        return self._input_lags(X, starts)[future], times

    def _as_pandas(self, Y, index):
        if Y.ndim == 1:
            name = self._y_names[0] if self._y_names else None
            return pd.Series(Y, index=index, name=name)
        columns = self._y_names if self._y_names else None
        return pd.DataFrame(Y, index=index, columns=columns)

    def forecast(self, n_steps, X_future=None):
        """Continue every series seen by ``fit`` (or ``update``) ``n_steps`` steps.

        A free run that starts from the last observed outputs and inputs of
        each series.

        Parameters
        ----------
        n_steps : int
            Number of future steps, at least 1.
        X_future : array-like of shape (n_steps, n_inputs), default=None
            The future inputs: exactly ``n_steps`` rows, or for a panel a
            DataFrame with a ``(series_id, time)`` MultiIndex and ``n_steps``
            rows for every series. Required when the model has inputs
            (missing inputs are never filled in); must be None for a model
            fitted with ``X=None``.

        Returns
        -------
        y_future : ndarray, pandas Series or pandas DataFrame
            One series: an array of shape ``(n_steps,)`` or
            ``(n_steps, n_outputs)``; a pandas object on the continued time
            index when ``fit`` saw a regular ``DatetimeIndex`` (frequency
            set or inferred) or a ``PeriodIndex``, or on ``X_future``'s index
            when it is one. A panel: a pandas object with a
            ``(series_id, time)`` MultiIndex, ``n_steps`` rows per series in
            the order of ``fit``, with the times of ``X_future``, or the
            continued times (regular datetime, period or integer time
            levels), or else a ``step`` level 1 ... ``n_steps``. A Series for
            a 1-D ``y``, a DataFrame (columns named as ``y``'s) otherwise.

        Examples
        --------
        >>> import pandas as pd
        >>> from sklearn.linear_model import LinearRegression
        >>> from skrnn import NARXRegressor
        >>> from skrnn.datasets import make_arx_system
        >>> _, y = make_arx_system(200, n_inputs=1, noise=0.5, random_state=0)
        >>> y = pd.Series(y, index=pd.date_range("2024-01-01", periods=200),
        ...               name="load")
        >>> ar = NARXRegressor(LinearRegression()).fit(None, y)  # no inputs
        >>> y_next = ar.forecast(3)
        >>> y_next.index[0], y_next.name, y_next.shape
        (Timestamp('2024-07-19 00:00:00'), 'load', (3,))
        """
        check_is_fitted(self)
        n_steps = check_n_steps(n_steps)
        Zx, times = self._future_inputs(n_steps, X_future)
        tail = self._state
        starts = n_steps * np.arange(tail.n_series + 1, dtype=np.int64)
        Y = self._format(self._simulate(Zx, starts, tail.outputs))
        index = forecast_index(tail, n_steps, times, self._index_names)
        return Y if index is None else self._as_pandas(Y, index)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


@dataclass(frozen=True)
class _Series:
    """What ``fit``'s helpers read, computed once: the exogenous lags ``Zx``
    of every row, the outputs ``Y`` on the model's scale, where each series
    starts, the rows of history, and the training and held-out row ranges
    (:func:`~skrnn._series._shooting.split_rows`)."""

    Zx: np.ndarray
    Y: np.ndarray
    starts: np.ndarray
    history: int
    train: list
    held: list

    @property
    def whole(self):
        """Each series' simulated rows, ``[start + history, end)``."""
        bounds = zip(self.starts[:-1] + self.history, self.starts[1:], strict=True)
        return [(int(a), int(b)) for a, b in bounds]
