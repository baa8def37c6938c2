"""scripts/load: many clients against the real stack (nginx + aiohttp) on loopback.

Each case starts its own stack in a temporary directory (or targets --url), runs a bounded number
of clients and uploads, and prints requests/s, latencies, statuses, failures and peak RSS.
Every 201 must download as the GIF of its own upload; every 503 must be `busy` with a
`Retry-After`; anything else is a failure, and any failure makes the exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_cases import CASES, FULL, SMALL, ClientPlan, Plan, Scale, case_settings, plan
from load_http import HEALTHZ_INTERVAL_S, Outcome, Polls, poll_healthz, target_of, upload_all
from load_report import CaseReport, lines
from load_rss import SAMPLE_INTERVAL_S, RssSampler, service_pid

from tests.stack import start_stack

CASE_LIMIT_S = {False: 600.0, True: 90.0}  # a whole case, by --small
LOG_ERROR_MARKS = ("Traceback", " ERROR ", " CRITICAL ", "[error]", "[crit]", "[alert]", "[emerg]")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/load", description="Many clients against the real stack, and what they saw."
    )
    parser.add_argument(
        "--cases", type=_cases, default=list(CASES), help="comma-separated, of " + ",".join(CASES)
    )
    parser.add_argument("--small", action="store_true", help="a few clients and rounds (for CI)")
    parser.add_argument(
        "--rounds", type=_positive, help="uploads per client, and bursts (default 3, --small 2)"
    )
    parser.add_argument(
        "--url", help="drive this running stack (http://127.0.0.1:8888) instead; no RSS figures"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def _cases(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if unknown := sorted(set(names) - set(CASES)):
        raise argparse.ArgumentTypeError(f"unknown case {', '.join(unknown)}")
    return names


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def scale_of(args: argparse.Namespace) -> Scale:
    scale = SMALL if args.small else FULL
    return scale if args.rounds is None else dataclasses.replace(scale, rounds=args.rounds)


def run_case(case: str, args: argparse.Namespace) -> CaseReport:
    if args.url:
        return asyncio.run(drive(case, args.url.rstrip("/"), args, None))
    with tempfile.TemporaryDirectory(prefix=f"gifsvc-load-{case}-") as tmp:
        stack = start_stack(Path(tmp) / "data", **case_settings(case, scale_of(args)))
        log_start = stack.log.stat().st_size  # start-up noise (nginx before aiohttp) not counted
        try:
            report = asyncio.run(drive(case, stack.url, args, service_pid(stack.process.pid)))
        finally:
            status = stack.stop()
        if status != 0:
            report.problems.append(f"the stack exited with status {status}")
        report.problems += leftovers(stack.data_dir, report.statuses()["201"])
        report.log_errors = log_errors(stack.log, log_start)
        return report


async def drive(case: str, url: str, args: argparse.Namespace, app_pid: int | None) -> CaseReport:
    target = await target_of(url)
    case_plan = plan(case, scale_of(args), target)
    limit_s = CASE_LIMIT_S[args.small]
    sampler = RssSampler(app_pid, int(limit_s / SAMPLE_INTERVAL_S)) if app_pid is not None else None
    with ExitStack() as measuring:
        if sampler is not None:
            measuring.enter_context(sampler)
        start = time.perf_counter()
        outcomes, polls, problems = await run_clients(url, case_plan, limit_s)
        duration_s = time.perf_counter() - start
    rss = None if sampler is None else sampler.peaks
    lifted = "" if app_pid is None else "; nginx's per-address limits lifted"
    desc, settings = case_plan.description, target.words() + lifted
    return CaseReport(case, desc, settings, duration_s, outcomes, polls, problems, rss)


async def run_clients(
    url: str, case_plan: Plan, limit_s: float
) -> tuple[list[Outcome], Polls, list[str]]:
    """All the plan's clients at once, /healthz polled meanwhile; bounded by limit_s."""
    outcomes: list[Outcome] = []
    problems: list[str] = []
    stop = asyncio.Event()
    poller = asyncio.create_task(poll_healthz(url, stop, int(limit_s / HEALTHZ_INTERVAL_S)))
    connector = aiohttp.TCPConnector(limit=len(case_plan.clients))
    async with aiohttp.ClientSession(connector=connector) as session:
        try:
            async with asyncio.timeout(limit_s):
                await asyncio.gather(
                    *(_client(session, url, c, outcomes) for c in case_plan.clients)
                )
        except TimeoutError:
            missing = case_plan.uploads - len(outcomes)
            problems.append(
                f"the case ran past {limit_s:g} s: {missing} of {case_plan.uploads} unanswered"
            )
    stop.set()
    return outcomes, await poller, problems


async def _client(
    session: aiohttp.ClientSession, url: str, client: ClientPlan, outcomes: list[Outcome]
) -> None:
    await asyncio.sleep(client.start_s)
    await upload_all(session, url, list(client.uploads), outcomes)


def leftovers(data_dir: Path, created: int) -> list[str]:
    """What no request may leave: spooled parts, partial GIFs, more GIFs than 201s."""
    spooled = [p for p in (data_dir / "spool").rglob("*") if p.is_file()]
    downloads = sorted(p.name for p in (data_dir / "downloads").iterdir())
    gifs = [name for name in downloads if name.endswith(".gif") and not name.startswith(".")]
    problems = [f"left in the spool: {p.relative_to(data_dir)}" for p in spooled[:5]]
    problems += [f"left in downloads: {name}" for name in downloads if name not in gifs][:5]
    if len(gifs) != created:
        problems.append(f"{len(gifs)} GIFs published, but {created} answered 201")
    return problems


def log_errors(log: Path, start: int) -> list[str]:
    """The stack log's error lines written since `start` (tracebacks, nginx [error] lines)."""
    with log.open("rb") as stream:
        stream.seek(start)
        text = stream.read().decode(errors="replace")
    return [line for line in text.splitlines() if any(m in line for m in LOG_ERROR_MARKS)]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    host = f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (1 min) at the start"
    print(f"== host: {host}", flush=True)
    reports = []
    for case in args.cases:
        reports.append(run_case(case, args))
        print("\n".join(lines(reports[-1])), flush=True)
    ok = not any(report.failures() for report in reports)
    print(f"== {'OK' if ok else 'FAILED'}: {sum(len(r.failures()) for r in reports)} failures")
    if args.json:
        cases = [r.figures() for r in reports]
        figures = {"ok": ok, "small": args.small, "host": host, "cases": cases}
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
