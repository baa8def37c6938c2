"""The process pool under pressure: a full queue, a dying worker, a composition that overruns."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from PIL import Image

from service.settings import Settings
from service.web.keys import POOL

from .conftest import (
    MULTIPART_B,
    SLOW_LIMITS,
    ClientFactory,
    eventually,
    files_on_disk_after,
    files_under,
    form,
    png_bytes,
    published_gifs,
    raw_multipart,
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
    assert resp.status == 413
    assert "Retry-After" not in resp.headers  # the same job would fail the same way
    error = (await resp.json())["error"]
    assert error["code"] == "too_much_work"
    assert "0.5 s" in error["message"] and "fewer frames" in error["message"]
    await eventually(lambda: process_gone(worker), "the overrunning worker stopped", 4)
    after = await client.post("/api/gifs", data=form(("a.png", png_bytes())))
    assert after.status == 201
    assert list(published_gifs(settings)) == [f"{(await after.json())['id']}.gif"]
    assert not any(p.name.endswith(".part") for p in files_under(settings.data_dir))


def children_of(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for t in tasks for c in (t / "children").read_text().split()]
    except FileNotFoundError:
        return []


@pytest.fixture(scope="module")
def noise_pngs() -> list[bytes]:
    """Frames gifsicle spends a while on: noise, which nothing compresses."""
    frames = []
    for seed in range(8):
        buffer = io.BytesIO()
        Image.effect_noise((800, 800), 60 + seed).convert("RGB").save(buffer, "PNG")
        frames.append(buffer.getvalue())
    return frames


async def test_a_killed_worker_takes_its_gifsicle_along(
    make_client: ClientFactory, noise_pngs: list[bytes], tmp_path: Path
):
    if shutil.which("gifsicle") is None:
        pytest.skip("gifsicle is not installed (scripts/install installs it)")
    client = await make_client(
        workers=1, max_files=30, max_file_bytes=4 << 20, max_request_bytes=100 << 20
    )
    [worker] = client.app[POOL].worker_pids()
    body = raw_multipart(*[("photo", f"{i}.png", frame) for i, frame in enumerate(noise_pngs)])
    request = asyncio.create_task(
        client.post("/api/gifs", data=io.BytesIO(body), headers=MULTIPART_B)
    )
    await eventually(lambda: bool(children_of(worker)), "the worker started gifsicle", 60)
    [gifsicle] = children_of(worker)
    os.kill(worker, signal.SIGKILL)
    await eventually(lambda: process_gone(gifsicle), "gifsicle died with its worker", 0.3)
    resp = await request
    assert resp.status == 500
    assert files_under(tmp_path / "data") == []  # no GIF, no .part, no gifsicle copy
