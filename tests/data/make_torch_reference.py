"""Write ``torch_gru_lstm_reference.npz``: PyTorch GRUs and LSTMs run on fixed data.

Run by hand, with PyTorch installed (``pip install 'skrnn[bench]'``)::

    python tests/data/make_torch_reference.py

For each configuration in :data:`CONFIGS` (cell, input size, hidden size,
layers, bidirectional, sequence lengths) it builds ``torch.nn.GRU`` or
``torch.nn.LSTM`` in float64 with a fixed seed, draws inputs and an initial
state, runs the network on a packed batch (so each sequence stops at its own
length) and saves, under ``"<config>.<field>"``:

* the configuration: ``cell``, ``num_layers``, ``bidirectional``;
* every parameter under PyTorch's own name (``weight_ih_l0``,
  ``bias_hh_l1_reverse``, ...);
* the data: ``X`` (time-major ``(T, N, input_size)``, zero past each
  length), ``lengths``, ``h0`` (and ``c0``) as
  ``(num_layers * num_directions, N, hidden_size)``;
* PyTorch's answers: ``output`` (``(T, N, num_directions * hidden_size)``,
  zero past each length), ``h_n`` (and ``c_n``).

``tests/test_gated.py`` loads the file and checks skrnn's kernels against it
without PyTorch. torch is imported inside :func:`main` only, so the test
suite (which imports every module for its doctests) never needs it.
"""

from pathlib import Path

import numpy as np

OUT = Path(__file__).with_name("torch_gru_lstm_reference.npz")

# name -> (cell, input_size, hidden_size, num_layers, bidirectional, lengths)
CONFIGS = {
    "gru_1layer": ("gru", 3, 5, 1, False, [7, 7, 7, 7]),
    "lstm_1layer": ("lstm", 3, 5, 1, False, [7, 7, 7, 7]),
    "gru_2layers_lengths": ("gru", 2, 4, 2, False, [3, 6, 1, 5]),
    "lstm_2layers_lengths": ("lstm", 2, 4, 2, False, [3, 6, 1, 5]),
    "gru_2layers_bidirectional": ("gru", 3, 3, 2, True, [5, 2, 6]),
    "lstm_2layers_bidirectional": ("lstm", 3, 3, 2, True, [5, 2, 6]),
}


def run_config(torch, seed, cell, n_in, n_hidden, n_layers, bidirectional, lengths):
    """PyTorch's network, data and answers for one configuration."""
    torch.manual_seed(seed)
    rnn = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[cell]
    net = rnn(n_in, n_hidden, num_layers=n_layers, bidirectional=bidirectional)
    net = net.double()
    rng = np.random.default_rng(seed)
    lengths = np.asarray(lengths, dtype=np.int64)
    T, N = int(lengths.max()), len(lengths)
    X = rng.standard_normal((T, N, n_in))
    X[np.arange(T)[:, None] >= lengths] = 0.0
    n_states = n_layers * (1 + bidirectional)
    names = {"gru": ("h",), "lstm": ("h", "c")}[cell]
    state0 = [rng.standard_normal((n_states, N, n_hidden)) for _ in names]
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        torch.from_numpy(X), torch.from_numpy(lengths), enforce_sorted=False
    )
    hx = [torch.from_numpy(s) for s in state0]
    with torch.no_grad():
        out, final = net(packed, hx[0] if cell == "gru" else tuple(hx))
    output, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=T)
    final = (final,) if cell == "gru" else final
    record = {
        "cell": np.array(cell),
        "num_layers": np.array(n_layers),
        "bidirectional": np.array(bidirectional),
        "X": X,
        "lengths": lengths,
        "output": output.numpy(),
    }
    for name, value in net.named_parameters():
        record[name] = value.detach().numpy()
    for name, s0, s in zip(names, state0, final, strict=True):
        record[f"{name}0"] = s0
        record[f"{name}_n"] = s.numpy()
    return record


def main():
    import torch

    arrays = {"torch_version": np.array(torch.__version__)}
    for seed, (name, config) in enumerate(CONFIGS.items()):
        for field, value in run_config(torch, seed, *config).items():
            arrays[f"{name}.{field}"] = value
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, torch {torch.__version__})")


if __name__ == "__main__":
    main()
