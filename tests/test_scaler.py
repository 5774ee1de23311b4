"""SequenceScaler: standardise a batch of sequences in any of its forms."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNClassifier, SequenceScaler

RNG = np.random.default_rng(0)
LENGTHS = (7, 2, 5, 4)
# two features on very different scales, far from zero
RAGGED = [RNG.normal(size=(n, 2)) * [1.0, 50.0] + [3.0, -200.0] for n in LENGTHS]
X3 = RNG.normal(size=(4, 6, 2)) * [2.0, 0.1] + [10.0, 1.0]


def _long_frame(seqs, columns=("a", "b")):
    """The sequences as a long DataFrame, rows interleaved across sequences."""
    rows = [(f"s{i}", t, *x) for i, seq in enumerate(seqs) for t, x in enumerate(seq)]
    frame = pd.DataFrame(rows, columns=["sid", "t", *columns])
    frame = frame.sort_values(["t", "sid"])  # not grouped by sequence
    return frame.set_index(["sid", "t"])


def _forms():
    """The same sequences in every input form: {form: (X, as a list)}."""
    equal = [RNG.normal(size=6) * 4 + 1 for _ in range(3)]
    return {
        "3d": (X3, list(X3)),
        "2d": (np.array(equal), [e[:, None] for e in equal]),
        "list": (RAGGED, RAGGED),
        "frame": (_long_frame(RAGGED), RAGGED),
    }


FORMS = _forms()


def _as_list(Z, form, X):
    """Transformed output of a form, back as a list of (T_i, F) arrays."""
    if form == "3d":
        return list(Z)
    if form == "2d":
        return [z[:, None] for z in Z]
    if form == "list":
        return Z
    return [Z.loc[sid].to_numpy() for sid in X.index.unique(level=0)]


# --------------------------------------------------------------------------
# Known answers
# --------------------------------------------------------------------------


def test_per_feature_statistics_are_those_of_the_real_steps():
    """As StandardScaler on the concatenated sequences: padding never counts."""
    scaler = SequenceScaler().fit(RAGGED)
    flat = StandardScaler().fit(np.concatenate(RAGGED))
    assert_allclose(scaler.mean_, flat.mean_)
    assert_allclose(scaler.var_, flat.var_)
    assert_allclose(scaler.scale_, flat.scale_)
    assert scaler.n_timesteps_seen_ == sum(LENGTHS)
    Z = scaler.transform(RAGGED)
    assert_allclose(np.concatenate(Z), flat.transform(np.concatenate(RAGGED)))
    steps = np.concatenate(Z)
    assert_allclose(steps.mean(axis=0), 0, atol=1e-12)
    assert_allclose(steps.std(axis=0), 1)


def test_a_2d_array_is_one_feature_over_all_its_cells():
    X, _ = FORMS["2d"]
    scaler = SequenceScaler().fit(X)
    assert scaler.n_features_in_ == X.shape[1]  # scikit-learn's count: columns
    assert_allclose(scaler.mean_, [X.mean()])
    assert_allclose(scaler.scale_, [X.std()])
    assert_allclose(scaler.transform(X), (X - X.mean()) / X.std())


def test_a_zero_variance_feature_is_divided_by_one():
    seqs = [np.column_stack([np.full(n, 7.0), np.arange(n)]) for n in (3, 5)]
    scaler = SequenceScaler().fit(seqs)
    assert_allclose(scaler.scale_[0], 1.0)
    Z = scaler.transform(seqs)
    assert all(np.isfinite(z).all() for z in Z)
    assert_allclose(np.concatenate(Z)[:, 0], 0.0)


def test_with_mean_and_with_std_turn_each_part_off():
    flat = np.concatenate(RAGGED)
    no_mean = SequenceScaler(with_mean=False).fit(RAGGED)
    assert no_mean.mean_ is None
    assert_allclose(np.concatenate(no_mean.transform(RAGGED)), flat / flat.std(0))
    no_std = SequenceScaler(with_std=False).fit(RAGGED)
    assert no_std.scale_ is None and no_std.var_ is None
    assert_allclose(np.concatenate(no_std.transform(RAGGED)), flat - flat.mean(0))


def test_per_sequence_z_normalises_each_sequence_by_itself():
    scaler = SequenceScaler(per="sequence").fit(X3)  # learns nothing from X3
    assert scaler.mean_ is None and scaler.scale_ is None
    constant = np.full((3, 2), 4.0)
    Z = scaler.transform([*RAGGED, constant])
    for z, x in zip(Z, RAGGED, strict=False):
        assert_allclose(z, (x - x.mean(axis=0)) / x.std(axis=0))
    assert_array_equal(Z[-1], 0.0)  # zero variance: divided by 1
    # the same sequence gets the same answer in any batch
    assert_allclose(scaler.transform(RAGGED[1:2])[0], Z[1])


def test_per_sequence_has_no_inverse():
    scaler = SequenceScaler(per="sequence").fit(X3)
    assert not hasattr(scaler, "inverse_transform")
    with pytest.raises(AttributeError) as info:
        scaler.inverse_transform(X3)
    assert "per='sequence'" in str(info.value.__cause__)


# --------------------------------------------------------------------------
# Every form in, the same form out
# --------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_each_form_comes_back_in_its_form(form):
    X, seqs = FORMS[form]
    Z = SequenceScaler().fit(X).transform(X)
    if form in ("3d", "2d"):
        assert isinstance(Z, np.ndarray) and Z.shape == X.shape
    elif form == "list":
        assert isinstance(Z, list)
        assert [z.shape for z in Z] == [x.shape for x in X]
    else:
        assert isinstance(Z, pd.DataFrame)
        assert Z.index.equals(X.index) and Z.columns.equals(X.columns)
    # the values are those of the same sequences given as a list
    expected = SequenceScaler().fit(seqs).transform(seqs)
    for z, e in zip(_as_list(Z, form, X), expected, strict=True):
        assert_allclose(z, e)


def test_a_long_dataframe_keeps_every_row_in_its_place():
    frame = _long_frame(RAGGED)
    Z = SequenceScaler().fit(frame).transform(frame)
    flat = StandardScaler().fit(frame.to_numpy())
    assert_allclose(Z.to_numpy(), flat.transform(frame.to_numpy()))


def test_a_list_of_1d_sequences_gives_1d_sequences():
    seqs = [RNG.normal(size=n) for n in (4, 6, 3)]
    Z = SequenceScaler().fit_transform(seqs)
    assert [z.shape for z in Z] == [(4,), (6,), (3,)]
    flat = np.concatenate(seqs)
    assert_allclose(np.concatenate(Z), (flat - flat.mean()) / flat.std())


@pytest.mark.parametrize("form", FORMS)
def test_inverse_transform_round_trip(form):
    X, _ = FORMS[form]
    scaler = SequenceScaler().fit(X)
    back = scaler.inverse_transform(scaler.transform(X))
    for b, x in zip(_as_list(back, form, X), _as_list(X, form, X), strict=True):
        assert_allclose(b, x)


def test_any_length_after_fit():
    scaler = SequenceScaler().fit(X3)  # 6 steps each
    Z = scaler.transform(RNG.normal(size=(2, 11, 2)))
    assert Z.shape == (2, 11, 2)


def test_float32_stays_float32():
    X32 = X3.astype(np.float32)
    scaler = SequenceScaler().fit(X32)
    assert scaler.transform(X32).dtype == np.float32
    assert scaler.inverse_transform(X32).dtype == np.float32
    assert scaler.transform([x for x in X32])[0].dtype == np.float32


# --------------------------------------------------------------------------
# Feature names and set_output
# --------------------------------------------------------------------------


def test_feature_names_are_the_features_per_time_step():
    assert list(SequenceScaler().fit(X3).get_feature_names_out()) == ["x0", "x1"]
    frame = _long_frame(RAGGED, columns=("speed", "load"))
    names = SequenceScaler().fit(frame).get_feature_names_out()
    assert list(names) == ["speed", "load"]


def test_set_output_pandas_for_a_2d_dataframe_follows_standardscaler():
    X = pd.DataFrame(FORMS["2d"][0], columns=[f"t{k}" for k in range(6)])
    X.index = [10, 20, 30]
    Z = SequenceScaler().set_output(transform="pandas").fit(X).transform(X)
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == list(X.columns) and list(Z.index) == [10, 20, 30]
    values = X.to_numpy()
    assert_allclose(Z.to_numpy(), (values - values.mean()) / values.std())


def test_set_output_pandas_keeps_a_long_dataframe():
    frame = _long_frame(RAGGED)
    Z = SequenceScaler().set_output(transform="pandas").fit_transform(frame)
    assert Z.index.equals(frame.index) and list(Z.columns) == ["a", "b"]


@pytest.mark.parametrize("form", ["3d", "list"])
def test_set_output_pandas_cannot_hold_3d_or_ragged_output(form):
    X, _ = FORMS[form]
    scaler = SequenceScaler().set_output(transform="pandas").fit(X)
    with pytest.raises(ValueError, match="set_output.*needs a table"):
        scaler.transform(X)


# --------------------------------------------------------------------------
# In a pipeline
# --------------------------------------------------------------------------


def test_pipeline_with_rnn_classifier_needs_no_reshaping():
    """Ragged sequences far from zero: the scaler makes them learnable."""
    rng = np.random.default_rng(1)
    lengths = rng.integers(5, 15, size=120)
    y = np.repeat(["rising", "falling"], 60)
    slope = np.where(y == "rising", 1.0, -1.0)
    X = [
        1000 + 50 * (s * np.linspace(0, 1, n) + 0.1 * rng.normal(size=n))[:, None]
        for s, n in zip(slope, lengths, strict=True)
    ]
    params = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe = make_pipeline(SequenceScaler(), RNNClassifier(**params)).fit(X, y)
        Z = SequenceScaler().fit_transform(X)
        by_hand = RNNClassifier(**params).fit(Z, y)
        raw = RNNClassifier(**params).fit(X, y)
    assert_array_equal(pipe.predict(X), by_hand.predict(Z))
    assert pipe.score(X, y) > 0.95
    assert raw.score(X, y) < 0.6  # saturated states: chance


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def test_bad_input_gets_a_clear_error():
    scaler = SequenceScaler()
    with pytest.raises(NotFittedError):
        scaler.transform(X3)
    bad = [x.copy() for x in RAGGED]
    bad[1][0, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        scaler.fit(bad)
    with pytest.raises(ValueError, match="Sequence 1 of X has length 0"):
        scaler.fit([RAGGED[0], np.empty((0, 2))])
    with pytest.raises(ValueError, match="4 dimensions"):
        scaler.fit(np.zeros((2, 3, 4, 5)))
    scaler.fit(X3)
    with pytest.raises(ValueError, match="3 features per time step.*expecting 2"):
        scaler.transform(RNG.normal(size=(2, 5, 3)))
    with pytest.raises(ValueError, match="3 features per time step.*expecting 2"):
        scaler.inverse_transform(RNG.normal(size=(2, 5, 3)))
    with pytest.raises(ValueError, match="'per' parameter"):
        SequenceScaler(per="step").fit(X3)
