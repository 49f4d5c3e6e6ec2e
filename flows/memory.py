"""Keep the flow process's memory from growing with the number of task results it receives.

glibc raises its mmap threshold each time a large block allocated with mmap is freed, up to
32 MiB. The batches of results that worker processes send back (a few MB each, unpickled in
Prefect's threads) then come from the threads' malloc arenas instead, and those arenas keep the
freed memory: measured, the flow's resident memory grew by about twice the size of every result
it had received, whatever it still held (Python's own allocations stayed flat). Fixing the
threshold at glibc's default keeps large blocks in mmap, returned to the system when freed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
THRESHOLD = 128 * 1024  # glibc's initial value


def fix_mmap_threshold() -> bool:
    """Fix glibc's mmap threshold (no-op elsewhere); True when it was set."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, THRESHOLD))
    return False


def release_free_memory() -> None:
    """Collect garbage and hand the heap's free pages back to the system (glibc only)."""
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
