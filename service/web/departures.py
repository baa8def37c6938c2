"""Work done for a client who is still there: when the connection closes, the work stops.

aiohttp does not cancel a handler whose client has gone (and should not: most handlers must
finish what they started), so the few awaits that cost a worker for seconds watch the
connection themselves and cancel the work, which stops and replaces that worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import suppress
from typing import TypeVar

from aiohttp import web

from ..errors import BadMultipart

T = TypeVar("T")
# How often the connection is looked at: a gone client costs at most this much more work.
WATCH_EVERY_S = 0.25


def client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def while_client_waits(request: web.Request, work: Awaitable[T]) -> T:
    """The result of work, or BadMultipart once the client has gone (work is then cancelled)."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=WATCH_EVERY_S)
            if client_gone(request):  # checked first: a finished GIF for nobody is not kept
                raise BadMultipart("The connection closed before the GIF was ready.")
            if done:
                return task.result()
    finally:
        if not task.done():
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task
