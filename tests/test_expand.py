"""The expand field: every frame of an animated GIF, WebP or APNG, with its own delay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from service.compose.fields import build_options, parse_fields
from service.compose.gif import Source, compose_gif
from service.compose.gifinfo import read_gif_info
from service.compose.options import ComposeOptions
from service.errors import BadField, CorruptImage, TooManyFrames

from .imagegen import BLUE, GREEN, RED, YELLOW, dominant_colour, gif_frames, save, solid

FORMATS = [("a.gif", "GIF"), ("a.webp", "WEBP"), ("a.png", "PNG")]


def animation(tmp_path: Path, name: str, image_format: str) -> Source:
    frames = [solid(RED), solid(BLUE), solid(YELLOW)]
    params: dict[str, Any] = {"save_all": True, "append_images": frames[1:], "loop": 0}
    params["duration"] = [100, 200, 300]
    if image_format == "WEBP":
        params["lossless"] = True
    return save(tmp_path, name, frames[0], format=image_format, **params)


def compose(tmp_path: Path, sources: list[Source], fields: dict[str, str], max_files: int = 10):
    options = build_options(parse_fields(fields, 1280), len(sources), 1280, max_frames=max_files)
    out = str(tmp_path / "out.gif")
    result = compose_gif(sources, options, out, 1_000_000)
    return result, out


@pytest.mark.parametrize(("name", "image_format"), FORMATS)
def test_expand_gives_every_frame_with_its_own_delay(
    tmp_path: Path, name: str, image_format: str
) -> None:
    sources = [animation(tmp_path, name, image_format), save(tmp_path, "g.png", solid(GREEN))]
    result, out = compose(tmp_path, sources, {"expand": "1"})
    assert result.frames == 4
    assert read_gif_info(out).durations_ms == [100, 200, 300, 500]  # the still: the default
    assert [dominant_colour(f) for f in gif_frames(out)] == [RED, BLUE, YELLOW, GREEN]


def test_expand_with_a_duration_times_every_frame_alike(tmp_path: Path) -> None:
    sources = [animation(tmp_path, "a.gif", "GIF"), save(tmp_path, "g.png", solid(GREEN))]
    _, out = compose(tmp_path, sources, {"expand": "1", "duration": "150"})
    assert read_gif_info(out).durations_ms == [150] * 4


def test_expand_durations_count_the_expanded_frames(tmp_path: Path) -> None:
    sources = [animation(tmp_path, "a.gif", "GIF"), save(tmp_path, "g.png", solid(GREEN))]
    _, out = compose(tmp_path, sources, {"expand": "1", "durations": "40,50,60,70"})
    assert read_gif_info(out).durations_ms == [40, 50, 60, 70]
    with pytest.raises(BadField) as caught:
        compose(tmp_path, sources, {"expand": "1", "durations": "40,50"})
    assert caught.value.field == "durations"


def test_without_expand_an_animation_gives_its_first_frame(tmp_path: Path) -> None:
    sources = [animation(tmp_path, "a.gif", "GIF"), save(tmp_path, "g.png", solid(GREEN))]
    result, _ = compose(tmp_path, sources, {"expand": "0"})
    assert result.frames == 2


def test_expanded_frames_count_against_the_frame_limit(tmp_path: Path) -> None:
    sources = [animation(tmp_path, "a.gif", "GIF"), animation(tmp_path, "b.gif", "GIF")]
    with pytest.raises(TooManyFrames) as caught:
        compose(tmp_path, sources, {"expand": "1"}, max_files=5)
    assert "5 frames" in caught.value.message
    result, _ = compose(tmp_path, sources, {"expand": "1"}, max_files=6)
    assert result.frames == 6


def test_captions_count_the_expanded_frames(tmp_path: Path) -> None:
    sources = [animation(tmp_path, "a.gif", "GIF")]
    options = build_options({"expand": True, "caption": ("a", "b", "c")}, 1, 1280)
    compose_gif(sources, options, str(tmp_path / "o.gif"), 1_000_000)
    too_many = build_options({"expand": True, "caption": ("a", "b", "c", "d")}, 1, 1280)
    with pytest.raises(BadField) as caught:
        compose_gif(sources, too_many, str(tmp_path / "o.gif"), 1_000_000)
    assert caught.value.field == "caption"


def test_a_zero_delay_plays_as_browsers_play_it(tmp_path: Path) -> None:
    frames = [solid(RED), solid(BLUE)]
    source = save(tmp_path, "z.gif", frames[0], save_all=True, append_images=frames[1:], duration=0)
    _, out = compose(tmp_path, [source], {"expand": "1"})
    assert read_gif_info(out).durations_ms == [100, 100]


def test_semi_transparent_image_keeps_its_visible_parts(tmp_path: Path) -> None:
    faded = Image.new("RGBA", (64, 48), (200, 30, 30, 100))  # see-through everywhere
    source = save(tmp_path, "faded.png", faded)
    out = str(tmp_path / "out.gif")
    compose_gif([source], ComposeOptions((100,), background=None), out, 1_000_000)
    [frame] = gif_frames(out)
    assert frame.getpixel((32, 24))[3] == 255  # type: ignore[index]
    assert dominant_colour(frame) == (200, 30, 30)


def test_a_truncated_animation_is_refused_naming_it(tmp_path: Path) -> None:
    whole = animation(tmp_path, "a.gif", "GIF")
    data = Path(whole.path).read_bytes()
    cut = tmp_path / "cut.gif"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(CorruptImage) as caught:
        compose(tmp_path, [Source(str(cut), "cut.gif")], {"expand": "1"})
    assert caught.value.field == "cut.gif"
