"""Publishing into the download directory: all of a GIF or nothing, and expiry by mtime."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from service.storage.local import LocalStorage

from .conftest import files_under


def _write(path: str, data: bytes) -> None:
    """What a worker does with the path it is given (a plain function: no event loop here)."""
    Path(path).write_bytes(data)


async def test_publish_moves_the_written_file_into_place(tmp_path: Path):
    storage = LocalStorage(tmp_path, ttl_s=60)
    seen: list[str] = []

    async def write(path: str) -> int:
        seen.append(path)
        _write(path, b"GIF89a")
        return 6

    published = await storage.publish(write)
    assert published.made == 6
    assert Path(seen[0]).name == f".{published.gif_id}.gif.part"
    assert files_under(tmp_path) == [tmp_path / f"{published.gif_id}.gif"]
    assert published.expires_at == pytest.approx(time.time() + 60, abs=5)
    assert storage.live_gif(f"{published.gif_id}.gif") == tmp_path / f"{published.gif_id}.gif"


async def test_a_failed_writer_leaves_nothing(tmp_path: Path):
    storage = LocalStorage(tmp_path, ttl_s=60)

    async def write(path: str) -> None:
        _write(path, b"half a GIF")
        raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError):
        await storage.publish(write)
    assert files_under(tmp_path) == []


def test_live_gif_refuses_other_names_and_expired_gifs(tmp_path: Path):
    storage = LocalStorage(tmp_path, ttl_s=60)
    old = tmp_path / f"{'a' * 32}.gif"
    old.write_bytes(b"GIF89a")
    os.utime(old, (time.time() - 61, time.time() - 61))
    (tmp_path / "notes.txt").write_text("x")
    assert storage.live_gif(old.name) is None
    assert storage.live_gif("notes.txt") is None
    assert storage.live_gif(f"{'b' * 32}.gif") is None
