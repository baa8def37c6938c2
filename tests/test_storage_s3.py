"""Publishing to S3, for real: boto3 against moto's S3 API server (tests/s3server.py).

All of a GIF or nothing: an object appears only when its upload completes; a writer that fails,
an upload that fails half-way and a server that goes away mid-upload all leave no object and no
local file; expiry is the object's Last-Modified plus the TTL, enforced by the service itself.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from service.storage.backend import GifStream, StoreUnavailable
from service.storage.s3 import S3Storage
from service.units import MIB
from service.web.keys import POOL

from .conftest import ClientFactory, files_under, form, png_bytes
from .s3server import CutProxy, MotoServer, objects

PREFIX = "gifs"


def storage(moto: MotoServer, bucket: str, work: Path, url: str | None = None, **kw: Any):
    return S3Storage(
        bucket=bucket, prefix=PREFIX, ttl_s=60, work_dir=work, endpoint_url=url or moto.url, **kw
    )


def _write(path: str, data: bytes) -> None:
    """What a worker does with the path it is given (a plain function: no event loop here)."""
    Path(path).write_bytes(data)


def writer(data: bytes):
    seen: list[str] = []

    async def write(path: str) -> int:
        seen.append(path)
        _write(path, data)
        return len(data)

    return write, seen


async def read_all(gif: GifStream) -> bytes:
    return b"".join([chunk async for chunk in gif.chunks])


@pytest.fixture
def bucket(moto_server: MotoServer) -> str:
    return moto_server.new_bucket()


async def test_publish_uploads_the_workers_file_as_an_image_gif(
    moto_server: MotoServer, bucket: str, tmp_path: Path
):
    store = storage(moto_server, bucket, tmp_path)
    write, seen = writer(b"GIF89a" + b"\0" * 100)
    published = await store.publish(write)
    assert published.made == 106
    assert Path(seen[0]).parent.parent == tmp_path  # composed in a spool directory of its own
    key = f"{PREFIX}/{published.gif_id}.gif"
    head = moto_server.client().head_object(Bucket=bucket, Key=key)
    assert head["ContentType"] == "image/gif" and head["ContentLength"] == 106
    assert published.expires_at == pytest.approx(head["LastModified"].timestamp() + 60)
    assert files_under(tmp_path) == []  # the local file went with its spool directory
    gif = await store.live(f"{published.gif_id}.gif")
    assert isinstance(gif, GifStream) and gif.size == 106
    assert await read_all(gif) == b"GIF89a" + b"\0" * 100


async def test_a_large_gif_is_uploaded_in_parts(moto_server: MotoServer, bucket: str, tmp_path):
    store = storage(moto_server, bucket, tmp_path, multipart_threshold_bytes=5 * MIB)
    data = bytes(range(256)) * (11 * MIB // 256)
    seen_mid_upload: list[dict[str, bytes]] = []

    def look(**_: Any) -> None:  # after each part: what would a reader of the bucket see?
        seen_mid_upload.append(objects(moto_server.client(), bucket))

    store.client.meta.events.register("after-call.s3.UploadPart", look)
    published = await store.publish(writer(data)[0])
    assert seen_mid_upload == [{}, {}, {}]  # nothing visible until the upload completed
    head = moto_server.client().head_object(Bucket=bucket, Key=f"{PREFIX}/{published.gif_id}.gif")
    assert head["ETag"].strip('"').endswith("-3")  # S3's mark of a 3-part upload
    assert head["ContentType"] == "image/gif"
    gif = await store.live(f"{published.gif_id}.gif")
    assert gif is not None and await read_all(gif) == data


async def test_expired_or_unknown_ids_are_refused_by_the_service(
    moto_server: MotoServer, bucket: str, tmp_path: Path
):
    now = [time.time()]
    store = storage(moto_server, bucket, tmp_path, clock=lambda: now[0])
    published = await store.publish(writer(b"GIF89a")[0])
    name = f"{published.gif_id}.gif"
    assert await store.live(name) is not None
    now[0] = published.expires_at + 1  # the object is still in the bucket: S3 has not expired it
    assert f"{PREFIX}/{name}" in objects(moto_server.client(), bucket)
    assert await store.live(name) is None
    assert await store.live(f"{'b' * 32}.gif") is None
    assert await store.live("../gifs/notes.txt") is None


async def test_a_failed_writer_uploads_nothing(moto_server: MotoServer, bucket: str, tmp_path):
    store = storage(moto_server, bucket, tmp_path)

    async def write(path: str) -> None:
        _write(path, b"half a GIF")
        raise RuntimeError("the worker died")

    with pytest.raises(RuntimeError):
        await store.publish(write)
    assert objects(moto_server.client(), bucket) == {}
    assert files_under(tmp_path) == []


async def test_an_upload_failing_half_way_leaves_no_object(
    moto_server: MotoServer, bucket: str, tmp_path: Path
):
    store = storage(moto_server, bucket, tmp_path, multipart_threshold_bytes=5 * MIB)
    parts: list[int] = []

    def refuse_the_second_part(**_: Any) -> None:
        parts.append(1)
        if len(parts) == 2:
            raise ClientError({"Error": {"Code": "InternalError", "Message": "x"}}, "UploadPart")

    store.client.meta.events.register("before-call.s3.UploadPart", refuse_the_second_part)
    with pytest.raises(StoreUnavailable):
        await store.publish(writer(b"\1" * (11 * MIB))[0])
    client = moto_server.client()
    assert objects(client, bucket) == {}
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []  # aborted
    assert files_under(tmp_path) == []


async def test_the_server_going_away_mid_upload_is_a_503_and_leaves_no_object(
    moto_server: MotoServer, bucket: str, tmp_path: Path
):
    proxy = CutProxy(moto_server.port, cut_after_bytes=7 * MIB)
    url = await proxy.start()
    store = storage(moto_server, bucket, tmp_path, url, multipart_threshold_bytes=5 * MIB)
    with pytest.raises(StoreUnavailable) as refused:
        await store.publish(writer(b"\2" * (11 * MIB))[0])
    assert proxy.cut_done.is_set()
    assert (refused.value.status, refused.value.code) == (503, "busy")
    assert objects(moto_server.client(), bucket) == {}  # the server itself kept its state
    assert files_under(tmp_path) == []
    with pytest.raises(StoreUnavailable):  # and downloads say so too, rather than 404
        await store.live(f"{'c' * 32}.gif")


async def test_through_the_app_s3_going_away_is_busy_in_the_contracts_shape(
    make_client: ClientFactory, moto_server: MotoServer, bucket: str
):
    """The GIF was composed, but cannot be stored: 503 busy with Retry-After (a retry, maybe on
    another instance, can succeed), no object, and (the settings fixture checks) no spool."""
    proxy = CutProxy(moto_server.port)
    url = await proxy.start()
    proxy.cut()
    client = await make_client(storage=f"s3://{bucket}/{PREFIX}", s3_endpoint=url)
    resp = await client.post("/api/gifs", data=form(("a.png", png_bytes())))
    assert resp.status == 503 and resp.headers["Retry-After"] == "5"
    assert resp.content_type == "application/json"
    assert (await resp.json())["error"]["code"] == "busy"
    assert objects(moto_server.client(), bucket) == {}
    assert client.app[POOL].alive  # the pool carries on
