"""Math tables of the recurrent network: activations, their derivatives, losses.

Pure numpy/scipy functions, looked up by the strings users pass
(``activation="tanh"``), in the spirit of ``sklearn/neural_network/_base.py``.

* ``ACTIVATIONS[name](Z)`` applies the hidden activation ψ to ``Z`` in place.
* ``DERIVATIVES[name](H, out)`` writes ψ'(z) into ``out``, computed from the
  activated values ``H = ψ(Z)`` (all four activations allow it), so the
  backward pass needs no pre-activation buffer.
* ``OUTPUT_ACTIVATIONS[name](Z)`` applies the output activation φ in place.
* ``LOSS_FUNCTIONS[name](Z, Y, w)`` takes output *logits* ``Z`` (overwritten),
  targets ``Y`` and per-target weights ``w`` and returns the weighted loss sum
  and, in ``Z``'s memory, its gradient with respect to the logits. Each loss is
  paired with its canonical output activation (``OUTPUT_OF_LOSS``), so the
  gradient is always ``w * (φ(Z) - Y)``.
"""

import numpy as np
from scipy.special import expit

__all__ = [
    "ACTIVATIONS",
    "DERIVATIVES",
    "OUTPUT_ACTIVATIONS",
    "LOSS_FUNCTIONS",
    "OUTPUT_OF_LOSS",
]


# --------------------------------------------------------------------------
# Hidden activations ψ, in place
# --------------------------------------------------------------------------


def inplace_identity(Z):
    """Leave ``Z`` unchanged: ψ(z) = z."""
    return Z


def inplace_tanh(Z):
    """Apply ψ(z) = tanh(z) in place."""
    return np.tanh(Z, out=Z)


def inplace_logistic(Z):
    """Apply ψ(z) = 1 / (1 + exp(-z)) in place."""
    return expit(Z, out=Z)


def inplace_relu(Z):
    """Apply ψ(z) = max(z, 0) in place."""
    return np.maximum(Z, 0, out=Z)


ACTIVATIONS = {
    "identity": inplace_identity,
    "tanh": inplace_tanh,
    "logistic": inplace_logistic,
    "relu": inplace_relu,
}


# --------------------------------------------------------------------------
# Derivatives ψ'(z) written from h = ψ(z)
# --------------------------------------------------------------------------


def identity_derivative(H, out):
    """ψ'(z) = 1."""
    out.fill(1)
    return out


def tanh_derivative(H, out):
    """ψ'(z) = 1 - h²."""
    np.multiply(H, H, out=out)
    np.subtract(1, out, out=out)
    return out


def logistic_derivative(H, out):
    """ψ'(z) = h (1 - h)."""
    np.subtract(1, H, out=out)
    np.multiply(out, H, out=out)
    return out


def relu_derivative(H, out):
    """ψ'(z) = 1 where h > 0, else 0."""
    np.greater(H, 0, out=out)
    return out


DERIVATIVES = {
    "identity": identity_derivative,
    "tanh": tanh_derivative,
    "logistic": logistic_derivative,
    "relu": relu_derivative,
}


# --------------------------------------------------------------------------
# Output activations φ, in place on the last axis
# --------------------------------------------------------------------------


def inplace_softmax(Z):
    """Apply the softmax over the last axis in place."""
    Z -= Z.max(axis=-1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=-1, keepdims=True)
    return Z


OUTPUT_ACTIVATIONS = {
    "identity": inplace_identity,
    "logistic": inplace_logistic,
    "softmax": inplace_softmax,
}


# --------------------------------------------------------------------------
# Losses on logits: (weighted sum, gradient written into Z)
# --------------------------------------------------------------------------


def _weighted_sum(per_target, w):
    return float(np.dot(per_target.ravel(), w.ravel()))


def squared_loss(Z, Y, w):
    """Squared error ½ Σ_k (z_k - y_k)² per target, identity output.

    Parameters
    ----------
    Z : ndarray of shape (..., n_outputs)
        Output logits; overwritten with the gradient ``w * (Z - Y)``.
    Y : ndarray of shape (..., n_outputs)
        Targets.
    w : ndarray of shape (...)
        Weight of each target (0 for padding).

    Returns
    -------
    loss_sum : float
        Σ w ½ Σ_k (z_k - y_k)².
    dZ : ndarray
        ``Z``, holding the gradient of ``loss_sum`` with respect to the logits.
    """
    Z -= Y
    loss = 0.5 * _weighted_sum(np.einsum("...k,...k->...", Z, Z), w)
    Z *= w[..., None]
    return loss, Z


def log_loss(Z, Y, w):
    """Cross-entropy -Σ_k y_k log softmax(z)_k per target, softmax output.

    ``Y`` holds one-hot (or probability) rows. See :func:`squared_loss` for
    the parameters and returns.
    """
    Z -= Z.max(axis=-1, keepdims=True)
    log_norm = np.log(np.exp(Z).sum(axis=-1, keepdims=True))
    Z -= log_norm  # log-probabilities
    loss = -_weighted_sum(np.einsum("...k,...k->...", Y, Z), w)
    np.exp(Z, out=Z)
    Z -= Y
    Z *= w[..., None]
    return loss, Z


def binary_log_loss(Z, Y, w):
    """Binary cross-entropy log(1 + exp(z)) - y z per output, logistic output.

    See :func:`squared_loss` for the parameters and returns.
    """
    per = np.logaddexp(0, Z)
    per -= Y * Z
    loss = _weighted_sum(per.sum(axis=-1), w)
    expit(Z, out=Z)
    Z -= Y
    Z *= w[..., None]
    return loss, Z


LOSS_FUNCTIONS = {
    "squared_error": squared_loss,
    "log_loss": log_loss,
    "binary_log_loss": binary_log_loss,
}

OUTPUT_OF_LOSS = {
    "squared_error": "identity",
    "log_loss": "softmax",
    "binary_log_loss": "logistic",
}
