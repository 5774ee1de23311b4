"""The recurrent network regressor, trained by backpropagation through time."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._data import check_sequence_weights, check_sequences
from .._data._sklearn_compat import _fit_context
from ._base import BaseRNN
from ._docs import ATTRIBUTES, NOTES, PARAMETERS
from ._standardise import Standardisation
from ._state import RecurrentStateMixin

__all__ = ["RNNRegressor"]


class RNNRegressor(RegressorMixin, RecurrentStateMixin, BaseRNN):
    __doc__ = (
        """Recurrent network regressor trained by backpropagation through time.

    A state-space model h_t = ψ(U x_t + W h_{t-1} + b), ŷ_t = V h_t + c in
    numpy, with the vocabulary of scikit-learn's ``MLPRegressor``. Each sample
    is a whole sequence: ``X`` is a 3-D array ``(n_sequences, n_timesteps,
    n_features)``, a 2-D array of univariate sequences, a list of arrays of
    different lengths, or a long DataFrame with a ``(sequence_id, time)``
    MultiIndex. ``y`` holds one target per sequence, or one per step with
    ``return_sequences=True``.

    A fitted network is also a transformer: :meth:`transform` returns the
    states of its last recurrent layer, the features its output layer reads,
    so ``make_pipeline(RNNRegressor(), Ridge())`` trains the network on ``y``
    and a scikit-learn head on its states. :meth:`predict` can start from a
    given state and return the final one (``initial_state``,
    ``return_state``), to stream a long sequence chunk by chunk.
