"""Benchmark: closed-loop NARX training, time per epoch.

On the nonlinear system of ``skrnn.datasets.make_narx_system`` (20,000
training steps), the default network of ``NARXRegressor`` (32 tanh units,
``n_lags=2``, ``n_output_lags=2``) is fitted one step ahead, then trained on
the free-run simulation error. One epoch is one pass of the simulation and of
backpropagation through time over every step. Measured, in one run:

- one free run of the 20,000 steps by the fast path (``simulate_network``,
  the forward pass alone): the floor an epoch is compared with;
- an epoch of full BPTT (``loss_and_grad``: the cost of one L-BFGS function
  evaluation), with 1 and with 2 BLAS threads;
- an epoch of Adam with ``bptt_steps=100`` (200 chunks, 200 updates);
- the same 20,000 steps as a panel of 100 series of 200 steps: the loop runs
  200 steps on batches of 100 series (time-major, vectorised across series);
- the estimator end to end (``training="closed_loop"``, default settings):
  the open-loop fit, the closed-loop iterations, and the free-run R² of both
  on 10,000 fresh steps against the noise-free output.

Run::

    python benchmarks/bench_narx_closed_loop.py            # 20,000 steps
    python benchmarks/bench_narx_closed_loop.py --quick    # 5,000 steps
"""

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout

from skrnn import NARXRegressor  # noqa: E402
from skrnn._nn._optimizers import (
    AdamOptimizer,  # noqa: E402
    clip_grad_norm,  # noqa: E402
)
from skrnn._series._closed_loop import (  # noqa: E402
    closed_loop_chunks,
    loss_and_grad,
    make_network,
    pack,
)
from skrnn._series._simulate import feedback_index, simulate_network  # noqa: E402
from skrnn._series._weights import network_of  # noqa: E402
from skrnn.datasets import make_narx_system  # noqa: E402


def batch(series):
    """Time-major ``(Zx, lengths, Y, y0)`` of equal-length series, rows 2:."""
    Zx = np.stack([np.c_[x[2:], x[1:-1], x[:-2]] for x, _ in series], axis=1)
    Y = np.stack([y[2:, None] for _, y in series], axis=1)
    y0 = np.stack([y[:2, None] for _, y in series], axis=1)
    lengths = np.full(len(series), len(Y))
    return np.ascontiguousarray(Zx), lengths, np.ascontiguousarray(Y), y0


def median_time(fun, repeats):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fun()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def adam_epoch(theta, net, data, bptt_steps):
    theta = theta.copy()
    grad = np.empty_like(theta)
    optimizer = AdamOptimizer(theta, 1e-3)
    for _ in closed_loop_chunks(theta, net, *data, bptt_steps=bptt_steps, grad=grad):
        clip_grad_norm(grad, 5.0)
        optimizer.update_params(theta, grad)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 steps")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    n = 5_000 if args.quick else 20_000
    repeats = args.repeats

    X, y = make_narx_system(n + 2, random_state=0)
    started = time.perf_counter()
    opened = NARXRegressor(random_state=0).fit(X, y)
    open_fit = time.perf_counter() - started
    weights, activation = network_of(opened.estimator_)
    net = make_network(weights, activation, 3, feedback_index([2]), 2)
    theta = pack(weights)
    one = batch([(X[:, 0], y)])
    S = 100
    panel = batch(
        [
            tuple(a.ravel() for a in make_narx_system(n // S + 2, random_state=k))
            for k in range(S)
        ]
    )
    Zx, lengths, _, y0 = one

    print(f"Closed-loop NARX training, {n:,} steps, 32 tanh units, 2 + 2 lags")
    with threadpool_limits(1, "blas"):
        t_sim = median_time(
            lambda: simulate_network(
                Zx, lengths, y0, weights, activation, net.feedback
            ),
            repeats,
        )
        t_full = median_time(lambda: loss_and_grad(theta, net, *one), repeats)
        t_adam = median_time(lambda: adam_epoch(theta, net, one, 100), repeats)
        t_panel = median_time(lambda: loss_and_grad(theta, net, *panel), repeats)
    with threadpool_limits(2, "blas"):
        t_full_2 = median_time(lambda: loss_and_grad(theta, net, *one), repeats)

    per_step = 1e6 / n
    rows = [
        ("free run (forward only, fast path)", t_sim),
        ("epoch, full BPTT (one L-BFGS evaluation)", t_full),
        ("  the same with 2 BLAS threads", t_full_2),
        ("epoch, Adam, bptt_steps=100 (200 updates)", t_adam),
        (f"epoch, full BPTT, panel of {S} x {n // S} steps", t_panel),
    ]
    for name, t in rows:
        print(
            f"  {name:<46} {t:7.3f} s  {t * per_step:6.2f} us/step  "
            f"{t / t_sim:5.2f}x the free run"
        )

    print("\nThe estimator end to end (default closed-loop settings):")
    X_new, _, s_new = make_narx_system(10_000, random_state=1, return_noise_free=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        closed = NARXRegressor(random_state=0, training="closed_loop").fit(X, y)
        total = time.perf_counter() - started
    iters = closed.closed_loop_n_iter_
    print(
        f"  open-loop fit {open_fit:.2f} s; closed-loop fit {total:.2f} s in all, "
        f"{iters} L-BFGS iterations, {(total - open_fit) / iters:.3f} s each"
    )
    for name, model in [("open loop", opened), ("closed loop", closed)]:
        r2 = r2_score(s_new, model.predict(X_new))
        print(f"  free-run R² on 10,000 fresh steps, {name:>11}: {r2:.5f}")


if __name__ == "__main__":
    main()
