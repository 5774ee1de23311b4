"""The encoder–decoder: an input sequence mapped to an output sequence.

:class:`Seq2SeqRegressor` shares the recurrent estimators' solver
parameters and their one trainer (:mod:`skrnn._rnn._fitting`) -- epoch
loop, L-BFGS, early stopping, ``warm_start``, ``partial_fit`` -- and hands
it the encoder–decoder kernel of :mod:`skrnn._nn._seq2seq` through three
callables (``_take``, ``_chunks``, ``_validation_score``).
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._data import (
    align_output_sequences,
    check_future_inputs,
    check_output_sequences,
    check_sequence_weights,
    check_sequences,
)
from .._data._sklearn_compat import _fit_context
from .._nn._runtime import blas_limit
from .._nn._seq2seq import init_params, loss_and_grad, make_layout, predict
from .._nn._stack import unpack
from ._fitting import (
    NETWORK_CONSTRAINTS,
    SOLVER_CONSTRAINTS,
    check_hidden_sizes,
    check_solver,
    fit_parameters,
    start_record,
)
from ._standardise import Standardisation

__all__ = ["Seq2SeqRegressor"]


def _step_weights(lengths, sw, n_steps, dtype):
    """Weight of every output step: the sequence's weight, 0 past its length."""
    w = (np.arange(n_steps)[:, None] < lengths).astype(dtype)
    w *= sw
    return w


