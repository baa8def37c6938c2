"""How a case of scripts/load runs: its clients all at once, beside its attack (if any), with
/healthz polled meanwhile; everything bounded in time."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp
from load_attack import AttackFigures
from load_cases import ClientPlan, Plan
from load_http import HEALTHZ_INTERVAL_S, Outcome, Polls, poll_healthz, upload_all
from load_report import percentile

ATTACK_END_LIMIT_S = 30.0  # for an attack to stop once the normal users are done


@dataclass
class Seen:
    """What a case's clients (and its attack) saw."""

    outcomes: list[Outcome] = field(default_factory=list)
    polls: Polls = field(default_factory=Polls)
    problems: list[str] = field(default_factory=list)
    attack: AttackFigures | None = None


async def run_clients(url: str, case_plan: Plan, limit_s: float) -> Seen:
    """All the plan's clients at once (once its attack is under way), /healthz polled meanwhile;
    bounded by limit_s."""
    seen = Seen()
    stop, ready, done = asyncio.Event(), asyncio.Event(), asyncio.Event()
    poller = asyncio.create_task(poll_healthz(url, stop, int(limit_s / HEALTHZ_INTERVAL_S)))
    attack = None if case_plan.attack is None else case_plan.attack.run(url, ready, done)
    attacking = asyncio.create_task(attack or _no_attack(ready))
    connector = aiohttp.TCPConnector(limit=len(case_plan.clients))
    async with aiohttp.ClientSession(connector=connector) as session:
        try:
            async with asyncio.timeout(limit_s):
                await asyncio.wait(
                    {attacking, asyncio.create_task(ready.wait())}, return_when="FIRST_COMPLETED"
                )
                await asyncio.gather(
                    *(_client(session, url, c, seen.outcomes) for c in case_plan.clients)
                )
        except TimeoutError:
            missing = case_plan.uploads - len(seen.outcomes)
            seen.problems.append(
                f"the case ran past {limit_s:g} s: {missing} of {case_plan.uploads} unanswered"
            )
    done.set()
    seen.attack = await _attack_end(attacking, seen.problems)
    stop.set()
    seen.polls = await poller
    return seen


async def _no_attack(ready: asyncio.Event) -> None:
    ready.set()


async def _attack_end(
    attacking: asyncio.Task[AttackFigures | None], problems: list[str]
) -> AttackFigures | None:
    try:
        return await asyncio.wait_for(attacking, ATTACK_END_LIMIT_S)
    except Exception as exc:  # a broken attack fails the case, whatever broke it
        problems.append(f"the attack failed: {type(exc).__name__} {exc}")
        return None


def p95_problems(outcomes: list[Outcome], bound_s: float | None) -> list[str]:
    """Whether the uploads that answered 201 kept within the case's bound at their p95."""
    latencies = [o.latency_s for o in outcomes if o.status == 201]
    if bound_s is None or not latencies or (p95 := percentile(latencies, 95)) <= bound_s:
        return []
    return [f"the normal users' upload p95 was {p95:.1f} s, beyond the bound of {bound_s:g} s"]


async def _client(
    session: aiohttp.ClientSession, url: str, client: ClientPlan, outcomes: list[Outcome]
) -> None:
    await asyncio.sleep(client.start_s)
    for index, upload in enumerate(client.uploads):
        if index and client.pause_s:
            await asyncio.sleep(client.pause_s)
        await upload_all(session, url, [upload], outcomes)
