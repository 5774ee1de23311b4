"""The demonstration: ``python -m skrnn``.

Identifies the nonlinear system of :func:`skrnn.datasets.make_narx_system`
with each model family on 3,000 steps and scores it on the next 1,000 steps
it has never seen, printing one row per model: its score and its fit time.
"""

import time
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline

from skrnn import (
    FIRRegressor,
    NARXRegressor,
    RNNRegressor,
    SlidingWindow,
    StateSpaceRegressor,
)
from skrnn.datasets import make_narx_system

N_TRAIN, N_TEST = 3000, 1000


def _models():
    """(name, what the score measures, estimator) for each row of the table."""
    return [
        ("FIR, linear (Ridge)", "R2 of predict", FIRRegressor(Ridge(), n_lags=10)),
        (
            "FIR, default",
            "R2 of predict",
            FIRRegressor(n_lags=10, random_state=0),
        ),
        ("NARX, linear (Ridge)", "R2 of free run", NARXRegressor(Ridge())),
        (
            "NARX, default",
            "R2 of free run",
            NARXRegressor(random_state=0),
        ),
        (
            "NARX, closed loop",
            "R2 of free run",
            NARXRegressor(
                training="closed_loop", closed_loop_max_iter=30, random_state=0
            ),
        ),
        (
            "State space (GRU)",
            "R2 of free run",
            StateSpaceRegressor(random_state=0),
        ),
        (
            "RNN (Elman, 16 units)",
            "R2 of predict",
            make_pipeline(
                SlidingWindow(16),
                RNNRegressor(
                    hidden_layer_sizes=(16,),
                    cell="elman",
                    learning_rate_init=0.01,
                    batch_size=64,
                    max_iter=25,
                    random_state=0,
                ),
            ),
        ),
    ]


def main():
    X, y = make_narx_system(N_TRAIN + N_TEST, noise=0.05, random_state=0)
    X_train, y_train = X[:N_TRAIN], y[:N_TRAIN]
    X_test, y_test = X[N_TRAIN:], y[N_TRAIN:]
    print(
        "System: y_t = 0.8 y_{t-1} - 0.1 y_{t-2} + tanh(x_{t-1}) + 0.2 x_{t-2}^2 + e_t"
    )
    print(f"Trained on {N_TRAIN} steps, scored on the next {N_TEST} unseen steps.\n")
    header = f"{'model':<24} {'score':>7}  {'fit time':>8}  score is"
    print(header)
    print("-" * len(header))
    for name, meaning, model in _models():
        start = time.perf_counter()
        with warnings.catch_warnings():  # short trainings, on purpose
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        fit_time = time.perf_counter() - start
        score = r2_score(y_test, model.predict(X_test))
        print(f"{name:<24} {score:7.3f}  {fit_time:7.2f}s  {meaning}")
    print(
        "\nR2 = 1 is a perfect prediction, 0 is no better than the mean.\n"
        "A FIR model sees only the last inputs, so it can only approximate a "
        "system whose\noutput feeds back. A NARX model feeds its own "
        "predictions back: its free run is a\nsimulation from the inputs "
        "alone, never shown the measured output, the honest test\nof a "
        "dynamic model; trained closed loop, it learns from that simulation "
        "error itself\n(which pays off most under coloured output noise: "
        "examples/plot_narx_closed_loop.py).\nThe state-space model carries a "
        "learned hidden state through the whole series,\nsimulated from the "
        "inputs alone; the windowed recurrent network across the last\n16 "
        "inputs only."
    )


if __name__ == "__main__":
    main()
