"""The one trainer: an epoch loop, an L-BFGS driver and a stopping monitor.

Every estimator that learns by gradient -- the recurrent networks, the
encoder–decoder, the closed-loop NARX network -- trains through these three
pieces. They know nothing of networks: the model comes in as callables.

- ``chunks(batch, grad)`` -- a generator over the pieces of one mini-batch
  (one piece, or one per chunk of truncated backpropagation through time):
  it writes each piece's gradient into ``grad`` and yields ``(loss, weight)``;
  the epoch loop takes an optimizer step after each piece.
- ``fun(theta) -> (loss, grad)`` -- the whole-batch loss of L-BFGS.
- ``validation_score() -> float`` -- a score of the current parameters on
  held-out data, higher is better (minus a loss, R², accuracy).

The stopping rule is scikit-learn's (``MLPRegressor._update_no_improvement_count``),
with one meaning of ``tol`` everywhere: an epoch *improves* when the
training loss falls below the best so far by more than ``tol``, or -- with
validation data -- when the validation score rises above the best by at
least ``tol``, both absolute. After more than ``n_iter_no_change`` epochs
without improvement the optimizer is asked whether to stop
(``trigger_stopping``: Adam stops, SGD with an adaptive step size divides
it by 5 first). With validation data the parameters of the best score are
restored at the end.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from ._optimizers import clip_grad_norm, minimize_lbfgs

__all__ = ["TrainingRecord", "StoppingMonitor", "run_epochs", "run_lbfgs"]


@dataclass
class TrainingRecord:
    """What training has done so far; it accumulates over warm starts.

    Attributes
    ----------
    loss_curve : list of float
        The training loss of every epoch (L-BFGS: every iteration).
    validation_scores : list of float or None
        The validation score of every epoch; None when training does not
        validate.
    best_loss : float or None
        The lowest training loss; None while training validates (then the
        best validation score rules).
    best_validation_score : float or None
        The highest validation score; None without validation.
    n_iter : int
        Epochs (L-BFGS: iterations) run.
    t : int
        Training samples seen by the epoch loop.
    no_improvement_count : int
        Consecutive epochs without improvement.

    Examples
    --------
    >>> from skrnn._nn._training import TrainingRecord
    >>> TrainingRecord.new(validate=False)
    TrainingRecord(loss_curve=[], validation_scores=None, best_loss=inf, ...)
    """

    loss_curve: list = field(default_factory=list)
    validation_scores: list | None = None
    best_loss: float | None = np.inf
    best_validation_score: float | None = None
    n_iter: int = 0
    t: int = 0
    no_improvement_count: int = 0

    @classmethod
    def new(cls, validate):
        """An empty record, judging by validation scores or by training loss."""
        record = cls()
        record.judge_by(validate)
        return record

    def judge_by(self, validate):
        """Switch what "improved" means (a warm start may change it)."""
        if validate and self.validation_scores is None:
            self.validation_scores = []
            self.best_validation_score = -np.inf
            self.best_loss = None
        elif not validate and self.best_loss is None:
            self.validation_scores = self.best_validation_score = None
            self.best_loss = np.inf


class StoppingMonitor:
    """scikit-learn's no-improvement rule, and the best parameters seen.

    Parameters
    ----------
    record : TrainingRecord
        Updated in place at every epoch.
    tol : float
        The least improvement that counts (absolute).
    n_iter_no_change : int or inf
        Epochs without improvement allowed before stopping.
    theta : ndarray
        The parameters; with validation, a copy of the best ones is kept.
    validation_score : callable or None
        Score of the current ``theta`` on held-out data, higher is better.
    score_start : bool, default=False
        Score ``theta`` before training, so that training never ends with a
        worse validation score than it started with.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._training import StoppingMonitor, TrainingRecord
    >>> record = TrainingRecord.new(validate=False)
    >>> monitor = StoppingMonitor(record, 0.1, 1, np.zeros(1))
    >>> [monitor.update(loss) for loss in [1.0, 0.95, 0.92]]  # < 0.1 better
    [False, False, True]
    """

    def __init__(
        self,
        record,
        tol,
        n_iter_no_change,
        theta,
        validation_score=None,
        *,
        score_start=False,
    ):
        self.record, self.tol, self.n_iter_no_change = record, tol, n_iter_no_change
        self.theta, self.validation_score = theta, validation_score
        record.judge_by(validation_score is not None)
        self.best_theta = theta.copy() if validation_score is not None else None
        if score_start and validation_score is not None:
            record.best_validation_score = max(
                record.best_validation_score, _finite_or(validation_score(), -np.inf)
            )

    def update(self, loss):
        """Record an epoch's training loss; True after too many without gain."""
        record = self.record
        record.loss_curve.append(float(loss))
        if self.validation_score is not None:
            score = float(self.validation_score())
            record.validation_scores.append(score)
            if not score >= record.best_validation_score + self.tol:  # NaN too
                record.no_improvement_count += 1
            else:
                record.no_improvement_count = 0
            if score > record.best_validation_score:
                record.best_validation_score = score
                self.best_theta[...] = self.theta
        else:
            if record.loss_curve[-1] > record.best_loss - self.tol:
                record.no_improvement_count += 1
            else:
                record.no_improvement_count = 0
            record.best_loss = min(record.best_loss, record.loss_curve[-1])
        return record.no_improvement_count > self.n_iter_no_change

    def restore_best(self):
        """With validation, write the best parameters back into ``theta``."""
        if self.best_theta is not None:
            self.theta[...] = self.best_theta

    def describe(self):
        """What did not improve, in words, for messages."""
        what = "Validation score" if self.validation_score else "Training loss"
        return (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )


