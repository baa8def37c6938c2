"""Estimating a GIF's size and time from a sample of its first frames (POST /api/estimate).

The sample is composed for real with the same options; the first frame's bytes stand for
themselves and the mean of the others stands for every later frame, which is how deltas behave.
With max_bytes, the estimate follows compose_within's search: while the estimated GIF is too
large it estimates the next, smaller attempt, and the attempts' seconds add up.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .gif import ComposeResult, Source, compose_gif
from .gifinfo import read_gif_info
from .options import ComposeOptions
from .sizing import MAX_ATTEMPTS, smaller_options

SAMPLE_FRAMES = 3


@dataclass(frozen=True)
class Estimate:
    frames: int
    width: int
    height: int
    bytes: int
    seconds: float
    sample_frames: int


def estimate_gif(
    sources: Sequence[Source], options: ComposeOptions, out_path: str, max_pixels: int
) -> Estimate:
    """The expected result of compose_within on len(options.durations_ms) frames like the
    sources."""
    guess = _estimate_once(sources, options, out_path, max_pixels)
    target, seconds = options.max_bytes, guess.seconds
    attempt: ComposeOptions | None = options
    for _ in range(MAX_ATTEMPTS - 1):
        if target is None or guess.bytes <= target or attempt is None:
            break
        attempt = smaller_options(attempt, _as_result(guess), target)
        if attempt is not None:
            guess = _estimate_once(sources, attempt, out_path, max_pixels)
            seconds += guess.seconds
    return replace(guess, seconds=round(seconds, 2))


def _as_result(guess: Estimate) -> ComposeResult:
    return ComposeResult(guess.frames, guess.width, guess.height, guess.bytes, ())


def _estimate_once(
    sources: Sequence[Source], options: ComposeOptions, out_path: str, max_pixels: int
) -> Estimate:
    """The expected result of composing len(options.durations_ms) frames like the sources."""
    total = len(options.durations_ms)
    sample = list(sources[:SAMPLE_FRAMES])
    sample_options = replace(options, durations_ms=options.durations_ms[: len(sample)])
    started = time.perf_counter()
    result = compose_gif(sample, sample_options, out_path, max_pixels)
    elapsed = time.perf_counter() - started
    info = read_gif_info(out_path)
    first, rest = info.frame_bytes[0], info.frame_bytes[1:]
    # Identical frames were merged: the sample's later frames, on average, per later frame.
    per_later_frame = sum(rest) / (len(sample) - 1) if len(sample) > 1 else first
    expected = info.header_bytes + first + round(per_later_frame * (total - 1)) + 1
    return Estimate(
        frames=total,
        width=result.width,
        height=result.height,
        bytes=expected,
        seconds=round(elapsed * total / len(sample), 2),
        sample_frames=len(sample),
    )
