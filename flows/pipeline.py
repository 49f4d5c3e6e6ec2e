"""The Prefect flow `build_dataset`: thin tasks over batches of releases around `flows.stages`."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import shutil
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows import config, memory, stages
from flows.assemble import Assembled, Spill, assemble_build, bucket_count
from flows.cache import ExtractCache, Incremental, file_key
from flows.lock import publish_lock
from flows.progress import Progress
from flows.publish import atomic
from flows.publish.publisher import Staged, commit, reject, stage
from flows.runners import task_runner

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


@dataclass
class BuildSummary:
    raw_dir: str
    out_dir: str
    files_read: int
    releases: int
    quarantined: dict[str, int]
    flags: dict[str, int]
    valid: bool
    published: bool
    version: str | None
    report: str
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    corrections: int = 0  # lines of raw/corrections.csv applied

    def lines(self) -> list[str]:
        q = ", ".join(f"{k} {v}" for k, v in sorted(self.quarantined.items())) or "none"
        f = ", ".join(f"{k} {v}" for k, v in self.flags.items()) or "none"
        verdict = "PASSED" if self.valid else "FAILED"
        out = [
            f"files read:          {self.files_read} (from {self.raw_dir})",
            f"releases published:  {self.releases}",
            f"quarantined:         {sum(self.quarantined.values())} ({q})",
            f"flags:               {f}",
            *([f"corrections:         {self.corrections} applied (corrections.csv)"]
              if self.corrections else []),
            f"validation:          {verdict}"
            + (f", {len(self.warnings)} soft rule(s) flagged rows" if self.warnings else ""),
            f"report:              {self.report}",
        ]
        if self.valid:
            state = "published" if self.published else "unchanged, nothing new published"
            out.append(f"dataset:             version {self.version}, {state} in {self.out_dir}")
        else:
            out.append(f"dataset:             NOT published; {self.out_dir} left as it was")
            out += [f"  failed: {x}" for x in self.failed]
        return out


def batches(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i: i + size] for i in range(0, len(items), size)]


@task(name="normalise-extract", **_TASK)
def extract_task(files: list[stages.RawFile]) -> list[Any]:
    """normalise + extract of one batch of raw files, in one task: the normalised texts stay in
    the worker instead of travelling to the flow's process and back."""
    return stages.extract_batch(stages.normalise_batch(files))


@task(name="resolve-entities", **_TASK)
def assemble_task(summaries: list[dict[str, Any]], kept: list[int],
                  quarantine: list[dict[str, Any]], read: Any, raw: Path,
                  spill: Spill) -> Assembled:
    return assemble_build(summaries, kept, quarantine, read, raw, spill)


@task(name="validate-write", **_TASK)
def stage_task(assembled: Assembled, spill: Spill, staging: Path, build_date: dt.date,
               checks: dict[str, list[str]]) -> Staged:
    return stage(assembled.whole, spill, staging, build_date=build_date, ids=assembled.ids,
                 checks=checks)


@task(name="publish", **_TASK)
def publish_task(staging: Path, out_dir: Path, created: str, release_ids: set[str],
                 root_package: Path | None) -> tuple[str, bool]:
    return commit(staging, out_dir, created=created, release_ids=release_ids,
                  root_package=root_package)


def _run_batches(file_batches: list[list[stages.RawFile]]) -> Iterator[list[Any]]:
    """The normalise + extract results of each batch, in order: on the flow's task runner
    (worker processes), or, for a single batch, right here (not worth starting a worker for)."""
    if len(file_batches) <= 1:
        yield from (extract_task(b) for b in file_batches)
        return
    with _api_for_workers():  # the task runner snapshots the environment at the first submit
        futures = deque(extract_task.map(file_batches))
    while futures:  # each result is let go once the caller has taken it
        yield futures.popleft().result()


