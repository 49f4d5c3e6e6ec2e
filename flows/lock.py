"""An exclusive file lock around validate + publish, so overlapping builds take turns.

The lock file is `.<out>.lock` in the output's parent folder (the folder where staging folders
are made and swapped in). A second build waits for the first to publish, then compares its
tables with the freshly published ones as usual. Locks are released by the kernel when a
process dies, so a killed build never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

# A build waits this long for another to finish publishing before it gives up.
WAIT_SECONDS = 6 * 3600


class PublishLocked(RuntimeError):
    """Another build held the publish lock for longer than we were willing to wait."""


class publish_lock:
    def __init__(self, out: Path, timeout: float = WAIT_SECONDS, poll: float = 0.2) -> None:
        self.path = out.parent / f".{out.name}.lock"
        self.timeout, self.poll = timeout, poll
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise PublishLocked(f"{self.path} is held by another build") from None
                time.sleep(self.poll)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> publish_lock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
