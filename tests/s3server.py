"""A real local S3 API for the S3 backend's tests: moto's standalone server (moto[server] from
PyPI) on a free loopback port, answered through boto3 exactly as AWS would be; and a TCP proxy in
front of it that a test can cut, so the server "goes away" mid-publish while its state survives
to be inspected.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MotoServer:
    """`moto_server` in a child process; stop() ends it (and only it)."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("wb")
        self._process = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self._process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                    return
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not answer in {timeout_s:g} s") from exc
                time.sleep(0.1)

    def client(self) -> S3Client:
        return self.client_for(self.url)

    @staticmethod
    def client_for(url: str) -> S3Client:
        session = boto3.session.Session(
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
        )
        return session.client(
            "s3", endpoint_url=url, config=Config(s3={"addressing_style": "path"})
        )

    def new_bucket(self) -> str:
        name = f"gifs-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(10)
        self._log.close()


def objects(client: S3Client, bucket: str) -> dict[str, bytes]:
    """Every visible object in the bucket: key -> bytes."""
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listed
    }


class CutProxy:
    """Forwards TCP to the server until cut: then it closes every connection and refuses new
    ones, as a server that went away would. cut_after_bytes cuts it once that many bytes of
    requests have gone through (the middle of an upload)."""

    def __init__(self, target_port: int, cut_after_bytes: int | None = None) -> None:
        self.target_port, self.cut_after_bytes = target_port, cut_after_bytes
        self.forwarded = 0
        self.cut_done = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def cut(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        self.cut_done.set()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        if self.cut_done.is_set():
            client_w.transport.abort()
            return
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers.update((client_w, server_w))
        await asyncio.gather(
            self._pipe(client_r, server_w, count=True),
            self._pipe(server_r, client_w, count=False),
        )

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, count: bool
    ) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                if count:
                    self.forwarded += len(data)
                    limit = self.cut_after_bytes
                    if limit is not None and self.forwarded > limit:
                        self.cut()
                        return
                writer.write(data)
                await writer.drain()
        writer.close()
