"""compose_gif end to end, on frames made in the test; the file is read back block by block
(read_gif_info) and pixel by pixel (Pillow) to check what was really written."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from service.compose.fields import build_options, parse_fields
from service.compose.gif import ComposeResult, Source, compose_gif
from service.compose.gifinfo import GifInfo, read_gif_info
from service.compose.layout import output_size
from service.compose.options import QUALITIES, ComposeOptions, Quality
from service.errors import UnsupportedImage

from .imagegen import (
    BLUE,
    GREEN,
    MAGENTA,
    RED,
    WHITE,
    YELLOW,
    alpha,
    bands,
    camera_noise,
    corner,
    dominant_colour,
    exif_orientation,
    gif_frames,
    halves,
    marked_corner,
    pixel,
    save,
    save_animated,
    solid,
    write_bytes,
)

MAX_PIXELS = 1_000_000
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


def compose(
    tmp_path: Path, sources: Sequence[Source], **options: Any
) -> tuple[ComposeResult, GifInfo, str]:
    """Compose with 100 ms frames unless told otherwise; the result, the file's info, its path."""
    options.setdefault("durations_ms", (100,) * len(sources))
    out_path = str(tmp_path / "out.gif")
    result = compose_gif(sources, ComposeOptions(**options), out_path, MAX_PIXELS)
    return result, read_gif_info(out_path), out_path


def solids(tmp_path: Path, colours: Sequence[tuple[int, int, int]]) -> list[Source]:
    return [save(tmp_path, f"{index}.png", solid(colour)) for index, colour in enumerate(colours)]


def second_frame(tmp_path: Path, image: Image.Image, **options: Any) -> Image.Image:
    """Frame 1 as decoded, after a 64 x 48 green first frame sets the size (opaque white bg
    unless told otherwise)."""
    sources = [save(tmp_path, "first.png", solid(GREEN)), save(tmp_path, "second.png", image)]
    _, info, out_path = compose(tmp_path, sources, **options)
    assert (info.width, info.height, info.frames) == (64, 48, 2)
    return gif_frames(out_path)[1]


