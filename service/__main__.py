"""`python -m service`: run the web service with the settings from the environment."""

from __future__ import annotations

import logging
import sys

from .settings import help_text, settings_or_exit
from .web.app import serve


def main(argv: list[str]) -> int:
    if any(arg in ("-h", "--help") for arg in argv):
        print(help_text())
        return 0
    if argv:
        print(f"gifsvc: unexpected arguments {' '.join(argv)!r}\n\n{help_text()}", file=sys.stderr)
        return 2
    settings = settings_or_exit("gifsvc")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    serve(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
