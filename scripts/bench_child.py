"""One timed job of the bench, run in its own process: `python bench_child.py JOB_JSON`.

The job names what to run (the baseline, gifsvc's compose core, or the decode+resize floor),
its input files and its output; imports happen before the clock starts, as in a warm worker.
Wall and CPU seconds of the work alone go to the job's result file; scripts/bench_spawn.py,
which started this process, reports its peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.compose.gif import Source, compose_gif
from service.compose.images import open_frame
from service.compose.layout import fit_frame
from service.compose.options import ComposeOptions

MAX_PIXELS = 50_000_000
Job = dict[str, Any]


def baseline(job: Job) -> None:
    """The seed's approach: Pillow's plain multi-frame save, default settings."""
    frames = [Image.open(path) for path in job["inputs"]]
    frames[0].save(
        job["out"],
        save_all=True,
        append_images=frames[1:],
        duration=job["duration_ms"],
        loop=0,
    )


def gifsvc(job: Job) -> None:
    width, height = job["size"]
    options = ComposeOptions(
        durations_ms=(job["duration_ms"],) * len(job["inputs"]),
        width=width,
        height=height,
        quality=job["quality"],
    )
    sources = [Source(path, Path(path).name) for path in job["inputs"]]
    compose_gif(sources, options, job["out"], MAX_PIXELS)


def floor(job: Job) -> None:
    """Only decode the sources and fit them to the output size: no encoder can do less."""
    options = ComposeOptions(durations_ms=(job["duration_ms"],))
    width, height = job["size"]
    for path in job["inputs"]:
        fit_frame(open_frame(path, Path(path).name, MAX_PIXELS), (width, height), options)


JOBS: dict[str, Callable[[Job], None]] = {"baseline": baseline, "gifsvc": gifsvc, "floor": floor}


def main() -> None:
    job: Job = json.loads(sys.argv[1])
    run = JOBS[job["kind"]]
    wall, cpu = time.perf_counter(), time.process_time()
    run(job)
    cost = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
    Path(job["result"]).write_text(json.dumps(cost))


if __name__ == "__main__":
    main()
