"""Formats are decided by a file's first bytes: the five allowed ones, and nothing else."""

from __future__ import annotations

import pytest

from service.compose.formats import ALLOWED_FORMATS, SNIFF_BYTES, sniff_format

from .imagegen import RED, encode, solid


def head(data: bytes) -> bytes:
    """What open_frame reads to decide (the upload layer reads no more either)."""
    return data[:SNIFF_BYTES]


@pytest.mark.parametrize(
    ("image_format", "params", "expected"),
    [
        ("PNG", {}, "PNG"),
        ("JPEG", {}, "JPEG"),
        ("GIF", {}, "GIF"),
        ("WEBP", {}, "WEBP"),
        ("WEBP", {"lossless": True}, "WEBP"),
        ("BMP", {}, "BMP"),
    ],
)
def test_allowed_formats_are_recognised_by_their_bytes(
    image_format: str, params: dict[str, object], expected: str
) -> None:
    assert sniff_format(head(encode(solid(RED, (8, 8)), image_format, **params))) == expected


@pytest.mark.parametrize("image_format", ALLOWED_FORMATS)
def test_every_allowed_format_is_sniffed_as_itself(image_format: str) -> None:
    assert sniff_format(head(encode(solid(RED, (8, 8)), image_format))) == image_format


def test_the_allowed_formats_are_the_contracts_five() -> None:
    assert set(ALLOWED_FORMATS) == {"PNG", "JPEG", "GIF", "WEBP", "BMP"}


@pytest.mark.parametrize("signature", [b"GIF87a", b"GIF89a"])
def test_both_gif_versions_are_recognised(signature: bytes) -> None:
    data = bytearray(encode(solid(RED, (8, 8)), "GIF"))
    data[:6] = signature
    assert sniff_format(head(bytes(data))) == "GIF"


def test_animated_png_is_recognised_as_png() -> None:
    frames = [solid(RED, (8, 8)), solid((0, 0, 255), (8, 8))]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])
    assert sniff_format(head(data)) == "PNG"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"hello, this is a text file\n", id="text"),
        pytest.param(b"BM is how this note starts, but it is text\n", id="bm-text"),
        pytest.param(b"BM", id="bm-alone"),
        pytest.param(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 8 8\n", id="eps"),
        pytest.param(b"\xc5\xd0\xd3\xc6" + b"\x00" * 28, id="binary-eps"),
        pytest.param(b"8BPS\x00\x01" + b"\x00" * 20, id="psd"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"/>', id="svg"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVEfmt ", id="riff-wave"),
        pytest.param(b"\x89PNG", id="png-signature-cut-short"),
        pytest.param(b"\xff\xd8", id="jpeg-signature-cut-short"),
    ],
)
def test_other_bytes_are_refused(data: bytes) -> None:
    assert sniff_format(head(data)) is None


@pytest.mark.parametrize("image_format", ["TIFF", "EPS", "ICO", "PPM", "PCX", "TGA"])
def test_other_image_formats_pillow_writes_are_refused(image_format: str) -> None:
    assert sniff_format(head(encode(solid(RED, (8, 8)), image_format))) is None


@pytest.mark.parametrize("signature", [b"II*\x00", b"MM\x00*"])
def test_tiff_in_either_byte_order_is_refused(signature: bytes) -> None:
    assert sniff_format(head(signature + b"\x00" * 14)) is None
