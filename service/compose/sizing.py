"""Landing under a size: compose, and while the GIF is larger than max_bytes, compose again
with fewer colours (a small overshoot) or fewer pixels (a large one), a few times at most."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from .gif import ComposeResult, Source, compose_gif
from .options import ComposeOptions

MAX_ATTEMPTS = 6
# Below this overshoot, halving the colours is the cheaper cut; above it, scale down.
COLOUR_CUT_OVERSHOOT = 1.25
MIN_COLOURS_FOR_CUT = 64
MIN_SIDE = 16


def compose_within(
    sources: Sequence[Source], options: ComposeOptions, out_path: str, max_pixels: int
) -> ComposeResult:
    """compose_gif, searching colours and scale to land under options.max_bytes if set."""
    result = compose_gif(sources, options, out_path, max_pixels)
    target = options.max_bytes
    if target is None:
        return result
    attempt: ComposeOptions | None = options
    for _ in range(MAX_ATTEMPTS - 1):
        if result.bytes <= target:
            break
        attempt = smaller_options(attempt, result, target) if attempt else None
        if attempt is None:
            break
        result = compose_gif(sources, attempt, out_path, max_pixels)
    return replace(result, within_max_bytes=result.bytes <= target)


def smaller_options(
    options: ComposeOptions, result: ComposeResult, target: int
) -> ComposeOptions | None:
    overshoot = result.bytes / target
    if overshoot <= COLOUR_CUT_OVERSHOOT and options.colors > MIN_COLOURS_FOR_CUT:
        return replace(options, colors=options.colors // 2)
    # Bytes follow the area: scale both sides by the square root, with a little margin.
    scale = min(0.9, 0.95 / math.sqrt(overshoot))
    width, height = round(result.width * scale), round(result.height * scale)
    if min(width, height) < MIN_SIDE:
        return None
    return replace(options, width=width, height=height)
