"""Every answer the web layer gives: the success JSON, and errors in one shape."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.typedefs import Handler

from ..compose.gif import ComposeResult
from ..compose.options import ComposeOptions
from ..compose.timing import timing_warnings
from ..errors import Busy, GifError, InternalError, error_for_status
from ..security import SECURITY_HEADERS
from .pages import error_page

log = logging.getLogger(__name__)
FORM_ROUTE = "/gif"


def gif_json(
    gif_id: str, result: ComposeResult, options: ComposeOptions, expires: float
) -> dict[str, object]:
    """The 201 answer: the contract's fields, then what the options chose and warnings."""
    answer: dict[str, object] = {
        "id": gif_id,
        "url": f"/download/{gif_id}.gif",
        "frames": result.frames,
        "width": result.width,
        "height": result.height,
        "bytes": result.bytes,
        "durations_ms": list(result.durations_ms),
        "loop": options.loop,
        "expires_at": datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "quality": options.quality,
        "colors": result.colors,
        "warnings": timing_warnings(list(options.durations_ms), options.loop),
    }
    if options.max_bytes is not None:
        answer["max_bytes"] = options.max_bytes
        answer["within_max_bytes"] = result.within_max_bytes
    return answer


def wants_json(request: web.Request) -> bool:
    return request.path != FORM_ROUTE or "application/json" in request.headers.get("Accept", "")


def error_response(request: web.Request, error: GifError) -> web.Response:
    """The error in the contract's one shape: JSON, or an HTML page for a browser's form."""
    headers = {"Retry-After": str(Busy.retry_after_s)} if isinstance(error, Busy) else {}
    if not wants_json(request):
        page = error_page(error.status, error.message)
        return web.Response(
            status=error.status, text=page, content_type="text/html", headers=headers
        )
    body: dict[str, str] = {"code": error.code, "message": error.message}
    if error.field is not None:
        body["field"] = error.field
    return web.json_response({"error": body}, status=error.status, headers=headers)


@web.middleware
async def render_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One place turns every refusal or failure into the contract's error shape."""
    try:
        return await handler(request)
    except GifError as exc:
        return error_response(request, exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_response(request, error_for_status(exc.status)())
        if "Allow" in exc.headers:  # a 405 says which methods the path does take
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(request, InternalError())


async def add_security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    """Every answer of the service carries them (the page, its assets, errors, JSON)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
