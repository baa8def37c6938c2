"""The embedded default: aiohttp serves /download/ itself when nginx is not in front."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from service.settings import Settings
from service.storage.s3 import S3Storage
from service.web.keys import STORAGE

from .conftest import ClientFactory, form, png_bytes, published_gifs

Client = TestClient[Any, Any]
# Without nginx (or a CDN) in front, the service serves downloads from either backend: a local
# file, or the S3 object streamed through (not a redirect: the same headers in both modes).
pytestmark = pytest.mark.both_storages


async def publish_one(client: Client) -> dict[str, Any]:
    resp = await client.post("/api/gifs", data=form(("a.png", png_bytes())))
    assert resp.status == 201
    return await resp.json()  # type: ignore[no-any-return]


async def test_download_has_nginxs_headers(client: Client, settings: Settings):
    gif = await publish_one(client)
    resp = await client.get(gif["url"])
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "image/gif"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{gif["id"]}.gif"'
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert await resp.read() == published_gifs(settings)[f"{gif['id']}.gif"]
    assert int(resp.headers["Content-Length"]) == gif["bytes"]
    inline = await client.get(gif["url"], params={"inline": "1"})
    assert inline.headers["Content-Disposition"] == "inline"


@pytest.mark.parametrize(
    "name",
    [
        "0123456789abcdef0123456789abcdef.gif",
        "ABCDEF0123456789ABCDEF0123456789.gif",
        "spool",
        ".0123456789abcdef0123456789abcdef.gif.part",
    ],
)
async def test_unknown_or_odd_names_are_404(client: Client, settings: Settings, name: str):
    await publish_one(client)
    resp = await client.get(f"/download/{name}")
    assert resp.status == 404
    assert (await resp.json())["error"]["code"] == "not_found"


async def test_expired_gif_is_404_before_cleanup_runs(client: Client, settings: Settings):
    gif = await publish_one(client)
    storage = client.app[STORAGE]
    if isinstance(storage, S3Storage):  # the object stays until S3's lifecycle gets to it
        storage.clock = lambda: time.time() + settings.ttl + 5
    else:
        path = settings.downloads_dir / f"{gif['id']}.gif"
        old = time.time() - settings.ttl - 5
        os.utime(path, (old, old))
    assert f"{gif['id']}.gif" in published_gifs(settings)
    resp = await client.get(gif["url"])
    assert resp.status == 404 and (await resp.json())["error"]["code"] == "not_found"


async def test_behind_nginx_the_service_leaves_local_downloads_to_nginx(
    make_client: ClientFactory, settings: Settings
):
    """nginx serves the directory itself; S3's GIFs it proxies here, so the service serves them."""
    client = await make_client(behind_nginx=True)
    gif = await publish_one(client)
    expected = 404 if settings.s3_location is None else 200
    assert (await client.get(gif["url"])).status == expected


async def test_head_answers_the_headers_without_the_body(client: Client):
    gif = await publish_one(client)
    resp = await client.head(gif["url"])
    assert resp.status == 200 and resp.headers["Content-Type"] == "image/gif"
    assert int(resp.headers["Content-Length"]) == gif["bytes"]
    assert await resp.read() == b""
