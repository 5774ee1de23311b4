"""Benchmark: skrnn's numpy BPTT against PyTorch's nn.RNN + nn.Linear on the CPU.

Workloads (float32, Adam, gradient clipping at norm 5 in both libraries):

* W1 -- 1024 sequences x 64 steps x 4 features, one Elman layer of 64 tanh
  units, many-to-one, batch 64: seconds per epoch.
* W3 -- one series of 20,000 steps, 32 units, truncated BPTT in chunks of 100
  steps, many-to-many (an update per chunk): seconds per epoch, and skrnn's
  peak memory against ``bptt_steps`` and the series length.

Each library runs with 1 and 2 threads (skrnn: BLAS threads; torch:
``torch.set_num_threads``); a ratio compares skrnn's default (1 BLAS thread)
with torch's faster setting. The configurations are timed in alternation, one
epoch each per round, so that load from other processes on a shared machine
hits them alike; medians are printed. The matrix-product floor is the epoch's
matmul FLOPs over the best GEMM rate measured on products of the per-step
size.

Run::

    python benchmarks/bench_rnn.py            # everything, 7 timed epochs each
    python benchmarks/bench_rnn.py --epochs 9 --skip-memory

torch is optional (``pip install torch==2.13.0``, the ``bench`` extra); without
it only skrnn's figures are printed.
"""

import argparse
import functools
import time
import tracemalloc
import warnings

import numpy as np
from threadpoolctl import ThreadpoolController, threadpool_limits

from skrnn import RNNRegressor
from skrnn._nn import _runtime as _rnn_base
from skrnn._nn._optimizers import AdamOptimizer, clip_grad_norm
from skrnn._nn._stack import bptt_chunks, init_params, make_layout

try:
    import torch
except ImportError:  # optional
    torch = None

W1 = dict(n=1024, T=64, F=4, H=64, batch=64)
W3 = dict(T=20_000, F=1, H=32, bptt=100)


def interleaved(runners, rounds):
    """Median seconds per epoch of each runner, timed in alternation.

    Every runner does one warm-up epoch; then each round times one epoch of
    every runner in turn, so a busy machine slows them all alike. A pause
    before each epoch lets the thread pools of the previous one (OpenBLAS and
    OpenMP threads spin for a while after their work) go idle.
    """
    for run in runners.values():
        run()
    times = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            time.sleep(0.2)  # let the previous run's spinning thread pools rest
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: float(np.median(t)) for name, t in times.items()}


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def w1_data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(W1["n"], W1["T"], W1["F"])).astype(np.float32)
    y = X[:, :, 0].mean(axis=1).astype(np.float32)
    return X, y


def w3_data(T=W3["T"], seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(1, T, W3["F"])).astype(np.float32)
    y = np.zeros((1, T), dtype=np.float32)
    y[0, 2:] = x[0, :-2, 0]  # an echo two steps late
    return x, y


# --------------------------------------------------------------------------
# skrnn
# --------------------------------------------------------------------------


@functools.cache
def _controller():
    # threadpool_limits() looks for the loaded libraries on every call (ms)
    return ThreadpoolController()


def skrnn_runner(X, y, threads, allowed=None, **params):
    """One epoch (a ``partial_fit`` call) of RNNRegressor with ``threads`` BLAS.

    ``allowed`` limits the caller's BLAS threads around the call (None: the
    process's setting); with 1, skrnn's helper thread stays off too.
    """
    est = RNNRegressor(learning_rate_init=1e-3, max_grad_norm=5.0, **params)

    def epoch():
        old = _rnn_base.BLAS_THREADS
        _rnn_base.BLAS_THREADS = threads
        try:
            if allowed is None:
                est.partial_fit(X, y)
            else:
                with _controller().limit(limits=allowed, user_api="blas"):
                    est.partial_fit(X, y)
        finally:
            _rnn_base.BLAS_THREADS = old

    return epoch


