"""Published GIFs in the download directory, which nginx serves straight from disk.

- downloads/<id>.gif        a published GIF
- downloads/.<id>.gif.part  a GIF being written, held under its writer's flock; moved into
                            place in one step, so readers see all of it or nothing
- downloads/.<id>.gif.part.*  what the writer's tools make beside it (gifsicle's copy)
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from .files import no_room_is_storage_full

GIF_NAME = re.compile(r"^[0-9a-f]{32}\.gif$")
# A temporary name, or a writer's helper file beside it: cleanup's pattern for leftovers.
PART_NAME = re.compile(r"^\.[0-9a-f]{32}\.gif\.part(\.[A-Za-z0-9]+)?$")
T = TypeVar("T")


def new_id() -> str:
    """128 random bits: download links cannot be guessed or listed."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Published(Generic[T]):
    gif_id: str
    made: T  # what the writer returned
    expires_at: float  # seconds since the epoch


class LocalStorage:
    def __init__(self, downloads_dir: Path, ttl_s: float) -> None:
        self.downloads_dir, self.ttl_s = downloads_dir, ttl_s

    async def publish(self, write: Callable[[str], Awaitable[T]]) -> Published[T]:
        """A new GIF: write(path) fills a temporary file beside its final name, which then
        moves into place. However it ends before that, nothing is left behind."""
        gif_id = new_id()
        part = self.part_path(gif_id)
        try:
            made = await write(str(part))
            final = self.gif_path(gif_id)
            with no_room_is_storage_full("publish the GIF"):
                os.replace(part, final)
        finally:
            # Only there if something failed before the move (a killed writer's helpers too).
            for leftover in [part, *self.downloads_dir.glob(f"{part.name}.*")]:
                leftover.unlink(missing_ok=True)
        return Published(gif_id, made, final.stat().st_mtime + self.ttl_s)

    def part_path(self, gif_id: str) -> Path:
        return self.downloads_dir / f".{gif_id}.gif.part"

    def gif_path(self, gif_id: str) -> Path:
        return self.downloads_dir / f"{gif_id}.gif"

    async def live(self, name: str) -> Path | None:
        """The Storage interface's lookup: the file itself, which the caller serves."""
        return self.live_gif(name)

    def live_gif(self, name: str) -> Path | None:
        """The published GIF named `<id>.gif`, unless there is none or it has expired."""
        if GIF_NAME.fullmatch(name) is None:
            return None
        path = self.downloads_dir / name
        try:
            expired = path.stat().st_mtime + self.ttl_s < time.time()
        except FileNotFoundError:
            return None
        return None if expired else path
