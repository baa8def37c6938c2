"""What nginx answers by itself, rendered into its site: the errors it gives before or instead
of aiohttp, and the security headers of every answer it sends (downloads included).

The bodies come from the same error classes aiohttp raises, so the two never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import (
    BadRequest,
    Busy,
    GifError,
    InternalError,
    MethodNotAllowed,
    NotFound,
    RequestTooLarge,
)
from ..security import SECURITY_HEADERS
from ..settings import Settings

INDENT = " " * 8
ERRORS = "/_gifsvc/errors/"  # internal: no client can ask for these
# How long nginx asks a refused client to wait: a restart takes a few seconds, a per-client
# limit refills at the configured rate.
RESTART_RETRY_S = Busy.retry_after_s
LIMIT_RETRY_S = 10


@dataclass(frozen=True)
class Answer:
    # The internal URI error_page sends the status to. Not a named location: nginx cannot
    # redirect a request whose line it could not read (400, 414) to one ("empty URI").
    location: str
    status: int
    error: GifError
    retry_after_s: int | None = None


def answers(settings: Settings) -> list[Answer]:
    return [
        Answer(ERRORS + "bad_request", 400, BadRequest()),
        Answer(ERRORS + "not_found", 404, NotFound()),
        Answer(ERRORS + "method_not_allowed", 405, MethodNotAllowed()),
        Answer(ERRORS + "request_too_large", 413, RequestTooLarge.over(settings.max_request_bytes)),
        # Kept as 416, so download managers know to ask again from the start.
        Answer(
            ERRORS + "range_not_satisfiable",
            416,
            BadRequest("The requested range is not in the file."),
        ),
        Answer(ERRORS + "internal_error", 500, InternalError()),
        Answer(
            ERRORS + "unavailable",
            503,
            Busy("The service is restarting; try again in a few seconds."),
            RESTART_RETRY_S,
        ),
        Answer(
            ERRORS + "too_many",
            503,
            Busy("Too many uploads or connections from your address; try again shortly."),
            LIMIT_RETRY_S,
        ),
    ]


def security_header_lines(indent: str = INDENT) -> str:
    """add_header lines for every security header (`always`: errors carry them too)."""
    return "\n".join(
        f'{indent}add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS.items()
    )


def error_locations(settings: Settings) -> str:
    return "\n\n".join(_location(answer) for answer in answers(settings))


def _location(answer: Answer) -> str:
    body = json.dumps({"error": {"code": answer.error.code, "message": answer.error.message}})
    if "'" in body or "\\" in body:
        raise ValueError(f"{answer.location}: the body must fit in nginx's single quotes")
    lines = [
        f"    location = {answer.location} {{",
        f"{INDENT}internal;",
        # No type by the URI's extension (a .gif URI must not label this JSON image/gif).
        f"{INDENT}types {{ }}",
        f"{INDENT}default_type application/json;",
        security_header_lines(),
    ]
    if answer.retry_after_s is not None:
        lines.append(f"{INDENT}add_header Retry-After {answer.retry_after_s} always;")
    lines += [f"{INDENT}return {answer.status} '{body}';", "    }"]
    return "\n".join(lines)
