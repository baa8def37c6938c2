"""Starting the real stack (nginx in front of aiohttp) as scripts/run does, on free ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from service.ops.stack import find_nginx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    url: str
    app_url: str
    data_dir: Path
    log: Path

    def stop(self) -> int:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        return self.process.wait(timeout=30)


def start_stack(data_dir: Path, **env: str) -> RunningStack:
    public, app = free_port(), free_port()
    log = data_dir.parent / f"{data_dir.name}-stack.log"
    environ = os.environ | {
        "GIFSVC_DATA_DIR": str(data_dir),
        "GIFSVC_PORT": str(app),
        "GIFSVC_PUBLIC_PORT": str(public),
        "GIFSVC_WORKERS": "1",
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.ops.stack"],
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives scripts/run
        )
    stack = RunningStack(
        process, f"http://127.0.0.1:{public}", f"http://127.0.0.1:{app}", data_dir, log
    )
    _wait_healthy(stack)
    return stack


def nginx_or_skip() -> str:
    import pytest

    nginx = find_nginx()
    if nginx is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: scripts/install should have installed it")
        pytest.skip("nginx is not installed (scripts/install installs it as root)")
    return nginx


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    """Until url/healthz answers 200; raises if the process exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the service exited")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the service never became healthy")


def _wait_healthy(stack: RunningStack) -> None:
    try:
        wait_healthy(stack.url, stack.process)
    except RuntimeError as failure:
        stack.stop()
        raise RuntimeError(f"{failure}:\n{stack.log.read_text()}") from None
