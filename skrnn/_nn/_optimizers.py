"""Optimizers on one flat parameter vector, updated in place.

They follow ``sklearn/neural_network/_stochastic_optimizers.py`` (same
parameters, same learning-rate schedules, ``iteration_ends`` and
``trigger_stopping`` with the same meaning) but work on a single contiguous
vector instead of a list of arrays, so every update is a handful of numpy
calls whatever the network. They know nothing of networks.

L-BFGS is :func:`minimize_lbfgs`, a thin wrapper of
``scipy.optimize.minimize(method="L-BFGS-B")``.
"""

from math import sqrt

import numpy as np
import scipy.optimize

__all__ = [
    "SGDOptimizer",
    "AdamOptimizer",
    "OPTIMIZERS",
    "minimize_lbfgs",
    "clip_grad_norm",
]


class BaseOptimizer:
    """Gradient descent on a flat vector.

    Parameters
    ----------
    learning_rate_init : float, default=0.1
        The initial step size.

    Attributes
    ----------
    learning_rate : float
        The current step size.
    """

    def __init__(self, learning_rate_init=0.1):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)

    def update_params(self, params, grads):
        """Take one step: update ``params`` in place from ``grads``."""
        raise NotImplementedError

    def iteration_ends(self, time_step):
        """Update the schedule at the end of an epoch (nothing by default).

        Parameters
        ----------
        time_step : int
            Number of training samples seen so far.
        """

    def trigger_stopping(self, msg, verbose):
        """Whether to stop now that training no longer improves.

        Returns
        -------
        is_stopping : bool
        """
        if verbose:
            print(msg + " Stopping.")
        return True


class SGDOptimizer(BaseOptimizer):
    """Stochastic gradient descent with momentum.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The parameter vector (used for the shape and dtype of the velocity).
    learning_rate_init : float, default=0.1
        The initial step size.
    lr_schedule : {"constant", "invscaling", "adaptive"}, default="constant"
        ``"invscaling"``: ``learning_rate_init / (t + 1) ** power_t`` with
        ``t`` the samples seen; ``"adaptive"``: divided by 5 each time
        training stops improving, until it falls below 1e-6.
    momentum : float, default=0.9
        Momentum of the velocity.
    nesterov : bool, default=True
        Use Nesterov's momentum.
    power_t : float, default=0.5
        Exponent of ``"invscaling"``.

    Attributes
    ----------
    learning_rate : float
        The current step size.
    velocity : ndarray of shape (n_params,)
        The velocity.

    Notes
    -----
    v ← μ v - η g, then θ ← θ + v, or with Nesterov's momentum
    θ ← θ + μ v - η g.
    """

    def __init__(
        self,
        params,
        learning_rate_init=0.1,
        lr_schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        super().__init__(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros_like(params)
        self._tmp = np.empty_like(params)

    def iteration_ends(self, time_step):
        if self.lr_schedule == "invscaling":
            self.learning_rate = (
                float(self.learning_rate_init) / (time_step + 1) ** self.power_t
            )

    def trigger_stopping(self, msg, verbose):
        if self.lr_schedule != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + f" Setting learning rate to {self.learning_rate:f}")
        return False

    def update_params(self, params, grads):
        v, tmp = self.velocity, self._tmp
        np.multiply(grads, -self.learning_rate, out=tmp)
        v *= self.momentum
        v += tmp
        if self.nesterov:
            params += tmp
            np.multiply(v, self.momentum, out=tmp)
        else:
            tmp = v
        params += tmp


class AdamOptimizer(BaseOptimizer):
    """Adam (Kingma and Ba, 2015).

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The parameter vector (used for the shape and dtype of the moments).
    learning_rate_init : float, default=0.001
        The step size.
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates.
    epsilon : float, default=1e-8
        Added to the denominator for numerical stability.

    Attributes
    ----------
    learning_rate : float
        The bias-corrected step size of the last update.
    t : int
        Number of updates taken.
    m, v : ndarray of shape (n_params,)
        First and second moment estimates.

    Notes
    -----
    m ← β₁ m + (1-β₁) g, v ← β₂ v + (1-β₂) g²,
    θ ← θ - η √(1-β₂ᵗ)/(1-β₁ᵗ) · m / (√v + ε).
    """

    def __init__(
        self, params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        super().__init__(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros_like(params)
        self.v = np.zeros_like(params)
        self._tmp = np.empty_like(params)

    def update_params(self, params, grads):
        b1, b2 = self.beta_1, self.beta_2
        m, v, tmp = self.m, self.v, self._tmp
        self.t += 1
        m *= b1
        np.multiply(grads, 1.0 - b1, out=tmp)
        m += tmp
        v *= b2
        np.multiply(grads, grads, out=tmp)
        tmp *= 1.0 - b2
        v += tmp
        self.learning_rate = (
            self.learning_rate_init * sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        )
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= -self.learning_rate
        params += tmp


OPTIMIZERS = {"sgd": SGDOptimizer, "adam": AdamOptimizer}


def minimize_lbfgs(fun, x0, *, max_iter, max_fun, tol, callback=None):
    """Minimise ``fun`` from ``x0`` with L-BFGS-B.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (value, gradient)`` with ``x`` a float64 vector.
    x0 : ndarray of shape (n_params,)
        Starting point (any float dtype; L-BFGS-B works in float64).
    max_iter, max_fun : int
        Maximum numbers of iterations and of calls to ``fun``.
    tol : float
        Stop when the largest entry of the projected gradient is below it.
    callback : callable, default=None
        Called after every iteration with the intermediate result (its
        ``fun`` and ``x``).

    Returns
    -------
    result : scipy.optimize.OptimizeResult
    """
    scipy_callback = None
    if callback is not None:

        def scipy_callback(intermediate_result):  # scipy passes it by this name
            callback(intermediate_result)

    return scipy.optimize.minimize(
        fun,
        np.asarray(x0, dtype=np.float64),
        method="L-BFGS-B",
        jac=True,
        callback=scipy_callback,
        options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
    )


def clip_grad_norm(grad, max_norm):
    """Scale ``grad`` in place so that its Euclidean norm is at most ``max_norm``.

    Returns the norm before clipping. A gradient whose squared norm overflows
    (but whose entries are finite) is first scaled by its largest entry.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        norm = sqrt(float(np.dot(grad, grad)))
    if not np.isfinite(norm):
        top = float(np.max(np.abs(grad)))
        if not np.isfinite(top) or top == 0:
            return norm
        grad /= top
        norm = top * sqrt(float(np.dot(grad, grad)))
        grad *= top
    if max_norm is not None and norm > max_norm:
        grad *= max_norm / norm
    return norm
