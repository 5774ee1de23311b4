"""The hidden state as a feature, and streaming prediction.

:class:`RecurrentStateMixin` gives :class:`~skrnn.RNNRegressor` and
:class:`~skrnn.RNNClassifier`

- ``transform(X)``: the states of the last recurrent layer, which the output
  layer reads, so a fitted network is a feature extractor for any
  scikit-learn head (``make_pipeline(RNNRegressor(), Ridge())``);
- ``get_feature_names_out`` (``rnnregressor0``, ``rnnregressor1``, ...) and
  with it ``set_output``;
- streaming: the ``initial_state`` a prediction starts from and the final
  state it returns (``return_state``), in the style of the ``zi``/``zf`` of
  :func:`scipy.signal.lfilter`. The state is a list with one tuple per
  recurrent layer, ``(h,)`` or ``(h, c)`` for the LSTM, of arrays
  ``(n_sequences, n_units)``; a many-to-one output that pools adds its pool
  last, ``(max,)`` or ``(sum, steps)``, so the class of a stream read chunk
  by chunk is that of the whole sequence.

The forward pass is :func:`skrnn._nn._stack.predict` (outputs) or
:func:`skrnn._nn._stack.hidden_states` (states); this module validates the
user's state and puts the results in the form of the input.
"""

import numpy as np
import pandas as pd
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._data import check_initial_state, check_sequences
from .._data._sklearn_compat import _get_output_config
from .._nn._pooling import POOLS, is_pooled
from .._nn._runtime import blas_limit
from .._nn._stack import CELLS, hidden_states

__all__ = ["RecurrentStateMixin"]


class RecurrentStateMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """Learned states as features, and streaming, for the recurrent estimators.

    Mixed into :class:`~skrnn.RNNRegressor` and :class:`~skrnn.RNNClassifier`
    (before their base class); it uses their fitted ``_theta`` and
    ``_layout``.
    """

    @property
    def _n_features_out(self):
        """Width of the last layer's state (AttributeError before ``fit``)."""
        return self._layout.widths[-1]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # float32 input is computed, and transformed, in float32
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    # ------------------------------------------------------------------
    # The state a prediction starts from, and the one it returns
    # ------------------------------------------------------------------

    def _check_streaming(self, initial_state, return_state):
        if not isinstance(return_state, (bool, np.bool_)):
            raise TypeError(
                f"return_state must be True or False, got {return_state!r}."
            )
        if self._layout.bidirectional and (initial_state is not None or return_state):
            raise ValueError(
                "initial_state and return_state are not available with "
                "bidirectional=True: the backward direction runs from each "
                "sequence's last step back to its first, so a sequence cannot be "
                "continued chunk by chunk. Predict on whole sequences in one call."
            )

    def _check_initial_state(self, initial_state, n_sequences, dtype):
        """The user's state as the kernel's list of tuples, in ``dtype``.

        A many-to-one network that pools its states (``pooling="mean"`` or
        ``"max"``) carries its pool as one more entry, after the layers.
        """
        layout = self._layout
        pooled = is_pooled(self.pooling, self.return_sequences)
        return check_initial_state(
            initial_state,
            n_sequences,
            dtype,
            widths=layout.widths,
            state_names=CELLS[layout.cell].STATE_NAMES,
            cell=layout.cell,
            hidden_sizes=layout.hidden_sizes,
            pooling=self.pooling if pooled else None,
            pool=POOLS[self.pooling] if pooled else None,
        )

    def _streamed_outputs(self, X, initial_state=None, return_state=False):
        """Validate; the batch, the network's outputs and the final state (or None)."""
        check_is_fitted(self, "_theta")
        self._check_streaming(initial_state, return_state)
        batch = check_sequences(self, X, reset=False)
        if initial_state is None and not return_state:
            return batch, self._outputs(batch.X, batch.lengths), None
        state0 = None
        if initial_state is not None:
            dtype = np.result_type(batch.X.dtype, self._theta.dtype)
            state0 = self._check_initial_state(initial_state, batch.n_sequences, dtype)
        result = self._outputs(
            batch.X, batch.lengths, state0=state0, return_state=return_state
        )
        return (batch, *result) if return_state else (batch, result, None)

    # ------------------------------------------------------------------
    # The states as features
    # ------------------------------------------------------------------

    def transform(self, X, initial_state=None, return_state=False):
        """The learned states of the last recurrent layer, as features.

        These are the states the output layer reads, so a fitted network is a
        feature extractor for any scikit-learn estimator:
        ``make_pipeline(RNNRegressor(), Ridge())`` trains the network on ``y``
        (``fit_transform`` is ``fit(X, y).transform(X)``), then the head on
        the states, one row per sequence.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences, of any length (see :meth:`fit`).
        initial_state : list of tuple of ndarray, default=None
            The state before the first step, as returned with
            ``return_state=True``: see :meth:`predict`. None starts from zeros.
        return_state : bool, default=False
            Also return the final state of every layer, to continue the
            sequences in a later call.

        Returns
        -------
        X_new : ndarray or list of ndarray
            Many-to-one: ``(n_sequences, n_units)``, the state at each
            sequence's own last step, ``n_units = hidden_layer_sizes[-1]``
            (with ``bidirectional=True``: ``2 * hidden_layer_sizes[-1]``, the
            forward state at the last step, then the backward state at the
            first; with ``pooling="mean"`` or ``"max"``, the mean or
            unit-wise maximum of the states over the real steps). With
            ``return_sequences=True`` the state at every step:
            ``(n_sequences, n_timesteps, n_units)`` for array input, a list of
            ``(n_timesteps_i, n_units)`` arrays for list or DataFrame input.
            For the LSTM it is ``h``, not the cell ``c``.
        state : list of tuple of ndarray
            Only with ``return_state=True``: the final state of every layer,
            as in :meth:`predict`.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import Ridge
        >>> from sklearn.pipeline import make_pipeline
        >>> from skrnn import RNNRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(100, 8, 1))
        >>> y = X.mean(axis=(1, 2))
        >>> rnn = RNNRegressor(hidden_layer_sizes=(6,), learning_rate_init=0.05,
        ...                    random_state=0)
        >>> rnn.fit(X, y).transform(X).shape
        (100, 6)
        >>> rnn.get_feature_names_out()[:2]
        array(['rnnregressor0', 'rnnregressor1'], dtype=object)
        >>> pipe = make_pipeline(rnn, Ridge(alpha=1e-6)).fit(X, y)
        >>> bool(pipe.score(X, y) > 0.95)
        True
        """
        check_is_fitted(self, "_theta")
        self._check_streaming(initial_state, return_state)
        batch = check_sequences(self, X, reset=False)
        container = _get_output_config("transform", self)["dense"]
        if container != "default" and self.return_sequences:
            raise ValueError(
                f"set_output(transform={container!r}) needs a table, but with "
                "return_sequences=True transform returns the state at every step "
                "(a 3-D array or a list of arrays). Use "
                "set_output(transform='default')."
            )
        dtype = np.result_type(batch.X.dtype, self._theta.dtype)
        state0 = None
        if initial_state is not None:
            state0 = self._check_initial_state(initial_state, batch.n_sequences, dtype)
        with blas_limit():
            H, state = hidden_states(
                self._theta.astype(dtype, copy=False),
                self._layout,
                batch.X.astype(dtype, copy=False),
                batch.lengths,
                activation=self.activation,
                return_sequences=self.return_sequences,
                block=self.bptt_steps,
                state0=state0,
                pooling=self.pooling,
            )
        if self.return_sequences:
            H = batch.format_steps(H)
        elif container == "pandas" and batch.kind == "frame":
            # rows are sequences, not the rows of the long DataFrame
            H = pd.DataFrame(H, index=pd.Index(batch.ids, name=X.index.names[0]))
        return (H, state) if return_state else H
