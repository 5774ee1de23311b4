"""Physical simulators of three nonlinear system-identification benchmarks.

The measured records of nonlinearbenchmark.org (Wiener-Hammerstein circuit,
Silverbox, cascaded tanks) are not shipped with skrnn; these simulators
follow their published descriptions — structure, sampling, excitation and
the scale of the signals — so that code written against them runs unchanged
on the measured records. Each returns a series ``(X, y)``: ``X`` of shape
``(n_timesteps, 1)`` (the input, in volts) and ``y`` of shape
``(n_timesteps,)`` (the measured output, in volts).

The pieces (excitations, the block-oriented cascade, the integrators) are
plain functions of arrays, tested alone against scipy.
"""

import numpy as np
from scipy.signal import butter, cheby1, cheby2, lfilter
from scipy.special import wrightomega

from ._checks import (
    COUNT,
    NON_NEGATIVE,
    StrOptions,
    check_random_state_or_generator,
    validate_params,
)

__all__ = ["make_cascaded_tanks", "make_silverbox", "make_wiener_hammerstein"]

# Wiener-Hammerstein circuit (Schoukens, Suykens and Ljung, 2009).
WH_FS = 51200.0  # Hz
WH_G1 = cheby1(3, 0.5, 4400.0, fs=WH_FS)  # Chebyshev I, 0.5 dB ripple, 4.4 kHz
WH_G2 = cheby2(3, 40.0, 5000.0, fs=WH_FS)  # inverse Chebyshev, 40 dB from 5 kHz
WH_DIODE = {"thermal_voltage": 0.05, "resistance_current": 1e-4}  # n V_T, R I_s
WH_INPUT_RMS = 0.4  # V
WH_BANDWIDTH = 10000.0  # Hz, of the filtered Gaussian and of the multisine
WH_PERIOD = 8192  # samples per multisine period

# Silverbox: a Duffing oscillator as an electronic circuit (Wigren and
# Schoukens, 2013), written with unit static gain (a = 1).
SILVERBOX_FS = 1e7 / 2**14  # 610.35 Hz
SILVERBOX_RESONANCE = 60.0  # Hz, of the linear part
SILVERBOX_DAMPING_RATIO = 0.05
SILVERBOX_PARAMS = {
    "m": 1.0 / (2.0 * np.pi * SILVERBOX_RESONANCE) ** 2,  # s^2
    "d": 2.0 * SILVERBOX_DAMPING_RATIO / (2.0 * np.pi * SILVERBOX_RESONANCE),  # s
    "a": 1.0,  # -
    "b": 5.0,  # V^-2
}
SILVERBOX_BANDWIDTH = 200.0  # Hz
SILVERBOX_INPUT_RMS = 0.025  # V, of the multisine; the arrow ends at twice it
SILVERBOX_PERIOD = 8192
SILVERBOX_SUBSTEPS = 20  # RK4 steps per sample

# Cascaded tanks (Schoukens, Mattson, Wigren and Noel, 2016).
TANKS_TS = 4.0  # s
TANKS_PARAMS = {"k1": 0.05, "k2": 0.05, "k3": 0.045, "k4": 0.0255}
TANKS_HEIGHT = 10.0  # V, level of a full tank as the sensor reads it
TANKS_OVERFLOW_FRACTION = 0.5  # of the upper tank's overflow that reaches tank 2
TANKS_INPUT_MEAN, TANKS_INPUT_RMS = 5.0, 1.6  # V, pump voltage
TANKS_BANDWIDTH = 0.0144  # Hz
TANKS_PERIOD = 1024
TANKS_SUBSTEPS = 16


# --------------------------------------------------------------------------
# excitations
# --------------------------------------------------------------------------


