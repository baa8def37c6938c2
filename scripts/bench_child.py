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

from service.compose.estimate import estimate_gif, sample_for
from service.compose.gif import Source, warm_up
from service.compose.images import open_frame
from service.compose.layout import fit_frame
from service.compose.options import ComposeOptions
from service.compose.sizing import compose_within

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


def _options(job: Job, frames: int) -> ComposeOptions:
    width, height = job["size"]
    return ComposeOptions(
        durations_ms=(job["duration_ms"],) * frames,
        width=width,
        height=height,
        quality=job["quality"],
        max_bytes=job.get("max_bytes"),
    )


def _sources(job: Job) -> list[Source]:
    return [Source(path, Path(path).name) for path in job["inputs"]]


def gifsvc(job: Job) -> None:
    """What a worker runs for POST /api/gifs (compose_within: max_bytes is honoured)."""
    compose_within(_sources(job), _options(job, len(job["inputs"])), job["out"], MAX_PIXELS)


def estimate(job: Job) -> None:
    """What a worker runs for POST /api/estimate, given the frames the page would send."""
    sources = _sources(job)
    at = sample_for([Path(source.path).stat().st_size for source in sources])
    options = _options(job, len(sources))
    sample = [sources[i] for i in at]
    guess = estimate_gif(sample, options, job["out"], MAX_PIXELS, at)
    Path(job["estimate"]).write_text(json.dumps({"bytes": guess.bytes, "seconds": guess.seconds}))


def floor(job: Job) -> None:
    """Only decode the sources (as gifsvc does) and fit them to the output size: no encoder can
    do less."""
    options = ComposeOptions(durations_ms=(job["duration_ms"],))
    width, height = job["size"]
    for path in job["inputs"]:
        frame = open_frame(path, Path(path).name, MAX_PIXELS, (width, height))
        fit_frame(frame, (width, height), options)


JOBS: dict[str, Callable[[Job], None]] = {
    "baseline": baseline,
    "gifsvc": gifsvc,
    "floor": floor,
    "estimate": estimate,
}


def main() -> None:
    job: Job = json.loads(sys.argv[1])
    run = JOBS[job["kind"]]
    warm_up(str(Path(job["out"]).parent))  # a warm worker has done this at start-up
    wall, cpu = time.perf_counter(), time.process_time()
    run(job)
    cost = {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}
    Path(job["result"]).write_text(json.dumps(cost))


if __name__ == "__main__":
    main()
