"""Laying a frame out on the GIF's canvas: the output size, and each fit."""

from __future__ import annotations

from PIL import Image

from .options import RGB, ComposeOptions

Size = tuple[int, int]
Box = tuple[int, int, int, int]


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


def _canvas(size: Size, background: RGB | None) -> Image.Image:
    if background is None:
        return Image.new("RGBA", size, (0, 0, 0, 0))
    return Image.new("RGB", size, background)


def _resize(frame: Image.Image, size: Size, box: Box | None = None) -> Image.Image:
    if frame.size == size and box is None:
        return frame
    # reducing_gap: shrink by whole factors first, then Lanczos; same look, much faster.
    return frame.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)


def _cover_box(source: Size, size: Size) -> Box:
    """The centred region of the source with the output's aspect ratio (as whole pixels)."""
    scale = max(size[0] / source[0], size[1] / source[1])
    width, height = size[0] / scale, size[1] / scale
    left, top = (source[0] - width) / 2, (source[1] - height) / 2
    return (round(left), round(top), round(left + width), round(top + height))
