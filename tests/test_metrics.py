"""Metrics: NRMSE and FIT%."""

import numpy as np
import pytest
from sklearn.metrics import r2_score

from skrnn import fit_percent, nrmse

Y = np.array([1.0, 3.0, 2.0, 6.0])


def test_fit_percent_of_perfect_is_100_and_of_the_mean_is_0():
    assert fit_percent(Y, Y) == 100.0
    assert fit_percent(Y, np.full(4, Y.mean())) == pytest.approx(0.0, abs=1e-12)
    assert fit_percent(Y, np.full(4, Y.mean() + 1)) < 0  # no lower bound


def test_nrmse_known_values():
    # mean 3: deviations -2, 0, -1, 3, so ||y - mean|| = sqrt(14)
    assert nrmse(Y, Y + 1.0) == pytest.approx(2.0 / np.sqrt(14))
    assert nrmse(Y, np.full(4, Y.mean())) == pytest.approx(1.0)
    assert nrmse(Y, Y + 1.0, normalization="range") == pytest.approx(1.0 / 5.0)
    assert fit_percent(Y, Y + 1.0) == pytest.approx(100 * (1 - 2 / np.sqrt(14)))


def test_nrmse_fit_and_r2_agree():
    y_pred = Y + np.array([0.3, -0.2, 0.5, -0.1])
    e = nrmse(Y, y_pred)
    assert e**2 == pytest.approx(1 - r2_score(Y, y_pred))
    assert fit_percent(Y, y_pred) == pytest.approx(100 * (1 - e))


def test_metrics_weights_and_outputs():
    y_pred = Y + np.array([0.3, -0.2, 0.5, -0.1])
    w = np.array([1, 2, 1, 3])
    repeated = np.repeat(np.arange(4), w)
    assert nrmse(Y, y_pred, sample_weight=w) == pytest.approx(
        nrmse(Y[repeated], y_pred[repeated])
    )
    assert fit_percent(Y, y_pred, sample_weight=w) == pytest.approx(
        fit_percent(Y[repeated], y_pred[repeated])
    )
    Y2 = np.c_[Y, 2 * Y]
    P2 = np.c_[y_pred, 2 * Y]
    raw = fit_percent(Y2, P2, multioutput="raw_values")
    np.testing.assert_allclose(raw, [fit_percent(Y, y_pred), 100.0])
    assert fit_percent(Y2, P2) == pytest.approx(raw.mean())
    assert nrmse(Y2, P2, multioutput=[0, 1]) == pytest.approx(0.0)


def test_constant_target_follows_r2_scores_convention():
    c = np.full(4, 2.0)
    assert fit_percent(c, c) == 100.0 and nrmse(c, c) == 0.0
    assert fit_percent(c, c + 1) == 0.0 and nrmse(c, c + 1) == 1.0
    assert np.isinf(nrmse(c, c + 1, force_finite=False))


def test_metric_errors_speak_plainly():
    with pytest.raises(ValueError, match="y_true has 4 time steps but y_pred has 3"):
        nrmse(Y, Y[:3])
    with pytest.raises(ValueError, match="normalization must be one of"):
        nrmse(Y, Y, normalization="mean")
    with pytest.raises(ValueError, match="multioutput must be"):
        fit_percent(Y, Y, multioutput="average")
    with pytest.raises(ValueError, match="y_true holds non-numeric"):
        fit_percent(["a", "b"], [1.0, 2.0])
