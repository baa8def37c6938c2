"""Frames decoded and quantized a few at a time in threads, handed on in order.

Pillow's decoders and resampling and libimagequant release the GIL, so a composition uses every
core it is given. At most `ahead` frames are in flight per stage, so memory stays flat in the
number of frames; when other workers are busy the threads only share the cores with them.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import TypeVar

MAX_THREADS = 4  # past this the frames in flight cost memory for little time
T = TypeVar("T")
R = TypeVar("R")


def thread_count() -> int:
    """The cores this process may run on, at most MAX_THREADS."""
    return max(1, min(MAX_THREADS, len(os.sched_getaffinity(0))))


def ordered_map(
    work: Callable[[T], R], items: Iterable[T], executor: Executor, ahead: int
) -> Iterator[R]:
    """work(item) for each item, run in the executor, yielded in the items' order."""
    running: deque[Future[R]] = deque()
    try:
        for item in items:
            running.append(executor.submit(work, item))
            if len(running) > ahead:
                yield running.popleft().result()
        while running:
            yield running.popleft().result()
    finally:
        for future in running:  # a failed frame: the ones after it are not needed
            future.cancel()
