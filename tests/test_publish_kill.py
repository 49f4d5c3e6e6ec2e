"""A build killed during publish leaves the previous output complete and valid."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from flows.publish.publisher import TEST_PAUSE_ENV

ROOT = Path(__file__).resolve().parent.parent


def _snapshot(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous(prefect_server, tmp_path_factory):
    """An output/ built from three of the seeds, and a raw/ with all five (a new build)."""
    from flows.pipeline import build_dataset

    base = tmp_path_factory.mktemp("kill")
    small, full = base / "raw-small", base / "raw"
    small.mkdir()
    shutil.copytree(ROOT / "raw", full)
    for p in sorted(full.glob("*.txt"))[:3]:
        shutil.copy(p, small / p.name)
    out = base / "output"
    summary = build_dataset(raw_dir=str(small), out_dir=str(out))
    assert summary.valid and summary.published
    return full, out


def _assert_complete_and_valid(out: Path) -> None:
    from frictionless import Package

    report = Package(str(out / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(pd.read_parquet(out / "releases.parquet")) == 3
    assert len(pd.read_csv(out / "releases.csv")) == 3


@pytest.mark.parametrize("point", ["tables", "swap"])
def test_kill_during_publish_keeps_previous_output(previous, point):
    import prefect.settings

    raw, out = previous
    before = _snapshot(out)
    env = {**os.environ, TEST_PAUSE_ENV: point,
           "PREFECT_API_URL": str(prefect.settings.get_current_settings().api.url)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows", "build", "--raw", str(raw), "--out", str(out), "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while not list(out.parent.glob(f".{out.name}.staging-*/.paused")):
            assert proc.poll() is None, f"the build ended with {proc.returncode} before pausing"
            assert time.monotonic() < deadline, "the build never reached the publish"
            time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(out) == before  # not one byte of the previous output changed
    _assert_complete_and_valid(out)


def test_build_after_a_kill_publishes_and_cleans_up(previous):
    from flows.pipeline import build_dataset

    raw, out = previous
    summary = build_dataset(raw_dir=str(raw), out_dir=str(out))
    assert summary.valid and summary.published and summary.releases == 5
    assert summary.version == "1.1.0"  # releases were added
    assert not list(out.parent.glob(f".{out.name}.staging-*"))