def _finite_or(value, default):
    return value if np.isfinite(value) else default


def run_epochs(
    theta,
    chunks,
    epochs,
    *,
    optimizer,
    monitor,
    max_iter,
    n_samples,
    max_grad_norm=None,
    incremental=False,
    verbose=False,
):
    """The epoch loop of the stochastic solvers.

    Parameters
    ----------
    theta : ndarray
        The parameters, updated in place.
    chunks : callable
        ``chunks(batch, grad)``: a generator over the pieces of a
        mini-batch, writing each piece's gradient into ``grad`` and yielding
        ``(loss, weight)``.
    epochs : callable
        ``epochs()`` returns the mini-batches of one epoch (anything
        ``chunks`` takes, e.g. index arrays).
    optimizer : BaseOptimizer
        From :mod:`~skrnn._nn._optimizers`; it persists over ``partial_fit``.
    monitor : StoppingMonitor
        Records the epochs and says when to stop.
    max_iter : int
        The most epochs.
    n_samples : int
        Training samples per epoch (for the optimizer's schedule).
    max_grad_norm : float or None, default=None
        Clip every gradient to this Euclidean norm.
    incremental : bool, default=False
        Run one epoch (``partial_fit``).
    verbose : bool, default=False
        Print a line per epoch.

    Returns
    -------
    converged : bool
        False when ``max_iter`` epochs ran without the stopping rule firing
        (always True for one incremental epoch).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._optimizers import AdamOptimizer
    >>> from skrnn._nn._training import StoppingMonitor, TrainingRecord, run_epochs
    >>> theta = np.array([3.0])
    >>> def chunks(batch, grad):  # loss (θ - 1)² / 2
    ...     grad[:] = theta - 1.0
    ...     yield 0.5 * float(grad @ grad), 1.0
    >>> record = TrainingRecord.new(validate=False)
    >>> run_epochs(theta, chunks, lambda: [None],
    ...            optimizer=AdamOptimizer(theta, 0.02),
    ...            monitor=StoppingMonitor(record, 1e-6, 10, theta),
    ...            max_iter=1000, n_samples=1)
    True
    >>> bool(abs(theta[0] - 1.0) < 1e-2), record.n_iter < 1000
    (True, True)
    """
    grad = np.empty_like(theta)
    record = monitor.record
    for _ in range(max_iter):
        started = time.perf_counter()
        loss_sum = weight_sum = 0.0
        for batch in epochs():
            for value, weight in chunks(batch, grad):
                if max_grad_norm is not None:
                    clip_grad_norm(grad, max_grad_norm)
                optimizer.update_params(theta, grad)
                loss_sum += value * weight
                weight_sum += weight
        record.n_iter += 1
        record.t += n_samples
        stop = monitor.update(loss_sum / weight_sum if weight_sum else 0.0)
        if verbose:
            message = f"Epoch {record.n_iter}, loss = {record.loss_curve[-1]:.8f}"
            if record.validation_scores:
                message += f", validation score = {record.validation_scores[-1]:.6f}"
            print(f"{message}, time = {time.perf_counter() - started:.3f}s")
        optimizer.iteration_ends(record.t)
        if stop:
            if optimizer.trigger_stopping(monitor.describe(), verbose):
                monitor.restore_best()
                return True
            record.no_improvement_count = 0
        if incremental:
            return True
    monitor.restore_best()
    return False


def run_lbfgs(fun, theta, *, monitor, max_iter, max_fun, tol, verbose=False):
    """L-BFGS on the whole batch, recording every iteration.

    Without validation L-BFGS stops by its own rules (``tol`` bounds the
    largest gradient entry, ``max_iter`` the iterations, ``max_fun`` the
    loss evaluations). With validation (the monitor's ``validation_score``)
    it also stops by the monitor's rule, and the best parameters are kept.

    Parameters
    ----------
    fun : callable
        ``fun(theta) -> (loss, grad)``, the gradient in float64.
    theta : ndarray
        The starting point; the result is written into it.
    monitor : StoppingMonitor
        Records each iteration's loss.
    max_iter, max_fun : int
        Limits on iterations and loss evaluations.
    tol : float
        L-BFGS's bound on the largest gradient entry (``gtol``), and the
        monitor's least improvement.
    verbose : bool, default=False
        Print a line per iteration.

    Returns
    -------
    result : scipy.optimize.OptimizeResult
        As returned by scipy (``status`` 1: a limit was reached; 99: the
        monitor stopped it).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._nn._training import StoppingMonitor, TrainingRecord, run_lbfgs
    >>> theta = np.array([3.0, -2.0])
    >>> record = TrainingRecord.new(validate=False)
    >>> result = run_lbfgs(lambda x: (0.5 * x @ x, x.copy()), theta,
    ...                    monitor=StoppingMonitor(record, 1e-8, 10, theta),
    ...                    max_iter=50, max_fun=100, tol=1e-8)
    >>> np.round(theta, 6) + 0.0, len(record.loss_curve) == record.n_iter
    (array([0., 0.]), True)
    """
    started = [time.perf_counter()]
    record = monitor.record

    def callback(result):
        record.n_iter += 1
        theta[...] = result.x
        stop = monitor.update(result.fun)
        if verbose:
            now = time.perf_counter()
            print(
                f"Iteration {record.n_iter}, loss = {result.fun:.8f}, "
                f"time = {now - started[0]:.3f}s"
            )
            started[0] = now
        if stop and monitor.validation_score is not None:
            raise StopIteration

    result = minimize_lbfgs(
        fun,
        theta.copy(),
        max_iter=max_iter,
        max_fun=max_fun,
        tol=tol,
        callback=callback,
    )
    theta[...] = result.x
    monitor.restore_best()
    return result
