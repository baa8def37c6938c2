"""`python -m service.ops.stack`: nginx and aiohttp together in the foreground (scripts/run).

nginx on the public port serves downloads and proxies the rest to aiohttp. Where nginx is not
installed, aiohttp alone listens on the public port and serves downloads itself. Ctrl-C or
SIGTERM stops both; when either one exits, the other is stopped too.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from types import FrameType

from ..lifetime import die_with_parent
from ..settings import Settings, settings_or_exit
from .nginx_conf import write_local_config

log = logging.getLogger("gifsvc.stack")
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def find_nginx() -> str | None:
    for candidate in NGINX_CANDIDATES:
        if found := shutil.which(candidate):
            return found
    return None


def commands(settings: Settings, nginx: str | None) -> list[tuple[list[str], dict[str, str]]]:
    """The processes to start: (argv, environment) for each."""
    service = [sys.executable, "-m", "service"]
    if nginx is None:
        port = str(settings.public_port)
        return [(service, os.environ | {"GIFSVC_PORT": port, "GIFSVC_BEHIND_NGINX": "0"})]
    conf = write_local_config(settings)
    prefix = str(settings.nginx_dir.resolve())
    return [
        (service, os.environ | {"GIFSVC_BEHIND_NGINX": "1"}),
        ([nginx, "-p", prefix, "-c", str(conf), "-e", "stderr"], dict(os.environ)),
    ]


def run(settings: Settings) -> int:
    nginx = find_nginx()
    _say_what_runs(settings, nginx)
    procs = [
        # Each child gets its own process group, so a signal to ours reaches it once, from us
        # (aiohttp treats a second SIGTERM during its graceful shutdown as a failure), and it
        # is told to stop if this launcher itself dies.
        subprocess.Popen(argv, env=env, process_group=0, preexec_fn=_die_with_parent)
        for argv, env in commands(settings, nginx)
    ]

    def stop(signum: int, _frame: FrameType | None) -> None:
        _stop_all(procs)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(p.poll() is None for p in procs):
        time.sleep(0.2)
    first = next(p for p in procs if p.returncode is not None)
    _stop_all(procs)
    _wait_all(procs, grace_s=settings.compose_timeout + 10)
    for proc in procs:
        log.info("%s exited with status %s", _name(proc), proc.returncode)
    return first.returncode or 0


def _say_what_runs(settings: Settings, nginx: str | None) -> None:
    if nginx is None:
        log.warning(
            "nginx is not installed: aiohttp alone serves everything, downloads included, "
            "on port %s",
            settings.public_port,
        )
    else:
        log.info(
            "nginx on port %s in front of aiohttp on %s:%s",
            settings.public_port,
            settings.host,
            settings.port,
        )


def _name(proc: subprocess.Popen[bytes]) -> str:
    return os.path.basename(str(proc.args[0]))  # type: ignore[index]


def _die_with_parent() -> None:
    die_with_parent(signal.SIGTERM)  # nginx and aiohttp both stop gracefully on SIGTERM


def _stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            # nginx stops gracefully on SIGQUIT; aiohttp on SIGTERM.
            is_nginx = "nginx" in _name(proc)
            proc.send_signal(signal.SIGQUIT if is_nginx else signal.SIGTERM)


def _wait_all(procs: list[subprocess.Popen[bytes]], grace_s: float) -> None:
    deadline = time.monotonic() + grace_s
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return run(settings_or_exit("gifsvc"))


if __name__ == "__main__":
    sys.exit(main())
