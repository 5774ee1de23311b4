"""Training machinery shared by RNNRegressor and RNNClassifier.

One ``_fit(X, y, sample_weight, incremental)`` serves ``fit`` and
``partial_fit``: validate at the door (:func:`~skrnn._data.check_sequences`),
encode the targets (the subclass's job), then run the stochastic solvers over
mini-batches of sequences -- chunk by chunk with truncated BPTT -- or L-BFGS
on the whole batch. The kernels live in :mod:`skrnn._nn._stack`; the
training itself is the one trainer's (:mod:`skrnn._rnn._fitting`,
:mod:`skrnn._nn._training`).
"""

from abc import ABCMeta, abstractmethod
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._data import check_sequence_weights, check_sequences
from .._data._sklearn_compat import Interval, StrOptions
from .._nn._activations import OUTPUT_OF_LOSS
from .._nn._pooling import POOLINGS
from .._nn._runtime import blas_limit
from .._nn._stack import bptt_chunks, init_params, make_layout, predict, unpack
from ._fitting import (
    NETWORK_CONSTRAINTS,
    SOLVER_CONSTRAINTS,
    check_hidden_sizes,
    check_solver,
    fit_parameters,
    start_record,
)

__all__ = ["BaseRNN"]


class BaseRNN(BaseEstimator, metaclass=ABCMeta):
    """Base class of the recurrent estimators; use the subclasses."""

    _parameter_constraints: dict = {
        **NETWORK_CONSTRAINTS,
        "return_sequences": ["boolean"],
        "bidirectional": ["boolean"],
        "pooling": [StrOptions(set(POOLINGS))],
        **SOLVER_CONSTRAINTS,
        "bptt_steps": [Interval(Integral, 1, None, closed="left"), None],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes=(32,),
        *,
        cell="gru",
        activation="tanh",
        return_sequences=False,
        bidirectional=False,
        pooling="last",
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
        self.pooling = pooling
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

    def _standardise_targets(self, Y, weights, first_pass):
        """The targets the network learns (the regressor standardises them)."""
        return Y

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
        return check_solver(self)

    def _hidden_sizes(self):
        return check_hidden_sizes(self.hidden_layer_sizes)

    def _check_architecture(self):
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
        Y = self._standardise_targets(Y, sample_only, first_pass)
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
        stratify = None
        if is_classifier(self) and not self.return_sequences:
            stratify = Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0]
        with blas_limit():
            fit_parameters(
                self,
                self._theta,
                ((X_tm, Y, weights), (X_tm, Y, sample_only)),
                batch.lengths,
                take=self._take,
                chunks=self._chunks,
                score=self._validation_score,
                incremental=incremental,
                rng=rng,
                stratify=stratify,
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
        start_record(self)

    def _chunks(self, batch, grad, whole):
        """Loss and gradient of a mini-batch, chunk by chunk (truncated BPTT)."""
        X_tm, lengths, Y, weights = batch
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
            bptt_steps=None if whole else self.bptt_steps,
            grad=grad,
            pooling=self.pooling,
        )

    def _validation_score(self, batch):
        X_tm, lengths, Y, weights = batch
        return self._score_outputs(self._outputs(X_tm, lengths), Y, weights)

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
                pooling=self.pooling,
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
