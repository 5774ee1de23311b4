"""Benchmark: lag features against the memory bandwidth, sliding windows' memory.

* Lag features of 10**6 rows x 4 inputs, ``n_lags=15`` (16 columns per
  input, 64 in all: 512 MB written), built by the kernel ``lag_matrix`` and by
  ``LagFeatures.transform``, against ``np.copyto`` of an array of the same
  size in the same run. Every method writes into a freshly allocated output
  (``np.empty``, first touched by the write), so page faults are paid the
  same way by all. Throughput is bytes written per second; the ratio is the
  method's median time over the copy's (target: at most 3).
* ``SlidingWindow(16)`` on 10**6 rows: the result is a view (overlapping
  windows share memory; the array owns none), and its peak memory -- by
  ``tracemalloc`` in this process and by the peak resident set size
  (``VmHWM``, what ``ru_maxrss`` reports, reset before each step) in a fresh
  one -- against the size of the materialised window array.

Run::

    python benchmarks/bench_windowing.py            # 10**6 rows, 7 repeats
    python benchmarks/bench_windowing.py --quick    # 10**5 rows
"""

import argparse
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, installed or not

from skrnn import LagFeatures, SlidingWindow  # noqa: E402
from skrnn._series._windowing import lag_matrix  # noqa: E402

N_INPUTS, N_LAGS, WIDTH = 4, 15, 16


def time_alternating(funcs, repeats):
    """Median seconds of each function, run in turn so they share conditions."""
    for f in funcs.values():  # warm-up
        f()
    times = {name: [] for name in funcs}
    for _ in range(repeats):
        for name, f in funcs.items():
            start = time.perf_counter()
            out = f()
            times[name].append(time.perf_counter() - start)
            del out  # free the output before the next method allocates its own
    return {name: float(np.median(t)) for name, t in times.items()}


def bench_lags(n, repeats):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, N_INPUTS))
    lags = np.full(N_INPUTS, N_LAGS)
    lf = LagFeatures(N_LAGS).fit(X)
    reference = lag_matrix(X, lags)
    assert np.array_equal(lf.transform(X), reference)
    n_bytes = reference.nbytes

    def copy():
        out = np.empty_like(reference)
        np.copyto(out, reference)
        return out

    medians = time_alternating(
        {
            "np.copyto (same size)": copy,
            "lag_matrix": lambda: lag_matrix(X, lags),
            "LagFeatures.transform": lambda: lf.transform(X),
        },
        repeats,
    )
    print(
        f"\nLag features: {n:,} rows x {N_INPUTS} inputs x {N_LAGS + 1} lags "
        f"-> {reference.shape[1]} columns, {n_bytes / 1e6:.0f} MB written "
        f"(medians of {repeats})"
    )
    print(f"{'method':<24}{'median s':>10}{'GB/s':>8}{'x copy':>8}")
    copy_time = medians["np.copyto (same size)"]
    for name, t in medians.items():
        print(f"{name:<24}{t:>10.4f}{n_bytes / t / 1e9:>8.2f}{t / copy_time:>8.2f}")
    worst = max(medians["lag_matrix"], medians["LagFeatures.transform"]) / copy_time
    print(f"target: within 3x of the copy -> {'met' if worst <= 3 else 'MISSED'}")
    return medians


# Peak resident memory in a fresh process: the kernel's high-water mark
# (VmHWM, what ru_maxrss reports), reset before each step through
# /proc/self/clear_refs so that the imports' own peak does not hide it.
RSS_SCRIPT = """
import sys
import numpy as np
sys.path.insert(0, {root!r})
from skrnn import SlidingWindow

def peak_kb(reset=False):
    if reset:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))

X = np.random.default_rng(0).normal(size=({n}, {c}))
sw = SlidingWindow({width}).fit(X[:100])
before = peak_kb(reset=True)
W = sw.transform(X)
after = peak_kb()
before_materialised = peak_kb(reset=True)
M = np.ascontiguousarray(W)
print(after - before, peak_kb() - before_materialised)
"""


def bench_windows(n):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, N_INPUTS))
    sw = SlidingWindow(WIDTH).fit(X[:100])
    tracemalloc.start()
    W = sw.transform(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    materialised = W.size * W.itemsize
    low, high = np.lib.array_utils.byte_bounds(W)
    print(f"\nSlidingWindow({WIDTH}) on {n:,} rows x {N_INPUTS} inputs -> {W.shape}")
    print(
        f"  a view: owns no data {not W.flags.owndata}, read-only "
        f"{not W.flags.writeable}, base is an array "
        f"{isinstance(W.base, np.ndarray)}"
    )
    print(
        f"  overlapping windows share memory: {np.shares_memory(W[0], W[1])}; "
        f"windows span {(high - low) / 1e6:.1f} MB = the padded series "
        f"({(n + WIDTH - 1) * N_INPUTS * 8 / 1e6:.1f} MB)"
    )
    del W
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            RSS_SCRIPT.format(root=str(ROOT), n=n, c=N_INPUTS, width=WIDTH),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rss, rss_materialised = (1024 * int(kb) for kb in out.stdout.split())
    print(f"{'memory':<40}{'MB':>10}")
    print(f"{'materialised windows (n x width x c)':<40}{materialised / 1e6:>10.1f}")
    print(f"{'transform peak, tracemalloc':<40}{peak / 1e6:>10.1f}")
    print(f"{'transform, peak RSS growth':<40}{rss / 1e6:>10.1f}")
    print(f"{'materialising it, peak RSS growth':<40}{rss_materialised / 1e6:>10.1f}")
    print(f"peak / materialised: {max(peak, rss) / materialised:.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10**5 rows")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    n = 10**5 if args.quick else 10**6
    print(f"numpy {np.__version__}, {n:,} rows")
    bench_lags(n, args.repeats)
    bench_windows(n)


if __name__ == "__main__":
    main()