class Seq2SeqRegressor(RegressorMixin, BaseEstimator):
    """Encoder–decoder recurrent network for sequence-to-sequence regression.

    An encoder network reads each input sequence; its final state starts a
    decoder network, which emits an output sequence of its own length, one
    step at a time, each output fed back as the next step's input. This is
    the many-to-many, unaligned application of the state-space model:
    multi-horizon forecasting (encode the last 48 steps, emit the next 12),
    or any map from a sequence to a sequence of another length. The
    parameters are those of :class:`RNNRegressor` (without
    ``return_sequences`` and ``bptt_steps``) plus ``teacher_forcing``.

    ``X`` is a batch of input sequences, as for :class:`RNNRegressor`: a 3-D
    array ``(n_sequences, n_timesteps, n_features)``, a 2-D array of
    univariate sequences, a list of arrays of different lengths or a long
    DataFrame with a ``(sequence_id, time)`` MultiIndex. ``y`` holds one
    output sequence per input sequence: a 3-D array ``(n_sequences,
    n_steps, n_outputs)``, a 2-D array ``(n_sequences, n_steps)`` of
    univariate output sequences, a list of ``(n_steps_i, n_outputs)`` or
    ``(n_steps_i,)`` arrays of different lengths, a long DataFrame or Series,
    or a 1-D array ``(n_sequences,)``: one single-step output per sequence.

    Inputs known for the output steps themselves -- calendar effects,
    holidays, planned inputs over the forecast window -- go to the decoder
    as ``X_future`` (darts' ``future_covariates``, neuralforecast's
    ``futr_exog_list``): ``fit(X, y, X_future=F)``, ``predict(X,
    X_future=F)``, ``score(X, y, X_future=F)``, with one sequence of future
    inputs per input sequence, in any form ``X`` takes, and exactly one step
    per output step (``predict`` emits as many steps as ``X_future`` holds).
    The decoder's input at step s is then the fed-back output followed by
    the future inputs of step s, in training (teacher-forced or free
    running) and in prediction alike. They are a separate argument rather
    than extra columns of ``X`` because they belong to the output steps,
    whose number differs from the input's; ``X_future`` is the name
    :meth:`NARXRegressor.forecast` gives them too.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(32,)
        Units of each encoder layer. The decoder has the same layers (twice
        the units with ``bidirectional=True``); decoder layer k starts from
        the final state of encoder layer k.
    cell : {"elman", "gru", "lstm"}, default="elman"
        The recurrent cell of encoder and decoder.
    activation : {"tanh", "relu", "logistic", "identity"}, default="tanh"
        The state activation ψ.
    bidirectional : bool, default=False
        Run each encoder layer forward and backward in time; its final state
        is the forward state at the last step and the backward state at the
        first step.
    teacher_forcing : bool, default=True
        How the decoder is trained. True: each decoder step is fed the true
        previous output (teacher forcing; one pass over the whole decoder
        sequence). False: it is fed its own previous prediction, exactly as
        in :meth:`predict` (free running), and the gradient flows back
        through the fed-back outputs.
    solver : {"adam", "sgd", "lbfgs"}, default="adam"
        The optimizer. ``"lbfgs"`` works on the whole batch.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or "auto", default="auto"
        Sequences per mini-batch; ``"auto"`` is ``min(200, n_sequences)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule of ``solver="sgd"``, as in ``MLPRegressor``.
    learning_rate_init : float, default=1e-3
        The initial step size of ``"sgd"`` and ``"adam"``.
    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.
    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (L-BFGS).
    shuffle : bool, default=True
        Shuffle the sequences at every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the validation split.
    tol : float, default=1e-4
        Training stops when the loss (or the validation score) does not
        improve by ``tol`` for ``n_iter_no_change`` epochs.
    verbose : bool, default=False
        Print one line per epoch: loss, validation score, time.
    warm_start : bool, default=False
        Start ``fit`` from the current weights (the optimizer restarts).
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``solver="sgd"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the sequences, stop when the R²
        of their free-running predictions stops improving, and keep the best
        weights.
    validation_fraction : float, default=0.1
        Share of the sequences held out with ``early_stopping``.
    beta_1, beta_2 : float, default=0.9, 0.999
        Moment decay rates of ``solver="adam"``.
    epsilon : float, default=1e-8
        Numerical stability constant of ``solver="adam"``.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    max_fun : int, default=15000
        Maximum number of loss evaluations of ``solver="lbfgs"``.
    max_grad_norm : float or None, default=5.0
        Clip the gradient of every update to this Euclidean norm; None turns
        clipping off.
    scale_y : bool, default=True
        Standardise the output sequences before training: subtract the mean
        and divide by the standard deviation of each output, over every real
        output step of the training data (weighted by ``sample_weight``; an
        output of zero variance is divided by 1). Encoder and decoder then
        work on outputs of mean 0 and variance 1 whatever their unit -- the
        decoder is fed standardised outputs back -- and :meth:`predict` and
        :meth:`score` answer on the original scale; the training loss
        (``loss_``, ``loss_curve_``, ``best_loss_``) is that of the
        standardised outputs. ``warm_start`` fits and ``partial_fit`` keep
        the statistics of the first fit. False trains on ``y`` as given.

    Attributes
    ----------
    n_steps_ : int
        The longest output sequence seen in training: the number of steps
        :meth:`predict` emits by default.
    loss_ : float
        Loss of the last epoch (the average over its updates).
    loss_curve_ : list of float
        Loss at every epoch (L-BFGS: every iteration); it accumulates over
        ``warm_start`` fits and ``partial_fit`` calls.
    best_loss_ : float or None
        Lowest loss reached; None with ``early_stopping``.
    validation_scores_ : list of float or None
        Validation R² at every epoch with ``early_stopping``, else None.
    best_validation_score_ : float or None
        Best validation R² with ``early_stopping``, else None.
    n_iter_ : int
        Epochs (L-BFGS: iterations) run, over all fits and partial fits.
    t_ : int
        Training sequences seen by the stochastic solvers.
    n_features_in_ : int
        Features per input time step (for 2-D input: its number of columns).
    n_future_features_in_ : int
        Known future inputs per decoder step (0 when ``fit`` had no
        ``X_future``).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of the input, when it had string column names.
    n_layers_ : int
        Number of recurrent layers of the encoder (and of the decoder).
    n_outputs_ : int
        Outputs per decoder step.
    out_activation_ : str
        The output activation φ (``"identity"``).
    encoder_layers_ : list of dict
        The weights of each encoder layer, keyed by the cell's names (views
        of the packed parameters).
    decoder_layers_ : list of dict
        The weights of each decoder layer.
    layers_ : list of dict
        ``encoder_layers_ + decoder_layers_``.
    out_coef_ : ndarray of shape (n_units, n_outputs_)
        The output weights V, read from the decoder's last layer.
    out_intercept_ : ndarray of shape (n_outputs_,)
        The output intercept c.
    start_token_ : ndarray of shape (n_outputs_,)
        The learned input of the decoder's first step (a standardised
        output with ``scale_y=True``).
    y_mean_ : ndarray of shape (n_outputs_,)
        The mean subtracted from each output (0 with ``scale_y=False``).
    y_scale_ : ndarray of shape (n_outputs_,)
        The scale each output is divided by (1 with ``scale_y=False``).

    See Also
    --------
    RNNRegressor : One output per sequence, or one per input step.
    NARXRegressor : Feeds back past outputs of a series model.

    Notes
    -----
    With row vectors and a cell of :class:`RNNRegressor` (e.g. the Elman
    cell h_t = ψ(u_t U + h_{t-1} W + b)), for an input sequence
    :math:`x_0 … x_{T-1}` and an output sequence :math:`y_0 … y_{S-1}`:

    .. math::

        e_t = \\mathrm{cell}_{enc}(x_t, e_{t-1}), \\quad e_{-1} = 0; \\qquad
        d_s = \\mathrm{cell}_{dec}(u_s, d_{s-1}), \\quad d_{-1} = e_{T-1};

        \\hat y_s = d_s V + c, \\qquad
        u_0 = s_0, \\quad u_s = y_{s-1} \\text{ (teacher forcing) or }
        \\hat y_{s-1} \\text{ (free running)},

    layer by layer when stacked (decoder layer k starts from encoder layer
    k's final state, :math:`(h, c)` for the LSTM), with :math:`s_0` a
    learned start token (initially 0). With ``X_future`` the decoder reads
    :math:`[u_s, f_s]` in place of :math:`u_s`: the fed-back output followed
    by the known future inputs :math:`f_s` of step s, as given (they are not
    standardised); only the decoder's first layer grows. With
    ``scale_y=True`` (the default) :math:`y` here is the standardised
    output :math:`(y - m) / s` (``m`` and ``s`` being ``y_mean_`` and
    ``y_scale_``) and the prediction is :math:`\\hat y_s\\, s + m`. Training
    minimises, per mini-batch,

    .. math::

        \\frac{\\sum_{i,s} w_i \\tfrac12 \\lVert \\hat y_{is} - y_{is}
        \\rVert^2 + \\tfrac{\\alpha}{2} \\lVert \\text{weights} \\rVert^2}
        {\\sum_{i,s} w_i}

    over the valid output steps, by backpropagation through the decoder,
    the state handed over and the encoder. :meth:`predict` always runs free
    (each prediction is fed back). Padding never changes a result: the
    encoder holds its state past each input's length, and the causal
    decoder's steps past an output's length carry no weight.

    Teacher forcing (the default) trains fastest. Free running
    (``teacher_forcing=False``) optimises the multi-step prediction error
    itself, at the price of a step-by-step decoder in training; on the
    forecasting tasks we measured (sums of sines with noise, horizons 12 to
    48; the Mackey–Glass series, horizon 24) it was never better than
    teacher forcing and often harder to optimise, and scheduled sampling (a
    random mix of the two) gave no consistent gain, so it is not offered.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import Seq2SeqRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(200, 6))  # 200 univariate sequences
    >>> y = X[:, -1:] + 0.1 * np.arange(1, 4)  # continue with slope 0.1
    >>> reg = Seq2SeqRegressor(
    ...     hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=100,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2, 3)
    >>> reg.predict(X[:2], n_steps=5).shape
    (2, 5)
    >>> bool(reg.score(X, y) > 0.95)
    True

    A flag known for every output step (say, a holiday) shifts the outputs;
    only the decoder sees it:

    >>> flags = rng.integers(0, 2, size=(200, 3, 1))  # (n, output steps, 1)
    >>> y = 0.5 * X[:, -1:] + flags[..., 0]
    >>> reg = Seq2SeqRegressor(
    ...     hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=100,
    ...     random_state=0,
    ... ).fit(X, y, X_future=flags)
    >>> reg.n_future_features_in_
    1
    >>> reg.predict(X[:2], X_future=np.ones((2, 5, 1))).shape  # 5 steps
    (2, 5)
    >>> bool(reg.score(X, y, X_future=flags) > 0.95)
    True
    """

    _parameter_constraints: dict = {
        **NETWORK_CONSTRAINTS,
        "bidirectional": ["boolean"],
        "teacher_forcing": ["boolean"],
        **SOLVER_CONSTRAINTS,
        "scale_y": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(32,),
        *,
        cell="elman",
        activation="tanh",
        bidirectional=False,
        teacher_forcing=True,
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        max_grad_norm=5.0,
        scale_y=True,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.cell = cell
        self.activation = activation
        self.bidirectional = bidirectional
        self.teacher_forcing = teacher_forcing
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.max_grad_norm = max_grad_norm
        self.scale_y = scale_y

    # ------------------------------------------------------------------
    # Learned weights, as views of the one parameter vector
    # ------------------------------------------------------------------

    @property
    def encoder_layers_(self):
        """Weights of each encoder layer (views of the packed parameters)."""
        check_is_fitted(self, "_theta")
        return unpack(self._theta, self._layout.encoder)[0]

    @property
    def decoder_layers_(self):
        """Weights of each decoder layer (views of the packed parameters)."""
        check_is_fitted(self, "_theta")
        return unpack(self._theta, self._layout.decoder)[0]

    @property
    def layers_(self):
        """``encoder_layers_ + decoder_layers_``."""
        return self.encoder_layers_ + self.decoder_layers_

    @property
    def out_coef_(self):
        """Weights V of the output layer, ``(n_units, n_outputs_)``."""
        check_is_fitted(self, "_theta")
        return unpack(self._theta, self._layout.decoder)[1]["coef"]

    @property
    def out_intercept_(self):
        """Intercept c of the output layer, ``(n_outputs_,)``."""
        check_is_fitted(self, "_theta")
        return unpack(self._theta, self._layout.decoder)[1]["intercept"]

    @property
    def start_token_(self):
        """The decoder's input at its first step, ``(n_outputs_,)``."""
        check_is_fitted(self, "_theta")
        lo, hi, _ = self._layout.start
        return self._theta[lo:hi]

    # ------------------------------------------------------------------
    # Fitting: the one trainer, this model's batches
    # ------------------------------------------------------------------

    def _check_solver(self):
        return check_solver(self)

    def _score_outputs(self, P, Y, weights):
        """R² of free-running outputs over every valid output step."""
        P = P[: len(Y)]
        if not np.isfinite(P).all():
            return np.nan
        n_outputs = Y.shape[-1]
        return r2_score(
            Y.reshape(-1, n_outputs),
            P.reshape(-1, n_outputs),
            sample_weight=weights.reshape(-1),
        )

    def _validate(self, X, y, reset, X_future=None, method="fit"):
        """The input batch, with ``y`` as time-major output sequences.

        Also returns the output lengths, the form of ``y`` and the time-major
        future inputs (None without them).
        """
        if y is None:  # the boundary says so in scikit-learn's words
            check_sequences(self, X, reset=reset)
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        Y, lengths, form, ids = check_output_sequences(y, self)
        batch = check_sequences(self, X, "no_validation", reset=reset)
        batch.y, lengths = align_output_sequences(Y, lengths, ids, batch)
        future = self._check_future(X_future, batch, lengths, "y", method, reset)
        return batch, lengths, form, None if future is None else future[0]

    def _check_future(self, X_future, batch, steps, against, method, reset=False):
        """``(F, lengths, kind)`` of the future inputs (None without them).

        Raises unless they are given exactly when the fit had them, with its
        number of features, and ``steps`` steps (any, when None).
        """
        expected = 0 if reset else getattr(self, "n_future_features_in_", 0)
        name = type(self).__name__
        if X_future is None:
            if expected:
                raise ValueError(
                    f"This {name} was fitted with X_future ({expected} future "
                    f"inputs per decoder step): {method} needs X_future too, one "
                    "sequence of future inputs per input sequence."
                )
            return None
        if not reset and not expected:
            raise ValueError(
                f"X_future was given, but this {name} was fitted without future "
                "inputs (n_future_features_in_=0); fit it with X_future to use "
                "them."
            )
        return check_future_inputs(
            X_future,
            batch,
            n_features=expected or None,
            steps=steps,
            against=against,
            estimator=self,
        )

    def _fit(self, X, y, sample_weight=None, incremental=False, X_future=None):
        hidden = check_hidden_sizes(self.hidden_layer_sizes)
        first_pass = not hasattr(self, "_theta") or (
            not self.warm_start and not incremental
        )
        method = "partial_fit" if incremental else "fit"
        batch, out_lengths, form, F = self._validate(X, y, first_pass, X_future, method)
        Y = batch.y
        sw = check_sequence_weights(sample_weight, batch)
        weights = _step_weights(out_lengths, sw, Y.shape[0], batch.X.dtype)
        if not weights.sum() > 0:
            raise ValueError(
                "The targets have zero total weight: sample_weight must be "
                "positive for at least one sequence."
            )
        rng = check_random_state(self.random_state)
        if first_pass:
            self.n_outputs_ = Y.shape[-1]
            self.n_layers_ = len(hidden)
            self.out_activation_ = "identity"
            self.n_future_features_in_ = 0 if F is None else F.shape[2]
            self._layout = make_layout(
                self.cell,
                batch.X.shape[2],
                hidden,
                self.n_outputs_,
                self.bidirectional,
                self.n_future_features_in_,
            )
            self._theta = init_params(self._layout, rng, batch.X.dtype)
            start_record(self)
            self._y_form = form
            self.n_steps_ = int(out_lengths.max())
            stats = Standardisation.fit(
                Y, weights, axis=(0, 1), with_mean=self.scale_y, with_std=self.scale_y
            )
            self.y_mean_, self.y_scale_ = stats.mean, stats.scale
        else:
            if Y.shape[-1] != self.n_outputs_:
                raise ValueError(
                    f"y has {Y.shape[-1]} outputs per step but the fitted network "
                    f"has {self.n_outputs_}; refit without warm_start."
                )
            if (hidden, self.cell, bool(self.bidirectional)) != (
                self._layout.encoder.hidden_sizes,
                self._layout.encoder.cell,
                self._layout.encoder.bidirectional,
            ):
                raise ValueError(
                    "hidden_layer_sizes, cell and bidirectional cannot change between "
                    "warm-started fits; refit without warm_start."
                )
            self.n_steps_ = max(self.n_steps_, int(out_lengths.max()))
        dtype = self._theta.dtype
        arrays = (
            batch.X.astype(dtype, copy=False),
            self._y_standardisation().apply(Y).astype(dtype, copy=False),
            weights.astype(dtype, copy=False),
            None if F is None else F.astype(dtype, copy=False),
        )
        with blas_limit():
            fit_parameters(
                self,
                self._theta,
                (arrays, arrays),
                batch.lengths,
                take=self._take,
                chunks=self._chunks,
                score=self._validation_score,
                incremental=incremental,
                rng=rng,
                stratify=None,
            )
        return self

    def _y_standardisation(self):
        return Standardisation(self.y_mean_, self.y_scale_)

    def _feed(self, n_steps, n_sequences):
        """Which decoder steps see the true previous output (None: all)."""
        if self.teacher_forcing:
            return None
        return np.zeros((n_steps, n_sequences), dtype=bool)

    def _chunks(self, batch, grad, whole):
        """The batch's loss and gradient, in one piece (no truncation)."""
        X_tm, lengths, Y, weights, F = batch
        total = float(weights.sum())
        if total <= 0:
            return  # nothing to learn from this batch
        value, _ = loss_and_grad(
            self._theta,
            self._layout,
            X_tm,
            lengths,
            Y,
            weights,
            activation=self.activation,
            alpha=self.alpha,
            feed=self._feed(*weights.shape),
            X_future=F,
            grad=grad,
        )
        yield value, total

    def _validation_score(self, batch):
        X_tm, lengths, Y, weights, F = batch
        return self._score_outputs(self._outputs(X_tm, lengths, None, F), Y, weights)

    def _take(self, arrays, idx, lengths):
        """Sequences ``idx`` (sorted longest input first) of the batch.

        ``arrays`` is ``(X_tm, Y, weights, F)``, ``F`` the time-major future
        inputs or None; the batch is ``(X_tm, lengths, Y, weights, F)``.
        """
        idx = idx[np.argsort(-lengths[idx], kind="stable")]
        X_tm, Y, weights, F = arrays
        if len(idx) == len(lengths) and (idx[1:] > idx[:-1]).all():
            return X_tm, lengths, Y, weights, F  # everything, in order: no copy
        T = int(lengths[idx[0]])
        return (
            np.take(X_tm[:T], idx, axis=1),
            lengths[idx],
            np.take(Y, idx, axis=1),
            np.take(weights, idx, axis=1),
            None if F is None else np.take(F, idx, axis=1),
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_future=None):
        """Fit the encoder–decoder to input sequences ``X`` and outputs ``y``.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_timesteps, n_features), \
(n_sequences, n_timesteps), list of arrays or DataFrame
            The input sequences.
        y : array-like, list of arrays or DataFrame
            One output sequence per input sequence: ``(n_sequences, n_steps,
            n_outputs)``, ``(n_sequences, n_steps)`` (univariate), a list of
            ``(n_steps_i[, n_outputs])`` arrays of different lengths, a long
            DataFrame or Series with a ``(sequence_id, time)`` MultiIndex, or
            ``(n_sequences,)``: a single output step per sequence.
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence (each of its output steps gets it).
        X_future : array-like, list of arrays or DataFrame, default=None
            Known future inputs of the decoder's steps (calendar effects,
            planned inputs): one sequence per input sequence, with exactly
            as many steps as its output sequence, in any form of ``X``
            (``(n_sequences, n_steps, n_future_features)``, ``(n_sequences,
            n_steps)`` for one future input, a list of arrays, a long
            DataFrame). The decoder's input at step s is then the fed-back
            output followed by ``X_future[i, s]``. A model fitted with it
            needs it in :meth:`predict` and :meth:`score`, and only then.

        Returns
        -------
        self : Seq2SeqRegressor
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False, X_future=X_future)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, *, X_future=None):
        """Run one epoch over the given sequences.

        Only available for the stochastic solvers ``"sgd"`` and ``"adam"``.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences, as in :meth:`fit`.
        y : array-like, list of arrays or DataFrame
            The output sequences, as in :meth:`fit`.
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence.
        X_future : array-like, list of arrays or DataFrame, default=None
            The known future inputs, as in :meth:`fit`: required exactly when
            the first fit had them.

        Returns
        -------
        self : Seq2SeqRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True, X_future=X_future)

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------

    def _outputs(self, X_tm, lengths, n_steps=None, F=None):
        """Free-running outputs ``(n_steps, N, n_outputs)`` (trusted input).

        ``F`` holds the time-major future inputs (None without); ``n_steps``
        None emits ``n_steps_`` steps, or as many as ``F`` has.
        """
        dtype = np.result_type(X_tm.dtype, self._theta.dtype)
        if n_steps is None:
            n_steps = self.n_steps_ if F is None else F.shape[0]
        with blas_limit():
            return predict(
                self._theta.astype(dtype, copy=False),
                self._layout,
                X_tm.astype(dtype, copy=False),
                lengths,
                n_steps,
                activation=self.activation,
                X_future=None if F is None else F.astype(dtype, copy=False),
            )

    def _check_n_steps(self, n_steps, n_sequences):
        """``(steps to run, per-sequence lengths or None)``."""
        if n_steps is None:
            return self.n_steps_, None
        if isinstance(n_steps, Integral) and not isinstance(n_steps, bool):
            if n_steps < 1:
                raise ValueError(f"n_steps must be at least 1, got {n_steps}.")
            return int(n_steps), None
        steps = np.asarray(n_steps)
        if (
            steps.ndim != 1
            or steps.dtype.kind not in "iu"
            or len(steps) != n_sequences
            or (steps < 1).any()
        ):
            raise ValueError(
                "n_steps must be None, a positive int, or one positive int per "
                f"input sequence ({n_sequences}); got {n_steps!r}."
            )
        return int(steps.max()), steps

    def predict(self, X, n_steps=None, *, X_future=None):
        """Emit output sequences, feeding back each prediction.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences, of any length.
        n_steps : int, array-like of int or None, default=None
            Output steps to emit: one number for every sequence, or one per
            sequence (then a list is returned). None emits ``n_steps_`` (the
            longest output seen in training) -- and, after a fit on 1-D
            ``y``, one value per sequence, shaped like that ``y``. With
            ``X_future``, None emits as many steps as ``X_future`` holds.
        X_future : array-like, list of arrays or DataFrame, default=None
            The known future inputs of the steps to emit, required exactly
            when ``fit`` had them: one sequence per input sequence, in any
            form :meth:`fit` accepts, with exactly ``n_steps`` steps (or
            ``n_steps[i]``). With ``n_steps=None`` an array gives its number
            of steps to every sequence, and a list or a long DataFrame gives
            each sequence its own (a list is then returned).

        Returns
        -------
        y : ndarray or list of ndarray
            ``(n_sequences, n_steps, n_outputs)``, or ``(n_sequences,
            n_steps)`` when ``fit`` saw univariate output sequences (a 2-D
            array, 1-D arrays or a Series), or ``(n_sequences,)`` after a fit
            on 1-D ``y`` with ``n_steps=None``. With one ``n_steps`` per
            sequence, a list of ``(n_steps_i[, n_outputs])`` arrays. The
            order is that of the input sequences (for a long DataFrame: of
            first appearance).
        """
        check_is_fitted(self, "_theta")
        batch = check_sequences(self, X, reset=False)
        if X_future is not None and n_steps is None:  # the steps X_future has
            F, lengths, kind = self._check_future(X_future, batch, None, "", "predict")
            steps = F.shape[0]
            per_sequence = lengths if kind in ("list", "frame") else None
        else:
            steps, per_sequence = self._check_n_steps(n_steps, batch.n_sequences)
            if per_sequence is None:
                required = np.full(batch.n_sequences, steps, dtype=np.int64)
            else:
                required = per_sequence
            future = self._check_future(X_future, batch, required, "n_steps", "predict")
            F = None if future is None else future[0]
        P = self._y_standardisation().invert(
            np.swapaxes(self._outputs(batch.X, batch.lengths, steps, F), 0, 1)
        )
        if self._y_form != "multivariate":
            P = P[..., 0]
            if (
                self._y_form == "scalar"
                and n_steps is None
                and (X_future is None or (per_sequence is None and steps == 1))
            ):
                P = P[:, 0]
        if per_sequence is not None:
            return [np.ascontiguousarray(P[i, :k]) for i, k in enumerate(per_sequence)]
        return np.ascontiguousarray(P)

    def score(self, X, y, sample_weight=None, *, X_future=None):
        """Coefficient of determination R² of the free-running predictions.

        R² is computed over every valid output step of every sequence, per
        output, and averaged over the outputs; for 1-D ``y`` it is the usual
        R² of one value per sequence.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences.
        y : array-like, list of arrays or DataFrame
            The true output sequences, in any form :meth:`fit` accepts; as
            many steps are emitted as the longest of them has.
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence.
        X_future : array-like, list of arrays or DataFrame, default=None
            The known future inputs, as in :meth:`fit`: one step per output
            step of ``y``; required exactly when ``fit`` had them.

        Returns
        -------
        score : float
            R² of the predictions against ``y``.
        """
        check_is_fitted(self, "_theta")
        batch, lengths, _, F = self._validate(X, y, False, X_future, "score")
        Y = batch.y
        if Y.shape[-1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[-1]} outputs per step but the network has "
                f"{self.n_outputs_}."
            )
        sw = check_sequence_weights(sample_weight, batch, dtype=np.float64)
        w = _step_weights(lengths, sw, Y.shape[0], np.float64)
        P = self._outputs(batch.X, batch.lengths, Y.shape[0], F)
        return float(self._score_outputs(self._y_standardisation().invert(P), Y, w))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True  # a 2-D y: univariate sequences
        return tags
