"""The smoke test's checks of the happy path: health, an upload as a browser sends it, and the
download of the GIF it made (its frames, colours and headers)."""

from __future__ import annotations

import io
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ..compose.gifsicle import ENCODER_PASSES
from .smoke_http import CheckFailed, Client, Part, Response, expect, json_body, snippet

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