def skrnn_peak_memory(X, y, **params):
    """Peak bytes traced by tracemalloc during one epoch (numpy included)."""
    est = RNNRegressor(**params)
    est.partial_fit(X, y)
    tracemalloc.start()
    est.partial_fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def kernel_peak_memory(x, y, bptt_steps):
    """Peak bytes allocated by one epoch of BPTT + Adam on data already in place.

    This is the working memory of training (activation buffers, gradients,
    optimizer state), without the copies of the data the estimator makes.
    """
    X_tm = np.ascontiguousarray(np.swapaxes(x, 0, 1))
    Y = np.ascontiguousarray(y.T)[:, :, None]
    weights = np.ones(Y.shape[:2], dtype=np.float32)
    lengths = np.array([x.shape[1]])
    layout = make_layout("elman", W3["F"], (W3["H"],), 1)
    theta = init_params(layout, np.random.RandomState(0), np.float32)
    tracemalloc.start()
    grad = np.empty_like(theta)
    optimizer = AdamOptimizer(theta)
    chunks = bptt_chunks(
        theta,
        layout,
        X_tm,
        lengths,
        Y,
        weights,
        loss="squared_error",
        activation="tanh",
        return_sequences=True,
        alpha=1e-4,
        bptt_steps=bptt_steps,
        grad=grad,
    )
    for _ in chunks:
        clip_grad_norm(grad, 5.0)
        optimizer.update_params(theta, grad)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


# --------------------------------------------------------------------------
# torch
# --------------------------------------------------------------------------


