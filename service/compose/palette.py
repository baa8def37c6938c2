"""Reducing a frame (or the changed part of one) to a GIF palette of at most 256 colours.

libimagequant (service/quantizer.py) does the work; the presets were chosen with scripts/bench
(see the README). A region with no more colours than the palette holds keeps them exactly
(libimagequant does at quality 100; from speed 8 on it drops a bit of every channel, which
costs screens 15 dB, so no preset goes past speed 7). Photo-like compositions may add
a lossy LZW pass (gifsicle --lossy) in service/gifsicle.py: on photos it buys about a fifth of
the bytes for a few tenths of a dB, on screens it costs seconds and detail, so only there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PIL import Image

from .options import Quality
from .quantizer import RGB, LiqSettings, Quantized, quantize

EXACT_SPEED = 5  # libimagequant keeps few colours exactly at this speed (and below)
PHOTO_ERROR = 1.0  # libimagequant's MSE from which a region counts as a photo (about 48 dB)
COMMON_COLOURS_FACTOR = 2  # "a few more colours than the palette": at most this many times


@dataclass(frozen=True)
class Preset:
    liq: LiqSettings
    # A pixel whose channels all changed by no more than this since the last frame is kept
    # from the last frame (transparent in the new one), which makes deltas small.
    tolerance: int
    optimize: bool  # a last gifsicle pass (-O2, or -O1 --lossy for photos)
    lossy: int  # gifsicle --lossy level for photo-like compositions (0: never)
    # libimagequant's quality (and speed, if not the preset's) for a frame that stays on screen
    # while small parts of it change (the base of a click-through): its bytes and time are
    # spent once, its quality is seen throughout.
    lasting_quality: int = 100
    lasting_speed: int | None = None
    # For a region with a few more colours than the palette (a screen's anti-aliasing), also
    # try palettes whose given shares are its most common colours, kept exactly, and keep the
    # closest result: libimagequant alone merges common colours that a screen has many pixels
    # of (on the bench's scroll set, +0.4 dB; from 4x the palette's colours it cost bytes).
    common_shares: tuple[float, ...] = ()

    def lasting_liq(self) -> LiqSettings:
        speed = self.liq.speed if self.lasting_speed is None else self.lasting_speed
        return replace(self.liq, max_quality=self.lasting_quality, speed=speed)


PRESETS: dict[Quality, Preset] = {
    "fast": Preset(LiqSettings(7, 100, dither=0.0), tolerance=2, optimize=True, lossy=0),
    # Speed 7 rather than 6: photos in three quarters of the time for 0.1-0.2 dB (bench).
    "balanced": Preset(
        LiqSettings(7, 98, dither=0.25, dither_from_error=PHOTO_ERROR),
        tolerance=2,
        optimize=True,
        lossy=3,
        lasting_speed=6,
    ),
    "best": Preset(
        LiqSettings(1, 100, dither=0.5, dither_from_error=PHOTO_ERROR),
        tolerance=0,
        optimize=True,
        lossy=0,
        common_shares=(0.5, 0.75),
    ),
}


def reduce_colours(
    region: Image.Image, colours: int, preset: Preset, lasting: bool = False
) -> Quantized:
    """The RGB region, or RGBA with alpha 0 or 255, as a palette of at most `colours` entries
    (fully transparent pixels take one of them). lasting: see Preset.lasting_quality."""
    if colours < 2:  # libimagequant's least is 2: one colour is the region's median
        return Quantized(region.convert("RGB").quantize(1), None)
    exact = _exact_colours(region, colours)
    if exact is None:
        liq = preset.lasting_liq() if lasting else preset.liq
        return _closest(region, colours, liq, preset.common_shares)
    speed = min(preset.liq.speed, EXACT_SPEED)
    settings = replace(preset.liq, speed=speed, max_quality=100, dither=0.0)
    if region.mode == "RGBA" and exact > colours - 1:
        # Every entry is needed for the colours: no room for "transparent", so the unchanged
        # pixels are painted again (they are the same colours), and all stay exact.
        region = region.convert("RGB")
    return quantize(region, colours, settings)


def _closest(
    region: Image.Image, colours: int, liq: LiqSettings, common_shares: tuple[float, ...]
) -> Quantized:
    """libimagequant's palette, or for a screen (not dithered), one that keeps shares of the
    most common colours exactly, whichever writes the region closest."""
    plain = quantize(region, colours, liq)
    if not common_shares or photo_like(plain):
        return plain
    found = _opaque_colours(region, COMMON_COLOURS_FACTOR * colours)
    if found is None:
        return plain
    common: list[RGB] = [colour for _, colour in sorted(found, reverse=True)]
    tries = [
        quantize(region, colours, liq, common[: int(share * colours)]) for share in common_shares
    ]
    return min([plain, *tries], key=lambda quantized: quantized.remapping_error)


def _opaque_colours(region: Image.Image, most: int) -> list[tuple[int, RGB]] | None:
    """The opaque pixels' colours with their counts, if there are at most `most`."""
    if region.mode != "RGBA":
        return region.getcolors(maxcolors=most)  # type: ignore[return-value]
    cleared = Image.composite(region, Image.new("RGBA", region.size), region.getchannel("A"))
    found = cleared.getcolors(maxcolors=most + 1)  # one more: "transparent" is among them
    if found is None:
        return None
    opaque = [(count, (r, g, b)) for count, (r, g, b, a) in found if a]  # type: ignore[misc]
    return opaque if len(opaque) <= most else None


def _exact_colours(region: Image.Image, colours: int) -> int | None:
    """How many colours the region's opaque pixels have, if they fit in `colours`."""
    found = _opaque_colours(region, colours)
    return None if found is None else len(found)


def photo_like(quantized: Quantized) -> bool:
    """A palette that costs visible error (a photo, a sky), not a screen's near-exact one."""
    return quantized.error >= PHOTO_ERROR
