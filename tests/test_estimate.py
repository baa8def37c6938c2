"""POST /api/estimate's core: a sample of frames spread over the GIF stands for all of it."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from service.compose.estimate import (
    SAMPLE_FRAMES,
    SAMPLE_MAX_BYTES,
    check_positions,
    estimate_gif,
    sample_for,
    sample_positions,
)
from service.compose.gif import Source
from service.compose.options import ComposeOptions
from service.compose.sizing import compose_within
from service.errors import BadField

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
    at = sample_positions(FRAMES)
    sample = [sources[i] for i in at]
    guess = estimate_gif(sample, options, str(tmp_path / "sample.gif"), MAX_PIXELS, at)
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


def slideshow(tmp_path: Path, count: int, busy: int) -> list[Source]:
    """count different screens: the first `busy` full of noise (costly), the rest flat panels."""
    sources = []
    for index in range(count):
        if index < busy:
            screen = Image.effect_noise((240, 180), 60 + index).convert("RGB")
        else:
            screen = Image.new("RGB", (240, 180), (240, 240, 240))
            ImageDraw.Draw(screen).rectangle((20, 20 + index * 9, 200, 60 + index * 9), (9, 9, 9))
        sources.append(save(tmp_path, f"{index}.png", screen))
    return sources


def test_a_spread_sample_sees_a_slideshow_whose_first_screens_are_unlike_the_rest(
    tmp_path: Path,
):
    """Three costly screens then nine plain ones: the first frames alone would overstate the
    size several times; the spread sample lands within a quarter."""
    sources = slideshow(tmp_path, 12, busy=3)
    options = ComposeOptions(durations_ms=(100,) * 12)
    at = sample_positions(12)
    sample = [sources[i] for i in at]
    guess = estimate_gif(sample, options, str(tmp_path / "sample.gif"), MAX_PIXELS, at)
    real = compose_within(sources, options, str(tmp_path / "real.gif"), MAX_PIXELS)
    assert abs(guess.bytes - real.bytes) <= 0.25 * real.bytes
    assert guess.sample_frames == len(at) < 12
    first = estimate_gif(sources[: len(at)], options, str(tmp_path / "first.gif"), MAX_PIXELS)
    assert first.bytes > 1.5 * real.bytes  # what the first frames alone would have said


def test_the_sample_is_the_first_the_last_and_frames_evenly_between():
    assert sample_positions(4) == (0, 1, 2, 3)  # few frames: all of them
    for frames in range(SAMPLE_FRAMES + 1, 101):
        at = sample_positions(frames)
        assert len(at) == SAMPLE_FRAMES and at[0] == 0 and at[-1] == frames - 1
        assert list(at) == sorted(set(at))
        gaps = [b - a for a, b in itertools.pairwise(at)]
        assert max(gaps) - min(gaps) <= 1
    assert sample_positions(10, 5) == (0, 2, 5, 7, 9)  # 4.5 rounds up, as the page rounds


def test_large_files_make_a_smaller_sample_and_the_first_alone_at_worst():
    small, large = 100_000, SAMPLE_MAX_BYTES // 3
    assert sample_for([small] * 20) == sample_positions(20)
    assert sample_for([large] * 20) == sample_positions(20, 3)
    assert sample_for([SAMPLE_MAX_BYTES] * 20) == (0,)


@pytest.mark.parametrize(
    "positions", [(1, 2, 3), (0, 2, 2), (0, 3, 2), (0, 5, 12), (0, 5)], ids=str
)
def test_positions_that_do_not_place_each_image_are_refused(positions: tuple[int, ...]):
    with pytest.raises(BadField) as refused:
        check_positions(positions, frames=12, uploaded=3)
    assert refused.value.field == "positions"
