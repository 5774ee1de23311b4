"""Benchmark: the series models' defaults on real and physics-simulated data.

Every data set at its natural scale, raw data in (no hand scaling):

* real records (the ``data`` extra: ``pip install -e ".[data]"``):
  statsmodels' yearly sunspots, its monthly CO2 at Mauna Loa (weekly values
  averaged by month), its quarterly US macro data (real consumption driven
  by real disposable income, in billions of dollars), aeon's monthly
  airline passengers and its quarterly US consumption changes driven by
  income, production, savings and unemployment; and the simulated hourly
  electricity load of ``examples/plot_forecast_pandas.py`` in MW (50–80)
  with its temperature input, its last 48 hours forecast;
* physics simulators of the nonlinear system-identification benchmarks
  (:mod:`skrnn.datasets`): cascaded tanks (1,024 estimation samples, as the
  measured record), Silverbox, Wiener–Hammerstein.

For each, the last part of the record is held out. The real series are
forecast from the end of the training part (``forecast``, with the measured
future inputs where the model has inputs); the simulators are simulated
free (``predict``) on a second record with another input realisation.
Models, all with the same lags:

* ``ARX``: ``NARXRegressor(LinearRegression())``, the linear model;
* ``MLP raw``: the default network before it was changed,
  ``MLPRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01)`` on
  the raw lags;
* ``default``: ``NARXRegressor()`` (scaled, linear part plus network);
* ``default CL``: ``NARXRegressor(training="closed_loop")``.

The figure is the RMSE of the held-out part (in the data's units) and its
ratio to ARX's; medians over seeds (``--seeds``). Then the speed of the
default network's free run on 10,000 steps and of its fit, against the old
default's.

Run::

    python benchmarks/bench_series_real.py              # 5 seeds, a few minutes
    python benchmarks/bench_series_real.py --seeds 1 --sets sunspots tanks
    python benchmarks/bench_series_real.py --fir      # FIRRegressor's defaults
"""

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.neural_network import MLPRegressor

from skrnn import FIRRegressor, NARXRegressor
from skrnn.datasets import (
    make_cascaded_tanks,
    make_narx_system,
    make_silverbox,
    make_wiener_hammerstein,
)

# --------------------------------------------------------------------------
# Data sets: (X_train, y_train, X_test, y_test, lags, mode)
# --------------------------------------------------------------------------


def _aeon_csv(name):
    import aeon  # noqa: F401  (the data extra installs it; only its files are read)

    root = Path(aeon.__file__).parent / "datasets" / "data" / name
    return pd.read_csv(root / f"{name}.csv")


def _split(y, X=None, test=0.2):
    n_test = max(1, int(round(len(y) * test)))
    if X is None:
        return None, y[:-n_test], None, y[-n_test:]
    return X[:-n_test], y[:-n_test], X[-n_test:], y[-n_test:]


def sunspots():
    import statsmodels.api as sm

    d = sm.datasets.sunspots.load_pandas().data
    y = pd.Series(
        d["SUNACTIVITY"].to_numpy(),
        index=pd.period_range("1700", periods=len(d), freq="Y"),
        name="sunspots",
    )
    return (*_split(y), dict(n_lags=0, n_output_lags=9), "forecast")


def co2():
    import statsmodels.api as sm

    weekly = sm.datasets.co2.load_pandas().data["co2"]
    y = weekly.resample("MS").mean().interpolate()
    return (*_split(y), dict(n_lags=0, n_output_lags=13), "forecast")


def macro():
    import statsmodels.api as sm

    d = sm.datasets.macrodata.load_pandas().data
    index = pd.period_range("1959Q1", periods=len(d), freq="Q")
    X = pd.DataFrame({"realdpi": d["realdpi"].to_numpy()}, index=index)
    y = pd.Series(d["realcons"].to_numpy(), index=index, name="realcons")
    return (*_split(y, X), dict(n_lags=1, n_output_lags=2), "forecast")


def airline():
    d = _aeon_csv("Airline")
    values = d.iloc[:, -1].to_numpy(dtype=float)
    y = pd.Series(values, index=pd.period_range("1949-01", periods=len(d), freq="M"))
    return (*_split(y), dict(n_lags=0, n_output_lags=13), "forecast")


