"""The compose core: image files in, one animated GIF file out. Pillow and libimagequant, no
web imports.

`compose_gif` is what the worker processes run. Frames are decoded (service/compose/expand.py)
and quantized a few at a time in threads (pipeline.py), laid out on a fresh canvas (so no input
metadata can reach the output), captioned, and written in order as soon as they are encoded, so
memory stays flat in the number of frames. After the first frame, only the rectangle that
changed is written; its unchanged pixels are transparent (they take one palette entry and no
colours) and show the frame before, so a click-through costs little more than one frame.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from typing import BinaryIO

from PIL import Image, ImageChops

from .alpha import transparent_mask
from .captions import captioned
from .expand import input_frames, resolve_frames
from .gifinfo import read_gif_info
from .gifsicle import optimize
from .gifwriter import CLEAR, KEEP, encode_frame, palette_bytes, write_header, write_trailer
from .layout import Size
from .options import ComposeOptions
from .palette import PRESETS, Preset, photo_like, reduce_colours
from .pipeline import ordered_map, thread_count
from .timing import to_centiseconds

MAX_DELAY_CS = 65535  # GIF's 16-bit delay field
# A frame whose successor changes a rectangle of less than this share of it stays on screen as
# the background of what follows (a click-through): it gets the preset's lasting quality.
LASTING_SHARE = 0.25
# A composition is photo-like (gets the lossy pass) from a quarter of its pixels in photo-like
# regions: a slideshow of screens and photos is sized by its photos.
PHOTO_SHARE_DIVISOR = 4
# gifsicle --lossy takes about a second per 2 Mpx: past this many pixels in all (about 13
# photos of 1280x960) the lossy pass would cost more time than the whole rest.
LOSSY_BUDGET_PIXELS = 16_000_000


@dataclass(frozen=True)
class Source:
    """One uploaded frame: where the server spooled it, and the name the client gave it."""

    path: str
    name: str


@dataclass(frozen=True)
class ComposeResult:
    """The GIF as written (identical consecutive frames are merged and their delays added)."""

    frames: int
    width: int
    height: int
    bytes: int
    durations_ms: tuple[int, ...]
    colors: int = 256  # the most colours a frame could have
    within_max_bytes: bool | None = None  # None when no size was asked for


def compose_gif(
    sources: Sequence[Source], options: ComposeOptions, out_path: str, max_pixels: int
) -> ComposeResult:
    """Compose the sources, in order, into an animated GIF written at out_path."""
    options = resolve_frames(sources, options, max_pixels)
    preset = PRESETS[options.quality]
    threads = thread_count()
    with ThreadPoolExecutor(threads) as executor, open(out_path, "wb") as fp:
        size, canvases = input_frames(sources, options, max_pixels, executor, threads)
        work = _work(captioned(canvases, options.captions), options, preset.tolerance)
        quantized = ordered_map(partial(_quantize, preset=preset), work, executor, threads)
        delays = to_centiseconds(list(options.durations_ms))
        photo_pixels = _write(fp, size, options.loop, _merged(quantized, delays))
    if preset.optimize:
        pixels = len(delays) * size[0] * size[1]
        photos = photo_pixels * PHOTO_SHARE_DIVISOR >= pixels
        lossy = preset.lossy if photos and pixels <= LOSSY_BUDGET_PIXELS else 0
        optimize(out_path, lossy=lossy)
    info = read_gif_info(out_path)
    return ComposeResult(
        frames=info.frames,
        width=info.width,
        height=info.height,
        bytes=os.path.getsize(out_path),
        durations_ms=tuple(info.durations_ms),
        colors=options.colors,
    )


def warm_up(directory: str) -> None:
    """Compose one tiny GIF in directory (then remove it), so the first real composition does
    not pay for loading decoders, libimagequant and gifsicle from disk."""
    source = os.path.join(directory, f".warm-up-{os.getpid()}.png")
    out_path = f"{source}.gif"
    try:
        Image.linear_gradient("L").resize((32, 32)).convert("RGB").save(source)
        compose_gif(
            [Source(source, "warm-up")], ComposeOptions(durations_ms=(100,)), out_path, 1024
        )
    finally:
        for path in (source, out_path):
            if os.path.exists(path):
                os.unlink(path)


@dataclass(frozen=True)
class _Work:
    """What one frame asks of the quantizer: a region (RGBA where pixels are transparent)."""

    region: Image.Image | None  # None: nothing changed since the frame before
    offset: tuple[int, int]
    disposal: int
    colours: int
    lasting: bool = False  # the frames after it change little of it: worth its bytes


@dataclass
class _Pending:
    """A frame held back until the next one shows whether it lasts longer (merging)."""

    image: Image.Image
    offset: tuple[int, int]
    delay_cs: int
    disposal: int
    transparency: int | None
    photo_pixels: int = 0  # pixels of photo-like regions (they choose the lossy pass)

    def encode(self, local_palette: bool) -> bytes:
        return encode_frame(
            self.image, self.offset, self.delay_cs, self.disposal, self.transparency, local_palette
        )


def _work(
    canvases: Iterator[Image.Image], options: ComposeOptions, tolerance: int
) -> Iterator[_Work]:
    """What each frame asks of the quantizer, handed on once the next frame shows whether it
    lasts (the next changes less than LASTING_SHARE of it, as in a click-through)."""
    previous: Image.Image | None = None
    held: _Work | None = None
    for canvas in canvases:
        if options.background is None:
            # One entry is kept for "transparent": a cleared screen must clear to it.
            yield _Work(_binary_alpha(canvas), (0, 0), CLEAR, options.colors - 1)
            continue
        work, share = _delta(canvas, previous, tolerance, options.colors)
        previous = canvas
        if held is not None:
            yield replace(held, lasting=share < LASTING_SHARE)
        held = work
    if held is not None:
        yield held  # the last frame: nothing changes over it


def _delta(
    canvas: Image.Image, previous: Image.Image | None, tolerance: int, colours: int
) -> tuple[_Work, float]:
    """The part of an opaque frame that changed since the previous one (None if nothing did),
    and its share of the frame's area; pixels in the part that did not change are
    transparent."""
    if previous is None:
        return _Work(canvas, (0, 0), KEEP, colours), 1.0
    changed = _changed_mask(canvas, previous, tolerance)
    box = changed.getbbox()
    if box is None:
        return _Work(None, (0, 0), KEEP, colours), 0.0
    region, changed = canvas.crop(box), changed.crop(box)
    share = region.width * region.height / (canvas.width * canvas.height)
    if changed.getextrema() != (255, 255):  # some pixels in the rectangle did not change
        region.putalpha(changed)
    return _Work(region, box[:2], KEEP, colours), share


def _quantize(work: _Work, preset: Preset) -> _Pending | None:
    if work.region is None:
        return None
    done = reduce_colours(work.region, work.colours, preset, work.lasting)
    photo = work.region.width * work.region.height if photo_like(done) else 0
    transparent = done.transparent
    if transparent is None and work.disposal == CLEAR:
        transparent = _add_transparent_entry(done.image)
    return _Pending(done.image, work.offset, 0, work.disposal, transparent, photo)


def _add_transparent_entry(paletted: Image.Image) -> int:
    """Append a palette entry for "transparent" and return its index."""
    palette = paletted.getpalette() or []
    index = len(palette) // 3
    paletted.putpalette([*palette, 0, 0, 0])
    return index


def _merged(frames: Iterator[_Pending | None], delays: list[int]) -> Iterator[_Pending]:
    """Each frame with its delay, once the next shows whether it lasts longer."""
    pending: _Pending | None = None
    for frame, delay_cs in zip(frames, delays, strict=True):
        if frame is None and pending is not None and pending.delay_cs + delay_cs <= MAX_DELAY_CS:
            pending.delay_cs += delay_cs  # nothing changed: the frame before lasts longer
            continue
        if pending is not None:
            yield pending
        pending = _hold_frame() if frame is None else frame
        pending.delay_cs = delay_cs
    if pending is not None:
        yield pending


def _write(fp: BinaryIO, size: Size, loop: int, frames: Iterator[_Pending]) -> int:
    """The GIF's blocks, frame 0's palette as the global table; the photo-like pixels."""
    photo_pixels = 0
    for index, frame in enumerate(frames):
        if index == 0:
            write_header(fp, size, loop, palette_bytes(frame.image))
        fp.write(frame.encode(local_palette=index > 0))
        photo_pixels += frame.photo_pixels
    write_trailer(fp)
    return photo_pixels


def _binary_alpha(canvas: Image.Image) -> Image.Image:
    """A whole frame over a cleared screen: what was transparent in the input stays so."""
    opaque = ImageChops.invert(transparent_mask(canvas.getchannel("A")))
    region = canvas.copy()
    region.putalpha(opaque)
    return region


def _hold_frame() -> _Pending:
    """A transparent pixel that only adds time (a delay past GIF's 16-bit field)."""
    pixel = Image.new("P", (1, 1), 0)
    pixel.putpalette([0, 0, 0])
    return _Pending(pixel, (0, 0), 0, KEEP, 0)


def _changed_mask(canvas: Image.Image, previous: Image.Image, tolerance: int) -> Image.Image:
    """255 where any channel moved by more than the tolerance, else 0."""
    red, green, blue = ImageChops.difference(canvas, previous).split()
    biggest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return biggest.point(lambda d: 255 if d > tolerance else 0)
