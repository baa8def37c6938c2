"""The compose core: image files in, one animated GIF file out. Pillow only, no web imports.

`compose_gif` is what the worker processes run. Frames are decoded one at a time as the
encoder asks for them, laid out on a fresh canvas (so no input metadata can reach the output),
and reduced to a palette; the GIF is written to the path the caller chose.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

from PIL import Image

from .gifinfo import read_gif_info
from .images import open_frame
from .options import RGB, ComposeOptions
from .timing import to_centiseconds

Size = tuple[int, int]
# The palette index that stands for "transparent" when the background is transparent.
TRANSPARENT_INDEX = 255
# Pixels less opaque than this become transparent (GIF transparency is all or nothing).
ALPHA_THRESHOLD = 128


@dataclass(frozen=True)
class Source:
    """One uploaded frame: where the server spooled it, and the name the client gave it."""

    path: str
    name: str


@dataclass(frozen=True)
class ComposeResult:
    """The GIF as written (Pillow merges identical consecutive frames and their delays)."""

    frames: int
    width: int
    height: int
    bytes: int
    durations_ms: tuple[int, ...]


def compose_gif(
    sources: Sequence[Source], options: ComposeOptions, out_path: str, max_pixels: int
) -> ComposeResult:
    """Compose the sources, in order, into an animated GIF written at out_path."""
    decoded = (open_frame(s.path, s.name, max_pixels) for s in sources)
    first = next(decoded)
    size = output_size(first.size, options)
    canvases = (fit_frame(frame, size, options) for frame in chain([first], decoded))
    transparent = options.background is None
    frames = (to_palette(canvas, transparent) for canvas in canvases)
    _write_gif(out_path, frames, options, transparent)
    info = read_gif_info(out_path)
    return ComposeResult(
        frames=info.frames,
        width=info.width,
        height=info.height,
        bytes=os.path.getsize(out_path),
        durations_ms=tuple(info.durations_ms),
    )


def output_size(first: Size, options: ComposeOptions) -> Size:
    """The GIF's size: as asked, else the first frame's, always within the maximum side."""
    first_w, first_h = first
    width, height = options.width, options.height
    if width is None and height is None:
        width, height = first_w, first_h
    elif height is None:
        assert width is not None
        height = max(1, round(first_h * width / first_w))
    elif width is None:
        width = max(1, round(first_w * height / first_h))
    scale = min(1.0, options.max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def fit_frame(frame: Image.Image, size: Size, options: ComposeOptions) -> Image.Image:
    """The frame made the GIF's size on a fresh canvas, per options.fit."""
    canvas = _canvas(size, options.background)
    if options.fit == "stretch":
        placed = _resize(frame, size)
    elif options.fit == "cover":
        placed = _resize(frame, size, box=_cover_box(frame.size, size))
    elif options.fit == "contain":
        scale = min(size[0] / frame.width, size[1] / frame.height)
        placed = _resize(
            frame, (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
        )
    else:  # "none": original pixels, centred (and cropped where larger)
        placed = frame
    offset = ((size[0] - placed.width) // 2, (size[1] - placed.height) // 2)
    if placed.mode == "RGBA" and canvas.mode == "RGB":
        canvas.paste(placed, offset, mask=placed)  # alpha-composite onto the background
    else:
        canvas.paste(placed, offset)
    return canvas


def to_palette(canvas: Image.Image, transparent: bool) -> Image.Image:
    """A palette image the GIF encoder can take as it is."""
    if not transparent:
        return canvas.quantize(256, method=Image.Quantize.MEDIANCUT)
    paletted = canvas.convert("RGB").quantize(255, method=Image.Quantize.MEDIANCUT)
    palette = paletted.getpalette() or []
    paletted.putpalette(palette[: 3 * TRANSPARENT_INDEX] + [0] * (768 - 3 * TRANSPARENT_INDEX))
    clear = canvas.getchannel("A").point(lambda a: 255 if a < ALPHA_THRESHOLD else 0, "1")
    paletted.paste(TRANSPARENT_INDEX, mask=clear)
    paletted.info["transparency"] = TRANSPARENT_INDEX
    return paletted


def _write_gif(
    out_path: str, frames: Iterator[Image.Image], options: ComposeOptions, transparent: bool
) -> None:
    first = next(frames)
    loop = {} if options.loop == 1 else {"loop": max(0, options.loop - 1)}
    first.save(
        out_path,
        format="GIF",
        save_all=True,
        append_images=frames,
        duration=[cs * 10 for cs in to_centiseconds(list(options.durations_ms))],
        # Transparent frames must clear what the previous frame drew, or it shows through.
        disposal=2 if transparent else 1,
        **loop,
    )


def _canvas(size: Size, background: RGB | None) -> Image.Image:
    if background is None:
        return Image.new("RGBA", size, (0, 0, 0, 0))
    return Image.new("RGB", size, background)


def _resize(
    frame: Image.Image, size: Size, box: tuple[float, float, float, float] | None = None
) -> Image.Image:
    if frame.size == size and box is None:
        return frame
    # reducing_gap: shrink by whole factors first, then Lanczos; same look, much faster.
    return frame.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def _cover_box(source: Size, size: Size) -> tuple[float, float, float, float]:
    """The centred region of the source with the output's aspect ratio."""
    scale = max(size[0] / source[0], size[1] / source[1])
    width, height = size[0] / scale, size[1] / scale
    left, top = (source[0] - width) / 2, (source[1] - height) / 2
    return (left, top, left + width, top + height)
