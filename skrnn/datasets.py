"""Generators of time series and sequence tasks with known answers.

Two kinds of data, as in the rest of skrnn:

- **series** — one long input/output record of a dynamic system, ``X`` of shape
  ``(n_timesteps, n_inputs)`` and ``y`` of shape ``(n_timesteps,)``, for
  ``FIRRegressor``, ``NARXRegressor`` and the windowing transformers:
  :func:`make_fir_system`, :func:`make_arx_system`, :func:`make_narx_system`;
- **sequence tasks** — a batch of sequences, ``X`` of shape
  ``(n_sequences, n_timesteps, n_features)`` (or a list of arrays of different
  lengths), for ``RNNRegressor`` and ``RNNClassifier``:
  :func:`make_sine_square`, :func:`make_running_sum`,
  :func:`make_adding_problem`, :func:`make_copy_first`,
  :func:`make_sequence_mean`, :func:`make_variable_length_sequences`.

Every generator takes ``random_state`` (None, an int, a
:class:`numpy.random.RandomState` or a :class:`numpy.random.Generator`) and
gives the same data for the same seed. The systems start from rest: every
input and output before the first row is zero.
"""

import numbers

import numpy as np
from scipy.signal import lfilter
from sklearn.utils import check_random_state

__all__ = [
    "make_adding_problem",
    "make_arx_system",
    "make_copy_first",
    "make_fir_system",
    "make_narx_system",
    "make_running_sum",
    "make_sequence_mean",
    "make_sine_square",
    "make_variable_length_sequences",
]

_DEFAULT_TAPS = (0.5, 0.3, -0.2, 0.1)
_DEFAULT_AR_COEF = (1.5, -0.7)
_DEFAULT_INPUT_COEF = (1.0, 0.5)
_NARX_INPUT_RANGE = 2.0  # x_t ~ U(-2, 2)
_COLORED_POLE = 0.9  # output noise v_t = 0.9 v_{t-1} + w_t


# --------------------------------------------------------------------------
# small helpers: random state, argument checks
# --------------------------------------------------------------------------


def _check_random_state(seed):
    """Return a RandomState (None, int, RandomState) or the Generator given."""
    if isinstance(seed, np.random.Generator):
        return seed
    try:
        return check_random_state(seed)
    except ValueError:
        raise ValueError(
            "random_state must be None, an int, a numpy RandomState or a numpy "
            f"Generator, got {seed!r}."
        ) from None


def _integers(rng, low, high, size):
    """Integers uniform on [low, high) from a RandomState or a Generator."""
    if isinstance(rng, np.random.Generator):
        return rng.integers(low, high, size=size)
    return rng.randint(low, high, size=size)


def _check_int(value, name, min_value=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {value!r}.")
    if value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}.")
    return int(value)


def _check_noise(value, name="noise"):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a float, got {value!r}.")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite float >= 0, got {value}.")
    return float(value)


def _check_option(value, name, options):
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}.")
    return value


def _check_coef(coef, name):
    """A finite float array of one or two dimensions, not empty."""
    try:
        coef = np.array(coef, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {coef!r}.") from None
    if coef.ndim not in (1, 2) or coef.shape[0] == 0 or coef.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D array, or 2-D with one column per "
            f"input, got shape {coef.shape}."
        )
    if not np.all(np.isfinite(coef)):
        raise ValueError(f"{name} must not contain NaN or infinity.")
    return coef


def _input_coef(coef, default, n_inputs, name):
    """Coefficients per input as a ``(n_coef, n_inputs)`` array.

    ``None`` gives ``default`` scaled by ``(-1)**j / (j + 1)`` for input ``j``
    (so that the inputs play different parts); a 1-D array is used for every
    input; a 2-D array must have ``n_inputs`` columns.
    """
    if coef is None:
        scale = (-1.0) ** np.arange(n_inputs) / np.arange(1, n_inputs + 1)
        return np.outer(default, scale)
    coef = _check_coef(coef, name)
    if coef.ndim == 1:
        return np.repeat(coef[:, None], n_inputs, axis=1)
    if coef.shape[1] != n_inputs:
        raise ValueError(
            f"{name} has {coef.shape[1]} columns (one per input) but "
            f"n_inputs={n_inputs}."
        )
    return coef


def _balanced_labels(rng, n):
    """0/1 labels, as balanced as ``n`` allows, in random order."""
    return rng.permutation(np.arange(n) % 2).astype(np.int64)


