"""RNNRegressor and RNNClassifier: known answers, training rules, input forms."""

import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.utils.class_weight import compute_sample_weight

from skrnn import RNNClassifier, RNNRegressor, SlidingWindow
from skrnn._nn._stack import CELLS

ESTIMATORS = [RNNRegressor, RNNClassifier]
QUIET = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.RandomState(0)


def _waves(n, T=30):
    """Noisy sine waves and square waves of random frequency and phase."""
    t = np.arange(T)
    freq = rng.uniform(0.2, 0.6, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    sine = np.sin(freq * t + phase)
    kind = rng.randint(2, size=n)
    X = np.where(kind[:, None] == 1, np.sign(sine), sine)
    X += 0.1 * rng.standard_normal((n, T))
    return X[:, :, None], np.array(["sine", "square"])[kind]


X_WAVES, Y_WAVES = _waves(400)
X_WAVES_TEST, Y_WAVES_TEST = _waves(200)

# running sum, one target per step
X_SUM = rng.uniform(-1, 1, size=(500, 20, 1))
Y_SUM = np.cumsum(X_SUM[..., 0], axis=1)

# variable-length sequences and their means
X_VAR = [rng.standard_normal((rng.randint(5, 25), 1)) for _ in range(600)]
Y_MEAN = np.array([x.mean() for x in X_VAR])

# a small generic problem
X_SMALL = rng.standard_normal((40, 6, 2))
Y_SMALL = X_SMALL[:, :, 0].sum(axis=1)
LABELS_SMALL = np.where(Y_SMALL > 0, "up", "down")


def _small_y(Estimator):
    return Y_SMALL if Estimator is RNNRegressor else LABELS_SMALL


# --------------------------------------------------------------------------
# Known answers
# --------------------------------------------------------------------------


@QUIET
def test_classifies_sine_versus_square_waves():
    clf = RNNClassifier(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=30, random_state=0
    ).fit(X_WAVES, Y_WAVES)
    assert clf.score(X_WAVES_TEST, Y_WAVES_TEST) >= 0.97
    assert_array_equal(clf.classes_, ["sine", "square"])
    assert clf.n_outputs_ == 1 and clf.out_activation_ == "logistic"


@QUIET
def test_learns_the_running_sum_many_to_many():
    reg = RNNRegressor(
        hidden_layer_sizes=(16,),
        return_sequences=True,
        batch_size=32,
        learning_rate_init=0.01,
        max_iter=20,
        random_state=0,
    ).fit(X_SUM[:400], Y_SUM[:400])
    assert reg.score(X_SUM[400:], Y_SUM[400:]) >= 0.97
    assert reg.predict(X_SUM[400:]).shape == (100, 20)


@QUIET
def test_learns_the_mean_of_variable_length_sequences():
    reg = RNNRegressor(
        hidden_layer_sizes=(16,),
        batch_size=32,
        learning_rate_init=0.01,
        max_iter=40,
        random_state=0,
    ).fit(X_VAR[:500], Y_MEAN[:500])
    assert reg.score(X_VAR[500:], Y_MEAN[500:]) >= 0.9


@QUIET
@pytest.mark.parametrize("bptt_steps", [None, 10])
def test_learns_a_delay_on_one_long_series(bptt_steps):
    """y_t = x_{t-2} on one series of 3000 steps, with and without truncation."""
    x = rng.uniform(-1, 1, size=3000)
    y = np.r_[0.0, 0.0, x[:-2]]
    reg = RNNRegressor(
        hidden_layer_sizes=(16,),
        cell="elman",
        return_sequences=True,
        bptt_steps=bptt_steps,
        learning_rate_init=0.01,
        max_iter=15,
        random_state=0,
    ).fit(x[None, :, None], y[None])
    assert reg.score(x[None, :, None], y[None]) >= 0.9
    # truncation: one update per chunk, so 300 updates per epoch
    if bptt_steps:
        assert reg._optimizer.t == 300 * reg.n_iter_


@QUIET
def test_multiclass_per_step_labels_with_softmax():
    labels = np.where(
        X_SUM[..., 0] > 0.3, "hi", np.where(X_SUM[..., 0] < -0.3, "lo", "mid")
    )
    clf = RNNClassifier(
        hidden_layer_sizes=(8,),
        return_sequences=True,
        learning_rate_init=0.02,
        max_iter=30,
        random_state=0,
    ).fit(X_SUM[:200], labels[:200])
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 3
    assert clf.score(X_SUM[200:300], labels[200:300]) >= 0.95
    proba = clf.predict_proba(X_SUM[:5])
    assert proba.shape == (5, 20, 3)
    assert_allclose(proba.sum(axis=-1), 1.0)
    assert clf.predict(X_SUM[:5]).shape == (5, 20)
    assert_allclose(clf.predict_log_proba(X_SUM[:5]), np.log(proba))


@pytest.mark.parametrize("solver", ["lbfgs", "sgd"])
@QUIET
def test_other_solvers_learn(solver):
    reg = RNNRegressor(
        hidden_layer_sizes=(8,),
        solver=solver,
        learning_rate_init=0.05,
        batch_size=20,
        max_iter=100,
        random_state=0,
    ).fit(X_SMALL, Y_SMALL)
    assert reg.score(X_SMALL, Y_SMALL) > 0.95
    assert len(reg.loss_curve_) == reg.n_iter_ > 0
    assert reg.best_loss_ == pytest.approx(min(reg.loss_curve_))


# --------------------------------------------------------------------------
# Padding and batching never change a prediction; determinism
# --------------------------------------------------------------------------


@pytest.mark.parametrize("return_sequences", [False, True])
def test_prediction_unchanged_when_batched_with_longer_sequences(return_sequences):
    y = [np.cumsum(x[:, 0]) for x in X_VAR[:50]] if return_sequences else Y_MEAN[:50]
    reg = RNNRegressor(
        hidden_layer_sizes=(6, 4), return_sequences=return_sequences, max_iter=3
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X_VAR[:50], y)
    alone = reg.predict([X_VAR[7]])
    batched = reg.predict(X_VAR[:50])
    # equal to rounding: BLAS may sum in another order for another batch shape
    if return_sequences:
        assert isinstance(batched, list) and len(batched[7]) == len(X_VAR[7])
        assert_allclose(batched[7], alone[0], rtol=1e-12, atol=1e-13)
    else:
        assert_allclose(batched[7], alone[0], rtol=1e-12, atol=1e-13)


@QUIET
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_fitting_is_deterministic(Estimator):
    y = _small_y(Estimator)
    params = dict(max_iter=5, random_state=3, batch_size=8)
    a = Estimator(**params).fit(X_SMALL, y)
    b = Estimator(**params).fit(X_SMALL, y)
    assert a.loss_curve_ == b.loss_curve_
    assert_array_equal(a._theta, b._theta)
    c = Estimator(**{**params, "random_state": 4}).fit(X_SMALL, y)
    assert a.loss_curve_ != c.loss_curve_


@QUIET
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_clone_and_pickle_give_identical_predictions(Estimator):
    y = _small_y(Estimator)
    est = Estimator(max_iter=3, random_state=0).fit(X_SMALL, y)
    restored = pickle.loads(pickle.dumps(est))
    assert_array_equal(restored.predict(X_SMALL), est.predict(X_SMALL))
    assert_array_equal(restored.layers_[0]["W"], est.layers_[0]["W"])
    refit = clone(est).fit(X_SMALL, y)
    assert_array_equal(refit.predict(X_SMALL), est.predict(X_SMALL))


# --------------------------------------------------------------------------
# Training rules
# --------------------------------------------------------------------------


@QUIET
def test_warm_start_continues_training():
    reg = RNNRegressor(
        hidden_layer_sizes=(8,), max_iter=10, random_state=0, learning_rate_init=0.01
    )
    reg.fit(X_SMALL, Y_SMALL)
    first = list(reg.loss_curve_)
    weights = reg._theta.copy()
    reg.set_params(warm_start=True, max_iter=1)
    optimizer = reg._optimizer
    reg.fit(X_SMALL, Y_SMALL)
    assert reg.loss_curve_[:10] == first and len(reg.loss_curve_) == 11
    assert reg.n_iter_ == 11
    assert reg._optimizer is not optimizer  # the optimizer restarts
    # the weights were kept: one Adam step from them, not from a fresh start
    assert np.abs(reg._theta - weights).max() < 0.02
    assert reg.loss_curve_[10] < first[0]
    # a cold refit starts over
    reg.set_params(warm_start=False, max_iter=10)
    reg.fit(X_SMALL, Y_SMALL)
    assert reg.loss_curve_ == first and reg.n_iter_ == 10


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_runs_one_epoch_per_call(Estimator):
    y = _small_y(Estimator)
    est = Estimator(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    extra = {"classes": np.unique(y)} if Estimator is RNNClassifier else {}
    est.partial_fit(X_SMALL, y, **extra)
    for _ in range(9):
        est.partial_fit(X_SMALL, y)
    assert est.n_iter_ == 10 and len(est.loss_curve_) == 10
    assert est.loss_curve_[-1] < est.loss_curve_[0]
    # one epoch of 40 sequences: one batch ("auto"), or five of the classifier's 8
    per_epoch = 5 if Estimator is RNNClassifier else 1
    assert est._optimizer.t == 10 * per_epoch


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_is_offered_only_for_stochastic_solvers(Estimator):
    assert hasattr(Estimator(solver="adam"), "partial_fit")
    assert hasattr(Estimator(solver="sgd"), "partial_fit")
    est = Estimator(solver="lbfgs")
    assert not hasattr(est, "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as info:
        est.partial_fit(X_SMALL, _small_y(Estimator))
    assert "only available for stochastic" in str(info.value.__cause__)


def test_partial_fit_classifier_needs_classes_first():
    clf = RNNClassifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X_SMALL, LABELS_SMALL)
    clf.partial_fit(X_SMALL[:10], LABELS_SMALL[:10], classes=["down", "up", "flat"])
    assert_array_equal(clf.classes_, ["down", "flat", "up"])
    with pytest.raises(ValueError, match="classes not in"):
        clf.partial_fit(X_SMALL[:3], ["down", "sideways", "up"])


def test_max_iter_gives_a_convergence_warning():
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        RNNRegressor(max_iter=2, random_state=0).fit(X_SMALL, Y_SMALL)


@QUIET
def test_early_stopping_restores_the_best_weights():
    params = dict(
        hidden_layer_sizes=(8,),
        early_stopping=True,
        validation_fraction=0.25,
        learning_rate_init=0.05,
        n_iter_no_change=5,
        max_iter=60,
        random_state=0,
    )
    reg = RNNRegressor(**params).fit(X_VAR[:200], Y_MEAN[:200])
    scores = reg.validation_scores_
    assert len(scores) == reg.n_iter_ and reg.best_loss_ is None
    best = int(np.argmax(scores))
    assert reg.best_validation_score_ == scores[best]
    assert best < reg.n_iter_ - 1  # stopped after the best epoch ...
    # ... and holds the weights of the best epoch: a run stopped there
    short = RNNRegressor(**{**params, "max_iter": best + 1}).fit(
        X_VAR[:200], Y_MEAN[:200]
    )
    assert_allclose(reg._theta, short._theta)


@QUIET
def test_verbose_prints_one_line_per_epoch(capsys):
    RNNClassifier(
        max_iter=3, early_stopping=True, validation_fraction=0.25, verbose=True
    ).fit(X_SMALL, LABELS_SMALL)
    lines = [
        ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Epoch")
    ]
    assert len(lines) == 3
    assert re.fullmatch(
        r"Epoch 1, loss = [\d.]+, validation score = [\d.]+, time = [\d.]+s", lines[0]
    )


@QUIET
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_clipping_keeps_an_exploding_setup_finite():
    """ReLU states, long sequences, big targets and a large SGD step."""
    X = rng.uniform(0, 1, size=(50, 100, 1))
    y = 10 * X.sum(axis=(1, 2))
    params = dict(
        hidden_layer_sizes=(16,),
        activation="relu",
        solver="sgd",
        learning_rate_init=0.1,
        max_iter=20,
        random_state=0,
    )
    # scale_y=False: the big targets are the premise (standardised targets
    # take a larger step to explode: the next test)
    params["scale_y"] = False
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        RNNRegressor(**params, max_grad_norm=None).fit(X, y)
    reg = RNNRegressor(**params, max_grad_norm=1.0).fit(X, y)
    assert np.isfinite(reg._theta).all() and np.isfinite(reg.predict(X)).all()


@QUIET
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_clipping_keeps_an_exploding_setup_finite_with_standardised_targets():
    """With scale_y (the default) a larger SGD step explodes, unless clipped."""
    X = np.random.default_rng(1).uniform(0, 1, size=(50, 100, 1))
    y = 10 * X.sum(axis=(1, 2))
    params = dict(
        hidden_layer_sizes=(16,),
        cell="elman",
        activation="relu",
        solver="sgd",
        learning_rate_init=1.0,
        max_iter=20,
        random_state=0,
    )
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        RNNRegressor(**params, max_grad_norm=None).fit(X, y)
    reg = RNNRegressor(**params, max_grad_norm=1.0).fit(X, y)
    assert np.isfinite(reg._theta).all() and np.isfinite(reg.predict(X)).all()


@QUIET
def test_sample_weight_is_one_weight_per_sequence():
    """With one batch and no shuffling, a weight of 2 is a repeated sequence."""
    params = dict(max_iter=5, random_state=0, shuffle=False, batch_size=40)
    w = np.ones(len(X_SMALL))
    w[:5] = 2
    w[-5:] = 0
    weighted = RNNRegressor(**params).fit(X_SMALL, Y_SMALL, sample_weight=w)
    idx = np.r_[np.arange(5), np.arange(len(X_SMALL) - 5)]
    repeated = RNNRegressor(**params).fit(X_SMALL[idx], Y_SMALL[idx])
    assert_allclose(
        weighted.predict(X_SMALL), repeated.predict(X_SMALL), rtol=1e-10, atol=1e-12
    )


@QUIET
def test_class_weight_multiplies_the_sample_weights():
    y = np.where(Y_SMALL > 1.0, "rare", "common")
    params = dict(max_iter=5, random_state=0, shuffle=False)
    balanced = RNNClassifier(**params, class_weight="balanced").fit(X_SMALL, y)
    sw = compute_sample_weight("balanced", y)
    weighted = RNNClassifier(**params).fit(X_SMALL, y, sample_weight=sw)
    assert_allclose(balanced.predict_proba(X_SMALL), weighted.predict_proba(X_SMALL))


@QUIET
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_float32_is_trained_and_predicted_in_float32(Estimator):
    y = _small_y(Estimator)
    est = Estimator(max_iter=3, random_state=0).fit(X_SMALL.astype(np.float32), y)
    assert est._theta.dtype == np.float32
    out = est.predict(X_SMALL.astype(np.float32))
    if Estimator is RNNRegressor:
        assert out.dtype == np.float32
    else:
        assert est.predict_proba(X_SMALL.astype(np.float32)).dtype == np.float32
    as64 = Estimator(max_iter=3, random_state=0).fit(X_SMALL, y)
    assert as64._theta.dtype == np.float64
    assert_allclose(est._theta, as64._theta, rtol=1e-3, atol=1e-4)


@QUIET
def test_learned_weights_are_exposed_per_layer():
    # scale_y=False: an intercept of +1 is +1 on the raw target
    reg = RNNRegressor(
        hidden_layer_sizes=(5, 3), cell="elman", max_iter=2, scale_y=False
    )
    reg = reg.fit(X_SMALL, Y_SMALL)
    assert reg.n_layers_ == 2 and len(reg.layers_) == 2
    assert reg.layers_[0]["U"].shape == (2, 5) and reg.layers_[0]["W"].shape == (5, 5)
    assert reg.layers_[1]["U"].shape == (5, 3) and reg.layers_[1]["b"].shape == (3,)
    assert reg.out_coef_.shape == (3, 1) and reg.out_intercept_.shape == (1,)
    before = reg.predict(X_SMALL[:2])
    reg.out_intercept_[...] += 1.0  # views: editing the weights edits the model
    assert_allclose(reg.predict(X_SMALL[:2]), before + 1.0)


# --------------------------------------------------------------------------
# Input forms
# --------------------------------------------------------------------------


def _as_float(est, X):
    """Regression values or class probabilities."""
    return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)


def _long_frame(X3):
    n, T, F = X3.shape
    index = pd.MultiIndex.from_product([range(n), range(T)], names=["seq", "t"])
    return pd.DataFrame(X3.reshape(n * T, F), index=index, columns=["a", "b"][:F])


@QUIET
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_every_input_form_gives_identical_results(Estimator):
    y = _small_y(Estimator)
    params = dict(max_iter=3, random_state=0)
    forms = {
        "3d": X_SMALL,
        "list": list(X_SMALL),
        "frame": _long_frame(X_SMALL),
    }
    reference_est = Estimator(**params).fit(X_SMALL, y)
    reference = reference_est.predict(X_SMALL)
    for form, X in forms.items():
        est = Estimator(**params).fit(X, y)
        assert est.n_features_in_ == 2, form
        assert_allclose(
            _as_float(est, X), _as_float(reference_est, X_SMALL), rtol=1e-12
        )
        assert_array_equal(est.predict(X), reference, err_msg=form)
    # univariate: a 2-D array is a batch of sequences of one feature
    uni = X_SMALL[:, :, :1]
    ref_uni = _as_float(Estimator(**params).fit(uni, y), uni)
    two_d = Estimator(**params).fit(uni[:, :, 0], y)
    assert two_d.n_features_in_ == 6  # scikit-learn's rule: the columns
    assert_allclose(_as_float(two_d, uni[:, :, 0]), ref_uni, rtol=1e-12)
    assert_allclose(_as_float(two_d, list(uni[:, :, 0])), ref_uni, rtol=1e-12)


@QUIET
@pytest.mark.filterwarnings("ignore:X has feature names")
def test_per_step_predictions_take_the_form_of_the_input():
    y = [np.cumsum(x[:, 0]) for x in X_VAR[:30]]
    reg = RNNRegressor(return_sequences=True, max_iter=2).fit(X_VAR[:30], y)
    out = reg.predict(X_VAR[:3])
    assert [len(o) for o in out] == [len(x) for x in X_VAR[:3]]
    frame = pd.concat(
        [pd.DataFrame(x, columns=["v"]) for x in X_VAR[:3]], keys=["a", "b", "c"]
    )
    from_frame = reg.predict(frame)
    for o, f in zip(out, from_frame, strict=True):
        assert_allclose(o, f, rtol=1e-12)
    assert isinstance(reg.score(X_VAR[:30], y), float)
    labels = [np.where(x[:, 0] > 0, 1, 0) for x in X_VAR[:30]]
    clf = RNNClassifier(return_sequences=True, max_iter=2).fit(X_VAR[:30], labels)
    proba = clf.predict_proba(X_VAR[:3])
    assert [p.shape for p in proba] == [(len(x), 2) for x in X_VAR[:3]]
    assert 0 <= clf.score(X_VAR[:30], labels) <= 1


@QUIET
def test_multi_output_regression():
    Y = np.stack([Y_SMALL, -Y_SMALL], axis=1)
    reg = RNNRegressor(max_iter=3, random_state=0).fit(X_SMALL, Y)
    assert reg.n_outputs_ == 2 and reg.predict(X_SMALL).shape == (40, 2)
    per_step = np.stack([X_SMALL[..., 0], X_SMALL[..., 1]], axis=-1)
    seq = RNNRegressor(return_sequences=True, max_iter=2).fit(X_SMALL, per_step)
    assert seq.predict(X_SMALL).shape == (40, 6, 2)


@QUIET
def test_sliding_window_pipeline_in_grid_search():
    t = np.arange(400)
    series = np.sin(0.2 * t) + 0.05 * rng.standard_normal(400)
    X, y = series[:-1, None], series[1:]
    pipe = make_pipeline(SlidingWindow(24), RNNRegressor(max_iter=5, random_state=0))
    search = GridSearchCV(
        pipe,
        {"rnnregressor__hidden_layer_sizes": [(4,), (8,)]},
        cv=TimeSeriesSplit(n_splits=3),
    ).fit(X, y)
    assert search.best_estimator_.predict(X).shape == (399,)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# --------------------------------------------------------------------------
# Clear errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, match",
    [
        ({"cell": "rnn"}, "The 'cell' parameter"),
        ({"hidden_layer_sizes": (4, 0)}, "hidden_layer_sizes must be"),
        ({"hidden_layer_sizes": ()}, "hidden_layer_sizes must be"),
        ({"solver": "lbfgs", "bptt_steps": 5}, "bptt_steps needs a stochastic"),
        ({"bptt_steps": 0}, "The 'bptt_steps' parameter"),
        ({"max_grad_norm": -1.0}, "The 'max_grad_norm' parameter"),
        ({"activation": "softmax"}, "The 'activation' parameter"),
    ],
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_bad_parameters_get_clear_errors(Estimator, params, match):
    with pytest.raises(ValueError, match=re.escape(match) if "'" in match else match):
        Estimator(**params).fit(X_SMALL, _small_y(Estimator))


@QUIET
@pytest.mark.parametrize(
    "params", [{"cell": "gru"}, {"cell": "lstm"}, {"bidirectional": True}]
)
def test_cells_and_directions_train_or_are_refused_clearly(params):
    """A layer type not in the CELLS table (yet) gets a clear error, no traceback."""
    est = RNNRegressor(max_iter=1, **params)
    try:
        est.fit(X_SMALL, Y_SMALL)
    except ValueError as exc:
        assert "is not implemented yet" in str(exc)
        assert params.get("cell", "elman") not in CELLS or "bidirectional" in params
    else:
        assert est.predict(X_SMALL).shape == Y_SMALL.shape


def test_every_cell_is_declared_and_implemented_cells_are_in_the_table():
    declared = RNNRegressor._parameter_constraints["cell"][0].options
    assert declared == {"elman", "gru", "lstm"}
    assert set(CELLS) <= declared


def test_unknown_parameter_is_refused():
    with pytest.raises(ValueError, match="Invalid parameter 'units'"):
        RNNRegressor().set_params(units=3)


BAD_INPUTS = [
    (lambda: (np.full((4, 3, 1), np.nan), np.ones(4)), "NaN"),
    (lambda: (np.full((4, 3, 1), np.inf), np.ones(4)), "infinity"),
    (lambda: (np.ones((4, 3, 1, 1)), np.ones(4)), "4 dimensions"),
    (lambda: (np.ones((4, 3, 1)), np.ones(5)), "4 sequences but y has 5"),
    (lambda: ([np.ones((3, 1)), np.ones((0, 1))], np.ones(2)), "length 0"),
    (lambda: (np.ones((4, 3, 1)), np.array([1.0, np.nan, 0.0, 1.0])), "NaN"),
]


@pytest.mark.parametrize("make, match", BAD_INPUTS)
def test_bad_inputs_get_clear_errors(make, match):
    X, y = make()
    with pytest.raises(ValueError, match=match):
        RNNRegressor(max_iter=1).fit(X, y)


@QUIET
def test_bad_inputs_at_predict_and_for_targets():
    reg = RNNRegressor(max_iter=1).fit(X_SMALL, Y_SMALL)
    with pytest.raises(ValueError, match="3 features per time step"):
        reg.predict(np.ones((2, 4, 3)))
    with pytest.raises(ValueError, match="one weight per"):
        RNNRegressor(max_iter=1).fit(X_SMALL, Y_SMALL, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="zero total weight"):
        RNNRegressor(max_iter=1).fit(X_SMALL, Y_SMALL, sample_weight=np.zeros(40))
    with pytest.raises(ValueError, match="must match"):
        RNNRegressor(return_sequences=True).fit(
            [np.ones((3, 1)), np.ones((4, 1))], [np.ones(3), np.ones(5)]
        )
    with pytest.raises(ValueError, match="Unknown label type"):
        RNNClassifier().fit(X_SMALL, Y_SMALL)
    with pytest.raises(ValueError, match="one class"):
        RNNClassifier().fit(X_SMALL, np.zeros(40))
    with pytest.raises(ValueError, match="early_stopping"):
        RNNRegressor(early_stopping=True).partial_fit(X_SMALL, Y_SMALL)
    with pytest.raises(ValueError, match="same classes"):
        clf = RNNClassifier(max_iter=1, warm_start=True).fit(X_SMALL, LABELS_SMALL)
        clf.fit(X_SMALL, np.where(Y_SMALL > 0, "up", "flat"))


@QUIET
def test_warm_start_may_switch_solver():
    reg = RNNRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=5)
    reg.fit(X_SMALL, Y_SMALL)
    assert reg.validation_scores_ is None and len(reg.loss_curve_) == reg.n_iter_
    reg.set_params(
        warm_start=True, solver="adam", early_stopping=True, validation_fraction=0.25
    )
    reg.fit(X_SMALL, Y_SMALL)
    assert len(reg.validation_scores_) == reg.n_iter_ - 5
    assert len(reg.loss_curve_) == reg.n_iter_


@QUIET
def test_fit_leaves_the_users_blas_threads_alone():
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    with threadpool_limits(2, user_api="blas"):
        before = blas_threads()
        RNNRegressor(max_iter=2).fit(X_SMALL, Y_SMALL).predict(X_SMALL)
        assert blas_threads() == before
