"""Training a state-space network on the simulation error of subsequences.

:class:`~skrnn.StateSpaceRegressor` learns from one long series (or a few):
the series is cut into overlapping subsequences, each simulated from the
inputs alone, the state carried through it, and the loss is the simulation
error after its first ``warmup`` steps (which only warm the state up). The
state a subsequence starts from is estimated by an *encoder* from the
``init_window`` inputs and outputs before it,

    s_0 = tanh(z E + e),        z = the flattened window (standardised),

where ``s_0`` is every layer's initial state stacked in one vector; a
subsequence with less history than the window starts from the zero state.
The encoder is trained jointly with the network: the gradient of the loss
with respect to ``s_0`` comes from :func:`skrnn._nn._stack.bptt_chunks`.

The parameters live in one flat vector: the network's (``layout.size``
entries, laid out by :func:`~skrnn._nn._stack.make_layout`), then ``E`` and
``e``. Everything here works on standardised arrays and knows nothing of
scikit-learn estimators; training goes through the one trainer
(:func:`~skrnn._nn._training.run_epochs`).
"""

from dataclasses import dataclass

import numpy as np

from .._nn._cellmath import glorot_uniform
from .._nn._optimizers import AdamOptimizer
from .._nn._stack import CELLS, bptt_chunks, init_params, predict
from .._nn._training import StoppingMonitor, TrainingRecord, run_epochs

__all__ = [
    "Network",
    "cut_subsequences",
    "encode",
    "simulate",
    "batch_chunks",
    "train_restart",
]


@dataclass(frozen=True)
class Network:
    """The shape of a state-space network and its encoder.

    Attributes
    ----------
    layout : Layout
        The recurrent layers and the output layer.
    activation : str
        The hidden activation ψ.
    window : int
        Rows of past inputs and outputs the encoder reads (0: no encoder).
    n_inputs, n_outputs : int
        Columns of ``x`` and ``y``.
    """

    layout: object
    activation: str
    window: int
    n_inputs: int
    n_outputs: int

    @property
    def state_sizes(self):
        """Length of each state array, layer by layer (``(h,)`` or ``(h, c)``)."""
        n_arrays = len(CELLS[self.layout.cell].STATE_NAMES)
        return [w for w in self.layout.widths for _ in range(n_arrays)]

    @property
    def state_size(self):
        """Length of the stacked state vector ``s``."""
        return sum(self.state_sizes)

    @property
    def encoder_inputs(self):
        """Length of a flattened window ``z``."""
        return self.window * (self.n_inputs + self.n_outputs)

    @property
    def size(self):
        """Length of the full parameter vector."""
        return self.layout.size + (self.encoder_inputs + 1) * self.state_size

    def split(self, theta):
        """Views ``(network, E, e)`` of ``theta`` (or of a gradient)."""
        n, S = self.layout.size, self.state_size
        E = theta[n : n + self.encoder_inputs * S].reshape(self.encoder_inputs, S)
        return theta[:n], E, theta[n + E.size :]

    def init(self, rng):
        """Fresh parameters: the network's initialisation, a small encoder."""
        theta = np.zeros(self.size)
        net, E, _ = self.split(theta)
        net[...] = init_params(self.layout, rng)
        if E.size:
            E[...] = 0.1 * glorot_uniform(*E.shape, rng)
        return theta

    def states(self, s):
        """The stacked states ``(N, state_size)`` as the stack's per-layer tuples."""
        n_arrays = len(CELLS[self.layout.cell].STATE_NAMES)
        pieces = np.split(s, np.cumsum(self.state_sizes)[:-1], axis=1)
        return [
            tuple(pieces[i : i + n_arrays]) for i in range(0, len(pieces), n_arrays)
        ]

    def stack(self, states):
        """The stack's per-layer state tuples as one ``(N, state_size)`` array."""
        return np.concatenate([a for layer in states for a in layer], axis=1)


