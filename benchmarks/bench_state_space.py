"""Benchmark: StateSpaceRegressor against NARX, ARX and a windowed RNN.

Part 1 -- accuracy. On the simulated benchmarks of ``skrnn.datasets``
(Wiener–Hammerstein, Silverbox, cascaded tanks) every model is fitted on the
first part of a record (seeded) and simulated from the inputs alone on a
fresh record of the same system; the free-run RMSE (in the output's units)
is computed after the first ``--skip`` steps of the test record (every model
starts its simulation from rest: zero state, or ``y_mean_`` for NARX, and
its transient is not scored). Medians over ``--seeds`` seeds, with the
median fit time. Models:

- ``StateSpaceRegressor()`` (defaults);
- ``NARXRegressor()`` open loop (defaults) and ``training="closed_loop"``;
- linear ARX: ``NARXRegressor(LinearRegression(), n_lags=15,
  n_output_lags=15)``;
- ``make_pipeline(SlidingWindow(w), RNNRegressor(cell="gru"))``: a GRU on
  windows of the last ``w`` inputs (the "windowed" baseline).

Part 2 -- speed. One epoch of the default model's subsequence training on a
100,000-step record (subsequences of 128 steps, half-overlapping, batches of
32, full BPTT through each, Adam) against PyTorch's ``nn.GRU`` doing the
same work (same batches, one hidden layer of 32, a linear read-out, MSE,
Adam) on the CPU, in one run. Skipped when torch is not installed.

Run::

    python benchmarks/bench_state_space.py                     # 5 seeds
    python benchmarks/bench_state_space.py --seeds 1 --quick   # smaller records
    python benchmarks/bench_state_space.py --seeds 2 --tune     # the defaults' table
    python benchmarks/bench_state_space.py --long-fit           # 100,000-step fit

``--tune`` fits ``StateSpaceRegressor`` with every setting of ``TUNING`` (or
only the named ones) on all three simulators and prints the median free-run
RMSE per simulator, the median fit times and the epochs of every fit.
"""

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout

from skrnn import (  # noqa: E402
    NARXRegressor,
    RNNRegressor,
    SlidingWindow,
    StateSpaceRegressor,
)
from skrnn._nn._stack import make_layout  # noqa: E402
from skrnn._rnn._subsequences import (  # noqa: E402
    Network,
    Settings,
    cut_subsequences,
    train_restart,
)
from skrnn.datasets import (  # noqa: E402
    make_cascaded_tanks,
    make_silverbox,
    make_wiener_hammerstein,
)

SYSTEMS = {
    "wiener_hammerstein": (make_wiener_hammerstein, 8000, 4000),
    "silverbox": (make_silverbox, 8192, 4000),
    "cascaded_tanks": (make_cascaded_tanks, 1024, 1024),
}


def models(seed, width):
    return {
        "StateSpace (defaults)": StateSpaceRegressor(random_state=seed),
        "NARX open loop": NARXRegressor(random_state=seed),
        "NARX closed loop": NARXRegressor(training="closed_loop", random_state=seed),
        "ARX (15, 15)": NARXRegressor(LinearRegression(), n_lags=15, n_output_lags=15),
        f"SlidingWindow({width}) + GRU": make_pipeline(
            SlidingWindow(width), RNNRegressor(cell="gru", random_state=seed)
        ),
    }


def accuracy(seeds, quick, skip, width):
    for name, (make, n_train, n_test) in SYSTEMS.items():
        if quick:
            n_train, n_test = n_train // 2, n_test // 2
        rmse, fit_time = {}, {}
        for seed in range(seeds):
            X, y = make(n_train, random_state=seed)
            X_test, y_test = make(n_test, random_state=1000 + seed)
            for label, model in models(seed, width).items():
                started = time.perf_counter()
                model.fit(X, y)
                fit_time.setdefault(label, []).append(time.perf_counter() - started)
                error = model.predict(X_test)[skip:] - y_test[skip:]
                rmse.setdefault(label, []).append(float(np.sqrt(np.mean(error**2))))
        print(f"\n{name}: {n_train} training steps, free run on {n_test} fresh")
        print(f"steps (RMSE after the first {skip}), medians over {seeds} seed(s)")
        print(f"  {'model':28s} {'RMSE':>10s} {'fit (s)':>8s}")
        for label in rmse:
            print(
                f"  {label:28s} {statistics.median(rmse[label]):10.3g} "
                f"{statistics.median(fit_time[label]):8.1f}"
            )


# The settings tried when the defaults were chosen (``--tune``): each is a
# set of keyword arguments on top of the defaults of StateSpaceRegressor;
# "(former)" marks one change from the former defaults (FORMER), the others
# are changes from the present ones (n_iter_no_change=50, max_iter=500).
FORMER = {"n_iter_no_change": 10, "max_iter": 200}
TUNING = {
    "defaults": {},
    "former defaults (n_iter_no_change=10, max_iter=200)": {
        "n_iter_no_change": 10,
        "max_iter": 200,
    },
    "n_iter_no_change=30, max_iter=200": {"n_iter_no_change": 30, "max_iter": 200},
    "learning_rate_init=1e-3 (former)": {**FORMER, "learning_rate_init": 1e-3},
    "learning_rate_init=1e-2 (former)": {**FORMER, "learning_rate_init": 1e-2},
    "batch_size=8 (former)": {**FORMER, "batch_size": 8},
    "batch_size=16 (former)": {**FORMER, "batch_size": 16},
    "subsequence_length=64 (former)": {**FORMER, "subsequence_length": 64},
    "subsequence_length=256 (former)": {**FORMER, "subsequence_length": 256},
    "validation_fraction=0.2 (former)": {**FORMER, "validation_fraction": 0.2},
    "hidden_layer_sizes=(64,) (former)": {**FORMER, "hidden_layer_sizes": (64,)},
    "n_init=3 (former)": {**FORMER, "n_init": 3},
    "n_iter_no_change=30": {"n_iter_no_change": 30},
    "max_iter=300": {"max_iter": 300},
    "n_iter_no_change=100, max_iter=1000": {"n_iter_no_change": 100, "max_iter": 1000},
    "batch_size=16": {"batch_size": 16},
    "subsequence_length=64": {"subsequence_length": 64},
    "validation_fraction=0.2": {"validation_fraction": 0.2},
    "hidden_layer_sizes=(64,)": {"hidden_layer_sizes": (64,)},
}


