"""The parameters of a NARX network with output feedback: one flat vector.

A feed-forward network ``f`` (a linear model is a network without a hidden
layer), optionally with a linear skip path beside its hidden layers, whose
first layer reads the exogenous regressors and the fed-back outputs. All
parameters live in one flat vector ``theta`` -- every layer's weights, the
skip matrix, then every bias, so the L2 penalty is one slice -- the vector
the optimizers of :mod:`skrnn._nn._optimizers` update and
:mod:`skrnn._series._closed_loop` differentiates.
"""

from dataclasses import dataclass

import numpy as np

__all__ = ["LoopNetwork", "make_network", "pack", "unpack", "unpack_skip"]


@dataclass(frozen=True)
class LoopNetwork:
    """A feed-forward network with output feedback: shapes and wiring.

    Attributes
    ----------
    shapes : tuple of (int, int)
        ``(n_in, n_out)`` of each layer's weight matrix, first layer first.
        The first layer's rows are the ``n_x`` exogenous regressors, then the
        feedback regressors.
    activation : str
        Key of :data:`~skrnn._nn._activations.ACTIVATIONS`, applied after every
        layer but the last (the output layer is linear).
    n_x : int
        Number of exogenous regressors.
    feedback : ndarray of int
        :func:`~skrnn._series._simulate.feedback_index` of the feedback regressors:
        where each sits in the flattened window of the last M outputs.
    n_output_lags : int
        M, the rows of the output window (``max(n_output_lags_)``).
    skip : bool
        A linear path from the regressors straight to the output, beside
        the hidden layers: ``ŷ = f(z) + z S`` (the default network of
        :mod:`skrnn._series._default`). Its matrix ``S`` (``(n_in,
        n_outputs)``) follows the layers' weights in ``theta``.
    """

    shapes: tuple
    activation: str
    n_x: int
    feedback: np.ndarray
    n_output_lags: int
    skip: bool = False

    @property
    def n_outputs(self):
        return self.shapes[-1][1]

    @property
    def n_skip(self):
        """Entries of the skip matrix (0 without one)."""
        return self.shapes[0][0] * self.n_outputs if self.skip else 0

    @property
    def n_weights(self):
        """``theta[:n_weights]`` are the weights, penalised by ``alpha``."""
        return sum(a * b for a, b in self.shapes) + self.n_skip

    @property
    def size(self):
        return self.n_weights + sum(b for _, b in self.shapes)


def make_network(weights, activation, n_x, feedback, n_output_lags, skip=False):
    """The :class:`LoopNetwork` of a list of ``(W, b)`` layers (and a skip)."""
    shapes = tuple(tuple(int(n) for n in np.shape(W)) for W, _ in weights)
    if skip and len(shapes) < 2:
        raise ValueError("A skip path needs a hidden layer; a linear model is one.")
    feedback = np.asarray(feedback, dtype=np.int64)
    if shapes[0][0] != n_x + len(feedback):
        raise ValueError(
            f"The first layer has {shapes[0][0]} inputs, but the model has "
            f"{n_x} exogenous and {len(feedback)} feedback regressors."
        )
    return LoopNetwork(
        shapes, activation, int(n_x), feedback, int(n_output_lags), bool(skip)
    )


def pack(weights, skip=None):
    """One flat float64 vector from a list of ``(W, b)`` (and a skip matrix).

    The layers' weights, then the skip matrix, then the biases.
    """
    skip = [] if skip is None else [np.ravel(skip)]
    return np.concatenate(
        [np.ravel(W) for W, _ in weights] + skip + [np.ravel(b) for _, b in weights]
    ).astype(np.float64)


def unpack(theta, net):
    """Views ``[(W, b), ...]`` into ``theta`` (or into a gradient vector)."""
    layers, w_pos, b_pos = [], 0, net.n_weights
    for n_in, n_out in net.shapes:
        W = theta[w_pos : w_pos + n_in * n_out].reshape(n_in, n_out)
        layers.append((W, theta[b_pos : b_pos + n_out]))
        w_pos += n_in * n_out
        b_pos += n_out
    return layers


def unpack_skip(theta, net):
    """View of the skip matrix ``(n_in, n_outputs)`` in ``theta``, or None."""
    if not net.skip:
        return None
    end = net.n_weights
    return theta[end - net.n_skip : end].reshape(net.shapes[0][0], net.n_outputs)


def _feedback_matrix(W1, net):
    """The feedback rows of ``W1`` (first layer or skip), over the whole window."""
    W_fb = np.zeros((net.n_output_lags * net.n_outputs, W1.shape[1]))
    W_fb[net.feedback] = W1[net.n_x :]
    return W_fb
