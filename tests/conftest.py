"""Shared fixtures: one Prefect test server per session, one seed build per session."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_HOME = tempfile.mkdtemp(prefix="kzdiplo-prefect-")
os.environ["PREFECT_HOME"] = _HOME
os.environ["KZDIPLO_CACHE"] = os.path.join(_HOME, "extract-cache")  # never the repo's .cache
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SEEDS = sorted(p.name for p in RAW.glob("*.txt"))


@pytest.fixture(scope="session")
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def seed_build(prefect_server, tmp_path_factory):
    """The seeds built by the Prefect flow into a temporary output folder."""
    from flows.pipeline import build_dataset

    out = tmp_path_factory.mktemp("seed-build") / "output"
    summary = build_dataset(raw_dir=str(RAW), out_dir=str(out))
    assert summary.valid, summary.failed
    return out, summary


@pytest.fixture(scope="session")
def seed_releases():
    """Release rows of the seeds, extracted without Prefect (pure functions)."""
    from flows import stages

    items = stages.extract_batch(stages.normalise_batch(stages.discover(RAW)))
    releases, _ = stages.deduplicate(items)
    stages.entity_tables(releases)  # fills the countries, organizations and persons lists
    return {r["source_file"]: r for r in releases}
