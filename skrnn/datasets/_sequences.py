"""Sequence tasks: batches of sequences with a known target, for RNNs.

Each returns ``X`` of shape ``(n_sequences, n_timesteps, n_features)`` (or a
list of arrays of different lengths) and one target per sequence or per step.
"""

import numpy as np

from ._checks import (
    COUNT,
    NON_NEGATIVE,
    StrOptions,
    check_random_state_or_generator,
    count_from,
    integers,
    validate_params,
)

__all__ = [
    "make_adding_problem",
    "make_copy_first",
    "make_running_sum",
    "make_sequence_mean",
    "make_sine_square",
    "make_variable_length_sequences",
]


def _balanced_labels(rng, n):
    """0/1 labels, as balanced as ``n`` allows, in random order."""
    return rng.permutation(np.arange(n) % 2).astype(np.int64)


@validate_params(
    {
        "n_sequences": [COUNT],
        "n_timesteps": [COUNT],
        "noise": [NON_NEGATIVE],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_sine_square(n_sequences=200, n_timesteps=32, *, noise=0.1, random_state=None):
    r"""Classify noisy sine waves against square waves (many-to-one).

    Parameters
    ----------
    n_sequences : int, default=200
        Number of sequences.

    n_timesteps : int, default=32
        Length of every sequence.

    noise : float, default=0.1
        Standard deviation of the white Gaussian noise added to every step.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator.

    Returns
    -------
    X : ndarray of shape (n_sequences, n_timesteps, 1)
        The waves.

    y : ndarray of shape (n_sequences,), dtype int64
        0 for a sine wave, 1 for a square wave; the classes are balanced
        (they differ by at most one) and in random order.

    See Also
    --------
    make_copy_first : A classification task that needs a long memory.

    Notes
    -----
    Sequence i has a period P_i ~ U(8, 16) time steps and a phase
    phi_i ~ U(0, 2 pi):

    .. math:: u_{i,t} = \sin(2\pi t / P_i + \phi_i), \qquad
              x_{i,t} = \begin{cases} u_{i,t} & y_i = 0 \\
              \operatorname{sign}(u_{i,t}) & y_i = 1 \end{cases}
              + \sigma e_{i,t},

    with sign(0) = 1 and e ~ N(0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_sine_square
    >>> X, y = make_sine_square(100, random_state=0)
    >>> X.shape, y.shape
    ((100, 32, 1), (100,))
    >>> np.bincount(y)
    array([50, 50])
    >>> X, y = make_sine_square(10, noise=0.0, random_state=0)
    >>> bool(np.all(np.abs(X[y == 1]) == 1.0))
    True
    """
    rng = check_random_state_or_generator(random_state)

    y = _balanced_labels(rng, n_sequences)
    period = rng.uniform(8.0, 16.0, n_sequences)
    phase = rng.uniform(0.0, 2.0 * np.pi, n_sequences)
    e = rng.standard_normal((n_sequences, n_timesteps))
    t = np.arange(n_timesteps)
    u = np.sin(2.0 * np.pi * t / period[:, None] + phase[:, None])
    square = np.where(u >= 0.0, 1.0, -1.0)
    X = np.where(y[:, None] == 1, square, u) + noise * e
    return X[:, :, None], y


@validate_params(
    {
        "n_sequences": [COUNT],
        "n_timesteps": [COUNT],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_running_sum(n_sequences=200, n_timesteps=20, *, random_state=None):
    r"""Predict the running sum of the inputs at every step (many-to-many).

    Parameters
    ----------
    n_sequences : int, default=200
        Number of sequences.

    n_timesteps : int, default=20
        Length of every sequence.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator.

    Returns
    -------
    X : ndarray of shape (n_sequences, n_timesteps, 1)
        The inputs, independent and uniform on [-1, 1].

    y : ndarray of shape (n_sequences, n_timesteps)
        The running sums, for ``return_sequences=True``.

    See Also
    --------
    make_sequence_mean : One target per sequence, the mean.

    Notes
    -----
    .. math:: y_{i,t} = \sum_{s=0}^{t} x_{i,s}, \qquad x_{i,s} \sim U(-1, 1).

    A linear recurrent network solves it exactly: h_t = h_{t-1} + x_t,
    y_t = h_t.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_running_sum
    >>> X, y = make_running_sum(50, 10, random_state=0)
    >>> X.shape, y.shape
    ((50, 10, 1), (50, 10))
    >>> bool(np.allclose(y[:, -1], X.sum(axis=(1, 2))))
    True
    """
    rng = check_random_state_or_generator(random_state)

    X = rng.uniform(-1.0, 1.0, (n_sequences, n_timesteps, 1))
    return X, np.cumsum(X[:, :, 0], axis=1)


@validate_params(
    {
        "n_sequences": [COUNT],
        "n_timesteps": [count_from(2)],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_adding_problem(n_sequences=200, n_timesteps=50, *, random_state=None):
    r"""The adding problem: the sum of two marked values of a long sequence.

    Parameters
    ----------
    n_sequences : int, default=200
        Number of sequences.

    n_timesteps : int, default=50
        Length of every sequence, at least 2.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator.

    Returns
    -------
    X : ndarray of shape (n_sequences, n_timesteps, 2)
        Feature 0: values uniform on [0, 1]. Feature 1: the markers, 1 at
        the two marked steps and 0 elsewhere.

    y : ndarray of shape (n_sequences,)
        The sum of the two marked values, in [0, 2].

    See Also
    --------
    make_copy_first : Remember the first step of a long sequence.
    make_running_sum : Sum every step.

    Notes
    -----
    With T = n_timesteps, sequence i marks one step a_i drawn uniformly from
    the first half {0, ..., T//2 - 1} and one step b_i from the second half
    {T//2, ..., T - 1}, as in Le et al. (2015) and Arjovsky et al. (2016):

    .. math:: y_i = x_{i,a_i,0} + x_{i,b_i,0}, \qquad
              x_{i,t,1} = [t = a_i] + [t = b_i].

    Predicting the constant 1 gives a mean squared error of 1/6 (the
    variance of the sum of two U(0, 1) values): a model that learns anything
    scores below that. The first marked value must be kept for at least
    ``T - b_i`` and up to ``T - 1`` steps, which is what makes the task hard
    for an Elman network and a test of gated cells.

    References
    ----------
    S. Hochreiter and J. Schmidhuber, "Long short-term memory", Neural
    Computation 9(8), 1997.

    Q. V. Le, N. Jaitly and G. E. Hinton, "A simple way to initialize
    recurrent networks of rectified linear units", arXiv:1504.00941, 2015.

    M. Arjovsky, A. Shah and Y. Bengio, "Unitary evolution recurrent neural
    networks", ICML 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_adding_problem
    >>> X, y = make_adding_problem(100, 50, random_state=0)
    >>> X.shape, y.shape
    ((100, 50, 2), (100,))
    >>> bool(np.all(X[:, :, 1].sum(axis=1) == 2))
    True
    >>> bool(np.allclose(y, (X[:, :, 0] * X[:, :, 1]).sum(axis=1)))
    True
    """
    rng = check_random_state_or_generator(random_state)

    values = rng.uniform(0.0, 1.0, (n_sequences, n_timesteps))
    half = n_timesteps // 2
    first = integers(rng, 0, half, n_sequences)
    second = integers(rng, half, n_timesteps, n_sequences)
    rows = np.arange(n_sequences)
    markers = np.zeros((n_sequences, n_timesteps))
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = values[rows, first] + values[rows, second]
    return np.stack([values, markers], axis=2), y


def _copy_first_class(rng, n):
    y = _balanced_labels(rng, n)
    return 2.0 * y - 1.0, y


def _copy_first_value(rng, n):
    x0 = rng.uniform(-1.0, 1.0, n)
    return x0, x0.copy()


_COPY_FIRST_TASKS = {
    "classification": _copy_first_class,
    "regression": _copy_first_value,
}


@validate_params(
    {
        "n_sequences": [COUNT],
        "n_timesteps": [COUNT],
        "task": [StrOptions(set(_COPY_FIRST_TASKS))],
        "noise": [NON_NEGATIVE],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_copy_first(
    n_sequences=200,
    n_timesteps=60,
    *,
    task="classification",
    noise=0.5,
    random_state=None,
):
    r"""Recall the first step of a long sequence of distractors (many-to-one).

    Parameters
    ----------
    n_sequences : int, default=200
        Number of sequences.

    n_timesteps : int, default=60
        Length of every sequence.

    task : {"classification", "regression"}, default="classification"
        ``"classification"``: the first step is -1 or +1 and ``y`` its class
        (0 or 1). ``"regression"``: the first step is uniform on [-1, 1] and
        ``y`` is that value.

    noise : float, default=0.5
        Standard deviation of the Gaussian distractors at the steps after the
        first. ``noise=0`` gives zeros: a pure memory test.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator.

    Returns
    -------
    X : ndarray of shape (n_sequences, n_timesteps, 1)
        The sequences.

    y : ndarray of shape (n_sequences,)
        int64 labels 0/1 (balanced, in random order) for
        ``"classification"``, float values for ``"regression"``.

    See Also
    --------
    make_adding_problem : Another long-memory task.

    Notes
    -----
    .. math:: x_{i,0} = \begin{cases} 2 y_i - 1 & \text{classification} \\
              y_i \sim U(-1, 1) & \text{regression} \end{cases}, \qquad
              x_{i,t} = \sigma e_{i,t}, \quad e_{i,t} \sim \mathcal{N}(0, 1),
              \quad t \ge 1.

    The answer is at the first step and the last ``T - 1`` steps carry no
    information about it, so the gradient that teaches the network to keep
    it must cross all of them: vanishing gradients make the task hard for an
    Elman cell, and gated cells (GRU, LSTM) are meant to solve it.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_copy_first
    >>> X, y = make_copy_first(100, random_state=0)
    >>> X.shape, y.shape, np.bincount(y)
    ((100, 60, 1), (100,), array([50, 50]))
    >>> bool(np.all((X[:, 0, 0] > 0) == (y == 1)))
    True
    >>> X, y = make_copy_first(100, task="regression", random_state=0)
    >>> bool(np.array_equal(X[:, 0, 0], y))
    True
    """
    first_step = _COPY_FIRST_TASKS[task]
    rng = check_random_state_or_generator(random_state)

    x0, y = first_step(rng, n_sequences)
    X = noise * rng.standard_normal((n_sequences, n_timesteps, 1))
    X[:, 0, 0] = x0
    return X, y


def _level_sequences(rng, lengths, n_features, noise):
    """Sequences x_t = mu + noise * e_t with one level mu per sequence."""
    level = rng.uniform(-1.0, 1.0, (len(lengths), n_features))
    return [
        level[i] + noise * rng.standard_normal((length, n_features))
        for i, length in enumerate(lengths)
    ]


@validate_params(
    {
        "n_sequences": [COUNT],
        "n_timesteps": [COUNT],
        "n_features": [COUNT],
        "noise": [NON_NEGATIVE],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_sequence_mean(
    n_sequences=200,
    n_timesteps=20,
    *,
    n_features=1,
    noise=0.5,
    random_state=None,
):
    r"""Predict the mean over time of each sequence (many-to-one regression).

    Parameters
    ----------
    n_sequences : int, default=200
        Number of sequences.

    n_timesteps : int, default=20
        Length of every sequence.

    n_features : int, default=1
        Number of features per time step.

    noise : float, default=0.5
        Standard deviation of the Gaussian noise around each sequence's level.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator.

    Returns
    -------
    X : ndarray of shape (n_sequences, n_timesteps, n_features)
        The sequences.

    y : ndarray of shape (n_sequences,) or (n_sequences, n_features)
        The mean over time of each sequence (of each feature; 1-D when
        ``n_features=1``).

    See Also
    --------
    make_variable_length_sequences : The same task with sequences of
        different lengths.
    make_running_sum : A target at every step.

    Notes
    -----
    Sequence i has a level mu_i ~ U(-1, 1) per feature:

    .. math:: x_{i,t} = \mu_i + \sigma e_{i,t}, \qquad
              y_i = \frac{1}{T} \sum_{t=0}^{T-1} x_{i,t},
              \qquad e_{i,t} \sim \mathcal{N}(0, 1).

    The target is the sample mean, exactly, not the level mu_i.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_sequence_mean
    >>> X, y = make_sequence_mean(50, 20, random_state=0)
    >>> X.shape, y.shape
    ((50, 20, 1), (50,))
    >>> bool(np.allclose(y, X[:, :, 0].mean(axis=1)))
    True
    >>> X, y = make_sequence_mean(50, 20, n_features=3, random_state=0)
    >>> X.shape, y.shape
    ((50, 20, 3), (50, 3))
    """
    rng = check_random_state_or_generator(random_state)

    X = np.stack(_level_sequences(rng, [n_timesteps] * n_sequences, n_features, noise))
    y = X.mean(axis=1)
    return X, (y[:, 0] if n_features == 1 else y)


@validate_params(
    {
        "n_sequences": [COUNT],
        "min_timesteps": [COUNT],
        "max_timesteps": [COUNT],
        "n_features": [COUNT],
        "noise": [NON_NEGATIVE],
        "return_sequences": ["boolean"],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_variable_length_sequences(
    n_sequences=100,
    *,
    min_timesteps=5,
    max_timesteps=30,
    n_features=1,
    noise=0.5,
    return_sequences=False,
    random_state=None,
):
    r"""Sequences of different lengths and their means, as lists (for masking).

    Parameters
    ----------
    n_sequences : int, default=100
        Number of sequences.

    min_timesteps : int, default=5
        Shortest possible length (at least 1).

    max_timesteps : int, default=30
        Longest possible length (at least ``min_timesteps``).

    n_features : int, default=1
        Number of features per time step.

    noise : float, default=0.5
        Standard deviation of the Gaussian noise around each sequence's level.

    return_sequences : bool, default=False
        If False, one target per sequence: its mean. If True, one target per
        step: the running mean up to that step.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator.

    Returns
    -------
    X : list of n_sequences ndarrays of shape (T_i, n_features)
        The sequences; each length T_i is uniform on
        {min_timesteps, ..., max_timesteps}.

    y : ndarray of shape (n_sequences,) or (n_sequences, n_features), or list
        The mean of each sequence (``return_sequences=False``), or a list of
        arrays of shape (T_i,) or (T_i, n_features), the running means
        (``return_sequences=True``). 1-D per sequence when ``n_features=1``.

    See Also
    --------
    make_sequence_mean : The same task with equal lengths.

    Notes
    -----
    Sequence i has a length T_i and a level mu_i ~ U(-1, 1) per feature:

    .. math:: x_{i,t} = \mu_i + \sigma e_{i,t}, \qquad
              y_{i,t} = \frac{1}{t + 1} \sum_{s=0}^{t} x_{i,s}, \qquad
              y_i = y_{i,T_i - 1}.

    Because the levels are not zero, a model that wrongly reads the zero
    padding past a sequence's end (instead of masking it) pulls the mean of
    the short sequences towards zero, so masking errors show.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_variable_length_sequences
    >>> X, y = make_variable_length_sequences(5, random_state=0)
    >>> len(X), X[0].ndim, y.shape
    (5, 2, (5,))
    >>> [x.shape[0] for x in X]
    [17, 20, 26, 5, 8]
    >>> bool(np.allclose(y, [x.mean() for x in X]))
    True
    >>> X, Y = make_variable_length_sequences(5, return_sequences=True,
    ...                                       random_state=0)
    >>> [x.shape[0] for x in X] == [len(y_i) for y_i in Y]
    True
    """
    if max_timesteps < min_timesteps:
        raise ValueError(
            f"max_timesteps={max_timesteps} must be >= min_timesteps={min_timesteps}."
        )
    rng = check_random_state_or_generator(random_state)

    lengths = integers(rng, min_timesteps, max_timesteps + 1, n_sequences)
    X = _level_sequences(rng, lengths, n_features, noise)
    if return_sequences:
        y = [np.cumsum(x, axis=0) / np.arange(1, len(x) + 1)[:, None] for x in X]
        return X, ([y_i[:, 0] for y_i in y] if n_features == 1 else y)
    y = np.stack([x.mean(axis=0) for x in X])
    return X, (y[:, 0] if n_features == 1 else y)
