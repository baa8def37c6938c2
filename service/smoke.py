"""`python -m service.smoke URL`: check from the outside that a deployed gifsvc really works.

What a person runs after `cdk deploy` (scripts/smoke wraps it). It makes a few frames in memory,
uploads them as a browser would, downloads the GIF and decodes it, and walks the error answers a
client relies on. One line per check, then a verdict; exit status 0 only when every check passed.
It is a pure HTTP client (the standard library and Pillow, never aiohttp), so it sees the service
as curl or a browser does. It leaves one small GIF behind, which goes when its TTL runs out.
"""

from __future__ import annotations

import argparse
import io
import re
import secrets
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from .gifsicle import ENCODER_PASSES
from .smoke_http import CheckFailed, Client, Part, Response, expect, json_body, snippet

TIMEOUT_S = 60.0
DURATION_MS = 120
FRAME_SIZE = (64, 48)
# Distinct flat colours, so no two frames merge and each frame's colour identifies it.
FRAMES = [
    ("red.png", "PNG", (200, 30, 30)),
    ("green.png", "PNG", (30, 160, 60)),
    ("blue.png", "PNG", (40, 60, 200)),
    ("yellow.jpg", "JPEG", (230, 200, 40)),
]
# JPEG's lossy coding and the GIF palette may shift a flat colour by a few steps.
COLOUR_TOLERANCE = 16
GIF_ID = re.compile(r"[0-9a-f]{32}")
TEXT_FILE = "smoke-notes.txt"
ERROR_KEYS = {"code", "message", "field"}
# Sent raw: nginx may answer 400 for a path above its root, or 404; neither may leak the file.
TRAVERSALS = [
    "/download/../etc/passwd",
    "/download/../../../../etc/passwd",
    "/download/..%2f..%2f..%2f..%2fetc%2fpasswd",
]


@dataclass
class Smoke:
    """What the checks share: the client, and what the upload and download produced."""

    client: Client
    expect_nginx: bool
    created: dict[str, Any] | None = None  # the upload's 201 JSON
    gif: Response | None = None  # the download of that GIF


