"""Published GIFs in an S3 bucket, for the fleet: every instance publishes and reads the same GIFs.

- s3://<bucket>/<prefix>/<id>.gif   a published GIF (Content-Type image/gif)

The worker composes into a local file in the spool, which is then uploaded: in one PUT, or in
parts above the multipart threshold. S3 makes an object visible only when its PUT (or the
multipart upload's completion) succeeds, so nobody ever sees half a GIF; a failed multipart
upload is aborted (and the bucket's lifecycle rule aborts any that could not be).
boto3 blocks, so every call runs in a thread; the event loop never waits on S3.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..units import MIB
from .backend import GifStream, StoreUnavailable
from .files import spool_dir
from .local import GIF_NAME, Published, new_id

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import GetObjectOutputTypeDef

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
CHUNK_BYTES = 256 * 1024
MULTIPART_THRESHOLD_BYTES = 8 * MIB
# A missing key is 404 NoSuchKey; without s3:ListBucket S3 answers 403 for it instead.
_MISSING = {"NoSuchKey", "404", "403", "AccessDenied"}


class S3Storage:
    def __init__(
        self,
        *,
        bucket: str,
        prefix: str,
        ttl_s: float,
        work_dir: Path,
        endpoint_url: str | None = None,
        multipart_threshold_bytes: int = MULTIPART_THRESHOLD_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bucket, self.prefix, self.ttl_s = bucket, prefix, ttl_s
        self.work_dir, self.clock = work_dir, clock
        self.client: S3Client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, config=_client_config(endpoint_url)
        )
        self.transfer = TransferConfig(
            multipart_threshold=multipart_threshold_bytes,
            multipart_chunksize=max(multipart_threshold_bytes, 5 * MIB),
            max_concurrency=4,
        )

    def key(self, gif_id: str) -> str:
        return f"{self.prefix}/{gif_id}.gif" if self.prefix else f"{gif_id}.gif"

    async def publish(self, write: Callable[[str], Awaitable[T]]) -> Published[T]:
        """write(path) fills a file in a spool directory of its own; the file is uploaded,
        then the directory goes, however it ends."""
        gif_id = new_id()
        with spool_dir(self.work_dir) as work:
            path = work / f"{gif_id}.gif"
            made = await write(str(path))
            last_modified = await _off_loop(self._upload, path, self.key(gif_id))
        return Published(gif_id, made, last_modified + self.ttl_s)

    async def live(self, name: str) -> GifStream | None:
        if GIF_NAME.fullmatch(name) is None:
            return None
        found = await _off_loop(self._get, self.key(name.removesuffix(".gif")))
        if found is None:
            return None
        body = found["Body"]
        # S3's lifecycle counts whole days and runs late: the TTL is enforced here.
        if found["LastModified"].timestamp() + self.ttl_s < self.clock():
            body.close()
            return None
        return GifStream(found["ContentLength"], _chunks(body))

    def _upload(self, path: Path, key: str) -> float:
        """Uploads the file; returns the object's Last-Modified (seconds since the epoch)."""
        self.client.upload_file(
            str(path),
            self.bucket,
            key,
            ExtraArgs={"ContentType": "image/gif", "CacheControl": f"max-age={int(self.ttl_s)}"},
            Config=self.transfer,
        )
        head = self.client.head_object(Bucket=self.bucket, Key=key)
        return head["LastModified"].timestamp()

    def _get(self, key: str) -> GetObjectOutputTypeDef | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise


def _client_config(endpoint_url: str | None) -> Config:
    return Config(
        connect_timeout=5,
        read_timeout=30,
        retries={"mode": "standard", "max_attempts": 3},
        # An S3-compatible server on an address has no per-bucket host names.
        s3={"addressing_style": "path"} if endpoint_url else None,
    )


async def _off_loop(call: Callable[..., R], *args: Any) -> R:
    """Runs a boto3 call in a thread; S3 out of reach (or failing) is the client's 503."""
    try:
        return await asyncio.to_thread(call, *args)
    except (BotoCoreError, ClientError, Boto3Error) as exc:
        log.warning("the GIF store failed: %s", exc, exc_info=True)
        raise StoreUnavailable() from exc


async def _chunks(body: Any) -> AsyncGenerator[bytes, None]:
    try:
        while chunk := await asyncio.to_thread(body.read, CHUNK_BYTES):
            yield chunk
    finally:
        body.close()
