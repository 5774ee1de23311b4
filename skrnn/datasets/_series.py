"""Series generators: linear and nonlinear systems driven by white noise.

Each returns one input/output record, ``X`` of shape ``(n_timesteps,
n_inputs)`` and ``y`` of shape ``(n_timesteps,)``, starting from rest, with
the coefficients of its equation so that a test can check the answer.
"""

import numpy as np
from scipy.signal import lfilter

from ._checks import (
    COUNT,
    NON_NEGATIVE,
    StrOptions,
    check_random_state_or_generator,
    validate_params,
)

__all__ = ["make_arx_system", "make_fir_system", "make_narx_system"]

_DEFAULT_TAPS = (0.5, 0.3, -0.2, 0.1)
_DEFAULT_AR_COEF = (1.5, -0.7)
_DEFAULT_INPUT_COEF = (1.0, 0.5)
_NARX_INPUT_RANGE = 2.0  # x_t ~ U(-2, 2)
_COLORED_POLE = 0.9  # output noise v_t = 0.9 v_{t-1} + w_t


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


# --------------------------------------------------------------------------
# series: dynamic systems
# --------------------------------------------------------------------------


@validate_params(
    {
        "n_timesteps": [COUNT],
        "n_inputs": [COUNT],
        "taps": "no_validation",
        "noise": [NON_NEGATIVE],
        "random_state": "no_validation",
        "return_taps": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
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
    taps = _input_coef(taps, _DEFAULT_TAPS, n_inputs, "taps")
    rng = check_random_state_or_generator(random_state)

    X = rng.standard_normal((n_timesteps, n_inputs))
    e = rng.standard_normal(n_timesteps)
    y = np.zeros(n_timesteps)
    for j in range(n_inputs):
        y += np.convolve(X[:, j], taps[:, j])[:n_timesteps]
    y += noise * e
    if return_taps:
        return X, y, taps
    return X, y


@validate_params(
    {
        "n_timesteps": [COUNT],
        "n_inputs": [COUNT],
        "ar_coef": "no_validation",
        "input_coef": "no_validation",
        "noise": [NON_NEGATIVE],
        "random_state": "no_validation",
        "return_coef": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
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
    rng = check_random_state_or_generator(random_state)

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


@validate_params(
    {
        "n_timesteps": [COUNT],
        "noise": [NON_NEGATIVE],
        "noise_type": [StrOptions(set(_NARX_NOISE))],
        "random_state": "no_validation",
        "return_noise_free": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
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
    noise_model = _NARX_NOISE[noise_type]
    rng = check_random_state_or_generator(random_state)

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
