"""Rendering nginx's configuration from the settings: the one template both the local run
(scripts/run) and the EC2 host use, so the two never drift apart.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import resource
import sys
from collections.abc import Mapping
from pathlib import Path

from ..settings import Settings, settings_or_exit
from .nginx_answers import error_locations, security_header_lines

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "nginx"
SITE_TEMPLATE = "gifsvc-site.conf.template"
# Parts of the site rendered only when the settings ask for them (the fleet's), else left out.
REAL_IP_TEMPLATE = "gifsvc-real-ip.conf.template"
S3_DOWNLOADS_TEMPLATE = "gifsvc-s3-downloads.conf.template"
MAIN_TEMPLATE = "nginx.conf.template"
HOST_MAIN_TEMPLATE = "nginx-host.conf.template"
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_PLACEHOLDER_LINE = re.compile(r"^[ \t]*\{\{\s*(\w+)\s*\}\}[ \t]*\n", re.MULTILINE)
_TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
# Per nginx worker: far more than one address can hold with slow headers before
# client_header_timeout (10 s) closes them: about 3,000 new ones a second, with 2 workers.
WORKER_CONNECTIONS = 16384
_UPSTREAM = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):[0-9]{1,5}")


def render(template: str, values: Mapping[str, object]) -> str:
    """Fill {{name}} placeholders; a placeholder with no value is an error, not a blank."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for {{{{{name}}}}} in the nginx template")
        return str(values[name])

    def fill_line(match: re.Match[str]) -> str:
        value = fill(match)
        return f"{value}\n" if value else ""  # an empty part leaves no blank line behind

    return _PLACEHOLDER.sub(fill, _PLACEHOLDER_LINE.sub(fill_line, template))


def site_values(
    settings: Settings, downloads_dir: Path | None = None, upstream: str | None = None
) -> dict[str, object]:
    """The template's values; upstream (HOST:PORT) is where nginx finds aiohttp when that is
    not this machine's GIFSVC_HOST:GIFSVC_PORT (docker-compose's `app:8080`)."""
    upstream_host = "127.0.0.1" if settings.host in ("0.0.0.0", "") else settings.host
    upstream = upstream or f"{upstream_host}:{settings.port}"
    return {
        "public_port": settings.public_port,
        "upstream": upstream,
        "real_ip": _real_ip(settings.trusted_proxy_cidrs),
        "s3_downloads": _s3_downloads(settings, upstream),
        "downloads_dir": (downloads_dir or settings.downloads_dir).resolve(),
        "max_request_bytes": settings.max_request_bytes,
        # The upload itself may take this long, then its composition.
        "proxy_read_timeout_s": int(settings.upload_timeout + settings.compose_timeout) + 30,
        "rate_per_minute": settings.rate_per_minute,
        "estimates_per_minute": settings.estimates_per_minute,
        "connections_per_client": settings.connections_per_client,
        "security_headers": security_header_lines(),
        "error_locations": error_locations(settings),
    }


def _real_ip(cidrs: list[str]) -> str:
    if not cidrs:
        return ""
    lines = "\n".join(f"    set_real_ip_from {cidr};" for cidr in cidrs)
    return _part(REAL_IP_TEMPLATE, {"set_real_ip_from": lines})


def _s3_downloads(settings: Settings, upstream: str) -> str:
    if settings.s3_location is None:
        return ""
    return _part(S3_DOWNLOADS_TEMPLATE, {"upstream": upstream})


def _part(name: str, values: Mapping[str, object]) -> str:
    return render((TEMPLATE_DIR / name).read_text("utf-8"), values).rstrip("\n")


def render_site(
    settings: Settings, downloads_dir: Path | None = None, upstream: str | None = None
) -> str:
    template = (TEMPLATE_DIR / SITE_TEMPLATE).read_text("utf-8")
    return render(template, site_values(settings, downloads_dir, upstream))


def write_local_config(settings: Settings, access_log: str = "/dev/stdout") -> Path:
    """Write nginx.conf and the site under the data directory; returns nginx.conf's path."""
    nginx_dir = settings.nginx_dir.resolve()
    for name in _TEMP_DIRS:
        (nginx_dir / name).mkdir(parents=True, exist_ok=True)
    site = nginx_dir / "gifsvc-site.conf"
    site.write_text(render_site(settings), "utf-8")
    main = nginx_dir / "nginx.conf"
    values = {
        **_connection_limits(),
        # As root, nginx's workers would drop to "nobody" and could not read the data
        # directory; run them as the user who runs the service instead.
        "user_directive": f"user {getpass.getuser()};" if os.geteuid() == 0 else "",
        "nginx_dir": nginx_dir,
        "access_log": access_log,
        "site_conf": site,
    }
    main.write_text(render((TEMPLATE_DIR / MAIN_TEMPLATE).read_text("utf-8"), values), "utf-8")
    return main


def render_host_main(site_conf: Path, user: str) -> str:
    """nginx.conf for a daemon nginx (EC2, Compose) whose only server is the site at site_conf."""
    # The master runs as root there and may give its workers any number of open files.
    values = {**_connection_limits(capped=False), "user": user, "site_conf": site_conf}
    return render((TEMPLATE_DIR / HOST_MAIN_TEMPLATE).read_text("utf-8"), values)


def _connection_limits(capped: bool = True) -> dict[str, int]:
    """worker_connections, and the open files they need (two per proxied connection); capped:
    within what this process may have (scripts/run's nginx may not be root to raise it)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    open_files = 2 * WORKER_CONNECTIONS + 100
    if capped and hard != resource.RLIM_INFINITY:
        open_files = min(open_files, hard)
    return {"open_files": open_files, "worker_connections": (open_files - 100) // 2}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service.nginx_conf",
        description="Print the nginx site for the GIFSVC_* settings (the EC2 host's, Compose's).",
    )
    parser.add_argument("--downloads-dir", type=Path, help="where the host keeps the GIFs")
    parser.add_argument(
        "--upstream",
        type=_upstream,
        metavar="HOST:PORT",
        help="where nginx reaches aiohttp (default: GIFSVC_HOST:GIFSVC_PORT)",
    )
    parser.add_argument(
        "--main-for-site",
        type=Path,
        metavar="PATH",
        help="instead of the site, nginx.conf for a daemon nginx whose one server is PATH",
    )
    parser.add_argument("--user", default="nginx", help="nginx's workers' user (--main-for-site)")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    args = parser.parse_args(argv)
    settings = settings_or_exit("gifsvc nginx_conf")
    if args.main_for_site is not None:
        text = render_host_main(args.main_for_site, args.user)
    else:
        text = render_site(settings, args.downloads_dir, args.upstream)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, "utf-8")
    return 0


def _upstream(value: str) -> str:
    """HOST:PORT as nginx's proxy_pass takes it; anything else would break the whole site."""
    if not _UPSTREAM.fullmatch(value):
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, not {value!r}")
    return value


if __name__ == "__main__":
    sys.exit(main())
