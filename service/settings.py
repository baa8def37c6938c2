"""One frozen settings object, read from the GIFSVC_* environment variables.

Every field declares its variable, its default and a one-line help; `python -m service --help`
and the README's settings table are both made from these declarations.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .units import MIB


class SettingsError(ValueError):
    """A GIFSVC_* variable holds a value the service cannot start with."""


def _setting(
    env: str, default: Any, help: str, minimum: float | None = None, shown: str | None = None
) -> Any:
    meta = {"env": env, "help": help, "minimum": minimum, "shown": shown}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting(
        "GIFSVC_DATA_DIR",
        Path("./var"),
        "spool, downloads (and nginx's runtime files) below it",
        shown="./var",
    )
    host: str = _setting("GIFSVC_HOST", "127.0.0.1", "where aiohttp listens")
    port: int = _setting("GIFSVC_PORT", 8080, "aiohttp's port", minimum=1)
    public_port: int = _setting("GIFSVC_PUBLIC_PORT", 8888, "where nginx listens", minimum=1)
    workers: int = _setting(
        "GIFSVC_WORKERS", os.cpu_count() or 1, "process pool size", minimum=1, shown="CPU count"
    )
    queue: int = _setting(
        "GIFSVC_QUEUE",
        16,
        "compositions that may wait for a worker (running ones not counted)",
        minimum=0,
    )
    ttl: int = _setting("GIFSVC_TTL", 86400, "seconds a GIF lives (by its file's mtime)", minimum=1)
    max_files: int = _setting("GIFSVC_MAX_FILES", 100, "files per request", minimum=1)
    max_file_bytes: int = _setting("GIFSVC_MAX_FILE_BYTES", 25 * MIB, "bytes per file", minimum=1)
    max_request_bytes: int = _setting(
        "GIFSVC_MAX_REQUEST_BYTES", 200 * MIB, "bytes per request", minimum=1
    )
    max_pixels: int = _setting(
        "GIFSVC_MAX_PIXELS", 50_000_000, "pixels per source image", minimum=1
    )
    max_side: int = _setting("GIFSVC_MAX_SIDE", 1280, "longest side of the output", minimum=1)
    compose_timeout: float = _setting(
        "GIFSVC_COMPOSE_TIMEOUT",
        60.0,
        "seconds one composition may run before its worker is stopped (413 too_much_work)",
        minimum=0.1,
    )
    upload_timeout: float = _setting(
        "GIFSVC_UPLOAD_TIMEOUT",
        300.0,
        "seconds a whole upload may take; a slower client is cut off (400)",
        minimum=1,
    )
    worker_memory_bytes: int = _setting(
        "GIFSVC_WORKER_MEMORY_BYTES",
        2048 * MIB,
        "address space of one worker process; past it the image is refused",
        minimum=256 * MIB,
    )
    rate_per_minute: int = _setting(
        "GIFSVC_RATE_PER_MINUTE",
        30,
        "uploads one client address may start per minute at nginx (503 busy past it)",
        minimum=1,
    )
    estimates_per_minute: int = _setting(
        "GIFSVC_ESTIMATES_PER_MINUTE",
        120,
        "size estimates one client address may ask for per minute at nginx (never counted "
        "against uploads)",
        minimum=1,
    )
    connections_per_client: int = _setting(
        "GIFSVC_CONNECTIONS_PER_CLIENT",
        16,
        "connections one client address may hold open at nginx",
        minimum=1,
    )
    behind_nginx: bool = _setting(
        "GIFSVC_BEHIND_NGINX",
        False,
        "1 when nginx serves /download/ (scripts/run sets it); else aiohttp serves downloads",
    )
    storage: str = _setting(
        "GIFSVC_STORAGE",
        "local",
        "where GIFs are published: local (the download directory) or s3://BUCKET/PREFIX",
    )
    s3_endpoint: str = _setting(
        "GIFSVC_S3_ENDPOINT",
        "",
        "an S3-compatible endpoint URL instead of AWS's (the tests run a local S3 API server)",
        shown="AWS",
    )
    trusted_proxies: str = _setting(
        "GIFSVC_TRUSTED_PROXIES",
        "",
        "comma-separated CIDRs whose X-Forwarded-For nginx believes (the fleet's load balancer)",
        shown="none",
    )

    def __post_init__(self) -> None:
        # Checked here, not only in from_env: tests build Settings(...) directly too.
        _s3_location(self.storage)
        _cidrs(self.trusted_proxies)

    @property
    def s3_location(self) -> tuple[str, str] | None:
        """(bucket, prefix) when GIFs go to S3; None for the local download directory."""
        return _s3_location(self.storage)

    @property
    def trusted_proxy_cidrs(self) -> list[str]:
        return _cidrs(self.trusted_proxies)

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / "spool"

    @property
    def downloads_dir(self) -> Path:
        return self.data_dir / "downloads"

    @property
    def nginx_dir(self) -> Path:
        return self.data_dir / "nginx"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every GIFSVC_* variable; keyword overrides win (tests use them)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is not None and raw.strip() != "":
                values[f.name] = _parse(f, raw.strip())
        values.update(overrides)
        return cls(**values)

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(variable, default, help) for every setting, in declaration order."""
        return [
            (f.metadata["env"], f.metadata["shown"] or _show(f.default), f.metadata["help"])
            for f in dataclasses.fields(cls)
        ]


def _parse(f: dataclasses.Field[Any], raw: str) -> Any:
    env, minimum = f.metadata["env"], f.metadata["minimum"]
    parsers: dict[Any, tuple[Callable[[str], Any], str]] = {
        "int": (int, "a whole number"),
        "float": (float, "a number"),
        "bool": (_parse_bool, "1 or 0 (true/false, yes/no)"),
        "str": (str, "text"),
        "Path": (Path, "a path"),
    }
    parse, expected = parsers[f.type]
    try:
        value = parse(raw)
    except ValueError:
        raise SettingsError(f"{env} must be {expected}, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise SettingsError(f"{env} must be at least {_show(minimum)}, not {raw!r}")
    return value


_S3_URL = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/([A-Za-z0-9!_.*'()/-]*))?")


def _s3_location(value: str) -> tuple[str, str] | None:
    if value == "local":
        return None
    match = _S3_URL.fullmatch(value)
    if match is None:
        raise SettingsError(f"GIFSVC_STORAGE must be local or s3://BUCKET/PREFIX, not {value!r}")
    return match.group(1), (match.group(2) or "").strip("/")


def _cidrs(value: str) -> list[str]:
    cidrs = [part.strip() for part in value.split(",") if part.strip()]
    try:
        return [str(ipaddress.ip_network(cidr)) for cidr in cidrs]
    except ValueError:
        raise SettingsError(
            f"GIFSVC_TRUSTED_PROXIES must be comma-separated CIDRs, not {value!r}"
        ) from None


def _parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(raw)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def help_text() -> str:
    """What `python -m service --help` prints."""
    rows = Settings.describe()
    width = max(len(env) for env, _, _ in rows)
    lines = [
        "usage: python -m service [--help]",
        "",
        "Runs the gifsvc web service (aiohttp). It is configured by environment variables:",
        "",
    ]
    lines += [f"  {env:<{width}}  {help_} (default: {default})" for env, default, help_ in rows]
    return "\n".join(lines)


def settings_or_exit(prog: str) -> Settings:
    """Settings for a command: a bad variable ends it with the message and exit status 2."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
