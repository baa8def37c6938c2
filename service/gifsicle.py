"""A last pass with gifsicle -O3 where it is installed: it re-packs the LZW data and frame
bounds of what we wrote, for a few per cent fewer bytes and the same pixels; with --lossy (photo
compositions only) its LZW also accepts near matches, for a fifth fewer bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache

from .gifinfo import read_gif_info

TIMEOUT_S = 30


@cache
def gifsicle() -> str | None:
    return shutil.which("gifsicle")


def optimize(path: str, lossy: int = 0) -> bool:
    """Replace the GIF at path by gifsicle's smaller one; False if none is installed or smaller.

    lossy: gifsicle's --lossy level (0: the pixels stay exactly as written)."""
    binary = gifsicle()
    if binary is None:
        return False
    packed = f"{path}.O3"
    flags = ["-O3", "--no-warnings", *([f"--lossy={lossy}"] if lossy else [])]
    try:
        done = subprocess.run(
            [binary, *flags, path, "-o", packed],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        smaller = done.returncode == 0 and os.path.getsize(packed) < os.path.getsize(path)
        # Kept only if it plays the same (gifsicle caps merged delays at GIF's 16-bit field)
        # and frame 0 still draws with the global colour table.
        if smaller and _layout(packed) == _layout(path):
            os.replace(packed, path)
            return True
        return False
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return False  # the GIF as we wrote it is a good GIF already
    finally:
        if os.path.exists(packed):
            os.unlink(packed)


def _layout(path: str) -> tuple[list[int], bool]:
    info = read_gif_info(path)
    return info.durations_ms, info.first_frame_uses_global_table
