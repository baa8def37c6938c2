"""libimagequant through the `imagequant` package's cffi bindings: one RGBA region in, its
palette image out. Fully transparent pixels share one palette entry, so a delta frame spends
no colours on the pixels it leaves unchanged. Every C call releases the GIL (cffi), so frames
can be quantized in threads.

libimagequant is GPL-3.0-or-later (the bindings BSD-3-Clause): see the README's licence note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from imagequant import ffi, lib  # type: ignore[import-untyped]
from PIL import Image

RGB = tuple[int, int, int]


class QuantizeError(RuntimeError):
    """libimagequant refused (out of memory, or a value out of range)."""


@dataclass(frozen=True)
class LiqSettings:
    speed: int  # 1 (slowest, closest) to 10 (fastest)
    max_quality: int  # libimagequant's target quality, 0-100: fewer colours once it is met
    dither: float  # 0 (none) to 1 (full, edge-aware Floyd-Steinberg)
    # Dither only a palette at least this far off (see Quantized.error): photos and skies gain
    # from it, a screen's near-exact palette only gets noise that LZW packs badly.
    dither_from_error: float = 0.0


@dataclass(frozen=True)
class Quantized:
    image: Image.Image  # mode P
    transparent: int | None  # the index of fully transparent pixels, if any
    # libimagequant's mean square error of the palette (0-255 scale per channel, roughly):
    # under 1 is what screens get, photos and smooth skies 2-10.
    error: float = 0.0
    # The same of the image as written (after remapping and dithering).
    remapping_error: float = 0.0


def quantize(
    region: Image.Image, colours: int, settings: LiqSettings, fixed: Sequence[RGB] = ()
) -> Quantized:
    """The RGB or RGBA region as at most `colours` palette entries (alpha is 0 or 255); the
    fixed colours are among them, exactly."""
    rgba = region if region.mode == "RGBA" else region.convert("RGBA")
    width, height = rgba.size
    pixels = rgba.tobytes()  # must outlive the liq image, which does not copy it
    attr = lib.liq_attr_create()
    image = result = None
    try:
        _check(lib.liq_set_max_colors(attr, colours))
        _check(lib.liq_set_speed(attr, settings.speed))
        _check(lib.liq_set_quality(attr, 0, settings.max_quality))
        image = lib.liq_image_create_rgba(attr, pixels, width, height, 0)
        if image == ffi.NULL:
            raise QuantizeError("libimagequant could not take the image")
        for red, green, blue in fixed:
            _check(lib.liq_image_add_fixed_color(image, (red, green, blue, 255)))
        result_p = ffi.new("liq_result**")
        _check(lib.liq_image_quantize(image, attr, result_p))
        result = result_p[0]
        error = max(0.0, float(lib.liq_get_quantization_error(result)))
        dither = settings.dither if error >= settings.dither_from_error else 0.0
        _check(lib.liq_set_dithering_level(result, dither))
        out = ffi.new("unsigned char[]", width * height)
        _check(lib.liq_write_remapped_image(result, image, out, width * height))
        remapped = max(0.0, float(lib.liq_get_remapping_error(result)))
        return _paletted(out, (width, height), lib.liq_get_palette(result), error, remapped)
    finally:
        if result is not None:
            lib.liq_result_destroy(result)
        if image is not None:
            lib.liq_image_destroy(image)
        lib.liq_attr_destroy(attr)


def _paletted(
    out: Any, size: tuple[int, int], palette: Any, error: float, remapped: float
) -> Quantized:
    paletted = Image.frombytes("P", size, bytes(ffi.buffer(out)))
    entries = [palette.entries[i] for i in range(palette.count)]
    paletted.putpalette([channel for e in entries for channel in (e.r, e.g, e.b)])
    transparent = next((i for i, e in enumerate(entries) if e.a == 0), None)
    return Quantized(paletted, transparent, error, remapped)


def _check(code: int) -> None:
    if code != lib.LIQ_OK:
        raise QuantizeError(f"libimagequant failed with code {code}")