def uschange():
    d = _aeon_csv("Uschange")
    index = pd.PeriodIndex(d["Quarter"].str.replace(" ", ""), freq="Q")
    X = d[["Income", "Production", "Savings", "Unemployment"]].set_axis(index)
    y = pd.Series(d["Consumption"].to_numpy(), index=index, name="Consumption")
    return (*_split(y, X), dict(n_lags=1, n_output_lags=2), "forecast")


def load():
    """The hourly load of examples/plot_forecast_pandas.py, in MW (50-80).

    A simulated town: a daily cycle, heating below 16 °C, inertia; inputs
    temperature and the hour of day; the last 48 hours forecast. Not
    measured, but with a measured series' scale and index.
    """
    rng = np.random.default_rng(0)
    n = 8 * 7 * 24 + 48
    index = pd.date_range("2024-01-01", periods=n, freq="h", name="time")
    hour = index.hour.to_numpy()
    t = np.arange(n)
    weather = np.zeros(n)
    for k in range(1, n):
        weather[k] = 0.97 * weather[k - 1] + rng.normal()
    front = -8.0 / (1.0 + np.exp(-(t - (n - 40)) / 4.0))
    temperature = 11 + weather + front + 4 * np.sin(2 * np.pi * (hour - 9) / 24)
    daily = (
        1.0
        + 0.3 * np.sin(2 * np.pi * (hour - 6) / 24)
        + 0.15 * np.sin(4 * np.pi * (hour - 3) / 24)
    )
    heating = np.logaddexp(0.0, 16.0 - temperature) / 10
    mw = np.empty(n)
    mw[0] = daily[0] + heating[0]
    for k in range(1, n):
        mw[k] = 0.8 * mw[k - 1] + 0.2 * (daily[k - 1] + heating[k - 1])
        mw[k] += 0.02 * rng.normal()
    X = pd.DataFrame(
        {
            "temperature": temperature,
            "hour_sin": np.sin(2 * np.pi * hour / 24),
            "hour_cos": np.cos(2 * np.pi * hour / 24),
        },
        index=index,
    )
    y = pd.Series(20 + 30 * mw, index=index, name="load")
    return (
        X.iloc[:-48],
        y.iloc[:-48],
        X.iloc[-48:],
        y.iloc[-48:],
        dict(n_lags=2, n_output_lags=24),
        "forecast",
    )


def tanks():
    X, y = make_cascaded_tanks(1024, random_state=0)
    X_t, y_t = make_cascaded_tanks(1024, random_state=1)
    return X, y, X_t, y_t, dict(n_lags=3, n_output_lags=3), "simulate"


def silverbox():
    X, y = make_silverbox(8192, random_state=0)
    X_t, y_t = make_silverbox(4096, random_state=1)
    return X, y, X_t, y_t, dict(n_lags=4, n_output_lags=4), "simulate"


def wiener_hammerstein():
    X, y = make_wiener_hammerstein(10000, random_state=0)
    X_t, y_t = make_wiener_hammerstein(5000, random_state=1)
    return X, y, X_t, y_t, dict(n_lags=10, n_output_lags=10), "simulate"


SETS = {
    "sunspots": sunspots,
    "co2": co2,
    "macro": macro,
    "airline": airline,
    "uschange": uschange,
    "load": load,
    "tanks": tanks,
    "silverbox": silverbox,
    "wiener_hammerstein": wiener_hammerstein,
}


def old_default(seed, n_rows):
    """The default network before: an MLP on the raw lags, early stopping
    given 1,000 rows or more (``skrnn._series._base.default_regressor``)."""
    return MLPRegressor(
        hidden_layer_sizes=(32,),
        learning_rate_init=0.01,
        early_stopping=n_rows >= 1000,
        random_state=seed,
    )


def models(seed, n_rows=0):
    return {
        "ARX": dict(estimator=LinearRegression()),
        "MLP raw": dict(estimator=old_default(seed, n_rows)),
        "default": dict(random_state=seed),
        "default CL": dict(random_state=seed, training="closed_loop"),
    }


def held_out_rmse(params, lags, data, mode):
    X, y, X_t, y_t = data
    narx = NARXRegressor(**lags, **params).fit(X, y)
    if mode == "forecast":
        pred = narx.forecast(len(y_t), X_future=X_t)
    else:
        pred = narx.predict(X_t)
    err = np.asarray(pred, dtype=float).ravel() - np.asarray(y_t, dtype=float).ravel()
    if not np.isfinite(err).all():
        return np.inf
    return float(np.sqrt(np.mean(err**2)))


