"""Lower bounds on a build's time, from the costs of its parts measured one at a time.

    python benchmarks/bounds.py [N] [--work DIR] [--sample 1000]

`benchmarks/run.py` says how long builds take; this says how fast they could be with the
stages as they are, if everything around them cost nothing. On the corpus of N synthetic files
(default 10,000, the size of the scale goals) and the tables of its full build (built first
when `--work`/out-N is missing), it measures, each in this one process:

- extraction CPU per file (normalise + extract + summary, one core, `--sample` files);
- a worker's start: a fresh process importing the extraction code and doing one file;
- Great Expectations: every suite run on one row per table (its fixed cost), then on the whole
  tables; the Data Docs built from the results;
- writing every table (Parquet + CSV, threads side by side as the build does);
- listing and hashing raw/ and the published tables (what every rebuild does first).

and adds them into two bounds, printed against the goals:

- a full build >= extraction CPU / cores + worker start + validation + Data Docs + writing
  (deduplication, resolution, assembly and Prefect counted as free);
- a rebuild after 1% new files, perfectly incremental (only the new files extracted, only
  their rows validated, nothing re-read) >= listing and hashing + 1% of extraction on one
  core + Great Expectations' fixed cost + Data Docs + writing (the tables are rewritten: new
  rows fall between old ones in every sorted table file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import run  # noqa: E402

_WORKER = """
import sys, time
t = time.perf_counter()
from pathlib import Path
from flows import stages
one = stages.RawFile(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
stages.summarise(stages.extract_batch(stages.normalise_batch([one]))[0])
print("RESULT", time.perf_counter() - t)
"""


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - t, value


def measure(raw: Path, out: Path, sample: int) -> dict[str, float]:
    import pyarrow.parquet as pq

    from flows import cache, schema, stages
    from flows.publish.publisher import content_fingerprint
    from flows.publish.tables import TableWriter
    from flows.validate.run import Validation, keys

    m: dict[str, float] = {}
    files = stages.discover(raw)
    m["files"] = len(files)

    part = files[:sample]
    stages.extract_batch(stages.normalise_batch(part[:20]))  # compiled patterns, caches
    t = time.process_time()
    for r in stages.extract_batch(stages.normalise_batch(part)):
        stages.summarise(r)
    m["extract_cpu_per_file"] = (time.process_time() - t) / len(part)

    r = subprocess.run([run.PY, "-c", _WORKER, str(raw), files[0].rel, str(files[0].size)],
                       cwd=ROOT, capture_output=True, text=True, check=True)
    m["worker_start"] = float(r.stdout.split("RESULT")[-1])

    def list_and_hash() -> None:
        for f in stages.discover(raw):
            cache.file_key(f)
        content_fingerprint(out)

    list_and_hash()  # the second pass is the one a rebuild sees (files in the page cache)
    m["list_and_hash"], _ = _timed(list_and_hash)

    tables = {n: pq.read_table(out / f"{n}.parquet") for n in schema.tables()}
    ids = keys(tables)
    import great_expectations  # noqa: F401  (the build imports it while workers extract)

    day = dt.date.today()
    one_row = {n: t.slice(0, 1) for n, t in tables.items()}
    warm = Validation(schema.tables(), build_date=day, report_dir=None)
    warm.run(one_row, ids)  # the first run adds the suites and checkpoints
    m["gx_fixed"], _ = _timed(warm.run, one_row, ids)

    with tempfile.TemporaryDirectory() as tmp:
        v = Validation(schema.tables(), build_date=day, report_dir=Path(tmp) / "validation")
        m["gx_whole_tables"], _ = _timed(v.run, tables, ids)
        m["data_docs"], _ = _timed(v.finish)

        def write_all() -> None:
            writers = {n: TableWriter(n, Path(tmp)) for n in tables}
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
                for fut in [pool.submit(writers[n].write_arrow, t) for n, t in tables.items()]:
                    fut.result()
            for w in writers.values():
                w.close()

        m["write_tables"], _ = _timed(write_all)
    return m


def bounds(m: dict[str, float], cores: int) -> dict[str, float]:
    n = m["files"]
    return {
        "full": (n * m["extract_cpu_per_file"] / cores + m["worker_start"]
                 + m["gx_whole_tables"] + m["data_docs"] + m["write_tables"]),
        "one_percent": (m["list_and_hash"] + n / 100 * m["extract_cpu_per_file"]
                        + m["gx_fixed"] + m["data_docs"] + m["write_tables"]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("size", nargs="?", type=int, default=10_000)
    ap.add_argument("--work", type=Path, default=Path("/tmp/kzdiplo-bench"))
    ap.add_argument("--sample", type=int, default=1000, help="files timed for extraction CPU")
    args = ap.parse_args(argv)
    n, cores = args.size, os.cpu_count() or 1
    args.work.mkdir(parents=True, exist_ok=True)
    raw, out = run.corpus(args.work, n), args.work / f"out-{n}"
    measured_full = None
    results = args.work / "results.json"
    if results.exists():
        measured_full = json.loads(results.read_text()).get(str(n), {}).get("full", {}).get("wall")
    if not (out / "releases.parquet").exists():
        home = args.work / "prefect-home"
        shutil.rmtree(home, ignore_errors=True)
        server, env, _ = run.start_server(home)
        try:
            measured_full = run.build(env, raw, out, None)["wall"]
        finally:
            server.terminate()
            server.wait(timeout=30)
    m = measure(raw, out, args.sample)
    b = bounds(m, cores)
    print(f"{n:,} files, {cores} cores")
    print(f"  extraction CPU per file      {1000 * m['extract_cpu_per_file']:7.2f} ms "
          f"({n * m['extract_cpu_per_file']:.1f} s of CPU for all files)")
    for key, label in [("worker_start", "worker start"), ("list_and_hash", "list + hash"),
                       ("gx_fixed", "Great Expectations, 1 row"),
                       ("gx_whole_tables", "Great Expectations, all"),
                       ("data_docs", "Data Docs"), ("write_tables", "write all tables")]:
        print(f"  {label:<28} {m[key]:7.2f} s")
    goal_full = n / 500
    print(f"  full build >= {b['full']:.1f} s ({n / b['full']:.0f} files/s); "
          f"the goal of 500 files/s allows {goal_full:.1f} s")
    if measured_full:
        print(f"  1%-new rebuild >= {b['one_percent']:.1f} s; the goal of 10% of the measured "
              f"full build ({measured_full:.1f} s) allows {measured_full / 10:.1f} s")
    else:
        print(f"  1%-new rebuild >= {b['one_percent']:.1f} s (run benchmarks/run.py {n} for "
              "the full build it is compared with)")
    (args.work / f"bounds-{n}.json").write_text(json.dumps({**m, **b}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