@contextlib.contextmanager
def _api_for_workers() -> Iterator[None]:
    """Point worker processes at this flow's Prefect API. On Prefect's embedded server
    `PREFECT_API_URL` is unset, and each worker would start a temporary server of its own
    (~10 s each, measured)."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the embedded server this process started (a singleton)
    if not (server.running and server.port):
        yield
        return
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def extract_all(files: list[stages.RawFile], batch_size: int, store: ExtractCache,
                keys: list[str | None]) -> tuple[list[dict[str, Any]], dict[int, Any]]:
    """normalise + extract of every file: (`stages.summarise` of each file's result, in file
    order; results that have no cache key). Results already in `store` are reused, new ones
    are put there: a build reads the full results back from it bucket by bucket.

    The store is only ever read and written here, in the flow's process, never by the task
    workers.
    """
    logger = get_run_logger()
    summaries: list[Any] = [None] * len(files)
    for i, summary in store.iter(keys, summaries=True):
        summaries[i] = summary
    todo = [i for i, s in enumerate(summaries) if s is None]
    todo_batches = batches(todo, batch_size)
    unkeyed: dict[int, Any] = {}  # a file that could not be hashed but could be read (a race)
    progress = Progress(len(todo), logger.info, what="files normalised and extracted")
    extracted = _run_batches([[files[i] for i in b] for b in todo_batches])
    for b in todo_batches:  # (not zip: its reused tuple would keep each batch a step longer)
        batch = next(extracted)
        progress.advance(len(batch))
        made = [stages.summarise(r) for r in batch]
        store.put(((keys[i], r) for i, r in zip(b, batch, strict=True)),
                  {keys[i]: x for i, x in zip(b, made, strict=True) if keys[i] is not None})
        unkeyed.update((i, r) for i, r in zip(b, batch, strict=True)
                       if keys[i] is None and not isinstance(r, stages.Rejected))
        # The summaries are made again once the batch is let go: made among the batch's
        # objects, they would pin their memory (measured: RSS 2.5x the summaries' size).
        packed = pickle.dumps(made, pickle.HIGHEST_PROTOCOL)
        del batch, made
        for i, summary in zip(b, pickle.loads(packed), strict=True):
            summaries[i] = summary
    store.save()
    logger.info("extraction store %s: %d files reused, %d processed", store.dir,
                len(files) - len(todo), len(todo))
    return summaries, unkeyed


class _Laps:
    """Logs the time each stage took (for maintainers tuning a build)."""

    def __init__(self, logger: Any) -> None:
        self.logger, self.t = logger, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.logger.info("%s: %.1f s", stage, now - self.t)
        self.t = now


def _import_validation() -> None:
    with contextlib.suppress(Exception):  # validation imports it again, and reports failures
        import great_expectations  # noqa: F401


@flow(name="build_dataset", log_prints=False, task_runner=task_runner("local"))
def build_dataset(raw_dir: str = str(config.RAW), out_dir: str = str(config.OUTPUT),
                  batch_size: int = config.BATCH_SIZE,
                  cache_dir: str | None = str(config.CACHE)) -> BuildSummary:
    """raw/ -> normalise -> extract -> validate -> publish, in batches of releases."""
    logger = get_run_logger()
    raw, out = Path(raw_dir).resolve(), Path(out_dir).resolve()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    files = stages.discover(raw)
    logger.info("%d raw files in %s", len(files), raw)
    inc = None if cache_dir is None else Incremental(Path(cache_dir), raw, out, files,
                                                     now.date().isoformat())
    if inc is not None and (last := inc.unchanged()) is not None:
        summary = BuildSummary(**{**last, "published": False})
        logger.info("nothing changed since the last build of %s: not rebuilt", out)
    else:
        # Great Expectations takes ~5 s to import: do it while the workers extract.
        threading.Thread(target=_import_validation, name="import-gx", daemon=True).start()
        memory.fix_mmap_threshold()  # results arriving from workers must not pile up
        memory.use_system_allocator()  # Arrow's frees go back to the system too
        with contextlib.ExitStack() as cleanup:
            if inc is not None:
                store, keys = inc.store, inc.keys
            else:  # no cache: the results still go to disk, in a folder of this build
                tmp = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="kzdiplo-"))
                store, keys = ExtractCache(Path(tmp)), [file_key(f) for f in files]
            summary = _build(raw, out, now, files, batch_size, store, keys, cleanup)
        if inc is not None and summary.valid:
            inc.record(asdict(summary))
    for line in summary.lines():
        logger.info(line)
    return summary


def _build(raw: Path, out: Path, now: dt.datetime, files: list[stages.RawFile],
           batch_size: int, store: ExtractCache, keys: list[str | None],
           cleanup: contextlib.ExitStack) -> BuildSummary:
    """The stages of a build: summaries of every file in memory, full results read back
    bucket by bucket (`flows.assemble`), one bucket validated and written at a time."""
    logger = get_run_logger()
    lap = _Laps(logger)
    summaries, unkeyed = extract_all(files, batch_size, store, keys)
    lap("normalise + extract")

    def read(indices: list[int]) -> Iterator[tuple[int, dict[str, Any]]]:
        """The full results of these files, from the store, segment by segment."""
        for j, entry in store.iter([keys[i] for i in indices]):
            yield indices[j], entry
        yield from ((i, unkeyed[i]) for i in indices if i in unkeyed)

    kept, quarantine = stages.plan_duplicates(
        summaries, lambda idx: {i: e["body"] for i, e in read(idx)})
    lap("deduplicate")
    out.parent.mkdir(parents=True, exist_ok=True)
    spill = Spill(Path(cleanup.enter_context(tempfile.TemporaryDirectory(
        prefix=f".{out.name}.rows-", dir=out.parent))), bucket_count(len(kept)))
    # quote(): Prefect would otherwise walk every item of these arguments to record them
    assembled = assemble_task(quote(summaries), quote(kept), quote(quarantine), quote(read),
                              raw, quote(spill))
    lap("resolve entities, assemble rows")
    checks = {"corrections": assembled.correction_problems,
              "accounting": stages.account(files, [summaries[i]["source_file"] for i in kept],
                                           quarantine)}
    del summaries  # what validation holds is one bucket, whatever the corpus
    memory.release_free_memory()
    lock = publish_lock(out)  # one build at a time validates and publishes into `out`
    lock.acquire()
    atomic.clean_stale(out)
    staging = atomic.staging_dir(out)
    try:
        lap("waiting for the publish lock")
        staged = stage_task(quote(assembled), quote(spill), staging, now.date(), quote(checks))
        outcome = staged.outcome
        lap("validate + write")
        root = config.ROOT / "datapackage.json" if out == config.OUTPUT.resolve() else None
        if outcome.success:
            version, changed = publish_task(staging, out, now.isoformat(),
                                            quote(assembled.ids["releases"]), root)
            lap("publish")
            report = out / "validation" / "index.html"
        else:
            version, changed = None, False
            report = reject(staging, out) / "index.html"
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        lock.release()
    return BuildSummary(
        raw_dir=str(raw), out_dir=str(out), files_read=len(files), releases=len(kept),
        quarantined=dict(Counter(q["reason"] for q in quarantine)),
        flags=staged.flag_counts, valid=outcome.success, published=changed,
        corrections=assembled.corrected,
        version=version, report=str(report), failed=outcome.failed, warnings=outcome.warnings,
    )
