"""Benchmark W2: skrnn's GRU and LSTM layers against PyTorch's nn.GRU / nn.LSTM.

W2 has W1's shapes (float32, Adam, gradient clipping at norm 5 in both
libraries): 1024 sequences x 64 steps x 4 features, one recurrent layer of 64
units, many-to-one, batch 64, seconds per epoch -- with ``cell="gru"``,
``cell="lstm"``, and each of them with ``bidirectional=True`` (torch:
``bidirectional=True``, the output layer reading the forward state at the last
step and the backward state at the first, as skrnn's does).

skrnn runs with one thread (under ``threadpool_limits(1)``) and with its
default on this 2-core machine: 1 BLAS thread for the time loops, plus the
helper thread that computes the LSTM's weight-gradient products beside the
backward loop when the caller allows 2 threads. torch runs with 1 and 2
threads. The ratio compares skrnn's default with torch's faster setting; the
one-thread ratio is printed too. The configurations of each case are
timed in alternation, one epoch each per round, so that load from other
processes on a shared machine hits them alike; medians are printed. The
matrix-product floor is the epoch's matmul FLOPs over the best one-thread GEMM
rate measured on the per-step products.

Run::

    python benchmarks/bench_rnn_gated.py              # 15 timed epochs per case
    python benchmarks/bench_rnn_gated.py --epochs 31 --cases lstm

torch is optional (``pip install torch==2.13.0``, the ``bench`` extra); without
it only skrnn's figures are printed. The timing helpers are those of
``bench_rnn.py`` (W1, W3), next to this file.
"""

import argparse
import warnings

import numpy as np
from bench_rnn import W1, gemm_rate, interleaved, skrnn_runner, torch, w1_data

#: gates per cell, and the ratio targets of issue 5
GATES = {"gru": 3, "lstm": 4}
TARGETS = {"gru": 0.8, "lstm": 1.2}
CASES = {
    "gru": ("gru", False),
    "lstm": ("lstm", False),
    "gru-bi": ("gru", True),
    "lstm-bi": ("lstm", True),
}


def torch_w2_runner(X, y, cell, bidirectional, threads):
    """One epoch of nn.GRU / nn.LSTM + nn.Linear on W2 with ``threads`` threads."""
    torch.manual_seed(0)
    Layer = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell]
    rnn = Layer(W1["F"], W1["H"], batch_first=True, bidirectional=bidirectional)
    head = torch.nn.Linear(W1["H"] * (1 + bidirectional), 1)
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
            h = h[0] if cell == "lstm" else h
            # the last layer's final states: forward (last step), backward (first)
            last = torch.cat([h[-2], h[-1]], dim=1) if bidirectional else h[-1]
            loss = torch.nn.functional.mse_loss(head(last), yt[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()

    return epoch


def gated_flops(n_seq, T, F, H, n_gates, directions):
    """Matmul FLOPs of one epoch of forward + backward through a gated layer."""
    steps = n_seq * T
    G = n_gates * H
    flops = 2 * steps * F * G  # input projection
    flops += 3 * 2 * steps * H * G  # recurrent forward, backward, dW
    flops += 2 * steps * F * G  # dU
    flops *= directions
    flops += 3 * 2 * n_seq * directions * H  # output layer (many-to-one)
    return flops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15, help="timed epochs")
    parser.add_argument("--cases", nargs="+", choices=list(CASES), default=list(CASES))
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    E = args.epochs
    have_torch = torch is not None
    print(f"numpy {np.__version__}, torch {torch.__version__ if have_torch else '-'}")
    print(
        f"float32; median of {E} epochs after a warm-up epoch, the configurations "
        "timed in alternation\n"
    )
    X, y = w1_data()
    for case in args.cases:
        cell, bidirectional = CASES[case]
        n_gates = GATES[cell]
        rate = max(gemm_rate(W1["batch"], W1["H"], n_gates * W1["H"]) for _ in range(3))
        params = dict(
            hidden_layer_sizes=(W1["H"],),
            batch_size=W1["batch"],
            cell=cell,
            bidirectional=bidirectional,
        )
        runners = {
            "skrnn, 1 thread": skrnn_runner(X, y, 1, allowed=1, **params),
            "skrnn, default": skrnn_runner(X, y, 1, **params),
        }
        if have_torch:
            for t in (1, 2):
                runners[f"torch, {t} thread{'s' * (t > 1)}"] = torch_w2_runner(
                    X, y, cell, bidirectional, t
                )
        times = interleaved(runners, E)
        flops = gated_flops(
            W1["n"], W1["T"], W1["F"], W1["H"], n_gates, 1 + bidirectional
        )
        floor = flops / rate
        direction = ", bidirectional" if bidirectional else ""
        print(
            f"W2 {case}: 1024 seq x 64 steps x 4 features, {cell.upper()} 64"
            f"{direction}, Adam, batch 64"
        )
        for name, seconds in times.items():
            print(f"  {name:<22}: {seconds:.4f} s/epoch")
        ours = times["skrnn, default"]
        print(
            f"  matmul floor: {floor:.4f} s/epoch at {rate / 1e9:.1f} GFLOP/s "
            f"(64x64 @ 64x{n_gates * 64} products) -> skrnn is at "
            f"{floor / ours:.0%} of the floor ({ours / floor:.1f}x)"
        )
        torch_times = [v for k, v in times.items() if k.startswith("torch")]
        if torch_times:
            target = f"  (target <= {TARGETS[cell]})" if not bidirectional else ""
            print(
                f"  ratio skrnn / torch(faster setting) = "
                f"{ours / min(torch_times):.2f}{target}"
            )
            one = times["skrnn, 1 thread"] / times["torch, 1 thread"]
            print(f"  ratio with one thread each          = {one:.2f}")
        print()


if __name__ == "__main__":
    main()
