"""A real nginx in front of a real service, started the way scripts/run starts them."""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import os
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image

from service.compose.gifinfo import read_gif_info
from service.units import MIB

from .conftest import MULTIPART_B, files_under, form, png_bytes, poll_until
from .stack import RunningStack, nginx_or_skip, start_stack

LIMIT_BYTES = 40 * MIB


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    nginx_or_skip()
    running = start_stack(
        tmp_path_factory.mktemp("stack") / "data",
        GIFSVC_MAX_REQUEST_BYTES=str(LIMIT_BYTES),
        GIFSVC_MAX_FILE_BYTES=str(LIMIT_BYTES),
    )
    yield running
    assert running.stop() == 0, running.log.read_text()


def raw_get(stack: RunningStack, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET with the path sent exactly as written (no client-side normalising)."""
    host, port = urllib.parse.urlsplit(stack.url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


async def upload(stack: RunningStack, data: Any, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{stack.url}/api/gifs", data=data, **kwargs) as resp,
    ):
        return resp.status, await resp.json(), dict(resp.headers)


async def test_nginx_serves_the_published_gif_with_download_headers(stack: RunningStack):
    status, body, _ = await upload(
        stack, form(("a.png", png_bytes()), ("b.png", png_bytes((0, 9, 0))))
    )
    assert status == 201, body
    code, headers, content = raw_get(stack, body["url"])
    assert code == 200
    assert headers["server"] == "nginx"  # from disk, not proxied to aiohttp
    assert headers["content-type"] == "image/gif"
    assert headers["content-disposition"] == f'attachment; filename="{body["id"]}.gif"'
    assert headers["x-content-type-options"] == "nosniff"
    assert content == (stack.data_dir / "downloads" / f"{body['id']}.gif").read_bytes()
    assert read_gif_info(str(stack.data_dir / "downloads" / f"{body['id']}.gif")).frames == 2
    code, headers, _ = raw_get(stack, body["url"] + "?inline=1")
    assert code == 200 and headers["content-disposition"] == "inline"


async def test_aiohttp_behind_nginx_does_not_serve_downloads(stack: RunningStack):
    status, body, _ = await upload(stack, form(("a.png", png_bytes())))
    assert status == 201
    async with aiohttp.ClientSession() as session, session.get(stack.app_url + body["url"]) as resp:
        assert resp.status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/download/",
        "/download",
        "/download/../pyproject.toml",
        "/download/..%2f..%2fpyproject.toml",
        "/download..%2fpyproject.toml",
        "/downloads/",
        "/download/%2e%2e/%2e%2e/etc/passwd",
        "/download/0123456789abcdef0123456789abcdef.gif",
        "/download/0123456789ABCDEF0123456789ABCDEF.gif",
        "/download/0123456789abcdef0123456789abcdef.gif/",
        "/download/.0123456789abcdef0123456789abcdef.gif.part",
        "/download/nginx.conf",
        "/download/../nginx/nginx.conf",
        "/download/..%2fnginx%2fnginx.conf",
    ],
)
def test_no_listing_no_traversal_only_gif_names(stack: RunningStack, path: str):
    (stack.data_dir / "downloads" / ".0123456789abcdef0123456789abcdef.gif.part").write_bytes(b"x")
    code, _, content = raw_get(stack, path)
    assert code in (400, 404)
    assert b"GIF8" not in content and b"daemon" not in content and b"[project]" not in content
    assert b"<a href" not in content  # no autoindex


def test_oversized_declared_body_gets_nginx_413_as_json(stack: RunningStack):
    host, port = urllib.parse.urlsplit(stack.url).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("POST", "/api/gifs")
    conn.putheader("Content-Type", MULTIPART_B["Content-Type"])
    conn.putheader("Content-Length", str(LIMIT_BYTES + 1))
    conn.endheaders()
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    assert resp.status == 413
    assert resp.getheader("Server") == "nginx"
    assert body["error"]["code"] == "request_too_large"
    assert "40 MiB" in body["error"]["message"]


async def test_large_upload_streams_through_nginx_to_the_spool(stack: RunningStack):
    """With request buffering off, bytes reach the service's spool while the client still sends."""
    pixels = Image.frombytes("RGB", (3000, 3000), os.urandom(3000 * 3000 * 3))
    buffer = io.BytesIO()
    pixels.save(buffer, "PNG", compress_level=0)
    big = buffer.getvalue()
    assert len(big) > 25 * MIB
    resume = asyncio.Event()
    spooled_mid_upload: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        yield b'--B\r\nContent-Disposition: form-data; name="photo"; filename="big.png"\r\n\r\n'
        half = len(big) // 2
        for start in range(0, half, MIB):
            yield big[start : min(start + MIB, half)]
        await resume.wait()
        for start in range(half, len(big), MIB):
            yield big[start : start + MIB]
        yield b"\r\n--B--\r\n"

    async def watch_spool() -> None:
        for _ in range(500):
            sizes = [p.stat().st_size for p in files_under(stack.data_dir / "spool")]
            if sum(sizes) >= len(big) // 3:
                spooled_mid_upload.append(sum(sizes))
                break
            await asyncio.sleep(0.02)
        resume.set()

    watcher = asyncio.create_task(watch_spool())
    status, result, _ = await upload(stack, body(), headers=MULTIPART_B)
    await watcher
    assert spooled_mid_upload, "nothing reached the spool before the upload finished"
    assert status == 201, result
    assert (result["width"], result["height"]) == (1280, 1280)
    assert files_under(stack.data_dir / "spool") == []


async def test_error_answers_pass_through_nginx_unchanged(stack: RunningStack):
    status, body, _ = await upload(stack, form(("notes.txt", b"plain text")))
    assert status == 415
    assert body["error"] == {
        "code": "unsupported_image",
        "message": "notes.txt is not a PNG, JPEG, GIF, WebP or BMP image.",
        "field": "notes.txt",
    }


def test_sigterm_to_the_process_group_stops_nginx_and_aiohttp(tmp_path: Path):
    nginx_or_skip()
    # A second instance beside the module's: its own ports and data directory.
    second = start_stack(tmp_path / "second")
    pid_file = tmp_path / "second" / "nginx" / "nginx.pid"
    nginx_pid = int(pid_file.read_text())
    assert second.stop() == 0
    assert not Path(f"/proc/{nginx_pid}").exists()
    with pytest.raises(OSError):
        raw_get(second, "/healthz")


def test_children_stop_when_the_launcher_is_killed(tmp_path: Path):
    nginx_or_skip()
    orphaned = start_stack(tmp_path / "orphaned")
    nginx_pid = int((tmp_path / "orphaned" / "nginx" / "nginx.pid").read_text())
    orphaned.process.kill()  # SIGKILL: the launcher cannot forward anything
    orphaned.process.wait()
    poll_until(lambda: not Path(f"/proc/{nginx_pid}").exists(), "nginx died with its launcher", 15)
    with pytest.raises(OSError):
        raw_get(orphaned, "/healthz")
