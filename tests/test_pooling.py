"""Pooling of the many-to-one output: known answers and the gradient gate.

``pooling="mean"`` (``"max"``) reads the mean (unit-wise maximum) of the top
layer's states over each sequence's real steps; its gradient is checked by
central finite differences for every cell, stacked and bidirectional layers,
masked (unsorted) lengths and each loss, and its forward pass against a
hand-computed mean or maximum.
"""

import numpy as np
import pytest
from _gradcheck import make_batch, numerical_gradient
from numpy.testing import assert_allclose

from skrnn._nn._pooling import MaxPool, MeanPool, real_steps
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


REDUCE = {"mean": np.mean, "max": np.max}


@pytest.mark.parametrize("pooling", ["mean", "max"])
@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("hidden", [(3, 2)])
@pytest.mark.parametrize(
    "loss, n_outputs", [("squared_error", 2), ("binary_log_loss", 1), ("log_loss", 3)]
)
def test_pooling_gradient_matches_finite_differences(
    pooling, cell, bidirectional, hidden, loss, n_outputs
):
    theta, layout, X, lengths, rng = _network(cell, hidden, bidirectional, n_outputs)
    Y, w = _targets(rng, loss, n_outputs)
    kw = dict(
        loss=loss,
        activation="tanh",
        return_sequences=False,
        alpha=1e-2,
        pooling=pooling,
    )
    value, grad = loss_and_grad(theta, layout, X, lengths, Y, w, **kw)
    last, _ = loss_and_grad(
        theta, layout, X, lengths, Y, w, **{**kw, "pooling": "last"}
    )
    assert np.isfinite(value) and value != pytest.approx(last)

    def f(t):
        return loss_and_grad(t, layout, X, lengths, Y, w, **kw)[0]

    assert_allclose(grad, numerical_gradient(f, theta), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("pooling", ["mean", "max"])
@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_pooling_reads_the_mean_or_max_of_the_real_states(pooling, cell, bidirectional):
    theta, layout, X, lengths, _ = _network(cell, (4, 3), bidirectional, 2)
    kw = dict(activation="tanh")
    H, _ = hidden_states(theta, layout, X, lengths, return_sequences=True, **kw)
    reduce = REDUCE[pooling]
    expected = np.stack([reduce(H[:n, i], axis=0) for i, n in enumerate(lengths)])
    pooled, _ = hidden_states(
        theta, layout, X, lengths, return_sequences=False, pooling=pooling, **kw
    )
    assert_allclose(pooled, expected, rtol=1e-12, atol=1e-14)
    Y = predict(
        theta,
        layout,
        X,
        lengths,
        return_sequences=False,
        out_activation="identity",
        pooling=pooling,
        **kw,
    )
    V, c = theta[layout.output["coef"][0] : layout.output["coef"][1]], None
    V = V.reshape(layout.output["coef"][2])
    c = theta[layout.output["intercept"][0] : layout.output["intercept"][1]]
    assert_allclose(Y, expected @ V + c, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("pooling", ["mean", "max"])
@pytest.mark.parametrize("pad", [0.0, None])
def test_pooling_ignores_padding_and_blocks(pooling, pad):
    theta, layout, X, lengths, _ = _network("gru", (3,), False, 1, pad=pad)
    kw = dict(
        activation="tanh",
        return_sequences=False,
        out_activation="identity",
        pooling=pooling,
    )
    whole = predict(theta, layout, X, lengths, **kw)
    longer = np.concatenate([X, np.full((3,) + X.shape[1:], 7.0)])
    assert_allclose(predict(theta, layout, longer, lengths, **kw), whole, atol=1e-13)
    assert_allclose(
        predict(theta, layout, X, lengths, block=2, **kw), whole, atol=1e-13
    )


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_truncated_pooling_covers_every_chunk_and_trains_the_last(pooling):
    """With bptt_steps the pool covers the whole sequence (the sum or max
    flows forward); the gradient of the chunk where a sequence ends is that
    of the loss with the earlier chunks' states held fixed."""
    theta, layout, X, lengths, rng = _network("elman", (3,), False, 1, seed=3)
    lengths = np.full(len(LENGTHS), 6)
    Y, w = _targets(rng, "squared_error", 1)
    kw = dict(
        loss="squared_error",
        activation="tanh",
        return_sequences=False,
        alpha=0.0,
        pooling=pooling,
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
    # the first chunk's states, held fixed
    head = H0.sum(axis=0) if pooling == "mean" else H0.max(axis=0)

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
        if pooling == "mean":
            pooled = (head + H.sum(axis=0)) / 6
        else:
            pooled = np.maximum(head, H.max(axis=0))
        V = t[slice(*layout.output["coef"][:2])].reshape(layout.output["coef"][2])
        b = t[slice(*layout.output["intercept"][:2])]
        return float((w * ((pooled @ V + b - Y) ** 2).sum(axis=1)).sum() / 2 / w.sum())

    assert f(theta) == pytest.approx(value)
    assert_allclose(grad, numerical_gradient(f, theta), rtol=1e-5, atol=1e-7)


def test_pooling_helpers_known_answers():
    run = np.array([2, 0, 1])
    assert_allclose(real_steps(run, 2, float), [[1, 0, 1], [1, 0, 0]])
    H = np.arange(12.0).reshape(2, 3, 2)
    mean = MeanPool(np.array([4, 1, 2]), 2, float).add(H, run, 0)
    assert_allclose(mean.total, [[6, 8], [0, 0], [4, 5]])
    d = mean.spread(np.ones((3, 2)), run, 0, 2)
    assert_allclose(d[:, 0], 0.25)
    assert_allclose(d[:, 1], 0.0)
    assert_allclose(d[:, 2], [[0.5, 0.5], [0, 0]])


def test_max_pool_keeps_the_first_maximum_across_chunks():
    # one sequence of 5 steps, two units, in chunks of 2, 2 and 1 steps
    H = np.array([[1.0, 0.0], [4.0, 2.0], [4.0, 2.0], [0.0, 5.0], [-1.0, 9.0]])
    pool = MaxPool(np.array([4]), 2, float)
    for t0 in (0, 2, 4):
        chunk = H[t0 : t0 + 2, None, :]
        pool.add(chunk, np.array([min(2, max(0, 4 - t0))]), t0)
    assert_allclose(pool.value(), [[4.0, 5.0]])  # step 4 is padding: not counted
    assert_allclose(pool.where, [[1, 3]])  # ties keep the earlier step
    d = np.array([[10.0, 20.0]])
    assert_allclose(pool.spread(d, np.array([2]), 0, 2)[:, 0], [[0, 0], [10, 0]])
    assert_allclose(pool.spread(d, np.array([2]), 2, 2)[:, 0], [[0, 0], [0, 20]])


# --------------------------------------------------------------------------
# The estimators' parameter
# --------------------------------------------------------------------------

X_EST = np.random.default_rng(5).normal(size=(30, 9, 2))
Y_EST = np.where(X_EST[:, :, 0].mean(axis=1) > 0, "up", "down")


def test_defaults_the_classifier_reads_the_max_the_regressor_the_last_state():
    from skrnn import RNNClassifier, RNNRegressor

    params = RNNClassifier().get_params()
    assert (params["cell"], params["pooling"], params["batch_size"]) == (
        "gru",
        "max",
        8,
    )
    params = RNNRegressor().get_params()
    assert (params["cell"], params["pooling"], params["batch_size"]) == (
        "gru",
        "last",
        "auto",
    )


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_estimator_with_pooling_reads_the_pooled_state(pooling):
    from skrnn import RNNClassifier

    clf = RNNClassifier(4, pooling=pooling, max_iter=3, random_state=0)
    clf.fit(X_EST, Y_EST)
    steps, _ = hidden_states(
        clf._theta,
        clf._layout,
        X_EST.transpose(1, 0, 2),
        np.full(len(X_EST), 9),
        activation="tanh",
        return_sequences=True,
    )
    pooled = REDUCE[pooling](steps, axis=0)
    assert_allclose(clf.transform(X_EST), pooled, rtol=1e-12, atol=1e-14)
    Z = clf.transform(X_EST) @ clf.out_coef_ + clf.out_intercept_
    assert_allclose(clf.predict_proba(X_EST)[:, 1], 1 / (1 + np.exp(-Z[:, 0])))
    last = RNNClassifier(4, pooling="last", max_iter=3, random_state=0)
    last.fit(X_EST, Y_EST)
    assert not np.allclose(last.predict_proba(X_EST), clf.predict_proba(X_EST))


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_pooled_output_streams_as_the_whole_sequence(pooling, cell):
    """The state carries the pool: chunks give the answer of the whole."""
    from skrnn import RNNClassifier, RNNRegressor

    X = X_EST
    reg = RNNRegressor((4, 3), cell=cell, pooling=pooling, max_iter=2)
    reg.set_params(random_state=0).fit(X, X[:, -1, 0])
    clf = RNNClassifier(4, cell=cell, pooling=pooling, max_iter=2, random_state=0)
    clf.fit(X, Y_EST)
    for est, method in ((reg, "predict"), (clf, "predict_proba"), (reg, "transform")):
        whole = getattr(est, method)(X)
        first, state = getattr(est, method)(X[:, :4], return_state=True)
        assert len(state) == len(est._layout.widths) + 1  # the layers, the pool
        assert len(state[-1]) == (1 if pooling == "max" else 2)
        _, state2 = getattr(est, method)(
            X[:, 4:6], initial_state=state, return_state=True
        )
        third = getattr(est, method)(X[:, 6:], initial_state=state2)
        assert_allclose(third, whole, rtol=1e-10, atol=1e-12)
        assert not np.allclose(first, whole)
    # the pool holds what it says
    _, state = reg.predict(X, return_state=True)
    steps, _ = hidden_states(
        reg._theta,
        reg._layout,
        X.transpose(1, 0, 2),
        np.full(len(X), 9),
        activation="tanh",
        return_sequences=True,
    )
    if pooling == "max":
        assert_allclose(state[-1][0], steps.max(axis=0), rtol=1e-12)
    else:
        assert_allclose(state[-1][0], steps.sum(axis=0), rtol=1e-12)
        assert_allclose(state[-1][1], 9.0)
    # the layers' states alone start the pool empty: it reads the new steps only
    later, _ = hidden_states(
        reg._theta,
        reg._layout,
        X[:, 4:].transpose(1, 0, 2),
        np.full(len(X), 5),
        activation="tanh",
        return_sequences=True,
        state0=state[:-1],
    )
    assert_allclose(
        reg.transform(X[:, 4:], initial_state=state[:-1]),
        REDUCE[pooling](later, axis=0),
        rtol=1e-12,
        atol=1e-14,
    )


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_pooled_state_is_validated(pooling):
    from skrnn import RNNRegressor

    reg = RNNRegressor(3, pooling=pooling, max_iter=2, random_state=0)
    reg.fit(X_EST, X_EST[:, -1, 0])
    _, state = reg.predict(X_EST, return_state=True)
    with pytest.raises(ValueError, match="then its pool"):
        reg.predict(X_EST, initial_state=state + [state[-1]])
    bad = (np.full((30, 3), np.nan),) + state[-1][1:]
    with pytest.raises(ValueError, match=r"initial_state\[-1\] \((max|sum)\) contains"):
        reg.predict(X_EST, initial_state=state[:-1] + [bad])
    with pytest.raises(ValueError, match=r"expected \(30, 3\)"):
        reg.predict(
            X_EST, initial_state=state[:-1] + [(np.zeros((30, 2)),) + state[-1][1:]]
        )
    with pytest.raises(ValueError, match="pool of pooling"):
        reg.predict(X_EST, initial_state=state[:-1] + [np.zeros((30, 3))])
    if pooling == "mean":
        with pytest.raises(ValueError, match="cannot be negative"):
            reg.predict(
                X_EST, initial_state=state[:-1] + [(state[-1][0], -state[-1][1])]
            )


def test_many_to_many_state_has_no_pool():
    from skrnn import RNNRegressor

    # many-to-many reads every step: pooling plays no part, the state is the layers'
    reg = RNNRegressor(3, pooling="max", return_sequences=True, max_iter=2)
    reg.fit(X_EST, X_EST[:, :, 0])
    _, state = reg.predict(X_EST, return_state=True)
    assert len(state) == 1 and state[0][0].shape == (30, 3)
