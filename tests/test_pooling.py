"""Mean pooling of the many-to-one output: known answers and the gradient gate.

``pooling="mean"`` reads the mean of the top layer's states over each
sequence's real steps; its gradient is checked by central finite differences
for every cell, stacked and bidirectional layers, masked (unsorted) lengths
and each loss, and its forward pass against a hand-computed mean.
"""

import numpy as np
import pytest
from _gradcheck import make_batch, numerical_gradient
from numpy.testing import assert_allclose

from skrnn._nn._pooling import add_states, real_steps, spread
from skrnn._nn._stack import (
    bptt_chunks,
    hidden_states,
    init_params,
    loss_and_grad,
    make_layout,
    predict,
)

LENGTHS = [5, 2, 6, 1]  # ragged and unsorted


def _network(cell, hidden, bidirectional, n_outputs, seed=0, pad=None):
    rng = np.random.RandomState(seed)
    X, lengths = make_batch(rng, LENGTHS, 2, pad=pad)
    layout = make_layout(cell, 2, hidden, n_outputs, bidirectional)
    theta = init_params(layout, np.random.default_rng(seed))
    theta += rng.uniform(-0.1, 0.1, theta.shape)
    return theta, layout, X, lengths, rng


def _targets(rng, loss, n_outputs):
    N = len(LENGTHS)
    if loss == "squared_error":
        Y = rng.standard_normal((N, n_outputs))
    elif loss == "binary_log_loss":
        Y = (rng.uniform(size=(N, n_outputs)) > 0.5).astype(float)
    else:
        Y = np.eye(n_outputs)[rng.randint(n_outputs, size=N)]
    return Y, rng.uniform(0.5, 2.0, size=N)


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("hidden", [(3, 2)])
@pytest.mark.parametrize(
    "loss, n_outputs", [("squared_error", 2), ("binary_log_loss", 1), ("log_loss", 3)]
)
def test_mean_pooling_gradient_matches_finite_differences(
    cell, bidirectional, hidden, loss, n_outputs
):
    theta, layout, X, lengths, rng = _network(cell, hidden, bidirectional, n_outputs)
    Y, w = _targets(rng, loss, n_outputs)
    kw = dict(
        loss=loss,
        activation="tanh",
        return_sequences=False,
        alpha=1e-2,
        pooling="mean",
    )
    value, grad = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    last, _ = loss_and_grad(
        theta, layout, X, lengths, Y, w, **{**kw, "pooling": "last"}
    )
    assert np.isfinite(value) and value != pytest.approx(last)

    def f(t):
        return loss_and_grad(t, layout, X, lengths, Y, w, **kw)[0]

    assert_allclose(grad, numerical_gradient(f, theta), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_mean_pooling_reads_the_mean_of_the_real_states(cell, bidirectional):
    theta, layout, X, lengths, _ = _network(cell, (4, 3), bidirectional, 2)
    kw = dict(activation="tanh")
    H, _ = hidden_states(theta, layout, X, lengths, return_sequences=True, **kw)
    expected = np.stack([H[:n, i].mean(axis=0) for i, n in enumerate(lengths)])
    pooled, _ = hidden_states(
        theta, layout, X, lengths, return_sequences=False, pooling="mean", **kw
    )
    assert_allclose(pooled, expected, rtol=1e-12, atol=1e-14)
    Y = predict(
        theta,
        layout,
        X,
        lengths,
        return_sequences=False,
        out_activation="identity",
        pooling="mean",
        **kw,
    )
    V, c = theta[layout.output["coef"][0] : layout.output["coef"][1]], None
    V = V.reshape(layout.output["coef"][2])
    c = theta[layout.output["intercept"][0] : layout.output["intercept"][1]]
    assert_allclose(Y, expected @ V + c, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("pad", [0.0, None])
def test_mean_pooling_ignores_padding_and_blocks(pad):
    theta, layout, X, lengths, _ = _network("gru", (3,), False, 1, pad=pad)
    kw = dict(
        activation="tanh",
        return_sequences=False,
        out_activation="identity",
        pooling="mean",
    )
    whole = predict(theta, layout, X, lengths, **kw)
    longer = np.concatenate([X, np.full((3,) + X.shape[1:], 7.0)])
    assert_allclose(predict(theta, layout, longer, lengths, **kw), whole, atol=1e-13)
    assert_allclose(
        predict(theta, layout, X, lengths, block=2, **kw), whole, atol=1e-13
    )


def test_truncated_mean_pooling_sums_every_chunk_and_trains_the_last():
    """With bptt_steps the mean covers the whole sequence (the sum flows
    forward); the gradient of the chunk where a sequence ends is that of the
    loss with the earlier chunks' states held fixed."""
    theta, layout, X, lengths, rng = _network("elman", (3,), False, 1, seed=3)
    lengths = np.full(len(LENGTHS), 6)
    Y, w = _targets(rng, "squared_error", 1)
    kw = dict(
        loss="squared_error",
        activation="tanh",
        return_sequences=False,
        alpha=0.0,
        pooling="mean",
    )
    full, _ = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    grad = np.empty_like(theta)
    ((value, total),) = list(
        bptt_chunks(theta, layout, X, lengths, Y, w, bptt_steps=4, grad=grad, **kw)
    )
    assert value == pytest.approx(full) and total == pytest.approx(w.sum())

    H0, state = hidden_states(
        theta,
        layout,
        X[:4],
        np.full_like(lengths, 4),
        activation="tanh",
        return_sequences=True,
    )
    head = H0.sum(axis=0)  # the first chunk's states, held fixed

    def f(t):
        H, _ = hidden_states(
            t,
            layout,
            X[4:],
            lengths - 4,
            activation="tanh",
            return_sequences=True,
            state0=state,
        )
        mean = (head + H.sum(axis=0)) / 6
        V = t[slice(*layout.output["coef"][:2])].reshape(layout.output["coef"][2])
        b = t[slice(*layout.output["intercept"][:2])]
        return float((w * ((mean @ V + b - Y) ** 2).sum(axis=1)).sum() / 2 / w.sum())

    assert f(theta) == pytest.approx(value)
    assert_allclose(grad, numerical_gradient(f, theta), rtol=1e-5, atol=1e-7)


def test_pooling_helpers_known_answers():
    run = np.array([2, 0, 1])
    assert_allclose(real_steps(run, 2, float), [[1, 0, 1], [1, 0, 0]])
    H = np.arange(12.0).reshape(2, 3, 2)
    total = add_states(np.zeros((3, 2)), H, run)
    assert_allclose(total, [[6, 8], [0, 0], [4, 5]])
    d = spread(np.ones((3, 2)), np.array([4, 1, 2]), run, 2)
    assert_allclose(d[:, 0], 0.25)
    assert_allclose(d[:, 1], 0.0)
    assert_allclose(d[:, 2], [[0.5, 0.5], [0, 0]])


# --------------------------------------------------------------------------
# The estimators' parameter
# --------------------------------------------------------------------------

X_EST = np.random.default_rng(5).normal(size=(30, 9, 2))
Y_EST = np.where(X_EST[:, :, 0].mean(axis=1) > 0, "up", "down")


def test_default_cell_is_the_gru_and_the_output_reads_the_last_state():
    from skrnn import RNNClassifier, RNNRegressor

    for Estimator in (RNNClassifier, RNNRegressor):
        params = Estimator().get_params()
        assert (params["cell"], params["pooling"]) == ("gru", "last")


def test_estimator_with_mean_pooling_reads_the_mean_state():
    from skrnn import RNNClassifier

    clf = RNNClassifier(4, pooling="mean", max_iter=3, random_state=0)
    clf.fit(X_EST, Y_EST)
    steps, _ = hidden_states(
        clf._theta,
        clf._layout,
        X_EST.transpose(1, 0, 2),
        np.full(len(X_EST), 9),
        activation="tanh",
        return_sequences=True,
    )
    assert_allclose(clf.transform(X_EST), steps.mean(axis=0), rtol=1e-12, atol=1e-14)
    Z = clf.transform(X_EST) @ clf.out_coef_ + clf.out_intercept_
    assert_allclose(clf.predict_proba(X_EST)[:, 1], 1 / (1 + np.exp(-Z[:, 0])))
    last = RNNClassifier(4, max_iter=3, random_state=0).fit(X_EST, Y_EST)
    assert not np.allclose(last.predict_proba(X_EST), clf.predict_proba(X_EST))


def test_mean_pooling_refuses_to_stream_many_to_one():
    from skrnn import RNNRegressor

    reg = RNNRegressor(3, pooling="mean", max_iter=2, random_state=0)
    reg.fit(X_EST, X_EST[:, -1, 0])
    with pytest.raises(ValueError, match="pooling='mean' and return_sequences"):
        reg.predict(X_EST, return_state=True)
    with pytest.raises(ValueError, match="pooling='last' to stream"):
        reg.transform(X_EST, initial_state=[(np.zeros(3),)])
    # many-to-many reads every step: pooling plays no part and streaming works
    reg = RNNRegressor(3, pooling="mean", return_sequences=True, max_iter=2)
    reg.fit(X_EST, X_EST[:, :, 0])
    _, state = reg.predict(X_EST, return_state=True)
    assert state[0][0].shape == (30, 3)
