"""Reducing a frame (or the changed part of one) to a GIF palette of at most 256 colours.

Measured with scripts/bench: a region with few colours (flat UI) keeps them exactly. A
screen-like region with more (anti-aliased text, shadows) is quantized by median cut and by
maximum coverage, each refined by k-means, and the closer of the two is kept: k-means is what
lifts screenshots from about 50 to 64-70 dB. A photo-like region (thousands of colours per
few pixels) gets median cut alone: k-means costs seconds per photo there, and Pillow's
dithering maps through a coarse colour cache, which costs more PSNR than it gives back.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops, ImageStat

from .options import Quality


@dataclass(frozen=True)
class Preset:
    methods: tuple[Image.Quantize, ...]  # tried in turn on screen-like regions; best kept
    kmeans: int  # refinement passes over a screen-like palette (0: none)
    dither_photos: bool
    # A pixel whose channels all changed by no more than this since the last frame is kept
    # from the last frame (transparent in the new one), which makes deltas small.
    tolerance: int


_BOTH = (Image.Quantize.MEDIANCUT, Image.Quantize.MAXCOVERAGE)
PRESETS: dict[Quality, Preset] = {
    "fast": Preset((Image.Quantize.FASTOCTREE,), kmeans=0, dither_photos=False, tolerance=4),
    "balanced": Preset(_BOTH, kmeans=1, dither_photos=False, tolerance=2),
    "best": Preset(_BOTH, kmeans=2, dither_photos=False, tolerance=0),
}


def reduce_colours(
    region: Image.Image, colours: int, preset: Preset, refine: bool = True
) -> Image.Image:
    """The RGB region as a palette image of at most `colours` entries.

    refine: allow k-means (the caller turns it off when a composition is too large for it).
    """
    exact = region.getcolors(maxcolors=colours)
    if exact is not None:
        # Median cut with a box per colour keeps every colour exactly (mapping onto a given
        # palette would not: Pillow matches colours through a coarse cache, a few levels off).
        return region.quantize(len(exact), method=Image.Quantize.MEDIANCUT)
    if _photo_like(region):
        paletted = region.quantize(colours, method=preset.methods[0])
        if preset.dither_photos:
            return region.quantize(palette=paletted, dither=Image.Dither.FLOYDSTEINBERG)
        return paletted
    kmeans = preset.kmeans if refine else 0
    candidates = [region.quantize(colours, method=m, kmeans=kmeans) for m in preset.methods]
    if len(candidates) == 1:
        return candidates[0]
    return min(candidates, key=lambda paletted: _squared_error(region, paletted))


def _photo_like(region: Image.Image) -> bool:
    """More than one distinct colour per 16 pixels (and more than 4096): a photo, not a UI."""
    limit = max(4096, region.width * region.height // 16)
    return region.getcolors(maxcolors=limit) is None


def _squared_error(region: Image.Image, paletted: Image.Image) -> float:
    difference = ImageChops.difference(paletted.convert("RGB"), region)
    return float(sum(ImageStat.Stat(difference).sum2))
