"""Making frame 0's palette the GIF's global colour table, in a file someone else wrote.

gifsicle moves the global table to whichever palette most frames share, so frame 0 can end up
with a local table; Pillow-based readers then convert a first frame through the wrong table.
This rewrites the blocks in one streaming pass (the pixels' LZW data is copied as it is): frame
0's local table becomes the global one, and frames that used the old global table get it as
their own local table.
"""

from __future__ import annotations

from typing import BinaryIO

LOCAL_TABLE = 0x80
# The screen descriptor's flags: a global table (0x80) and 8-bit colour resolution (0x70).
GLOBAL_FLAGS = 0x80 | 0x70


def promote_first_palette(source: str, target: str) -> None:
    """Write source to target with frame 0's palette as the global colour table."""
    with open(source, "rb") as src, open(target, "wb") as out:
        screen = src.read(13)
        if screen[:6] not in (b"GIF87a", b"GIF89a") or len(screen) < 13:
            raise ValueError("not a GIF file")
        old_global = _table(src, screen[10])
        before_first = bytearray()  # extensions before frame 0 (loop, graphic control)
        while (introducer := src.read(1)) == b"!":
            before_first += introducer + src.read(1) + _sub_blocks(src)
        if introducer != b",":
            raise ValueError("a GIF without frames")
        descriptor = src.read(9)
        first_table = _table(src, descriptor[8]) or old_global
        size_bits = _size_bits(first_table)
        out.write(screen[:10] + bytes([GLOBAL_FLAGS | size_bits]) + screen[11:13] + first_table)
        out.write(before_first + b"," + descriptor[:8] + bytes([descriptor[8] & 0x40]))
        out.write(src.read(1) + _sub_blocks(src))
        _copy_rest(src, out, old_global)


def _copy_rest(src: BinaryIO, out: BinaryIO, old_global: bytes) -> None:
    """The blocks after frame 0; a frame without a table of its own gets the old global one."""
    while (introducer := src.read(1)) not in (b";", b""):
        if introducer == b"!":
            out.write(introducer + src.read(1) + _sub_blocks(src))
            continue
        if introducer != b",":
            raise ValueError(f"unexpected GIF block {introducer!r}")
        descriptor = bytearray(src.read(9))
        table = _table(src, descriptor[8])
        if not table and old_global:
            table = old_global
            descriptor[8] = (descriptor[8] & 0x40) | LOCAL_TABLE | _size_bits(table)
        out.write(b"," + bytes(descriptor) + table + src.read(1) + _sub_blocks(src))
    out.write(b";")


def _table(src: BinaryIO, flags: int) -> bytes:
    return src.read(3 * (2 << (flags & 0x07))) if flags & 0x80 else b""


def _size_bits(table: bytes) -> int:
    """The 3-bit size field of a table of 2^(n+1) colours."""
    colours = max(2, len(table) // 3)
    return (colours - 1).bit_length() - 1


def _sub_blocks(src: BinaryIO) -> bytes:
    """Data sub-blocks up to and including the terminator, as they are."""
    data = bytearray()
    while (size := src.read(1)) not in (b"\x00", b""):
        data += size + src.read(size[0])
    return bytes(data + b"\x00")
