"""Benchmark C1: RNNClassifier's defaults on UCR/UEA classification sets.

For each data set: the test accuracy and fit time of

- ``defaults``: ``RNNClassifier()`` with the defaults of this version;
- ``old``: the defaults of skrnn 0.x (Elman cell, the last state read,
  ``batch_size="auto"``, learning rate 1e-3, 200 epochs, no early stopping);
- candidate settings (``gru``: the GRU reading its last state with
  ``batch_size="auto"``; ``max-auto``, ``last-b8``: the defaults with one of
  their two changes undone; ``gru-bi``, ``gru-mean``, ``gru-lr``, ...,
  see :data:`CONFIGS`);
- ``scaled``: ``Pipeline(SequenceScaler(), RNNClassifier())``;
- ``dtw``: the one-nearest-neighbour classifier under dynamic time warping
  (squared Euclidean cost over all channels, Sakoe–Chiba band of 10 % of the
  longer series, widened to the difference of lengths so that series of
  different lengths can always be aligned) -- written below in numpy, one
  anti-diagonal of the cost matrix at a time, vectorised over the training
  series and the diagonal.

Medians over ``--seeds`` seeds (``random_state``); DTW is deterministic and
run once. The data are aeon's bundled UCR/UEA files, read directly (aeon
itself is not imported: it is installed with ``--no-deps``), as given: the
``_TRAIN`` file to fit, the ``_TEST`` file to score.

Run::

    python benchmarks/bench_ucr.py                      # every set, 3 seeds
    python benchmarks/bench_ucr.py --sets GunPoint BasicMotions --seeds 0 1
    python benchmarks/bench_ucr.py --configs defaults old dtw

A run of every set and configuration takes a few hours on 2 cores (ACSF1's
1460 steps are most of it); ``--jobs 2`` runs two fits at once.
"""

import argparse
import os
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import numpy as np

#: the sets tried, in the order of the report
SETS = [
    "ArrowHead",
    "BasicMotions",
    "GunPoint",
    "ItalyPowerDemand",
    "JapaneseVowels",
    "OSULeaf",
    "PickupGestureWiimoteZ",
    "ACSF1",
]

#: the old defaults (skrnn before issue 15), spelled out
OLD = dict(
    cell="elman",
    pooling="last",
    batch_size="auto",
    learning_rate_init=1e-3,
    max_iter=200,
)

#: configuration name -> (RNNClassifier parameters, scale the input first:
#: False, True (per feature) or "sequence")
CONFIGS = {
    "defaults": ({}, False),
    "scaled": ({}, True),
    "old": (OLD, False),
    # the GRU reading its last state, MLPClassifier's batch_size="auto"
    "gru": ({**OLD, "cell": "gru"}, False),
    "gru-bi": ({**OLD, "cell": "gru", "bidirectional": True}, False),
    "gru-mean": ({**OLD, "cell": "gru", "pooling": "mean"}, False),
    "gru-lr": ({**OLD, "cell": "gru", "learning_rate_init": 1e-2}, False),
    "gru-mean-lr": (
        {**OLD, "cell": "gru", "pooling": "mean", "learning_rate_init": 1e-2},
        False,
    ),
    "gru-mean-es": (
        {**OLD, "cell": "gru", "pooling": "mean", "early_stopping": True},
        False,
    ),
    # one change away from the defaults (max pooling, batches of 8)
    "max-auto": ({"batch_size": "auto"}, False),
    "last-b8": ({"pooling": "last"}, False),
    "max-auto-lr3e-3": ({"batch_size": "auto", "learning_rate_init": 3e-3}, False),
    "max-b16-lr3e-3": ({"batch_size": 16, "learning_rate_init": 3e-3}, False),
    "max-b32": ({"batch_size": 32}, False),
    "lr3e-3": ({"learning_rate_init": 3e-3}, False),
    "patience30": ({"n_iter_no_change": 30}, False),
    # z-normalise each sequence on its own first (per="sequence")
    "scaled-seq": ({}, "sequence"),
    "dtw": (None, False),
}


# --------------------------------------------------------------------------
# The .ts format
# --------------------------------------------------------------------------


def data_dir():
    """``<site-packages>/aeon/datasets/data``, found without importing aeon."""
    spec = find_spec("aeon")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("aeon is not installed: pip install --no-deps aeon")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"


def read_ts(path):
    """Sequences and labels of a ``.ts`` file.

    Header lines start with ``@`` (``#`` lines are comments); after
    ``@data`` each line is one case: its dimensions separated by ``:``, the
    values of a dimension by ``,``, the class label last. Every dimension of
    a case has the same length; cases may differ in length.

    Returns
    -------
    X : list of ndarray of shape (T_i, n_dims)
    y : ndarray of str
    """
    X, y = [], []
    in_data = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                in_data = line.lower().startswith("@data")
                continue
            *dims, label = line.split(":")
            X.append(
                np.array(
                    [[float(v) for v in d.split(",")] for d in dims], dtype=float
                ).T
            )
            y.append(label.strip())
    return X, np.array(y)


def load(name):
    """``(X_train, y_train, X_test, y_test)`` of one bundled set."""
    folder = data_dir() / name
    return (
        *read_ts(folder / f"{name}_TRAIN.ts"),
        *read_ts(folder / f"{name}_TEST.ts"),
    )


