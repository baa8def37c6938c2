"""`python -m service.nginx_conf`: what hosts and Compose run (code: service/ops/nginx_conf.py)."""

import sys

from .ops.nginx_conf import main

if __name__ == "__main__":
    sys.exit(main())
