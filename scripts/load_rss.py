"""Resident memory of the service and its workers, sampled from /proc while a case runs.

The aiohttp process (`python -m service`) is a child of the stack's launcher; its workers are
children of the forkserver process, which is a child of the aiohttp process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

SAMPLE_INTERVAL_S = 0.1


@dataclass
class RssPeaks:
    """The highest figures seen, in KiB: the service, all workers together, any one worker."""

    service_kib: int = 0
    workers_sum_kib: int = 0
    worker_max_kib: int = 0
    workers_seen: set[int] = field(default_factory=set)

    def figures(self) -> dict[str, int]:
        return {
            "service_peak_kib": self.service_kib,
            "workers_peak_sum_kib": self.workers_sum_kib,
            "worker_peak_max_kib": self.worker_max_kib,
            "workers_seen": len(self.workers_seen),
        }


def rss_kib(pid: int) -> int:
    """VmRSS of the process, or 0 when it is gone (a worker replaced mid-sample)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def service_pid(launcher_pid: int) -> int:
    """The aiohttp process among the launcher's children (the other one is nginx)."""
    [pid] = [p for p in child_pids(launcher_pid) if command(p).rstrip().endswith("-m service")]
    return pid


def worker_pids(app_pid: int) -> list[int]:
    forkservers = [p for p in child_pids(app_pid) if "multiprocessing.forkserver" in command(p)]
    return [worker for server in forkservers for worker in child_pids(server)]


class RssSampler:
    """Samples every 100 ms in a thread (bounded by max_samples) between enter and exit."""

    def __init__(self, app_pid: int, max_samples: int) -> None:
        self.app_pid, self.max_samples = app_pid, max_samples
        self.peaks = RssPeaks()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()  # at least one sample, however short the case

    def _run(self) -> None:
        for _ in range(self.max_samples):
            self.sample()
            if self._stop.wait(SAMPLE_INTERVAL_S):
                return

    def sample(self) -> None:
        peaks = self.peaks
        peaks.service_kib = max(peaks.service_kib, rss_kib(self.app_pid))
        workers = {pid: rss_kib(pid) for pid in worker_pids(self.app_pid)}
        peaks.workers_seen.update(workers)
        peaks.workers_sum_kib = max(peaks.workers_sum_kib, sum(workers.values()))
        peaks.worker_max_kib = max([peaks.worker_max_kib, *workers.values()])