def windows(X, Y, ends, window):
    """Flattened windows: rows ``end - window … end - 1`` of ``[X, Y]`` per end."""
    XY = np.hstack([X, Y])
    rows = np.asarray(ends)[:, None] + np.arange(-window, 0)
    return XY[rows].reshape(len(rows), -1)


def encode(net, theta, Z, known):
    """The initial states ``(N, state_size)``: tanh(z E + e), zero where not known."""
    _, E, e = net.split(theta)
    S = np.tanh(Z @ E + e) if E.size else np.zeros((len(Z), net.state_size))
    S *= np.asarray(known, dtype=S.dtype)[:, None]
    return S


def cut_subsequences(X, Y, starts, *, length, warmup, window):
    """Overlapping subsequences of every series, with encoder windows.

    Each series of ``L`` rows gives subsequences of ``min(length, L)`` rows
    starting every half of that (the last one ending with the series). A
    subsequence with ``window`` rows of history before it starts from the
    encoder's state and carries loss from its first step; one without starts
    from the zero state, and its first ``min(warmup, rows // 2)`` steps carry
    no loss (they warm the state up).

    Returns
    -------
    batch : tuple
        ``(X, Y, weights, Z, known, lengths)``: sequence-major, zero-padded
        ``(n, T, ·)`` inputs, targets and target weights ``(n, T)``, the
        windows before each subsequence ``(n, window * (n_x + n_y))``,
        whether each has a whole window of history, and the lengths.
    """
    pieces = []
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        L = int(b - a)
        S = min(length, L)
        offsets = list(range(0, L - S + 1, max(S // 2, 1)))
        if offsets[-1] != L - S:
            offsets.append(L - S)
        pieces += [(a, int(o), S) for o in offsets]
    n, T = len(pieces), max(S for _, _, S in pieces)
    Xs = np.zeros((n, T, X.shape[1]))
    Ys = np.zeros((n, T, Y.shape[1]))
    weights = np.zeros((n, T))
    known = np.zeros(n, dtype=bool)
    ends = np.zeros(n, dtype=np.int64)
    for i, (a, o, S) in enumerate(pieces):
        Xs[i, :S], Ys[i, :S] = X[a + o : a + o + S], Y[a + o : a + o + S]
        known[i] = window > 0 and o >= window
        weights[i, 0 if known[i] else min(warmup, S // 2) : S] = 1.0
        ends[i] = a + o if known[i] else window  # any valid window when unknown
    if window and known.any():
        Z = windows(X, Y, np.where(known, ends, ends[known][0]), window)
    else:
        Z = np.zeros((n, window * (X.shape[1] + Y.shape[1])))
    lengths = np.array([S for _, _, S in pieces], dtype=np.int64)
    return Xs, Ys, weights, Z, known, lengths


def simulate(net, theta, X_tm, lengths, S0, block=256):
    """Free run from the stacked states ``S0``: outputs ``(T, N, n_outputs)``.

    Also returns the final stacked states ``(N, state_size)``.
    """
    Y, final = predict(
        net.split(theta)[0],
        net.layout,
        X_tm,
        lengths,
        activation=net.activation,
        return_sequences=True,
        out_activation="identity",
        block=block,
        state0=net.states(S0),
        return_state=True,
    )
    return Y, net.stack(final)


def batch_chunks(net, theta, batch, grad, *, alpha, bptt_steps):
    """Loss and gradient of a batch of subsequences, chunk by chunk.

    A generator for :func:`~skrnn._nn._training.run_epochs`: ``batch`` is
    ``(X_tm, Y_tm, weights_tm, Z, known, lengths)``, time-major. The
    encoder's gradient comes from the first chunk (truncated BPTT does not
    carry gradients across chunks).
    """
    X_tm, Y_tm, W_tm, Z, known, lengths = batch
    net_theta, E, _ = net.split(theta)
    g_net, g_E, g_e = net.split(grad)
    S0 = encode(net, theta, Z, known)
    d_state0 = []
    chunks = bptt_chunks(
        net_theta,
        net.layout,
        X_tm,
        lengths,
        Y_tm,
        W_tm,
        loss="squared_error",
        activation=net.activation,
        return_sequences=True,
        alpha=alpha,
        bptt_steps=bptt_steps,
        state0=net.states(S0),
        grad=g_net,
        grad_state0=d_state0 if E.size else None,
    )
    for value, weight in chunks:
        if E.size:
            dS = net.stack(d_state0)
            dS *= 1.0 - S0 * S0  # tanh'; zero rows stay zero (S0 = 0, dS masked)
            dS *= known[:, None]
            np.matmul(Z.T, dS, out=g_E)
            np.sum(dS, axis=0, out=g_e)
            if alpha:
                value += 0.5 * alpha * float(np.vdot(E, E)) / weight
                g_E += E * (alpha / weight)
        yield value, weight


def _time_major(batch, idx):
    X, Y, weights, Z, known, lengths = batch
    idx = np.sort(idx)
    return (
        np.ascontiguousarray(X[idx].swapaxes(0, 1)),
        np.ascontiguousarray(Y[idx].swapaxes(0, 1)),
        np.ascontiguousarray(weights[idx].T),
        Z[idx],
        known[idx],
        lengths[idx],
    )


def validation_r2(net, theta, validation):
    """R² of the free run of the held-out rows (standardised, after warm-up)."""
    X_tm, Y_tm, W_tm, Z, known, lengths = validation
    Y, _ = simulate(net, theta, X_tm, lengths, encode(net, theta, Z, known))
    w = W_tm[..., None]
    mean = (w * Y_tm).sum(axis=(0, 1)) / w.sum()
    sse = (w * (Y - Y_tm) ** 2).sum(axis=(0, 1))
    sst = (w * (Y_tm - mean) ** 2).sum(axis=(0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0), -sse)
    score = float(np.mean(r2))
    return score if np.isfinite(score) else -np.inf


@dataclass(frozen=True)
class Settings:
    """The training parameters of one restart (the estimator's, resolved)."""

    alpha: float
    bptt_steps: int | None
    batch_size: int
    learning_rate_init: float
    max_iter: int
    tol: float
    n_iter_no_change: int
    max_grad_norm: float | None
    shuffle: bool
    verbose: bool


def train_restart(net, settings, batch, validation, seed):
    """Train from fresh parameters seeded by ``seed``: one restart.

    Parameters
    ----------
    net : Network
        The network and encoder.
    settings : Settings
        The training parameters.
    batch : tuple
        The training subsequences, from :func:`cut_subsequences`.
    validation : tuple or None
        Held-out subsequences (time-major, as a batch); their free-run R²
        decides when to stop and which parameters to keep.
    seed : int
        Seeds the initialisation and the shuffling.

    Returns
    -------
    theta : ndarray
        The trained parameters (the best on validation, if any).
    record : TrainingRecord
        What training did.
    converged : bool
        Whether the stopping rule ended training before ``max_iter``.
    """
    rng = np.random.RandomState(seed)
    theta = net.init(rng)
    n = len(batch[0])
    score = None
    if validation is not None:
        score = lambda: validation_r2(net, theta, validation)  # noqa: E731
    record = TrainingRecord.new(score is not None)
    monitor = StoppingMonitor(
        record, settings.tol, settings.n_iter_no_change, theta, score
    )
    size = min(settings.batch_size, n)

    def epochs():
        order = rng.permutation(n) if settings.shuffle else np.arange(n)
        for i in range(0, n, size):
            yield _time_major(batch, order[i : i + size])

    converged = run_epochs(
        theta,
        lambda b, grad: batch_chunks(
            net, theta, b, grad, alpha=settings.alpha, bptt_steps=settings.bptt_steps
        ),
        epochs,
        optimizer=AdamOptimizer(theta, settings.learning_rate_init),
        monitor=monitor,
        max_iter=settings.max_iter,
        n_samples=n,
        max_grad_norm=settings.max_grad_norm,
        verbose=settings.verbose,
    )
    return theta, record, converged
