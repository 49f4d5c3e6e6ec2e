"""Where things live and the limits the pipeline enforces."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
REFERENCE = SCHEMAS / "reference"
RAW = ROOT / "raw"
OUTPUT = ROOT / "output"
# Per-file results of normalise + extract, reused by later builds (flows/cache.py);
# KZDIPLO_CACHE moves it (the tests point it at a temporary folder).
CACHE = Path(os.environ.get("KZDIPLO_CACHE", ROOT / ".cache"))

DATASET_NAME = "kazakhstan-diplomatic-releases"

# Files larger than this are quarantined as `too_large` without being read whole.
MAX_RAW_BYTES = 8 * 1024 * 1024
# Kazakhstan declared independence on this day: an earlier release date is out of range.
INDEPENDENCE = "1991-12-16"
# Publication may lag the event by a few days; created_at earlier than this is a conflict.
CREATED_AT_TOLERANCE_DAYS = 3
# Releases per Prefect task: large enough to amortise ~20 ms of task overhead, small enough
# that the worker processes share the work evenly (40 tasks for 10,000 files).
BATCH_SIZE = 250
# Releases per bucket when validating and publishing (flows/assemble.py): a build holds one
# bucket's rows in memory, so peak memory stops growing with the corpus past this size.
# KZDIPLO_BUCKET_RELEASES overrides (the output's bytes do not depend on it).
BUCKET_RELEASES = int(os.environ.get("KZDIPLO_BUCKET_RELEASES") or 10_000)
# Worker processes of the default (local) task runner; KZDIPLO_WORKERS overrides.
WORKERS = int(os.environ.get("KZDIPLO_WORKERS") or os.cpu_count() or 1)
