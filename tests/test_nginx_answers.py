"""What nginx answers by itself, through a real nginx: every status in the contract's JSON shape,
with the right content type and the security headers; estimates on their own budget."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.ops.nginx_conf import write_local_config
from service.settings import Settings

from .conftest import MULTIPART_B, png_bytes, poll_until, raw_multipart
from .stack import RunningStack, free_port, nginx_or_skip, start_stack

GIF_ID = "0" * 32


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    nginx_or_skip()
    running = start_stack(
        tmp_path_factory.mktemp("answers") / "data",
        GIFSVC_RATE_PER_MINUTE="2",
        GIFSVC_ESTIMATES_PER_MINUTE="20",
    )
    yield running
    assert running.stop() == 0, running.log.read_text()


def exchange(url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (framing mistakes included); the status, headers and body."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def assert_contract_answer(status: int, headers: dict[str, str], body: bytes, code: str) -> None:
    assert headers["content-type"].startswith("application/json"), (status, headers, body)
    error = json.loads(body)["error"]
    assert error["code"] == code and error["message"].endswith(".")
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert ("retry-after" in headers) == (code == "busy")


def get(path: str, *extra: str, version: str = "1.1") -> bytes:
    host = ["Host: x"] if version == "1.1" else []
    lines = [f"GET {path} HTTP/{version}", *host, *extra, "Connection: close", "", ""]
    return "\r\n".join(lines).encode()


BIG_HEADERS = tuple(f"X-Filler-{i}: {'v' * 40}" for i in range(200))
REFUSALS = {
    "te and content-length": (
        b"POST /api/gifs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Length: 5\r\nConnection: close\r\n\r\n0\r\n\r\n",
        400,
        "bad_request",
    ),
    "two content-lengths": (
        b"POST /api/gifs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
        b"Connection: close\r\n\r\nhello",
        400,
        "bad_request",
    ),
    "obs-fold": (get("/healthz", "X-A: a", " folded"), 400, "bad_request"),
    "encoded nul": (get("/download/%00.gif"), 400, "bad_request"),
    "encoded traversal": (get("/download/..%2f..%2fetc%2fpasswd"), 400, "bad_request"),
    "uri too long": (get("/" + "a" * 20_000), 400, "bad_request"),
    "unknown transfer coding": (
        b"POST /api/gifs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
        b"Connection: close\r\n\r\n",
        400,
        "bad_request",
    ),
    "delete a download": (
        f"DELETE /download/{GIF_ID}.gif HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
        405,
        "method_not_allowed",
    ),
    "unknown download": (get(f"/download/{GIF_ID}.gif"), 404, "not_found"),
    "a name with a newline after it": (get(f"/download/{GIF_ID}.gif%0a"), 404, "not_found"),
    "no such path below downloads": (get("/download/notes.txt"), 404, "not_found"),
    "http/1.0 without host": (get("/nothing", version="1.0"), 404, "not_found"),
    "two hundred headers": (get("/api/config", *BIG_HEADERS), 400, "bad_request"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_every_refusal_is_the_contracts_json_with_the_security_headers(
    stack: RunningStack, case: str
):
    request, status, code = REFUSALS[case]
    answer = exchange(stack.url, request)
    assert answer[0] == status, answer
    assert_contract_answer(*answer, code=code)


def published_gif(stack: RunningStack) -> str:
    body = raw_multipart(("photo", "a.png", png_bytes()))
    request = (
        f"POST /api/gifs HTTP/1.1\r\nHost: x\r\nContent-Type: {MULTIPART_B['Content-Type']}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    status, _, answer = exchange(stack.url, request)
    assert status == 201, answer
    return str(json.loads(answer)["url"])


def test_a_download_and_its_range_refusal_carry_the_security_headers(stack: RunningStack):
    url = published_gif(stack)
    status, headers, body = exchange(stack.url, get(url))
    assert status == 200 and body.startswith(b"GIF89a")
    assert headers["content-type"] == "image/gif"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    status, headers, body = exchange(stack.url, get(url, "Range: bytes=999999-"))
    assert status == 416
    assert_contract_answer(status, headers, body, "bad_request")


def test_estimates_never_use_up_the_upload_budget(stack: RunningStack):
    """The page asks for an estimate at each change: 10 of them, then the upload still goes."""
    body = raw_multipart(("photo", "a.png", png_bytes()), ("frames", None, b"3"))
    estimate = (
        f"POST /api/estimate HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: {MULTIPART_B['Content-Type']}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body
    for _ in range(10):
        assert exchange(stack.url, estimate)[0] == 200
    published_gif(stack)


@pytest.fixture
def nginx_without_service(tmp_path: Path) -> Iterator[str]:
    """nginx as scripts/run starts it, with nothing listening where aiohttp should be."""
    nginx = nginx_or_skip()
    settings = Settings.from_env(
        {}, data_dir=tmp_path / "data", port=free_port(), public_port=free_port()
    )
    conf = write_local_config(settings, access_log="off")
    process = subprocess.Popen(
        [nginx, "-p", str(settings.nginx_dir.resolve()), "-c", str(conf), "-e", "stderr"],
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{settings.public_port}"
    try:
        poll_until(lambda: _listening(settings.public_port), "nginx listens", 10)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_a_service_that_is_down_is_busy_with_retry_after_not_502(nginx_without_service: str):
    status, headers, body = exchange(nginx_without_service, get("/api/config"))
    assert status == 503
    assert_contract_answer(status, headers, body, "busy")
    assert headers["retry-after"].isdigit()
