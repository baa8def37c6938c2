"""What one case of scripts/load saw, as printed lines and as JSON figures."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from load_attack import ABANDONED, AttackFigures
from load_http import Outcome, Polls
from load_rss import RssPeaks

SHOWN_REASONS = 5


@dataclass
class CaseReport:
    name: str
    description: str
    settings: str
    duration_s: float
    outcomes: list[Outcome]
    polls: Polls
    problems: list[str] = field(default_factory=list)  # the case's own: a timeout, a bad exit
    rss: RssPeaks | None = None
    log_errors: list[str] = field(default_factory=list)
    attack: AttackFigures | None = None

    def failures(self) -> list[str]:
        answers = [o.problem for o in self.outcomes if o.problem is not None]
        attack = [] if self.attack is None else self.attack.problems
        return self.problems + answers + self.polls.problems + attack

    def statuses(self) -> dict[str, int]:
        counts = Counter(o.status for o in self.outcomes)
        other = sum(n for status, n in counts.items() if status not in (201, 503))
        return {"201": counts[201], "503": counts[503], "other": other}

    def well_formed_busy(self) -> int:
        """503s that kept the contract: `busy`, with a Retry-After."""
        return sum(o.status == 503 and o.problem is None for o in self.outcomes)

    def busy_messages(self) -> dict[str, int]:
        return dict(Counter(o.busy_message for o in self.outcomes if o.busy_message is not None))

    def latency_groups(self) -> dict[str, list[float]]:
        """Upload latencies by kind and status ("small 201"), then every upload together."""
        groups: dict[str, list[float]] = {}
        for o in sorted(self.outcomes, key=lambda o: (o.kind, o.status)):
            groups.setdefault(f"{o.kind} {o.status or 'no answer'}", []).append(o.latency_s)
        groups["all uploads"] = [o.latency_s for o in self.outcomes]
        return groups

    def figures(self) -> dict[str, Any]:
        failures = self.failures()
        return {
            "name": self.name,
            "description": self.description,
            "settings": self.settings,
            "requests": len(self.outcomes),
            "duration_s": round(self.duration_s, 3),
            "requests_per_s": round(per_second(len(self.outcomes), self.duration_s), 2),
            "gifs_per_s": round(per_second(self.statuses()["201"], self.duration_s), 2),
            "gifs_per_min": round(60 * per_second(self.statuses()["201"], self.duration_s), 1),
            "upload_latency_ms": {k: spread_ms(v) for k, v in self.latency_groups().items()},
            "healthz_latency_ms": spread_ms(self.polls.latencies_s),
            "statuses": self.statuses(),
            "busy_with_retry_after": self.well_formed_busy(),
            "busy_messages": self.busy_messages(),
            "failures": len(failures),
            "failure_reasons": failures[:50],
            "rss": None if self.rss is None else self.rss.figures(),
            "log_errors": self.log_errors[:50],
            "attack": None if self.attack is None else self.attack.figures(),
        }


def per_second(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else 0.0


def percentile(values: list[float], pct: float) -> float:
    """Nearest rank: the smallest value with at least pct % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def spread_ms(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "p50": round(percentile(values, 50) * 1000, 1),
        "p95": round(percentile(values, 95) * 1000, 1),
        "max": round(max(values) * 1000, 1),
    }


def lines(report: CaseReport) -> list[str]:
    figures = report.figures()
    statuses = figures["statuses"]
    out = [
        f"== {report.name}: {report.description}",
        f"   settings        {report.settings}",
        f"   requests        {figures['requests']} uploads in {report.duration_s:.1f} s: "
        f"{figures['requests_per_s']:.1f} requests/s, "
        f"{figures['gifs_per_s']:.1f} GIFs made/s ({figures['gifs_per_min']:.0f}/min)",
        *latency_lines(report),
        f"   statuses        201: {statuses['201']}  503: {statuses['503']}  "
        f"other: {statuses['other']}",
        *[f"   503 busy        {n} x {message!r}" for message, n in report.busy_messages().items()],
        *rss_lines(report.rss),
        *attack_lines(report.attack),
        *failure_lines(report.failures()),
        *log_lines(report.log_errors),
    ]
    return out


def latency_lines(report: CaseReport) -> list[str]:
    groups = {**report.latency_groups(), "/healthz": report.polls.latencies_s}
    return [
        f"   latency         {name:<16} {spread_words(values)}" for name, values in groups.items()
    ]


def spread_words(values: list[float]) -> str:
    if not values:
        return "n 0"
    return (
        f"n {len(values):<4} p50 {duration_words(percentile(values, 50))}  "
        f"p95 {duration_words(percentile(values, 95))}  max {duration_words(max(values))}"
    )


def duration_words(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms" if seconds < 10 else f"{seconds:6.1f} s "


def rss_lines(rss: RssPeaks | None) -> list[str]:
    if rss is None:
        return ["   RSS             not measured (--url: the service is not ours)"]
    return [
        f"   RSS peak        service {mib(rss.service_kib)}; workers {mib(rss.workers_sum_kib)} "
        f"together, {mib(rss.worker_max_kib)} the largest one "
        f"({len(rss.workers_seen)} worker processes seen)"
    ]


def attack_lines(attack: AttackFigures | None) -> list[str]:
    if attack is None:
        return []
    if attack.name == ABANDONED:
        return [
            f"   attack          {attack.sent} abandoned uploads sent ({attack.wanted} at once), "
            f"{len(attack.answered)} answered before the hang-up",
            f"   pool idle       {'after hang-up':<16} {spread_words(attack.freed_s)}",
        ]
    return [
        f"   attack          {attack.held_peak} of {attack.wanted} slow connections held at "
        f"once; {attack.sent} opened, {attack.closed_by_server} closed by the server, "
        f"{attack.refused} refused"
    ]


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def failure_lines(failures: list[str]) -> list[str]:
    shown = [f"     - {reason}" for reason in failures[:SHOWN_REASONS]]
    more = len(failures) - SHOWN_REASONS
    return [f"   failures        {len(failures)}", *shown] + (
        [f"     ... {more} more"] if more > 0 else []
    )


def log_lines(errors: list[str]) -> list[str]:
    if not errors:
        return []
    shown = [f"     | {line[:200]}" for line in errors[:SHOWN_REASONS]]
    return [f"   stack log       {len(errors)} error lines (not counted as failures):", *shown]
