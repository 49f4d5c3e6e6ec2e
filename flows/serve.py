"""`kzdiplo serve`: the build as a Prefect deployment served from this process, on a schedule.

    kzdiplo serve                          # daily at 03:00 (cron "0 3 * * *")
    kzdiplo serve --cron "*/30 * * * *"    # any cron schedule
    kzdiplo serve --interval 3600          # or every N seconds

Each scheduled run is an incremental build (see flows/cache.py): with nothing new it finishes in
seconds and publishes nothing; overlapping runs take turns at publishing (flows/lock.py).
"""

from __future__ import annotations

from typing import Any

DEFAULT_CRON = "0 3 * * *"


def serve(*, raw: str, out: str, cache: str | None, cron: str | None = DEFAULT_CRON,
          interval: float | None = None, name: str = "scheduled-build",
          limit: int | None = None) -> None:
    """Serve `build_dataset` with a cron (or interval) schedule until interrupted."""
    from flows.pipeline import build_dataset

    schedule: dict[str, Any] = (
        {"interval": interval} if interval else {"cron": cron or DEFAULT_CRON})
    build_dataset.serve(name=name, limit=limit, **schedule,
                        parameters={"raw_dir": raw, "out_dir": out, "cache_dir": cache})
