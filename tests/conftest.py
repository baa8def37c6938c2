"""Shared fixtures: settings with small limits in tmp dirs, and a client on the real app."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from PIL import Image

from service.settings import Settings
from service.web.app import create_app
from service.web.keys import POOL

from .s3server import CREDENTIALS, MotoServer, objects

KIB = 1024


def png_bytes(
    colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (64, 48)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def form(*files: tuple[str, bytes], **fields: str) -> FormData:
    """A multipart form with `photo` files (name, bytes) and text fields."""
    data = FormData()
    for name, value in fields.items():
        data.add_field(name, value)
    for filename, content in files:
        data.add_field("photo", content, filename=filename, content_type="application/octet-stream")
    return data


def raw_multipart(*parts: tuple[str, str | None, bytes], boundary: str = "B") -> bytes:
    """A multipart/form-data body built by hand: (field name, filename or None, content)."""
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (
            f'; filename="{filename}"' if filename is not None else ""
        )
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        body += content + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


MULTIPART_B = {"Content-Type": "multipart/form-data; boundary=B"}


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file())


STORAGE_MODES = ["local", "s3"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_storages: run once per storage backend (local directory, S3 on moto)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A module or test marked both_storages runs with GIFs published locally, then to S3."""
    marked = metafunc.definition.get_closest_marker("both_storages") is not None
    if marked and "storage_mode" in metafunc.fixturenames:
        metafunc.parametrize("storage_mode", STORAGE_MODES, indirect=True)


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """moto's S3 API server, once per run; boto3 finds its dummy credentials in the env."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in CREDENTIALS.items():
            env.setenv(name, value)
        server = MotoServer(tmp_path_factory.mktemp("moto") / "moto_server.log")
        yield server
        server.stop()


@pytest.fixture
def storage_mode(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "local"))


@pytest.fixture
def storage_settings(storage_mode: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The settings that choose the backend: nothing (local), or a fresh bucket on moto."""
    if storage_mode == "local":
        return {}
    moto: MotoServer = request.getfixturevalue("moto_server")
    return {"storage": f"s3://{moto.new_bucket()}/gifs", "s3_endpoint": moto.url}


def published_gifs(settings: Settings) -> dict[str, bytes]:
    """Every published GIF, wherever the settings publish them: `<id>.gif` -> bytes."""
    location = settings.s3_location
    if location is None:
        return {path.name: path.read_bytes() for path in files_under(settings.downloads_dir)}
    bucket, prefix = location
    client = MotoServer.client_for(settings.s3_endpoint)
    found = objects(client, bucket)
    assert all(key.startswith(f"{prefix}/") for key in found), found
    return {key.removeprefix(f"{prefix}/"): data for key, data in found.items()}


def files_on_disk_after(settings: Settings, *gif_ids: str) -> list[Path]:
    """What the data directory holds once these GIFs are published: them, or nothing (S3)."""
    if settings.s3_location is not None:
        return []
    return sorted(settings.downloads_dir / f"{gif_id}.gif" for gif_id in gif_ids)


@pytest.fixture
def settings(tmp_path: Path, storage_settings: dict[str, Any]) -> Iterator[Settings]:
    """Small limits in a tmp data dir; after the test, whatever it did, the spool is empty."""
    settings = Settings.from_env(
        {},
        **storage_settings,
        data_dir=tmp_path / "data",
        workers=1,
        queue=2,
        max_files=5,
        max_file_bytes=256 * KIB,
        max_request_bytes=512 * KIB,
        max_pixels=1_000_000,
        max_side=640,
        compose_timeout=20.0,
    )
    yield settings
    assert files_under(settings.spool_dir) == [], "a request left spooled files behind"


ClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]


@pytest.fixture
async def make_client(aiohttp_client: Any, settings: Settings) -> ClientFactory:
    """A test client on create_app(settings), with optional setting overrides."""

    async def make(**overrides: Any) -> TestClient[Any, Any]:
        merged = Settings(**{**settings.__dict__, **overrides})
        client: TestClient[Any, Any] = await aiohttp_client(create_app(merged))
        return client

    return make


@pytest.fixture
async def client(make_client: ClientFactory) -> TestClient[Any, Any]:
    return await make_client()


@pytest.fixture(scope="session")
def slow_png() -> bytes:
    """A 5000x5000 image: tiny in bytes, about a second of a worker's time per frame."""
    buffer = io.BytesIO()
    Image.new("RGB", (5000, 5000), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


SLOW_LIMITS = {"max_pixels": 30_000_000, "max_side": 1280}


async def eventually(
    condition: Callable[[], bool], what: str, timeout_s: float = 10.0, every_s: float = 0.01
) -> None:
    """Wait until condition() holds; fails naming `what` if it has not within timeout_s."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:g} s")
        await asyncio.sleep(every_s)


def poll_until(
    condition: Callable[[], bool], what: str, timeout_s: float = 10.0, every_s: float = 0.05
) -> None:
    """eventually(), for tests that drive real processes from plain (non-async) code."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:g} s")
        time.sleep(every_s)


async def wait_until_busy(client: TestClient[Any, Any], busy: int = 1) -> None:
    """Wait until the pool runs `busy` compositions (the app's real pool, observed)."""
    await eventually(lambda: client.app[POOL].busy >= busy, "the composition started")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mounts a tmpfs of the given size ("512k") to fill up; mounting needs root (CI has it)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root")
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        path = tmp_path / f"disk{len(mounted)}"
        path.mkdir()
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True
        )
        mounted.append(path)
        return path

    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], check=True)