# --------------------------------------------------------------------------
# series: dynamic systems
# --------------------------------------------------------------------------


def make_fir_system(
    n_timesteps=1000,
    *,
    n_inputs=1,
    taps=None,
    noise=0.0,
    random_state=None,
    return_taps=False,
):
    r"""White-noise inputs filtered by a known finite impulse response.

    Parameters
    ----------
    n_timesteps : int, default=1000
        Number of time steps (rows).

    n_inputs : int, default=1
        Number of input series (columns of ``X``).

    taps : array-like of shape (n_taps,) or (n_taps, n_inputs), default=None
        The impulse response h: ``taps[k, j]`` multiplies input ``j`` at lag
        ``k``. A 1-D array is used for every input. ``None`` uses
        ``h = [0.5, 0.3, -0.2, 0.1]`` for the first input and
        ``(-1)**j / (j + 1) * h`` for input ``j``, so that every input plays
        a different part.

    noise : float, default=0.0
        Standard deviation of the white Gaussian noise added to the output.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator for the inputs and the noise.

    return_taps : bool, default=False
        If True, also return the taps used.

    Returns
    -------
    X : ndarray of shape (n_timesteps, n_inputs)
        The inputs, independent standard normal white noise.

    y : ndarray of shape (n_timesteps,)
        The output.

    taps : ndarray of shape (n_taps, n_inputs)
        The impulse response (only if ``return_taps=True``).

    See Also
    --------
    make_arx_system : A linear system with output feedback (infinite response).
    make_narx_system : A nonlinear system with output feedback.

    Notes
    -----
    With N = n_taps - 1, the output is

    .. math:: y_t = \sum_{j} \sum_{k=0}^{N} h_{k,j}\, x_{t-k,j} + \sigma e_t,
              \qquad x_{t,j}, e_t \sim \mathcal{N}(0, 1),

    with x_t = 0 for t < 0, so that without noise y is
    ``sum(scipy.signal.lfilter(taps[:, j], 1, X[:, j]))`` over the inputs.
    ``FIRRegressor(Ridge(), n_lags=N)`` is the model that matches it. The
    noise is drawn after the inputs: the same ``random_state`` gives the
    same ``X`` whatever ``noise`` is.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.signal import lfilter
    >>> from skrnn.datasets import make_fir_system
    >>> X, y, taps = make_fir_system(500, random_state=0, return_taps=True)
    >>> X.shape, y.shape
    ((500, 1), (500,))
    >>> taps[:, 0]
    array([ 0.5,  0.3, -0.2,  0.1])
    >>> bool(np.allclose(y, lfilter(taps[:, 0], 1.0, X[:, 0])))
    True
    >>> X, y, taps = make_fir_system(500, n_inputs=2, random_state=0,
    ...                              return_taps=True)
    >>> X.shape, taps.shape
    ((500, 2), (4, 2))
    """
    n_timesteps = _check_int(n_timesteps, "n_timesteps")
    n_inputs = _check_int(n_inputs, "n_inputs")
    noise = _check_noise(noise)
    taps = _input_coef(taps, _DEFAULT_TAPS, n_inputs, "taps")
    rng = _check_random_state(random_state)

    X = rng.standard_normal((n_timesteps, n_inputs))
    e = rng.standard_normal(n_timesteps)
    y = np.zeros(n_timesteps)
    for j in range(n_inputs):
        y += np.convolve(X[:, j], taps[:, j])[:n_timesteps]
    y += noise * e
    if return_taps:
        return X, y, taps
    return X, y


