"""The recurrent network classifier, trained by backpropagation through time."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
)
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._data import check_sequence_weights, check_sequences
from .._data._sklearn_compat import StrOptions, _fit_context
from ._base import BaseRNN
from ._docs import ATTRIBUTES, CLASSIFIER_PARAMETERS, NOTES
from ._state import RecurrentStateMixin

__all__ = ["RNNClassifier"]


class RNNClassifier(ClassifierMixin, RecurrentStateMixin, BaseRNN):
    __doc__ = (
        """Recurrent network classifier trained by backpropagation through time.

    A state-space model h_t = ψ(U x_t + W h_{t-1} + b) with a softmax output
    (a logistic one for two classes), with the vocabulary of scikit-learn's
    ``MLPClassifier``. Each sample is a whole sequence (see
    :class:`RNNRegressor` for the accepted forms); ``y`` holds one label per
    sequence, or one per time step with ``return_sequences=True``. Labels may
    be integers or strings.

    As for :class:`RNNRegressor`, :meth:`transform` returns the states of the
    last recurrent layer (features for any scikit-learn head), and
    :meth:`predict`, :meth:`predict_proba` and :meth:`predict_log_proba` can
    start from a given state and return the final one (``initial_state``,
    ``return_state``), to stream a long sequence chunk by chunk.
