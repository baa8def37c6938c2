"""What runs inside the worker processes: top-level functions taking paths, never bytes."""

from __future__ import annotations

import fcntl
import os
import resource
import signal
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..compose.estimate import Estimate, estimate_gif
from ..compose.gif import ComposeResult, Source, warm_up
from ..compose.images import harden_pillow
from ..compose.options import ComposeOptions
from ..compose.sizing import compose_within
from ..lifetime import die_with_parent
from ..storage.files import no_room_is_storage_full

# CPU seconds one job may use (set by init_worker): a backstop behind the parent's wall-clock
# limit, for a worker the parent cannot reach. Past it the kernel stops the process.
_cpu_budget_s = 0


def init_worker(max_pixels: int, memory_bytes: int, cpu_budget_s: int) -> None:
    """The pool's initializer: workers start fresh (forkserver), so every guard is set here."""
    global _cpu_budget_s
    harden_pillow(max_pixels)
    # One image cannot take the host: allocations past this fail (MemoryError), not the box.
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    _cpu_budget_s = cpu_budget_s
    # Ctrl-C reaches the whole process group; the parent stops the workers in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker leads its own process group, so stopping it stops what it started (gifsicle),
    # and it dies with the forkserver, which dies with the service (service/pool/forkserver.py).
    os.setpgid(0, 0)
    die_with_parent()
    with tempfile.TemporaryDirectory(prefix="gifsvc-warm-up-") as directory:
        warm_up(directory)  # the first request should not pay for loading the libraries


def ping() -> int:
    """Proves the worker is up, and tells the parent which process to stop if it overruns."""
    return os.getpid()


def compose_job(
    sources: Sequence[Source], options: ComposeOptions, out_path: str, max_pixels: int
) -> ComposeResult:
    """Compose into out_path, holding its flock so cleanup never takes a file being written."""
    try:
        with _cpu_budget(), no_room_is_storage_full("write the GIF"), open(out_path, "wb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            return compose_within(sources, options, out_path, max_pixels)
    except BaseException:
        Path(out_path).unlink(missing_ok=True)  # a failed composition leaves nothing
        raise


def estimate_job(
    sources: Sequence[Source],
    options: ComposeOptions,
    positions: Sequence[int],
    out_path: str,
    max_pixels: int,
) -> Estimate:
    with _cpu_budget():
        return estimate_gif(sources, options, out_path, max_pixels, positions)


@contextmanager
def _cpu_budget() -> Iterator[None]:
    """RLIMIT_CPU counts the process's whole life: allow this job its budget on top."""
    if not _cpu_budget_s:
        yield
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime) + _cpu_budget_s
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, hard))