def rgb(frame: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = pixel(frame, xy)
    assert value[3] == 255, f"transparent at {xy}"
    return value[:3]


# Durations


def test_durations_are_written_frame_by_frame(tmp_path: Path) -> None:
    sources = solids(tmp_path, [RED, GREEN, BLUE])
    result, info, _ = compose(tmp_path, sources, durations_ms=(100, 250, 1000))
    assert info.durations_ms == [100, 250, 1000]
    assert result.durations_ms == (100, 250, 1000)


def test_uneven_durations_are_spread_in_the_file(tmp_path: Path) -> None:
    sources = solids(tmp_path, [RED, GREEN, BLUE])
    _, info, _ = compose(tmp_path, sources, durations_ms=(33, 33, 33))
    assert info.durations_ms == [30, 30, 40]


def test_identical_consecutive_frames_are_merged_with_their_durations(tmp_path: Path) -> None:
    sources = solids(tmp_path, [RED, RED, BLUE])
    result, info, _ = compose(tmp_path, sources, durations_ms=(100, 200, 300))
    assert info.durations_ms == [300, 300]
    assert (result.frames, result.durations_ms) == (2, (300, 300))


# Loop


def test_loop_forever_writes_loop_extension_zero(tmp_path: Path) -> None:
    _, info, _ = compose(tmp_path, solids(tmp_path, [RED, BLUE]), loop=0)
    assert info.loop_extension == 0


def test_loop_once_writes_no_loop_extension(tmp_path: Path) -> None:
    _, info, _ = compose(tmp_path, solids(tmp_path, [RED, BLUE]), loop=1)
    assert info.loop_extension is None
    assert info.application_extensions == []


@pytest.mark.parametrize(("loop", "repeats"), [(2, 1), (3, 2), (65536, 65535)])
def test_loop_n_writes_n_minus_one_repeats(tmp_path: Path, loop: int, repeats: int) -> None:
    _, info, _ = compose(tmp_path, solids(tmp_path, [RED, BLUE]), loop=loop)
    assert info.loop_extension == repeats


# Fit


@pytest.mark.parametrize(
    ("size", "padded", "filled"),
    [
        # 12 x 24 scales up to 24 x 48: padding left and right.
        ((12, 24), [(5, 24), (58, 24)], [(32, 1), (32, 46), (21, 24), (42, 24)]),
        # 32 x 8 scales up to 64 x 16: padding above and below.
        ((32, 8), [(32, 5), (32, 42)], [(1, 24), (62, 24), (32, 17), (32, 30)]),
    ],
)
def test_contain_scales_to_fit_and_pads_with_the_background(
    tmp_path: Path,
    size: tuple[int, int],
    padded: list[tuple[int, int]],
    filled: list[tuple[int, int]],
) -> None:
    frame = second_frame(tmp_path, solid(RED, size), fit="contain", background=MAGENTA)
    for xy in padded:
        assert rgb(frame, xy) == MAGENTA, xy
    for xy in filled:
        assert rgb(frame, xy) == RED, xy


def test_contain_is_the_default_with_white_padding(tmp_path: Path) -> None:
    frame = second_frame(tmp_path, solid(RED, (12, 24)))
    assert (rgb(frame, (5, 24)), rgb(frame, (32, 24))) == (WHITE, RED)


@pytest.mark.parametrize(
    ("size", "inner_box"),
    [((96, 48), (16, 0, 80, 48)), ((64, 96), (0, 24, 64, 72))],
    ids=["wider", "taller"],
)
def test_cover_fills_the_frame_cropping_the_centre(
    tmp_path: Path, size: tuple[int, int], inner_box: tuple[int, int, int, int]
) -> None:
    # Red in the centre region with the output's aspect, blue around it: cropped centred,
    # only red may remain, and no background anywhere.
    image = bands(BLUE, RED, size, inner_box)
    frame = second_frame(tmp_path, image, fit="cover", background=MAGENTA)
    for name in CORNERS:
        assert rgb(frame, corner(name, (64, 48), inset=0)) == pytest.approx(RED, abs=8), name
    assert dominant_colour(frame) == RED


def test_stretch_fills_the_frame_without_keeping_aspect(tmp_path: Path) -> None:
    frame = second_frame(tmp_path, halves(RED, BLUE, (16, 16)), fit="stretch", background=MAGENTA)
    for name in CORNERS:
        expected = RED if name.endswith("left") else BLUE
        assert rgb(frame, corner(name, (64, 48), inset=1)) == pytest.approx(expected, abs=8), name


def test_none_centres_the_frame_without_scaling(tmp_path: Path) -> None:
    frame = second_frame(tmp_path, solid(RED, (16, 16)), fit="none", background=MAGENTA)
    # 16 x 16 at (24, 16): its own four corners red, just outside them the background.
    for xy in [(24, 16), (39, 16), (24, 31), (39, 31)]:
        assert rgb(frame, xy) == RED, xy
    for xy in [(23, 24), (40, 24), (32, 15), (32, 32)]:
        assert rgb(frame, xy) == MAGENTA, xy


def test_none_crops_a_larger_frame_around_its_centre(tmp_path: Path) -> None:
    image = bands(BLUE, RED, (128, 96), (32, 24, 96, 72))
    frame = second_frame(tmp_path, image, fit="none", background=MAGENTA)
    for name in CORNERS:
        assert rgb(frame, corner(name, (64, 48), inset=0)) == RED, name


# Size


def test_default_size_is_the_first_frames(tmp_path: Path) -> None:
    sources = [save(tmp_path, "a.png", solid(RED, (40, 30))), save(tmp_path, "b.png", solid(BLUE))]
    result, info, _ = compose(tmp_path, sources)
    assert (info.width, info.height) == (result.width, result.height) == (40, 30)


def test_default_size_is_capped_at_the_maximum_side(tmp_path: Path) -> None:
    result, info, _ = compose(tmp_path, solids(tmp_path, [RED, BLUE]), max_side=32)
    assert (info.width, info.height) == (result.width, result.height) == (32, 24)


@pytest.mark.parametrize(
    ("asked", "expected"),
    [({"width": 32}, (32, 24)), ({"height": 96}, (128, 96)), ({"width": 100}, (100, 75))],
)
def test_one_side_given_keeps_the_aspect_of_the_first_frame(
    tmp_path: Path, asked: dict[str, int], expected: tuple[int, int]
) -> None:
    # The second frame is square: the aspect comes from the first (64 x 48) only.
    sources = [save(tmp_path, "a.png", solid(RED)), save(tmp_path, "b.png", solid(BLUE, (50, 50)))]
    _, info, _ = compose(tmp_path, sources, **asked)
    assert (info.width, info.height) == expected


def test_both_sides_given_are_used_as_they_are(tmp_path: Path) -> None:
    _, info, _ = compose(tmp_path, solids(tmp_path, [RED, BLUE]), width=50, height=20)
    assert (info.width, info.height) == (50, 20)


def test_one_side_given_still_keeps_within_the_maximum_side(tmp_path: Path) -> None:
    sources = [
        save(tmp_path, "tall.png", solid(RED, (16, 64))),
        save(tmp_path, "b.png", solid(BLUE)),
    ]
    _, info, _ = compose(tmp_path, sources, width=32, max_side=64)
    assert (info.width, info.height) == (16, 64)


@pytest.mark.parametrize(
    ("first", "width", "height", "expected"),
    [
        ((64, 48), None, None, (64, 48)),
        ((4000, 3000), None, None, (1280, 960)),
        ((3000, 4000), None, None, (960, 1280)),
        ((64, 48), 640, None, (640, 480)),
        ((64, 48), None, 1280, (1280, 960)),
        ((1000, 1), 10, None, (10, 1)),
    ],
)
def test_output_size_keeps_the_first_frames_aspect_within_the_maximum_side(
    first: tuple[int, int], width: int | None, height: int | None, expected: tuple[int, int]
) -> None:
    options = ComposeOptions(durations_ms=(100,), width=width, height=height, max_side=1280)
    assert output_size(first, options) == expected


# Transparency


def test_transparent_background_keeps_transparency(tmp_path: Path) -> None:
    image = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    image.paste((*RED, 255), (32, 0, 64, 48))
    sources = [save(tmp_path, "a.png", image), save(tmp_path, "b.png", solid(BLUE))]
    _, _, out_path = compose(tmp_path, sources, background=None)
    first, second = gif_frames(out_path)
    assert alpha(first, (8, 24)) == 0
    assert pixel(first, (56, 24)) == (*RED, 255)
    assert pixel(second, (8, 24)) == (*BLUE, 255)


def test_transparent_background_pads_with_transparency(tmp_path: Path) -> None:
    frame = second_frame(tmp_path, solid(RED, (12, 24)), background=None)
    assert alpha(frame, (5, 24)) == 0
    assert pixel(frame, (32, 24)) == (*RED, 255)


def test_transparent_frame_does_not_show_the_previous_one_through(tmp_path: Path) -> None:
    # GIF transparency shows what is underneath unless the previous frame is cleared.
    clear = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    clear.paste((*BLUE, 255), (0, 0, 16, 16))
    sources = [save(tmp_path, "a.png", solid(RED)), save(tmp_path, "b.png", clear)]
    _, _, out_path = compose(tmp_path, sources, background=None)
    second = gif_frames(out_path)[1]
    assert alpha(second, (40, 30)) == 0
    assert pixel(second, (4, 4)) == (*BLUE, 255)


def test_opaque_background_flattens_alpha_onto_it(tmp_path: Path) -> None:
    image = Image.new("RGBA", (64, 48), (*RED, 0))
    image.paste((*BLUE, 255), (32, 0, 64, 48))
    _, _, out_path = compose(tmp_path, [save(tmp_path, "a.png", image)], background=MAGENTA)
    frame = gif_frames(out_path)[0]
    assert (rgb(frame, (8, 24)), rgb(frame, (56, 24))) == (MAGENTA, BLUE)


# Frames, order and inputs


@pytest.mark.parametrize("colours", [[RED, GREEN, BLUE, YELLOW], [YELLOW, BLUE, RED, GREEN]])
def test_frames_are_written_in_the_given_order(
    tmp_path: Path, colours: list[tuple[int, int, int]]
) -> None:
    _, info, out_path = compose(tmp_path, solids(tmp_path, colours))
    assert info.frames == 4
    assert [dominant_colour(frame) for frame in gif_frames(out_path)] == colours


@pytest.mark.parametrize(
    ("name", "image_format"), [("a.gif", "GIF"), ("a.webp", "WEBP"), ("a.png", "PNG")]
)
def test_animated_input_contributes_only_its_first_frame(
    tmp_path: Path, name: str, image_format: str
) -> None:
    animation = save_animated(
        tmp_path, name, [solid(RED), solid(BLUE), solid(YELLOW)], image_format
    )
    sources = [animation, save(tmp_path, "g.png", solid(GREEN))]
    result, info, out_path = compose(tmp_path, sources)
    assert result.frames == info.frames == 2
    assert [dominant_colour(frame) for frame in gif_frames(out_path)] == [RED, GREEN]


def test_no_comment_from_an_input_gif_reaches_the_output(tmp_path: Path) -> None:
    sources = [
        save(tmp_path, "c.gif", solid(RED), comment=b"private note"),
        save(tmp_path, "d.png", solid(BLUE)),
    ]
    assert read_gif_info(sources[0].path).comments == [b"private note"]
    _, info, out_path = compose(tmp_path, sources, loop=0)
    assert info.comments == []
    assert info.application_extensions == [b"NETSCAPE2.0"]
    assert b"private note" not in Path(out_path).read_bytes()


def test_oriented_input_is_composed_upright(tmp_path: Path) -> None:
    source = save(tmp_path, "o.jpg", marked_corner(), exif=exif_orientation(6))
    _, info, out_path = compose(tmp_path, [source])
    assert (info.width, info.height) == (48, 64)
    assert rgb(gif_frames(out_path)[0], (43, 4)) == pytest.approx(RED, abs=12)


def test_result_describes_the_file_as_written(tmp_path: Path) -> None:
    sources = solids(tmp_path, [RED, GREEN, BLUE])
    result, info, out_path = compose(tmp_path, sources, durations_ms=(33, 50, 70), width=32)
    assert result == ComposeResult(
        frames=3, width=32, height=24, bytes=os.path.getsize(out_path), durations_ms=(30, 50, 70)
    )
    assert (info.frames, info.width, info.height) == (result.frames, result.width, result.height)
    assert tuple(info.durations_ms) == result.durations_ms


def test_a_bad_source_is_refused_naming_it(tmp_path: Path) -> None:
    sources = [*solids(tmp_path, [RED, BLUE]), write_bytes(tmp_path, "notes.txt", b"just text\n")]
    with pytest.raises(UnsupportedImage) as caught:
        compose(tmp_path, sources)
    assert caught.value.field == "notes.txt"


# --- quality, deltas and colours (the encoder's own work) --------------------------------


def screen(size: tuple[int, int] = (96, 64), button_at: int | None = None) -> Image.Image:
    """A flat 'UI screen' with an optional button; few colours, as screenshots have."""
    image = Image.new("RGB", size, (246, 247, 249))
    image.paste((32, 41, 56), (0, 0, size[0], 10))
    if button_at is not None:
        image.paste((47, 111, 237), (button_at, 40, button_at + 12, 50))
    return image


def test_click_through_writes_only_the_changed_rectangle(tmp_path: Path):
    sources = [
        save(tmp_path, "a.png", screen(button_at=10)),
        save(tmp_path, "b.png", screen(button_at=30)),
    ]
    out = tmp_path / "out.gif"
    compose_gif(sources, ComposeOptions(durations_ms=(500, 500)), str(out), MAX_PIXELS)
    info = read_gif_info(str(out))
    assert info.rects == [(0, 0, 96, 64), (10, 40, 32, 10)]  # old and new button, no more
    frames = gif_frames(str(out))
    assert frames[1].convert("RGB").getpixel((12, 45)) == (246, 247, 249)  # button moved away
    assert frames[1].convert("RGB").getpixel((35, 45)) == (47, 111, 237)


@pytest.mark.parametrize("quality", ["fast", "balanced", "best"])
def test_flat_frames_keep_their_colours_exactly(tmp_path: Path, quality: Quality):
    first, second = screen(button_at=10), screen(button_at=50)
    sources = [save(tmp_path, "a.png", first), save(tmp_path, "b.png", second)]
    out = tmp_path / "out.gif"
    compose_gif(
        sources, ComposeOptions(durations_ms=(500, 500), quality=quality), str(out), MAX_PIXELS
    )
    decoded = [frame.convert("RGB") for frame in gif_frames(str(out))]
    assert ImageChops.difference(decoded[0], first).getbbox() is None
    assert ImageChops.difference(decoded[1], second).getbbox() is None


def test_colors_field_caps_the_palette(tmp_path: Path):
    gradient = Image.linear_gradient("L").resize((64, 64)).convert("RGB")
    sources = [save(tmp_path, "g.png", gradient)]
    out = tmp_path / "out.gif"
    compose_gif(sources, ComposeOptions(durations_ms=(500,), colors=4), str(out), MAX_PIXELS)
    with Image.open(out) as gif:
        assert len(gif.convert("RGB").getcolors(256) or []) <= 4


def test_presets_on_anti_aliased_screens_best_closest_balanced_smallest(tmp_path: Path):
    """More colours than a palette holds (text edges, a shadow): best finds the closest
    palette; balanced spends fewer bytes than fast (a looser quality target, gifsicle)."""
    screen_image = Image.new("RGB", (160, 120), (246, 247, 249))
    screen_image.paste(Image.linear_gradient("L").resize((160, 40)).convert("RGB"), (0, 0))
    for row in range(120):
        for column in range(0, 160, 7):
            shade = (row * 13 + column * 7) % 256
            screen_image.putpixel((column, row), (shade, 255 - shade, (shade * 3) % 256))
    assert len(screen_image.getcolors(100000) or []) > 256
    sources = [save(tmp_path, "s.png", screen_image)]
    errors, sizes = {}, {}
    for quality in QUALITIES:
        out = tmp_path / f"{quality}.gif"
        options = ComposeOptions(durations_ms=(500,), quality=quality)
        sizes[quality] = compose_gif(sources, options, str(out), MAX_PIXELS).bytes
        with Image.open(out) as gif:
            difference = ImageChops.difference(gif.convert("RGB"), screen_image)
            errors[quality] = sum(
                v * v * n for v, n in enumerate(difference.convert("L").histogram())
            )
    assert errors["best"] <= min(errors["balanced"], errors["fast"])
    assert sizes["balanced"] <= sizes["fast"]


def test_long_identical_run_is_held_past_the_16_bit_delay(tmp_path: Path):
    same = save(tmp_path, "same.png", screen())
    out = tmp_path / "out.gif"
    result = compose_gif(
        [same] * 12, ComposeOptions(durations_ms=(60_000,) * 12), str(out), MAX_PIXELS
    )
    assert sum(result.durations_ms) == 12 * 60_000  # nothing lost, however it is split
    assert all(d <= 655_350 for d in result.durations_ms)


def test_first_frames_palette_is_the_global_colour_table(tmp_path: Path):
    """No local table on frame 0: readers that convert frame 0 through the global table
    (Pillow) show what browsers show, and no unused global table is written."""
    grey = Image.linear_gradient("L").resize((64, 48)).convert("RGB")
    sources = [save(tmp_path, "grey.png", grey), save(tmp_path, "red.png", solid(RED))]
    for quality in ("fast", "balanced", "best"):
        _, info, out_path = compose(tmp_path, sources, quality=quality)
        assert info.global_table_colours > 0
        assert info.local_table_colours[0] == 0
        assert info.first_frame_uses_global_table
        with Image.open(out_path) as gif:
            shown = gif.convert("RGB")  # frame 0, through the global table
        assert ImageChops.difference(shown, grey).getbbox() is None  # 256 greys, kept exact


def test_large_sideways_phone_jpeg_is_composed_upright(tmp_path: Path):
    """A camera-sized JPEG stored sideways (EXIF 6) is decoded at a fraction of its size and
    turned upright: the output takes the upright aspect and the mark lands top-right."""
    stored = bands(BLUE, RED, (3200, 2400), (0, 0, 640, 640))
    source = save(tmp_path, "phone.jpg", stored, exif=exif_orientation(6), quality=90)
    out_path = str(tmp_path / "out.gif")
    options = ComposeOptions(durations_ms=(100,), max_side=400)
    compose_gif([source], options, out_path, max_pixels=10_000_000)
    info = read_gif_info(out_path)
    assert (info.width, info.height) == (300, 400)
    frame = gif_frames(out_path)[0]
    assert rgb(frame, (290, 10)) == pytest.approx(RED, abs=16)
    assert rgb(frame, (10, 10)) == pytest.approx(BLUE, abs=16)


def photo_like(size: tuple[int, int], seed: int) -> Image.Image:
    """Smooth colour ramps with a camera's fine noise: thousands of colours, like a photo."""
    ramp = Image.linear_gradient("L").resize(size)
    across = ramp.transpose(Image.Transpose.ROTATE_90).resize(size)
    noise = camera_noise(size, 8 + seed, seed)
    return Image.merge("RGB", (ramp, across, noise))


def test_presets_order_fast_balanced_best_on_photos(tmp_path: Path):
    """Slower presets keep more of a photo: best >= balanced > fast in blurred closeness."""
    image = photo_like((192, 128), 0)
    sources = [save(tmp_path, "p.png", image)]
    errors = {}
    for quality in QUALITIES:
        out = tmp_path / f"{quality}.gif"
        compose_gif(sources, ComposeOptions((500,), quality=quality), str(out), MAX_PIXELS)
        with Image.open(out) as gif:
            shown = gif.convert("RGB")
        errors[quality] = _blurred_error(shown, image)
    assert errors["best"] <= errors["balanced"] * 1.05
    assert errors["balanced"] < errors["fast"]


def _blurred_error(shown: Image.Image, reference: Image.Image) -> float:
    """Squared error after a small blur (dithering averages out, as it does for an eye)."""
    from PIL import ImageFilter

    blur = ImageFilter.GaussianBlur(1)
    difference = ImageChops.difference(shown.filter(blur), reference.filter(blur))
    return float(sum(v * v * n for v, n in enumerate(difference.convert("L").histogram())))


@pytest.mark.parametrize("background", ["#ffffff", "transparent"])
def test_colors_cap_holds_for_every_frame_and_delta(tmp_path: Path, background: str):
    frames = [photo_like((96, 64), seed) for seed in range(3)]
    frames[2].paste(frames[1].crop((0, 0, 96, 32)), (0, 0))  # a partial change: a delta
    sources = [save(tmp_path, f"{i}.png", f) for i, f in enumerate(frames)]
    out = tmp_path / "out.gif"
    fields = {"colors": "16", "background": background}
    options = build_options(parse_fields(fields, 1280), 3, 1280)
    compose_gif(sources, options, str(out), MAX_PIXELS)
    info = read_gif_info(str(out))
    with Image.open(out) as gif:
        for index in range(info.frames):
            gif.seek(index)
            used = {v for v, n in enumerate(gif.histogram()) if n} if gif.mode == "P" else set()
            assert len(used) <= 16 + 1  # the colours, and "transparent" where it is drawn
            assert len(gif.convert("RGB").getcolors(4096) or []) <= 16 * (index + 1)
