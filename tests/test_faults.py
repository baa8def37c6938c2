"""Faults: a full disk, clients that leave or trickle, a shutdown mid-composition, cleanup
racing publishes, and the limits nginx puts on one client. Nothing lost, nothing left behind."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from service.ops.cleanup import clean
from service.settings import Settings
from service.web.keys import POOL

from .conftest import (
    MULTIPART_B,
    SLOW_LIMITS,
    ClientFactory,
    eventually,
    files_under,
    form,
    png_bytes,
    poll_until,
    raw_multipart,
    wait_until_busy,
)
from .stack import nginx_or_skip, start_stack
from .test_pool import children_of, process_gone


def striped_png(path: Path) -> bytes:
    """Random columns repeated down every row: PNG stores it in a few KiB (its Up filter),
    GIF's LZW cannot, so the GIF is far larger than the upload."""
    row = Image.frombytes("RGB", (800, 1), os.urandom(800 * 3))
    image = row.resize((800, 600), Image.Resampling.NEAREST)
    image.save(path)
    return path.read_bytes()


async def test_disk_full_while_publishing_is_507_and_leaves_nothing(
    make_client: ClientFactory, small_disk: Callable[[str], Path], tmp_path: Path
):
    disk = small_disk("1m")
    data = striped_png(tmp_path / "striped.png")
    client = await make_client(data_dir=disk, max_file_bytes=1 << 20, max_request_bytes=1 << 20)
    ballast = disk / "ballast"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    assert len(data) < 16 * 1024
    ballast.write_bytes(b"\0" * (free - 32 * 1024))  # room to spool, none for the GIF
    resp = await client.post("/api/gifs", data=form(("striped.png", data)))
    assert resp.status == 507, await resp.text()
    assert (await resp.json())["error"]["code"] == "storage_full"
    assert [p for p in files_under(disk) if p != ballast] == []
    ballast.unlink()  # space returns: the service recovers by itself
    again = await client.post("/api/gifs", data=form(("striped.png", data)))
    assert again.status == 201


