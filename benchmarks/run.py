"""End-to-end benchmark of the pipeline on synthetic corpora (benchmarks/synth.py).

    python benchmarks/run.py [SIZES ...] [--work DIR] [--stages]

For each size (default 1000 10000): a full build (empty cache), a no-change rebuild, and a
rebuild after adding 1% new files; each prints wall time, releases per second and the build
process's peak RSS. Also the floor (read every file and run one compiled regex over it) and the
ratio pipeline/floor. One Prefect server is started first, for all builds, and its start time is
reported separately; each build runs in its own process (so peak RSS is its own), timed around
the flow call only (imports excluded). `--stages` adds a per-stage breakdown without Prefect.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PY = sys.executable
FLOOR_RE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|"
                      r"October|November|December) \d{1,2}, \d{4}\b")

# Run in a child process: one build, timed around the flow call.
_BUILD = """
import json, resource, sys, time
from flows.runners import build_flow
raw, out, cache, runner = sys.argv[1:5]
build_dataset = build_flow(runner)
t = time.perf_counter()
s = build_dataset(raw_dir=raw, out_dir=out, cache_dir=cache or None)
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps({"wall": wall, "rss_mb": rss, "releases": s.releases,
                               "files": s.files_read, "valid": s.valid,
                               "published": s.published, "version": s.version}))
"""

_STAGES = """
import datetime as dt, json, sys, tempfile, time
from pathlib import Path
from flows import stages
from flows.publish import atomic
from flows.publish.publisher import publish_tables
raw = Path(sys.argv[1]); T = {}
def lap(name, t): T[name] = round(time.perf_counter() - t, 2)
t = time.perf_counter(); files = stages.discover(raw); lap("discover", t)
t = time.perf_counter(); docs = stages.normalise_batch(files); lap("normalise", t)
t = time.perf_counter(); items = stages.extract_batch(docs); lap("extract", t)
t = time.perf_counter(); rel, q = stages.deduplicate(items); lap("deduplicate", t)
t = time.perf_counter()
tables = {"releases": rel, "quarantine": q, **stages.entity_tables(rel)}; lap("resolve", t)
out = Path(tempfile.mkdtemp()) / "output"; staging = atomic.staging_dir(out)
t = time.perf_counter()
publish_tables(tables, staging, out, build_date=dt.date.today(), created="x")
lap("validate + publish", t)
print("RESULT " + json.dumps(T))
"""


_LAP = re.compile(r" - (normalise \+ extract|deduplicate|resolve entities, assemble rows|"
                  r"validate \+ write|publish): ([\d.]+) s$", re.M)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(home: Path) -> tuple[subprocess.Popen, dict[str, str], float]:
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_LOGGING_LEVEL": "WARNING", "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "GX_ANALYTICS_ENABLED": "false"}
    t = time.perf_counter()
    proc = subprocess.Popen([str(Path(PY).parent / "prefect"), "server", "start", "--host",
                             "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import urllib.request

    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        raise SystemExit("the Prefect server did not start")
    return proc, env, time.perf_counter() - t


def build(env: dict[str, str], raw: Path, out: Path, cache: Path | None,
          runner: str = "local") -> dict:
    # INFO: the flow's stage times are log lines (captured here, not printed)
    r = subprocess.run([PY, "-c", _BUILD, str(raw), str(out), str(cache or ""), runner],
                       env={**env, "PREFECT_LOGGING_LEVEL": "INFO"}, cwd=ROOT,
                       capture_output=True, text=True)
    line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
    if r.returncode or not line:
        raise SystemExit(f"build failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    result = json.loads(line[-1][7:])
    # the flow logs each stage's time ("validate: 9.8 s"): kept for the breakdown
    result["stages"] = {m[1]: float(m[2]) for m in _LAP.finditer(r.stdout + r.stderr)}
    return result


def floor(raw: Path) -> float:
    t = time.perf_counter()
    n = 0
    for p in sorted(raw.iterdir()):
        n += len(FLOOR_RE.findall(p.read_bytes().decode("utf-8", "replace")))
    return time.perf_counter() - t


def corpus(work: Path, n: int) -> Path:
    import synth

    raw = work / f"raw-{n}"
    have = len(list(raw.glob("syn_*.txt"))) if raw.exists() else 0
    if have != n:
        shutil.rmtree(raw, ignore_errors=True)
        synth.generate(n, raw)
    return raw


def line(label: str, r: dict) -> str:
    rate = r["files"] / r["wall"]
    return (f"  {label:<18} {r['wall']:8.1f} s  {rate:8.0f} files/s  peak RSS "
            f"{r['rss_mb']:6.0f} MB  releases {r['releases']}  published {r['published']}")


def stage_line(r: dict) -> str:
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in r.get("stages", {}).items())
    return f"  {'':<18} stages: {stages}" if stages else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    ap.add_argument("--work", type=Path, default=Path("/tmp/kzdiplo-bench"))
    ap.add_argument("--stages", action="store_true", help="also time each stage without Prefect")
    ap.add_argument("--runner", default="local", choices=["local", "threads", "dask"])
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    home = args.work / "prefect-home"
    shutil.rmtree(home, ignore_errors=True)
    server, env, started = start_server(home)
    print(f"Prefect server start: {started:.1f} s (not counted below); cores: {os.cpu_count()}")
    results = {}
    try:
        for n in args.sizes:
            raw = corpus(args.work, n)
            out, cache = args.work / f"out-{n}", args.work / f"cache-{n}"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            fl = floor(raw)
            print(f"{n} files: floor (read + one regex) {fl:.2f} s ({n / fl:,.0f} files/s)")
            full = build(env, raw, out, cache, args.runner)
            print(line("full build", full) + f"  ratio to floor {full['wall'] / fl:.0f}x")
            print(stage_line(full))
            same = build(env, raw, out, cache, args.runner)
            print(line("no-change rebuild", same)
                  + f"  {100 * same['wall'] / full['wall']:.1f}% of full")
            import synth

            extra = synth.generate(max(1, n // 100), raw, start=n)
            try:
                new = build(env, raw, out, cache, args.runner)
            finally:
                for p in extra:
                    p.unlink(missing_ok=True)
            print(line("1%-new rebuild", new)
                  + f"  {100 * new['wall'] / full['wall']:.1f}% of full")
            print(stage_line(new))
            results[n] = {"floor": fl, "full": full, "no_change": same, "one_percent": new}
            if args.stages:
                r = subprocess.run([PY, "-c", _STAGES, str(raw)], env=env, cwd=ROOT,
                                   capture_output=True, text=True)
                stages_line = [x for x in r.stdout.splitlines() if x.startswith("RESULT ")]
                if stages_line:
                    t = json.loads(stages_line[-1][7:])
                    results[n]["stages"] = t
                    print("  stages (no Prefect, one process): "
                          + ", ".join(f"{k} {v:.1f} s" for k, v in t.items()))
    finally:
        server.terminate()
        server.wait(timeout=30)
    (args.work / "results.json").write_text(json.dumps(results, indent=2))
    if len(results) >= 2:
        sizes = sorted(results)
        a, b = results[sizes[-2]]["full"], results[sizes[-1]]["full"]
        print(f"peak RSS {sizes[-1]} / {sizes[-2]}: {b['rss_mb'] / a['rss_mb']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
