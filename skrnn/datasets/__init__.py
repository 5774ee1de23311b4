"""Generators of time series and sequence tasks with known answers.

Two kinds of data, as in the rest of skrnn:

- **series** — one long input/output record of a dynamic system, ``X`` of shape
  ``(n_timesteps, n_inputs)`` and ``y`` of shape ``(n_timesteps,)``, for
  ``FIRRegressor``, ``NARXRegressor``, ``StateSpaceRegressor`` and the
  windowing transformers: the systems :func:`make_fir_system`,
  :func:`make_arx_system`, :func:`make_narx_system` driven by white noise,
  and simulators of three nonlinear system-identification benchmarks on
  the scale of their measured records, :func:`make_wiener_hammerstein`,
  :func:`make_silverbox` and :func:`make_cascaded_tanks`;
- **sequence tasks** — a batch of sequences, ``X`` of shape
  ``(n_sequences, n_timesteps, n_features)`` (or a list of arrays of different
  lengths), for ``RNNRegressor`` and ``RNNClassifier``:
  :func:`make_sine_square`, :func:`make_running_sum`,
  :func:`make_adding_problem`, :func:`make_copy_first`,
  :func:`make_sequence_mean`, :func:`make_variable_length_sequences`.

Every generator takes ``random_state`` (None, an int, a
:class:`numpy.random.RandomState` or a :class:`numpy.random.Generator`) and
gives the same data for the same seed. The white-noise systems start from
rest: every input and output before the first row is zero.
"""

from ._physics import make_cascaded_tanks, make_silverbox, make_wiener_hammerstein
from ._sequences import (
    make_adding_problem,
    make_copy_first,
    make_running_sum,
    make_sequence_mean,
    make_sine_square,
    make_variable_length_sequences,
)
from ._series import make_arx_system, make_fir_system, make_narx_system

# In the order of the API reference: series, benchmark simulators, sequences.
__all__ = [
    "make_fir_system",
    "make_arx_system",
    "make_narx_system",
    "make_wiener_hammerstein",
    "make_silverbox",
    "make_cascaded_tanks",
    "make_sine_square",
    "make_running_sum",
    "make_adding_problem",
    "make_copy_first",
    "make_sequence_mean",
    "make_variable_length_sequences",
]
