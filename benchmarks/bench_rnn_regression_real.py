"""Benchmark: RNNRegressor's defaults before and after, on real series.

One-step-ahead regression from windows of the last ``width`` values
(``sliding_windows``), raw data in, the last 20% of each series held out:

* statsmodels' yearly sunspots (values 0–190, width 12);
* statsmodels' monthly CO2 at Mauna Loa (values 313–365 ppm, width 24);
* the hourly load of ``examples/plot_forecast_pandas.py`` (50–80 MW,
  width 24; from ``bench_series_real.py``).

Models: the old defaults (``cell="elman"``, ``scale_y=False``), today's
(``cell="gru"``, targets standardised inside), and today's behind a
``SequenceScaler`` (inputs standardised too), the other parameters at their
defaults; and a linear model on the same windows as the baseline.
Held-out R², medians over ``--seeds`` seeds, with fit times.

Run::

    python benchmarks/bench_rnn_regression_real.py            # 3 seeds
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline

from skrnn import RNNRegressor, SequenceScaler, sliding_windows

BENCH = Path(__file__).parent
sys.path.insert(0, str(BENCH))  # bench_series_real.py, next to this file


def series():
    import statsmodels.api as sm
    from bench_series_real import load

    sun = sm.datasets.sunspots.load_pandas().data["SUNACTIVITY"].to_numpy()
    co2 = sm.datasets.co2.load_pandas().data["co2"]
    co2 = co2.resample("MS").mean().interpolate().to_numpy()
    _, y_load, _, y_future, *_ = load()
    mw = np.concatenate([y_load.to_numpy(), y_future.to_numpy()])
    return {"sunspots": (sun, 12), "co2": (co2, 24), "load": (mw, 24)}


def windows(values, width):
    X, y = sliding_windows(values[:, None], values, width)
    split = int(0.8 * len(y))
    return X[:split], y[:split], X[split:], y[split:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    models = {
        "old (elman, raw y)": lambda seed: RNNRegressor(
            cell="elman", scale_y=False, random_state=seed
        ),
        "default (gru, scaled y)": lambda seed: RNNRegressor(random_state=seed),
        "SequenceScaler + default": lambda seed: make_pipeline(
            SequenceScaler(), RNNRegressor(random_state=seed)
        ),
    }
    print(f"held-out R², median over {args.seeds} seeds (fit seconds)")
    print(f"{'series':10s}{'linear':>12s}" + "".join(f"{m:>28s}" for m in models))
    for name, (values, width) in series().items():
        X, y, X_t, y_t = windows(np.asarray(values, float), width)
        linear = LinearRegression().fit(X[:, :, 0], y)
        row = f"{name:10s}{r2_score(y_t, linear.predict(X_t[:, :, 0])):12.3f}"
        for make in models.values():
            scores, times = [], []
            for seed in range(args.seeds):
                t0 = time.perf_counter()
                reg = make(seed).fit(X, y)
                times.append(time.perf_counter() - t0)
                scores.append(r2_score(y_t, reg.predict(X_t)))
            row += f"{np.median(scores):>20.3f} ({np.median(times):4.1f} s)"
        print(row, flush=True)


if __name__ == "__main__":
    main()
