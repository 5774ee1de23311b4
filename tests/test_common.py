"""scikit-learn's own estimator checks on every public estimator."""

import inspect
import pathlib
import re

import pytest
from sklearn.base import BaseEstimator
from sklearn.utils.estimator_checks import parametrize_with_checks

import skrnn

# Written out by hand, not read from skrnn.__all__: a class dropped from
# __all__ (or from this list) must fail test_every_public_estimator_is_checked
# instead of silently leaving the common checks.
ESTIMATORS = [
    skrnn.ConformalForecaster,
    skrnn.FIRRegressor,
    skrnn.LagFeatures,
    skrnn.NARXRegressor,
    skrnn.RNNClassifier,
    skrnn.RNNRegressor,
    skrnn.Seq2SeqRegressor,
    skrnn.SequenceScaler,
    skrnn.SlidingWindow,
    skrnn.StateSpaceRegressor,
]

# Row order is the signal for a series estimator: the prediction for a row
# depends on the rows before it, so predicting on a subset or on shuffled rows
# cannot give the same values.
ROW_ORDER = {
    "check_methods_subset_invariance": (
        "a series model's output at a row depends on the rows before it"
    ),
    "check_methods_sample_order_invariance": (
        "a series model's output at a row depends on the rows before it"
    ),
}
SERIES_ESTIMATORS = {
    "ConformalForecaster",
    "FIRRegressor",
    "NARXRegressor",
    "LagFeatures",
    "SlidingWindow",
    "StateSpaceRegressor",
}


# Weights and repeats are the same loss, but not the same mini-batches: the
# data repeated holds more sequences, so its batches of 8 are other batches,
# drawn in another order (DESIGN.md allows this one for shuffled mini-batches).
MINI_BATCHES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "RNNClassifier trains on shuffled mini-batches of 8 sequences by "
        "default: repeating a sequence changes the batches, a weight does not"
    ),
}


def expected_failed_checks(estimator):
    """The one table of checks each estimator cannot pass, with the reason."""
    name = type(estimator).__name__
    failures = {}
    if name in SERIES_ESTIMATORS:
        failures.update(ROW_ORDER)
    if name == "RNNClassifier":
        failures.update(MINI_BATCHES)
    return failures


def _instances():
    return [cls() for cls in ESTIMATORS]


def test_every_public_estimator_is_checked():
    estimator_names = {
        name
        for name in skrnn.__all__
        if inspect.isclass(getattr(skrnn, name))
        and issubclass(getattr(skrnn, name), BaseEstimator)
    }
    assert {cls.__name__ for cls in ESTIMATORS} == estimator_names


@parametrize_with_checks(_instances(), expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name", skrnn.__all__)
def test_public_names_have_examples(name):
    doc = inspect.getdoc(getattr(skrnn, name))
    assert doc and "Examples\n--------" in doc and ">>>" in doc


def test_only_the_boundary_imports_private_sklearn_names():
    root = pathlib.Path(skrnn.__file__).parent
    private = re.compile(
        r"^\s*(from sklearn[\w.]*\._\w+|from sklearn[\w.]* import .*\b_\w+)", re.M
    )
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "_sklearn_compat.py" and private.search(path.read_text())
    ]
    assert offenders == []