def as_input(X):
    """A 3-D array when every sequence has the same length, else the list."""
    if len({len(x) for x in X}) == 1:
        return np.stack(X)
    return X


# --------------------------------------------------------------------------
# 1-NN DTW
# --------------------------------------------------------------------------


def dtw_to_all(q, R, lengths, band=0.1):
    """DTW distances from the series ``q`` to each of the series ``R``.

    Parameters
    ----------
    q : ndarray of shape (n, d)
    R : ndarray of shape (K, M, d)
        Reference series, padded past ``lengths``.
    lengths : ndarray of shape (K,)
    band : float
        Sakoe–Chiba half-width as a fraction of the longer series (widened
        to the difference of the lengths).

    Returns
    -------
    ndarray of shape (K,)
        The accumulated squared Euclidean cost of the best warping path.
    """
    n = len(q)
    K, M, _ = R.shape
    w = np.maximum(np.ceil(band * np.maximum(n, lengths)), np.abs(n - lengths))
    w_max = int(w.max())
    # diagonals of D indexed by ii = i + 1; ii = 0 is the row i = -1
    prev2 = np.full((K, n + 1), np.inf)
    prev2[:, 0] = 0.0  # D(-1, -1)
    prev1 = np.full((K, n + 1), np.inf)
    out = np.full(K, np.inf)
    ends = n - 1 + lengths - 1  # diagonal of each D(n-1, m_k-1)
    rows = np.arange(K)[:, None]
    for s in range(n + M - 1):
        lo = max(0, s - M + 1, -(-(s - w_max) // 2))
        hi = min(n - 1, s, (s + w_max) // 2)
        cur = np.full((K, n + 1), np.inf)
        if lo <= hi:
            i = np.arange(lo, hi + 1)
            j = s - i
            diff = q[i][None] - R[:, j]
            cost = np.einsum("kld,kld->kl", diff, diff)
            off = (np.abs(i - j)[None] > w[:, None]) | (j[None] >= lengths[:, None])
            cost[off] = np.inf
            best = np.minimum(np.minimum(prev1[:, i], prev1[:, i + 1]), prev2[:, i])
            cur[:, i + 1] = cost + best
        done = np.flatnonzero(ends == s)
        if len(done):
            out[done] = cur[rows[done, 0], n]
        prev2, prev1 = prev1, cur
    return out


def one_nn_dtw(X_train, y_train, X_test):
    """Labels of the test series by their DTW-nearest training series."""
    lengths = np.array([len(x) for x in X_train])
    R = np.zeros((len(X_train), lengths.max(), X_train[0].shape[1]))
    for k, x in enumerate(X_train):
        R[k, : len(x)] = x
    return np.array([y_train[np.argmin(dtw_to_all(q, R, lengths))] for q in X_test])


# --------------------------------------------------------------------------
# The runs
# --------------------------------------------------------------------------


def run(name, config, seed, data):
    """``(accuracy, fit seconds)`` of one configuration on one set."""
    from sklearn.pipeline import Pipeline

    from skrnn import RNNClassifier, SequenceScaler

    X_train, y_train, X_test, y_test = data
    params, scaled = CONFIGS[config]
    start = time.perf_counter()
    if params is None:
        pred = one_nn_dtw(X_train, y_train, X_test)
        return float(np.mean(pred == y_test)), time.perf_counter() - start
    model = RNNClassifier(random_state=seed, **params)
    if scaled:
        per = "sequence" if scaled == "sequence" else "feature"
        model = Pipeline([("scale", SequenceScaler(per=per)), ("rnn", model)])
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(as_input(X_train), y_train)
    seconds = time.perf_counter() - start
    return float(model.score(as_input(X_test), y_test)), seconds


def _task(args):
    name, config, seed = args
    return (name, config, seed), run(name, config, seed, load(name))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+", default=SETS)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    unknown = set(args.configs) - set(CONFIGS)
    if unknown:
        parser.error(f"unknown configurations {sorted(unknown)}; know {list(CONFIGS)}")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    for name in args.sets:
        X_train, y_train, X_test, y_test = load(name)
        lengths = sorted({len(x) for x in X_train + X_test})
        span = f"{lengths[0]}" if len(lengths) == 1 else f"{lengths[0]}-{lengths[-1]}"
        print(
            f"\n{name}: {len(X_train)} train / {len(X_test)} test, "
            f"T={span}, {X_train[0].shape[1]} channel(s), "
            f"{len(set(y_train))} classes",
            flush=True,
        )
        tasks = [
            (name, c, s if CONFIGS[c][0] is not None else 0)
            for c in args.configs
            for s in (args.seeds if CONFIGS[c][0] is not None else [0])
        ]
        if args.jobs > 1:
            from joblib import Parallel, delayed

            results = Parallel(n_jobs=args.jobs)(delayed(_task)(t) for t in tasks)
        else:
            results = [_task(t) for t in tasks]
        by_config = {}
        for (_, config, _), (acc, sec) in results:
            by_config.setdefault(config, []).append((acc, sec))
        for config in args.configs:
            accs, secs = np.array(by_config[config]).T
            print(
                f"  {config:16s} accuracy {np.median(accs):.3f} "
                f"[{' '.join(f'{a:.3f}' for a in accs)}]  "
                f"fit {np.median(secs):7.1f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
