"""`python -m service.cleanup`: delete expired GIFs and what failed requests left behind.

What cron runs. A GIF goes when its mtime is older than the TTL; a temporary `.part` file or a
spool directory goes when untouched for an hour. Nothing still locked (being written) is
touched, whatever its age.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ..settings import Settings, settings_or_exit
from ..storage.files import LOCK_NAME, is_locked
from ..storage.local import GIF_NAME, PART_NAME

LEFTOVER_AGE_S = 3600


def expired_gifs(downloads: Path, ttl_s: float, now: float) -> Iterator[Path]:
    for path in _entries(downloads):
        if GIF_NAME.fullmatch(path.name) and _age(path, now) > ttl_s and not is_locked(path):
            yield path


def leftovers(downloads: Path, spool: Path, now: float) -> Iterator[Path]:
    """Half-written GIFs and spool directories of requests that ended without tidying up."""
    for path in _entries(downloads):
        old = PART_NAME.fullmatch(path.name) and _age(path, now) > LEFTOVER_AGE_S
        if old and not is_locked(path):
            yield path
    for path in _entries(spool):
        old = path.is_dir() and _newest_age(path, now) > LEFTOVER_AGE_S
        if old and not is_locked(path / LOCK_NAME):
            yield path


def clean(settings: Settings, ttl_s: float, dry_run: bool, now: float | None = None) -> list[str]:
    """Remove (or with dry_run only list) what has expired; returns the removed GIFs' ids."""
    now = time.time() if now is None else now
    removed: list[str] = []
    for path in expired_gifs(settings.downloads_dir, ttl_s, now):
        if dry_run or _remove(path):
            removed.append(path.name.removesuffix(".gif"))
    if not dry_run:
        for path in leftovers(settings.downloads_dir, settings.spool_dir, now):
            _remove(path)
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.cleanup", description=__doc__)
    parser.add_argument("--ttl", type=float, help="seconds a GIF lives (default: GIFSVC_TTL)")
    parser.add_argument("--dry-run", action="store_true", help="list what would go; remove nothing")
    args = parser.parse_args(argv)
    settings = settings_or_exit("gifsvc cleanup")
    ttl_s = settings.ttl if args.ttl is None else args.ttl
    for gif_id in clean(settings, ttl_s, args.dry_run):
        print(gif_id)
    return 0


def _entries(directory: Path) -> list[Path]:
    try:
        return list(directory.iterdir())
    except FileNotFoundError:
        return []


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _newest_age(directory: Path, now: float) -> float:
    """How long since anything in the directory last changed."""
    return min([_age(directory, now), *(_age(p, now) for p in _entries(directory))])


def _remove(path: Path) -> bool:
    try:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
