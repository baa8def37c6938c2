"""The process pool under pressure: a full queue, a dying worker, a composition that overruns."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from service.settings import Settings
from service.web.keys import POOL

from .conftest import (
    SLOW_LIMITS,
    ClientFactory,
    eventually,
    files_on_disk_after,
    files_under,
    form,
    png_bytes,
    published_gifs,
    wait_until_busy,
)

Client = TestClient[Any, Any]
# A failed or refused composition publishes nothing, to the directory or to S3.
pytestmark = pytest.mark.both_storages


def slow_form(slow_png: bytes, frames: int = 4) -> Any:
    return form(*[(f"{i}.png", slow_png) for i in range(frames)])


def process_gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except FileNotFoundError:
        return True
    return state in "ZX"  # a zombie burns no CPU


async def test_full_queue_answers_busy_with_retry_after(
    make_client: ClientFactory, slow_png: bytes
):
    client = await make_client(workers=1, queue=0, **SLOW_LIMITS)
    first = asyncio.create_task(client.post("/api/gifs", data=slow_form(slow_png)))
    await wait_until_busy(client)
    refused = await client.post("/api/gifs", data=form(("a.png", png_bytes())))
    assert refused.status == 503
    assert refused.headers["Retry-After"].isdigit()
    assert (await refused.json())["error"]["code"] == "busy"
    healthz = await client.get("/healthz")
    assert healthz.status == 200  # busy is not broken
    assert (await first).status == 201


async def test_killed_worker_costs_only_its_request(
    make_client: ClientFactory, slow_png: bytes, settings: Settings
):
    client = await make_client(workers=1, queue=1, **SLOW_LIMITS)
    pool = client.app[POOL]
    [victim] = pool.worker_pids()
    doomed = asyncio.create_task(client.post("/api/gifs", data=slow_form(slow_png)))
    await wait_until_busy(client)
    os.kill(victim, signal.SIGKILL)
    resp = await doomed
    assert resp.status == 500
    assert (await resp.json())["error"]["code"] == "compose_failed"
    after = await client.post("/api/gifs", data=form(("a.png", png_bytes())))
    assert after.status == 201
    assert len(pool.worker_pids()) == 1 and victim not in pool.worker_pids()
    body = await after.json()
    assert list(published_gifs(settings)) == [f"{body['id']}.gif"]
    assert files_under(settings.data_dir) == files_on_disk_after(settings, body["id"])


async def test_overrunning_composition_is_stopped_and_answered(
    make_client: ClientFactory, slow_png: bytes, settings: Settings
):
    client = await make_client(workers=1, queue=1, compose_timeout=0.5, **SLOW_LIMITS)
    pool = client.app[POOL]
    [worker] = pool.worker_pids()
    resp = await client.post("/api/gifs", data=slow_form(slow_png))
    assert resp.status == 503
    assert "Retry-After" in resp.headers
    assert "0.5 s" in (await resp.json())["error"]["message"]
    await eventually(lambda: process_gone(worker), "the overrunning worker stopped", 4)
    after = await client.post("/api/gifs", data=form(("a.png", png_bytes())))
    assert after.status == 201
    assert list(published_gifs(settings)) == [f"{(await after.json())['id']}.gif"]
    assert not any(p.name.endswith(".part") for p in files_under(settings.data_dir))
