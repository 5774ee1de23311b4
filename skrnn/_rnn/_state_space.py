"""The state-space model of a series: a simulator trained on its simulation error."""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._data import (
    check_n_outputs,
    check_n_steps,
    check_series,
    check_steps_ahead,
)
from .._data._future import forecast_index, future_groups
from .._data._sklearn_compat import Interval, _fit_context
from .._data._time_index import index_names
from .._nn._stack import make_layout
from ._fitting import NETWORK_CONSTRAINTS, SOLVER_CONSTRAINTS, check_hidden_sizes
from ._series_state import absorb, empty_state
from ._subsequences import (
    Network,
    Settings,
    cut_subsequences,
    encode,
    simulate,
    train_restart,
    windows,
)

__all__ = ["StateSpaceRegressor"]


def _time_major(X, starts):
    """Grouped rows of series ``starts`` as zero-padded ``(T, n_series, F)``."""
    lengths = np.diff(starts)
    out = np.zeros((int(lengths.max()), len(lengths), X.shape[1]))
    for k, (a, b) in enumerate(zip(starts[:-1], starts[1:], strict=True)):
        out[: b - a, k] = X[a:b]
    return out, lengths


def _grouped(Y_tm, starts):
    """The inverse of :func:`_time_major`: grouped rows out of ``(T, N, F)``."""
    lengths = np.diff(starts)
    return np.concatenate([Y_tm[:L, k] for k, L in enumerate(lengths)])


