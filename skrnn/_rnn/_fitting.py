"""The recurrent estimators' solver parameters, handed to the one trainer.

:class:`~skrnn.RNNRegressor`, :class:`~skrnn.RNNClassifier` and
:class:`~skrnn.Seq2SeqRegressor` share scikit-learn's ``MLPRegressor``
vocabulary of solver parameters (``solver``, ``alpha``, ``batch_size``,
``learning_rate_init``, ``tol``, ``n_iter_no_change``, ``early_stopping``,
...). :func:`fit_parameters` reads them off the estimator, builds the
optimizer, the mini-batches and the validation split, and runs
:func:`~skrnn._nn._training.run_epochs` or
:func:`~skrnn._nn._training.run_lbfgs`; the training record lives on the
estimator as scikit-learn's fitted attributes (``loss_curve_``,
``validation_scores_``, ``best_loss_``, ``n_iter_``, ``t_``...).

What differs between the estimators comes in as three callables: ``take``
(the sequences of a mini-batch, sorted longest first), ``chunks`` (the
loss and gradient of a mini-batch, piece by piece) and ``score`` (the
validation score of a batch).
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches

from .._data._sklearn_compat import (
    Interval,
    Options,
    StrOptions,
    _check_optimize_result,
)
from .._nn._activations import ACTIVATIONS
from .._nn._optimizers import OPTIMIZERS
from .._nn._training import StoppingMonitor, TrainingRecord, run_epochs, run_lbfgs

__all__ = [
    "NETWORK_CONSTRAINTS",
    "SOLVER_CONSTRAINTS",
    "start_record",
    "check_hidden_sizes",
    "check_solver",
    "fit_parameters",
]

STOCHASTIC_SOLVERS = ("sgd", "adam")

#: Constraints of the network parameters every recurrent estimator shares.
NETWORK_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "cell": [StrOptions({"elman", "gru", "lstm"})],
    "activation": [StrOptions(set(ACTIVATIONS))],
}

#: Constraints of the solver parameters every recurrent estimator shares.
SOLVER_CONSTRAINTS = {
    "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
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
}

# TrainingRecord's fields and the fitted attributes that hold them
_RECORD = {
    "loss_curve": "loss_curve_",
    "validation_scores": "validation_scores_",
    "best_loss": "best_loss_",
    "best_validation_score": "best_validation_score_",
    "n_iter": "n_iter_",
    "t": "t_",
    "no_improvement_count": "_no_improvement_count",
}


def start_record(est):
    """Set the fitted attributes of a new training record on ``est``."""
    validate = est.early_stopping and est.solver in STOCHASTIC_SOLVERS
    _keep_record(est, TrainingRecord.new(validate))
    est.loss_ = None


def _record_of(est):
    return TrainingRecord(**{key: getattr(est, name) for key, name in _RECORD.items()})


def _keep_record(est, record):
    for key, name in _RECORD.items():
        setattr(est, name, getattr(record, key))


def check_hidden_sizes(sizes):
    """``hidden_layer_sizes`` as a tuple of positive ints."""
    given = sizes
    sizes = [sizes] if isinstance(sizes, Integral) else list(sizes)
    if not sizes or any(
        not isinstance(h, Integral) or isinstance(h, bool) or h < 1 for h in sizes
    ):
        raise ValueError(
            "hidden_layer_sizes must be a positive int or a non-empty sequence "
            f"of positive ints, got {given!r}."
        )
    return tuple(int(h) for h in sizes)


def check_solver(est):
    """For ``available_if``: ``partial_fit`` needs a stochastic solver."""
    if est.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers "
            f"('sgd', 'adam'); solver={est.solver!r} is not stochastic."
        )
    return True


def fit_parameters(
    est, theta, arrays, lengths, *, take, chunks, score, incremental, rng, stratify
):
    """Train ``theta`` in place with the solver and parameters of ``est``.

    Parameters
    ----------
    est : estimator
        Has the parameters of :data:`SOLVER_CONSTRAINTS` and a training
        record (:func:`start_record`); ``est._optimizer`` persists over
        ``partial_fit`` calls.
    theta : ndarray
        The parameter vector, updated in place.
    arrays : tuple
        ``(train, validation)``: the per-sequence arrays to train on and
        to validate on (same sequences, the validation ones weighted by the
        sample weights alone), each passed to ``take``.
    lengths : ndarray of shape (n_sequences,)
        Input lengths.
    take : callable
        ``take(arrays, idx, lengths)``: the sequences ``idx``, sorted
        longest first, as a batch.
    chunks : callable
        ``chunks(batch, grad, whole)``: generator of ``(loss, weight)``
        writing each piece's gradient into ``grad``; ``whole=True`` asks for
        the exact gradient of the whole batch in one piece (L-BFGS).
    score : callable
        ``score(batch)``: validation score of the current ``theta``.
    incremental : bool
        One epoch of ``partial_fit``.
    rng : RandomState
        Shuffles and splits.
    stratify : ndarray or None
        Classes to stratify the validation split by.
    """
    _train(est, theta, arrays, lengths, take, chunks, score, incremental, rng, stratify)
    if not np.isfinite(theta).all():
        raise ValueError(
            "Solver produced non-finite parameter weights. The input data may "
            "contain large values and need to be preprocessed, or the learning "
            "rate may be too large."
        )


def _train(
    est, theta, arrays, lengths, take, chunks, score, incremental, rng, stratify
):
    record = _record_of(est)
    train_arrays, val_arrays = arrays
    if est.solver == "lbfgs":
        _fit_lbfgs(
            est,
            theta,
            take(train_arrays, np.arange(len(lengths)), lengths),
            chunks,
            record,
        )
        _keep_record(est, record)
        return
    if not incremental or not hasattr(est, "_optimizer"):
        est._optimizer = _optimizer(est, theta)
        record.no_improvement_count = 0
    if est.early_stopping and incremental:
        raise ValueError("partial_fit does not support early_stopping=True.")
    train, validation_score = np.arange(len(lengths)), None
    if est.early_stopping:
        train, val = train_test_split(
            train,
            test_size=est.validation_fraction,
            random_state=rng,
            stratify=stratify,
        )
        if len(val) < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        val_batch = take(val_arrays, val, lengths)
        validation_score = lambda: score(val_batch)  # noqa: E731
    n_train = len(train)
    batch_size = _batch_size(est.batch_size, n_train)

    def epochs():
        order = rng.permutation(train) if est.shuffle else train
        for part in gen_batches(n_train, batch_size):
            yield take(train_arrays, order[part], lengths)

    monitor = StoppingMonitor(
        record, est.tol, est.n_iter_no_change, theta, validation_score
    )
    try:
        converged = run_epochs(
            theta,
            lambda batch, grad: chunks(batch, grad, False),
            epochs,
            optimizer=est._optimizer,
            monitor=monitor,
            max_iter=est.max_iter,
            n_samples=n_train,
            max_grad_norm=est.max_grad_norm,
            incremental=incremental,
            verbose=est.verbose,
        )
    finally:
        _keep_record(est, record)
    est.loss_ = record.loss_curve[-1]
    if not converged:
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) "
            "reached and the optimization hasn't converged yet.",
            ConvergenceWarning,
            stacklevel=5,  # fit_parameters, _fit, fit, _fit_context, the caller
        )


def _optimizer(est, theta):
    options = {
        "sgd": dict(
            lr_schedule=est.learning_rate,
            momentum=est.momentum,
            nesterov=est.nesterovs_momentum,
            power_t=est.power_t,
        ),
        "adam": dict(beta_1=est.beta_1, beta_2=est.beta_2, epsilon=est.epsilon),
    }[est.solver]
    return OPTIMIZERS[est.solver](theta, est.learning_rate_init, **options)


def _batch_size(batch_size, n_train):
    if batch_size == "auto":
        return min(200, n_train)
    if batch_size > n_train:
        warnings.warn(
            "Got `batch_size` larger than the number of training "
            "sequences. It is going to be clipped.",
            stacklevel=5,
        )
    return min(batch_size, n_train)


def _fit_lbfgs(est, theta, batch, chunks, record):
    grad = np.empty_like(theta)

    def fun(x):
        theta[...] = x
        for value, _ in chunks(batch, grad, True):
            return value, grad.astype(np.float64)

    monitor = StoppingMonitor(record, est.tol, est.n_iter_no_change, theta)
    n_before = record.n_iter
    result = run_lbfgs(
        fun,
        theta,
        monitor=monitor,
        max_iter=est.max_iter,
        max_fun=est.max_fun,
        tol=est.tol,
        verbose=est.verbose,
    )
    record.n_iter = n_before + _check_optimize_result("lbfgs", result, est.max_iter)
    est.loss_ = float(result.fun)
    record.best_loss = min(record.best_loss, est.loss_)