def random_phase_multisine(rng, n_timesteps, period, bins, rms):
    """Random-phase multisine on the FFT ``bins`` of a ``period``-sample grid.

    Every line has the same amplitude and a phase uniform on [0, 2 pi); a new
    phase realisation is drawn for every period, and each period is scaled
    to the root mean square ``rms``.
    """
    n_periods = -(-n_timesteps // period)
    spectrum = np.zeros((n_periods, period // 2 + 1), dtype=complex)
    spectrum[:, bins] = np.exp(
        1j * rng.uniform(0.0, 2.0 * np.pi, (n_periods, len(bins)))
    )
    u = np.fft.irfft(spectrum, n=period, axis=1)
    u *= rms / np.sqrt(np.mean(u**2, axis=1, keepdims=True))
    return u.ravel()[:n_timesteps]


def filtered_gaussian(rng, n_timesteps, cutoff, fs, rms, order=6):
    """White Gaussian noise through a Butterworth low-pass, scaled to ``rms``.

    The filter's start-up transient is dropped: it runs on ``n_timesteps``
    plus 1000 samples and the first 1000 are discarded.
    """
    b, a = butter(order, cutoff, fs=fs)
    u = lfilter(b, a, rng.standard_normal(n_timesteps + 1000))[1000:]
    return u * (rms / np.sqrt(np.mean(u**2)))


def _bins_up_to(bandwidth, fs, period, odd=False):
    """FFT bins 1, 2, ... (or 1, 3, 5, ...) up to ``bandwidth`` Hz."""
    last = int(bandwidth * period / fs)
    return np.arange(1, last + 1, 2 if odd else 1)


# --------------------------------------------------------------------------
# the systems, as functions of the input
# --------------------------------------------------------------------------


def diode(x, thermal_voltage=0.05, resistance_current=1e-4):
    """Output voltage of a resistor in series with a diode to ground.

    Solves x = v + R I_s (exp(v / (n V_T)) - 1) for v with the Wright omega
    function (omega(z) = W(exp(z)), W the Lambert function), which stays
    finite for every x: v ~ x for negative x, ~ n V_T log(x / (R I_s)) for
    large positive x.
    """
    shifted = (x + resistance_current) / thermal_voltage
    omega = wrightomega(shifted + np.log(resistance_current / thermal_voltage))
    return x + resistance_current - thermal_voltage * np.real(omega)


def wiener_hammerstein(u, nonlinearity=diode):
    """G2(q) f(G1(q) u): the Wiener-Hammerstein cascade from rest."""
    return lfilter(*WH_G2, nonlinearity(lfilter(*WH_G1, u)))


def duffing(u, fs, m, d, a, b, substeps=SILVERBOX_SUBSTEPS):
    """Sampled output of m y'' + d y' + (a + b y^2) y = u, from rest.

    The input is held constant over each sample (zero-order hold) and the
    equation integrated by ``substeps`` classical Runge-Kutta steps per
    sample.
    """
    h = 1.0 / (fs * substeps)
    y, v = 0.0, 0.0
    out = np.empty(len(u))
    for t, u_t in enumerate(np.asarray(u, dtype=float).tolist()):
        out[t] = y
        for _ in range(substeps):
            k1y, k1v = v, (u_t - d * v - (a + b * y * y) * y) / m
            y2, v2 = y + 0.5 * h * k1y, v + 0.5 * h * k1v
            k2y, k2v = v2, (u_t - d * v2 - (a + b * y2 * y2) * y2) / m
            y3, v3 = y + 0.5 * h * k2y, v + 0.5 * h * k2v
            k3y, k3v = v3, (u_t - d * v3 - (a + b * y3 * y3) * y3) / m
            y4, v4 = y + h * k3y, v + h * k3v
            k4y, k4v = v4, (u_t - d * v4 - (a + b * y4 * y4) * y4) / m
            y += h / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y)
            v += h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
    return out


def tank_levels(
    u,
    x0,
    k1,
    k2,
    k3,
    k4,
    *,
    ts=TANKS_TS,
    height=TANKS_HEIGHT,
    overflow_fraction=TANKS_OVERFLOW_FRACTION,
    substeps=TANKS_SUBSTEPS,
):
    """Levels (x1, x2) of the two tanks at every sample, shape (n, 2).

    The pump voltage is held over each sample; each sample is integrated by
    ``substeps`` Runge-Kutta steps whose derivative respects the walls of
    the tanks: a full upper tank overflows (its level stays at ``height``),
    ``overflow_fraction`` of the overflow falls into the lower tank, and a
    full lower tank spills the excess. Levels are kept in [0, height].
    """
    lower_gain = k2 / k1 * overflow_fraction

    def rates(x1, x2, u_t):
        out1 = k1 * np.sqrt(x1)
        dx1 = k4 * u_t - out1
        spill = dx1 if (x1 >= height and dx1 > 0.0) else 0.0
        dx1 -= spill
        dx2 = k2 * np.sqrt(x1) + lower_gain * spill - k3 * np.sqrt(x2)
        if x2 >= height and dx2 > 0.0:
            dx2 = 0.0
        return dx1, dx2

    def clip(x):
        return min(max(x, 0.0), height)

    h = ts / substeps
    x1, x2 = (float(x) for x in x0)
    out = np.empty((len(u), 2))
    for t, u_t in enumerate(np.asarray(u, dtype=float).tolist()):
        out[t] = x1, x2
        for _ in range(substeps):
            a1, a2 = rates(x1, x2, u_t)
            b1, b2 = rates(clip(x1 + 0.5 * h * a1), clip(x2 + 0.5 * h * a2), u_t)
            c1, c2 = rates(clip(x1 + 0.5 * h * b1), clip(x2 + 0.5 * h * b2), u_t)
            d1, d2 = rates(clip(x1 + h * c1), clip(x2 + h * c2), u_t)
            x1 = clip(x1 + h / 6.0 * (a1 + 2.0 * b1 + 2.0 * c1 + d1))
            x2 = clip(x2 + h / 6.0 * (a2 + 2.0 * b2 + 2.0 * c2 + d2))
    return out


def tank_equilibrium(u, k1, k2, k3, k4, height=TANKS_HEIGHT):
    """Steady levels for a constant pump voltage ``u`` (tanks not full)."""
    x1 = (k4 * u / k1) ** 2
    return min(x1, height), min((k2 / k3) ** 2 * x1, height)


# --------------------------------------------------------------------------
# the benchmarks
# --------------------------------------------------------------------------


def _wh_gaussian(rng, n_timesteps):
    return filtered_gaussian(rng, n_timesteps, WH_BANDWIDTH, WH_FS, WH_INPUT_RMS)


def _wh_multisine(rng, n_timesteps):
    bins = _bins_up_to(WH_BANDWIDTH, WH_FS, WH_PERIOD)
    return random_phase_multisine(rng, n_timesteps, WH_PERIOD, bins, WH_INPUT_RMS)


_WH_INPUTS = {"gaussian": _wh_gaussian, "multisine": _wh_multisine}


@validate_params(
    {
        "n_timesteps": [COUNT],
        "input": [StrOptions(set(_WH_INPUTS))],
        "noise": [NON_NEGATIVE],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_wiener_hammerstein(
    n_timesteps=100_000, *, input="gaussian", noise=1e-4, random_state=None
):
    r"""Simulate the Wiener-Hammerstein benchmark circuit (51.2 kHz, volts).

    A linear filter G1, a static diode nonlinearity f and a second linear
    filter G2 in cascade, as in the electronic circuit of the SYSID 2009
    benchmark of Schoukens, Suykens and Ljung.

    Parameters
    ----------
    n_timesteps : int, default=100_000
        Number of samples at 51.2 kHz (the benchmark's estimation record has
        100,000 samples, its test record 88,000).

    input : {"gaussian", "multisine"}, default="gaussian"
        ``"gaussian"``: Gaussian noise low-pass filtered at 10 kHz (sixth-order
        Butterworth), as in the 2009 benchmark. ``"multisine"``: random-phase
        multisines with flat spectrum up to 10 kHz, 8192 samples per period,
        a new phase realisation every period. Both have an rms of 0.4 V.

    noise : float, default=1e-4
        Standard deviation (volts) of the white Gaussian noise added to the
        measured output; the benchmark's output noise is of this order
        (0.1 mV against an output rms of about 0.2 V).

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator for the input and the noise.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 1)
        The input voltage u.

    y : ndarray of shape (n_timesteps,)
        The measured output voltage.

    See Also
    --------
    make_silverbox : A nonlinear feedback system (Duffing oscillator).
    make_cascaded_tanks : A slow fluid system with saturation.

    Notes
    -----
    Sampled at f_s = 51.2 kHz, from rest:

    .. math:: x_t = G_1(q)\, u_t, \qquad w_t = f(x_t), \qquad
              y_t = G_2(q)\, w_t + \sigma e_t, \qquad e_t \sim \mathcal{N}(0, 1),

    - G1: third-order Chebyshev (type I) low-pass, 0.5 dB pass-band ripple,
      cut-off 4.4 kHz — ``scipy.signal.cheby1(3, 0.5, 4400, fs=51200)``;
    - G2: third-order inverse Chebyshev (type II) low-pass, 40 dB stop-band
      attenuation from 5 kHz — ``scipy.signal.cheby2(3, 40, 5000, fs=51200)``;
    - f: a resistor R in series with a diode to ground, the diode obeying
      Shockley's law i = I_s (exp(w / (n V_T)) - 1), so that
      x = w + R I_s (exp(w / (n V_T)) - 1), solved exactly by

      .. math:: w = x + R I_s - n V_T\, \omega\!\left(\frac{x + R I_s}{n V_T}
                + \log\frac{R I_s}{n V_T}\right),

      with omega the Wright omega function, n V_T = 0.05 V and
      R I_s = 1e-4 V: f is the identity for negative x and bends above
      0.2 V towards 0.5 V, so the output is asymmetric (about -1.2 V to
      0.5 V), as in the measured record.

    Both filters have unit gain at 0 Hz. The noise is drawn after the input:
    the same ``random_state`` gives the same ``X`` whatever ``noise`` is.

    References
    ----------
    J. Schoukens, J. Suykens and L. Ljung, "Wiener-Hammerstein benchmark",
    15th IFAC Symposium on System Identification (SYSID), 2009.

    J. Schoukens and J.-P. Noel, "Three benchmarks addressing open challenges
    in nonlinear system identification", IFAC-PapersOnLine 50(1), 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_wiener_hammerstein
    >>> X, y = make_wiener_hammerstein(20_000, random_state=0)
    >>> X.shape, y.shape
    ((20000, 1), (20000,))
    >>> round(float(X.std()), 2), bool(y.max() < 0.45 < -y.min())
    (0.4, True)
    """
    rng = check_random_state_or_generator(random_state)
    u = _WH_INPUTS[input](rng, n_timesteps)
    y = wiener_hammerstein(u, lambda x: diode(x, **WH_DIODE))
    y += noise * rng.standard_normal(n_timesteps)
    return u[:, None], y


def _silverbox_multisine(rng, n_timesteps):
    bins = _bins_up_to(SILVERBOX_BANDWIDTH, SILVERBOX_FS, SILVERBOX_PERIOD, odd=True)
    return random_phase_multisine(
        rng, n_timesteps, SILVERBOX_PERIOD, bins, SILVERBOX_INPUT_RMS
    )


def _silverbox_arrow(rng, n_timesteps):
    u = filtered_gaussian(rng, n_timesteps, SILVERBOX_BANDWIDTH, SILVERBOX_FS, 1.0)
    ramp = 2.0 * SILVERBOX_INPUT_RMS * np.arange(1, n_timesteps + 1) / n_timesteps
    return ramp * u


_SILVERBOX_INPUTS = {"multisine": _silverbox_multisine, "arrow": _silverbox_arrow}


@validate_params(
    {
        "n_timesteps": [COUNT],
        "input": [StrOptions(set(_SILVERBOX_INPUTS))],
        "noise": [NON_NEGATIVE],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_silverbox(
    n_timesteps=8192, *, input="multisine", noise=1e-4, random_state=None
):
    r"""Simulate the Silverbox benchmark: a Duffing oscillator (610 Hz, volts).

    The Silverbox is an electronic circuit that mimics a mass-spring-damper
    with a cubic hardening spring; its input and output are voltages.

    Parameters
    ----------
    n_timesteps : int, default=8192
        Number of samples at f_s = 10^7 / 2^14 = 610.35 Hz (one multisine
        period; the benchmark's arrow test record has 40,000 samples).

    input : {"multisine", "arrow"}, default="multisine"
        ``"multisine"``: odd random-phase multisines (odd FFT lines only)
        with flat spectrum up to 200 Hz, 8192 samples per period, a new
        phase realisation every period, rms 25 mV — the benchmark's
        estimation data. ``"arrow"``: Gaussian noise low-pass filtered at
        200 Hz whose amplitude grows linearly from 0 to an rms of 50 mV at
        the end — the benchmark's test data, whose last part asks a model to
        extrapolate beyond the amplitudes of the multisines.

    noise : float, default=1e-4
        Standard deviation (volts) of the white Gaussian noise added to the
        measured output, of the order of the benchmark's (0.1 mV).

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator for the input and the noise.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 1)
        The input voltage u.

    y : ndarray of shape (n_timesteps,)
        The measured output voltage (the "displacement"), tens of mV.

    See Also
    --------
    make_wiener_hammerstein : A block-oriented nonlinear system.
    make_cascaded_tanks : A slow fluid system with saturation.

    Notes
    -----
    .. math:: m\, \ddot y(t) + d\, \dot y(t) + k(y)\, y(t) = u(t), \qquad
              k(y) = a + b\, y^2,

    from rest, sampled at f_s = 610.35 Hz, with y_t = y(t / f_s) +
    sigma e_t. The input is held over each sample (zero-order hold) and the
    equation is integrated by 20 classical Runge-Kutta steps per sample.
    The parameters give the linear part unit static gain, a resonance at
    60 Hz and a damping ratio of 0.05:

    a = 1, m = 1 / (2 pi 60)^2 s^2, d = 2 (0.05) / (2 pi 60) s,
    b = 5 V^-2,

    so the cubic term changes the stiffness by 5% at y = 0.1 V and 20% at
    0.2 V; the multisine gives an output rms of about 50 mV and peaks near
    0.17 V, the end of the arrow peaks near 0.3 V. The noise is drawn after
    the input: the same ``random_state`` gives the same ``X`` whatever
    ``noise`` is.

    References
    ----------
    T. Wigren and J. Schoukens, "Three free data sets for development and
    benchmarking in nonlinear system identification", European Control
    Conference (ECC), 2013.

    J. Schoukens and J.-P. Noel, "Three benchmarks addressing open challenges
    in nonlinear system identification", IFAC-PapersOnLine 50(1), 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_silverbox
    >>> X, y = make_silverbox(4096, random_state=0)
    >>> X.shape, y.shape
    ((4096, 1), (4096,))
    >>> round(float(X.std()), 3), bool(0.03 < y.std() < 0.08)
    (0.025, True)
    """
    rng = check_random_state_or_generator(random_state)
    u = _SILVERBOX_INPUTS[input](rng, n_timesteps)
    y = duffing(u, SILVERBOX_FS, **SILVERBOX_PARAMS)
    y += noise * rng.standard_normal(n_timesteps)
    return u[:, None], y


@validate_params(
    {
        "n_timesteps": [COUNT],
        "noise": [NON_NEGATIVE],
        "random_state": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_cascaded_tanks(n_timesteps=1024, *, noise=0.05, random_state=None):
    r"""Simulate the cascaded tanks benchmark: two tanks with overflow (Ts = 4 s).

    A pump (input voltage u) fills an upper tank, which drains through a
    small opening into a lower tank, which drains into the reservoir; the
    output is the level of the lower tank as its capacitive sensor reads it,
    in volts (0 to 10 V).

    Parameters
    ----------
    n_timesteps : int, default=1024
        Number of samples, one every 4 s (the benchmark's estimation and test
        records have 1024 samples each).

    noise : float, default=0.05
        Standard deviation (volts) of the white Gaussian noise added to the
        measured level, of the order of the benchmark's sensor noise.

    random_state : int, RandomState instance, Generator or None, default=None
        Seed or generator for the input and the noise.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 1)
        The pump voltage u: random-phase multisines with flat spectrum up to
        0.0144 Hz, 1024 samples per period, mean 5 V, rms 1.6 V about it,
        clipped to the pump's range [0, 10] V.

    y : ndarray of shape (n_timesteps,)
        The measured level of the lower tank, in volts.

    See Also
    --------
    make_wiener_hammerstein : A block-oriented nonlinear system.
    make_silverbox : A nonlinear feedback system (Duffing oscillator).

    Notes
    -----
    The levels x1 (upper tank) and x2 (lower tank), in sensor volts, follow
    Torricelli's law:

    .. math:: \dot x_1 = -k_1 \sqrt{x_1} + k_4 u, \qquad
              \dot x_2 = k_2 \sqrt{x_1} - k_3 \sqrt{x_2}, \qquad
              y_t = x_2(4 t) + \sigma e_t,

    with k1 = 0.05, k2 = 0.05, k3 = 0.045, k4 = 0.0255 (levels in V, time in
    s) and the hard nonlinearity of the walls: a tank is full at 10 V. When
    the upper tank is full its level stays at 10 V and the excess inflow
    k4 u - k1 sqrt(10) overflows; half of it falls into the lower tank
    (adding (k2 / k1) 0.5 times it to the rate of x2) and the rest is lost.
    A full lower tank spills its excess. For a constant u below overflow the
    levels settle at

    .. math:: x_1 = (k_4 u / k_1)^2, \qquad x_2 = (k_2 / k_3)^2 x_1,

    so u = 5 V gives x1 = 6.5 V and x2 = 8.0 V; in steady state the lower
    tank is full for u above 5.6 V and the upper one for u above 6.2 V, so
    the multisine input drives both into overflow for a few percent of the
    time, as in the benchmark's records.

    The system starts at the equilibrium of u = 5 V (the benchmark's
    records start from a partly filled state), the pump voltage
    is held over each sample and each sample is integrated by 16 Runge-Kutta
    steps. The process noise of the benchmark's description is not
    simulated. The noise is drawn after the input: the same ``random_state``
    gives the same ``X`` whatever ``noise`` is.

    References
    ----------
    M. Schoukens, P. Mattson, T. Wigren and J.-P. Noel, "Cascaded tanks
    benchmark combining soft and hard nonlinearities", Workshop on Nonlinear
    System Identification Benchmarks, 2016.

    T. Wigren and J. Schoukens, "Three free data sets for development and
    benchmarking in nonlinear system identification", European Control
    Conference (ECC), 2013.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn.datasets import make_cascaded_tanks
    >>> X, y = make_cascaded_tanks(random_state=0)
    >>> X.shape, y.shape
    ((1024, 1), (1024,))
    >>> bool(X.min() >= 0.0 and X.max() <= 10.0)
    True
    >>> X, y = make_cascaded_tanks(random_state=0, noise=0.0)
    >>> bool(0.0 < y.min() and y.max() <= 10.0)
    True
    """
    rng = check_random_state_or_generator(random_state)
    bins = _bins_up_to(TANKS_BANDWIDTH, 1.0 / TANKS_TS, TANKS_PERIOD)
    u = TANKS_INPUT_MEAN + random_phase_multisine(
        rng, n_timesteps, TANKS_PERIOD, bins, TANKS_INPUT_RMS
    )
    u = np.clip(u, 0.0, 10.0)
    x0 = tank_equilibrium(TANKS_INPUT_MEAN, **TANKS_PARAMS)
    y = tank_levels(u, x0, **TANKS_PARAMS)[:, 1]
    y += noise * rng.standard_normal(n_timesteps)
    return u[:, None], y