class StateSpaceRegressor(RegressorMixin, BaseEstimator):
    r"""State-space recurrent model of a series, trained on its simulation error.

    A simulator of ``y`` from the inputs alone: a hidden state carried
    through time, h_t = ψ(x_t U + h_{t-1} W + b) (or a GRU or LSTM cell,
    stacked layers), and ŷ_t = h_t V + c. Rows are time steps of one series,
    or of a panel (a DataFrame with a ``(series_id, time)`` MultiIndex).
    The API is :class:`NARXRegressor`'s: ``fit``, ``predict(X)`` (free
    run), ``predict(X, y=y, steps_ahead=k)``, ``update``, ``forecast`` and
    ``score`` (R² of the free run).

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(32,)
        Units of each recurrent layer.
    cell : {"gru", "lstm", "elman"}, default="gru"
        The recurrent cell (see :class:`RNNRegressor`).
    activation : {"tanh", "relu", "logistic", "identity"}, default="tanh"
        The state activation ψ (``"identity"`` with ``cell="elman"`` is a
        linear state-space model).
    subsequence_length : int, default=128
        Training cuts each series into subsequences of this many rows
        (shorter series: the whole series), half-overlapping, each simulated
        from the inputs alone with the state carried through it.
    warmup : int, default=16
        The first ``warmup`` steps (at most half) of a subsequence that
        starts from the zero state -- one without ``init_window`` rows of
        history before it -- carry no loss: they only warm the state up. A
        subsequence that starts from the encoder's state carries loss from
        its first step, which is what trains the encoder.
    init_window : int, default=16
        The initialisation window: the encoder estimates the state from the
        ``init_window`` inputs and outputs before a subsequence (Notes).
        Subsequences with less history start from the zero state. 0: no
        encoder, every simulation starts from the zero state (and
        ``predict`` with ``y`` is not available).
    bptt_steps : int or None, default=None
        Truncated backpropagation through time within each subsequence: the
        weights are updated after every chunk of this many steps. None:
        whole subsequences. The encoder learns from the first chunk only.
    alpha : float, default=1e-4
        L2 penalty on the weights (network and encoder).
    batch_size : int, default=32
        Subsequences per mini-batch.
    learning_rate_init : float, default=3e-3
        Adam's step size.
    max_iter : int, default=500
        Maximum number of epochs.
    tol : float, default=1e-4
        Least improvement of the validation R² (or, without validation, of
        the training loss) that counts.
    n_iter_no_change : int, default=50
        Epochs without improvement before stopping. The free-run R² of the
        held-out rows is noisy from epoch to epoch and a short record gives
        few updates per epoch, so the patience is long (the user guide's
        system-identification page has the figures).
    early_stopping : bool, default=True
        Hold out the last ``validation_fraction`` of every series, stop when
        the R² of its free run (from the state the encoder estimates from
        the rows before it) stops improving, and keep the best weights. When
        this holds out fewer than 10 rows in all, training runs on every row
        and judges by the training loss.
    validation_fraction : float, default=0.1
        The share of each series held out with ``early_stopping``.
    max_grad_norm : float or None, default=5.0
        Clip every gradient to this Euclidean norm; None for no clipping.
    shuffle : bool, default=True
        Shuffle the subsequences at every epoch.
    n_init : int, default=1
        Restarts: fits from this many seeds (drawn from ``random_state``),
        keeping the best on validation (without validation: the lowest
        final training loss).
    n_jobs : int or None, default=None
        Restarts run in parallel through joblib; under joblib's dask backend
        they spread over a cluster's workers.
    random_state : int, RandomState instance or None, default=None
        Seeds the restarts.
    verbose : bool, default=False
        Print one line per epoch.

    Attributes
    ----------
    n_features_in_ : int
        Number of input columns seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Input column names, when ``X`` had string column names.
    n_outputs_ : int
        Number of outputs.
    loss_curve_ : list of float
        The training loss (standardised scale) of every epoch of the kept
        restart.
    validation_scores_ : list of float or None
        The held-out free-run R² of every epoch (None without validation).
    best_validation_score_ : float or None
        The best of them: that of the kept weights.
    best_loss_ : float or None
        The lowest training loss (None with validation).
    n_iter_ : int
        Epochs run by the kept restart.
    restart_scores_ : ndarray of shape (n_init,)
        Per restart, its best validation R² (or minus its final training
        loss).

    See Also
    --------
    NARXRegressor : Output feedback instead of a hidden state.
    RNNRegressor : The same networks for a batch of sequences.

    Notes
    -----
    With the inputs and outputs standardised (training statistics), the
    model is

    .. math:: h_t = \mathrm{cell}(x_t, h_{t-1}), \qquad \hat y_t = h_t V + c,
              \qquad h_{s-1} = \tanh(z_s E + e)

    where ``z_s`` is the flattened window of the ``init_window`` inputs and
    outputs before row ``s`` (every layer's state comes from it). Training
    minimises the simulation error of the subsequences after their warm-up,
    plus the L2 penalty, by Adam.

    - ``predict(X)``: the free run from the zero state over all of ``X``.
    - ``predict(X, y=y, steps_ahead=k)``: the prediction at t starts from the
      state the encoder estimates from rows t-k-w+1 … t-k (w =
      ``init_window``) and runs the k steps to t on the inputs; where that
      window reaches before the first row it is the free run.
    - ``update``/``forecast``: the state after the last observed row of each
      series is the encoder's estimate from its last ``init_window`` rows
      (or, for a series shorter than that, the free run over it); the
      forecast simulates on from it.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.signal import lfilter
    >>> from skrnn import StateSpaceRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.standard_normal((2000, 1))
    >>> y = lfilter([0.0, 0.5], [1.0, -0.8], X[:, 0])
    >>> model = StateSpaceRegressor(4, cell="elman", activation="identity",
    ...                             batch_size=8, learning_rate_init=1e-2,
    ...                             random_state=0).fit(X, y)
    >>> bool(model.score(X, y) > 0.99)
    True
    """

    _parameter_constraints: dict = {
        **NETWORK_CONSTRAINTS,
        "subsequence_length": [Interval(Integral, 1, None, closed="left")],
        "warmup": [Interval(Integral, 0, None, closed="left")],
        "init_window": [Interval(Integral, 0, None, closed="left")],
        "bptt_steps": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [Integral, None],
        **{
            key: SOLVER_CONSTRAINTS[key]
            for key in (
                "alpha",
                "learning_rate_init",
                "max_iter",
                "tol",
                "n_iter_no_change",
                "early_stopping",
                "validation_fraction",
                "max_grad_norm",
                "shuffle",
                "random_state",
                "verbose",
            )
        },
    }

    def __init__(
        self,
        hidden_layer_sizes=(32,),
        *,
        cell="gru",
        activation="tanh",
        subsequence_length=128,
        warmup=16,
        init_window=16,
        bptt_steps=None,
        alpha=1e-4,
        batch_size=32,
        learning_rate_init=3e-3,
        max_iter=500,
        tol=1e-4,
        n_iter_no_change=50,
        early_stopping=True,
        validation_fraction=0.1,
        max_grad_norm=5.0,
        shuffle=True,
        n_init=1,
        n_jobs=None,
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.cell = cell
        self.activation = activation
        self.subsequence_length = subsequence_length
        self.warmup = warmup
        self.init_window = init_window
        self.bptt_steps = bptt_steps
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.max_grad_norm = max_grad_norm
        self.shuffle = shuffle
        self.n_init = n_init
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose

    # ---------------------------------------------------------------- fit

    def _x(self, X):
        return (X - self._x_mean) / self._x_scale

    def _y(self, y):
        return (y - self._y_mean) / self._y_scale

    def _y_back(self, y):
        return y * self._y_scale + self._y_mean

    def _split(self, data):
        """Training and held-out rows of each series (grouped starts)."""
        lengths = data.lengths
        n_val = np.zeros_like(lengths)
        if self.early_stopping:
            n_val = np.floor(self.validation_fraction * lengths).astype(np.int64)
            n_val = np.minimum(n_val, lengths - 1)
            if n_val.sum() < 10:
                n_val[:] = 0
        return lengths - n_val, n_val

    def _validation(self, Xs, Ys, starts, n_train, n_val):
        """Held-out ends of the series as one time-major batch, or None."""
        keep = np.flatnonzero(n_val > 0)
        if not len(keep):
            return None
        firsts = starts[:-1][keep] + n_train[keep]
        vstarts = np.concatenate([[0], np.cumsum(n_val[keep])])
        rows = np.concatenate(
            [np.arange(f, f + v) for f, v in zip(firsts, n_val[keep], strict=True)]
        )
        X_tm, lengths = _time_major(Xs[rows], vstarts)
        Y_tm, _ = _time_major(Ys[rows], vstarts)
        W = self.init_window
        known = (n_train[keep] >= W) & (W > 0)
        W_tm = np.zeros(X_tm.shape[:2])
        for k, L in enumerate(lengths):
            W_tm[0 if known[k] else min(self.warmup, L // 2) : L, k] = 1.0
        if W and known.any():
            Z = windows(Xs, Ys, np.where(known, firsts, firsts[known][0]), W)
        else:
            Z = np.zeros((len(keep), self._net.encoder_inputs))
        return X_tm, Y_tm, W_tm, Z, known, lengths

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the network on the simulation error of subsequences.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            The inputs: a series, or a panel (DataFrame with a
            ``(series_id, time)`` MultiIndex).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The observed output, row-aligned with ``X``.

        Returns
        -------
        self : StateSpaceRegressor
            The fitted model.
        """
        data = check_series(self, X, y, reset=True, y_required=True)
        hidden = check_hidden_sizes(self.hidden_layer_sizes)
        self.n_outputs_ = data.y.shape[1]
        self._x_mean, self._x_scale = _moments(data.X)
        self._y_mean, self._y_scale = _moments(data.y)
        Xs, Ys = self._x(data.X), self._y(data.y)
        layout = make_layout(self.cell, Xs.shape[1], hidden, self.n_outputs_)
        self._net = Network(
            layout, self.activation, self.init_window, Xs.shape[1], self.n_outputs_
        )
        n_train, n_val = self._split(data)
        rows = np.concatenate(
            [
                np.arange(a, a + n)
                for a, n in zip(data.starts[:-1], n_train, strict=True)
            ]
        )
        batch = cut_subsequences(
            Xs[rows],
            Ys[rows],
            np.concatenate([[0], np.cumsum(n_train)]),
            length=self.subsequence_length,
            warmup=self.warmup,
            window=self.init_window,
        )
        validation = self._validation(Xs, Ys, data.starts, n_train, n_val)
        settings = Settings(
            alpha=self.alpha,
            bptt_steps=self.bptt_steps,
            batch_size=self.batch_size,
            learning_rate_init=self.learning_rate_init,
            max_iter=self.max_iter,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            max_grad_norm=self.max_grad_norm,
            shuffle=self.shuffle,
            verbose=self.verbose,
        )
        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=self.n_init)
        results = Parallel(n_jobs=self.n_jobs)(
            delayed(train_restart)(self._net, settings, batch, validation, seed)
            for seed in seeds
        )
        if validation is not None:
            scores = [r.best_validation_score for _, r, _ in results]
        else:
            scores = [-r.loss_curve[-1] for _, r, _ in results]
        scores = np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf)
        best = int(np.argmax(scores))
        self._theta, record, converged = results[best]
        self.restart_scores_ = scores
        self.loss_curve_ = record.loss_curve
        self.validation_scores_ = record.validation_scores
        self.best_validation_score_ = record.best_validation_score
        self.best_loss_ = record.best_loss
        self.n_iter_ = record.n_iter
        if not converged:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self._y_1d, self._y_names = data.y_1d, data.y_names
        self._index_names = index_names(X, y)
        carried = empty_state(data.ids is not None, self.init_window)
        self._state = absorb(carried, data, self._advance, owner=type(self).__name__)
        return self

    # ------------------------------------------------------------ simulate

    def _free_run(self, Xs, starts, S0=None):
        """Free run of grouped scaled inputs; grouped scaled outputs, final states."""
        X_tm, lengths = _time_major(Xs, starts)
        if S0 is None:
            S0 = np.zeros((len(lengths), self._net.state_size))
        with np.errstate(over="ignore", invalid="ignore"):
            Y_tm, final = simulate(self._net, self._theta, X_tm, lengths, S0)
        return _grouped(Y_tm, starts), final

    def _encode(self, x, y):
        """The state after the rows of the window ``(x, y)`` (original units)."""
        Z = np.hstack([self._x(x), self._y(y)]).reshape(1, -1)
        return encode(self._net, self._theta, Z, [True])[0]

    def _advance(self, state, X_new, x_kept, y_kept, n_seen):
        """The state after new rows: the encoder's, or the free run's."""
        if self.init_window and n_seen >= self.init_window:
            return self._encode(x_kept, y_kept)
        S0 = None if state is None else state[None]
        starts = np.array([0, len(X_new)])
        return self._free_run(self._x(X_new), starts, S0)[1][0]

    def _steps_ahead(self, Xs, Ys, starts, k, Y_free):
        """k-step-ahead predictions (scaled), the free run where no window fits."""
        W = self.init_window
        Y = Y_free.copy()
        ends = np.concatenate(
            [
                np.arange(a + W, b - k + 1)
                for a, b in zip(starts[:-1], starts[1:], strict=True)
            ]
        ).astype(np.int64)
        block = max(1, 2**20 // (k * (Xs.shape[1] + self._net.state_size)))
        for i in range(0, len(ends), block):
            e = ends[i : i + block]
            X_tm = np.ascontiguousarray(Xs[e[:, None] + np.arange(k)].swapaxes(0, 1))
            S0 = encode(self._net, self._theta, windows(Xs, Ys, e, W), np.ones(len(e)))
            with np.errstate(over="ignore", invalid="ignore"):
                out, _ = simulate(self._net, self._theta, X_tm, np.full(len(e), k), S0)
            Y[e + k - 1] = out[-1]
        return Y

    def _check_outputs(self, data, name="y"):
        check_n_outputs(data, self.n_outputs_, type(self).__name__, name)

    def _format(self, Y):
        if not np.isfinite(Y).all():
            warnings.warn(
                "The simulation diverged (it produced infinity or NaN).",
                RuntimeWarning,
                stacklevel=3,
            )
        return Y[:, 0] if self._y_1d else Y

    def predict(self, X, y=None, *, steps_ahead=None):
        """Simulate the model from the inputs (free run), or predict k steps ahead.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            The inputs: a series or a panel.
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs), \
                default=None
            Observed outputs, row-aligned with ``X``. None: the free run from
            the zero state. Given: k-step-ahead predictions.
        steps_ahead : int, default=None
            k: the prediction at t starts from the state estimated from the
            observed window ending at t - k. Needs ``y``; None means 1 when
            ``y`` is given.

        Returns
        -------
        y_pred : ndarray of shape (n_timesteps,) or (n_timesteps, n_outputs)
            One prediction per row, in row order.
        """
        check_is_fitted(self)
        k = check_steps_ahead(steps_ahead, y)
        if y is not None and self.init_window == 0:
            raise ValueError(
                "predict with observed outputs y needs the encoder, but "
                "init_window=0: the model cannot start from measured history."
            )
        data = check_series(self, X, y, reset=False)
        self._check_outputs(data)
        Xs = self._x(data.X)
        Y, _ = self._free_run(Xs, data.starts)
        if y is not None:
            Y = self._steps_ahead(Xs, self._y(data.y), data.starts, k, Y)
        return self._format(data.restore_order(self._y_back(Y)))

    def score(self, X, y, sample_weight=None):
        """R² of the free-run simulation.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_inputs)
            The inputs.
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_outputs)
            The observed outputs.
        sample_weight : array-like of shape (n_timesteps,), default=None
            Weights of the rows.

        Returns
        -------
        score : float
            R² of ``predict(X)`` against ``y`` (averaged over outputs).
        """
        check_is_fitted(self)
        data = check_series(self, X, y, reset=False, y_required=True)
        self._check_outputs(data)
        Y, _ = self._free_run(self._x(data.X), data.starts)
        y_pred = data.restore_order(self._y_back(Y))
        y_true = data.restore_order(data.y)
        return float(r2_score(y_true, y_pred, sample_weight=sample_weight))

    # ------------------------------------------------------------ forecast

    def update(self, X_new, y_new):
        """Append newly observed rows, so that ``forecast`` continues them.

        The parameters do not change: only the state carried for each series
        moves on.

        Parameters
        ----------
        X_new : array-like of shape (n_new, n_inputs)
            The inputs that follow the data seen by ``fit`` (or the last
            ``update``); a panel as in ``fit`` (a new series id starts a new
            series).
        y_new : array-like of shape (n_new,) or (n_new, n_outputs)
            The outputs observed with them.

        Returns
        -------
        self : StateSpaceRegressor
            The model, with its series continued.
        """
        check_is_fitted(self)
        data = check_series(self, X_new, y_new, reset=False, y_required=True)
        self._check_outputs(data, "y_new")
        name = type(self).__name__
        self._state = absorb(self._state, data, self._advance, "X_new", name)
        return self

    def forecast(self, n_steps, X_future):
        """Continue every series seen by ``fit`` (or ``update``) ``n_steps`` steps.

        A free run from the state carried for each series.

        Parameters
        ----------
        n_steps : int
            Number of future steps, at least 1.
        X_future : array-like of shape (n_steps, n_inputs)
            The future inputs: exactly ``n_steps`` rows, or for a panel a
            DataFrame with a ``(series_id, time)`` MultiIndex and ``n_steps``
            rows for every series.

        Returns
        -------
        y_future : ndarray, pandas Series or pandas DataFrame
            As :meth:`NARXRegressor.forecast`: an array, or a pandas object on
            the continued time index when ``fit`` saw dates or periods (a
            panel: a ``(series_id, time)`` MultiIndex).
        """
        check_is_fitted(self)
        n_steps = check_n_steps(n_steps)
        name = type(self).__name__
        if X_future is None:
            raise ValueError(
                f"{name} needs the future inputs: X_future with n_steps={n_steps} "
                "rows. Missing inputs are never filled in."
            )
        carried = self._state
        data = check_series(self, X_future, reset=False)
        groups, times = future_groups(carried, data, int(n_steps), name)
        rows = np.concatenate(
            [np.arange(data.starts[g], data.starts[g + 1]) for g in groups]
        )
        starts = n_steps * np.arange(carried.n_series + 1, dtype=np.int64)
        S0 = np.stack(carried.state)
        Y, _ = self._free_run(self._x(data.X[rows]), starts, S0)
        Y = self._format(self._y_back(Y))
        index = forecast_index(carried, int(n_steps), times, self._index_names)
        if index is None:
            return Y
        if Y.ndim == 1:
            return pd.Series(Y, index=index, name=(self._y_names or [None])[0])
        return pd.DataFrame(Y, index=index, columns=self._y_names)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _moments(A):
    """Column means and standard deviations (1 where a column is constant)."""
    mean = A.mean(axis=0)
    scale = A.std(axis=0)
    scale[~(scale > 1e-12 * np.maximum(1.0, np.abs(mean)))] = 1.0
    return mean, scale
