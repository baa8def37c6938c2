"""What a load client does over HTTP: upload, judge the answer, fetch the GIF; poll /healthz.

Every answer is judged against the contract: a 201 must lead (through nginx) to the GIF made
from this very upload, a 503 must be `busy` with a `Retry-After`, and nothing else may come.
Refusals are recorded, never retried: how many were refused is the figure of interest.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from load_cases import Target
from load_frames import Upload, gif_problem

UPLOAD_TIMEOUT = aiohttp.ClientTimeout(total=300)
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=60)
HEALTHZ_TIMEOUT = aiohttp.ClientTimeout(total=5)
HEALTHZ_INTERVAL_S = 0.1


@dataclass(frozen=True)
class Outcome:
    """One upload's answer: its status (0 when none came), how long it took, what was wrong."""

    kind: str
    status: int
    latency_s: float
    problem: str | None = None
    busy_message: str | None = None


@dataclass
class Polls:
    latencies_s: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def upload_all(
    session: aiohttp.ClientSession, url: str, uploads: list[Upload], outcomes: list[Outcome]
) -> None:
    """One client: its uploads one after the other, each outcome recorded as it comes."""
    for upload in uploads:
        outcomes.append(await upload_once(session, url, upload))


async def upload_once(session: aiohttp.ClientSession, url: str, upload: Upload) -> Outcome:
    start = time.perf_counter()
    try:
        async with session.post(
            f"{url}/api/gifs", data=_form(upload), timeout=UPLOAD_TIMEOUT
        ) as resp:
            body = await resp.read()
            status, headers = resp.status, resp.headers  # case-insensitive names
    except (aiohttp.ClientError, TimeoutError) as exc:
        latency_s = time.perf_counter() - start
        return Outcome(upload.kind, 0, latency_s, f"no answer: {_describe(exc)}")
    latency_s = time.perf_counter() - start
    if status == 201:
        problem = await _created_problem(session, url, upload, body)
        return Outcome(upload.kind, status, latency_s, problem)
    if status == 503:
        return Outcome(upload.kind, status, latency_s, _busy_problem(headers, body), _message(body))
    return Outcome(upload.kind, status, latency_s, f"status {status}: {_summary(body)}")


def _form(upload: Upload) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for index, content in enumerate(upload.files):
        form.add_field(
            "photo", content, filename=f"c{upload.client}-f{index}.png", content_type="image/png"
        )
    return form


async def _created_problem(
    session: aiohttp.ClientSession, url: str, upload: Upload, body: bytes
) -> str | None:
    answer = _json(body)
    if not isinstance(answer.get("url"), str):
        return f"201 without a url: {_summary(body)}"
    if answer.get("frames") != len(upload.files):
        return f"201 says {answer.get('frames')} frames, not {len(upload.files)}"
    try:
        gif = await _download(session, url + answer["url"])
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"download of {answer['url']} failed: {_describe(exc)}"
    # Decoding in a thread keeps the event loop free for the other clients' timings.
    problem = await asyncio.to_thread(gif_problem, gif, upload)
    return None if problem is None else f"{answer['url']}: {problem}"


async def _download(session: aiohttp.ClientSession, url: str) -> bytes:
    async with session.get(url, timeout=DOWNLOAD_TIMEOUT) as resp:
        if resp.status != 200 or resp.content_type != "image/gif":
            raise aiohttp.ClientError(f"status {resp.status}, {resp.content_type}")
        return await resp.read()


def _busy_problem(headers: Mapping[str, str], body: bytes) -> str | None:
    retry_after = headers.get("Retry-After")
    if retry_after is None or not retry_after.isdigit():
        return f"503 with Retry-After {retry_after!r}: {_summary(body)}"
    code = _error(body).get("code")
    return None if code == "busy" else f"503 with code {code!r}, not 'busy'"


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _error(body: bytes) -> dict[str, Any]:
    """The contract's error object of an answer, or {} when it has none."""
    error = _json(body).get("error")
    return error if isinstance(error, dict) else {}


def _message(body: bytes) -> str:
    return str(_error(body).get("message", ""))


def _summary(body: bytes) -> str:
    """An error answer in a few words: its code and message, or the start of its text."""
    if error := _error(body):
        return f"{error.get('code')}: {error.get('message')}"
    return body[:100].decode(errors="replace").strip() or "(empty body)"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__} {exc}".strip()


async def poll_healthz(url: str, stop: asyncio.Event, max_polls: int) -> Polls:
    """GET /healthz every 100 ms until stopped (or max_polls), timing each answer."""
    polls = Polls()
    async with aiohttp.ClientSession(timeout=HEALTHZ_TIMEOUT) as session:
        for _ in range(max_polls):
            if stop.is_set():
                break
            await _poll_once(session, f"{url}/healthz", polls)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), HEALTHZ_INTERVAL_S)
    return polls


async def _poll_once(session: aiohttp.ClientSession, url: str, polls: Polls) -> None:
    start = time.perf_counter()
    try:
        async with session.get(url) as resp:
            body = await resp.read()
            polls.latencies_s.append(time.perf_counter() - start)
            if resp.status != 200 or _json(body).get("status") != "ok":
                polls.problems.append(f"/healthz {resp.status}: {_summary(body)}")
    except (aiohttp.ClientError, TimeoutError) as exc:
        polls.problems.append(f"/healthz no answer: {_describe(exc)}")


async def target_of(url: str) -> Target:
    """What the target admits: its pool from /healthz, its largest side from /api/config."""
    async with aiohttp.ClientSession(timeout=HEALTHZ_TIMEOUT, raise_for_status=True) as session:
        async with session.get(f"{url}/healthz") as resp:
            pool = (await resp.json())["pool"]
        async with session.get(f"{url}/api/config") as resp:
            max_side = (await resp.json())["limits"]["max_side"]
    return Target(int(pool["workers"]), int(pool["queue"]), int(max_side))
