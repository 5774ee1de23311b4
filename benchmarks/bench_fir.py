"""Benchmark: FIRRegressor against the same model built by hand.

``FIRRegressor(Ridge(), n_lags=16)`` fit + predict on 200,000 rows x 3 inputs,
against ``Pipeline([FunctionTransformer(numpy_lags), Ridge()])`` where
``numpy_lags`` builds the same edge-padded lag matrix with plain numpy (one
strided view, one copy). The two run alternately in the same process; the
ratio of their median times should be at most 1.2: the wrapper adds
validation, not copies.

The only difference in the work: FIRRegressor does not train on the first 16
rows (their window reaches before the start), the pipeline trains on every
row. The predictions are compared, and FIRRegressor's coefficients are checked
against a Ridge fitted by hand on the same rows.

Run::

    python benchmarks/bench_fir.py             # 200,000 rows, 7 repeats
    python benchmarks/bench_fir.py --quick     # 20,000 rows
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout

from skrnn import FIRRegressor  # noqa: E402

N_INPUTS, N_LAGS = 3, 16


def numpy_lags(X, n_lags=N_LAGS):
    """x_t, ..., x_{t-N} of every column, the first row repeated before t=0."""
    X = np.asarray(X, dtype=np.float64)
    padded = np.concatenate([np.repeat(X[:1], n_lags, axis=0), X])
    windows = sliding_window_view(padded, n_lags + 1, axis=0)  # (n, c, N+1)
    return windows[:, :, ::-1].reshape(len(X), -1)  # newest first; one copy


def make_data(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_INPUTS))
    taps = rng.normal(size=(N_INPUTS, N_LAGS + 1)) / np.arange(1, N_LAGS + 2)
    y = numpy_lags(X) @ taps.ravel() + 0.1 * rng.normal(size=n)
    return X, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    n = 20_000 if args.quick else 200_000
    X, y = make_data(n)

    def skrnn_fir():
        model = FIRRegressor(Ridge(), n_lags=N_LAGS).fit(X, y)
        return model, model.predict(X)

    def by_hand():
        model = Pipeline(
            [("lags", FunctionTransformer(numpy_lags)), ("ridge", Ridge())]
        ).fit(X, y)
        return model, model.predict(X)

    runs = {"FIRRegressor": skrnn_fir, "Pipeline (by hand)": by_hand}
    results = {name: run() for name, run in runs.items()}  # warm-up
    times = {name: [] for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    medians = {name: float(np.median(t)) for name, t in times.items()}

    print(
        f"FIR fit + predict: {n:,} rows x {N_INPUTS} inputs, n_lags={N_LAGS} "
        f"({N_INPUTS * (N_LAGS + 1)} lag columns); medians of {args.repeats}, "
        "alternating"
    )
    print(f"{'method':<22}{'median s':>10}{'min s':>10}{'ratio':>8}")
    base = medians["Pipeline (by hand)"]
    for name, t in medians.items():
        print(f"{name:<22}{t:>10.4f}{min(times[name]):>10.4f}{t / base:>8.2f}")
    ratio = medians["FIRRegressor"] / base
    print(f"target: ratio <= 1.2 -> {'met' if ratio <= 1.2 else 'MISSED'}")

    (fir, p_fir), (_, p_hand) = results.values()
    # Same model: FIR's coefficients are those of a Ridge on the same rows.
    Z = numpy_lags(X)
    same_rows = Ridge().fit(Z[N_LAGS:], y[N_LAGS:])
    assert np.allclose(fir.estimator_.coef_, same_rows.coef_, rtol=1e-9, atol=1e-12)
    assert np.allclose(p_fir, same_rows.predict(Z), rtol=1e-9, atol=1e-12)
    gap = np.abs(p_fir - p_hand).max() / y.std()
    print(
        "same predictions: FIRRegressor = Ridge on the same lag rows (to 1e-9); "
        f"vs the pipeline trained on all rows, max |diff| = {gap:.1e} std(y)"
    )
    assert gap < 1e-2


if __name__ == "__main__":
    main()
