"""Issue 5: the incremental cache, the publish lock, worker processes, Dask, scheduled runs.

The slow test builds 22 synthetic releases five times (cache, no change, +2 files, no cache in
buckets of 4 releases, Dask LocalCluster) and checks the outputs are byte-identical.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows import cache, config, stages
from flows.lock import PublishLocked, publish_lock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402


def _results(out: Path) -> list[dict]:
    return json.loads((out / "validation" / "summary.json").read_text())["results"]


def _table_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.parquet"))
            + sorted(out.glob("*.csv"))}


def test_cache_stores_and_reuses_per_file_results(tmp_path):
    raw = tmp_path / "raw"
    synth.generate(12, raw)
    files = stages.discover(raw)
    keys = [cache.file_key(f) for f in files]
    assert all(keys) and len(set(keys)) == len(keys)
    results = stages.extract_batch(stages.normalise_batch(files))
    store = cache.ExtractCache(tmp_path / "c", version="v1")
    assert store.get(keys) == [None] * len(keys)
    store.put(zip(keys[:6], results[:6], strict=True))
    store.put(zip(keys[6:], results[6:], strict=True))
    store.save()
    again = cache.ExtractCache(tmp_path / "c", version="v1")
    assert again.get(keys) == results  # including the private _entities
    assert len(list((tmp_path / "c" / "extract-v1").glob("seg-*.pkl"))) == 2
    # the summaries a build keeps in memory come from the small summary files...
    summaries = [stages.summarise(r) for r in results]
    assert dict(again.iter(keys, summaries=True)) == dict(enumerate(summaries))
    assert "body" not in summaries[0] and len(summaries[0]["minhash"]) == 480
    # ...or, should one be lost, from its segment
    next((tmp_path / "c" / "extract-v1").glob("sum-*.pkl")).unlink()
    assert dict(again.iter(keys, summaries=True)) == dict(enumerate(summaries))
    # a new code version starts empty and drops the old one when first written
    other = cache.ExtractCache(tmp_path / "c", version="v2")
    assert other.get(keys) == [None] * len(keys)
    other.put([(keys[0], results[0])])
    assert not (tmp_path / "c" / "extract-v1").exists()


def test_key_follows_bytes_and_path(tmp_path):
    raw = tmp_path / "raw"
    synth.generate(2, raw)
    (f0, f1) = stages.discover(raw)
    k0 = cache.file_key(f0)
    f0.path.write_bytes(f0.path.read_bytes() + b" ")
    assert cache.file_key(f0) != k0
    (raw / "other.txt").write_bytes(f1.path.read_bytes())  # same bytes, another path
    assert cache.file_key(f1) != cache.file_key(stages.RawFile(raw, "other.txt", f1.size))


def test_code_version_covers_extraction_and_reference():
    v = cache.code_version()
    assert len(v) == 16
    src = "".join(cache._SOURCES)
    assert "normalise" in src and "extract" in src and "dates.py" in src
    hashed = {rel for rel, _ in cache.source_files()}
    assert {"extract/entities.py", "extract/interactions.py", "normalise/decode.py",
            "dates.py"} <= hashed
    # dataset-wide person resolution runs after the cache: editing it re-extracts nothing
    assert "extract/resolve.py" not in hashed


def _hold_lock(out: str, held, release) -> None:
    with publish_lock(Path(out)):
        held.set()
        release.wait(30)


def test_publish_lock_excludes_a_second_process(tmp_path):
    out = tmp_path / "output"
    ctx = multiprocessing.get_context("spawn")
    held, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(out), held, release))
    proc.start()
    try:
        assert held.wait(60)
        with pytest.raises(PublishLocked):
            publish_lock(out, timeout=0.5, poll=0.05).acquire()
    finally:
        release.set()
        proc.join(30)
    t = time.monotonic()
    with publish_lock(out, timeout=5):  # free again once the holder is gone
        pass
    assert time.monotonic() - t < 5


@pytest.mark.slow
def test_incremental_build_reuses_and_matches_a_full_build(prefect_server, tmp_path,
                                                           monkeypatch):
    from flows.pipeline import build_dataset

    raw, cdir = tmp_path / "raw", tmp_path / "cache"
    synth.generate(20, raw)
    cache.code_version()  # computed before the counting wrapper below replaces the function
    processed: list[str] = []
    real = stages.extract_batch

    def counting(docs):
        processed.extend(d.source_file for d in docs)
        return real(docs)

    monkeypatch.setattr(stages, "extract_batch", counting)
    out = tmp_path / "out"
    first = build_dataset(raw_dir=str(raw), out_dir=str(out), cache_dir=str(cdir))
    assert first.valid and first.published and len(processed) == 20

    processed.clear()
    t = time.perf_counter()
    same = build_dataset(raw_dir=str(raw), out_dir=str(out), cache_dir=str(cdir))
    assert time.perf_counter() - t < 10
    assert processed == [] and not same.published and same.version == first.version

    synth.generate(2, raw, start=20)
    processed.clear()
    grown = build_dataset(raw_dir=str(raw), out_dir=str(out), cache_dir=str(cdir))
    assert sorted(processed) == ["syn_0000020.txt", "syn_0000021.txt"]
    assert grown.published and grown.version == "1.1.0"

    # No cache, 5 files per task: the tasks run in the local runner's worker processes; and
    # buckets of 4 releases, so 6 buckets are validated and written one after another.
    monkeypatch.setattr(config, "BUCKET_RELEASES", 4)
    fresh = tmp_path / "fresh"
    full = build_dataset(raw_dir=str(raw), out_dir=str(fresh), cache_dir=None, batch_size=5)
    assert full.valid and _table_bytes(fresh) == _table_bytes(out)
    assert _results(fresh) == _results(out)  # the same validation report, merged from buckets
    monkeypatch.setattr(config, "BUCKET_RELEASES", 10_000)

    # The same flow on Dask: a LocalCluster of 2 worker processes, byte-identical tables.
    from flows.runners import build_flow

    monkeypatch.setattr(stages, "extract_batch", real)  # workers are other processes anyway
    on_dask = tmp_path / "dask"
    dask = build_flow("dask", workers=2)(raw_dir=str(raw), out_dir=str(on_dask), cache_dir=None)
    assert dask.valid and _table_bytes(on_dask) == _table_bytes(fresh)
    shutil.rmtree(fresh)


@pytest.mark.slow
def test_serve_fires_a_scheduled_run_that_publishes(tmp_path):
    """`kzdiplo serve --interval 5` against a temporary Prefect home: it starts its own Prefect
    server, whose scheduler creates the runs; the first one builds and publishes the seeds."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(ROOT / "raw", raw)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "KZDIPLO_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), KZDIPLO_CACHE=str(tmp_path / "c"))
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows", "serve", "--interval", "5", "--raw", str(raw),
         "--out", str(out), "--cache", str(tmp_path / "cache")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while not (out / "datapackage.json").exists() and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(2)
        assert (out / "datapackage.json").exists(), (tmp_path / "serve.log").read_text()[-3000:]
        while "Completed" not in (tmp_path / "serve.log").read_text() and \
                time.monotonic() < deadline:
            time.sleep(1)
        text = (tmp_path / "serve.log").read_text()
        assert "Completed" in text and "releases published:  5" in text, text[-3000:]
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # serve stops its Prefect server on the way out
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
