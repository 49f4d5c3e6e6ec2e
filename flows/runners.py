"""Task runners for `build_dataset`: processes on this machine (default), threads, or Dask.

`local` (the default) runs the normalise/extract tasks in a pool of `--workers` processes
(Prefect's ProcessPoolTaskRunner; default one per core): extraction is pure Python, so threads
would share one core. `threads` keeps everything in one process (for debugging).

`--runner dask` runs the normalise/extract tasks on Dask through prefect-dask's DaskTaskRunner:
with `--dask-address tcp://host:8786` on an existing cluster (every worker needs this package
installed, `pip install -e .` of the same commit, and the reference files in `schemas/`);
without it, on a temporary `distributed.LocalCluster` of `--workers` processes. The flow
itself, the cache, validation and publishing stay in the calling process; workers need no
access to the cache or output/, but they read the raw files they are given by path, so on other
machines raw/ must be at the same path (a shared file system such as NFS, or a synced copy).
"""

from __future__ import annotations

from typing import Any

from flows import config


def task_runner(runner: str = "local", address: str | None = None,
                workers: int | None = None) -> Any:
    """The Prefect task runner for `runner` ("local", "threads" or "dask")."""
    workers = workers or config.WORKERS
    if runner == "local":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=workers)
    if runner == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner()
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                              cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"unknown runner {runner!r}: use 'local', 'threads' or 'dask'")


def build_flow(runner: str = "local", address: str | None = None,
               workers: int | None = None) -> Any:
    """`build_dataset` with the chosen task runner."""
    from flows.pipeline import build_dataset

    if runner == "local" and workers in (None, config.WORKERS):
        return build_dataset
    return build_dataset.with_options(task_runner=task_runner(runner, address, workers))
