"""What a case's stack must not show afterwards: files left behind, and log lines that fail it."""

from __future__ import annotations

from pathlib import Path

LOG_ERROR_MARKS = ("Traceback", " ERROR ", " CRITICAL ", "[error]", "[crit]", "[alert]", "[emerg]")
NGINX_OUT_OF_CONNECTIONS = "worker_connections are not enough"


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


def log_problems(errors: list[str]) -> list[str]:
    """Log lines that fail a case: nginx out of connections (one address locked others out)."""
    if out_of := sum(NGINX_OUT_OF_CONNECTIONS in line for line in errors):
        return [f"nginx logged {out_of} x '{NGINX_OUT_OF_CONNECTIONS}'"]
    return []
