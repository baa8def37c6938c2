"""A last lossless pass with gifsicle -O3 where it is installed: it re-packs the LZW data and
frame bounds of what we wrote, for a few per cent fewer bytes and the same pixels."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache

from ..lifetime import child_dies_with_us
from .gifinfo import read_gif_info

TIMEOUT_S = 30
PASS = "gifsicle -O3"
# The passes after Pillow's encoder that scripts/test and scripts/bench run: a deployed host
# must report them all on /healthz (scripts/smoke checks).
ENCODER_PASSES = (PASS,)


@cache
def gifsicle() -> str | None:
    return shutil.which("gifsicle")


def packed_path(path: str) -> str:
    """Where gifsicle writes its smaller copy of path (cleanup knows this name too)."""
    return f"{path}.O3"


def encoder_passes() -> list[str]:
    """The passes of ENCODER_PASSES this host runs (the ones whose tool is installed)."""
    return [PASS] if gifsicle() else []


def optimize(path: str) -> bool:
    """Replace the GIF at path by gifsicle's smaller one; False if none is installed or smaller."""
    binary = gifsicle()
    if binary is None:
        return False
    packed = packed_path(path)
    try:
        done = subprocess.run(
            [binary, "-O3", "--no-warnings", path, "-o", packed],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
            preexec_fn=child_dies_with_us,  # a killed worker leaves no gifsicle writing on
        )
        smaller = done.returncode == 0 and os.path.getsize(packed) < os.path.getsize(path)
        # Kept only if it plays the same: gifsicle caps merged delays at GIF's 16-bit field.
        if smaller and _timing(packed) == _timing(path):
            os.replace(packed, path)
            return True
        return False
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return False  # the GIF as we wrote it is a good GIF already
    finally:
        if os.path.exists(packed):
            os.unlink(packed)


def _timing(path: str) -> list[int]:
    return read_gif_info(path).durations_ms
