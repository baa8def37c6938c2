"""scripts/load: many clients against the real stack (nginx + aiohttp) on loopback.

Each case starts its own stack in a temporary directory (or targets --url), runs a bounded number
of clients and uploads, and prints requests/s, latencies, statuses, failures and peak RSS. Two
cases run their normal users beside an attack from 127.0.0.2: uploads hung up on mid-composition
(`abandoned`), and thousands of slow-header connections (`slowheaders`).
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load_cases import CASES, FULL, SMALL, Scale, case_settings, plan
from load_checks import leftovers, log_errors, log_problems
from load_http import target_of
from load_report import CaseReport, lines
from load_rss import SAMPLE_INTERVAL_S, RssSampler, service_pid
from load_run import p95_problems, run_clients

from tests.stack import start_stack

CASE_LIMIT_S = {False: 600.0, True: 90.0}  # a whole case, by --small


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
        report.problems += log_problems(report.log_errors)
        return report


async def drive(case: str, url: str, args: argparse.Namespace, app_pid: int | None) -> CaseReport:
    target = await target_of(url)
    case_plan = plan(case, scale_of(args), target)
    if case_plan.attack is not None:
        case_plan.attack.prepare(url)
    limit_s = CASE_LIMIT_S[args.small]
    sampler = RssSampler(app_pid, int(limit_s / SAMPLE_INTERVAL_S)) if app_pid is not None else None
    with ExitStack() as measuring:
        if sampler is not None:
            measuring.enter_context(sampler)
        start = time.perf_counter()
        seen = await run_clients(url, case_plan, limit_s)
        duration_s = time.perf_counter() - start
    rss = None if sampler is None else sampler.peaks
    lifted = "" if app_pid is None else "; nginx's per-address limits lifted"
    desc, settings = case_plan.description, target.words() + lifted
    problems = seen.problems + p95_problems(seen.outcomes, case_plan.p95_bound_s)
    return CaseReport(
        case,
        desc,
        settings,
        duration_s,
        seen.outcomes,
        seen.polls,
        problems,
        rss,
        attack=seen.attack,
    )


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