def make_arx_system(
    n_timesteps=1000,
    *,
    n_inputs=1,
    ar_coef=None,
    input_coef=None,
    noise=0.0,
    random_state=None,
    return_coef=False,
):
    r"""A linear system with output feedback (ARX), driven by white noise.

    Parameters
    ----------
    n_timesteps : int, default=1000
        Number of time steps (rows).

    n_inputs : int, default=1
        Number of input series (columns of ``X``).

    ar_coef : array-like of shape (n_output_lags,), default=None
        The output feedback a_1, ..., a_M; ``None`` means ``[1.5, -0.7]``
        (poles of modulus sqrt(0.7) ~ 0.84: a lightly damped resonance whose
        impulse response lasts some 30 steps). The system must be stable:
        every root of z^M - a_1 z^{M-1} - ... - a_M inside the unit circle.

    input_coef : array-like of shape (n_coef,) or (n_coef, n_inputs), default=None
        The input coefficients b_0, ..., b_N (lag 0 first; N = n_coef - 1).
        A 1-D array is used for every input. ``None`` uses ``b = [1.0, 0.5]``
        for the first input and ``(-1)**j / (j + 1) * b`` for input ``j``.

    noise : float, default=0.0
        Standard deviation of the white Gaussian equation error e_t.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator for the inputs and the noise.

    return_coef : bool, default=False
        If True, also return ``ar_coef`` and ``input_coef``.

    Returns
    -------
    X : ndarray of shape (n_timesteps, n_inputs)
        The inputs, independent standard normal white noise.

    y : ndarray of shape (n_timesteps,)
        The output.

    ar_coef : ndarray of shape (n_output_lags,)
        a_1, ..., a_M (only if ``return_coef=True``).

    input_coef : ndarray of shape (n_lags + 1, n_inputs)
        b_{k,j}, lag k of input j (only if ``return_coef=True``).

    See Also
    --------
    make_fir_system : A system without output feedback.
    make_narx_system : A nonlinear system with output feedback.

    Notes
    -----
    .. math:: y_t = \sum_{i=1}^{M} a_i\, y_{t-i}
              + \sum_j \sum_{k=0}^{N} b_{k,j}\, x_{t-k,j} + \sigma e_t,
              \qquad x_{t,j}, e_t \sim \mathcal{N}(0, 1),

    starting from rest (x_t = y_t = 0 for t < 0). Without noise, y is the sum
    over the inputs j of ``lfilter(input_coef[:, j], [1, -a_1, ..., -a_M],
    X[:, j])`` (``scipy.signal.lfilter``). The noise enters the equation
    (equation error), so one-step-ahead least squares estimates the
    coefficients without bias; the model that matches is
    ``NARXRegressor(LinearRegression(), n_lags=N, n_output_lags=M)``. The
    noise is drawn after the inputs: the same ``random_state`` gives the same
    ``X`` whatever ``noise`` is.

    References
    ----------
    L. Ljung, *System Identification: Theory for the User*, 2nd ed.,
    Prentice Hall, 1999.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_arx_system
    >>> X, y, a, b = make_arx_system(500, random_state=0, return_coef=True)
    >>> X.shape, y.shape
    ((500, 1), (500,))
    >>> a, b[:, 0]
    (array([ 1.5, -0.7]), array([1. , 0.5]))
    >>> t = np.arange(2, 500)
    >>> residual = y[t] - (a[0] * y[t - 1] + a[1] * y[t - 2]
    ...                    + b[0, 0] * X[t, 0] + b[1, 0] * X[t - 1, 0])
    >>> bool(np.allclose(residual, 0.0))
    True
    """
    n_timesteps = _check_int(n_timesteps, "n_timesteps")
    n_inputs = _check_int(n_inputs, "n_inputs")
    noise = _check_noise(noise)
    ar_coef = _check_coef(_DEFAULT_AR_COEF if ar_coef is None else ar_coef, "ar_coef")
    if ar_coef.ndim != 1:
        raise ValueError(
            f"ar_coef must be a 1-D array (a_1, ..., a_M), got shape {ar_coef.shape}."
        )
    denominator = np.concatenate(([1.0], -ar_coef))
    largest = np.max(np.abs(np.roots(denominator)), initial=0.0)
    if largest >= 1.0:
        raise ValueError(
            f"ar_coef={ar_coef.tolist()} gives an unstable system (a pole of "
            f"modulus {largest:.3g} >= 1): its output would grow without bound."
        )
    input_coef = _input_coef(input_coef, _DEFAULT_INPUT_COEF, n_inputs, "input_coef")
    rng = _check_random_state(random_state)

    X = rng.standard_normal((n_timesteps, n_inputs))
    e = rng.standard_normal(n_timesteps)
    forcing = noise * e
    for j in range(n_inputs):
        forcing += np.convolve(X[:, j], input_coef[:, j])[:n_timesteps]
    y = lfilter([1.0], denominator, forcing)
    if return_coef:
        return X, y, ar_coef, input_coef
    return X, y


def _narx_white_noise(rng, n_timesteps, noise):
    """Equation error e_t (white), no output noise."""
    return noise * rng.standard_normal(n_timesteps), np.zeros(n_timesteps)


