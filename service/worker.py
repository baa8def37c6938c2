"""What runs inside the worker processes: top-level functions taking paths, never bytes."""

from __future__ import annotations

import fcntl
import os
import signal
from collections.abc import Sequence
from pathlib import Path

from .compose import ComposeResult, Source
from .images import harden_pillow
from .options import ComposeOptions
from .sizing import compose_within
from .storage import no_room_is_storage_full


def init_worker(max_pixels: int) -> None:
    """The pool's initializer: workers start fresh (forkserver), so every guard is set here."""
    harden_pillow(max_pixels)
    # Ctrl-C reaches the whole process group; the parent stops the workers in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def ping() -> int:
    """Proves the worker is up, and tells the parent which process to stop if it overruns."""
    return os.getpid()


def compose_job(
    sources: Sequence[Source], options: ComposeOptions, out_path: str, max_pixels: int
) -> ComposeResult:
    """Compose into out_path, holding its flock so cleanup never takes a file being written."""
    try:
        with no_room_is_storage_full("write the GIF"), open(out_path, "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return compose_within(sources, options, out_path, max_pixels)
    except BaseException:
        Path(out_path).unlink(missing_ok=True)  # a failed composition leaves nothing
        raise
