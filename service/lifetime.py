"""Processes that die with their parent, so nothing the service starts outlives it.

Linux's PR_SET_PDEATHSIG asks the kernel to signal a process when the thread that started it
ends, however it ends (kill -9 included). Each link of the chain sets it for itself: the stack's
children (nginx, aiohttp), the pool's forkserver, each worker, and the tools a worker runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # linux/prctl.h


# Looked up at import, so a child between fork and exec only calls it.
_prctl: Callable[..., int] = ctypes.CDLL(ctypes.util.find_library("c")).prctl


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Have the kernel send signum to this process when its parent ends."""
    _prctl(PR_SET_PDEATHSIG, signum)


def child_dies_with_us() -> None:
    """preexec_fn for a subprocess: it gets SIGKILL if the process that started it ends.

    It runs between fork and exec, so it only calls the C function looked up at import.
    """
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
