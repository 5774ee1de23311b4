"""Training machinery shared by RNNRegressor and RNNClassifier.

One ``_fit(X, y, sample_weight, incremental)`` serves ``fit`` and
``partial_fit``: validate at the door (:func:`~skrnn._data.check_sequences`),
encode the targets (the subclass's job), then run the stochastic solvers over
mini-batches of sequences -- chunk by chunk with truncated BPTT -- or L-BFGS
on the whole batch. The kernels live in :mod:`skrnn._nn._stack`, the
optimizers in :mod:`skrnn._nn._optimizers`.
"""

import time
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils.validation import check_is_fitted

from .._data import check_sequence_weights, check_sequences
from .._data._sklearn_compat import (
    Interval,
    Options,
    StrOptions,
    _check_optimize_result,
)
from .._nn._activations import ACTIVATIONS, OUTPUT_OF_LOSS
from .._nn._optimizers import OPTIMIZERS, clip_grad_norm, minimize_lbfgs
from .._nn._runtime import blas_limit
from .._nn._stack import (
    CELLS,
    bptt_chunks,
    init_params,
    loss_and_grad,
    make_layout,
    predict,
    unpack,
)

__all__ = ["BaseRNN"]

_STOCHASTIC_SOLVERS = ("sgd", "adam")


