"""Requests aiohttp refuses before any handler runs: a malformed request line or headers, a
body encoding it cannot decode. aiohttp answers those from RequestHandler.handle_error, in plain
text and with a traceback in the log, where no middleware or signal of the app can reach. The
contract wants every answer in its JSON shape with the security headers, so that one method is
replaced here (aiohttp's version is pinned and the tests send such requests)."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from ..errors import error_for_status
from ..security import SECURITY_HEADERS

log = logging.getLogger(__name__)


def _handle_error(
    self: RequestHandler,
    request: web.BaseRequest,
    status: int = 500,
    exc: BaseException | None = None,
    message: str | None = None,
) -> web.StreamResponse:
    if request.writer.output_size > 0:  # as aiohttp does: the answer has begun, drop it
        raise ConnectionError("the response was being sent when the request failed")
    error = error_for_status(status)()
    if error.status >= 500:
        log.error("error handling a request from %s", request.remote, exc_info=exc)
    else:  # a client's mistake or probe: one line, not a traceback
        reason = " ".join(str(exc or message).split())
        log.warning("refused a malformed request from %s: %s", request.remote, reason)
    body = {"error": {"code": error.code, "message": error.message}}
    response = web.Response(
        status=error.status,
        text=json.dumps(body),
        content_type="application/json",
        headers=SECURITY_HEADERS,
    )
    response.force_close()
    return response


def answer_refusals_in_the_contracts_shape() -> None:
    """Install the replacement (idempotent; create_app calls it)."""
    replacement: Any = _handle_error
    RequestHandler.handle_error = replacement  # type: ignore[method-assign]
