"""POST /api/estimate's core: a sample of the first frames stands for the whole GIF."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw

from service.compose.estimate import estimate_gif
from service.compose.gif import Source
from service.compose.options import ComposeOptions
from service.compose.sizing import compose_within

from .imagegen import save

MAX_PIXELS = 1_000_000
FRAMES = 9


def click_through(tmp_path: Path) -> list[Source]:
    """A screen where a highlighted row moves down one step per frame, over a photo-ish band."""
    ramp = Image.linear_gradient("L").resize((240, 60))
    noise = Image.effect_noise((240, 60), 20)
    band = Image.merge("RGB", (ramp, noise, ramp.transpose(Image.Transpose.FLIP_TOP_BOTTOM)))
    sources = []
    for index in range(FRAMES):
        screen = Image.new("RGB", (240, 180), (248, 248, 250))
        screen.paste(band, (0, 120))
        draw = ImageDraw.Draw(screen)
        for row in range(8):
            fill = (40, 110, 220) if row == index % 8 else (225, 228, 232)
            draw.rectangle((10, 10 + row * 13, 230, 20 + row * 13), fill=fill)
        draw.text((12, 8 + (index % 8) * 13), f"item {index}", fill=(255, 255, 255))
        sources.append(save(tmp_path, f"{index}.png", screen))
    return sources


def test_estimate_lands_within_a_quarter_of_the_real_bytes(tmp_path: Path):
    sources = click_through(tmp_path)
    options = ComposeOptions(durations_ms=(100,) * FRAMES)
    guess = estimate_gif(sources[:3], options, str(tmp_path / "sample.gif"), MAX_PIXELS)
    real = compose_within(sources, options, str(tmp_path / "real.gif"), MAX_PIXELS)
    assert (guess.frames, guess.width, guess.height) == (FRAMES, real.width, real.height)
    assert abs(guess.bytes - real.bytes) <= 0.25 * real.bytes
    assert guess.seconds > 0


def test_estimate_follows_the_max_bytes_search(tmp_path: Path):
    sources = click_through(tmp_path)
    free = compose_within(
        sources,
        ComposeOptions(durations_ms=(100,) * FRAMES),
        str(tmp_path / "free.gif"),
        MAX_PIXELS,
    )
    options = ComposeOptions(durations_ms=(100,) * FRAMES, max_bytes=free.bytes // 2)
    guess = estimate_gif(sources[:3], options, str(tmp_path / "sample.gif"), MAX_PIXELS)
    real = compose_within(sources, options, str(tmp_path / "real.gif"), MAX_PIXELS)
    assert real.width < free.width  # the search had to scale down
    assert abs(guess.width - real.width) <= 0.15 * real.width  # the same steps, near enough
    assert abs(guess.bytes - real.bytes) <= 0.25 * real.bytes
    unbounded = replace(options, max_bytes=None)
    single = estimate_gif(sources[:3], unbounded, str(tmp_path / "one.gif"), MAX_PIXELS)
    assert guess.bytes < single.bytes
