"""The state-space model: recurrent networks trained by backpropagation in time."""

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
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
from ._standardise import Standardisation
from ._state import RecurrentStateMixin

__all__ = ["RNNRegressor", "RNNClassifier"]

_PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(32,)
        Units of each recurrent layer; the states of layer k are the inputs
        of layer k + 1.
    cell : {"elman", "gru", "lstm"}, default="elman"
        The recurrent cell: the simple state-space (Elman) cell, the gated
        recurrent unit or the long short-term memory (equations in the
        Notes). Every layer uses the same cell.
    activation : {"tanh", "relu", "logistic", "identity"}, default="tanh"
        The state activation ψ; for the gated cells, that of the candidate
        (and of the LSTM's cell output), the gates being always logistic.
    return_sequences : bool, default=False
        False: one target per sequence, read at each sequence's own last step
        (many-to-one). True: one target per time step (many-to-many).
    bidirectional : bool, default=False
        Run each layer forward and backward in time (backward from each
        sequence's own last step) and concatenate the two states, forward
        first. Cannot be combined with ``bptt_steps``.
    solver : {"adam", "sgd", "lbfgs"}, default="adam"
        The optimizer. ``"lbfgs"`` works on the whole batch with full BPTT.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or "auto", default="auto"
        Sequences per mini-batch; ``"auto"`` is ``min(200, n_sequences)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Step-size schedule of ``solver="sgd"``, as in ``MLPRegressor``.
    learning_rate_init : float, default=1e-3
        The initial step size of ``"sgd"`` and ``"adam"``.
    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.
    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (L-BFGS).
    shuffle : bool, default=True
        Shuffle the sequences at every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffling and the validation split.
    tol : float, default=1e-4
        Training stops when the loss (or the validation score) does not
        improve by ``tol`` for ``n_iter_no_change`` epochs.
    verbose : bool, default=False
        Print one line per epoch: loss, validation score, time.
    warm_start : bool, default=False
        Start ``fit`` from the current weights (the optimizer restarts).
    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``solver="sgd"``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the sequences, stop when their
        score stops improving, and keep the best weights.
    validation_fraction : float, default=0.1
        Share of the sequences held out with ``early_stopping``.
    beta_1, beta_2 : float, default=0.9, 0.999
        Moment decay rates of ``solver="adam"``.
    epsilon : float, default=1e-8
        Numerical stability constant of ``solver="adam"``.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    max_fun : int, default=15000
        Maximum number of loss evaluations of ``solver="lbfgs"``.
    max_grad_norm : float or None, default=5.0
        Clip the gradient of every update to this Euclidean norm; None turns
        clipping off.
    bptt_steps : int or None, default=None
        Truncated BPTT: each batch runs in chunks of ``bptt_steps`` steps; the
        state flows forward across chunks, gradients do not, and the weights
        are updated after every chunk holding a target. None: full BPTT.
"""

_ATTRIBUTES = """
    loss_ : float
        Loss of the last epoch (the average over its updates).
    loss_curve_ : list of float
        Loss at every epoch (L-BFGS: every iteration); it accumulates over
        ``warm_start`` fits and ``partial_fit`` calls.
    best_loss_ : float or None
        Lowest loss reached; None with ``early_stopping``.
    validation_scores_ : list of float or None
        Validation score at every epoch with ``early_stopping``, else None.
    best_validation_score_ : float or None
        Best validation score with ``early_stopping``, else None.
    n_iter_ : int
        Epochs (L-BFGS: iterations) run, over all fits and partial fits.
    t_ : int
        Training sequences seen by the stochastic solvers.
    n_features_in_ : int
        Features per time step (for 2-D input: its number of columns).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of the input, when it had string column names.
    n_layers_ : int
        Number of recurrent layers.
    n_outputs_ : int
        Units of the output layer.
    out_activation_ : str
        The output activation φ.
    layers_ : list of dict
        The weights of each recurrent layer, keyed by the cell's names; for
        ``"elman"``: ``"U"`` (n_inputs, n_units), ``"W"`` (n_units, n_units)
        and ``"b"`` (n_units,); for ``"gru"``: ``"U"`` (n_inputs,
        3 n_units), ``"W"`` (n_units, 3 n_units), ``"b"`` and ``"b_rec"``
        (3 n_units,); for ``"lstm"``: ``"U"`` (n_inputs, 4 n_units), ``"W"``
        (n_units, 4 n_units) and ``"b"`` (4 n_units,), gates stacked in the
        columns in the order of the Notes. Bidirectional layers add the
        backward direction's weights under the same names with the suffix
        ``"_reverse"``. They are views of the packed parameters.
    out_coef_ : ndarray of shape (hidden_layer_sizes[-1], n_outputs_)
        The output weights V (twice as many rows with ``bidirectional``:
        forward states first).
    out_intercept_ : ndarray of shape (n_outputs_,)
        The output intercept c.
"""

_NOTES = """
    The state-space (Elman) network is, with row vectors,

    .. math::

        h^{(1)}_t = \\psi(x_t U_1 + h^{(1)}_{t-1} W_1 + b_1), \\quad
        h^{(k)}_t = \\psi(h^{(k-1)}_t U_k + h^{(k)}_{t-1} W_k + b_k), \\quad
        \\hat y_t = \\phi(h^{(L)}_t V + c)

    with :math:`h_{-1} = 0`. Many-to-one reads :math:`\\hat y` at each
    sequence's own last step. Training minimises, per mini-batch,

    .. math::

        \\frac{\\sum_i w_i \\ell(\\hat y_i, y_i)
        + \\tfrac{\\alpha}{2} \\lVert \\text{weights} \\rVert^2}{\\sum_i w_i}

    over the targets of the batch, by backpropagation through time. Padding
    never changes a result: past its length a sequence's state is held and
    its targets carry no weight. Input weights start Glorot uniform,
    recurrent weights orthogonal, biases at zero. Training runs with one BLAS
    thread (the per-step products are tiny); the caller's setting is
    restored afterwards.

    With ``cell="gru"`` each layer is PyTorch's gated recurrent unit, gates
    in the order reset, update, candidate (``[r | z | n]`` in the columns of
    ``U``, ``W``, ``b`` and ``b_rec``, which are PyTorch's ``weight_ih.T``,
    ``weight_hh.T``, ``bias_ih`` and ``bias_hh``):

    .. math::

        r_t = \\sigma(x_t U_r + b_r + h_{t-1} W_r + b'_r), \\quad
        z_t = \\sigma(x_t U_z + b_z + h_{t-1} W_z + b'_z),

        n_t = \\psi(x_t U_n + b_n + r_t \\odot (h_{t-1} W_n + b'_n)), \\quad
        h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}.

    With ``cell="lstm"`` each layer is PyTorch's long short-term memory,
    gates in the order input, forget, candidate, output (``[i | f | g | o]``
    in the columns of ``U``, ``W`` and ``b``, which are PyTorch's
    ``weight_ih.T``, ``weight_hh.T`` and ``bias_ih + bias_hh``), and a state
    (h, c) with :math:`c_{-1} = 0`:

    .. math::

        i_t = \\sigma(x_t U_i + h_{t-1} W_i + b_i), \\quad
        f_t = \\sigma(x_t U_f + h_{t-1} W_f + b_f), \\quad
        g_t = \\psi(x_t U_g + h_{t-1} W_g + b_g),

        o_t = \\sigma(x_t U_o + h_{t-1} W_o + b_o), \\quad
        c_t = f_t \\odot c_{t-1} + i_t \\odot g_t, \\quad
        h_t = o_t \\odot \\psi(c_t).

    σ is the logistic function and ψ the ``activation`` (tanh, PyTorch's
    only choice, by default). Each gate's input block starts Glorot
    uniform, each recurrent block orthogonal; the biases start at zero but
    the LSTM's forget gate, at 1. Cells are not mixed across layers.

    With ``bidirectional=True`` every layer also runs backward in time, from
    each sequence's own last step, with its own weights, and its state is
    :math:`[h^{\\rightarrow}_t, h^{\\leftarrow}_t]`: the next layer and the
    output read both. Many-to-one reads the forward state at the last step
    and the backward state at the first.
"""


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
        + _PARAMETERS
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
        + _ATTRIBUTES
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
        + _NOTES
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
        cell="elman",
        activation="tanh",
        return_sequences=False,
        bidirectional=False,
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
            from zeros. Not available with ``bidirectional=True``.
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
        + _PARAMETERS
        + """    class_weight : dict, "balanced" or None, default=None
        Weight of each class, multiplying the sample weights; ``"balanced"``
        uses ``n_targets / (n_classes * bincount(y))`` over the labels given
        to ``fit`` (or to each ``partial_fit`` call).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels."""
        + _ATTRIBUTES
        + """
    See Also
    --------
    RNNRegressor : The same network with a linear output.
    sklearn.neural_network.MLPClassifier : The feed-forward network.

    Notes
    -----
    The loss is the cross-entropy of the softmax output (of the logistic
    output for two classes, with one output unit)."""
        + _NOTES
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
        cell="elman",
        activation="tanh",
        return_sequences=False,
        bidirectional=False,
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
        class_weight=None,
    ):
        super().__init__(
            hidden_layer_sizes,
            cell=cell,
            activation=activation,
            return_sequences=return_sequences,
            bidirectional=bidirectional,
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
            from zeros. Not available with ``bidirectional=True``.
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
