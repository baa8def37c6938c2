"""The crop field: one region of the first image, the same region in proportion for others."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from service.compose.crop import crop_box
from service.compose.gif import compose_gif
from service.compose.gifinfo import read_gif_info
from service.compose.options import ComposeOptions
from service.errors import BadField

from .imagegen import BLUE, GREEN, RED, bands, dominant_colour, gif_frames, save

MAX_PIXELS = 1_000_000
REGION = (50, 20, 80, 40)  # x, y, width, height on the 200 x 100 first image


def framed(size: tuple[int, int], inner: tuple[int, int, int], scale: int) -> Image.Image:
    """Blue, with the crop region (scaled) in the inner colour."""
    x, y, w, h = (v * scale for v in REGION)
    return bands(BLUE, inner, size, (x, y, x + w, y + h))


def test_crop_keeps_the_region_of_every_frame_in_proportion(tmp_path: Path) -> None:
    sources = [
        save(tmp_path, "a.png", framed((200, 100), RED, 1)),
        save(tmp_path, "b.png", framed((400, 200), GREEN, 2)),  # the same shot at 2x
    ]
    out = str(tmp_path / "out.gif")
    options = ComposeOptions(durations_ms=(100, 100), crop=REGION)
    result = compose_gif(sources, options, out, MAX_PIXELS)
    assert (result.width, result.height) == (80, 40)  # the cropped first frame's size
    frames = gif_frames(out)
    assert [dominant_colour(f) for f in frames] == [RED, GREEN]
    for frame in frames:  # no blue from outside the region reached the edges
        corners = [(0, 0), (79, 0), (0, 39), (79, 39)]
        assert all(frame.getpixel(xy)[2] < 60 for xy in corners)  # type: ignore[index]


def test_crop_applies_before_the_size_and_fit(tmp_path: Path) -> None:
    sources = [save(tmp_path, "a.png", framed((200, 100), RED, 1))]
    out = str(tmp_path / "out.gif")
    options = ComposeOptions(durations_ms=(100,), crop=REGION, width=160)
    compose_gif(sources, options, out, MAX_PIXELS)
    info = read_gif_info(out)
    assert (info.width, info.height) == (160, 80)
    assert dominant_colour(gif_frames(out)[0]) == RED


@pytest.mark.parametrize("crop", [(150, 0, 51, 10), (0, 90, 10, 11), (200, 0, 1, 1)])
def test_a_region_outside_the_first_image_is_refused_naming_crop(
    tmp_path: Path, crop: tuple[int, int, int, int]
) -> None:
    sources = [save(tmp_path, "a.png", framed((200, 100), RED, 1))]
    with pytest.raises(BadField) as caught:
        compose_gif(sources, ComposeOptions((100,), crop=crop), str(tmp_path / "o.gif"), 10**6)
    assert caught.value.field == "crop"
    assert "200 \u00d7 100" in caught.value.message


def test_crop_box_scales_to_other_sizes_and_keeps_a_pixel() -> None:
    assert crop_box((50, 20, 80, 40), (200, 100), (100, 50)) == (25, 10, 65, 30)
    assert crop_box((50, 20, 80, 40), (200, 100), (600, 100)) == (150, 20, 390, 60)
    assert crop_box((199, 99, 1, 1), (200, 100), (20, 10)) == (19, 9, 20, 10)