"""
        + PARAMETERS
        + """    scale_y : bool, default=True
        Standardise the targets before training: subtract the mean and
        divide by the standard deviation of each output, over every target
        of the training data (with ``return_sequences=True`` every real time
        step; weighted by ``sample_weight``; an output of zero variance is
        divided by 1). The network learns targets of mean 0 and variance 1
        whatever their unit, and :meth:`predict` and :meth:`score` answer on
        the original scale; the training loss (``loss_``, ``loss_curve_``,
        ``best_loss_``) is that of the standardised targets. ``warm_start``
        fits and ``partial_fit`` keep the statistics of the first fit. False
        trains on ``y`` as given.

    Attributes
    ----------"""
        + ATTRIBUTES
        + """    y_mean_ : ndarray of shape (n_outputs_,)
        The mean subtracted from each output (0 with ``scale_y=False``).
    y_scale_ : ndarray of shape (n_outputs_,)
        The scale each output is divided by (1 with ``scale_y=False``): the
        output layer predicts ``(y - y_mean_) / y_scale_``.

    See Also
    --------
    RNNClassifier : The same network with a softmax or logistic output.
    NARXRegressor : Feeds back past outputs instead of a hidden state.
    sklearn.neural_network.MLPRegressor : The feed-forward network.

    Notes
    -----
    The loss is the squared error ½ Σ_k (ŷ_k - y_k)² per target, summed over
    the outputs."""
        + NOTES
        + """
    With ``scale_y=True`` (the default) the loss is that of the standardised
    targets :math:`(y - m) / s`, ``m`` and ``s`` being ``y_mean_`` and
    ``y_scale_``, and the prediction is :math:`\\hat y_t = (h_t V + c)\\, s +
    m`: the defaults then suit a target in any unit.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 10, 1))
    >>> y = X.mean(axis=(1, 2))
    >>> reg = RNNRegressor(
    ...     hidden_layer_sizes=(16,), learning_rate_init=0.01, batch_size=50,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> bool(reg.score(X, y) > 0.95)
    True
    """
    )

    _parameter_constraints: dict = {
        **BaseRNN._parameter_constraints,
        "scale_y": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(32,),
        *,
        cell="gru",
        activation="tanh",
        return_sequences=False,
        bidirectional=False,
        pooling="last",
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=1e-3,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        max_grad_norm=5.0,
        bptt_steps=None,
        scale_y=True,
    ):
        super().__init__(
            hidden_layer_sizes,
            cell=cell,
            activation=activation,
            return_sequences=return_sequences,
            bidirectional=bidirectional,
            pooling=pooling,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            max_grad_norm=max_grad_norm,
            bptt_steps=bptt_steps,
        )
        self.scale_y = scale_y

    def _standardise_targets(self, Y, weights, first_pass):
        if first_pass:
            stats = Standardisation.fit(
                Y,
                weights,
                axis=tuple(range(Y.ndim - 1)),
                with_mean=self.scale_y,
                with_std=self.scale_y,
            )
            self.y_mean_, self.y_scale_ = stats.mean, stats.scale
        return self._y_standardisation().apply(Y)

    def _y_standardisation(self):
        return Standardisation(self.y_mean_, self.y_scale_)

    def _encode_targets(self, batch, first_pass, incremental):
        y = batch.y
        per_step = 2 if self.return_sequences else 1
        if y.ndim not in (per_step, per_step + 1):
            raise ValueError(
                f"y has {y.ndim - per_step + 1} dimensions per "
                f"{'time step' if self.return_sequences else 'sequence'}; give one "
                "value or one vector of outputs."
            )
        if first_pass:
            self._y_scalar = y.ndim == per_step
        return (y[..., None] if y.ndim == per_step else y), "squared_error", None

    def _score_outputs(self, P, Y, weights):
        if not np.isfinite(P).all():
            return np.nan
        n_outputs = Y.shape[-1]
        return r2_score(
            Y.reshape(-1, n_outputs),
            P.reshape(-1, n_outputs),
            sample_weight=weights.reshape(-1),
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_timesteps, n_features), \
(n_sequences, n_timesteps), list of arrays or DataFrame
            The input sequences.
        y : array-like
            One target per sequence, ``(n_sequences,)`` or ``(n_sequences,
            n_outputs)``; with ``return_sequences=True`` one per step (an
            array ``(n_sequences, n_timesteps[, n_outputs])`` or a list of
            arrays).
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence.

        Returns
        -------
        self : RNNRegressor
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over the given sequences.

        Only available for the stochastic solvers ``"sgd"`` and ``"adam"``.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences, as in :meth:`fit`.
        y : array-like
            The targets, as in :meth:`fit`.
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence.

        Returns
        -------
        self : RNNRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X, initial_state=None, return_state=False):
        """Predict with the network, optionally continuing from a state.

        Streaming: feed a long sequence in chunks, passing the state returned
        by one call (``return_state=True``) as the ``initial_state`` of the
        next, and the outputs are those of one call on the whole sequence
        (the ``zi``/``zf`` of :func:`scipy.signal.lfilter`).

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences, of any length. To stream chunks of any
            length after a fit on a 2-D array, pass them as 3-D arrays
            ``(n_sequences, n_timesteps, 1)``: 2-D input must have the
            columns seen in ``fit``.
        initial_state : list of tuple of ndarray, default=None
            The state of every recurrent layer before the first step: a list
            with one tuple per layer, ``(h,)`` for ``cell="elman"`` or
            ``"gru"`` and ``(h, c)`` for ``"lstm"``, each array of shape
            ``(n_sequences, hidden_layer_sizes[k])``, row i for sequence i
            of ``X``; it is cast to the dtype of the computation. None starts
            from zeros. A many-to-one output that pools (``pooling="mean"``
            or ``"max"``) adds its pool as a last entry, ``(max,)`` of shape
            ``(n_sequences, n_units)`` or ``(sum, steps)`` with ``steps`` of
            shape ``(n_sequences, 1)``, so a stream cut into chunks is read
            as the whole sequence (the layers alone start the pool empty).
            Not available with ``bidirectional=True``.
        return_state : bool, default=False
            Also return the final state, in the form of ``initial_state``:
            each sequence's state at its own last step. Not available with
            ``bidirectional=True``.

        Returns
        -------
        y : ndarray or list of ndarray
            Many-to-one: ``(n_sequences,)`` or ``(n_sequences, n_outputs)``,
            read at each sequence's last step (of this chunk).
            With ``return_sequences=True``: ``(n_sequences, n_timesteps[,
            n_outputs])`` for array input, a list of ``(n_timesteps_i[,
            n_outputs])`` arrays for list or DataFrame input.
        state : list of tuple of ndarray
            Only with ``return_state=True``: the final state, to pass as the
            ``initial_state`` of the next chunk.

        Examples
        --------
        >>> import numpy as np
        >>> from skrnn import RNNRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(20, 30, 1))
        >>> y = np.cumsum(X[:, :, 0], axis=1) / 5
        >>> reg = RNNRegressor(hidden_layer_sizes=(4,), return_sequences=True,
        ...                    learning_rate_init=0.05, random_state=0).fit(X, y)
        >>> first, state = reg.predict(X[:, :10], return_state=True)
        >>> [h.shape for (h,) in state]
        [(20, 4)]
        >>> rest = reg.predict(X[:, 10:], initial_state=state)
        >>> bool(np.allclose(np.hstack([first, rest]), reg.predict(X)))
        True
        """
        batch, P, state = self._streamed_outputs(X, initial_state, return_state)
        P = self._y_standardisation().invert(P)
        if self._y_scalar:
            P = P[..., 0]
        y_pred = batch.format_steps(P) if self.return_sequences else P
        return (y_pred, state) if return_state else y_pred

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination R² of the predictions.

        With ``return_sequences=True`` it is computed over every valid time
        step of every sequence.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences.
        y : array-like
            The true targets.
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence.

        Returns
        -------
        score : float
            R² of ``self.predict(X)`` against ``y``.
        """
        if not self.return_sequences:
            return super().score(X, y, sample_weight=sample_weight)
        check_is_fitted(self, "_theta")
        batch = check_sequences(self, X, y, reset=False, return_sequences=True)
        Y = batch.y[..., None] if batch.y.ndim == 2 else batch.y
        w = (np.arange(batch.X.shape[0])[:, None] < batch.lengths).astype(float)
        w *= check_sequence_weights(sample_weight, batch, dtype=np.float64)
        P = self._y_standardisation().invert(self._outputs(batch.X, batch.lengths))
        return self._score_outputs(P, Y, w)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
