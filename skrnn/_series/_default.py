"""The default network of the series models: a linear model plus a network.

``FIRRegressor()`` and ``NARXRegressor()`` (``estimator=None``) fit

    f(z) = z A + c + g(z),

the least-squares linear model of the same regressors ``z`` (the lags) and
a small tanh network ``g`` trained on what the linear model leaves. On data
a linear FIR/ARX model explains, ``g`` has nothing to learn; where the
system is nonlinear it learns the rest. The series models scale ``z`` and
the target before they reach it (:mod:`skrnn._series._scaling`), so the
network always sees standardised numbers.
"""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import LinearRegression
from sklearn.neural_network import MLPRegressor
from sklearn.utils.validation import check_is_fitted

__all__ = ["LinearPlusNetwork", "default_regressor", "NETWORK_MARGIN"]

#: The default network keeps its network part only if, on held-out rows,
#: its error is below this fraction of the linear model's: a network fitted
#: one step ahead varies a lot from seed to seed (in a free run above all),
#: and one that wins only a little on held-out rows loses as often as it
#: wins on new data (docs/user_guide/models.rst has the figures).
NETWORK_MARGIN = 0.5


class LinearPlusNetwork(RegressorMixin, BaseEstimator):
    """A least-squares linear model plus an MLP fitted to its residual.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(32,)
        The hidden layers of the network ``g``.
    learning_rate_init : float, default=0.01
        Adam's step size for ``g``.
    early_stopping : bool, default=False
        Train ``g`` with early stopping on a tenth of the rows.
    max_iter : int, default=200
        Epochs of ``g``.
    random_state : int, RandomState instance or None, default=None
        Seeds ``g``.

    Attributes
    ----------
    linear_ : LinearRegression
        The linear part ``z A + c``.
    network_ : MLPRegressor or None
        The nonlinear part ``g``, trained on the residual of ``linear_``;
        None once :meth:`drop_network` found it does not help.

    Examples
    --------
    >>> import numpy as np
    >>> from skrnn._series._default import LinearPlusNetwork
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.normal(size=(500, 2))
    >>> y = Z @ [1.0, -2.0] + np.tanh(3 * Z[:, 0])
    >>> model = LinearPlusNetwork(random_state=0, max_iter=500).fit(Z, y)
    >>> linear = model.linear_.score(Z, y)
    >>> bool(model.score(Z, y) > 0.99 > linear)
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(32,),
        *,
        learning_rate_init=0.01,
        early_stopping=False,
        max_iter=200,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.learning_rate_init = learning_rate_init
        self.early_stopping = early_stopping
        self.max_iter = max_iter
        self.random_state = random_state

    def fit(self, Z, y):
        """Fit the linear part by least squares, then the network to the rest.

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_features)
            The regressors.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target.

        Returns
        -------
        self : LinearPlusNetwork
            The fitted model.
        """
        self.linear_ = LinearRegression().fit(Z, y)
        residual = np.asarray(y, dtype=np.float64) - self.linear_.predict(Z)
        self.network_ = MLPRegressor(
            hidden_layer_sizes=self.hidden_layer_sizes,
            activation="tanh",
            learning_rate_init=self.learning_rate_init,
            early_stopping=self.early_stopping,
            max_iter=self.max_iter,
            random_state=self.random_state,
        ).fit(Z, residual)
        self.n_features_in_ = self.linear_.n_features_in_
        return self

    def predict(self, Z):
        """``z A + c + g(z)``.

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_features)
            The regressors.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions.
        """
        check_is_fitted(self, "linear_")
        y = self.linear_.predict(Z)
        if self.network_ is not None:
            y = y + self.network_.predict(Z).reshape(y.shape)
        return y

    def drop_network(self):
        """Keep the linear part alone (the network did not help)."""
        self.network_ = None
        return self

    def refit(self, Z, y):
        """Fit again on other rows, keeping the choice of :meth:`drop_network`.

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_features)
            The regressors.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target.

        Returns
        -------
        self : LinearPlusNetwork
            The fitted model.
        """
        if self.network_ is not None:
            return self.fit(Z, y)
        self.linear_ = LinearRegression().fit(Z, y)
        return self

    def layers(self):
        """``(weights, activation, skip)`` of the network this model computes.

        With the network: its layers, its output bias plus ``c``, and the
        skip matrix ``A``; without it: the linear model as one layer.
        """
        coef = np.asarray(self.linear_.coef_, dtype=np.float64)
        A = coef.reshape(-1, coef.shape[-1]).T
        c = np.broadcast_to(np.asarray(self.linear_.intercept_, float), A.shape[1:])
        if self.network_ is None:
            return [(A, c.copy())], "identity", None
        net = self.network_
        weights = [
            (np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64))
            for W, b in zip(net.coefs_, net.intercepts_, strict=True)
        ]
        W_out, b_out = weights[-1]
        weights[-1] = (W_out, b_out + c)
        return weights, "tanh", A

    def set_layers(self, weights, skip):
        """Write trained ``(weights, skip)`` back (the inverse of :meth:`layers`)."""
        coef_shape = np.shape(self.linear_.coef_)
        intercept_shape = np.shape(self.linear_.intercept_)
        if self.network_ is None:  # the linear model alone: one layer
            (A, c), *_ = weights
            self.linear_.coef_ = A.T.reshape(coef_shape).copy()
            self.linear_.intercept_ = np.reshape(c, intercept_shape).copy()
            return self
        # the constant lives in the network's output bias
        self.linear_.coef_ = skip.T.reshape(coef_shape).copy()
        self.linear_.intercept_ = np.zeros(intercept_shape)
        self.network_.coefs_ = [W.copy() for W, _ in weights]
        self.network_.intercepts_ = [b.copy() for _, b in weights]
        return self


def default_regressor(random_state=None, n_samples=None):
    """The network used when ``estimator=None``: :class:`LinearPlusNetwork`.

    One hidden layer of 32 tanh units trained by Adam with a learning rate
    of 0.01 and, given at least 1,000 training rows, early stopping on 10%
    of them. With fewer rows the held-out tenth is too small to judge by,
    and stopping early leaves the network undertrained, so it runs its 200
    epochs.
    """
    return LinearPlusNetwork(
        hidden_layer_sizes=(32,),
        learning_rate_init=0.01,
        early_stopping=n_samples is not None and n_samples >= 1000,
        max_iter=200,
        random_state=random_state,
    )
