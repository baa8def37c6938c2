"""`scripts/smoke URL`: check from the outside that a deployed gifsvc really works.

What a person runs after `cdk deploy` (scripts/smoke wraps it). It makes a few frames in memory,
uploads them as a browser would, downloads the GIF and decodes it, and walks the error answers a
client relies on. One line per check, then a verdict; exit status 0 only when every check passed.
It is a pure HTTP client (the standard library and Pillow, never aiohttp), so it sees the service
as curl or a browser does. It leaves one small GIF behind, which goes when its TTL runs out.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from collections.abc import Callable

from .smoke_checks import (
    Smoke,
    check_download,
    check_download_headers,
    check_healthz,
    check_inline,
    check_upload,
)
from .smoke_errors import (
    check_bad_field,
    check_no_images,
    check_traversal,
    check_unknown_download,
    check_unsupported_image,
)
from .smoke_http import CheckFailed, Client

TIMEOUT_S = 60.0


# In order: the download checks use what the upload made.
CHECKS: list[tuple[str, Callable[[Smoke], str]]] = [
    ("healthz", check_healthz),
    ("upload", check_upload),
    ("download", check_download),
    ("download headers", check_download_headers),
    ("inline download", check_inline),
    ("unsupported image", check_unsupported_image),
    ("no images", check_no_images),
    ("bad field", check_bad_field),
    ("unknown download", check_unknown_download),
    ("traversal", check_traversal),
]


def run_checks(smoke: Smoke) -> int:
    """Run every check, printing a line each; returns how many failed."""
    failed = 0
    for name, check in CHECKS:
        try:
            passed, detail = True, check(smoke)
        except CheckFailed as exc:
            passed, detail = False, str(exc)
        except Exception as exc:  # a bad answer we did not foresee: report it and go on
            passed, detail = False, f"{type(exc).__name__}: {exc}"
        print(f"{'ok' if passed else 'FAIL':<4} {name}: {' '.join(detail.split())}", flush=True)
        failed += not passed
    return failed


def base_url(text: str) -> str:
    """The URL as `cdk deploy` prints it; the scheme and the trailing slash are optional."""
    parts = urllib.parse.urlsplit(text if "://" in text else f"http://{text}")
    try:
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number in range
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http:// or https:// URL")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def seconds(text: str) -> float:
    value = float(text)  # argparse turns a ValueError into a usage error
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: want a number of seconds above 0")
    return value


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/smoke",
        description=__doc__,
        epilog=f"checks, in order: {', '.join(name for name, _ in CHECKS)}\n\n"
        "example: scripts/smoke http://203.0.113.5:8888/   (exit 0: PASS, 1: FAIL, 2: usage)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "url", metavar="URL", type=base_url, help="the deployment, e.g. http://203.0.113.5:8888/"
    )
    parser.add_argument(
        "--no-nginx",
        action="store_true",
        help="do not require 'Server: nginx' on downloads (aiohttp alone, the embedded mode)",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        default=TIMEOUT_S,
        help="seconds per request (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"smoke: checking {args.url}/", flush=True)
    failed = run_checks(Smoke(Client(args.url, args.timeout), expect_nginx=not args.no_nginx))
    total = len(CHECKS)
    if failed:
        print(f"smoke: FAIL ({failed} of {total} checks failed)")
        return 1
    print(f"smoke: PASS ({total} checks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
