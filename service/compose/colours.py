"""Colours of a decoded image made plain: sRGB, 8 bits a channel, RGB or RGBA.

A GIF has no colour profile (viewers assume sRGB) and 8-bit palette entries, so every input is
converted here once, whatever its mode, profile or depth.
"""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageCms

_SIXTEEN_BIT_GREY = {"I;16", "I;16L", "I;16B", "I;16N", "I"}


def to_srgb(im: Image.Image) -> Image.Image:
    """RGB or RGBA in sRGB: a GIF has no colour profile, so viewers assume sRGB."""
    icc = im.info.get("icc_profile")
    if icc and im.mode in ("RGB", "RGBA", "CMYK") and "transparency" not in im.info:
        try:
            out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(im, source, _srgb(), outputMode=out_mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unusable profile: fall back to the plain conversion
    return to_rgb(im)


def to_rgb(im: Image.Image) -> Image.Image:
    if im.mode in _SIXTEEN_BIT_GREY:
        return _sixteen_bit_grey(im)
    has_alpha = "A" in im.getbands() or "a" in im.getbands() or "transparency" in im.info
    return im.convert("RGBA" if has_alpha else "RGB")


def _sixteen_bit_grey(im: Image.Image) -> Image.Image:
    """Scale 16-bit grey to 8 bits (Pillow's own conversion clips everything above 255)."""
    wide = im.convert("I")
    grey = wide.point(_high_byte_table(), "L")
    transparent = im.info.get("transparency")
    if not isinstance(transparent, int):
        return grey.convert("RGB")
    alpha = wide.point([0 if v == transparent else 255 for v in range(65536)], "L")
    return Image.merge("RGBA", (grey, grey, grey, alpha))


@cache
def _high_byte_table() -> tuple[int, ...]:
    return tuple(v >> 8 for v in range(65536))


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
