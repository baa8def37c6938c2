"""Writing a GIF one frame at a time, so memory stays flat however many frames there are.

Pillow's own multi-frame save keeps every frame until the end; here each frame is encoded
(Pillow's LZW encoder, through GifImagePlugin.getdata) and written as soon as it is made.
Frame 0's palette is the global colour table and frame 0 has no local one: readers that
convert a first frame through the global table (Pillow's) then show what browsers show.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from PIL import GifImagePlugin, Image

Size = tuple[int, int]
# Graphic control disposal: 1 keeps the frame for the next to draw over, 2 clears it.
KEEP, CLEAR = 1, 2


def write_header(fp: BinaryIO, size: Size, loop: int, palette: bytes) -> None:
    """GIF89a, the screen size, the global colour table, and the loop extension (none when
    it plays once). palette: RGB triplets, at most 256."""
    table_bits = max(1, (max(2, len(palette) // 3) - 1).bit_length())
    table = palette.ljust(3 << table_bits, b"\x00")
    # Global table present (0x80), 8-bit colour resolution (0x70), its size as 2^(n+1).
    flags = 0x80 | 0x70 | (table_bits - 1)
    fp.write(b"GIF89a" + struct.pack("<HHBBB", size[0], size[1], flags, 0, 0) + table)
    if loop != 1:
        repeats = 0 if loop == 0 else loop - 1  # the extension counts repeats, 0 = forever
        fp.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", repeats) + b"\x00")


def palette_bytes(frame: Image.Image) -> bytes:
    """A palette image's colours as RGB triplets."""
    return bytes(frame.getpalette() or [])


def encode_frame(
    frame: Image.Image,
    offset: tuple[int, int],
    delay_cs: int,
    disposal: int,
    transparency: int | None,
    local_palette: bool = True,
) -> bytes:
    """One palette image as GIF blocks: control extension, descriptor, local palette, LZW."""
    params: dict[str, object] = {
        "duration": delay_cs * 10,
        "disposal": disposal,
        "include_color_table": local_palette,
    }
    if transparency is not None:
        params["transparency"] = transparency
    return b"".join(GifImagePlugin.getdata(frame, offset, **params))


def write_trailer(fp: BinaryIO) -> None:
    fp.write(b";")
