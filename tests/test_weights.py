"""Fitted regressors read as network weights: the layers compute ``predict``."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, Ridge, SGDRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVR, LinearSVR

from skrnn._nn._activations import ACTIVATIONS
from skrnn._series._weights import linear_layers, network_of, predict_from

RNG = np.random.default_rng(0)
Z = RNG.normal(loc=2.0, scale=3.0, size=(80, 4))
Y = np.c_[np.tanh(Z[:, 0]) + Z[:, 1] * Z[:, 2], Z[:, 3] - Z[:, 0]]


def forward(network, Z):
    """The network's output: the activation after every layer but the last."""
    weights, activation = network
    h = Z.copy()
    for k, (W, b) in enumerate(weights):
        h = h @ W + b
        if k < len(weights) - 1:
            ACTIVATIONS[activation](h)
    return h


class ShiftedRidge(Ridge):
    """A subclass whose predict is not a linear map of coef_."""

    def predict(self, X):
        return super().predict(X) + 1.0


def small_mlp(**kwargs):
    return MLPRegressor(hidden_layer_sizes=(8,), max_iter=50, random_state=0, **kwargs)


READABLE = {
    "linear": LinearRegression(),
    "ridge": Ridge(alpha=3.0),
    "sgd": SGDRegressor(random_state=0),
    "linear_svr": LinearSVR(random_state=0),
    "mlp_tanh": small_mlp(activation="tanh"),
    "mlp_relu_2_layers": MLPRegressor(
        hidden_layer_sizes=(8, 4), activation="relu", max_iter=50, random_state=0
    ),
    "mlp_logistic": small_mlp(activation="logistic"),
    "scaled_mlp": make_pipeline(
        StandardScaler(), StandardScaler(with_mean=False), small_mlp()
    ),
    "scaled_linear_with_passthrough": make_pipeline(
        StandardScaler(), "passthrough", LinearRegression()
    ),
}
ONE_OUTPUT = {"sgd", "linear_svr"}
CASES = [(name, False) for name in READABLE] + [
    (name, True) for name in READABLE if name not in ONE_OUTPUT
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name, two_outputs", CASES)
def test_the_layers_compute_predict(name, two_outputs):
    y = Y if two_outputs else Y[:, 0]
    model = READABLE[name].fit(Z, y)
    network = network_of(model)
    assert network is not None
    expected = model.predict(Z).reshape(len(Z), -1)
    np.testing.assert_allclose(forward(network, Z), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "model",
    [
        ShiftedRidge(),
        SVR(),
        make_pipeline(MinMaxScaler(), LinearRegression()),
        make_pipeline(StandardScaler(), SVR()),
    ],
    ids=["subclass", "svr", "other_scaler", "scaled_svr"],
)
def test_anything_else_is_not_read(model):
    assert network_of(model.fit(Z, Y[:, 0])) is None


def test_linear_layers_are_float_arrays_of_their_own():
    model = Ridge().fit(Z, Y)
    [(W, b)], activation = linear_layers(model)
    assert activation == "identity"
    assert W.shape == (4, 2) and b.shape == (2,)
    b[:] = 0.0
    assert (model.intercept_ != 0.0).all()


def test_predict_from_names_the_package_of_predict():
    assert predict_from(Ridge(), "sklearn.linear_model")
    assert not predict_from(ShiftedRidge(), "sklearn.linear_model")
    assert not predict_from(Ridge(), "sklearn.neural_network")
