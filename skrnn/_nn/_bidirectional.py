"""Bidirectional recurrent layers: a cell run forward and backward in time.

A bidirectional layer holds two independent sets of the cell's parameters
(the backward set's names end in ``_reverse``, as PyTorch's do) and
concatenates the two directions' states, forward first::

    h_t = [h→_t, h←_t]      h→_t = cell(x_t, h→_{t-1}),  h←_t = cell(x_t, h←_{t+1})

With variable lengths the backward direction starts at each sequence's own
last step ``L_i - 1``: each sequence is reversed inside its own length by an
index gather (padding stays where it is), the ordinary forward code of the
cell runs over the reversed batch, and its states are reversed back. So the
final state ``[h→_{L-1}, h←_0]`` is what many-to-one reads (the forward state
at the last step, the backward state at the first), and a padded step holds
it, as every cell's padded steps hold the final state. An initial state
``state0`` is split the same way: its first half starts the forward
direction at step 0, its second half the backward direction at each
sequence's last step.

:class:`Bidirectional` wraps a cell module and offers the cell interface
documented in :mod:`skrnn._nn._elman`, so :mod:`skrnn._nn._stack` stacks it like
any cell. Truncated backpropagation through time has no meaning here (the
backward direction needs the whole sequence) and is refused upstream.
"""

import numpy as np

__all__ = ["Bidirectional", "reverse_within_lengths"]

SUFFIX = "_reverse"


def reverse_within_lengths(A, rev):
    """Reverse each sequence of the time-major ``A`` inside its own length.

    Parameters
    ----------
    A : ndarray of shape (T, N, ...)
        Time-major values.
    rev : ndarray of shape (T, N) or None
        From :func:`_reversal_index`; None when every length is ``T``.

    Returns
    -------
    ndarray of shape (T, N, ...)
        A new array: ``out[t, i] = A[L_i - 1 - t, i]`` for ``t < L_i`` and
        ``A[t, i]`` past the length. The map is its own inverse.
    """
    if rev is None:
        return A[::-1].copy()
    return A[rev, np.arange(A.shape[1])]


def _reversal_index(lengths, T):
    """Time index of the in-length reversal, or None when all lengths are T."""
    if np.all(lengths >= T):
        return None
    t = np.arange(T)[:, None]
    return np.where(t < lengths, lengths - 1 - t, t)


class Bidirectional:
    """A cell module run forward and backward in time, states concatenated.

    Parameters
    ----------
    cell : module
        A cell module of :data:`skrnn._nn._layout.CELLS`.

    Attributes
    ----------
    STATE_NAMES, WEIGHT_NAMES, BIAS_NAMES : tuple of str
        As the cell's; the parameters of the backward direction carry the
        suffix ``_reverse``. Each state array is ``(N, 2 n_hidden)``.
    """

    def __init__(self, cell):
        self.cell = cell
        self.STATE_NAMES = cell.STATE_NAMES
        self.WEIGHT_NAMES = cell.WEIGHT_NAMES + _reversed(cell.WEIGHT_NAMES)
        self.BIAS_NAMES = cell.BIAS_NAMES + _reversed(cell.BIAS_NAMES)

    def param_shapes(self, n_in, n_hidden):
        """The cell's shapes, once per direction."""
        shapes = self.cell.param_shapes(n_in, n_hidden)
        return {**shapes, **{name + SUFFIX: s for name, s in shapes.items()}}

    def init_layer(self, n_in, n_hidden, rng, dtype=np.float64):
        """Two independent initialisations of the cell."""
        forward = self.cell.init_layer(n_in, n_hidden, rng, dtype)
        backward = self.cell.init_layer(n_in, n_hidden, rng, dtype)
        return {**forward, **{name + SUFFIX: v for name, v in backward.items()}}

    def _split(self, params):
        names = self.cell.WEIGHT_NAMES + self.cell.BIAS_NAMES
        return (
            {name: params[name] for name in names},
            {name: params[name + SUFFIX] for name in names},
        )

    def forward(self, params, X_tm, lengths, state0, activation, counts=None):
        """Run both directions; see the cell's ``forward``.

        ``state0`` arrays are ``(N, 2 n_hidden)`` or ``(2 n_hidden,)``;
        ``H_tm`` is ``(T, N, 2 n_hidden)``, forward states first.
        """
        fw, bw = self._split(params)
        H = state0[0].shape[-1] // 2
        T = X_tm.shape[0]
        state_f = tuple(s[..., :H] for s in state0)
        state_b = tuple(s[..., H:] for s in state0)
        rev = _reversal_index(lengths, T)
        H_f, final_f, cache_f = self.cell.forward(
            fw, X_tm, lengths, state_f, activation, counts
        )
        H_b, final_b, cache_b = self.cell.forward(
            bw, reverse_within_lengths(X_tm, rev), lengths, state_b, activation, counts
        )
        H_tm = np.empty(H_f.shape[:2] + (2 * H,), dtype=H_f.dtype)
        H_tm[..., :H] = H_f
        H_tm[..., H:] = reverse_within_lengths(H_b, rev)
        final = tuple(
            np.concatenate(pair, axis=1) for pair in zip(final_f, final_b, strict=True)
        )
        return H_tm, final, (cache_f, cache_b, rev, H)

    def backward(self, params, cache, dH_tm, d_final_state, grads, need_dX=True):
        """Backpropagate both directions; see the cell's ``backward``."""
        fw, bw = self._split(params)
        grads_f, grads_b = self._split(grads)
        cache_f, cache_b, rev, H = cache
        dH_f = dH_b = None
        if dH_tm is not None:
            dH_f = dH_tm[..., :H]
            dH_b = reverse_within_lengths(dH_tm[..., H:], rev)
        d_final_f = d_final_b = None
        if d_final_state is not None:
            d_final_f = tuple(None if d is None else d[:, :H] for d in d_final_state)
            d_final_b = tuple(None if d is None else d[:, H:] for d in d_final_state)
        dX_f, d0_f = self.cell.backward(fw, cache_f, dH_f, d_final_f, grads_f, need_dX)
        dX_b, d0_b = self.cell.backward(bw, cache_b, dH_b, d_final_b, grads_b, need_dX)
        dX = None
        if need_dX:
            dX = dX_f
            dX += reverse_within_lengths(dX_b, rev)
        d_state0 = tuple(
            np.concatenate(pair, axis=1) for pair in zip(d0_f, d0_b, strict=True)
        )
        return dX, d_state0


def _reversed(names):
    return tuple(name + SUFFIX for name in names)