def _narx_colored_noise(rng, n_timesteps, noise):
    """No equation error; stationary AR(1) output noise of std ``noise``."""
    w = rng.standard_normal(n_timesteps)
    p = _COLORED_POLE
    # v_0 ~ N(0, noise^2), then v_t = p v_{t-1} + noise * sqrt(1 - p^2) w_t.
    w[1:] *= np.sqrt(1.0 - p**2)
    v = lfilter([noise], [1.0, -p], w)
    return np.zeros(n_timesteps), v


_NARX_NOISE = {"white": _narx_white_noise, "colored": _narx_colored_noise}


def make_narx_system(
    n_timesteps=1000,
    *,
    noise=0.0,
    noise_type="white",
    random_state=None,
    return_noise_free=False,
):
    r"""A nonlinear system with output feedback (NARX), driven by uniform noise.

    Parameters
    ----------
    n_timesteps : int, default=1000
        Number of time steps (rows).

    noise : float, default=0.0
        Standard deviation of the noise (of e_t for ``"white"``, of v_t for
        ``"colored"``; see Notes).

    noise_type : {"white", "colored"}, default="white"
        ``"white"``: the noise e_t enters the equation (equation error, the
        NARX noise model). ``"colored"``: the system runs without noise and
        coloured noise v_t is added to the measured output (output error);
        training one step ahead on such data is biased.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator for the input and the noise.

    return_noise_free : bool, default=False
        If True, also return the output of the system without noise for the
        same input — the target a free-run simulation should reach.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 1)
        The input, independent and uniform on [-2, 2] (white, wide enough to
        bend tanh and to make the square term count).

    y : ndarray of shape (n_timesteps,)
        The measured output.

    y_noise_free : ndarray of shape (n_timesteps,)
        The output without noise (only if ``return_noise_free=True``).

    See Also
    --------
    make_arx_system : A linear system with output feedback.
    make_fir_system : A system without output feedback.

    Notes
    -----
    The system, starting from rest (x_t = s_t = 0 for t < 0), is

    .. math:: s_t = 0.8\, s_{t-1} - 0.1\, s_{t-2} + \tanh(x_{t-1})
              + 0.2\, x_{t-2}^2 + e_t, \qquad y_t = s_t + v_t,

    with x_t ~ U(-2, 2). Its linear part has poles 0.645 and 0.155, so it is
    stable, and it depends on lags 1 and 2 of both x and y:
    ``NARXRegressor(n_lags=2, n_output_lags=2)`` holds the true model.

    - ``noise_type="white"``: e_t ~ N(0, noise^2) i.i.d., v_t = 0.
    - ``noise_type="colored"``: e_t = 0 and v is stationary AR(1) noise,
      v = w / (1 - 0.9 q^{-1}), that is v_t = 0.9 v_{t-1} + w_t with
      w_t ~ N(0, 0.19 noise^2) and v_0 ~ N(0, noise^2), so that every v_t has
      standard deviation ``noise``. The past outputs a model is fed are then
      noisy, and their noise is correlated with the target's: a one-step-ahead
      (teacher-forced) fit is biased, a fit of the free-run simulation error
      (output error) is not. The bias grows with ``noise``: at ``noise=1`` a
      one-step least-squares fit of the true model structure simulates the
      noise-free output with R^2 around 0.93, against 0.99 or more for white
      noise of the same level.

    The noise is drawn after the input: the same ``random_state`` gives the
    same ``X`` whatever ``noise`` and ``noise_type`` are.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_narx_system
    >>> X, y = make_narx_system(500, random_state=0)
    >>> X.shape, y.shape
    ((500, 1), (500,))
    >>> x, t = X[:, 0], np.arange(2, 500)
    >>> rhs = (0.8 * y[t - 1] - 0.1 * y[t - 2] + np.tanh(x[t - 1])
    ...        + 0.2 * x[t - 2] ** 2)
    >>> bool(np.allclose(y[t], rhs))
    True
    >>> X, y, s = make_narx_system(500, noise=0.3, noise_type="colored",
    ...                            random_state=0, return_noise_free=True)
    >>> round(float(np.corrcoef((y - s)[1:], (y - s)[:-1])[0, 1]), 1)
    0.9
    """
    n_timesteps = _check_int(n_timesteps, "n_timesteps")
    noise = _check_noise(noise)
    noise_model = _NARX_NOISE[_check_option(noise_type, "noise_type", _NARX_NOISE)]
    rng = _check_random_state(random_state)

    x = rng.uniform(-_NARX_INPUT_RANGE, _NARX_INPUT_RANGE, n_timesteps)
    e, v = noise_model(rng, n_timesteps, noise)
    # The nonlinearity acts on past inputs only, so the output recursion is a
    # linear filter of the forcing term.
    x_past = np.concatenate(([0.0, 0.0], x))
    forcing = np.tanh(x_past[1:-1]) + 0.2 * x_past[:-2] ** 2
    denominator = [1.0, -0.8, 0.1]
    s = lfilter([1.0], denominator, forcing + e)
    y = s + v
    X = x[:, None]
    if return_noise_free:
        return X, y, lfilter([1.0], denominator, forcing)
    return X, y


