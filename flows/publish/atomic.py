"""Swap a fully written staging folder into place so readers never see a half-written build."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def staging_dir(target: Path) -> Path:
    """A new empty folder beside `target` (same file system, so renames are atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    path.chmod(0o755)  # mkdtemp makes it private; the published folder is for everyone
    return path


def recover(target: Path) -> None:
    """Finish or undo a swap that a killed run left half done (fallback path only)."""
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists() and not target.exists():
        previous.rename(target)
    elif previous.exists():
        shutil.rmtree(previous, ignore_errors=True)


def swap_in(staging: Path, target: Path) -> None:
    """Replace folder `target` with `staging` in one atomic step, then remove the old one."""
    recover(target)
    if not target.exists():
        staging.rename(target)
        return
    if _renameat2_exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous build
        return
    # No atomic exchange here: two renames, which `recover` completes after a crash between them.
    previous = target.with_name(f".{target.name}.previous")
    target.rename(previous)
    staging.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def replace_file(path: Path, content: bytes) -> None:
    """Write `content` to `path` atomically (temporary file + rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def clean_stale(target: Path) -> None:
    """Remove staging folders of killed runs."""
    for p in target.parent.glob(f".{target.name}.staging-*"):
        shutil.rmtree(p, ignore_errors=True)
