"""Fitted scikit-learn regressors read as the weights of a feed-forward network.

Pure functions, no estimators of our own. The NARX simulation
(:mod:`skrnn._series._simulate`) runs a network given by its layers
``[(W, b), ...]`` (``W`` of shape ``(n_in, n_out)``, first layer first) and an
activation applied after every layer but the last. This module turns a fitted
regressor into that form when its ``predict`` is exactly such a network:

- a linear model (:class:`~sklearn.linear_model.LinearRegression`,
  :class:`~sklearn.linear_model.Ridge`, :class:`~sklearn.linear_model.SGDRegressor`
  ...): one layer, ``"identity"``;
- an :class:`~sklearn.neural_network.MLPRegressor` with an identity output;
- a :class:`~sklearn.pipeline.Pipeline` of
  :class:`~sklearn.preprocessing.StandardScaler` steps and one of these: the
  scaling is folded into the first layer.

Only scikit-learn's own ``predict`` qualifies: a subclass that changes
``predict`` is not read (:func:`network_of` returns None) and the simulation
calls its ``predict``.
"""

import numpy as np
from sklearn.base import is_regressor
from sklearn.linear_model import SGDRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from .._data._sklearn_compat import LinearModel
from .._nn._activations import ACTIVATIONS
from ._default import LinearPlusNetwork

__all__ = [
    "predict_from",
    "linear_layers",
    "mlp_layers",
    "network_of",
    "simulation_network",
]


def predict_from(estimator, package):
    """Whether ``estimator.predict`` is scikit-learn's own, from ``package``.

    Parameters
    ----------
    estimator : object
        Any estimator.
    package : str
        A module prefix, e.g. ``"sklearn.linear_model"``.

    Returns
    -------
    own : bool
        True when the class's ``predict`` is defined in ``package``.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from skrnn._series._weights import predict_from
    >>> predict_from(Ridge(), "sklearn.linear_model")
    True
    """
    return getattr(type(estimator).predict, "__module__", "").startswith(package)


def linear_layers(est):
    """The one layer of a fitted linear model.

    Parameters
    ----------
    est : fitted linear regressor
        Has ``coef_`` of shape ``(n_features,)`` or ``(n_outputs, n_features)``
        and ``intercept_`` (a scalar or one per output).

    Returns
    -------
    weights : list of one (W, b)
        ``W`` of shape ``(n_features, n_outputs)``, ``b`` of shape
        ``(n_outputs,)``, both float64 arrays of their own.
    activation : str
        ``"identity"``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skrnn._series._weights import linear_layers
    >>> est = LinearRegression().fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
    >>> [(W, b)], activation = linear_layers(est)
    >>> W.shape, b.round(6), activation
    ((1, 1), array([1.]), 'identity')
    """
    coef = np.asarray(est.coef_, dtype=np.float64)
    W = coef.reshape(-1, coef.shape[-1]).T
    b = np.broadcast_to(np.asarray(est.intercept_, dtype=np.float64), W.shape[1:])
    return [(W, b.copy())], "identity"


def mlp_layers(est):
    """The layers of a fitted :class:`~sklearn.neural_network.MLPRegressor`.

    Parameters
    ----------
    est : fitted MLPRegressor
        Its ``coefs_`` and ``intercepts_`` are read.

    Returns
    -------
    weights : list of (W, b)
        One pair per layer, first layer first, as float64 arrays.
    activation : str
        The hidden activation, ``est.activation``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neural_network import MLPRegressor
    >>> from skrnn._series._weights import mlp_layers
    >>> est = MLPRegressor(hidden_layer_sizes=(4,), activation="tanh")
    >>> est.coefs_ = [np.ones((3, 4)), np.ones((4, 1))]
    >>> est.intercepts_ = [np.zeros(4), np.zeros(1)]
    >>> weights, activation = mlp_layers(est)
    >>> [W.shape for W, _ in weights], activation
    ([(3, 4), (4, 1)], 'tanh')
    """
    weights = [
        (np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64))
        for W, b in zip(est.coefs_, est.intercepts_, strict=True)
    ]
    return weights, est.activation


def network_of(est):
    """``(weights, activation)`` of a linear model, an MLP or a scaled one.

    Parameters
    ----------
    est : fitted regressor
        Any fitted regressor.

    Returns
    -------
    network : tuple of (list of (W, b), str) or None
        The layers and hidden activation of the network ``est.predict``
        computes (the output layer is linear); None when ``est`` is anything
        else, or a subclass whose ``predict`` is not scikit-learn's.

    Notes
    -----
    A :class:`~sklearn.preprocessing.StandardScaler` step maps z to
    ``z' = (z - mean) / scale``, so the first layer ``z' W1 + b1`` becomes
    ``z (W1 / scale) + (b1 - (mean / scale) W1)``; the steps are folded in
    from the last to the first.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skrnn._series._weights import network_of
    >>> rng = np.random.default_rng(0)
    >>> Z, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    >>> model = make_pipeline(StandardScaler(), LinearRegression()).fit(Z, y)
    >>> [(W, b)], activation = network_of(model)
    >>> bool(np.allclose(Z @ W + b, model.predict(Z)[:, None])), activation
    (True, 'identity')
    """
    if isinstance(est, Pipeline) and predict_from(est, "sklearn.pipeline"):
        network = network_of(est.steps[-1][1])
        if network is None:
            return None
        (W1, b1), *rest = network[0]
        for _, step in reversed(est.steps[:-1]):  # z' = (z - mean) / scale
            if step is None or step == "passthrough":
                continue
            if type(step) is not StandardScaler:
                return None
            mean = 0.0 if step.mean_ is None else step.mean_
            scale = 1.0 if step.scale_ is None else step.scale_
            b1 = b1 - (mean / scale) @ W1
            W1 = W1 / np.reshape(scale, (-1, 1))
        return [(W1, b1), *rest], network[1]
    if isinstance(est, (LinearModel, SGDRegressor)) and is_regressor(est):
        # LinearSVR inherits LinearModel.predict
        if predict_from(est, "sklearn.linear_model"):
            return linear_layers(est)
        return None
    if (
        isinstance(est, MLPRegressor)
        and predict_from(est, "sklearn.neural_network")
        and est.out_activation_ == "identity"
        and est.activation in ACTIVATIONS
    ):
        return mlp_layers(est)
    return None


def simulation_network(est):
    """``(weights, activation, skip)`` of the network a fast free run evaluates.

    The networks of :func:`network_of` (``skip`` None), and skrnn's default
    :class:`~skrnn._series._default.LinearPlusNetwork`, whose linear part is
    the skip matrix beside its hidden layer.

    Parameters
    ----------
    est : fitted regressor
        Any fitted regressor.

    Returns
    -------
    network : tuple of (list of (W, b), str, ndarray or None) or None
        None when ``est.predict`` is not such a network.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from skrnn._series._weights import simulation_network
    >>> model = Ridge().fit(np.eye(3), [1.0, 2.0, 3.0])
    >>> weights, activation, skip = simulation_network(model)
    >>> len(weights), activation, skip
    (1, 'identity', None)
    """
    if isinstance(est, LinearPlusNetwork) and type(est).predict is (
        LinearPlusNetwork.predict
    ):
        return est.layers()
    network = network_of(est)
    return None if network is None else (*network, None)
