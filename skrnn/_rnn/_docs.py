"""Docstring sections shared by RNNRegressor and RNNClassifier.

Both estimators document the same parameters, fitted attributes and
equations; each assembles its ``__doc__`` from these pieces and its own.
"""

__all__ = ["PARAMETERS", "CLASSIFIER_PARAMETERS", "ATTRIBUTES", "NOTES"]

PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(32,)
        Units of each recurrent layer; the states of layer k are the inputs
        of layer k + 1.
    cell : {"elman", "gru", "lstm"}, default="gru"
        The recurrent cell: the gated recurrent unit, the simple state-space
        (Elman) cell or the long short-term memory (equations in the Notes).
        Every layer uses the same cell. The GRU is the default because it
        learns on real sequences where the Elman cell does not (the user
        guide's benchmark); ``cell="elman"`` is skrnn's original model.
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
    pooling : {"last", "mean", "max"}, default={pooling}
        What a many-to-one output reads: the top layer's state at each
        sequence's own last step (``"last"``), or the mean (``"mean"``) or
        unit-wise maximum (``"max"``) of its states over the sequence's real
        steps, padding never counted. Ignored with ``return_sequences=True``.
        With ``"mean"`` or ``"max"`` the state of a streamed many-to-one
        prediction (``initial_state``, ``return_state``) ends with the pool.
        {pooling_why}
    solver : {"adam", "sgd", "lbfgs"}, default="adam"
        The optimizer. ``"lbfgs"`` works on the whole batch with full BPTT.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or "auto", default={batch_size}
        Sequences per mini-batch; ``"auto"`` is ``min(200, n_sequences)``.
        {batch_why}
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

_REGRESSOR = {
    "pooling": '"last"',
    "pooling_why": (
        "The regressor reads the last state: a target is often where the\n"
        "        sequence ends (the next value, the current level)."
    ),
    "batch_size": '"auto"',
    "batch_why": "As in ``MLPRegressor``.",
}

_CLASSIFIER = {
    "pooling": '"max"',
    "pooling_why": (
        "The classifier reads the maximum: a class is often a shape\n"
        "        anywhere in the sequence (the user guide's benchmark)."
    ),
    "batch_size": "8",
    "batch_why": (
        "The classifier's 8 gives a small training set (tens of\n"
        "        sequences) several updates per epoch (the user guide's benchmark)."
    ),
}


def _fill(template, values):
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


CLASSIFIER_PARAMETERS = _fill(PARAMETERS, _CLASSIFIER)
PARAMETERS = _fill(PARAMETERS, _REGRESSOR)

ATTRIBUTES = """
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

NOTES = """
    The state-space (Elman) network is, with row vectors,

    .. math::

        h^{(1)}_t = \\psi(x_t U_1 + h^{(1)}_{t-1} W_1 + b_1), \\quad
        h^{(k)}_t = \\psi(h^{(k-1)}_t U_k + h^{(k)}_{t-1} W_k + b_k), \\quad
        \\hat y_t = \\phi(h^{(L)}_t V + c)

    with :math:`h_{-1} = 0`. Many-to-one reads :math:`\\hat y` at each
    sequence's own last step (with ``pooling="mean"`` or ``"max"``, from the
    mean or unit-wise maximum of :math:`h^{(L)}_t` over the sequence's real
    steps). Training minimises,
    per mini-batch,

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
