"""Estimating a GIF's size and time from a sample of its frames (POST /api/estimate).

The sample is a few frames spread over the animation (sample_positions: the first, the last and
evenly between), composed for real with the same options. Bytes: the first frame's stand for
themselves, and the mean of the others for every later frame. Each later sample frame is
encoded against the sample frame before it, not its neighbour; that is what a slideshow's
frames cost anyway, and a screen that changes in places changes in much the same places a few
frames on (scripts/bench measures both kinds). A spread sample matters more: the first few
frames of a slideshow say little about the rest.

Seconds: a composition costs a fixed part (starting, the first frame's whole-screen work) and a
part per later frame. Composing the first frame alone as well as the sample tells the two
apart; each frame the sample leaves out adds a later frame's part.

With max_bytes, the estimate follows compose_within's search: while the estimated GIF is too
large it estimates the next, smaller attempt, and the attempts' seconds add up.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import BadField
from .gif import ComposeResult, Source, compose_gif
from .gifinfo import read_gif_info
from .options import ComposeOptions
from .sizing import MAX_ATTEMPTS, smaller_options

# Six spread frames landed within 17% of the bytes on the bench's slideshows in any order (24
# shuffles of four sets); five missed by up to 30%, the first three by a third.
SAMPLE_FRAMES = 6
# The page sends fewer frames when six would be a large upload (it asks at each change).
SAMPLE_MAX_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Estimate:
    frames: int
    width: int
    height: int
    bytes: int
    seconds: float
    sample_frames: int


def sample_positions(frames: int, most: int = SAMPLE_FRAMES) -> tuple[int, ...]:
    """The positions of the frames an estimate of `frames` frames is made from: every frame if
    there are at most `most`, else the first, the last and the ones evenly between (rounded
    half up, in whole numbers, as the page's estimate.js rounds them)."""
    if frames <= most or most < 2:
        return tuple(range(min(frames, max(most, 1))))
    gaps = most - 1
    return tuple((2 * i * (frames - 1) + gaps) // (2 * gaps) for i in range(most))


def sample_for(file_bytes: Sequence[int]) -> tuple[int, ...]:
    """The sample the page sends for files of these sizes: the most spread frames (at most
    SAMPLE_FRAMES) that fit SAMPLE_MAX_BYTES together, else the first frame alone."""
    for most in range(SAMPLE_FRAMES, 1, -1):
        at = sample_positions(len(file_bytes), most)
        if sum(file_bytes[i] for i in at) <= SAMPLE_MAX_BYTES:
            return at
    return sample_positions(len(file_bytes), 1)


def check_positions(positions: Sequence[int], frames: int, uploaded: int) -> None:
    """Each image sent must have its place among the frames (the `positions` field, else the
    first frames), in order from the first."""
    ordered = list(positions) == sorted(set(positions))
    placed = len(positions) == uploaded > 0 and positions[0] == 0 and positions[-1] < frames
    if not (ordered and placed):
        raise BadField(
            f"Each of the {uploaded} images sent needs its place among the {frames} frames, "
            f"in order from 0 (positions), not {','.join(map(str, positions))}.",
            "positions",
        )


def estimate_gif(
    sources: Sequence[Source],
    options: ComposeOptions,
    out_path: str,
    max_pixels: int,
    positions: Sequence[int] | None = None,
) -> Estimate:
    """The expected result of compose_within on len(options.durations_ms) frames, of which
    sources are the sample at positions (by default, the first frames)."""
    at = tuple(range(len(sources)) if positions is None else positions)
    guess, sample = _estimate_once(sources, at, options, out_path, max_pixels)
    seconds = _seconds(sources, at, options, max_pixels, out_path, sample)
    # Smaller attempts cost in proportion to their sample, as the first did.
    per_sample_second = seconds / sample.wall if sample.wall else 1.0
    target, attempt = options.max_bytes, options
    for _ in range(MAX_ATTEMPTS - 1):
        if target is None or guess.bytes <= target:
            break
        smaller = smaller_options(attempt, _as_result(guess), target)
        if smaller is None:
            break
        attempt = smaller
        guess, sample = _estimate_once(sources, at, attempt, out_path, max_pixels)
        seconds += sample.wall * per_sample_second
    return replace(guess, seconds=round(seconds, 2))


@dataclass(frozen=True)
class _Cost:
    """What one composition of the sample took: wall seconds, and CPU seconds of every thread
    and of gifsicle."""

    wall: float
    cpu: float


def _timed_compose(
    sources: Sequence[Source], options: ComposeOptions, out_path: str, max_pixels: int, total: int
) -> tuple[ComposeResult, _Cost]:
    wall, cpu = time.perf_counter(), _cpu_seconds()
    result = compose_gif(sources, options, out_path, max_pixels, stands_for=total)
    return result, _Cost(time.perf_counter() - wall, _cpu_seconds() - cpu)


def _cpu_seconds() -> float:
    """This process's CPU seconds, its threads' and its finished children's (gifsicle)."""
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


def _as_result(guess: Estimate) -> ComposeResult:
    return ComposeResult(guess.frames, guess.width, guess.height, guess.bytes, ())


def _sample_options(options: ComposeOptions, at: Sequence[int]) -> ComposeOptions:
    """The options for the sample frames alone: their own delays and captions."""
    captions = options.captions
    return replace(
        options,
        durations_ms=tuple(options.durations_ms[i] for i in at),
        captions=tuple(captions[i] if i < len(captions) else "" for i in at),
    )


def _estimate_once(
    sources: Sequence[Source],
    at: Sequence[int],
    options: ComposeOptions,
    out_path: str,
    max_pixels: int,
) -> tuple[Estimate, _Cost]:
    """The expected size of composing every frame (its seconds: the sample's), and what the
    sample cost."""
    total = len(options.durations_ms)
    sample_options = _sample_options(options, at)
    result, cost = _timed_compose(sources, sample_options, out_path, max_pixels, total)
    info = read_gif_info(out_path)
    first, rest = info.frame_bytes[0], info.frame_bytes[1:]
    # Identical frames were merged: the sample's later frames, on average, per later frame.
    per_later_frame = sum(rest) / (len(sources) - 1) if len(sources) > 1 else first
    expected = info.header_bytes + first + round(per_later_frame * (total - 1)) + 1
    guess = Estimate(total, result.width, result.height, expected, cost.wall, len(sources))
    return guess, cost


def _seconds(
    sources: Sequence[Source],
    at: Sequence[int],
    options: ComposeOptions,
    max_pixels: int,
    out_path: str,
    sample: _Cost,
) -> float:
    """The whole GIF's seconds: the sample's, and for each frame it leaves out, a later frame's.

    A later frame's cost is measured in CPU seconds (the sample's, less its first frame's
    composed alone), turned into wall seconds at the sample's own rate (how many cores it got).
    Not in wall seconds: in the sample, the later frames run beside the first and hide."""
    total, count = len(options.durations_ms), len(sources)
    if count >= total:
        return sample.wall
    first_options = _sample_options(options, at[:1])
    _, alone = _timed_compose(sources[:1], first_options, out_path, max_pixels, total)
    if count == 1 or sample.cpu <= 0:
        return alone.wall * total
    later_cpu = max(0.0, sample.cpu - alone.cpu) / (count - 1)
    return sample.wall + (total - count) * later_cpu * sample.wall / sample.cpu
