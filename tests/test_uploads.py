"""Streaming uploads: limits passed mid-stream, malformed bodies, clients that go away."""

from __future__ import annotations

import gzip
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from service.settings import Settings
from service.web.uploads import display_name

from .conftest import (
    KIB,
    MULTIPART_B,
    eventually,
    files_under,
    form,
    png_bytes,
    published_gifs,
    raw_multipart,
)

Client = TestClient[Any, Any]
PNG_HEAD = png_bytes()[:32]
# The limits hold whichever backend publishes: the directory, or S3.
pytestmark = pytest.mark.both_storages


def assert_nothing_left(settings: Settings) -> None:
    assert files_under(settings.data_dir) == []
    assert published_gifs(settings) == {}


async def error_of(resp: Any) -> dict[str, str]:
    body = await resp.json()
    return body["error"]  # type: ignore[no-any-return]


async def test_file_over_the_limit_is_refused_mid_stream(client: Client, settings: Settings):
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'--B\r\nContent-Disposition: form-data; name="photo"; filename="big.png"\r\n\r\n'
        yield PNG_HEAD
        for _ in range(2000):  # far beyond 256 KiB; the server stops reading long before
            sent += 16 * KIB
            yield b"\0" * 16 * KIB

    resp = await client.post("/api/gifs", data=body(), headers=MULTIPART_B)
    assert resp.status == 413
    error = await error_of(resp)
    assert (error["code"], error["field"]) == ("file_too_large", "big.png")
    assert "big.png" in error["message"]
    assert_nothing_left(settings)


async def test_request_over_the_limit_is_refused_while_streaming(
    client: Client, settings: Settings
):
    # Three files under the per-file limit but over the request limit together, sent chunked
    # (no Content-Length), so the server must count what it reads.
    chunk = PNG_HEAD + b"\0" * (200 * KIB)

    async def body() -> AsyncIterator[bytes]:
        for i in range(3):
            disposition = f'form-data; name="photo"; filename="{i}.png"'
            yield f"--B\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
            yield chunk
            yield b"\r\n"
        yield b"--B--\r\n"

    resp = await client.post("/api/gifs", data=body(), headers=MULTIPART_B)
    assert resp.status == 413
    assert (await error_of(resp))["code"] == "request_too_large"
    assert_nothing_left(settings)


async def test_declared_length_over_the_limit_is_refused_before_reading(client: Client):
    big = PNG_HEAD + b"\0" * (600 * KIB)
    resp = await client.post("/api/gifs", data=form(("a.png", big)))
    assert resp.status == 413
    assert (await error_of(resp))["code"] == "request_too_large"


async def test_gzip_body_is_counted_as_inflated(client: Client, settings: Settings):
    raw = raw_multipart(("photo", "a.png", PNG_HEAD + b"\0" * (2000 * KIB)))
    packed = gzip.compress(raw)
    assert len(packed) < settings.max_request_bytes < len(raw)
    resp = await client.post(
        "/api/gifs", data=packed, headers={**MULTIPART_B, "Content-Encoding": "gzip"}
    )
    assert resp.status == 413
    assert (await error_of(resp))["code"] == "file_too_large"
    assert_nothing_left(settings)


async def test_more_files_than_allowed_is_too_many_frames(client: Client, settings: Settings):
    files = [(f"{i}.png", png_bytes()) for i in range(settings.max_files + 1)]
    resp = await client.post("/api/gifs", data=form(*files))
    assert resp.status == 413
    assert (await error_of(resp))["code"] == "too_many_frames"
    assert_nothing_left(settings)


async def test_empty_picker_part_is_ignored(client: Client):
    data = FormData()
    data.add_field("photo", b"", filename="", content_type="application/octet-stream")
    data.add_field("photo", png_bytes(), filename="real.png", content_type="image/png")
    resp = await client.post("/api/gifs", data=data)
    assert resp.status == 201
    assert (await resp.json())["frames"] == 1


async def test_only_an_empty_picker_part_is_no_images(client: Client):
    data = FormData()
    data.add_field("photo", b"", filename="", content_type="application/octet-stream")
    data.add_field("duration", "100")
    resp = await client.post("/api/gifs", data=data)
    assert resp.status == 400
    assert (await error_of(resp))["code"] == "no_images"


async def test_named_empty_file_is_unsupported(client: Client, settings: Settings):
    resp = await client.post("/api/gifs", data=form(("empty.png", b"")))
    assert resp.status == 415
    error = await error_of(resp)
    assert error["code"] == "unsupported_image" and "empty.png" in error["message"]
    assert_nothing_left(settings)


async def test_not_an_image_is_refused_by_its_bytes_not_its_name(client: Client):
    resp = await client.post(
        "/api/gifs", data=form(("photo.png", b"%!PS-Adobe-3.0 EPSF-3.0\n" * 9))
    )
    assert resp.status == 415
    assert (await error_of(resp))["field"] == "photo.png"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"photo": 1}'),
        ("multipart/form-data", b"--B\r\n"),  # no boundary parameter
        ("multipart/form-data; boundary=B", b"this is not multipart at all"),
        (
            "multipart/form-data; boundary=B",
            b'--B\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n',
        ),
    ],
    ids=["json", "no-boundary", "garbage", "truncated"],
)
async def test_malformed_bodies_are_bad_multipart(
    client: Client, settings: Settings, content_type: str, body: bytes
):
    resp = await client.post("/api/gifs", data=body, headers={"Content-Type": content_type})
    assert resp.status == 400
    assert (await error_of(resp))["code"] == "bad_multipart"
    assert_nothing_left(settings)


async def test_bad_field_is_refused_before_the_files_are_read(client: Client, settings: Settings):
    data = FormData()
    data.add_field("width", "99999")
    data.add_field("photo", png_bytes(), filename="a.png", content_type="image/png")
    resp = await client.post("/api/gifs", data=data)
    assert resp.status == 400
    error = await error_of(resp)
    assert (error["code"], error["field"]) == ("bad_field", "width")
    assert str(settings.max_side) in error["message"]
    assert_nothing_left(settings)


async def test_client_leaving_mid_upload_leaves_no_spool(client: Client, settings: Settings):
    head = (
        b"POST /api/gifs HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n"
        b"Content-Length: 400000\r\n\r\n"
        b'--B\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n'
    )
    spool = settings.spool_dir
    with socket.create_connection((client.host, client.port)) as sock:
        sock.sendall(head + PNG_HEAD + b"\0" * 50_000)
        await eventually(lambda: bool(files_under(spool)), "the upload reached the spool", 2)
    await eventually(lambda: not files_under(settings.data_dir), "the spool was removed", 4)
    assert_nothing_left(settings)


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        (None, "frame 3"),
        ("../../etc/passwd", "../../etc/passwd"),
        ("bad\x00name\n.png", "bad?name?.png"),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_client_file_names_are_only_shown_never_used(filename: str | None, shown: str):
    assert display_name(filename, 3) == shown
