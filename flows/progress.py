"""Progress of a long build: releases processed, rate and time left, logged every few seconds."""

from __future__ import annotations

import time
from collections.abc import Callable


class Progress:
    """Call `advance(n)` as batches finish; it reports at most every `every` seconds.

    Reports go to `report` (the flow's logger: shown on a terminal, silent with `--quiet`).
    """

    def __init__(self, total: int, report: Callable[[str], None], *, what: str = "releases",
                 every: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.done, self.what = total, 0, what
        self._report, self._every, self._clock = report, every, clock
        self._start = self._last = clock()

    def line(self) -> str:
        elapsed = max(self._clock() - self._start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = f"{left:.0f} s left" if left != float("inf") else "time left unknown"
        pct = 100 * self.done / self.total if self.total else 100.0
        return (f"{self.done:,}/{self.total:,} {self.what} ({pct:.0f}%), "
                f"{rate:,.0f}/s, {eta}")

    def advance(self, n: int) -> None:
        self.done += n
        now = self._clock()
        if self.done >= self.total or now - self._last >= self._every:
            self._last = now
            self._report(self.line())
