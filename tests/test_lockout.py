"""One address holding thousands of slow-header connections cannot lock another address out:
through the real nginx, while 3,000 connections from 127.0.0.2 dribble a header line every
2 s, 127.0.0.1 gets the page, the config, an upload and its download."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from .conftest import form, png_bytes
from .stack import RunningStack, nginx_or_skip, start_stack

SLOW_CONNECTIONS = 3000
ATTACKER = "127.0.0.2"  # the whole 127/8 is loopback: another address on this machine


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RunningStack]:
    nginx_or_skip()
    running = start_stack(tmp_path / "data")
    yield running
    running.stop()


async def _slow_client(port: int, opened: list[int], stop: asyncio.Event) -> None:
    with contextlib.suppress(OSError):
        _, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(ATTACKER, 0))
        opened.append(1)
        try:
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 2.0)
                writer.write(b"X-Slow: a header line every two seconds\r\n")
                await writer.drain()
        finally:
            writer.close()


async def _everything_a_user_does(url: str) -> list[int]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        statuses = []
        for path in ("/", "/api/config", "/healthz"):
            async with session.get(f"{url}{path}") as resp:
                statuses.append(resp.status)
        async with session.post(f"{url}/api/gifs", data=form(("a.png", png_bytes()))) as resp:
            statuses.append(resp.status)
            gif = json.loads(await resp.text())["url"]
        async with session.get(f"{url}{gif}") as resp:
            statuses.append(resp.status)
        return statuses


async def test_slow_headers_from_one_address_do_not_lock_out_another(stack: RunningStack):
    port = int(stack.url.rsplit(":", 1)[1])
    opened: list[int] = []
    stop = asyncio.Event()
    attack = [
        asyncio.create_task(_slow_client(port, opened, stop)) for _ in range(SLOW_CONNECTIONS)
    ]
    try:
        for _ in range(100):  # until every slow connection is open (or could not be)
            if len(opened) >= SLOW_CONNECTIONS:
                break
            await asyncio.sleep(0.05)
        assert len(opened) >= SLOW_CONNECTIONS
        await asyncio.sleep(2.5)  # the attack is under way: each has sent a second line
        assert await _everything_a_user_does(stack.url) == [200, 200, 200, 201, 200]
    finally:
        stop.set()
        await asyncio.gather(*attack, return_exceptions=True)
    assert "worker_connections are not enough" not in stack.log.read_text()
