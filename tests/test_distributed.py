"""Hyper-parameter search on a dask.distributed cluster through joblib.

Skipped when the ``distributed`` extra (``dask[distributed]``) is absent. A
``LocalCluster`` of two single-threaded worker processes is started on the
loopback interface, once for the module; a watchdog ends the test process
with a traceback if anything hangs, so that CI fails instead of stalling.
"""

import faulthandler
import logging
import os
import warnings

import numpy as np
import pytest

distributed = pytest.importorskip("dask.distributed")

import dask  # noqa: E402
import joblib  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from skrnn import RNNRegressor, SlidingWindow, StateSpaceRegressor  # noqa: E402
from skrnn.datasets import make_narx_system  # noqa: E402

#: Seconds the whole module (cluster start, searches, shutdown) may take
#: before the watchdog dumps every thread's traceback and exits.
WATCHDOG_SECONDS = 240

#: Variables dask's nannies set before starting a worker process
#: (``distributed.nanny.pre-spawn-environ``); they also set them in this
#: process, which the fixture undoes.
_NANNY_ENVIRON = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")

X, y = make_narx_system(240, noise=0.05, random_state=0)
GRID = {
    "slidingwindow__width": [2, 6],
    "rnnregressor__hidden_layer_sizes": [(2,), (6,)],
}


def _search(n_jobs=None):
    model = make_pipeline(
        SlidingWindow(4),
        RNNRegressor(
            hidden_layer_sizes=(4,),
            learning_rate_init=0.01,
            batch_size=32,
            max_iter=8,
            random_state=0,
        ),
    )
    return GridSearchCV(model, GRID, cv=TimeSeriesSplit(n_splits=2), n_jobs=n_jobs)


@pytest.fixture(scope="module")
def client():
    faulthandler.dump_traceback_later(WATCHDOG_SECONDS, exit=True)
    environ = {
        name: os.environ.get(name)
        for name in (*_NANNY_ENVIRON, "MALLOC_TRIM_THRESHOLD_")
    }
    try:
        with dask.config.set(
            {
                "distributed.comm.timeouts.connect": "30s",
                "distributed.comm.timeouts.tcp": "30s",
            }
        ):
            with distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster:
                with distributed.Client(cluster, timeout="30s") as client:
                    client.wait_for_workers(2, timeout=60)
                    yield client
    finally:
        for name, value in environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        faulthandler.cancel_dump_traceback_later()


def test_grid_search_on_cluster_matches_local_run(client):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local = _search().fit(X, y)
        remote = _search(n_jobs=-1)
        with distributed.get_task_stream(client) as tasks:
            with joblib.parallel_backend("dask"):
                remote.fit(X, y)

    # The fits ran on the cluster's workers, not in this process.
    assert len(tasks.data) > 0
    workers = {task["worker"] for task in tasks.data}
    assert workers <= set(client.scheduler_info()["workers"])

    assert remote.best_params_ == local.best_params_
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_allclose(
            remote.cv_results_[key], local.cv_results_[key], rtol=1e-6, atol=1e-9
        )
    for k in range(2):
        np.testing.assert_allclose(
            remote.cv_results_[f"split{k}_test_score"],
            local.cv_results_[f"split{k}_test_score"],
            rtol=1e-6,
            atol=1e-9,
        )
    # The refitted best model predicts as the local one.
    np.testing.assert_allclose(
        remote.predict(X[:50]), local.predict(X[:50]), rtol=1e-6, atol=1e-9
    )


def test_state_space_restarts_on_cluster_match_local_run(client):
    # StateSpaceRegressor's restarts go through joblib: under the dask
    # backend they run on the workers and give the model a local run gives.
    def model():
        return StateSpaceRegressor(
            4, n_init=3, n_jobs=-1, max_iter=5, subsequence_length=40, random_state=0
        )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local = model().set_params(n_jobs=None).fit(X, y)
        remote = model()
        with distributed.get_task_stream(client) as tasks:
            with joblib.parallel_backend("dask"):
                remote.fit(X, y)
    assert len(tasks.data) >= 3
    assert {task["worker"] for task in tasks.data} <= set(
        client.scheduler_info()["workers"]
    )
    np.testing.assert_allclose(remote.restart_scores_, local.restart_scores_)
    np.testing.assert_allclose(remote.predict(X), local.predict(X))


def test_worker_processes_run_one_blas_thread(client):
    # docs/user_guide/scaling.rst: workers started by a nanny get
    # OMP/MKL/OPENBLAS_NUM_THREADS=1 before the process starts, so each task
    # runs one BLAS thread. (A local function: cloudpickle sends it by value,
    # the workers need not import this test module.)
    names = _NANNY_ENVIRON

    def worker_blas():
        import os

        from threadpoolctl import threadpool_info

        info = threadpool_info()
        threads = [p["num_threads"] for p in info if p["user_api"] == "blas"]
        return {name: os.environ.get(name) for name in names}, threads

    report = client.run(worker_blas)
    assert len(report) == 2
    for environ, threads in report.values():
        assert environ == dict.fromkeys(names, "1")
        assert threads, "numpy in the worker loaded no BLAS library"
        assert set(threads) == {1}
