"""The frames of a composition, from canvases to encoded blocks: what changed since the frame
before (a rectangle whose unchanged pixels are transparent), quantized, and merged with the
frames after it that change nothing (their delays added)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from PIL import Image, ImageChops

from .alpha import transparent_mask
from .gifwriter import CLEAR, KEEP, encode_frame
from .options import ComposeOptions
from .palette import Preset, photo_like, reduce_colours

MAX_DELAY_CS = 65535  # GIF's 16-bit delay field
# A frame whose successor changes a rectangle of less than this share of it stays on screen as
# the background of what follows (a click-through): it gets the preset's lasting quality.
LASTING_SHARE = 0.25


@dataclass(frozen=True)
class Work:
    """What one frame asks of the quantizer: a region (RGBA where pixels are transparent)."""

    region: Image.Image | None  # None: nothing changed since the frame before
    offset: tuple[int, int]
    disposal: int
    colours: int
    lasting: bool = False  # the frames after it change little of it: worth its bytes


@dataclass
class Pending:
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


def frame_work(
    canvases: Iterator[Image.Image], options: ComposeOptions, tolerance: int
) -> Iterator[Work]:
    """What each frame asks of the quantizer, handed on once the next frame shows whether it
    lasts (the next changes less than LASTING_SHARE of it, as in a click-through)."""
    previous: Image.Image | None = None
    held: Work | None = None
    for canvas in canvases:
        if options.background is None:
            # One entry is kept for "transparent": a cleared screen must clear to it.
            yield Work(_binary_alpha(canvas), (0, 0), CLEAR, options.colors - 1)
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
) -> tuple[Work, float]:
    """The part of an opaque frame that changed since the previous one (None if nothing did),
    and its share of the frame's area; pixels in the part that did not change are
    transparent."""
    if previous is None:
        return Work(canvas, (0, 0), KEEP, colours), 1.0
    changed = _changed_mask(canvas, previous, tolerance)
    box = changed.getbbox()
    if box is None:
        return Work(None, (0, 0), KEEP, colours), 0.0
    region, changed = canvas.crop(box), changed.crop(box)
    share = region.width * region.height / (canvas.width * canvas.height)
    if changed.getextrema() != (255, 255):  # some pixels in the rectangle did not change
        region.putalpha(changed)
    return Work(region, box[:2], KEEP, colours), share


def quantize_frame(work: Work, preset: Preset) -> Pending | None:
    if work.region is None:
        return None
    done = reduce_colours(work.region, work.colours, preset, work.lasting)
    photo = work.region.width * work.region.height if photo_like(done) else 0
    transparent = done.transparent
    if transparent is None and work.disposal == CLEAR:
        transparent = _add_transparent_entry(done.image)
    return Pending(done.image, work.offset, 0, work.disposal, transparent, photo)


def _add_transparent_entry(paletted: Image.Image) -> int:
    """Append a palette entry for "transparent" and return its index."""
    palette = paletted.getpalette() or []
    index = len(palette) // 3
    paletted.putpalette([*palette, 0, 0, 0])
    return index


def merged(frames: Iterator[Pending | None], delays: list[int]) -> Iterator[Pending]:
    """Each frame with its delay, once the next shows whether it lasts longer."""
    pending: Pending | None = None
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


def _binary_alpha(canvas: Image.Image) -> Image.Image:
    """A whole frame over a cleared screen: what was transparent in the input stays so."""
    opaque = ImageChops.invert(transparent_mask(canvas.getchannel("A")))
    region = canvas.copy()
    region.putalpha(opaque)
    return region


def _hold_frame() -> Pending:
    """A transparent pixel that only adds time (a delay past GIF's 16-bit field)."""
    pixel = Image.new("P", (1, 1), 0)
    pixel.putpalette([0, 0, 0])
    return Pending(pixel, (0, 0), 0, KEEP, 0)


def _changed_mask(canvas: Image.Image, previous: Image.Image, tolerance: int) -> Image.Image:
    """255 where any channel moved by more than the tolerance, else 0."""
    red, green, blue = ImageChops.difference(canvas, previous).split()
    biggest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return biggest.point(lambda d: 255 if d > tolerance else 0)
