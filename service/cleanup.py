"""`python -m service.cleanup`: the command cron runs (the code lives in service/ops/cleanup.py)."""

import sys

from .ops.cleanup import main

if __name__ == "__main__":
    sys.exit(main())
