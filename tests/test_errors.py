"""Every row of the contract's error table: its status, its code, one JSON shape, no leftovers."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse

from service.errors import ALL_ERRORS
from service.web.keys import POOL, SETTINGS

from .conftest import (
    KIB,
    MULTIPART_B,
    SLOW_LIMITS,
    ClientFactory,
    files_under,
    form,
    png_bytes,
    raw_multipart,
    wait_until_busy,
)

# The table of ../shared/contract.md, copied by hand: the code must match it, not itself.
CONTRACT = {
    "no_images": 400,
    "bad_field": 400,
    "bad_multipart": 400,
    "file_too_large": 413,
    "request_too_large": 413,
    "too_many_frames": 413,
    "image_too_large": 413,
    "unsupported_image": 415,
    "corrupt_image": 422,
    "compose_failed": 500,
    "too_much_work": 413,
    "busy": 503,
    "storage_full": 507,
    "not_found": 404,
    "method_not_allowed": 405,
    "bad_request": 400,
}
# Besides the contract's codes, the fallback for what nobody foresaw (the README lists it).
FALLBACK = {"internal_error": 500}


def test_error_classes_are_exactly_the_contract_table():
    assert {cls.code: cls.status for cls in ALL_ERRORS} == CONTRACT | FALLBACK


@dataclass
class RawAnswer:
    """An answer read off a raw socket, for requests no HTTP client will send."""

    status: int
    content_type: str
    headers: dict[str, str]
    body: bytes

    async def json(self) -> Any:
        return json.loads(self.body)


Trigger = Callable[[ClientFactory, dict[str, Any]], Awaitable[ClientResponse | RawAnswer]]


async def _post(make_client: ClientFactory, data: Any, **overrides: Any) -> ClientResponse:
    client = await make_client(**overrides)
    return await client.post("/api/gifs", data=data)


async def _request(make_client: ClientFactory, method: str, path: str) -> ClientResponse:
    client = await make_client()
    return await client.request(method, path)


async def _get(make_client: ClientFactory, path: str) -> ClientResponse:
    return await _request(make_client, "GET", path)


async def _post_raw(make_client: ClientFactory, body: bytes) -> ClientResponse:
    client = await make_client()
    return await client.post("/api/gifs", data=body, headers=MULTIPART_B)


async def _killed_worker(make_client: ClientFactory, ctx: dict[str, Any]) -> ClientResponse:
    client = await make_client(workers=1, **SLOW_LIMITS)
    pool = client.app[POOL]
    request = asyncio.create_task(
        client.post("/api/gifs", data=form(*[("s.png", ctx["slow_png"])] * 3))
    )
    await wait_until_busy(client)
    os.kill(pool.worker_pids()[0], 9)
    return await request


async def _overrun(make_client: ClientFactory, ctx: dict[str, Any]) -> ClientResponse:
    client = await make_client(workers=1, compose_timeout=0.3, **SLOW_LIMITS)
    return await client.post("/api/gifs", data=form(*[("s.png", ctx["slow_png"])] * 3))


async def _full_queue(make_client: ClientFactory, ctx: dict[str, Any]) -> ClientResponse:
    client = await make_client(workers=1, queue=0, **SLOW_LIMITS)
    first = asyncio.create_task(client.post("/api/gifs", data=form(("s.png", ctx["slow_png"]))))
    await wait_until_busy(client)
    refused = await client.post("/api/gifs", data=form(("a.png", png_bytes())))
    await first
    ctx["expected_files"] = 1  # the first request's GIF
    return refused


async def _storage_full(make_client: ClientFactory, ctx: dict[str, Any]) -> ClientResponse:
    async def body() -> AsyncIterator[bytes]:  # chunked: the server finds out while writing
        yield raw_multipart(("photo", "big.png", png_bytes() + b"\0" * (900 * KIB)))

    client = await make_client(
        data_dir=ctx["small_disk"], max_file_bytes=4096 * KIB, max_request_bytes=8192 * KIB
    )
    return await client.post("/api/gifs", data=body(), headers=MULTIPART_B)


async def _broken_downloads_dir(make_client: ClientFactory, ctx: dict[str, Any]) -> ClientResponse:
    """The download directory replaced by a file under a running service: nobody foresaw it."""
    client = await make_client()
    downloads = client.app[SETTINGS].downloads_dir
    downloads.rmdir()
    downloads.write_bytes(b"")
    ctx["expected_files"] = 1  # the file that replaced the directory
    return await client.get(f"/download/{'0' * 32}.gif")


async def _malformed_request(make_client: ClientFactory, _ctx: dict[str, Any]) -> RawAnswer:
    """Two Content-Lengths: aiohttp's parser refuses it before any handler runs."""
    client = await make_client()
    request = (
        b"POST /api/gifs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"
    )
    reader, writer = await asyncio.open_connection(client.host, client.port)
    writer.write(request)
    answer = await reader.read()
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    content_type = headers["Content-Type"].split(";")[0]
    return RawAnswer(int(status_line.split()[1]), content_type, headers, body)


