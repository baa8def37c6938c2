"""The frames a composition decodes: one per image, or with `expand`, every frame of an
animated GIF, WebP or PNG, each with its own delay; all cropped as the `crop` field says."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from itertools import chain
from typing import TYPE_CHECKING

from PIL import Image

from ..errors import TooManyFrames
from .crop import check_crop, crop_frame
from .images import frame_delays, open_frame, open_frames
from .options import ComposeOptions, check_frame_count

if TYPE_CHECKING:
    from .gif import Source

Size = tuple[int, int]


def resolve_frames(
    sources: Sequence[Source], options: ComposeOptions, max_pixels: int
) -> ComposeOptions:
    """The options with one delay per frame: with expand, the frames are counted here."""
    if not options.expand:
        return options
    delays: list[int | None] = []
    for source in sources:
        room = options.max_frames - len(delays)
        delays += frame_delays(source.path, source.name, max_pixels, room + 1)
        if len(delays) > options.max_frames:
            raise TooManyFrames(
                f"At most {options.max_frames} frames can be made into one GIF, counting "
                "every frame of the animated images.",
                "photo",
            )
    check_frame_count(options.durations_ms, options.captions, len(delays))
    if options.durations_ms:
        return options
    fallback = options.expanded_duration_ms or ComposeOptions.DEFAULT_DURATION_MS
    own = tuple(options.expanded_duration_ms or delay or fallback for delay in delays)
    return replace(options, durations_ms=own)


def input_frames(
    sources: Sequence[Source],
    options: ComposeOptions,
    max_pixels: int,
    size_for: Callable[[Size], Size],
) -> tuple[Size, Iterator[Image.Image]]:
    """The output size (size_for the first frame, cropped) and every frame, cropped."""
    first_frames = _decoded(sources[0], options, max_pixels, None)
    first = next(first_frames)
    reference = first.size
    if options.crop is not None:
        check_crop(options.crop, reference)
    first = crop_frame(first, options.crop, reference)
    size = size_for(first.size)
    # A JPEG is decoded at a fraction of its size near the output's (not when cropping).
    draft_to = None if options.fit == "none" or options.crop else size
    rest = chain(first_frames, *(_decoded(s, options, max_pixels, draft_to) for s in sources[1:]))
    cropped = (crop_frame(frame, options.crop, reference) for frame in rest)
    return size, chain([first], cropped)


def _decoded(
    source: Source, options: ComposeOptions, max_pixels: int, draft_to: Size | None
) -> Iterator[Image.Image]:
    if options.expand:
        for frame, _delay in open_frames(source.path, source.name, max_pixels, options.max_frames):
            yield frame
    else:
        yield open_frame(source.path, source.name, max_pixels, draft_to)
