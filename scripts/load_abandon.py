"""The abandoned-upload attack: uploads cheap in bytes but dear to compose, hung up on.

In waves, each of K attackers sends one upload of many copies of a 1-bit PNG that decodes to
7071x7071 (50 Mpx, just within the default GIFSVC_MAX_PIXELS; about 10 KB on the wire, a
minute of a worker's time for a hundred of them) and closes its connection 0.7 s after the
body is sent, when its job is composing. The service must notice and stop the work: after each
wave, /healthz is polled until no worker is busy (the abandoned jobs stopped, and the normal
users' jobs queued behind them done), and that time is the wave's figure.
"""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass
from functools import cache

import aiohttp
from load_attack import (
    ABANDONED,
    ATTACKER,
    FREE_LIMIT_S,
    AttackFigures,
    connect,
    host_port,
    pool_freed_s,
)
from PIL import Image

BOMB_SIDE = 7071  # 7071 x 7071 = 49,999,041 pixels
COPIES = 100  # GIFSVC_MAX_FILES
HANG_UP_AFTER_S = 0.7
BOUNDARY = "gifsvc-load-abandoned"
# The pool idle again after a wave's hang-up: the service looks at each client's connection every
# 0.25 s, then kills and replaces the worker; the normal users' small jobs queued behind the wave
# run next. About a second on a quiet host; three leave room for a host shared with other work,
# and are a twentieth of the minute an abandoned job ran for nobody before the fix.
FREED_BOUND_S = 3.0
# The normal users' upload p95: a small upload queued behind a wave waits for it to be hung up
# on (0.7 s), noticed (0.25 s) and its worker replaced, about a second and a half; five is
# a few times that, and a twelfth of the minute the work ran for nobody before the fix.
NORMAL_P95_BOUND_S = 5.0


@cache
def abandoned_request(host: str, port: int) -> bytes:
    """The whole HTTP request an attacker sends: COPIES bombs in one multipart upload."""
    buffer = io.BytesIO()
    Image.new("1", (BOMB_SIDE, BOMB_SIDE), 0).save(buffer, "PNG", optimize=True)
    part = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="b.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + buffer.getvalue()
    body = b"\r\n".join([part] * COPIES) + f"\r\n--{BOUNDARY}--\r\n".encode()
    head = (
        f"POST /api/gifs HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head + body


@dataclass(frozen=True)
class AbandonAttack:
    attackers: int
    max_waves: int

    @property
    def description(self) -> str:
        return (
            f"{self.attackers} attackers from {ATTACKER} in waves, each an upload of {COPIES} "
            f"1-bit {BOMB_SIDE}x{BOMB_SIDE} PNGs hung up on {HANG_UP_AFTER_S:g} s after sending"
        )

    def prepare(self, url: str) -> None:
        """Makes the request before the clock starts."""
        abandoned_request(*host_port(url))

    async def run(self, url: str, ready: asyncio.Event, done: asyncio.Event) -> AttackFigures:
        figures = AttackFigures(ABANDONED, self.attackers)
        async with aiohttp.ClientSession() as session:
            for wave in range(self.max_waves):
                if wave and done.is_set():
                    break
                await self._wave(session, url, figures, ready)
        ready.set()  # even when no wave went out: the normal users are not held back
        return figures

    async def _wave(
        self, session: aiohttp.ClientSession, url: str, figures: AttackFigures, ready: asyncio.Event
    ) -> None:
        host, port = host_port(url)
        attackers = (_abandon(host, port, figures, ready) for _ in range(self.attackers))
        hung_up = max(await asyncio.gather(*attackers))
        freed = await pool_freed_s(session, url, hung_up)
        if freed is None:
            figures.problems.append(f"the pool was still busy {FREE_LIMIT_S:g} s after a hang-up")
            return
        figures.freed_s.append(freed)
        if freed > FREED_BOUND_S:
            figures.problems.append(f"the pool was free only {freed:.1f} s after a hang-up")


async def _abandon(host: str, port: int, figures: AttackFigures, ready: asyncio.Event) -> float:
    """One abandoned upload; the time (perf_counter) of its hang-up."""
    try:
        reader, writer = await connect(host, port)
    except OSError as exc:
        figures.refused += 1
        figures.problems.append(f"an attacker could not connect: {exc}")
        return time.perf_counter()
    try:
        writer.write(abandoned_request(host, port))
        await writer.drain()
        figures.sent += 1
        ready.set()
        await _early_answer(reader, figures)
    except OSError as exc:
        figures.problems.append(f"an abandoned upload failed before its hang-up: {exc}")
    finally:
        writer.close()
    return time.perf_counter()


async def _early_answer(reader: asyncio.StreamReader, figures: AttackFigures) -> None:
    """Records an answer that came before the hang-up; only `503 busy` may come so early."""
    try:
        status = await asyncio.wait_for(reader.readline(), HANG_UP_AFTER_S)
    except TimeoutError:
        return  # still composing: the expected case
    words = status.decode(errors="replace").strip() or "(closed)"
    figures.answered.append(words)
    if " 503 " not in words:
        figures.problems.append(f"an abandoned upload was answered before its hang-up: {words}")
