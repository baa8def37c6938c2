"""Reducing a frame (or the changed part of one) to a GIF palette of at most 256 colours.

A region with few colours (flat UI, most screenshots) keeps them exactly: no error at all. One
with more is quantized; photo-like regions (thousands of colours) are dithered where the preset
says so, which trades a little plain PSNR for no visible banding.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from .options import Quality

# A region with more distinct colours than this is photo-like: dithering helps it.
PHOTO_COLOURS = 4096


@dataclass(frozen=True)
class Preset:
    method: Image.Quantize
    kmeans: int  # refinement passes over the palette (0: none)
    dither_photos: bool
    # A pixel whose channels all changed by no more than this since the last frame is kept
    # from the last frame (transparent in the new one), which makes deltas small.
    tolerance: int


PRESETS: dict[Quality, Preset] = {
    "fast": Preset(Image.Quantize.FASTOCTREE, kmeans=0, dither_photos=False, tolerance=4),
    "balanced": Preset(Image.Quantize.MEDIANCUT, kmeans=0, dither_photos=True, tolerance=2),
    "best": Preset(Image.Quantize.MEDIANCUT, kmeans=2, dither_photos=True, tolerance=0),
}


def reduce_colours(region: Image.Image, colours: int, preset: Preset) -> Image.Image:
    """The RGB region as a palette image of at most `colours` entries."""
    exact = region.getcolors(maxcolors=colours)
    if exact is not None:
        # Median cut with a box per colour keeps every colour exactly (mapping onto a given
        # palette would not: Pillow matches colours through a coarse cache, a few levels off).
        return region.quantize(len(exact), method=Image.Quantize.MEDIANCUT)
    palette = region.quantize(colours, method=preset.method, kmeans=preset.kmeans)
    if preset.dither_photos and region.getcolors(maxcolors=PHOTO_COLOURS) is None:
        return region.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
    return palette
