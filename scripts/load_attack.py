"""What the attack cases of scripts/load share: the attacker's address, what an attack is, what
it did (its figures), and the pool's own word on whether its workers are free.

An attack runs beside the case's normal users: it says when it is under way (`ready`), so they
start only then, and it ends once they are done (`done`).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp

# The whole of 127/8 is loopback: the attacker comes from another address than the normal users
# (127.0.0.1), as it would on the internet, so nginx's per-address accounting tells them apart.
ATTACKER = "127.0.0.2"
ABANDONED = "abandoned uploads"  # the name of that attack's figures (it reports waves)
SLOW_HEADERS = "slow-header connections"
PROBE_TIMEOUT = aiohttp.ClientTimeout(total=5)
FREE_POLL_S = 0.05
FREE_LIMIT_S = 15.0  # a pool busy this long after a hang-up kept the abandoned work


@dataclass
class AttackFigures:
    """What the attackers sent, held and saw; `problems` fail the case."""

    name: str
    wanted: int  # attackers, or slow connections to hold at once
    sent: int = 0  # abandoned uploads sent, or slow connections opened (reconnections too)
    held: int = 0  # slow connections open now
    held_peak: int = 0
    refused: int = 0  # connections that could not be opened
    closed_by_server: int = 0  # slow connections nginx closed (client_header_timeout)
    answered: list[str] = field(default_factory=list)  # answers that came before a hang-up
    freed_s: list[float] = field(default_factory=list)  # hang-up to a free pool, per wave
    problems: list[str] = field(default_factory=list)

    def opened(self) -> None:
        self.sent += 1
        self.held += 1
        self.held_peak = max(self.held_peak, self.held)

    def figures(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "wanted": self.wanted,
            "sent": self.sent,
            "held_peak": self.held_peak,
            "refused": self.refused,
            "closed_by_server": self.closed_by_server,
            "answered_before_hang_up": self.answered[:20],
            "pool_freed_ms": [round(s * 1000, 1) for s in self.freed_s],
            "problems": self.problems[:50],
        }


class Attack(Protocol):
    @property
    def description(self) -> str: ...

    def prepare(self, url: str) -> None:
        """Makes what the attack sends, before the clock starts."""
        ...

    async def run(self, url: str, ready: asyncio.Event, done: asyncio.Event) -> AttackFigures:
        """Attack url; set ready once under way; keep on until done is set, then stop."""
        ...


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


async def connect(host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection from the attacker: from ATTACKER when the target is on loopback (--url may
    name another host: then from this machine's own address)."""
    local_addr = (ATTACKER, 0) if host.startswith("127.") else None
    return await asyncio.open_connection(host, port, local_addr=local_addr)


async def pool_busy(session: aiohttp.ClientSession, url: str) -> int | None:
    """How many workers /healthz says are composing (None when it does not answer)."""
    try:
        async with session.get(f"{url}/healthz", timeout=PROBE_TIMEOUT) as resp:
            return int((await resp.json())["pool"]["busy"])
    except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError):
        return None


async def pool_freed_s(session: aiohttp.ClientSession, url: str, since: float) -> float | None:
    """Seconds from `since` (perf_counter) until /healthz shows no busy worker, or None."""
    for _ in range(int(FREE_LIMIT_S / FREE_POLL_S)):
        if await pool_busy(session, url) == 0:
            return time.perf_counter() - since
        if time.perf_counter() - since > FREE_LIMIT_S:
            break
        await asyncio.sleep(FREE_POLL_S)
    return None


async def wait_or_done(done: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`, less if done is set; True when it is."""
    try:
        await asyncio.wait_for(done.wait(), seconds)
    except TimeoutError:
        return False
    return True
