"""The frames a composition decodes: one per image, or with `expand`, every frame of an
animated GIF, WebP or PNG, each with its own delay; all cropped as the `crop` field says."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from itertools import chain
from typing import TYPE_CHECKING

from PIL import Image

from ..errors import TooManyFrames
from .crop import check_crop, crop_frame, crop_size
from .images import frame_delays, open_frame, open_frames, upright_size
from .layout import fit_frame, output_size
from .options import ComposeOptions, check_frame_count
from .pipeline import ordered_map

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
    executor: Executor,
    ahead: int,
) -> tuple[Size, Iterator[Image.Image]]:
    """The output size (from the first image, cropped) and every frame cropped and laid out on
    its canvas, decoded `ahead` at a time in the executor's threads, in order."""
    reference, first = _reference(sources[0], options, max_pixels)
    if options.crop is not None:
        check_crop(options.crop, reference)
    size = output_size(crop_size(options.crop, reference), options)
    # A JPEG is decoded at a fraction of its size near the output's (not when cropping).
    draft_to = None if options.fit == "none" or options.crop else size

    def canvas(frame: Image.Image) -> Image.Image:
        return fit_frame(crop_frame(frame, options.crop, reference), size, options)

    if options.expand:  # an animation's frames come one after the other from its file
        frames = chain(*(_decoded(s, options, max_pixels, None) for s in sources))
        return size, ordered_map(canvas, frames, executor, ahead)

    def load(index: int) -> Image.Image:
        if index == 0 and first is not None:
            return canvas(first)
        source = sources[index]
        return canvas(open_frame(source.path, source.name, max_pixels, draft_to))

    return size, ordered_map(load, range(len(sources)), executor, ahead)


def _reference(
    source: Source, options: ComposeOptions, max_pixels: int
) -> tuple[Size, Image.Image | None]:
    """The first image's upright size, from a JPEG's header where it can (so it too is decoded
    at a fraction of its size), else by decoding it (the decoded frame is kept)."""
    size = None if options.expand else upright_size(source.path)
    if size is not None:
        return size, None
    first = open_frame(source.path, source.name, max_pixels)
    return first.size, None if options.expand else first


def _decoded(
    source: Source, options: ComposeOptions, max_pixels: int, draft_to: Size | None
) -> Iterator[Image.Image]:
    if options.expand:
        for frame, _delay in open_frames(source.path, source.name, max_pixels, options.max_frames):
            yield frame
    else:
        yield open_frame(source.path, source.name, max_pixels, draft_to)
