"""Files under the data directory: each request's spool, locks, and a full disk.

- spool/<request id>/   one directory per request, removed when the request ends; its `.lock`
                        is held (flock) for as long as the request runs
(The published GIFs and their temporary names belong to service/storage/local.py.)
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StorageFull

LOCK_NAME = ".lock"
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_no_room(exc: OSError) -> bool:
    return exc.errno in _NO_ROOM


@contextmanager
def no_room_is_storage_full(what: str) -> Iterator[None]:
    """Turn 'disk full' (or over quota) into the contract's 507."""
    try:
        yield
    except OSError as exc:
        if is_no_room(exc):
            raise StorageFull(f"There is no room left to {what}; try again later.") from None
        raise


@contextmanager
def spool_dir(spool_root: Path) -> Iterator[Path]:
    """A fresh directory for one request's files; it and everything in it go when done."""
    path = spool_root / uuid.uuid4().hex
    with no_room_is_storage_full("store the upload"):
        path.mkdir(parents=True)
        lock = os.open(path / LOCK_NAME, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # cleanup skips a spool whose lock is held
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(lock)


def is_locked(path: Path) -> bool:
    """True while another process holds path's flock (a file or spool still in use)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def free_bytes(path: Path) -> int:
    stats = os.statvfs(path)
    return stats.f_bavail * stats.f_frsize


def ensure_dirs(*paths: Path) -> None:
    for path in paths:
        path.mkdir(parents=True, exist_ok=True)
