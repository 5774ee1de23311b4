"""Benchmark of NARXRegressor (issue 3): free run, fit and panel cost.

The nonlinear system of ``skrnn.datasets.make_narx_system``, 20,000 training
steps, an ``MLPRegressor(hidden_layer_sizes=(32,))`` base estimator, 2 input
lags and 2 output lags; then a free run of 10,000 new steps. Side by side:

(a) skrnn: ``NARXRegressor(...).fit`` and ``.predict(X_new)``;
(b) by hand: the base estimator fitted on a lag matrix built with numpy, and
    the straightforward free run that calls its ``predict`` once per step on
    one row (what other NARX libraries do).

Targets (issue 3): free run >= 20x faster than (b); fit <= 1.1x the fit by
hand; free-run NRMSE no worse than (b)'s; a panel of 100 series of 10,000
steps < 5x one series. Medians over repeats.

A linear model with one output (``LinearRegression``, 2 input lags, 2 output
lags) is an IIR filter: its free run of 200,000 steps by the per-step loop
(``simulate_network``) against ``scipy.signal.lfilter`` (``simulate_linear``),
on the same precomputed exogenous regressors, each repeat timing both side by
side.

Run::

    python benchmarks/bench_narx.py            # about a minute
    python benchmarks/bench_narx.py --repeats 5
    python benchmarks/bench_narx.py --linear-only --repeats 7
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.neural_network import MLPRegressor

from skrnn import NARXRegressor
from skrnn._series._simulate import (
    feedback_index,
    series_layout,
    simulate_linear,
    simulate_network,
    to_time_major,
)
from skrnn._series._weights import network_of
from skrnn.datasets import make_arx_system, make_narx_system

N_TRAIN, N_SIM, N_SERIES = 20_000, 10_000, 100
N_LINEAR = 200_000
N_LAGS, N_OUTPUT_LAGS = 2, 2
BASE = MLPRegressor(hidden_layer_sizes=(32,), random_state=0)


def median_time(fn, repeats):
    """Median wall time of ``fn()`` over ``repeats`` calls, and its last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def lag_matrix_by_hand(x, y):
    """[x_t, x_{t-1}, x_{t-2}, y_{t-1}, y_{t-2}] for t = 2 ... n - 1."""
    return np.column_stack([x[2:], x[1:-1], x[:-2], y[1:-1], y[:-2]])


def fit_by_hand(X, y):
    return clone(BASE).fit(lag_matrix_by_hand(X[:, 0], y), y[2:])


def naive_free_run(estimator, X, y_init):
    """One ``predict`` call per step on one row; inputs edge-padded."""
    x = np.r_[np.full(N_LAGS, X[0, 0]), X[:, 0]]  # x[t + 2] is x_t
    y = np.r_[np.full(N_OUTPUT_LAGS, y_init), np.empty(len(X))]  # y[t + 2] is y_t
    row = np.empty((1, N_LAGS + 1 + N_OUTPUT_LAGS))
    for t in range(len(X)):
        row[0] = x[t + 2], x[t + 1], x[t], y[t + 1], y[t]
        y[t + 2] = estimator.predict(row)[0]
    return y[2:]


def nrmse(y_true, y_pred):
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)) / np.std(y_true))


def make_panel():
    """100 independent series of the system, 10,000 steps each."""
    xs = [make_narx_system(N_SIM, random_state=100 + s)[0] for s in range(N_SERIES)]
    index = pd.MultiIndex.from_arrays(
        [np.repeat(np.arange(N_SERIES), N_SIM), np.tile(np.arange(N_SIM), N_SERIES)],
        names=["series", "step"],
    )
    return pd.DataFrame(np.concatenate(xs), index=index)  # like X: no names


def linear_free_run(repeats):
    """The per-step loop against lfilter for a linear one-output model."""
    X, y = make_arx_system(N_LINEAR, noise=0.1, random_state=0)
    narx = NARXRegressor(LinearRegression(), n_lags=2, n_output_lags=2).fit(X, y)
    starts = np.array([0, N_LINEAR])
    _, lengths, index = series_layout(starts)
    Zx = to_time_major(narx._input_lags(X, starts), lengths, index)
    y0 = np.tile(narx.y_mean_, (2, 1))[:, None, :]  # (M, 1 series, 1 output)
    [(W, b)], activation = network_of(narx.estimator_)
    feedback = feedback_index(narx.n_output_lags_)
    times = {"loop": [], "lfilter": []}
    for _ in range(repeats):  # side by side: one of each per repeat
        start = time.perf_counter()
        loop = simulate_network(Zx, lengths, y0, [(W, b)], activation, feedback)
        times["loop"].append(time.perf_counter() - start)
        start = time.perf_counter()
        fast = simulate_linear(Zx, lengths, y0, W, b, feedback)
        times["lfilter"].append(time.perf_counter() - start)
    t_loop, t_fast = (float(np.median(times[k])) for k in ("loop", "lfilter"))
    error = np.abs(fast - loop).max() / np.abs(loop).max()
    print(
        f"linear free run, {N_LINEAR} steps, LinearRegression, n_lags=2, "
        f"n_output_lags=2; medians of {repeats} runs side by side"
    )
    print(f"{'per-step loop (simulate_network)':<52s} {t_loop * 1e3:10.1f} ms")
    print(f"{'lfilter (simulate_linear)':<52s} {t_fast * 1e3:10.1f} ms")
    print(
        f"loop / lfilter {t_loop / t_fast:.1f}x; max relative difference {error:.1e}\n"
    )


