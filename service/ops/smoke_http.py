"""The HTTP side of `service.ops.smoke`: raw requests, multipart bodies and check failures.

Built on http.client rather than urllib so that paths go out exactly as written (the traversal
check depends on it), no status raises, redirects are not followed and no proxy sits between the
smoke test and the deployment it judges.
"""

from __future__ import annotations

import http.client
import io
import json
import secrets
import urllib.parse
from dataclasses import dataclass
from typing import Any

# A host that drops packets would otherwise cost the full request timeout on every check.
CONNECT_TIMEOUT_S = 10.0
SNIPPET_CHARS = 200


class CheckFailed(Exception):
    """A check's expectation was not met; the message says what was seen instead."""


def expect(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes


@dataclass(frozen=True)
class Part:
    """One multipart/form-data part: a text field, or a file when it has a filename."""

    name: str
    content: bytes
    filename: str | None = None


def snippet(resp: Response) -> str:
    """The start of a body, for a failure message that fits on one line."""
    return resp.body[:SNIPPET_CHARS].decode("utf-8", "replace") or "(empty body)"


def json_body(resp: Response) -> Any:
    ctype = resp.headers.get("content-type", "")
    expect(ctype.startswith("application/json"), f"Content-Type {ctype!r}, want JSON")
    try:
        return json.loads(resp.body)
    except ValueError:
        raise CheckFailed(f"not JSON: {snippet(resp)}") from None


def multipart(parts: list[Part]) -> tuple[bytes, str]:
    """The body and its Content-Type. The boundary is random so no frame's bytes contain it."""
    boundary = f"smoke-{secrets.token_hex(16)}"
    body = io.BytesIO()
    for part in parts:
        disposition = f'form-data; name="{part.name}"'
        if part.filename is not None:
            disposition += f'; filename="{part.filename}"'
        body.write(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode())
        if part.filename is not None:
            # What a browser sends for a file it cannot type; the service judges by the bytes.
            body.write(b"Content-Type: application/octet-stream\r\n")
        body.write(b"\r\n" + part.content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


class Client:
    """Requests against one deployment, each on a fresh connection with timeouts."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.https = parts.scheme == "https"
        self.netloc = parts.netloc
        self.prefix = parts.path.rstrip("/")
        self.timeout_s = timeout_s
        self.unreachable: str | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send `path` (below the base URL) as written, without normalising it."""
        conn = self._connect()
        try:
            conn.request(method, self.prefix + path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def post_form(self, path: str, parts: list[Part]) -> Response:
        body, content_type = multipart(parts)
        return self.request("POST", path, body, {"Content-Type": content_type})

    def _connect(self) -> http.client.HTTPConnection:
        if self.unreachable is not None:
            raise CheckFailed(f"not run: {self.unreachable}")
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        conn = kind(self.netloc, timeout=min(CONNECT_TIMEOUT_S, self.timeout_s))
        try:
            conn.connect()
        except OSError as exc:
            # Later checks would only wait for the same failure: say it once, then skip them.
            self.unreachable = f"cannot connect to {self.netloc}: {exc}"
            raise CheckFailed(self.unreachable) from exc
        if conn.sock is not None:
            conn.sock.settimeout(self.timeout_s)  # composing may take longer than connecting
        return conn