"""
        + CLASSIFIER_PARAMETERS
        + """    class_weight : dict, "balanced" or None, default=None
        Weight of each class, multiplying the sample weights; ``"balanced"``
        uses ``n_targets / (n_classes * bincount(y))`` over the labels given
        to ``fit`` (or to each ``partial_fit`` call).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels."""
        + ATTRIBUTES
        + """
    See Also
    --------
    RNNRegressor : The same network with a linear output.
    sklearn.neural_network.MLPClassifier : The feed-forward network.

    Notes
    -----
    The loss is the cross-entropy of the softmax output (of the logistic
    output for two classes, with one output unit)."""
        + NOTES
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skrnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(20)
    >>> phase = rng.uniform(0, 2 * np.pi, size=(100, 1))
    >>> sine = np.sin(0.5 * t + phase)
    >>> square = np.sign(np.sin(0.5 * t + phase))
    >>> X = np.concatenate([sine, square])[:, :, None]
    >>> y = np.repeat(["sine", "square"], 100)
    >>> clf = RNNClassifier(
    ...     hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0
    ... ).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> bool(clf.score(X, y) > 0.95)
    True
    """
    )

    _parameter_constraints: dict = {
        **BaseRNN._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(32,),
        *,
        cell="gru",
        activation="tanh",
        return_sequences=False,
        bidirectional=False,
        pooling="max",
        solver="adam",
        alpha=1e-4,
        batch_size=8,
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
        class_weight=None,
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
        self.class_weight = class_weight

    def _valid_labels(self, batch):
        """The labels of every target, and a boolean mask of the valid steps."""
        y = batch.y
        if not self.return_sequences:
            return column_or_1d(y, warn=True), None
        if y.ndim != 2:
            raise ValueError(
                "With return_sequences=True, RNNClassifier takes one label per "
                f"time step; y has {y.ndim - 1} dimensions per sequence."
            )
        mask = np.arange(y.shape[0])[:, None] < batch.lengths
        return y[mask], mask

    def _encode_targets(self, batch, first_pass, incremental):
        labels, mask = self._valid_labels(batch)
        check_classification_targets(labels)
        present = np.unique(labels)
        if first_pass and not incremental:
            self.classes_ = present
        elif not incremental and set(present) != set(self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in "
                f"the previous call to fit. Previously got {self.classes_}, `y` "
                f"has {present}."
            )
        elif np.setdiff1d(present, self.classes_).size:
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. 'y' has {present}."
            )
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(
                "RNNClassifier needs at least 2 classes to learn from, but y holds "
                f"one class: {self.classes_[0]!r}."
            )
        codes = np.searchsorted(self.classes_, labels)
        dtype = batch.X.dtype
        if n_classes == 2:
            flat, loss = codes[:, None].astype(dtype), "binary_log_loss"
        else:
            flat, loss = np.eye(n_classes, dtype=dtype)[codes], "log_loss"
        class_weights = None
        if self.class_weight is not None:
            per_class = compute_class_weight(
                self.class_weight, classes=self.classes_, y=labels
            )
            class_weights = per_class[codes].astype(dtype)
        if mask is None:
            return flat, loss, class_weights
        Y = np.zeros(mask.shape + (flat.shape[1],), dtype=dtype)
        Y[mask] = flat
        if class_weights is not None:
            dense = np.ones(mask.shape, dtype=dtype)
            dense[mask] = class_weights
            class_weights = dense
        return Y, loss, class_weights

    def _score_outputs(self, P, Y, weights):
        predicted = P.argmax(-1) if P.shape[-1] > 1 else P[..., 0] > 0.5
        true = Y.argmax(-1) if Y.shape[-1] > 1 else Y[..., 0] > 0.5
        return accuracy_score(
            true.reshape(-1), predicted.reshape(-1), sample_weight=weights.reshape(-1)
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences ``X`` and labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_sequences, n_timesteps, n_features), \
(n_sequences, n_timesteps), list of arrays or DataFrame
            The input sequences.
        y : array-like
            One label per sequence, ``(n_sequences,)``; with
            ``return_sequences=True`` one per step (an array ``(n_sequences,
            n_timesteps)`` or a list of 1-D arrays).
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence.

        Returns
        -------
        self : RNNClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(lambda est: est._check_solver())
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Run one epoch over the given sequences.

        Only available for the stochastic solvers ``"sgd"`` and ``"adam"``.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences, as in :meth:`fit`.
        y : array-like
            The labels, as in :meth:`fit`.
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence.
        classes : array-like of shape (n_classes,), default=None
            Every class of all calls; required on the first call.

        Returns
        -------
        self : RNNClassifier
            The updated estimator.
        """
        if _check_partial_fit_first_call(self, classes):
            if len(self.classes_) < 2:
                del self.classes_
                raise ValueError(
                    "RNNClassifier needs at least 2 classes; `classes` holds one class."
                )
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def _proba(self, P):
        if P.shape[-1] == 1:
            P = np.concatenate([1 - P, P], axis=-1)
        return P

    def predict_proba(self, X, initial_state=None, return_state=False):
        """Probability of each class, optionally continuing from a state.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences, of any length.
        initial_state : list of tuple of ndarray, default=None
            The state of every recurrent layer before the first step, to
            continue sequences chunk by chunk: see :meth:`predict`.
        return_state : bool, default=False
            Also return the final state: see :meth:`predict`.

        Returns
        -------
        proba : ndarray or list of ndarray
            ``(n_sequences, n_classes)``; with ``return_sequences=True``
            ``(n_sequences, n_timesteps, n_classes)`` for array input, a list
            of ``(n_timesteps_i, n_classes)`` arrays for list or DataFrame
            input. Columns follow ``classes_``.
        state : list of tuple of ndarray
            Only with ``return_state=True``: the final state.
        """
        batch, P, state = self._streamed_outputs(X, initial_state, return_state)
        P = self._proba(P)
        proba = batch.format_steps(P) if self.return_sequences else P
        return (proba, state) if return_state else proba

    def predict_log_proba(self, X, initial_state=None, return_state=False):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences.
        initial_state : list of tuple of ndarray, default=None
            The state of every recurrent layer before the first step: see
            :meth:`predict`.
        return_state : bool, default=False
            Also return the final state: see :meth:`predict`.

        Returns
        -------
        log_proba : ndarray or list of ndarray
            Shaped as :meth:`predict_proba`.
        state : list of tuple of ndarray
            Only with ``return_state=True``: the final state.
        """
        proba = self.predict_proba(X, initial_state, return_state)
        if return_state:
            proba, state = proba
        if isinstance(proba, list):
            log_proba = [np.log(p) for p in proba]
        else:
            log_proba = np.log(proba)
        return (log_proba, state) if return_state else log_proba

    def predict(self, X, initial_state=None, return_state=False):
        """Predict class labels, optionally continuing from a state.

        Streaming: feed a long sequence in chunks, passing the state returned
        by one call (``return_state=True``) as the ``initial_state`` of the
        next, and the labels are those of one call on the whole sequence
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
            ``(n_sequences,)``, read at each sequence's last step (of this
            chunk); with ``return_sequences=True`` one label per step:
            ``(n_sequences, n_timesteps)`` for array input, a list of
            ``(n_timesteps_i,)`` arrays for list or DataFrame input.
        state : list of tuple of ndarray
            Only with ``return_state=True``: the final state, to pass as the
            ``initial_state`` of the next chunk.
        """
        batch, P, state = self._streamed_outputs(X, initial_state, return_state)
        labels = self.classes_[self._proba(P).argmax(axis=-1)]
        y_pred = batch.format_steps(labels) if self.return_sequences else labels
        return (y_pred, state) if return_state else y_pred

    def score(self, X, y, sample_weight=None):
        """Accuracy of the predictions.

        With ``return_sequences=True`` it is computed over every valid time
        step of every sequence.

        Parameters
        ----------
        X : array-like, list of arrays or DataFrame
            The input sequences.
        y : array-like
            The true labels.
        sample_weight : array-like of shape (n_sequences,), default=None
            One weight per sequence.

        Returns
        -------
        score : float
            Mean accuracy of ``self.predict(X)`` against ``y``.
        """
        if not self.return_sequences:
            return super().score(X, y, sample_weight=sample_weight)
        check_is_fitted(self, "_theta")
        batch = check_sequences(
            self, X, y, reset=False, return_sequences=True, y_numeric=False
        )
        labels, mask = self._valid_labels(batch)
        P = self._proba(self._outputs(batch.X, batch.lengths))
        predicted = self.classes_[P.argmax(axis=-1)][mask]
        sw = check_sequence_weights(sample_weight, batch, dtype=np.float64)
        w = np.broadcast_to(sw, mask.shape)[mask]
        return accuracy_score(labels, predicted, sample_weight=w)