def torch_w1_runner(X, y, threads):
    """One epoch of nn.RNN + nn.Linear on W1 with ``threads`` torch threads."""
    torch.manual_seed(0)
    rnn = torch.nn.RNN(W1["F"], W1["H"], nonlinearity="tanh", batch_first=True)
    head = torch.nn.Linear(W1["H"], 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)[:, None]
    batch = W1["batch"]

    def epoch():
        torch.set_num_threads(threads)
        perm = torch.randperm(len(Xt))
        for start in range(0, len(Xt), batch):
            idx = perm[start : start + batch]
            opt.zero_grad()
            _, h = rnn(Xt[idx])
            loss = torch.nn.functional.mse_loss(head(h[-1]), yt[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()

    return epoch


def torch_w3_runner(x, y, threads):
    """One epoch of truncated BPTT (chunks of 100, state detached) on W3."""
    torch.manual_seed(0)
    rnn = torch.nn.RNN(W3["F"], W3["H"], nonlinearity="tanh", batch_first=True)
    head = torch.nn.Linear(W3["H"], 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)[:, :, None]
    k = W3["bptt"]

    def epoch():
        torch.set_num_threads(threads)
        h = torch.zeros(1, 1, W3["H"])
        for t0 in range(0, xt.shape[1], k):
            opt.zero_grad()
            out, h = rnn(xt[:, t0 : t0 + k], h.detach())
            loss = torch.nn.functional.mse_loss(head(out), yt[:, t0 : t0 + k])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()

    return epoch


# --------------------------------------------------------------------------
# The matrix-product floor
# --------------------------------------------------------------------------


def gemm_rate(m, k, n, repeats=2000):
    """FLOP/s of one-thread float32 products (m, k) @ (k, n)."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=(m, k)).astype(np.float32)
    b = rng.normal(size=(k, n)).astype(np.float32)
    out = np.empty((m, n), dtype=np.float32)
    with threadpool_limits(1, user_api="blas"):
        best = np.inf
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(repeats):
                np.dot(a, b, out=out)
            best = min(best, (time.perf_counter() - start) / repeats)
    return 2 * m * k * n / best


def bptt_flops(n_seq, T, F, H, O, per_step_output):
    """Matmul FLOPs of one epoch of forward + backward through time."""
    steps = n_seq * T
    flops = 2 * steps * F * H  # input projection
    flops += 3 * 2 * steps * H * H  # recurrent forward, backward, dW
    flops += 2 * steps * F * H  # dU
    out_rows = steps if per_step_output else n_seq
    flops += 3 * 2 * out_rows * H * O  # output forward, dV, dH
    return flops


# --------------------------------------------------------------------------


def report(title, times, floor, rate_text, target):
    print(title)
    for name, seconds in times.items():
        print(f"  {name:<24}: {seconds:.4f} s/epoch")
    ours = times["skrnn, 1 BLAS thread"]
    print(
        f"  matmul floor: {floor:.4f} s/epoch at {rate_text} -> skrnn (1 thread) "
        f"takes {ours / floor:.1f}x the floor"
    )
    torch_times = [v for k, v in times.items() if k.startswith("torch")]
    if torch_times:
        print(
            f"  ratio skrnn / torch(faster setting) = {ours / min(torch_times):.2f}"
            f"  (target <= {target})"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=7, help="timed epochs")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    E = args.epochs
    have_torch = torch is not None
    print(f"numpy {np.__version__}, torch {torch.__version__ if have_torch else '-'}")
    print(
        f"float32; median of {E} epochs after a warm-up epoch, the configurations "
        "timed in alternation\n"
    )
    rate = max(gemm_rate(W1["batch"], W1["H"], W1["H"]) for _ in range(3))
    rate3 = max(gemm_rate(1, W3["H"], W3["H"], repeats=20000) for _ in range(3))

    # ---- W1
    X, y = w1_data()
    params1 = dict(hidden_layer_sizes=(W1["H"],), batch_size=W1["batch"])
    runners = {}  # one-thread settings first in each round
    for t in (1, 2):
        runners[f"skrnn, {t} BLAS thread{'s' * (t > 1)}"] = skrnn_runner(
            X, y, t, **params1
        )
        if have_torch:
            runners[f"torch, {t} thread{'s' * (t > 1)}"] = torch_w1_runner(X, y, t)
    floor1 = bptt_flops(W1["n"], W1["T"], W1["F"], W1["H"], 1, False) / rate
    report(
        "W1: 1024 seq x 64 steps x 4 features, Elman 64 tanh, Adam, batch 64",
        interleaved(runners, E),
        floor1,
        f"{rate / 1e9:.1f} GFLOP/s (64x64 @ 64x64 products)",
        0.6,
    )

    # ---- W3
    x, yy = w3_data()
    params3 = dict(
        hidden_layer_sizes=(W3["H"],), return_sequences=True, bptt_steps=W3["bptt"]
    )
    runners = {}
    for t in (1, 2):
        runners[f"skrnn, {t} BLAS thread{'s' * (t > 1)}"] = skrnn_runner(
            x, yy, t, **params3
        )
        if have_torch:
            runners[f"torch, {t} thread{'s' * (t > 1)}"] = torch_w3_runner(x, yy, t)
    floor3 = bptt_flops(1, W3["T"], W3["F"], W3["H"], 1, True) / rate3
    print()
    report(
        "W3: one series of 20,000 steps, 32 units, bptt_steps=100, many-to-many",
        interleaved(runners, E),
        floor3,
        f"{rate3 / 1e9:.2f} GFLOP/s (1x32 @ 32x32 products)",
        0.5,
    )

    if args.skip_memory:
        return
    print("\nW3 memory of one skrnn epoch (tracemalloc peak, MB):")
    print("  working memory = BPTT buffers, gradient, Adam state (data excluded);")
    print("  estimator = a whole partial_fit call, its copies of the data included")
    print("      T  bptt_steps   working   estimator   (data as given)")
    cases = [(W3["T"], k) for k in (100, 1000, 5000, None)]
    cases += [(40_000, 100), (80_000, 100)]
    for T, k in cases:
        xs, ys = w3_data(T)
        work = kernel_peak_memory(xs, ys, k)
        whole = skrnn_peak_memory(xs, ys, **{**params3, "bptt_steps": k})
        print(
            f"  {T:>6,} {str(k):>10} {work / 1e6:9.3f} {whole / 1e6:11.3f} "
            f"{(xs.nbytes + ys.nbytes) / 1e6:10.3f}"
        )


if __name__ == "__main__":
    main()