async def test_client_leaving_mid_composition_leaves_no_gif(
    make_client: ClientFactory, slow_png: bytes, settings: Settings
):
    client = await make_client(workers=1, **SLOW_LIMITS)
    body = raw_multipart(*[("photo", f"{i}.png", slow_png) for i in range(2)])
    head = (
        f"POST /api/gifs HTTP/1.1\r\nHost: x\r\nContent-Type: {MULTIPART_B['Content-Type']}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((client.host, client.port)) as sock:
        sock.sendall(head + body)
        await wait_until_busy(client)
    # The composition finishes for nobody: it must not be published. Its `.part` stays until
    # the handler has decided, so the directory is empty only once nothing was published.
    await eventually(lambda: client.app[POOL].busy == 0, "the composition ended", 30)
    await eventually(
        lambda: files_under(settings.data_dir) == [], "nothing published, no leftovers"
    )


async def test_trickling_client_is_cut_off_and_others_carry_on(
    make_client: ClientFactory, settings: Settings
):
    client = await make_client(upload_timeout=1.0)

    async def trickle() -> AsyncIterator[bytes]:
        yield b'--B\r\nContent-Disposition: form-data; name="photo"; filename="slow.png"\r\n\r\n'
        yield png_bytes()[:20]
        for _ in range(60):  # one byte every 0.1 s: far slower than the deadline allows
            await asyncio.sleep(0.1)
            yield b"\0"

    started = time.monotonic()
    slow = asyncio.create_task(client.post("/api/gifs", data=trickle(), headers=MULTIPART_B))
    quick = await client.post("/api/gifs", data=form(("quick.png", png_bytes())))
    assert quick.status == 201  # served while the slow one trickles
    cut = await slow
    assert cut.status == 400
    assert "did not finish within 1 s" in (await cut.json())["error"]["message"]
    assert time.monotonic() - started < 5
    assert files_under(settings.spool_dir) == []  # removed before the answer went out


def test_cleanup_racing_publishes_never_removes_a_fresh_gif(settings: Settings):
    """Publishing (rename into place) while cleanup sweeps: every fresh GIF survives."""
    settings.downloads_dir.mkdir(parents=True)
    settings.spool_dir.mkdir(parents=True)
    published = []
    for round_ in range(200):
        gif = settings.downloads_dir / f"{round_:032x}.gif"
        part = settings.downloads_dir / f".{round_:032x}.gif.part"
        part.write_bytes(b"GIF89a")
        os.replace(part, gif)
        published.append(gif)
        assert clean(settings, settings.ttl, dry_run=False) == []
    assert all(gif.exists() for gif in published)


# Big flat images (tiny files, about a second of a worker's time each) may be uploaded.
SLOW_STACK = {"GIFSVC_MAX_PIXELS": "30000000", "GIFSVC_MAX_FILE_BYTES": "2000000"}


def _busy(url: str) -> int:
    """How many compositions /healthz says are running."""
    status, _, body = get(f"{url}/healthz")
    return int(json.loads(body)["pool"]["busy"]) if status == 200 else 0


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post_png(url: str) -> tuple[int, dict[str, str], bytes]:
    body = raw_multipart(("photo", "a.png", png_bytes()))
    request = urllib.request.Request(
        f"{url}/api/gifs", data=body, headers=MULTIPART_B, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nginx_limits_uploads_per_client_with_the_contracts_busy(tmp_path: Path):
    nginx_or_skip()
    stack = start_stack(tmp_path / "limited", GIFSVC_RATE_PER_MINUTE="2")
    try:
        statuses = [post_png(stack.url) for _ in range(6)]
        assert [s for s, _, _ in statuses[:2]] == [201, 201]  # within the rate (and burst)
        refused = [(h, b) for s, h, b in statuses if s == 503]
        assert refused, [s for s, _, _ in statuses]
        headers, body = refused[0]
        assert headers["Retry-After"].isdigit()
        assert b'"code": "busy"' in body
        assert get(f"{stack.url}/healthz")[0] == 200  # GETs are not counted
    finally:
        stack.stop()


@pytest.mark.parametrize("through", ["nginx", "aiohttp"])
def test_client_gone_mid_composition_frees_the_worker_within_seconds(
    tmp_path: Path, slow_png: bytes, through: str
):
    """Abandoned uploads must not keep the workers: the real server (aiohttp does not cancel
    its handlers when a client leaves) cancels the job, and another user is served at once."""
    nginx_or_skip()
    stack = start_stack(tmp_path / "gone", **SLOW_STACK)
    url = stack.url if through == "nginx" else stack.app_url
    host, port = url.removeprefix("http://").split(":")
    body = raw_multipart(*[("photo", f"{i}.png", slow_png) for i in range(8)])  # ~8 s of work
    head = (
        f"POST /api/gifs HTTP/1.1\r\nHost: x\r\nContent-Type: {MULTIPART_B['Content-Type']}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    try:
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(head + body)
            poll_until(lambda: _busy(stack.url) >= 1, "the abandoned job started", 30)
        poll_until(lambda: _busy(stack.url) == 0, "the abandoned job stopped", 2.5)
        status, _, _ = post_png(stack.url)
        assert status == 201
    finally:
        stack.stop()


def test_sigterm_lets_running_compositions_finish(tmp_path: Path, slow_png: bytes):
    nginx_or_skip()
    stack = start_stack(tmp_path / "graceful", **SLOW_STACK)
    body = raw_multipart(*[("photo", f"{i}.png", slow_png) for i in range(3)])
    request = urllib.request.Request(
        f"{stack.url}/api/gifs", data=body, headers=MULTIPART_B, method="POST"
    )
    results: list[Any] = []

    def send() -> None:
        with urllib.request.urlopen(request, timeout=60) as resp:
            results.append(resp.status)

    import threading

    sender = threading.Thread(target=send)
    sender.start()
    poll_until(lambda: _busy(stack.url) >= 1, "the upload is in and composing", 30)
    os.killpg(stack.process.pid, signal.SIGTERM)
    sender.join(timeout=60)
    assert results == [201]
    assert stack.process.wait(timeout=30) == 0
    downloads = stack.data_dir / "downloads"
    assert [p.name for p in downloads.iterdir() if not p.name.endswith(".gif")] == []
    assert files_under(stack.data_dir / "spool") == []


async def test_every_answer_carries_the_security_headers(client: Any):
    for path in ("/", "/static/app.js", "/healthz", "/nothing"):
        resp = await client.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert resp.headers["Referrer-Policy"] == "no-referrer"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_connection_limit_spares_healthz(tmp_path: Path):
    nginx_or_skip()
    stack = start_stack(tmp_path / "conns", GIFSVC_CONNECTIONS_PER_CLIENT="2")
    host, port = stack.url.removeprefix("http://").split(":")
    head = (
        f"POST /api/gifs HTTP/1.1\r\nHost: x\r\nContent-Type: {MULTIPART_B['Content-Type']}\r\n"
        "Content-Length: 100000\r\n\r\n"
    ).encode()
    held = [socket.create_connection((host, int(port))) for _ in range(2)]
    try:
        for sock in held:
            sock.sendall(head + b"--B\r\n")  # uploads in progress, holding their connections
        # nginx counts a connection once its request headers are in: until then, another
        # upload from this address may still pass; after, it must not.
        answers: list[tuple[int, dict[str, str], bytes]] = []

        def refused() -> bool:
            answers.append(post_png(stack.url))
            return answers[-1][0] == 503

        poll_until(refused, "a third connection from the address refused")
        assert answers[-1][1]["Retry-After"].isdigit()
        assert get(f"{stack.url}/healthz")[0] == 200
    finally:
        for sock in held:
            sock.close()
        stack.stop()


def descendants(pid: int) -> list[int]:
    found = []
    for child in children_of(pid):
        found += [child, *descendants(child)]
    return found


def test_a_killed_service_takes_its_pool_along(tmp_path: Path):
    """kill -9 of aiohttp: its forkserver and workers (and what they run) go with it."""
    nginx_or_skip()
    stack = start_stack(tmp_path / "killed", GIFSVC_WORKERS="2")
    try:
        [service] = [
            pid
            for pid in children_of(stack.process.pid)
            if b"-m\0service\0" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        pool = descendants(service)
        assert len(pool) >= 3  # the forkserver and two workers, at least
        os.kill(service, signal.SIGKILL)
        poll_until(lambda: all(process_gone(pid) for pid in pool), "the pool died", 5)
    finally:
        stack.stop()
