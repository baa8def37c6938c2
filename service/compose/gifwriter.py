"""Writing a GIF one frame at a time, so memory stays flat however many frames there are.

Pillow's own multi-frame save keeps every frame until the end; here each frame is encoded
(Pillow's LZW encoder, through GifImagePlugin.getdata) and written as soon as it is made.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from PIL import GifImagePlugin, Image

Size = tuple[int, int]
# Graphic control disposal: 1 keeps the frame for the next to draw over, 2 clears it.
KEEP, CLEAR = 1, 2


def write_header(fp: BinaryIO, size: Size, loop: int) -> None:
    """GIF89a, the screen size, and the loop extension (none when it plays once)."""
    fp.write(b"GIF89a" + struct.pack("<HHBBB", size[0], size[1], 0, 0, 0))
    if loop != 1:
        repeats = 0 if loop == 0 else loop - 1  # the extension counts repeats, 0 = forever
        fp.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", repeats) + b"\x00")


def encode_frame(
    frame: Image.Image,
    offset: tuple[int, int],
    delay_cs: int,
    disposal: int,
    transparency: int | None,
) -> bytes:
    """One palette image as GIF blocks: control extension, descriptor, local palette, LZW."""
    params: dict[str, object] = {
        "duration": delay_cs * 10,
        "disposal": disposal,
        "include_color_table": True,
    }
    if transparency is not None:
        params["transparency"] = transparency
    return b"".join(GifImagePlugin.getdata(frame, offset, **params))


def write_trailer(fp: BinaryIO) -> None:
    fp.write(b";")