def main(repeats):
    X, y = make_narx_system(N_TRAIN, random_state=0)
    X_new, y_new = make_narx_system(N_SIM, random_state=1)
    print(
        f"NARX benchmark: {N_TRAIN} training steps, free run of {N_SIM}, "
        f"MLPRegressor(hidden_layer_sizes=(32,)), n_lags={N_LAGS}, "
        f"n_output_lags={N_OUTPUT_LAGS}; medians of {repeats} runs (free run "
        f"by hand: {max(1, repeats // 2)})\n"
    )

    # -- fit ---------------------------------------------------------------
    narx = NARXRegressor(BASE, n_lags=N_LAGS, n_output_lags=N_OUTPUT_LAGS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t_fit_hand, by_hand = median_time(lambda: fit_by_hand(X, y), repeats)
        t_fit, narx = median_time(lambda: clone(narx).fit(X, y), repeats)
    same = all(
        np.array_equal(a, b)
        for a, b in zip(narx.estimator_.coefs_, by_hand.coefs_, strict=True)
    )

    # -- free run ----------------------------------------------------------
    y_init = narx.y_mean_[0]
    t_sim, y_sim = median_time(lambda: narx.predict(X_new), repeats)
    t_naive, y_naive = median_time(
        lambda: naive_free_run(narx.estimator_, X_new, y_init), max(1, repeats // 2)
    )

    # -- panel -------------------------------------------------------------
    panel = make_panel()
    t_panel, y_panel = median_time(lambda: narx.predict(panel), repeats)
    first = narx.predict(panel.loc[[0]])
    np.testing.assert_allclose(y_panel[:N_SIM], first, rtol=1e-12, atol=1e-12)

    rows = [
        ("fit (a) skrnn", t_fit),
        ("fit (b) base estimator on a hand-built lag matrix", t_fit_hand),
        ("free run (a) skrnn", t_sim),
        ("free run (b) predict once per step", t_naive),
        (f"free run, panel of {N_SERIES} series (a) skrnn", t_panel),
    ]
    for name, seconds in rows:
        print(f"{name:<52s} {seconds * 1e3:10.1f} ms")
    print()
    print(
        f"per step: skrnn {t_sim / N_SIM * 1e6:.2f} us, "
        f"predict once per step {t_naive / N_SIM * 1e6:.1f} us, "
        f"panel {t_panel / N_SIM * 1e6:.1f} us ({N_SERIES} series)"
    )
    print(
        f"free-run NRMSE: (a) {nrmse(y_new, y_sim):.5f}  (b) "
        f"{nrmse(y_new, y_naive):.5f}  max |(a) - (b)| "
        f"{np.abs(y_sim - y_naive).max():.1e}"
    )
    print(f"fitted weights of (a) identical to (b): {same}\n")

    checks = [
        (
            "free run >= 20x faster than (b)",
            t_naive / t_sim,
            ">= 20",
            20 <= t_naive / t_sim,
        ),
        (
            "fit <= 1.1x by hand",
            t_fit / t_fit_hand,
            "<= 1.1",
            t_fit / t_fit_hand <= 1.1,
        ),
        (
            "NRMSE (a) / NRMSE (b)",
            nrmse(y_new, y_sim) / nrmse(y_new, y_naive),
            "<= 1",
            nrmse(y_new, y_sim) <= nrmse(y_new, y_naive) * (1 + 1e-9),
        ),
        (
            f"panel of {N_SERIES} / one series",
            t_panel / t_sim,
            "< 5",
            t_panel / t_sim < 5,
        ),
    ]
    for name, ratio, target, ok in checks:
        print(
            f"{name:<36s} {ratio:8.2f}  target {target:<6s} {'ok' if ok else 'MISSED'}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--linear-only", action="store_true", help="only the linear free run"
    )
    args = parser.parse_args()
    linear_free_run(max(args.repeats, 5))
    if not args.linear_only:
        main(args.repeats)