TRIGGERS: dict[str, Trigger] = {
    "no_images": lambda mc, _: _post_raw(mc, raw_multipart(("duration", None, b"100"))),
    "bad_field": lambda mc, _: _post(mc, form(("a.png", png_bytes()), loop="-1")),
    "bad_multipart": lambda mc, _: _post(mc, b"not multipart"),
    "file_too_large": lambda mc, _: _post(mc, form(("a.png", png_bytes() + b"\0" * 300 * KIB))),
    "request_too_large": lambda mc, _: _post(
        mc, form(*[(f"{i}.png", png_bytes() + b"\0" * 200 * KIB) for i in range(3)])
    ),
    "too_many_frames": lambda mc, _: _post(mc, form(*[("a.png", png_bytes())] * 6)),
    "image_too_large": lambda mc, _: _post(mc, form(("wide.png", png_bytes(size=(2000, 600))))),
    "unsupported_image": lambda mc, _: _post(mc, form(("a.svg", b"<svg xmlns='...'></svg>"))),
    "corrupt_image": lambda mc, _: _post(mc, form(("cut.png", png_bytes(size=(300, 300))[:60]))),
    "compose_failed": _killed_worker,
    "too_much_work": _overrun,
    "busy": _full_queue,
    "storage_full": _storage_full,
    "not_found": lambda mc, _: _get(mc, f"/download/{'0' * 32}.gif"),
    "method_not_allowed": lambda mc, _: _request(mc, "DELETE", "/api/gifs"),
    "internal_error": _broken_downloads_dir,
    "bad_request": _malformed_request,
}


def test_every_code_has_a_trigger():
    assert set(TRIGGERS) == set(CONTRACT | FALLBACK)


@pytest.mark.parametrize("code", sorted(TRIGGERS))
async def test_each_error_has_its_status_code_shape_and_leaves_nothing(
    code: str, make_client: ClientFactory, slow_png: bytes, tmp_path: Path, request: Any
):
    ctx: dict[str, Any] = {"slow_png": slow_png, "expected_files": 0}
    if code == "storage_full":
        ctx["small_disk"] = request.getfixturevalue("small_disk")("512k")
    resp = await TRIGGERS[code](make_client, ctx)
    assert resp.status == (CONTRACT | FALLBACK)[code]
    assert resp.content_type == "application/json"
    body = await resp.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert set(error) <= {"code", "message", "field"}
    assert isinstance(error["message"], str) and error["message"].endswith(".")
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    if code == "busy":
        assert resp.headers["Retry-After"].isdigit()
    else:
        assert "Retry-After" not in resp.headers  # only a full queue is worth retrying soon
    data_dir = ctx.get("small_disk", tmp_path / "data")
    assert len(files_under(data_dir)) == ctx["expected_files"]
