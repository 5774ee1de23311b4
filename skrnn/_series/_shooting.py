"""Where closed-loop training simulates: training subsequences, validation blocks.

Closed-loop (simulation-error) training of a NARX model simulates pieces of
the training series, each from the measured outputs just before it, and
compares the simulation with the measured outputs. Two choices shape it:

- **Multiple shooting.** One long free run per series (single shooting) is
  the objective we care about, but it is hard to optimise: early errors
  feed every later step, and the gradient of thousands of steps explodes or
  vanishes. Overlapping subsequences of ``length`` rows (half overlapping),
  each started from measured outputs, keep the horizon long enough to see
  the feedback and short enough to optimise, and give a batch of many
  simulations to one vectorised time loop.
- **Validation on several blocks.** A held-out tail of a short record is a
  few dozen rows: too few to tell one model from another. The held-out rows
  are ``n_blocks`` blocks spread over each series (the end of each of
  ``n_blocks`` equal parts), each simulated from the measured outputs
  before it; training subsequences never overlap them.

Pure functions on row offsets; :func:`segments` builds the time-major
batches with :func:`~skrnn._series._closed_loop.series_segments`.
"""

import numpy as np

from ._closed_loop import series_segments

__all__ = ["split_rows", "subsequences", "segments", "rows_of"]


def split_rows(starts, history, fraction, n_blocks=4, min_rows=10):
    """Training regions and validation blocks of every series.

    Parameters
    ----------
    starts : ndarray of shape (n_series + 1,)
        Where each series starts (grouped rows).
    history : int
        Rows at the start of each series that are never simulated (their
        outputs start the first simulation).
    fraction : float or None
        Share of each series' rows held out; None holds out nothing.
    n_blocks : int, default=4
        Validation blocks per series.
    min_rows : int, default=10
        Fewer held-out rows than this in all: hold out nothing.

    Returns
    -------
    train : list of (int, int)
        Absolute ``[first, stop)`` row ranges to train on.
    validation : list of (int, int)
        Absolute row ranges held out (empty without validation).

    Examples
    --------
    >>> from skrnn._series._shooting import split_rows
    >>> train, val = split_rows([0, 102], 2, 0.2, n_blocks=2)
    >>> train, val
    ([(2, 42), (52, 92)], [(42, 52), (92, 102)])
    """
    starts = np.asarray(starts, dtype=np.int64)
    spans = list(zip(starts[:-1] + history, starts[1:], strict=True))
    whole = [(int(a), int(b)) for a, b in spans]
    if fraction is None or sum(int((b - a) * fraction) for a, b in spans) < min_rows:
        return whole, []
    train, validation = [], []
    for a, b in spans:
        edges = np.linspace(a, b, n_blocks + 1).round().astype(np.int64)
        held = max(1, int((b - a) * fraction / n_blocks))
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            cut = max(lo, hi - held)
            if cut > lo:
                train.append((int(lo), int(cut)))
            validation.append((int(cut), int(hi)))
    return train, validation


def subsequences(ranges, length):
    """Half-overlapping subsequences of ``length`` rows covering each range.

    ``length=None`` keeps each range whole (single shooting).

    Examples
    --------
    >>> from skrnn._series._shooting import subsequences
    >>> subsequences([(0, 10)], 4)
    [(0, 4), (2, 6), (4, 8), (6, 10)]
    >>> subsequences([(0, 10), (12, 15)], None)
    [(0, 10), (12, 15)]
    """
    if length is None:
        return list(ranges)
    out = []
    for a, b in ranges:
        if b - a <= length:
            out.append((a, b))
            continue
        step = max(1, length // 2)
        firsts = list(range(a, b - length + 1, step))
        if firsts[-1] + length < b:
            firsts.append(b - length)
        out.extend((f, f + length) for f in firsts)
    return out


def segments(Zx, Y, ranges, n_output_lags):
    """The time-major batch of the row ranges (each from its measured past).

    Returns ``(Zx, lengths, Y, y0)`` as
    :func:`~skrnn._series._closed_loop.series_segments` does.
    """
    first = np.array([a for a, _ in ranges], dtype=np.int64)
    stop = np.array([b for _, b in ranges], dtype=np.int64)
    return series_segments(Zx, Y, np.append(first, 0), 0, stop - first, n_output_lags)


def rows_of(ranges):
    """The rows of a list of ``[first, stop)`` ranges, as one index array.

    Examples
    --------
    >>> from skrnn._series._shooting import rows_of
    >>> rows_of([(0, 2), (5, 7)])
    array([0, 1, 5, 6])
    """
    return np.concatenate([np.arange(a, b) for a, b in ranges] or [np.arange(0)])
