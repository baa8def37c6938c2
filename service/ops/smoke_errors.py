"""The smoke test's checks of the error answers a client relies on: the contract's shape,
status and code, and downloads that must not exist or escape their directory."""

from __future__ import annotations

import secrets
from typing import Any

from .smoke_checks import DURATION_MS, Smoke, photo_parts
from .smoke_http import CheckFailed, Part, Response, expect, json_body, snippet

TEXT_FILE = "smoke-notes.txt"
ERROR_KEYS = {"code", "message", "field"}
# Sent raw: nginx may answer 400 for a path above its root, or 404; neither may leak the file.
TRAVERSALS = [
    "/download/../etc/passwd",
    "/download/../../../../etc/passwd",
    "/download/..%2f..%2f..%2f..%2fetc%2fpasswd",
]


def expect_error(resp: Response, status: int, code: str) -> dict[str, Any]:
    """The contract's error shape: {"error": {"code", "message"[, "field"]}} and nothing else."""
    expect(resp.status == status, f"status {resp.status}, want {status}: {snippet(resp)}")
    body = json_body(resp)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or set(body) != {"error"} or not set(error) <= ERROR_KEYS:
        raise CheckFailed(f"not the error shape: {snippet(resp)}")
    expect(isinstance(error.get("message"), str), f"no message: {snippet(resp)}")
    expect(error.get("code") == code, f"code {error.get('code')!r}, want {code!r}")
    return error


def check_unsupported_image(smoke: Smoke) -> str:
    text = Part("photo", b"Notes for the article, not an image.\n", TEXT_FILE)
    error = expect_error(smoke.client.post_form("/api/gifs", [text]), 415, "unsupported_image")
    expect(error.get("field") == TEXT_FILE, f"field {error.get('field')!r}, want {TEXT_FILE!r}")
    expect(TEXT_FILE in error["message"], f"message {error['message']!r} does not name the file")
    return f"415 unsupported_image, naming {TEXT_FILE}"


def check_no_images(smoke: Smoke) -> str:
    resp = smoke.client.post_form("/api/gifs", [Part("duration", str(DURATION_MS).encode())])
    expect_error(resp, 400, "no_images")
    return "400 no_images"


def check_bad_field(smoke: Smoke) -> str:
    parts = [Part("duration", b"5"), *photo_parts()[:1]]  # below the 20 ms minimum
    error = expect_error(smoke.client.post_form("/api/gifs", parts), 400, "bad_field")
    expect(error.get("field") == "duration", f"field {error.get('field')!r}, want 'duration'")
    return "400 bad_field, field duration"


def check_unknown_download(smoke: Smoke) -> str:
    resp = smoke.client.request("GET", f"/download/{secrets.token_hex(16)}.gif")
    expect(resp.status == 404, f"status {resp.status}, want 404: {snippet(resp)}")
    return "404"


def check_traversal(smoke: Smoke) -> str:
    statuses = []
    for path in TRAVERSALS:
        resp = smoke.client.request("GET", path)
        expect(resp.status in (400, 404), f"{path}: status {resp.status}, want 404 or 400")
        expect(b"root:" not in resp.body, f"{path}: the answer looks like /etc/passwd")
        statuses.append(str(resp.status))
    return f"{'/'.join(statuses)}, no passwd content"