# --------------------------------------------------------------------------
# sequence tasks
# --------------------------------------------------------------------------


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
    n_sequences = _check_int(n_sequences, "n_sequences")
    n_timesteps = _check_int(n_timesteps, "n_timesteps")
    noise = _check_noise(noise)
    rng = _check_random_state(random_state)

    y = _balanced_labels(rng, n_sequences)
    period = rng.uniform(8.0, 16.0, n_sequences)
    phase = rng.uniform(0.0, 2.0 * np.pi, n_sequences)
    e = rng.standard_normal((n_sequences, n_timesteps))
    t = np.arange(n_timesteps)
    u = np.sin(2.0 * np.pi * t / period[:, None] + phase[:, None])
    square = np.where(u >= 0.0, 1.0, -1.0)
    X = np.where(y[:, None] == 1, square, u) + noise * e
    return X[:, :, None], y


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
    n_sequences = _check_int(n_sequences, "n_sequences")
    n_timesteps = _check_int(n_timesteps, "n_timesteps")
    rng = _check_random_state(random_state)

    X = rng.uniform(-1.0, 1.0, (n_sequences, n_timesteps, 1))
    return X, np.cumsum(X[:, :, 0], axis=1)


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
    n_sequences = _check_int(n_sequences, "n_sequences")
    n_timesteps = _check_int(n_timesteps, "n_timesteps", min_value=2)
    rng = _check_random_state(random_state)

    values = rng.uniform(0.0, 1.0, (n_sequences, n_timesteps))
    half = n_timesteps // 2
    first = _integers(rng, 0, half, n_sequences)
    second = _integers(rng, half, n_timesteps, n_sequences)
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
    n_sequences = _check_int(n_sequences, "n_sequences")
    n_timesteps = _check_int(n_timesteps, "n_timesteps")
    first_step = _COPY_FIRST_TASKS[_check_option(task, "task", _COPY_FIRST_TASKS)]
    noise = _check_noise(noise)
    rng = _check_random_state(random_state)

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
    n_sequences = _check_int(n_sequences, "n_sequences")
    n_timesteps = _check_int(n_timesteps, "n_timesteps")
    n_features = _check_int(n_features, "n_features")
    noise = _check_noise(noise)
    rng = _check_random_state(random_state)

    X = np.stack(_level_sequences(rng, [n_timesteps] * n_sequences, n_features, noise))
    y = X.mean(axis=1)
    return X, (y[:, 0] if n_features == 1 else y)


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
    n_sequences = _check_int(n_sequences, "n_sequences")
    min_timesteps = _check_int(min_timesteps, "min_timesteps")
    max_timesteps = _check_int(max_timesteps, "max_timesteps")
    if max_timesteps < min_timesteps:
        raise ValueError(
            f"max_timesteps={max_timesteps} must be >= min_timesteps={min_timesteps}."
        )
    n_features = _check_int(n_features, "n_features")
    noise = _check_noise(noise)
    rng = _check_random_state(random_state)

    lengths = _integers(rng, min_timesteps, max_timesteps + 1, n_sequences)
    X = _level_sequences(rng, lengths, n_features, noise)
    if return_sequences:
        y = [np.cumsum(x, axis=0) / np.arange(1, len(x) + 1)[:, None] for x in X]
        return X, ([y_i[:, 0] for y_i in y] if n_features == 1 else y)
    y = np.stack([x.mean(axis=0) for x in X])
    return X, (y[:, 0] if n_features == 1 else y)
