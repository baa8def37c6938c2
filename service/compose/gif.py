"""The compose core: image files in, one animated GIF file out. Pillow only, no web imports.

`compose_gif` is what the worker processes run. Frames are decoded one at a time, laid out on
a fresh canvas (so no input metadata can reach the output), and written as soon as they are
encoded, so memory stays flat in the number of frames. After the first frame, only the
rectangle that changed is written, with its own palette; pixels in it that did not change are
transparent and show the frame before (a click-through costs little more than one frame).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from PIL import Image, ImageChops

from .alpha import transparent_mask
from .captions import captioned
from .expand import input_frames, resolve_frames
from .gifinfo import read_gif_info
from .gifsicle import optimize
from .gifwriter import CLEAR, KEEP, encode_frame, write_header, write_trailer
from .layout import fit_frame, output_size
from .options import ComposeOptions
from .palette import PRESETS, reduce_colours
from .timing import to_centiseconds

MAX_DELAY_CS = 65535  # GIF's 16-bit delay field
# Past this many output pixels in all (about 30 frames of 1280x800), palettes skip k-means.
REFINE_BUDGET_PIXELS = 30_000_000
Reduce = Callable[[Image.Image, int], Image.Image]


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
    size, frames = input_frames(sources, options, max_pixels, lambda s: output_size(s, options))
    canvases = captioned((fit_frame(frame, size, options) for frame in frames), options.captions)
    delays = to_centiseconds(list(options.durations_ms))
    with open(out_path, "wb") as fp:
        write_header(fp, size, options.loop)
        # k-means refinement costs time per pixel: only for compositions of moderate size.
        refine = len(delays) * size[0] * size[1] <= REFINE_BUDGET_PIXELS
        for block in _frames(canvases, delays, options, refine):
            fp.write(block)
        write_trailer(fp)
    if options.quality != "fast":
        optimize(out_path)
    info = read_gif_info(out_path)
    return ComposeResult(
        frames=info.frames,
        width=info.width,
        height=info.height,
        bytes=os.path.getsize(out_path),
        durations_ms=tuple(info.durations_ms),
        colors=options.colors,
    )


@dataclass
class _Pending:
    """A frame held back until the next one shows whether it lasts longer (merging)."""

    image: Image.Image
    offset: tuple[int, int]
    delay_cs: int
    disposal: int
    transparency: int | None

    def encode(self) -> bytes:
        return encode_frame(
            self.image, self.offset, self.delay_cs, self.disposal, self.transparency
        )


def _frames(
    canvases: Iterator[Image.Image], delays: list[int], options: ComposeOptions, refine: bool
) -> Iterator[bytes]:
    """Encoded frames, each written as soon as the one after it is known."""
    preset = PRESETS[options.quality]
    reduce: Reduce = partial(reduce_colours, preset=preset, refine=refine)
    previous: Image.Image | None = None
    pending: _Pending | None = None
    for canvas, delay_cs in zip(canvases, delays, strict=True):
        frame: _Pending | None
        if options.background is None:
            frame = _transparent_frame(canvas, delay_cs, options.colors, reduce)
        else:
            frame = _delta_frame(
                canvas, previous, delay_cs, options.colors, preset.tolerance, reduce
            )
            previous = canvas
        if frame is None and pending is not None and pending.delay_cs + delay_cs <= MAX_DELAY_CS:
            pending.delay_cs += delay_cs  # nothing changed: the frame before lasts longer
            continue
        if pending is not None:
            yield pending.encode()
        pending = _hold_frame(delay_cs) if frame is None else frame
    if pending is not None:
        yield pending.encode()


def _delta_frame(
    canvas: Image.Image,
    previous: Image.Image | None,
    delay_cs: int,
    colours: int,
    tolerance: int,
    reduce: Reduce,
) -> _Pending | None:
    """The part of an opaque frame that changed since the previous one; None if nothing did."""
    if previous is None:
        return _Pending(reduce(canvas, colours), (0, 0), delay_cs, KEEP, None)
    changed = _changed_mask(canvas, previous, tolerance)
    box = changed.getbbox()
    if box is None:
        return None
    region, changed = canvas.crop(box), changed.crop(box)
    if changed.getextrema() == (255, 255):  # every pixel in the rectangle changed
        return _Pending(reduce(region, colours), box[:2], delay_cs, KEEP, None)
    paletted = reduce(region, colours - 1)
    index = _add_transparent_entry(paletted)
    paletted.paste(index, mask=ImageChops.invert(changed))
    return _Pending(paletted, box[:2], delay_cs, KEEP, index)


def _transparent_frame(
    canvas: Image.Image, delay_cs: int, colours: int, reduce: Reduce
) -> _Pending:
    """A whole frame over a cleared screen: what was transparent in the input stays so."""
    paletted = reduce(canvas.convert("RGB"), colours - 1)
    index = _add_transparent_entry(paletted)
    clear = transparent_mask(canvas.getchannel("A"))
    paletted.paste(index, mask=clear)
    return _Pending(paletted, (0, 0), delay_cs, CLEAR, index)


def _hold_frame(delay_cs: int) -> _Pending:
    """A transparent pixel that only adds time (a delay past GIF's 16-bit field)."""
    pixel = Image.new("P", (1, 1), 0)
    pixel.putpalette([0, 0, 0])
    return _Pending(pixel, (0, 0), delay_cs, KEEP, 0)


def _changed_mask(canvas: Image.Image, previous: Image.Image, tolerance: int) -> Image.Image:
    """255 where any channel moved by more than the tolerance, else 0."""
    red, green, blue = ImageChops.difference(canvas, previous).split()
    biggest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return biggest.point(lambda d: 255 if d > tolerance else 0)


def _add_transparent_entry(paletted: Image.Image) -> int:
    """Append a palette entry for "transparent" and return its index."""
    palette = paletted.getpalette() or []
    index = len(palette) // 3
    paletted.putpalette([*palette, 0, 0, 0])
    return index
