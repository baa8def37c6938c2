"""Starting the real stack (nginx in front of aiohttp) as scripts/run does, on free ports."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from service.ops.stack import find_nginx

# Below Linux's ephemeral range (32768-60999), so no outgoing connection takes a port between
# the moment it is found free and the moment nginx or aiohttp binds it.
PORTS = range(20000, 32000)


def free_port() -> int:
    """A port nothing listens or is connected on now, on every address."""
    for _ in range(1000):
        port = random.choice(PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


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


# free_port() only finds a port that was free a moment ago; another process may take it first.
PORT_TRIES = 3


def start_stack(data_dir: Path, **env: str) -> RunningStack:
    """The stack on free ports (tried again on other ports if one was taken meanwhile)."""
    for attempt in range(PORT_TRIES):
        try:
            return _start_stack(data_dir, **env)
        except PortTaken:
            if attempt == PORT_TRIES - 1:
                raise
    raise AssertionError("unreachable")


class PortTaken(RuntimeError):
    """The stack could not listen: a port free_port() found was taken before nginx bound it."""


def _start_stack(data_dir: Path, **env: str) -> RunningStack:
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
        log = stack.log.read_text()
        kind = PortTaken if "Address already in use" in log else RuntimeError
        raise kind(f"{failure}:\n{log}") from None