class BaseRNN(BaseEstimator, metaclass=ABCMeta):
    """Base class of the recurrent estimators; use the subclasses."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "cell": [StrOptions({"elman", "gru", "lstm"})],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "return_sequences": ["boolean"],
        "bidirectional": ["boolean"],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "bptt_steps": [Interval(Integral, 1, None, closed="left"), None],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes=(32,),
        *,
        cell="elman",
        activation="tanh",
        return_sequences=False,
        bidirectional=False,
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
        bptt_steps=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.cell = cell
        self.activation = activation
        self.return_sequences = return_sequences
        self.bidirectional = bidirectional
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
        self.bptt_steps = bptt_steps

    # ------------------------------------------------------------------
    # What the subclasses provide
    # ------------------------------------------------------------------

    @abstractmethod
    def _encode_targets(self, batch, first_pass, incremental):
        """Float targets and per-target class weights (or None).

        Returns ``(Y, loss, class_weights)``: ``Y`` is ``(N, n_outputs)``
        (many-to-one) or time-major ``(T, N, n_outputs)``; ``loss`` the key of
        the loss; ``class_weights`` None or an array shaped like the target
        weights, ``(N,)`` or ``(T, N)``.
        """

    @abstractmethod
    def _score_outputs(self, P, Y, weights):
        """Validation score (higher is better) of network outputs ``P``."""

    # ------------------------------------------------------------------
    # Learned weights, as views of the one parameter vector
    # ------------------------------------------------------------------

    @property
    def layers_(self):
        """Weights of each recurrent layer (views of the packed parameters)."""
        check_is_fitted(self, "_theta")
        return unpack(self._theta, self._layout)[0]

    @property
    def out_coef_(self):
        """Weights V of the output layer, ``(hidden_layer_sizes[-1], n_outputs_)``.

        With ``bidirectional=True`` it has twice as many rows: the forward
        states' weights, then the backward states'.
        """
        check_is_fitted(self, "_theta")
        return unpack(self._theta, self._layout)[1]["coef"]

    @property
    def out_intercept_(self):
        """Intercept c of the output layer, ``(n_outputs_,)``."""
        check_is_fitted(self, "_theta")
        return unpack(self._theta, self._layout)[1]["intercept"]

    # ------------------------------------------------------------------
    # Fitting
    # ------------------------------------------------------------------

    def _check_solver(self):
        if self.solver not in _STOCHASTIC_SOLVERS:
            raise AttributeError(
                "partial_fit is only available for stochastic optimizers "
                f"('sgd', 'adam'); solver={self.solver!r} is not stochastic."
            )
        return True

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
        if not sizes or any(
            not isinstance(h, Integral) or isinstance(h, bool) or h < 1 for h in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must be a positive int or a non-empty sequence "
                f"of positive ints, got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(h) for h in sizes)

    def _check_architecture(self):
        if self.cell not in CELLS:
            raise ValueError(
                f"cell={self.cell!r} is not implemented yet in this version of "
                f"skrnn; available cells: {sorted(CELLS)}."
            )
        if self.bidirectional and self.bptt_steps is not None:
            raise ValueError(
                "bptt_steps cannot be used with bidirectional=True: the backward "
                "direction needs each whole sequence, so truncated BPTT has no "
                "meaning there. Use bptt_steps=None or bidirectional=False."
            )
        if self.solver == "lbfgs" and self.bptt_steps is not None:
            raise ValueError(
                "bptt_steps needs a stochastic solver ('adam' or 'sgd'): L-BFGS "
                "needs the exact gradient of the whole loss. Use bptt_steps=None "
                "with solver='lbfgs'."
            )

    def _target_weights(self, batch, sample_weight, class_weights):
        """Weight of every target: sample weight x class weight x mask."""
        sw = check_sequence_weights(sample_weight, batch)
        if self.return_sequences:
            T = batch.X.shape[0]
            w = (np.arange(T)[:, None] < batch.lengths).astype(batch.X.dtype)
            w *= sw
        else:
            w = sw.copy()
        sample_only = w
        if class_weights is not None:
            w = w * class_weights
        if not w.sum() > 0:
            raise ValueError(
                "The targets have zero total weight: sample_weight (times "
                "class_weight) must be positive for at least one sequence."
            )
        return w, sample_only

    def _fit(self, X, y, sample_weight=None, incremental=False):
        hidden = self._hidden_sizes()
        self._check_architecture()
        first_pass = not hasattr(self, "_theta") or (
            not self.warm_start and not incremental
        )
        batch = check_sequences(
            self,
            X,
            y,
            reset=first_pass,
            return_sequences=self.return_sequences,
            y_numeric=not is_classifier(self),
        )
        Y, loss, class_weights = self._encode_targets(batch, first_pass, incremental)
        weights, sample_only = self._target_weights(batch, sample_weight, class_weights)
        rng = check_random_state(self.random_state)

        if first_pass:
            self._initialize(batch, Y, loss, hidden, rng)
        else:
            if Y.shape[-1] != self.n_outputs_:
                raise ValueError(
                    f"y has {Y.shape[-1]} outputs but the fitted network has "
                    f"{self.n_outputs_}; refit without warm_start."
                )
            if (hidden, self.cell, bool(self.bidirectional)) != (
                self._layout.hidden_sizes,
                self._layout.cell,
                self._layout.bidirectional,
            ):
                raise ValueError(
                    "hidden_layer_sizes, cell and bidirectional cannot change between "
                    "warm-started fits; refit without warm_start."
                )
        X_tm = batch.X.astype(self._theta.dtype, copy=False)
        Y = Y.astype(self._theta.dtype, copy=False)
        weights = weights.astype(self._theta.dtype, copy=False)
        with blas_limit():
            if self.solver == "lbfgs":
                self._fit_lbfgs(X_tm, batch.lengths, Y, weights, loss)
            else:
                self._fit_stochastic(
                    X_tm, batch.lengths, Y, weights, sample_only, loss, incremental, rng
                )
        if not np.isfinite(self._theta).all():
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may "
                "contain large values and need to be preprocessed, or the learning "
                "rate may be too large."
            )
        return self

    def _initialize(self, batch, Y, loss, hidden, rng):
        self.n_outputs_ = Y.shape[-1]
        self.n_layers_ = len(hidden)
        self.out_activation_ = OUTPUT_OF_LOSS[loss]
        self._loss = loss
        self._layout = make_layout(
            self.cell, batch.X.shape[2], hidden, self.n_outputs_, self.bidirectional
        )
        self._theta = init_params(self._layout, rng, batch.X.dtype)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.loss_ = None
        self._no_improvement_count = 0
        if self.early_stopping and self.solver in _STOCHASTIC_SOLVERS:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _chunks(self, X_tm, lengths, Y, weights, grad, bptt_steps):
        return bptt_chunks(
            self._theta,
            self._layout,
            X_tm,
            lengths,
            Y,
            weights,
            loss=self._loss,
            activation=self.activation,
            return_sequences=self.return_sequences,
            alpha=self.alpha,
            bptt_steps=bptt_steps,
            grad=grad,
        )

    def _take(self, arrays, idx, lengths):
        """Rows ``idx`` (sorted longest first) of the per-sequence arrays."""
        idx = idx[np.argsort(-lengths[idx], kind="stable")]
        T = int(lengths[idx[0]])
        X_tm, Y, weights = arrays
        if len(idx) == len(lengths) and T == len(X_tm) and (idx[1:] > idx[:-1]).all():
            return X_tm, lengths, Y, weights  # everything, in order: no copy
        X_b = np.take(X_tm[:T], idx, axis=1)  # C-contiguous, unlike X_tm[:T, idx]
        if self.return_sequences:
            Y_b = np.take(Y[:T], idx, axis=1)
            return X_b, lengths[idx], Y_b, np.take(weights[:T], idx, axis=1)
        return X_b, lengths[idx], Y[idx], weights[idx]

    def _fit_stochastic(
        self, X_tm, lengths, Y, weights, sample_only, loss, incremental, rng
    ):
        theta = self._theta
        if not incremental or not hasattr(self, "_optimizer"):
            options = {
                "sgd": dict(
                    lr_schedule=self.learning_rate,
                    momentum=self.momentum,
                    nesterov=self.nesterovs_momentum,
                    power_t=self.power_t,
                ),
                "adam": dict(
                    beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon
                ),
            }[self.solver]
            self._optimizer = OPTIMIZERS[self.solver](
                theta, self.learning_rate_init, **options
            )
            self._no_improvement_count = 0
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True.")
        if self.early_stopping and self.validation_scores_ is None:
            # a warm start switching from L-BFGS or from early_stopping=False
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        elif not self.early_stopping and self.best_loss_ is None:
            self.validation_scores_ = self.best_validation_score_ = None
            self.best_loss_ = np.inf

        n = len(lengths)
        train = np.arange(n)
        val = None
        if self.early_stopping:
            stratify = None
            if is_classifier(self) and not self.return_sequences:
                stratify = Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0]
            train, val = train_test_split(
                train,
                test_size=self.validation_fraction,
                random_state=rng,
                stratify=stratify,
            )
            if len(val) < 2:
                raise ValueError(
                    "The validation set is too small. Increase 'validation_fraction' "
                    "or the size of your dataset."
                )
            val_data = self._take((X_tm, Y, sample_only), val, lengths)
            self._best_theta = theta.copy()
        n_train = len(train)
        if self.batch_size == "auto":
            batch_size = min(200, n_train)
        else:
            if self.batch_size > n_train:
                warnings.warn(
                    "Got `batch_size` larger than the number of training "
                    "sequences. It is going to be clipped.",
                    stacklevel=3,
                )
            batch_size = min(self.batch_size, n_train)

        grad = np.empty_like(theta)
        arrays = (X_tm, Y, weights)
        optimizer = self._optimizer
        for _ in range(self.max_iter):
            started = time.perf_counter()
            order = rng.permutation(train) if self.shuffle else train
            loss_sum = weight_sum = 0.0
            for batch_slice in gen_batches(n_train, batch_size):
                Xb, lb, Yb, Wb = self._take(arrays, order[batch_slice], lengths)
                for value, total in self._chunks(Xb, lb, Yb, Wb, grad, self.bptt_steps):
                    if self.max_grad_norm is not None:
                        clip_grad_norm(grad, self.max_grad_norm)
                    optimizer.update_params(theta, grad)
                    loss_sum += value * total
                    weight_sum += total
            self.n_iter_ += 1
            self.t_ += n_train
            self.loss_ = loss_sum / weight_sum if weight_sum else 0.0
            self.loss_curve_.append(self.loss_)
            score = None
            if val is not None:
                Xv, lv, Yv, Wv = val_data
                score = self._score_outputs(self._outputs(Xv, lv), Yv, Wv)
            self._update_no_improvement_count(score)
            if self.verbose:
                message = f"Epoch {self.n_iter_}, loss = {self.loss_:.8f}"
                if score is not None:
                    message += f", validation score = {score:.6f}"
                print(f"{message}, time = {time.perf_counter() - started:.3f}s")
            optimizer.iteration_ends(self.t_)
            if self._no_improvement_count > self.n_iter_no_change:
                if val is not None:
                    msg = (
                        f"Validation score did not improve more than tol={self.tol:f}"
                        f" for {self.n_iter_no_change} consecutive epochs."
                    )
                else:
                    msg = (
                        f"Training loss did not improve more than tol={self.tol:f}"
                        f" for {self.n_iter_no_change} consecutive epochs."
                    )
                if optimizer.trigger_stopping(msg, self.verbose):
                    break
                self._no_improvement_count = 0
            if incremental:
                break
        else:
            if not incremental:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=3,
                )
        if val is not None:
            theta[...] = self._best_theta

    def _update_no_improvement_count(self, score):
        if score is not None:
            self.validation_scores_.append(score)
            if not score >= self.best_validation_score_ + self.tol:  # NaN too
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_theta = self._theta.copy()
        else:
            if self.loss_curve_[-1] > self.best_loss_ - self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])

    def _fit_lbfgs(self, X_tm, lengths, Y, weights, loss):
        theta = self._theta
        everyone = np.arange(len(lengths))
        X_tm, lengths, Y, weights = self._take((X_tm, Y, weights), everyone, lengths)
        grad = np.empty_like(theta)
        started = [time.perf_counter()]

        def fun(x):
            theta[...] = x
            value, g = loss_and_grad(
                theta,
                self._layout,
                X_tm,
                lengths,
                Y,
                weights,
                loss=self._loss,
                activation=self.activation,
                return_sequences=self.return_sequences,
                alpha=self.alpha,
                grad=grad,
            )
            return value, g.astype(np.float64)

        def callback(result):
            self.loss_curve_.append(float(result.fun))
            if self.verbose:
                now = time.perf_counter()
                print(
                    f"Iteration {len(self.loss_curve_)}, loss = {result.fun:.8f}, "
                    f"time = {now - started[0]:.3f}s"
                )
                started[0] = now

        result = minimize_lbfgs(
            fun,
            theta,
            max_iter=self.max_iter,
            max_fun=self.max_fun,
            tol=self.tol,
            callback=callback,
        )
        self.n_iter_ += _check_optimize_result("lbfgs", result, self.max_iter)
        theta[...] = result.x
        self.loss_ = float(result.fun)
        known = [v for v in (self.best_loss_, self.loss_) if v is not None]
        self.best_loss_ = min(known + self.loss_curve_)

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------

    def _outputs(self, X_tm, lengths, state0=None, return_state=False):
        """Network outputs for canonical input (trusted, no validation).

        ``state0`` is a validated initial state (in the computation's dtype);
        with ``return_state`` the final state of every layer comes too.
        """
        dtype = np.result_type(X_tm.dtype, self._theta.dtype)
        with blas_limit():
            return predict(
                self._theta.astype(dtype, copy=False),
                self._layout,
                X_tm.astype(dtype, copy=False),
                lengths,
                activation=self.activation,
                return_sequences=self.return_sequences,
                out_activation=self.out_activation_,
                block=self.bptt_steps,
                state0=state0,
                return_state=return_state,
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
