"""Reading a multipart body with aiohttp, every way it can be malformed turned into the
contract's 400 `bad_multipart` (and a client gone mid-body too)."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import BadHttpMessage
from aiohttp.multipart import BadContentDispositionHeader, BadContentDispositionParam

from ..errors import BadMultipart

# How aiohttp says a body is malformed: BadHttpMessage for a part's headers (too long, too many,
# a NUL or a bare CR); RequestPayloadError for a body that does not inflate or breaks its
# chunked framing; RuntimeError for a `_charset_` part it cannot use; the Content-Disposition
# warnings where warnings are errors (see part_names).
_MALFORMED = (
    ValueError,
    AssertionError,
    EOFError,
    asyncio.IncompleteReadError,
    LookupError,
    BadHttpMessage,
    web.RequestPayloadError,
    RuntimeError,
    BadContentDispositionHeader,
    BadContentDispositionParam,
)


@contextmanager
def reading_body() -> Iterator[None]:
    """aiohttp's parsing errors, and a client gone mid-body, as the contract's 400."""
    try:
        yield
    except _MALFORMED:
        raise BadMultipart("The multipart body is malformed.") from None
    except ConnectionError:
        raise BadMultipart("The upload ended before it was complete.") from None


async def open_multipart(request: web.Request) -> MultipartReader:
    if request.content_type != "multipart/form-data":
        raise BadMultipart("The request must be a multipart/form-data upload.")
    with reading_body():
        return await request.multipart()


async def next_part(reader: MultipartReader) -> BodyPartReader | None:
    with reading_body():
        part = await reader.next()
    if part is not None and not isinstance(part, BodyPartReader):
        raise BadMultipart("Nested multipart bodies are not accepted.")
    return part


def part_names(part: BodyPartReader) -> tuple[str, str | None]:
    """The part's field name and file name; a part without a name is malformed (RFC 7578),
    and refused rather than dropped, so no file the client sent is silently lost."""
    with warnings.catch_warnings():
        # aiohttp only warns about a Content-Disposition it cannot parse (and drops it, or a
        # parameter): refuse it instead, the same whatever the process's warning filter says.
        warnings.simplefilter("error", BadContentDispositionHeader)
        warnings.simplefilter("error", BadContentDispositionParam)
        with reading_body():
            name, filename = part.name, part.filename
    if not name:
        raise BadMultipart("A part of the form has no name.")
    return name, filename
