"""Runs one command and prints what it cost as JSON: wall and CPU seconds, peak RSS.

Started as `python -I -S bench_spawn.py CMD...` so it stays tiny. A child's ru_maxrss starts
at the high-water mark of the process that exec'd it (Linux carries it across fork and exec),
so a command started straight from the bench (numpy, frames, ~100 MiB) would report at least
that. Forked from this small process instead, the floor is this process's ~5 MiB.
"""

import json
import os
import sys
import time


def main() -> None:
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        except OSError as exc:
            print(f"cannot run {sys.argv[1]}: {exc.strerror}", file=sys.stderr, flush=True)
        os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    cost = {
        "wall_s": time.perf_counter() - start,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_kib": usage.ru_maxrss,
        "exit_code": os.waitstatus_to_exitcode(status),
    }
    print(json.dumps(cost))


if __name__ == "__main__":
    main()
