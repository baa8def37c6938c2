"""open_frame: untrusted files in, one clean upright RGB or RGBA frame out, or a contract error."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from service.compose.gif import Source
from service.compose.images import MAX_JPEG_SCANS, open_frame
from service.errors import CorruptImage, GifError, ImageTooLarge, UnsupportedImage

from .imagegen import (
    BLUE,
    GREEN,
    RED,
    WHITE,
    alpha,
    cmyk,
    corner,
    encode,
    exif_orientation,
    frame_count,
    grey16_gradient,
    grey_alpha,
    halves,
    marked_corner,
    noisy,
    palette_with_trns,
    pixel,
    save,
    save_animated,
    solid,
    write_bytes,
)

MAX_PIXELS = 1_000_000
SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
LEFT, RIGHT = (8, 24), (56, 24)  # inside the left and right halves of a 64 x 48 frame


def frame_of(source: Source, max_pixels: int = MAX_PIXELS) -> Image.Image:
    return open_frame(source.path, source.name, max_pixels)


def refusal(source: Source, max_pixels: int = MAX_PIXELS) -> GifError:
    with pytest.raises(GifError) as caught:
        frame_of(source, max_pixels)
    return caught.value


def mode_of(source: Source) -> str:
    with Image.open(source.path) as image:
        return image.mode


# Colour modes


@pytest.mark.parametrize(("name", "params"), [("a.png", {}), ("a.jpg", {"quality": 95})])
def test_rgb_comes_out_as_rgb(tmp_path: Path, name: str, params: dict[str, Any]) -> None:
    frame = frame_of(save(tmp_path, name, halves(RED, BLUE), **params))
    assert (frame.mode, frame.size) == ("RGB", (64, 48))
    assert pixel(frame, LEFT) == pytest.approx(RED, abs=4)
    assert pixel(frame, RIGHT) == pytest.approx(BLUE, abs=4)


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    source = save(tmp_path, "g16.png", grey16_gradient())
    assert mode_of(source) == "I;16"  # the file really is 16-bit
    frame = frame_of(source)
    assert frame.mode == "RGB"
    # Clipping would turn everything from 255/65535 up into white: the mid tones must stay.
    greys = [pixel(frame, (x, 0)) for x in (0, 64, 128, 192, 255)]
    assert greys == [(v, v, v) for v in (0, 64, 128, 192, 255)]


def test_sixteen_bit_grey_keeps_its_transparent_value(tmp_path: Path) -> None:
    image = Image.new("I;16", (4, 1))
    image.putdata([0, 1000, 40000, 65535])
    frame = frame_of(save(tmp_path, "g16t.png", image, transparency=1000))
    assert frame.mode == "RGBA"
    assert alpha(frame, (1, 0)) == 0
    assert pixel(frame, (2, 0)) == (156, 156, 156, 255)
    assert pixel(frame, (3, 0)) == (255, 255, 255, 255)


def test_eight_bit_grey_comes_out_as_rgb(tmp_path: Path) -> None:
    frame = frame_of(save(tmp_path, "l.png", Image.new("L", (64, 48), 77)))
    assert (frame.mode, pixel(frame, LEFT)) == ("RGB", (77, 77, 77))


def test_grey_with_alpha_keeps_its_alpha(tmp_path: Path) -> None:
    source = save(tmp_path, "la.png", grey_alpha(100, 50))
    assert mode_of(source) == "LA"
    frame = frame_of(source)
    assert frame.mode == "RGBA"
    assert pixel(frame, LEFT) == (100, 100, 100, 255)
    assert pixel(frame, RIGHT) == (100, 100, 100, 50)


@pytest.mark.parametrize("name", ["p.png", "p.gif"])
def test_palette_transparency_is_kept_as_alpha(tmp_path: Path, name: str) -> None:
    source = save(tmp_path, name, palette_with_trns(), transparency=1)
    assert mode_of(source) == "P"
    frame = frame_of(source)
    assert frame.mode == "RGBA"
    assert pixel(frame, LEFT) == (*RED, 255)
    assert alpha(frame, RIGHT) == 0


def test_rgb_with_trns_keeps_its_transparent_colour_as_alpha(tmp_path: Path) -> None:
    source = save(tmp_path, "t.png", halves(RED, GREEN), transparency=GREEN)
    assert mode_of(source) == "RGB"
    frame = frame_of(source)
    assert frame.mode == "RGBA"
    assert pixel(frame, LEFT) == (*RED, 255)
    assert alpha(frame, RIGHT) == 0


def test_rgba_keeps_its_alpha(tmp_path: Path) -> None:
    image = Image.new("RGBA", (64, 48), (*BLUE, 255))
    image.paste((*RED, 0), (32, 0, 64, 48))
    frame = frame_of(save(tmp_path, "rgba.webp", image, lossless=True))
    assert frame.mode == "RGBA"
    assert pixel(frame, LEFT) == (*BLUE, 255)
    assert alpha(frame, RIGHT) == 0


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    image = cmyk((0, 255, 255, 0))  # magenta and yellow ink: red
    image.paste((255, 255, 0, 0), (32, 0, 64, 48))  # cyan and magenta ink: blue
    source = save(tmp_path, "cmyk.jpg", image, quality=95)
    assert mode_of(source) == "CMYK"
    frame = frame_of(source)
    assert frame.mode == "RGB"
    assert pixel(frame, LEFT) == pytest.approx(RED, abs=8)
    assert pixel(frame, RIGHT) == pytest.approx(BLUE, abs=8)


def test_srgb_tagged_image_keeps_its_colours(tmp_path: Path) -> None:
    frame = frame_of(save(tmp_path, "icc.png", solid((200, 100, 50)), icc_profile=SRGB_PROFILE))
    assert pixel(frame, LEFT) == pytest.approx((200, 100, 50), abs=2)


def test_unusable_colour_profile_is_ignored(tmp_path: Path) -> None:
    source = save(tmp_path, "icc.png", solid((200, 100, 50)), icc_profile=b"not a profile")
    frame = frame_of(source)
    assert (frame.mode, pixel(frame, LEFT)) == ("RGB", (200, 100, 50))


# EXIF orientation: a red mark drawn top-left must show where a viewer shows it after turning.


@pytest.mark.parametrize(
    ("orientation", "marked", "size"),
    [
        (1, "top-left", (64, 48)),
        (2, "top-right", (64, 48)),
        (3, "bottom-right", (64, 48)),
        (4, "bottom-left", (64, 48)),
        (5, "top-left", (48, 64)),
        (6, "top-right", (48, 64)),
        (7, "bottom-right", (48, 64)),
        (8, "bottom-left", (48, 64)),
    ],
)
def test_jpeg_exif_orientation_is_applied(
    tmp_path: Path, orientation: int, marked: str, size: tuple[int, int]
) -> None:
    source = save(tmp_path, "o.jpg", marked_corner(), exif=exif_orientation(orientation))
    frame = frame_of(source)
    assert frame.size == size
    for name in ("top-left", "top-right", "bottom-left", "bottom-right"):
        expected = RED if name == marked else BLUE
        assert pixel(frame, corner(name, size)) == pytest.approx(expected, abs=8), name


@pytest.mark.parametrize("name", ["o.png", "o.webp"])
@pytest.mark.parametrize(("orientation", "marked"), [(6, "top-right"), (8, "bottom-left")])
def test_exif_orientation_is_applied_to_png_and_webp(
    tmp_path: Path, name: str, orientation: int, marked: str
) -> None:
    params = {"lossless": True} if name.endswith(".webp") else {}
    source = save(tmp_path, name, marked_corner(), exif=exif_orientation(orientation), **params)
    frame = frame_of(source)
    assert frame.size == (48, 64)
    assert pixel(frame, corner(marked, (48, 64))) == pytest.approx(RED, abs=4)
    assert pixel(frame, corner("top-left", (48, 64))) == pytest.approx(BLUE, abs=4)


def test_exif_orientation_of_an_image_with_alpha_keeps_the_alpha(tmp_path: Path) -> None:
    image = marked_corner().convert("RGBA")
    image.putpixel((63, 47), (0, 0, 0, 0))  # bottom-right: bottom-left after a quarter turn
    frame = frame_of(save(tmp_path, "o.png", image, exif=exif_orientation(6)))
    assert frame.mode == "RGBA"
    assert alpha(frame, (0, 63)) == 0
    assert pixel(frame, (47, 0)) == (*RED, 255)


# Animated inputs contribute their first frame.


@pytest.mark.parametrize(
    ("name", "image_format"), [("a.gif", "GIF"), ("a.webp", "WEBP"), ("a.png", "PNG")]
)
def test_animated_input_gives_its_first_frame(tmp_path: Path, name: str, image_format: str) -> None:
    source = save_animated(tmp_path, name, [solid(RED), solid(BLUE)], image_format)
    assert frame_count(source.path) == 2
    frame = frame_of(source)
    assert frame.size == (64, 48)
    assert pixel(frame, LEFT) == pytest.approx(RED, abs=4)


# No metadata comes out.


EXIF = exif_orientation(1)


def png_text() -> PngInfo:
    text = PngInfo()
    text.add_text("Author", "someone")
    return text


@pytest.mark.parametrize(
    ("name", "params", "carried"),
    [
        (
            "m.jpg",
            {"exif": EXIF, "icc_profile": SRGB_PROFILE, "comment": b"secret"},
            {"exif", "icc_profile", "comment"},
        ),
        (
            "m.png",
            {"exif": EXIF, "icc_profile": SRGB_PROFILE, "pnginfo": png_text()},
            {"exif", "icc_profile", "Author"},
        ),
        ("m.gif", {"comment": b"secret"}, {"comment"}),
        (
            "m.webp",
            {"exif": EXIF, "icc_profile": SRGB_PROFILE, "xmp": b"<x:xmpmeta/>"},
            {"exif", "icc_profile", "xmp"},
        ),
    ],
)
def test_no_metadata_comes_out(
    tmp_path: Path, name: str, params: dict[str, Any], carried: set[str]
) -> None:
    source = save(tmp_path, name, solid(RED), **params)
    with Image.open(source.path) as check:
        check.load()
        assert carried <= set(check.info)  # the input does carry this metadata
    frame = frame_of(source)
    assert frame.info == {}
    assert len(frame.getexif()) == 0


# Refusals, with the contract's errors.


def test_too_many_pixels_is_image_too_large(tmp_path: Path) -> None:
    source = save(tmp_path, "big.png", solid(RED))  # 64 x 48 = 3072 pixels
    error = refusal(source, max_pixels=3071)
    assert isinstance(error, ImageTooLarge)
    assert (error.status, error.code, error.field) == (413, "image_too_large", "big.png")
    assert frame_of(source, max_pixels=3072).size == (64, 48)


@pytest.mark.parametrize("pillow_limit", [2000, 1000], ids=["bomb-warning", "bomb-error"])
def test_pillow_decompression_bomb_is_image_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pillow_limit: int
) -> None:
    # Pillow's own guard (set per worker by harden_pillow) warns past its limit, raises past
    # twice it; both must end as image_too_large, not a crash or corrupt_image.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", pillow_limit)
    error = refusal(save(tmp_path, "bomb.png", solid(RED)))  # 3072 pixels
    assert isinstance(error, ImageTooLarge)
    assert error.field == "bomb.png"


def test_truncated_png_is_corrupt(tmp_path: Path) -> None:
    data = encode(noisy(), "PNG")
    error = refusal(write_bytes(tmp_path, "cut.png", data[: len(data) // 2]))
    assert isinstance(error, CorruptImage)
    assert (error.status, error.code, error.field) == (422, "corrupt_image", "cut.png")
    assert "cut.png" in error.message


def test_truncated_jpeg_is_corrupt(tmp_path: Path) -> None:
    data = encode(noisy(), "JPEG")
    error = refusal(write_bytes(tmp_path, "cut.jpg", data[: len(data) // 2]))
    assert isinstance(error, CorruptImage)


def test_garbage_after_a_gif_signature_is_corrupt(tmp_path: Path) -> None:
    error = refusal(write_bytes(tmp_path, "x.gif", b"GIF89a" + b"\x00" * 40))
    assert isinstance(error, CorruptImage)


def test_zero_width_png_is_corrupt(tmp_path: Path) -> None:
    data = bytearray(encode(solid(RED, (4, 4)), "PNG"))
    data[16:20] = (0).to_bytes(4, "big")  # IHDR width
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # IHDR's checksum, redone
    error = refusal(write_bytes(tmp_path, "zero.png", bytes(data)))
    assert isinstance(error, CorruptImage)
    assert error.field == "zero.png"


def test_text_file_is_unsupported(tmp_path: Path) -> None:
    error = refusal(write_bytes(tmp_path, "notes.png", b"hello, this is a text file\n"))
    assert isinstance(error, UnsupportedImage)
    assert (error.status, error.code, error.field) == (415, "unsupported_image", "notes.png")
    assert "notes.png" in error.message


def test_empty_file_is_unsupported(tmp_path: Path) -> None:
    assert isinstance(refusal(write_bytes(tmp_path, "empty.png", b"")), UnsupportedImage)


def test_tiff_is_unsupported_even_named_png(tmp_path: Path) -> None:
    source = write_bytes(tmp_path, "photo.png", encode(solid(RED), "TIFF"))
    assert isinstance(refusal(source), UnsupportedImage)


def test_format_is_decided_by_bytes_not_name(tmp_path: Path) -> None:
    frame = frame_of(write_bytes(tmp_path, "photo.jpg", encode(solid(WHITE), "PNG")))
    assert pixel(frame, LEFT) == WHITE


def scan_bomb(scans: int) -> bytes:
    """A progressive JPEG whose smallest scan is repeated: each repeat is a full decoding pass."""
    buffer = io.BytesIO()
    Image.effect_noise((512, 384), 64).convert("RGB").save(buffer, "JPEG", progressive=True)
    data = buffer.getvalue()
    starts = [i for i in range(len(data) - 1) if data[i : i + 2] == b"\xff\xda"]
    ends = [*starts[1:], len(data) - 2]  # each scan runs to the next one, the last to EOI
    smallest = min(zip(starts, ends, strict=True), key=lambda span: span[1] - span[0])
    repeats = scans - len(starts)
    return data[:-2] + data[smallest[0] : smallest[1]] * repeats + b"\xff\xd9"


def test_jpeg_with_thousands_of_scans_is_refused_before_decoding(tmp_path: Path) -> None:
    source = write_bytes(tmp_path, "scans.jpg", scan_bomb(2000))
    error = refusal(source)
    assert isinstance(error, ImageTooLarge)
    assert "2000 JPEG scans" in error.message and error.field == "scans.jpg"


def test_progressive_jpeg_of_a_camera_decodes(tmp_path: Path) -> None:
    source = write_bytes(tmp_path, "progressive.jpg", scan_bomb(MAX_JPEG_SCANS))
    assert frame_of(source).size == (512, 384)
