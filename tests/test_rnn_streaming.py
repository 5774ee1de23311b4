"""The hidden state as a feature (transform) and streaming prediction."""

import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks

from skrnn import RNNClassifier, RNNRegressor

RNG = np.random.default_rng(0)
X_LONG = RNG.normal(size=(3, 60, 2))  # 3 sequences of 60 steps
Y_LONG = np.cumsum(X_LONG[..., 0], axis=1) / 8
X_SHORT = RNG.normal(size=(40, 12, 2))
Y_SHORT = X_SHORT[..., 0].mean(axis=1)
RAGGED = [RNG.normal(size=(n, 2)) for n in (60, 41, 25)]


def _fit(estimator, X, y):
    """A few epochs: streaming is exact for any weights."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@cache
def _model(
    cell,
    hidden,
    return_sequences,
    bptt_steps=None,
    bidirectional=False,
    scale_y=True,
):
    est = RNNRegressor(
        hidden,
        cell=cell,
        return_sequences=return_sequences,
        bptt_steps=bptt_steps,
        bidirectional=bidirectional,
        max_iter=2,
        random_state=0,
        scale_y=scale_y,
    )
    X, y = (X_LONG, Y_LONG) if return_sequences else (X_SHORT, Y_SHORT)
    return _fit(est, X, y)


def _elman_states(x, layer, h0=None, suffix=""):
    """Hand-written Elman recurrence h_t = tanh(x_t U + h_{t-1} W + b)."""
    U, W, b = (layer[name + suffix] for name in ("U", "W", "b"))
    h = np.zeros(W.shape[0]) if h0 is None else h0
    states = []
    for x_t in x:
        h = np.tanh(x_t @ U + h @ W + b)
        states.append(h)
    return np.array(states)


def _chunks(n_steps, bounds=(17, 42)):
    edges = (0, *bounds, n_steps)
    return list(zip(edges[:-1], edges[1:], strict=True))


# --------------------------------------------------------------------------
# transform: known answers
# --------------------------------------------------------------------------


@pytest.mark.parametrize("hidden", [(3,), (3, 2)])
def test_transform_is_the_hand_computed_elman_state(hidden):
    X = [RNG.normal(size=(5, 2)), RNG.normal(size=(3, 2))]
    # scale_y=False: the output layer's arithmetic on the raw target
    reg = RNNRegressor(hidden, cell="elman", max_iter=3, random_state=0, scale_y=False)
    reg = _fit(reg, X, [0.5, -1.0])
    features = reg.transform(X)
    assert features.shape == (2, hidden[-1])
    for i, x in enumerate(X):
        h = x
        for layer in reg.layers_:
            h = _elman_states(h, layer)
        # the state at the sequence's own last step, not at the padded end
        assert_allclose(features[i], h[-1], rtol=0, atol=1e-13)
    # it is what the (linear) output layer reads
    assert_allclose(
        reg.predict(X), features @ reg.out_coef_[:, 0] + reg.out_intercept_[0]
    )


def test_transform_per_step_and_from_an_initial_state():
    X = [RNG.normal(size=(5, 2)), RNG.normal(size=(3, 2))]
    y = [RNG.normal(size=5), RNG.normal(size=3)]
    reg = RNNRegressor(
        3, cell="elman", return_sequences=True, max_iter=3, random_state=0
    )
    reg = _fit(reg, X, y)
    h0 = RNG.normal(size=(2, 3))
    steps, state = reg.transform(X, initial_state=[(h0,)], return_state=True)
    assert [s.shape for s in steps] == [(5, 3), (3, 3)]
    for i, x in enumerate(X):
        expected = _elman_states(x, reg.layers_[0], h0=h0[i])
        assert_allclose(steps[i], expected, rtol=0, atol=1e-13)
        assert_allclose(state[0][0][i], expected[-1], rtol=0, atol=1e-13)


def test_transform_bidirectional_reads_forward_last_and_backward_first():
    X = [RNG.normal(size=(6, 2)), RNG.normal(size=(4, 2))]
    # scale_y=False: the output layer's arithmetic on the raw target
    reg = RNNRegressor(
        3,
        cell="elman",
        bidirectional=True,
        max_iter=3,
        random_state=0,
        scale_y=False,
    )
    reg = _fit(reg, X, [1.0, 0.0])
    features = reg.transform(X)
    assert features.shape == (2, 6)
    layer = reg.layers_[0]
    for i, x in enumerate(X):
        forward = _elman_states(x, layer)
        backward = _elman_states(x[::-1], layer, suffix="_reverse")[::-1]
        expected = np.concatenate([forward[-1], backward[0]])
        assert_allclose(features[i], expected, rtol=0, atol=1e-13)
    assert_allclose(
        reg.predict(X), features @ reg.out_coef_[:, 0] + reg.out_intercept_[0]
    )
    names = reg.get_feature_names_out()
    assert list(names) == [f"rnnregressor{k}" for k in range(6)]


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_transform_is_what_the_output_layer_reads(
    cell, return_sequences, bidirectional
):
    # scale_y=False: the output layer's arithmetic on the raw target
    reg = _model(
        cell, (4, 3), return_sequences, bidirectional=bidirectional, scale_y=False
    )
    X = X_LONG if return_sequences else X_SHORT
    features = reg.transform(X)
    width = 3 * (1 + bidirectional)
    expected_shape = X.shape[:2] + (width,) if return_sequences else (len(X), width)
    assert features.shape == expected_shape
    linear = features @ reg.out_coef_[:, 0] + reg.out_intercept_[0]
    assert_allclose(reg.predict(X), linear, rtol=1e-12, atol=1e-12)


def test_classifier_transform_feeds_its_softmax():
    y = np.array(["a", "b", "c", "a"] * 10)
    clf = _fit(RNNClassifier(5, cell="lstm", max_iter=3, random_state=0), X_SHORT, y)
    features = clf.transform(X_SHORT)
    Z = features @ clf.out_coef_ + clf.out_intercept_
    softmax = np.exp(Z - Z.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    assert_allclose(clf.predict_proba(X_SHORT), softmax, rtol=1e-12, atol=1e-14)
    assert clf.get_feature_names_out()[0] == "rnnclassifier0"


def test_transform_keeps_float32():
    X32 = X_SHORT.astype(np.float32)
    reg = _fit(RNNRegressor(4, max_iter=2, random_state=0), X32, Y_SHORT)
    assert reg.transform(X32).dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert reg.fit_transform(X32, Y_SHORT).dtype == np.float32


# --------------------------------------------------------------------------
# A scikit-learn head on the states
# --------------------------------------------------------------------------


def test_pipeline_trains_the_network_on_y_and_the_head_on_its_states():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 10, 1))
    y = X.mean(axis=(1, 2))
    rnn = RNNRegressor(6, learning_rate_init=0.05, random_state=0)
    pipe = make_pipeline(rnn, Ridge(alpha=1e-6)).fit(X, y)
    fitted_rnn, head = pipe[0], pipe[-1]
    # fit_transform is fit(X, y).transform(X): the network alone, trained on y
    alone = clone(rnn).fit(X, y)
    states = alone.transform(X)
    assert_allclose(fitted_rnn.transform(X), states, rtol=0, atol=0)
    # the head is the Ridge fitted on those states, one row per sequence
    ridge = Ridge(alpha=1e-6).fit(states, y)
    assert_allclose(head.coef_, ridge.coef_, rtol=1e-10, atol=1e-12)
    assert_allclose(pipe.predict(X), states @ head.coef_ + head.intercept_)
    assert pipe.score(X, y) > 0.95


def test_set_output_pandas_names_the_states():
    reg = _fit(RNNRegressor(4, max_iter=2, random_state=0), X_SHORT, Y_SHORT)
    default = reg.transform(X_SHORT[:5])
    frame = reg.set_output(transform="pandas").transform(X_SHORT[:5])
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [f"rnnregressor{k}" for k in range(4)]
    assert_allclose(frame.to_numpy(), default)

    # a long DataFrame: one row per sequence, indexed by its id
    rows = [(sid, t) for sid in ("u", "v") for t in range(12)]
    long = pd.DataFrame(
        X_SHORT[:2].reshape(24, 2),
        index=pd.MultiIndex.from_tuples(rows, names=["sequence", "time"]),
    )
    frame = reg.transform(long)
    assert list(frame.index) == ["u", "v"] and frame.index.name == "sequence"
    assert_allclose(frame.to_numpy(), default[:2])

    # and so does a pipeline ending in a head
    pipe = make_pipeline(clone(reg), Ridge()).set_output(transform="pandas")
    pipe = _fit(pipe, X_SHORT, Y_SHORT)
    assert list(pipe[:-1].get_feature_names_out()) == list(frame.columns)
    assert list(pipe[-1].feature_names_in_) == list(frame.columns)


def test_set_output_pandas_refuses_per_step_states():
    reg = clone(_model("elman", (4,), True))
    reg = _fit(reg, X_LONG, Y_LONG).set_output(transform="pandas")
    with pytest.raises(ValueError, match="return_sequences=True"):
        reg.transform(X_LONG)


@pytest.mark.parametrize("Estimator", [RNNRegressor, RNNClassifier])
@pytest.mark.parametrize(
    "check",
    [
        "check_transformer_get_feature_names_out",
        "check_transformer_get_feature_names_out_pandas",
        "check_set_output_transform",
        "check_set_output_transform_pandas",
        "check_global_output_transform_pandas",
        "check_get_feature_names_out_error",
    ],
)
def test_sklearn_feature_names_and_set_output_checks(Estimator, check):
    # scikit-learn runs these on its own transformers, not in
    # parametrize_with_checks; they mix DataFrame and array input on purpose
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", "X (does not have valid|has) feature names")
        getattr(estimator_checks, check)(Estimator.__name__, Estimator(max_iter=5))


# --------------------------------------------------------------------------
# Streaming: chunks give the outputs of one call
# --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
@pytest.mark.parametrize("hidden", [(8,), (8, 5)])
def test_streaming_many_to_many_equals_one_call(cell, hidden):
    reg = _model(cell, hidden, True)
    whole, final = reg.predict(X_LONG, return_state=True)
    parts, state = [], None
    for t0, t1 in _chunks(60):
        part, state = reg.predict(
            X_LONG[:, t0:t1], initial_state=state, return_state=True
        )
        parts.append(part)
    assert_allclose(np.concatenate(parts, axis=1), whole, rtol=0, atol=1e-12)
    n_arrays = 2 if cell == "lstm" else 1
    assert len(state) == len(hidden)
    for layer_state, layer_final, h in zip(state, final, hidden, strict=True):
        assert len(layer_state) == n_arrays
        for s, f in zip(layer_state, layer_final, strict=True):
            assert s.shape == (3, h)
            assert_allclose(s, f, rtol=0, atol=1e-12)

    # transform streams the same way
    steps, state = [], None
    for t0, t1 in _chunks(60):
        H, state = reg.transform(
            X_LONG[:, t0:t1], initial_state=state, return_state=True
        )
        steps.append(H)
    assert_allclose(
        np.concatenate(steps, axis=1), reg.transform(X_LONG), rtol=0, atol=1e-12
    )


def test_streaming_with_blocked_prediction_equals_one_call():
    # bptt_steps also makes predict run in blocks: chunk and block edges differ
    reg = _model("lstm", (6,), True, bptt_steps=7)
    whole = reg.predict(X_LONG)
    parts, state = [], None
    for t0, t1 in _chunks(60, (11, 30)):
        part, state = reg.predict(
            X_LONG[:, t0:t1], initial_state=state, return_state=True
        )
        parts.append(part)
    assert_allclose(np.concatenate(parts, axis=1), whole, rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_streaming_variable_lengths_carries_each_sequence_own_last_state(cell):
    reg = _model(cell, (8, 5), True)
    whole = reg.predict(RAGGED)
    cut = (20, 30, 5)  # each sequence has its own chunk boundary
    first, state = reg.predict(
        [x[:c] for x, c in zip(RAGGED, cut, strict=True)], return_state=True
    )
    rest = reg.predict(
        [x[c:] for x, c in zip(RAGGED, cut, strict=True)], initial_state=state
    )
    for i in range(3):
        streamed = np.concatenate([first[i], rest[i]])
        assert_allclose(streamed, whole[i], rtol=0, atol=1e-12)


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm"])
def test_streaming_many_to_one_ends_on_the_one_call_prediction(cell):
    reg = _model(cell, (8, 5), False)
    whole, final = reg.predict(X_LONG, return_state=True)
    state = None
    for t0, t1 in _chunks(60):
        pred, state = reg.predict(
            X_LONG[:, t0:t1], initial_state=state, return_state=True
        )
        # each chunk's prediction is the one at its last step
        assert_allclose(pred, reg.predict(X_LONG[:, :t1]), rtol=0, atol=1e-12)
    assert_allclose(pred, whole, rtol=0, atol=1e-12)
    for s, f in zip(state[-1], final[-1], strict=True):
        assert_allclose(s, f, rtol=0, atol=1e-12)


def test_streaming_after_a_fit_on_univariate_2d_sequences():
    X2 = X_SHORT[..., 0]  # (40, 12): the columns are the time steps
    reg = _fit(RNNRegressor(5, cell="gru", max_iter=2, random_state=0), X2, Y_SHORT)
    _, state = reg.predict(X2[:, :5, None], return_state=True)
    last = reg.predict(X2[:, 5:, None], initial_state=state)
    assert_allclose(last, reg.predict(X2), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="12 features"):
        reg.predict(X2[:, :5], return_state=True)  # 2-D input keeps fit's columns


def test_classifier_streams_proba_labels_and_log_proba():
    y = np.array([0, 1, 2, 1] * 10)
    clf = _fit(
        RNNClassifier((6, 4), cell="gru", max_iter=3, random_state=0), X_SHORT, y
    )
    assert clf.pooling == "max"  # the default: the state carries the running max
    X = X_LONG
    proba = clf.predict_proba(X)
    state = None
    for t0, t1 in _chunks(60):
        part, state = clf.predict_proba(
            X[:, t0:t1], initial_state=state, return_state=True
        )
    assert_allclose(part, proba, rtol=0, atol=1e-12)
    _, state = clf.predict(X[:, :30], return_state=True)
    labels, _ = clf.predict(X[:, 30:], initial_state=state, return_state=True)
    assert_array_equal(labels, clf.predict(X))
    log_proba, _ = clf.predict_log_proba(
        X[:, 30:], initial_state=state, return_state=True
    )
    assert_allclose(log_proba, np.log(proba), rtol=0, atol=1e-12)


def test_streaming_float32_stays_float32():
    X32, y32 = X_LONG.astype(np.float32), Y_LONG.astype(np.float32)
    reg = _fit(
        RNNRegressor(6, cell="gru", return_sequences=True, max_iter=2, random_state=0),
        X32,
        y32,
    )
    whole = reg.predict(X32)
    first, state = reg.predict(X32[:, :25], return_state=True)
    assert state[0][0].dtype == np.float32
    rest = reg.predict(X32[:, 25:], initial_state=state)
    assert rest.dtype == np.float32
    assert_allclose(np.concatenate([first, rest], axis=1), whole, rtol=0, atol=1e-6)


def test_zero_initial_state_is_the_default():
    reg = _model("lstm", (8, 5), True)
    zeros = [(np.zeros((3, h)), np.zeros((3, h))) for h in (8, 5)]
    assert_allclose(reg.predict(X_LONG, initial_state=zeros), reg.predict(X_LONG))
    # integer zeros (and lists for tuples) are accepted too
    int_zeros = [[np.zeros((3, h), dtype=int)] * 2 for h in (8, 5)]
    assert_allclose(reg.predict(X_LONG, initial_state=int_zeros), reg.predict(X_LONG))


def test_returned_state_is_not_a_view_of_the_kernel_buffers():
    reg = _model("gru", (8,), True)
    _, state = reg.predict(X_LONG[:, :10], return_state=True)
    kept = state[0][0].copy()
    reg.predict(X_LONG, return_state=True)
    assert state[0][0].base is None
    assert_allclose(state[0][0], kept, rtol=0, atol=0)


# --------------------------------------------------------------------------
# The state is validated; bidirectional models refuse to stream
# --------------------------------------------------------------------------


def _bad_states():
    ok = (np.zeros((3, 8)), np.zeros((3, 8)))
    second = (np.zeros((3, 5)), np.zeros((3, 5)))
    return [
        (np.zeros((3, 8)), TypeError, "one tuple \\(h, c\\) of arrays per"),
        ([ok], ValueError, "holds 1 layer states, but the network has 2"),
        ([np.zeros((3, 8)), second], TypeError, r"initial_state\[0\] must be"),
        ([ok[:1], second], ValueError, r"state of a cell='lstm' layer is \(h, c\)"),
        (
            [ok, (np.zeros((2, 5)), np.zeros((2, 5)))],
            ValueError,
            r"initial_state\[1\] \(h\) has shape \(2, 5\).*expected \(3, 5\)",
        ),
        ([ok, (np.zeros((3, 5)), np.zeros(5))], ValueError, r"\[1\] \(c\) has shape"),
        ([ok, (second[0], second[1] + 1j)], TypeError, "complex128; a state holds"),
        ([ok, (second[0], np.array([["a"] * 5] * 3))], TypeError, "real numbers"),
        ([(ok[0], np.full((3, 8), np.nan)), second], ValueError, "NaN or infinity"),
    ]


@pytest.mark.parametrize("bad, error, match", _bad_states())
def test_initial_state_is_validated(bad, error, match):
    reg = _model("lstm", (8, 5), True)
    with pytest.raises(error, match=match):
        reg.predict(X_LONG, initial_state=bad)
    with pytest.raises(error, match=match):
        reg.transform(X_LONG, initial_state=bad)


def test_return_state_must_be_a_bool_and_the_model_fitted():
    reg = _model("elman", (8,), True)
    with pytest.raises(TypeError, match="return_state must be True or False"):
        reg.predict(X_LONG, return_state="yes")
    with pytest.raises(NotFittedError):
        RNNRegressor().predict(X_LONG, return_state=True)
    with pytest.raises(NotFittedError):
        RNNRegressor().transform(X_LONG)


def test_bidirectional_models_refuse_to_stream():
    reg = _model("elman", (4,), True, bidirectional=True)
    state = [(np.zeros((3, 8)),)]
    for call in (
        lambda: reg.predict(X_LONG, return_state=True),
        lambda: reg.predict(X_LONG, initial_state=state),
        lambda: reg.transform(X_LONG, return_state=True),
    ):
        with pytest.raises(ValueError, match="bidirectional=True"):
            call()
    # whole sequences still predict and transform
    assert reg.predict(X_LONG).shape == (3, 60)
    assert reg.transform(X_LONG).shape == (3, 60, 8)
    clf = _fit(
        RNNClassifier(4, bidirectional=True, max_iter=2, random_state=0),
        X_SHORT,
        np.arange(40) % 2,
    )
    assert clf.predict_log_proba(X_SHORT).shape == (40, 2)
    with pytest.raises(ValueError, match="bidirectional=True"):
        clf.predict_proba(X_SHORT, return_state=True)
