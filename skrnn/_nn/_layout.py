"""The stacked network's parameters: one flat vector, and views of it.

The layers of :mod:`skrnn._nn._stack` (a cell from :data:`CELLS`, stacked,
optionally bidirectional) and the output layer keep all their parameters in
one flat, contiguous vector ``theta`` -- weights first, then biases, so the
L2 penalty is one slice. :func:`make_layout` says where each array lives,
:func:`unpack` gives per-layer views of it (so optimizers, clipping and
L-BFGS each work with one numpy call) and :func:`init_params` draws the
initial values. Numpy only.
"""

from dataclasses import dataclass
from math import prod

import numpy as np

from . import _elman, _gru, _lstm
from ._bidirectional import Bidirectional
from ._cellmath import glorot_uniform

__all__ = ["CELLS", "Layout", "make_layout", "unpack", "init_params"]


CELLS = {"elman": _elman, "gru": _gru, "lstm": _lstm}


@dataclass(frozen=True)
class Layout:
    """Where every parameter lives in the flat vector.

    Attributes
    ----------
    cell : str
        Key of :data:`CELLS`.
    n_features : int
        Inputs per time step.
    hidden_sizes : tuple of int
        Units of each recurrent layer.
    n_outputs : int
        Output units.
    layers : tuple of dict
        For each recurrent layer, ``name -> (start, stop, shape)``.
    output : dict
        ``"coef"`` (``(widths[-1], n_outputs)``) and ``"intercept"``.
    n_weights : int
        ``theta[:n_weights]`` are the weights penalised by ``alpha``.
    size : int
        Length of ``theta``.
    bidirectional : bool
        Whether every layer runs forward and backward in time
        (:mod:`skrnn._nn._bidirectional`).
    """

    cell: str
    n_features: int
    hidden_sizes: tuple
    n_outputs: int
    layers: tuple
    output: dict
    n_weights: int
    size: int
    bidirectional: bool = False

    @property
    def widths(self):
        """Width of each layer's states: its units, twice if bidirectional."""
        return tuple((1 + self.bidirectional) * h for h in self.hidden_sizes)


def _cell(cell, bidirectional):
    """The cell module, wrapped to run both ways when ``bidirectional``."""
    return Bidirectional(CELLS[cell]) if bidirectional else CELLS[cell]


def make_layout(cell, n_features, hidden_sizes, n_outputs, bidirectional=False):
    """Lay out the parameters of a stacked network in one flat vector."""
    module = _cell(cell, bidirectional)
    hidden_sizes = tuple(int(h) for h in hidden_sizes)
    widths = tuple((1 + bool(bidirectional)) * h for h in hidden_sizes)
    fan_in = (n_features,) + widths[:-1]
    shapes = [
        module.param_shapes(i, h) for i, h in zip(fan_in, hidden_sizes, strict=True)
    ]
    layers = [{} for _ in shapes]
    output = {}
    pos = 0

    def place(where, name, shape):
        nonlocal pos
        where[name] = (pos, pos + prod(shape), shape)
        pos += prod(shape)

    for entries, shape in zip(layers, shapes, strict=True):
        for name in module.WEIGHT_NAMES:
            place(entries, name, shape[name])
    place(output, "coef", (widths[-1], n_outputs))
    n_weights = pos
    for entries, shape in zip(layers, shapes, strict=True):
        for name in module.BIAS_NAMES:
            place(entries, name, shape[name])
    place(output, "intercept", (n_outputs,))
    return Layout(
        cell,
        n_features,
        hidden_sizes,
        n_outputs,
        tuple(layers),
        output,
        n_weights,
        pos,
        bool(bidirectional),
    )


def unpack(theta, layout):
    """Per-layer dicts of views into ``theta`` (or into a gradient vector).

    Returns
    -------
    layers : list of dict
        The parameters of each recurrent layer, keyed by the cell's names.
    output : dict
        ``"coef"`` and ``"intercept"`` of the output layer.
    """

    def view(entries):
        return {
            name: theta[start:stop].reshape(shape)
            for name, (start, stop, shape) in entries.items()
        }

    return [view(entries) for entries in layout.layers], view(layout.output)


def init_params(layout, rng, dtype=np.float64):
    """A freshly initialised flat parameter vector.

    Each recurrent layer is initialised by its cell (Glorot-uniform input
    weights, orthogonal recurrent weights, zero biases for Elman); the output
    layer is Glorot uniform with a zero intercept.
    """
    module = _cell(layout.cell, layout.bidirectional)
    theta = np.empty(layout.size, dtype=dtype)
    layers, output = unpack(theta, layout)
    n_in = layout.n_features
    for views, n_hidden, width in zip(
        layers, layout.hidden_sizes, layout.widths, strict=True
    ):
        values = module.init_layer(n_in, n_hidden, rng, dtype)
        for name, view in views.items():
            view[...] = values[name]
        n_in = width
    output["coef"][...] = glorot_uniform(n_in, layout.n_outputs, rng, dtype)
    output["intercept"][...] = 0
    return theta