def frame_bytes(fmt: str, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", FRAME_SIZE, colour).save(buffer, fmt)
    return buffer.getvalue()


def photo_parts() -> list[Part]:
    return [Part("photo", frame_bytes(fmt, colour), name) for name, fmt, colour in FRAMES]


def check_healthz(smoke: Smoke) -> str:
    resp = smoke.client.request("GET", "/healthz")
    expect(resp.status == 200, f"status {resp.status}, want 200: {snippet(resp)}")
    body = json_body(resp)
    status = body.get("status") if isinstance(body, dict) else None
    expect(status == "ok", f"status {status!r}, want 'ok': {snippet(resp)}")
    return f"200, status ok, encoder passes: {', '.join(check_passes(body)) or 'none'}"


def check_passes(health: dict[str, Any]) -> list[str]:
    """The host runs every encoder pass the tests and the bench ran (its GIFs are as small)."""
    passes = health.get("encoder_passes")
    if not isinstance(passes, list):
        raise CheckFailed(f"no encoder_passes in /healthz: {passes!r}")
    missing = [name for name in ENCODER_PASSES if name not in passes]
    expect(not missing, f"encoder passes missing on the host: {', '.join(missing)}")
    return [str(name) for name in passes]


def check_upload(smoke: Smoke) -> str:
    fields = [Part("duration", str(DURATION_MS).encode()), Part("loop", b"0")]
    resp = smoke.client.post_form("/api/gifs", fields + photo_parts())
    expect(resp.status == 201, f"status {resp.status}, want 201: {snippet(resp)}")
    created = json_body(resp)
    expect(isinstance(created, dict), f"not a JSON object: {snippet(resp)}")
    check_created(created, resp.headers.get("location", ""))
    smoke.created = created
    return f"201, {created['frames']} frames, id {created['id']}"


def check_created(created: dict[str, Any], location: str) -> None:
    """The 201 JSON against what was sent: every frame distinct, so none merged."""
    gif_id = created.get("id")
    expect(isinstance(gif_id, str) and GIF_ID.fullmatch(gif_id), f"id {gif_id!r} not 32 hex")
    url = f"/download/{gif_id}.gif"
    want = {"url": url, "frames": len(FRAMES), "durations_ms": [DURATION_MS] * len(FRAMES)}
    for key, value in (want | {"loop": 0}).items():
        expect(created.get(key) == value, f"{key} {created.get(key)!r}, want {value!r}")
    # A relative Location is what the service sends; a proxy may make it absolute.
    expect(urllib.parse.urlsplit(location).path == url, f"Location {location!r}, want {url}")


def uploaded(smoke: Smoke) -> dict[str, Any]:
    if smoke.created is None:
        raise CheckFailed("not run: the upload failed")
    return smoke.created


def check_download(smoke: Smoke) -> str:
    resp = smoke.client.request("GET", uploaded(smoke)["url"])
    expect(resp.status == 200, f"status {resp.status}, want 200: {snippet(resp)}")
    smoke.gif = resp  # the headers are a check of their own, even when the body is wrong
    colours = gif_frame_colours(resp.body)
    expect(len(colours) == len(FRAMES), f"{len(colours)} frames, want {len(FRAMES)}")
    for index, (got, (name, _, want)) in enumerate(zip(colours, FRAMES, strict=True)):
        close = all(abs(g - w) <= COLOUR_TOLERANCE for g, w in zip(got, want, strict=True))
        expect(close, f"frame {index} is {got}, want about {want} (from {name})")
    return f"200, a GIF of {len(resp.body)} bytes, {len(colours)} frames in the colours sent"


def gif_frame_colours(data: bytes) -> list[tuple[int, ...]]:
    """The centre pixel of each frame as a viewer shows it (Pillow composes later frames)."""
    expect(data.startswith((b"GIF87a", b"GIF89a")), f"not a GIF: it starts {data[:16]!r}")
    colours = []
    with Image.open(io.BytesIO(data), formats=["GIF"]) as image:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            rgb = image.convert("RGB")
            x, y = rgb.width // 2, rgb.height // 2
            colours.append(tuple(rgb.crop((x, y, x + 1, y + 1)).tobytes()))
    return colours


def check_download_headers(smoke: Smoke) -> str:
    uploaded(smoke)
    if smoke.gif is None:
        raise CheckFailed("not run: the download failed")
    headers = smoke.gif.headers
    want = {"content-type": "image/gif", "x-content-type-options": "nosniff"}
    problems = [
        f"{k} {headers.get(k)!r}, want {v!r}" for k, v in want.items() if headers.get(k) != v
    ]
    disposition = headers.get("content-disposition", "")
    if not disposition.startswith("attachment"):
        problems.append(f"content-disposition {disposition!r}, want attachment")
    # nginx serves downloads from disk; aiohttp answering instead means the wiring is wrong.
    server = headers.get("server", "")
    if smoke.expect_nginx and server.split("/")[0] != "nginx":
        problems.append(f"server {server!r}, want nginx (--no-nginx skips this)")
    expect(not problems, "; ".join(problems))
    return "image/gif, attachment, nosniff" + (", from nginx" if smoke.expect_nginx else "")


def check_inline(smoke: Smoke) -> str:
    resp = smoke.client.request("GET", uploaded(smoke)["url"] + "?inline=1")
    expect(resp.status == 200, f"status {resp.status}, want 200: {snippet(resp)}")
    disposition = resp.headers.get("content-disposition", "")
    expect(disposition.startswith("inline"), f"Content-Disposition {disposition!r}, want inline")
    return "200, Content-Disposition: inline"


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


# In order: the download checks use what the upload made.
CHECKS: list[tuple[str, Callable[[Smoke], str]]] = [
    ("healthz", check_healthz),
    ("upload", check_upload),
    ("download", check_download),
    ("download headers", check_download_headers),
    ("inline download", check_inline),
    ("unsupported image", check_unsupported_image),
    ("no images", check_no_images),
    ("bad field", check_bad_field),
    ("unknown download", check_unknown_download),
    ("traversal", check_traversal),
]


def run_checks(smoke: Smoke) -> int:
    """Run every check, printing a line each; returns how many failed."""
    failed = 0
    for name, check in CHECKS:
        try:
            passed, detail = True, check(smoke)
        except CheckFailed as exc:
            passed, detail = False, str(exc)
        except Exception as exc:  # a bad answer we did not foresee: report it and go on
            passed, detail = False, f"{type(exc).__name__}: {exc}"
        print(f"{'ok' if passed else 'FAIL':<4} {name}: {' '.join(detail.split())}", flush=True)
        failed += not passed
    return failed


def base_url(text: str) -> str:
    """The URL as `cdk deploy` prints it; the scheme and the trailing slash are optional."""
    parts = urllib.parse.urlsplit(text if "://" in text else f"http://{text}")
    try:
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// URL")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def seconds(text: str) -> float:
    value = float(text)  # argparse turns a ValueError into a usage error
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: want a number of seconds above 0")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/smoke",
        description=__doc__,
        epilog=f"checks, in order: {', '.join(name for name, _ in CHECKS)}\n\n"
        "example: scripts/smoke http://203.0.113.5:8888/   (exit 0: PASS, 1: FAIL, 2: usage)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "url", metavar="URL", type=base_url, help="the deployment, e.g. http://203.0.113.5:8888/"
    )
    parser.add_argument(
        "--no-nginx",
        action="store_true",
        help="do not require 'Server: nginx' on downloads (aiohttp alone, the embedded mode)",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        default=TIMEOUT_S,
        help="seconds per request (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"smoke: checking {args.url}/", flush=True)
    failed = run_checks(Smoke(Client(args.url, args.timeout), expect_nginx=not args.no_nginx))
    total = len(CHECKS)
    if failed:
        print(f"smoke: FAIL ({failed} of {total} checks failed)")
        return 1
    print(f"smoke: PASS ({total} checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
