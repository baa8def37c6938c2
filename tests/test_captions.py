"""The caption field: text drawn into the frames, light with a dark outline, near the bottom."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops, ImageFont

from service.compose.captions import _font, draw_caption
from service.compose.gif import compose_gif
from service.compose.options import ComposeOptions

from .imagegen import rgb_frames, save, solid

GREY = (120, 120, 120)
SIZE = (240, 120)


def test_captions_are_drawn_on_their_frames_only(tmp_path: Path) -> None:
    sources = [save(tmp_path, f"{i}.png", solid(GREY, SIZE)) for i in range(3)]
    out = str(tmp_path / "out.gif")
    options = ComposeOptions(durations_ms=(100,) * 3, captions=("Step one", "", "Done"))
    compose_gif(sources, options, out, 1_000_000)
    first, second, third = rgb_frames(out)
    plain = solid(GREY, SIZE)
    # No caption: untouched (but for what the delta encoder's tolerance lets through).
    extrema = ImageChops.difference(second, plain).getextrema()
    assert all(high <= 40 for _, high in extrema)  # type: ignore[misc]
    for frame in (first, third):
        box = ImageChops.difference(frame, plain).getbbox()
        assert box is not None
        left, top, right, bottom = box
        assert top > SIZE[1] // 2 and bottom <= SIZE[1]  # near the bottom
        assert abs((left + right) / 2 - SIZE[0] / 2) < 8  # centred
        colours: set[tuple[int, ...]] = {
            c  # type: ignore[misc]
            for _, c in frame.crop(box).getcolors(1 << 16) or []
        }
        assert any(min(c) > 230 for c in colours), "no light text"
        assert any(max(c) < 40 for c in colours), "no dark outline"
    assert ImageChops.difference(first, third).getbbox() is not None  # different texts


def test_caption_rendering_is_the_same_every_time() -> None:
    one = draw_caption(solid(GREY, SIZE), "Click Save")
    two = draw_caption(solid(GREY, SIZE), "Click Save")
    assert one.tobytes() == two.tobytes()


def test_caption_size_follows_the_frame_height_and_long_text_wraps() -> None:
    def text_box(size: tuple[int, int], text: str) -> tuple[int, int, int, int]:
        drawn = draw_caption(solid(GREY, size), text)
        box = ImageChops.difference(drawn, solid(GREY, size)).getbbox()
        assert box is not None
        return box

    small, large = text_box((240, 120), "Hi"), text_box((480, 240), "Hi")
    assert 1.6 < (large[3] - large[1]) / (small[3] - small[1]) < 2.4
    long = "Open the menu, choose Settings, then Privacy and turn the switch off"
    box = text_box((240, 120), long)
    assert box[0] >= 0 and box[2] <= 240  # wrapped inside the frame
    assert box[3] - box[1] > 2 * (small[3] - small[1])  # on several lines


def test_caption_on_a_transparent_frame_is_opaque(tmp_path: Path) -> None:
    drawn = draw_caption(Image.new("RGBA", SIZE, (0, 0, 0, 0)), "Hello")
    assert drawn.getchannel("A").getextrema() == (0, 255)


def test_the_font_is_pillows_own_at_its_basic_layout() -> None:
    """Nothing to install on a host: the font and FreeType come in the Pillow wheel."""
    font = _font(20)
    assert font.getname() == ("Aileron", "Regular")
    assert font.layout_engine == ImageFont.Layout.BASIC
