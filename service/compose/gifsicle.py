"""A last pass with gifsicle -O2 where it is installed: it re-packs the LZW data and frame
bounds of what we wrote, for a few per cent fewer bytes and the same pixels on screens (photos
gain nothing from it); with --lossy (photo compositions only) its LZW also accepts near
matches, for a fifth fewer bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache

from ..lifetime import child_dies_with_us
from .gifinfo import read_gif_info
from .gifpalette import promote_first_palette

TIMEOUT_S = 30
PASS = "gifsicle 1.93"
# The passes after Pillow's encoder that scripts/test and scripts/bench run: a deployed host
# must report them all on /healthz (scripts/smoke checks).
ENCODER_PASSES = (PASS,)


@cache
def gifsicle() -> str | None:
    return shutil.which("gifsicle")


def helper_paths(path: str) -> tuple[str, str]:
    """Where gifsicle writes its copy of path, and that copy with frame 0's palette put back as
    the global one (cleanup knows these names too)."""
    return f"{path}.O3", f"{path}.O3g"


def encoder_passes() -> list[str]:
    """The passes of ENCODER_PASSES this host runs (the ones whose tool is installed)."""
    return [PASS] if gifsicle() else []


def optimize(path: str, lossy: int = 0) -> bool:
    """Replace the GIF at path by gifsicle's smaller one; False if none is installed or smaller.

    lossy: gifsicle's --lossy level (0: the pixels stay exactly as written)."""
    binary = gifsicle()
    if binary is None:
        return False
    packed, promoted = helper_paths(path)
    # Measured: on screens -O2 is within 0.3% of -O3's bytes in half the time; with --lossy
    # (photos, whose frames all differ) -O1 gives -O3's bytes in a third of the time.
    flags = ["--no-warnings", *(["-O1", f"--lossy={lossy}"] if lossy else ["-O2"])]
    try:
        done = subprocess.run(
            [binary, *flags, path, "-o", packed],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
            preexec_fn=child_dies_with_us,  # a killed worker leaves no gifsicle writing on
        )
        if done.returncode != 0:
            return False
        # gifsicle may give frame 0 a local table: frame 0's palette goes back to the global.
        promote_first_palette(packed, promoted)
        # Kept only if smaller and it plays the same (gifsicle caps merged delays at GIF's
        # 16-bit field).
        smaller = os.path.getsize(promoted) < os.path.getsize(path)
        if smaller and _timing(promoted) == _timing(path):
            os.replace(promoted, path)
            return True
        return False
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return False  # the GIF as we wrote it is a good GIF already
    finally:
        for leftover in (packed, promoted):
            if os.path.exists(leftover):
                os.unlink(leftover)


def _timing(path: str) -> list[int]:
    return read_gif_info(path).durations_ms