def tune(seeds, names, skip):
    """Free-run RMSE of StateSpaceRegressor settings on all three simulators."""
    names = names or list(TUNING)
    width = max(len(label) for label in names) + 2
    print(
        f"\n{'setting':{width}s}" + "".join(f"{s[:12]:>13s}" for s in SYSTEMS), end=""
    )
    print(f"{'fit (s)':>22s}  epochs")
    for label in names:
        kwargs = TUNING[label]
        cells, times, epochs = [], [], []
        for make, n_train, n_test in SYSTEMS.values():
            rmse, fit_time = [], []
            for seed in range(seeds):
                X, y = make(n_train, random_state=seed)
                X_test, y_test = make(n_test, random_state=1000 + seed)
                model = StateSpaceRegressor(random_state=seed, **kwargs)
                started = time.perf_counter()
                model.fit(X, y)
                fit_time.append(time.perf_counter() - started)
                error = model.predict(X_test)[skip:] - y_test[skip:]
                rmse.append(float(np.sqrt(np.mean(error**2))))
                epochs.append(model.n_iter_)
            cells.append(f"{statistics.median(rmse):13.4g}")
            times.append(f"{statistics.median(fit_time):.0f}")
        print(
            f"{label:{width}s}"
            + "".join(cells)
            + f"{'/'.join(times):>22s}  "
            + "/".join(map(str, epochs)),
            flush=True,
        )


def long_fit(n_steps=100_000):
    """Time the fit of the default model on a long Wiener–Hammerstein record."""
    X, y = make_wiener_hammerstein(n_steps, random_state=0)
    model = StateSpaceRegressor(random_state=0)
    started = time.perf_counter()
    model.fit(X, y)
    print(
        f"\nDefault fit on {n_steps} steps: {time.perf_counter() - started:.0f} s, "
        f"{model.n_iter_} epochs, validation R² {model.best_validation_score_:.4f}"
    )


def epoch_times(n_steps=100_000, hidden=32, length=128, batch_size=32):
    X, y = make_wiener_hammerstein(n_steps, random_state=0)
    Xs = (X - X.mean(0)) / X.std(0)
    Ys = ((y - y.mean()) / y.std())[:, None]
    batch = cut_subsequences(
        Xs, Ys, np.array([0, n_steps]), length=length, warmup=16, window=16
    )
    net = Network(make_layout("gru", 1, (hidden,), 1), "tanh", 16, 1, 1)
    settings = Settings(
        alpha=1e-4,
        bptt_steps=None,
        batch_size=batch_size,
        learning_rate_init=3e-3,
        max_iter=1,
        tol=1e-4,
        n_iter_no_change=10,
        max_grad_norm=5.0,
        shuffle=True,
        verbose=False,
    )
    started = time.perf_counter()
    train_restart(net, settings, batch, None, 0)
    ours = time.perf_counter() - started
    print(f"\nOne epoch, {n_steps} steps, {len(batch[0])} subsequences of {length}")
    print(f"  skrnn (GRU {hidden}, encoder included): {ours:.2f} s")
    try:
        import torch
    except ImportError:
        print("  torch not installed: no comparison")
        return
    for dtype in (torch.float64, torch.float32):
        theirs = _torch_epoch(torch, batch, hidden, batch_size, dtype)
        print(
            f"  torch nn.GRU ({dtype}, {torch.get_num_threads()} threads): "
            f"{theirs:.2f} s; ratio skrnn / torch: {ours / theirs:.2f}"
        )


def _torch_epoch(torch, batch, hidden, batch_size, dtype):
    torch.manual_seed(0)
    gru = torch.nn.GRU(1, hidden, batch_first=True).to(dtype)
    head = torch.nn.Linear(hidden, 1).to(dtype)
    params = list(gru.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=3e-3)
    Xb, Yb = (torch.from_numpy(a).to(dtype) for a in batch[:2])
    Wb = torch.from_numpy(batch[2]).to(dtype)[..., None]
    started = time.perf_counter()
    order = torch.randperm(len(Xb))
    for i in range(0, len(Xb), batch_size):
        idx = order[i : i + batch_size]
        optimizer.zero_grad()
        out, _ = gru(Xb[idx])
        loss = ((head(out) - Yb[idx]) ** 2 * Wb[idx]).sum() / Wb[idx].sum()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        optimizer.step()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="halve the records")
    parser.add_argument("--skip", type=int, default=100)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--no-accuracy", action="store_true")
    parser.add_argument("--long-fit", action="store_true", help="time a 100k fit")
    parser.add_argument(
        "--tune",
        nargs="*",
        default=None,
        help="only the tuning table: the named settings of TUNING (all if none)",
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.long_fit:
        long_fit()
        return
    if args.tune is not None:
        tune(args.seeds, args.tune, args.skip)
        return
    if not args.no_accuracy:
        accuracy(args.seeds, args.quick, args.skip, args.width)
    epoch_times()


if __name__ == "__main__":
    main()
