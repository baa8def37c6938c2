"""The request handlers: parse, call the pool, answer. No image work happens here."""

from __future__ import annotations

import asyncio
import os
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web

from ..compose.estimate import check_positions
from ..compose.fields import build_options, declared_frames
from ..compose.gif import ComposeResult
from ..compose.gifsicle import encoder_passes
from ..compose.timing import timing_warnings
from ..errors import BadMultipart, Busy, NotFound, TooManyFrames
from ..pool.jobs import estimate_job
from ..settings import Settings
from ..storage.files import free_bytes, spool_dir
from .departures import while_client_waits
from .keys import INDEX_HTML, POOL, SETTINGS, STORAGE
from .limits import client_config
from .pages import result_page
from .responses import gif_json, wants_json
from .uploads import Upload, receive_upload

STATIC_DIR = Path(str(resources.files("service.web").joinpath("static")))
# The page's assets, listed once: any other /static/ path is a plain 404 in the contract's shape.
STATIC_FILES = frozenset(
    path.relative_to(STATIC_DIR).as_posix() for path in STATIC_DIR.rglob("*") if path.is_file()
)


async def index(request: web.Request) -> web.Response:
    return web.Response(text=request.app[INDEX_HTML], content_type="text/html")


async def static(request: web.Request) -> web.FileResponse:
    name = request.match_info["name"]
    if name not in STATIC_FILES:
        raise NotFound()
    return web.FileResponse(STATIC_DIR / name)


async def config(request: web.Request) -> web.Response:
    """GET /api/config: the limits and defaults, so a client refuses what the server would."""
    return web.json_response(client_config(request.app[SETTINGS]))


async def create_gif_form(request: web.Request) -> web.Response:
    """POST /gif: the result page for a browser form, or JSON when asked for."""
    gif = await _create_gif(request)
    if wants_json(request):
        return _created(gif)
    return web.Response(text=result_page(gif), content_type="text/html")


async def create_gif_api(request: web.Request) -> web.Response:
    """POST /api/gifs: always JSON."""
    return _created(await _create_gif(request))


async def healthz(request: web.Request) -> web.Response:
    settings, pool = request.app[SETTINGS], request.app[POOL]
    writable = os.access(settings.downloads_dir, os.W_OK)
    ok = pool.alive and writable
    body = {
        "status": "ok" if ok else "broken",
        "pool": {
            "alive": pool.alive,
            "workers": pool.workers,
            "busy": pool.busy,
            "waiting": pool.waiting,
            "queue": pool.queue,
        },
        "downloads_writable": writable,
        "free_bytes": free_bytes(settings.data_dir),
        "encoder_passes": encoder_passes(),
    }
    return web.json_response(body, status=200 if ok else 503)


async def _create_gif(request: web.Request) -> dict[str, Any]:
    settings, pool = request.app[SETTINGS], request.app[POOL]
    if pool.is_full():  # refuse before reading a byte of the body
        raise Busy()
    with spool_dir(settings.spool_dir) as spool:
        upload = await _receive_in_time(request, spool, settings)
        options = build_options(
            upload.fields, len(upload.files), settings.max_side, settings.max_files
        )

        async def compose(path: str) -> ComposeResult:
            return await while_client_waits(request, pool.compose(upload.files, options, path))

        published = await request.app[STORAGE].publish(compose)
    return gif_json(published.gif_id, published.made, options, published.expires_at)


async def estimate(request: web.Request) -> web.Response:
    """POST /api/estimate: the expected size and time, from a sample of the frames."""
    settings, pool = request.app[SETTINGS], request.app[POOL]
    if pool.is_full():
        raise Busy()
    with spool_dir(settings.spool_dir) as spool:
        upload = await _receive_in_time(request, spool, settings)
        frames = declared_frames(upload.fields, len(upload.files))
        if frames > settings.max_files:
            raise TooManyFrames(
                f"At most {settings.max_files} images can be uploaded at once.", "frames"
            )
        positions = upload.fields.get("positions", tuple(range(len(upload.files))))
        check_positions(positions, frames, len(upload.files))
        # The sample stands for `frames` frames: an estimate does not expand animations.
        upload.fields.pop("expand", None)
        options = build_options(upload.fields, frames, settings.max_side, settings.max_files)
        sample = str(spool / "sample.gif")
        guess = await while_client_waits(
            request, pool.run(estimate_job, upload.files, options, positions, sample)
        )
    return web.json_response(
        {
            "frames": guess.frames,
            "width": guess.width,
            "height": guess.height,
            "bytes": guess.bytes,
            "seconds": guess.seconds,
            "sample_frames": guess.sample_frames,
            "warnings": timing_warnings(list(options.durations_ms), options.loop),
        }
    )


async def _receive_in_time(request: web.Request, spool: Path, settings: Settings) -> Upload:
    """The upload, cut off when a client trickles it slower than the upload timeout allows."""
    try:
        async with asyncio.timeout(settings.upload_timeout):
            return await receive_upload(request, spool, settings)
    except TimeoutError:
        raise BadMultipart(
            f"The upload did not finish within {settings.upload_timeout:g} s; "
            "check the connection and try again."
        ) from None


def _created(gif: dict[str, Any]) -> web.Response:
    return web.json_response(gif, status=201, headers={"Location": gif["url"]})
