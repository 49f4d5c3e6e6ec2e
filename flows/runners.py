"""Task runners for `build_dataset`: threads on this machine (default) or a Dask cluster.

`--runner dask` runs the normalise/extract tasks on Dask through prefect-dask's DaskTaskRunner:
with `--dask-address tcp://host:8786` on an existing cluster (every worker needs this package
installed, `pip install -e .` of the same commit, and the reference files in `schemas/`);
without it, on a temporary `distributed.LocalCluster` of `--dask-workers` processes. The flow
itself, the cache, validation and publishing stay in the calling process; workers need no
access to the cache or output/, but they read the raw files they are given by path, so on other
machines raw/ must be at the same path (a shared file system such as NFS, or a synced copy).
"""

from __future__ import annotations

from typing import Any


def task_runner(runner: str = "local", address: str | None = None, workers: int = 2) -> Any:
    """The Prefect task runner for `runner` ("local" or "dask")."""
    if runner == "local":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner()
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                              cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"unknown runner {runner!r}: use 'local' or 'dask'")


def build_flow(runner: str = "local", address: str | None = None, workers: int = 2) -> Any:
    """`build_dataset` with the chosen task runner."""
    from flows.pipeline import build_dataset

    if runner == "local":
        return build_dataset
    return build_dataset.with_options(task_runner=task_runner(runner, address, workers))
