"""Scorers for GridSearchCV: free-run simulation and k-step-ahead prediction."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import (
    FIRRegressor,
    NARXRegressor,
    fit_percent,
    make_k_step_scorer,
    make_simulation_scorer,
    nrmse,
)
from skrnn.datasets import make_arx_system, make_fir_system

X_FIR, Y_FIR = make_fir_system(600, noise=0.3, random_state=0)  # 4 taps: N = 3
X_ARX, Y_ARX = make_arx_system(2000, noise=0.1, random_state=0)


@pytest.mark.parametrize(
    "scorer",
    [
        make_simulation_scorer("r2"),
        make_simulation_scorer("nrmse"),
        make_simulation_scorer("fit"),
        make_k_step_scorer(3, metric="nrmse"),
    ],
    ids=repr,
)
def test_scorer_in_grid_search_picks_the_true_number_of_lags(scorer):
    search = GridSearchCV(
        FIRRegressor(LinearRegression()),
        {"n_lags": [0, 1, 2, 3, 5, 8, 12]},
        scoring=scorer,
        cv=TimeSeriesSplit(4),
    ).fit(X_FIR, Y_FIR)
    assert search.best_params_ == {"n_lags": 3}


def test_scorers_in_a_multi_metric_search_over_narx_orders():
    X, y = make_arx_system(1000, noise=0.1, random_state=0)  # true orders: 1, 2
    search = GridSearchCV(
        NARXRegressor(LinearRegression()),
        {"n_lags": [0, 1, 2], "n_output_lags": [1, 2, 3]},
        scoring={
            "simulation": make_simulation_scorer("fit", warmup=20),
            "one_step": make_k_step_scorer(1, metric="nrmse"),
        },
        refit="simulation",
        cv=TimeSeriesSplit(3),
    ).fit(X, y)
    results = pd.DataFrame(search.cv_results_["params"])
    results["simulation"] = search.cv_results_["mean_test_simulation"]
    results["one_step"] = search.cv_results_["mean_test_one_step"]
    big_enough = (results.n_lags >= 1) & (results.n_output_lags >= 2)
    # every model that holds the true one beats every model that does not,
    # by either judgement; among them the differences are noise
    for metric in ("simulation", "one_step"):
        assert results[metric][big_enough].min() > results[metric][~big_enough].max()
    assert search.best_params_["n_lags"] >= 1
    assert search.best_params_["n_output_lags"] >= 2


def test_nrmse_scorer_is_negative_so_greater_is_better():
    fir = FIRRegressor(LinearRegression(), n_lags=3).fit(X_FIR, Y_FIR)
    expected = nrmse(Y_FIR, fir.predict(X_FIR))
    assert make_simulation_scorer("nrmse")(fir, X_FIR, Y_FIR) == pytest.approx(
        -expected
    )
    assert make_simulation_scorer("fit")(fir, X_FIR, Y_FIR) == pytest.approx(
        100 * (1 - expected)
    )


def test_simulation_scorer_is_narx_score_and_k_step_uses_observed_outputs():
    narx = NARXRegressor(LinearRegression(), n_lags=1).fit(X_ARX, Y_ARX)
    assert make_simulation_scorer()(narx, X_ARX, Y_ARX) == pytest.approx(
        narx.score(X_ARX, Y_ARX)
    )
    for k in (1, 4):
        y_k = narx.predict(X_ARX, y=Y_ARX, steps_ahead=k)
        assert make_k_step_scorer(k)(narx, X_ARX, Y_ARX) == pytest.approx(
            r2_score(Y_ARX, y_k)
        )
    one = make_k_step_scorer(1, metric="fit")(narx, X_ARX, Y_ARX)
    free = make_simulation_scorer("fit")(narx, X_ARX, Y_ARX)
    assert one > free  # an equation-error system is predicted better than run


def test_k_step_of_a_model_without_feedback_is_its_prediction():
    fir = FIRRegressor(LinearRegression(), n_lags=3).fit(X_FIR, Y_FIR)
    expected = r2_score(Y_FIR, fir.predict(X_FIR))
    assert make_k_step_scorer(5)(fir, X_FIR, Y_FIR) == pytest.approx(expected)


def test_k_step_scorer_reaches_through_a_pipeline():
    pipe = make_pipeline(StandardScaler(), NARXRegressor(LinearRegression(), n_lags=1))
    pipe.fit(X_ARX, Y_ARX)
    expected = r2_score(Y_ARX, pipe.predict(X_ARX, y=Y_ARX, steps_ahead=2))
    assert make_k_step_scorer(2)(pipe, X_ARX, Y_ARX) == pytest.approx(expected)
    scores = cross_val_score(
        pipe, X_ARX, Y_ARX, cv=TimeSeriesSplit(3), scoring=make_k_step_scorer(2)
    )
    assert scores.min() > 0.9


def test_warmup_leaves_out_the_first_steps_of_every_series():
    fir = FIRRegressor(LinearRegression(), n_lags=3).fit(X_FIR, Y_FIR)
    y_pred = fir.predict(X_FIR)
    scorer = make_simulation_scorer("fit", warmup=50)
    assert scorer(fir, X_FIR, Y_FIR) == pytest.approx(
        fit_percent(Y_FIR[50:], y_pred[50:])
    )
    index = pd.MultiIndex.from_product([["a", "b"], range(300)])
    X = pd.DataFrame(X_FIR, index=index)
    keep = np.r_[50:300, 350:600]
    y_pred = fir.predict(X)
    assert scorer(fir, X, Y_FIR) == pytest.approx(
        fit_percent(Y_FIR[keep], y_pred[keep])
    )
    y = pd.Series(Y_FIR, index=index)  # the panel known from y alone
    assert scorer(fir, X_FIR, y) == pytest.approx(
        fit_percent(Y_FIR[keep], y_pred[keep])
    )
    with pytest.raises(ValueError, match="warmup=300 leaves no time step"):
        make_simulation_scorer(warmup=300)(fir, X, Y_FIR)


def test_scorer_passes_sample_weight():
    fir = FIRRegressor(LinearRegression(), n_lags=3).fit(X_FIR, Y_FIR)
    w = np.linspace(0, 1, len(Y_FIR))
    expected = -nrmse(Y_FIR, fir.predict(X_FIR), sample_weight=w)
    assert make_simulation_scorer("nrmse")(
        fir, X_FIR, Y_FIR, sample_weight=w
    ) == pytest.approx(expected)


def test_scorers_pickle_for_parallel_search():
    scorer = make_k_step_scorer(2, metric="fit", warmup=3)
    clone = pickle.loads(pickle.dumps(scorer))
    fir = FIRRegressor(LinearRegression(), n_lags=3).fit(X_FIR, Y_FIR)
    assert clone(fir, X_FIR, Y_FIR) == scorer(fir, X_FIR, Y_FIR)


def test_scorer_reprs_and_bad_arguments():
    assert repr(make_simulation_scorer("fit")) == "make_simulation_scorer(metric='fit')"
    assert (
        repr(make_k_step_scorer(3, warmup=5))
        == "make_k_step_scorer(3, metric='r2', warmup=5)"
    )
    with pytest.raises(
        ValueError, match=r"'metric' parameter of make_\w+_scorer must be a str among"
    ):
        make_simulation_scorer("mse")
    with pytest.raises(
        ValueError,
        match=r"'steps_ahead' parameter of make_k_step_scorer must be an int in "
        r"the range \[1, inf\)",
    ):
        make_k_step_scorer(0)
    with pytest.raises(
        TypeError, match=r"'steps_ahead' parameter of make_k_step_scorer must be an int"
    ):
        make_k_step_scorer(1.5)
