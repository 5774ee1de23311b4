"""The input boundary: every accepted form of input becomes one canonical form.

Two kinds of data enter skrnn (see the design notes in the README):

* **a series** -- rows are consecutive time steps; a DataFrame whose index is a
  two-level ``(series_id, time)`` MultiIndex holds a panel of independent
  series. :func:`check_series` returns a :class:`SeriesData` whose rows are
  grouped by series (each series contiguous, in time order).
* **a batch of sequences** -- each sample is a whole sequence: a 3-D array, a
  2-D array of univariate sequences, a list of arrays of different lengths or
  a long DataFrame. :func:`check_sequences` returns a :class:`SequenceBatch`
  holding one zero-padded, time-major array and the lengths.

What comes with the data is checked here too (:mod:`._targets`): the output
sequences of an encoder-decoder (:func:`check_output_sequences`) and the
known future inputs of its decoder (:func:`check_future_inputs`), the state
a recurrent network starts from (:func:`check_initial_state`) and the output
history of a NARX simulation (:func:`check_y_init`).

This package is the only place where input is validated; everything behind it
trusts the canonical form.
"""

from ._sequence_targets import check_sequence_weights
from ._sequences import SequenceBatch, check_sequences
from ._series import (
    SeriesData,
    check_n_outputs,
    check_n_steps,
    check_series,
    check_steps_ahead,
)
from ._targets import (
    align_output_sequences,
    check_future_inputs,
    check_initial_state,
    check_output_sequences,
    check_y_init,
)

__all__ = [
    "SeriesData",
    "SequenceBatch",
    "check_series",
    "check_n_outputs",
    "check_n_steps",
    "check_steps_ahead",
    "check_sequences",
    "check_sequence_weights",
    "check_output_sequences",
    "align_output_sequences",
    "check_future_inputs",
    "check_initial_state",
    "check_y_init",
]