def accuracy(names, n_seeds):
    print(f"Held-out RMSE (data units), median over {n_seeds} seed(s); ratio to ARX")
    header = f"{'data set':20s}" + "".join(f"{m:>22s}" for m in models(0))
    print(header)
    for name in names:
        try:
            *data, lags, mode = SETS[name]()
        except ImportError as exc:
            print(f"{name:20s} skipped ({exc}); pip install -e '.[data]'")
            continue
        figures = {m: [] for m in models(0)}
        for seed in range(n_seeds):
            for m, params in models(seed, len(data[1])).items():
                if m == "ARX" and seed:
                    figures[m].append(figures[m][0])
                    continue
                figures[m].append(held_out_rmse(params, lags, data, mode))
        med = {m: float(np.median(v)) for m, v in figures.items()}
        row = f"{name:20s}"
        for m in figures:
            row += f"{med[m]:>12.4g} ({med[m] / med['ARX']:5.2f}x)"
        print(row, flush=True)


def speed(repeats):
    X, y = make_narx_system(20000, random_state=0)
    X_new, _ = make_narx_system(10000, random_state=1)
    old = NARXRegressor(old_default(0, len(y)))
    new = NARXRegressor(random_state=0)
    fit = {"old default": [], "default": []}
    run = {"old default": [], "default": []}
    for _ in range(repeats):  # alternate, so that load hits both alike
        for name, model in (("old default", old), ("default", new)):
            t0 = time.perf_counter()
            model.fit(X, y)
            fit[name].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            model.predict(X_new)
            run[name].append(time.perf_counter() - t0)
    f_old, f_new = np.median(fit["old default"]), np.median(fit["default"])
    r_old, r_new = np.median(run["old default"]), np.median(run["default"])
    print(f"\nSpeed, medians of {repeats} (20,000 training rows, 10,000-step free run)")
    print(
        f"  fit:      old default {f_old:.3f} s, default {f_new:.3f} s "
        f"({f_new / f_old:.2f}x)"
    )
    print(
        f"  free run: old default {r_old * 1e3:.1f} ms, default "
        f"{r_new * 1e3:.1f} ms ({r_new / r_old:.2f}x; target <= 1.5x)"
    )


def fir_accuracy(names, n_seeds):
    """The same for FIRRegressor (the sets with inputs), predicting the
    held-out part from the inputs alone: a real series' lags reach back into
    its training part; a simulator's second record is scored after its
    first ``n_lags`` rows."""
    print(f"\nFIR: held-out RMSE, median over {n_seeds} seed(s); ratio to linear FIR")
    fir_models = {
        "linear": lambda seed: dict(estimator=LinearRegression()),
        "MLP raw": lambda seed: dict(estimator=old_default(seed, len(X))),
        "default": lambda seed: dict(random_state=seed),
    }
    print(f"{'data set':20s}" + "".join(f"{m:>22s}" for m in fir_models))
    for name in names:
        try:
            X, y, X_t, y_t, lags, mode = SETS[name]()
        except ImportError as exc:
            print(f"{name:20s} skipped ({exc}); pip install -e '.[data]'")
            continue
        if X is None:
            continue
        n_lags = max(lags["n_lags"], lags["n_output_lags"])
        if mode == "forecast":  # the same series goes on: its lags reach back
            X_all, skip = np.concatenate([np.asarray(X, float), np.asarray(X_t)]), 0
        else:  # another record: score it once its own lags are filled
            X_all, skip = np.concatenate([np.asarray(X_t, float)] * 2), n_lags
        figures = {m: [] for m in fir_models}
        for seed in range(n_seeds):
            for m, params in fir_models.items():
                fir = FIRRegressor(n_lags=n_lags, **params(seed)).fit(X, y)
                pred = fir.predict(X_all)[len(X_all) - len(y_t) :]
                err = (np.ravel(pred) - np.ravel(np.asarray(y_t, float)))[skip:]
                figures[m].append(float(np.sqrt(np.mean(err**2))))
        med = {m: float(np.median(v)) for m, v in figures.items()}
        row = f"{name:20s}"
        for m in figures:
            row += f"{med[m]:>12.4g} ({med[m] / med['linear']:5.2f}x)"
        print(row, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--fir", action="store_true", help="FIR figures only")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.speed_only:
        speed(args.repeats)
        return
    if args.fir:
        fir_accuracy(args.sets, args.seeds)
        return
    accuracy(args.sets, args.seeds)
    if not args.skip_speed:
        speed(args.repeats)


if __name__ == "__main__":
    main()
