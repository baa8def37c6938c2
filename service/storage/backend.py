"""Where published GIFs live, behind one small interface: a storage backend.

- local: the download directory on this machine, which nginx serves (service/storage/local.py)
- s3:    an S3 bucket under a prefix, for the fleet (service/storage/s3.py)

GIFSVC_STORAGE chooses (`local`, or `s3://bucket/prefix`); the web layer only sees `Storage`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from ..errors import Busy
from ..settings import Settings
from .local import LocalStorage, Published

T = TypeVar("T")


class StoreUnavailable(Busy):
    """The GIF store could not be reached or refused for now: the client may retry (503)."""

    default_message = "The GIF store cannot be reached right now; try again in a few seconds."


@dataclass(frozen=True)
class GifStream:
    """A live GIF that is not a local file: its size and its bytes, chunk by chunk."""

    size: int
    chunks: AsyncGenerator[bytes, None]  # closed by its reader, however the reading ends


class Storage(Protocol):
    async def publish(self, write: Callable[[str], Awaitable[T]]) -> Published[T]:
        """A new GIF: write(path) fills a local file; it is then published whole or not at all."""
        ...

    async def live(self, name: str) -> Path | GifStream | None:
        """The GIF named `<id>.gif`, unless there is none or it has expired."""
        ...


def storage_for(settings: Settings) -> Storage:
    """The backend GIFSVC_STORAGE names."""
    location = settings.s3_location
    if location is None:
        return LocalStorage(settings.downloads_dir, settings.ttl)
    from .s3 import S3Storage  # boto3 is loaded only by the hosts that publish to S3

    bucket, prefix = location
    return S3Storage(
        bucket=bucket,
        prefix=prefix,
        ttl_s=settings.ttl,
        work_dir=settings.spool_dir,
        endpoint_url=settings.s3_endpoint or None,
    )
