"""libimagequant through service/quantizer.py and the presets of service/palette.py."""

from __future__ import annotations

import random

from PIL import Image, ImageChops, ImageDraw

from service.compose.palette import PRESETS, photo_like, reduce_colours
from service.compose.quantizer import LiqSettings, quantize


def flat_screen(colours: int) -> Image.Image:
    """Overlapping flat rectangles of `colours` distinct colours in all, background included."""
    rng = random.Random(colours)
    image = Image.new("RGB", (240, 160), (250, 251, 252))
    draw = ImageDraw.Draw(image)
    for index in range(colours - 1):
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(200))
        draw.rectangle((index, index % 120, index + 30, index % 120 + 30), fill=fill)
    return image


def noisy_photo(size: tuple[int, int] = (160, 120)) -> Image.Image:
    ramp = Image.linear_gradient("L").resize(size)
    return Image.merge(
        "RGB", (ramp, ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM), Image.effect_noise(size, 30))
    )


def used(paletted: Image.Image) -> set[int]:
    """The palette indexes a palette image uses."""
    return {index for index, count in enumerate(paletted.histogram()) if count}


def test_few_colours_are_kept_exactly_by_every_preset():
    screen = flat_screen(200)
    for preset in PRESETS.values():
        done = reduce_colours(screen, 256, preset)
        assert ImageChops.difference(done.image.convert("RGB"), screen).getbbox() is None


def test_transparent_pixels_share_one_entry_and_take_no_colours():
    region = flat_screen(100).convert("RGBA")
    alpha = Image.new("L", region.size, 255)
    alpha.paste(0, (0, 0, 120, 160))  # the left half did not change
    region.putalpha(alpha)
    done = reduce_colours(region, 256, PRESETS["balanced"])
    assert done.transparent is not None
    assert used(done.image.crop((0, 0, 120, 160))) == {done.transparent}
    shown = done.image.convert("RGB").crop((120, 0, 240, 160))
    assert ImageChops.difference(shown, flat_screen(100).crop((120, 0, 240, 160))).getbbox() is None


def test_a_full_palette_of_exact_colours_paints_unchanged_pixels_again():
    """256 colours and some unchanged pixels: no entry is left for "transparent", so the
    region is written opaque, every colour exact."""
    across = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90)
    grey = across.convert("RGB").resize((256, 64), Image.Resampling.NEAREST)
    assert len(grey.getcolors(256) or []) == 256
    region = grey.convert("RGBA")
    alpha = Image.new("L", region.size, 255)
    alpha.paste(0, (0, 0, 8, 8))
    region.putalpha(alpha)
    done = reduce_colours(region, 256, PRESETS["balanced"])
    assert done.transparent is None
    assert ImageChops.difference(done.image.convert("RGB"), grey).getbbox() is None


def test_the_colour_cap_is_kept():
    done = quantize(noisy_photo(), 7, LiqSettings(6, 100, 0.5))
    assert len(used(done.image)) <= 7


def test_a_photo_counts_as_a_photo_and_a_screen_does_not():
    settings = LiqSettings(6, 100, 0.0)
    assert photo_like(quantize(noisy_photo(), 256, settings))
    screen = flat_screen(200)
    ImageDraw.Draw(screen).text(
        (10, 10), "anti-aliased text, a few hundred colours", fill=(0, 0, 0)
    )
    assert not photo_like(quantize(screen, 256, settings))


def test_one_colour_is_allowed():
    done = reduce_colours(noisy_photo((16, 16)), 1, PRESETS["fast"])
    assert len(used(done.image)) == 1


def test_fixed_colours_are_in_the_palette_exactly():
    gradient = Image.linear_gradient("L").resize((64, 64)).convert("RGB")
    fixed = [(1, 2, 3), (200, 100, 50)]
    done = quantize(gradient, 16, PRESETS["balanced"].liq, fixed)
    palette = done.image.getpalette() or []
    entries = {tuple(palette[i : i + 3]) for i in range(0, len(palette), 3)}
    assert set(fixed) <= entries
