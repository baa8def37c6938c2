"""The process pool that composes GIFs, with bounded admission and per-job time limits.

Each worker is its own single-process ProcessPoolExecutor (a "slot"): when one dies or overruns,
only that slot is killed and rebuilt, so the failure costs its own request and nobody else's.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from typing import TypeVar

from ..compose.gif import ComposeResult, Source
from ..compose.options import ComposeOptions
from ..errors import Busy, ComposeFailed, GifError, TooMuchWork
from .jobs import compose_job, init_worker, ping

log = logging.getLogger(__name__)
T = TypeVar("T")
# How long a killed worker's process group may take to go (SIGKILL: milliseconds).
GROUP_EXIT_S = 2.0


@dataclass
class _Slot:
    executor: ProcessPoolExecutor
    pid: asyncio.Future[int]  # the worker's process id, once it has started


class ComposerPool:
    def __init__(
        self,
        workers: int,
        queue: int,
        timeout_s: float,
        max_pixels: int,
        memory_bytes: int = 2 << 30,
    ) -> None:
        self.workers, self.queue, self.timeout_s = workers, queue, timeout_s
        self._max_pixels = max_pixels
        # Twice the wall-clock limit in CPU seconds: the kernel's backstop, never the first.
        self._init_args = (max_pixels, memory_bytes, int(timeout_s * 2) + 5)
        self._free: asyncio.Queue[_Slot] = asyncio.Queue()
        self._slots: list[_Slot] = []
        self._waiting = 0
        self._closed = False
        # Forkserver: workers start from a clean, preloaded process, not a fork of a threaded
        # event loop; so they inherit nothing, and init_worker sets Pillow's guards.
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["service.pool.forkserver", "service.pool.jobs"])

    async def start(self) -> None:
        slots = [self._new_slot() for _ in range(self.workers)]
        await asyncio.gather(*(slot.pid for slot in slots))
        for slot in slots:
            self._free.put_nowait(slot)

    async def close(self) -> None:
        self._closed = True
        await asyncio.gather(*(asyncio.to_thread(s.executor.shutdown, True) for s in self._slots))

    @property
    def alive(self) -> bool:
        return not self._closed

    @property
    def busy(self) -> int:
        return self.workers - self._free.qsize()

    @property
    def waiting(self) -> int:
        return self._waiting

    def worker_pids(self) -> list[int]:
        """The worker processes' ids (for health reports and for tests that kill one)."""
        return [pid for slot in self._slots if (pid := _started_pid(slot)) is not None]

    def is_full(self) -> bool:
        """True when a new composition would be refused right now."""
        return self._free.empty() and self._waiting >= self.queue

    async def compose(
        self, sources: Sequence[Source], options: ComposeOptions, out_path: str
    ) -> ComposeResult:
        return await self.run(compose_job, sources, options, out_path)

    async def run(self, job: Callable[..., T], *args: object) -> T:
        """job(*args, max_pixels) in a worker, admitted, time-limited, and isolated."""
        slot = await self._acquire()
        try:
            return await self._run(slot, job, args)
        except BrokenProcessPool:
            slot = await self._replace(slot)
            raise ComposeFailed(
                "A worker stopped while composing this GIF; please try again."
            ) from None
        except TimeoutError:
            slot = await self._replace(slot)
            raise TooMuchWork(
                f"Composing this GIF took longer than {self.timeout_s:g} s and was stopped. "
                "Make the job smaller: fewer frames, a smaller width, or smaller images."
            ) from None
        except GifError:
            raise
        except Exception:
            log.exception("composition failed")
            raise ComposeFailed() from None
        except asyncio.CancelledError:
            slot = await self._replace(slot)  # nobody waits for the result: stop burning CPU on it
            raise
        finally:
            self._free.put_nowait(slot)

    async def _acquire(self) -> _Slot:
        if self._free.empty() and self._waiting >= self.queue:
            raise Busy()
        self._waiting += 1
        try:
            return await self._free.get()
        finally:
            self._waiting -= 1

    async def _run(self, slot: _Slot, job: Callable[..., T], args: tuple[object, ...]) -> T:
        await slot.pid
        call = functools.partial(job, *args, self._max_pixels)
        running = asyncio.get_running_loop().run_in_executor(slot.executor, call)
        return await asyncio.wait_for(running, self.timeout_s)

    def _new_slot(self) -> _Slot:
        executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=self._context,
            initializer=init_worker,
            initargs=self._init_args,
        )
        pid = asyncio.get_running_loop().run_in_executor(executor, ping)
        slot = _Slot(executor, pid)
        self._slots.append(slot)
        return slot

    async def _replace(self, slot: _Slot) -> _Slot:
        """Kill the slot's worker (it may be stuck or dead) and what it started, wait until
        they are gone (a killed process may still finish the write it was in, and the request's
        cleanup must come after it), and give the slot a fresh worker."""
        if (pid := _started_pid(slot)) is not None:
            with suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)  # its group: the worker and what it started
            await _group_gone(pid)
        slot.executor.shutdown(wait=False, cancel_futures=True)
        self._slots.remove(slot)
        return self._new_slot()


async def _group_gone(pgid: int, timeout_s: float = GROUP_EXIT_S) -> None:
    """Until no process of the group is left (its parent reaps a killed worker at once)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        await asyncio.sleep(0.01)
    log.warning("worker group %s still has processes %.1f s after SIGKILL", pgid, timeout_s)


def _started_pid(slot: _Slot) -> int | None:
    pid = slot.pid
    if pid.done() and not pid.cancelled() and pid.exception() is None:
        return pid.result()
    return None
