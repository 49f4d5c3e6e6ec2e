"""`kzdiplo serve`: the build as a Prefect deployment served from this process, on a schedule.

    kzdiplo serve                          # daily at 03:00 (cron "0 3 * * *")
    kzdiplo serve --cron "*/30 * * * *"    # any cron schedule
    kzdiplo serve --interval 3600          # or every N seconds

Prefect's embedded (ephemeral) server does not run the scheduler, so without `PREFECT_API_URL`
this starts a local Prefect server (`prefect server start` on 127.0.0.1, state under
`PREFECT_HOME`) for as long as it serves, and stops it on exit; with `PREFECT_API_URL` set it
serves against that server. Each scheduled run is an incremental build (see flows/cache.py):
with nothing new it finishes in seconds and publishes nothing; overlapping runs take turns at
publishing (flows/lock.py).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEFAULT_CRON = "0 3 * * *"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def local_server(timeout: float = 180.0) -> Iterator[str]:
    """The API URL of a Prefect server: `PREFECT_API_URL`, or a local one started here."""
    if url := os.environ.get("PREFECT_API_URL"):
        yield url
        return
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    prefect = Path(sys.executable).with_name("prefect")
    cmd = [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the local Prefect server did not start on port {port}")
            time.sleep(0.5)
        os.environ["PREFECT_API_URL"] = url
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def serve(*, raw: str, out: str, cache: str | None, cron: str | None = DEFAULT_CRON,
          interval: float | None = None, name: str = "scheduled-build",
          limit: int | None = None) -> None:
    """Serve `build_dataset` with a cron (or interval) schedule until interrupted."""
    schedule: dict[str, Any] = (
        {"interval": interval} if interval else {"cron": cron or DEFAULT_CRON})
    with local_server():
        from flows.pipeline import build_dataset  # after PREFECT_API_URL is set

        build_dataset.serve(name=name, limit=limit, **schedule,
                            parameters={"raw_dir": raw, "out_dir": out, "cache_dir": cache})
