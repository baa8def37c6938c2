"""Hostile inputs made in the test: hand-built images and multipart bodies, byte for byte.

Everything here is built from bytes (not through aiohttp's FormData), so a test controls every
header exactly: odd Content-Disposition forms, raw bytes in file names, broken boundaries.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

from .imagegen import encode

PAYLOAD = b"<script>alert('polyglot')</script>"


def tiny_png(size: tuple[int, int] = (8, 6), colour: tuple[int, int, int] = (20, 160, 90)) -> bytes:
    return encode(Image.new("RGB", size, colour), "PNG")


# --- PNG by hand -----------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and a correct CRC (over the type and the data)."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_raw(
    width: int, height: int, bit_depth: int, colour_type: int, idat: bytes | None = None
) -> bytes:
    """A PNG whose IHDR says exactly this; idat defaults to compressed all-zero scanlines."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    if idat is None:
        channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
        row_bytes = 1 + (width * channels * bit_depth + 7) // 8
        idat = zlib.compress(b"\0" * row_bytes * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def png_claiming(width: int, height: int) -> bytes:
    """A few dozen bytes whose IHDR claims width x height pixels (the IDAT is one empty row)."""
    return png_raw(width, height, 8, 2, idat=zlib.compress(b"\0"))


def png_16bit(colour_type: int, size: tuple[int, int] = (6, 4)) -> bytes:
    """A 16-bit PNG (0: grey, 2: RGB) with a gradient, so the tones must be scaled, not clipped."""
    width, height = size
    channels = 1 if colour_type == 0 else 3
    rows = b""
    for y in range(height):
        samples = [(40000 + 2000 * (x + y)) % 65536 for x in range(width) for _ in range(channels)]
        rows += b"\0" + struct.pack(f">{len(samples)}H", *samples)
    return png_raw(width, height, 16, colour_type, idat=zlib.compress(rows))


def png_bomb(side: int) -> bytes:
    """A valid PNG of side x side one-bit pixels, all black: a few KB that decode to millions."""
    return encode(Image.new("1", (side, side), 0), "PNG", optimize=True)


# --- GIF by hand -----------------------------------------------------------------------------


def gif_screen(width: int, height: int, screen: bytes | None = None, trailer: bytes = b"") -> bytes:
    """A GIF with a width x height logical screen and one 1x1 image; `screen` overrides the
    four size bytes (for the GIF/JS polyglot), `trailer` follows the GIF's end."""
    size = screen if screen is not None else struct.pack("<HH", width, height)
    header = b"GIF89a" + size + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"  # 2-colour table
    image = b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00"
    data = b"\x02\x02\x44\x01\x00"  # LZW min code size 2, one sub-block: one pixel, end
    return header + image + data + b"\x3b" + trailer


def gif_js_polyglot() -> bytes:
    """A GIF that is also JavaScript: `GIF89a/*...*/=1;alert(...)//`.

    The screen width is the bytes `/*` (10799 px), the height 10: a wide but small image."""
    return gif_screen(0, 0, screen=b"/*\x0a\x00", trailer=b"*/=1;" + PAYLOAD + b"//")


# --- other formats and polyglots --------------------------------------------------------------


def png_zip_polyglot() -> bytes:
    """A PNG followed by a ZIP archive (zip readers start from the end): both formats at once."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("index.html", PAYLOAD)
    return tiny_png() + archive.getvalue()


def jpeg_with_trailer() -> bytes:
    """A JPEG with an HTML/JS payload after its end-of-image marker."""
    return encode(Image.new("RGB", (16, 12), (200, 40, 40)), "JPEG") + b"<html>" + PAYLOAD


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (16, 12), (0, 200, 200, 0)), "JPEG")


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + (
    b"<script>alert(1)</script></svg>"
)
EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
PSD = b"8BPS\x00\x01" + b"\x00" * 6 + struct.pack(">HIIHH", 3, 10, 10, 8, 3) + b"\x00" * 64
TEXT = b"just some text, not an image at all\n" * 4


# --- multipart bodies by hand -----------------------------------------------------------------


def part(disposition: bytes | None, content: bytes, headers: bytes = b"") -> bytes:
    """One part's headers and content (no boundary): disposition is the header's raw value."""
    lines = b""
    if disposition is not None:
        lines += b"Content-Disposition: " + disposition + b"\r\n"
    return lines + headers + b"\r\n" + content


def photo(filename: bytes | None, content: bytes, param: bytes = b"filename") -> bytes:
    """A `photo` part; filename is the raw bytes between the quotes (None: no filename)."""
    disposition = b'form-data; name="photo"'
    if filename is not None:
        disposition += b"; " + param + b'="' + filename + b'"'
    return part(disposition, content)


def field(name: str, value: bytes) -> bytes:
    return part(f'form-data; name="{name}"'.encode(), value)


def body(*parts: bytes, boundary: bytes = b"B", close: bool = True) -> bytes:
    """Parts joined by the boundary, closed with the final boundary unless close is False."""
    out = b"".join(b"--" + boundary + b"\r\n" + p + b"\r\n" for p in parts)
    return out + (b"--" + boundary + b"--\r\n" if close else b"")


def bmp_claiming(width: int, height: int) -> bytes:
    """A BMP header (24-bit, uncompressed) claiming width x height, with no pixels after it."""
    dib = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(dib), 0, 0, 14 + len(dib)) + dib


def webp_claiming(width: int, height: int) -> bytes:
    """An extended WebP (VP8X) whose canvas claims width x height, with no image in it."""
    vp8x = (
        b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    )
    chunk = b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def png_bad_ihdr_crc() -> bytes:
    """A small valid PNG whose IHDR checksum is wrong."""
    data = bytearray(png_raw(4, 4, 8, 2))
    data[29] ^= 0xFF  # the last byte of IHDR's CRC (8 signature + 4 + 4 + 13 data)
    return bytes(data)
