"""What a GIF file really holds, read from its blocks without decoding a pixel.

The response describes the file as written (Pillow merges identical consecutive frames), and
the tests use this to check delays, loop extensions and that no metadata was copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO


@dataclass
class GifInfo:
    width: int
    height: int
    durations_ms: list[int] = field(default_factory=list)
    # The NETSCAPE2.0 repeat count, or None when the file has no loop extension (plays once).
    loop_extension: int | None = None
    comments: list[bytes] = field(default_factory=list)
    application_extensions: list[bytes] = field(default_factory=list)
    # Each frame's rectangle on the screen: (left, top, width, height).
    rects: list[tuple[int, int, int, int]] = field(default_factory=list)
    # Bytes before the first frame (header, loop extension), and each frame's own bytes.
    header_bytes: int = 0
    frame_bytes: list[int] = field(default_factory=list)
    global_table_colours: int = 0  # 0: no global colour table
    local_table_colours: list[int] = field(default_factory=list)  # per frame, 0: none

    @property
    def first_frame_uses_global_table(self) -> bool:
        first_local = self.local_table_colours[0] if self.local_table_colours else 0
        return self.global_table_colours > 0 and first_local == 0

    @property
    def frames(self) -> int:
        return len(self.durations_ms)


def read_gif_info(path: str) -> GifInfo:
    with open(path, "rb") as fp:
        return _read(fp)


def _read(fp: BinaryIO) -> GifInfo:
    header = fp.read(13)
    if header[:6] not in (b"GIF87a", b"GIF89a") or len(header) < 13:
        raise ValueError("not a GIF file")
    info = GifInfo(int.from_bytes(header[6:8], "little"), int.from_bytes(header[8:10], "little"))
    info.global_table_colours = _skip_colour_table(fp, header[10])
    delay_cs = 0
    frame_start = None  # where the current frame's blocks began
    while (introducer := fp.read(1)) not in (b";", b""):
        if frame_start is None:
            frame_start = fp.tell() - 1
            if not info.frame_bytes:
                info.header_bytes = frame_start
        if introducer == b"!":
            delay_cs = _read_extension(fp, info, delay_cs)
        elif introducer == b",":
            _read_image(fp, info)
            info.durations_ms.append(delay_cs * 10)
            info.frame_bytes.append(fp.tell() - frame_start)
            delay_cs, frame_start = 0, None
        else:
            raise ValueError(f"unexpected GIF block {introducer!r}")
    return info


def _read_extension(fp: BinaryIO, info: GifInfo, delay_cs: int) -> int:
    """One extension block; returns the delay for the next frame (a graphic control sets it)."""
    label, blocks = fp.read(1), _sub_blocks(fp)
    if label == b"\xf9" and blocks and len(blocks[0]) >= 3:
        return int.from_bytes(blocks[0][1:3], "little")
    if label == b"\xfe":
        info.comments.append(b"".join(blocks))
    elif label == b"\xff" and blocks:
        info.application_extensions.append(blocks[0])
        if blocks[0] == b"NETSCAPE2.0" and len(blocks) > 1 and len(blocks[1]) >= 3:
            info.loop_extension = int.from_bytes(blocks[1][1:3], "little")
    return delay_cs


def _read_image(fp: BinaryIO, info: GifInfo) -> None:
    """One image descriptor and its data: its rectangle is kept, its pixels skipped."""
    descriptor = fp.read(9)
    left, top, width, height = (
        int.from_bytes(descriptor[i : i + 2], "little") for i in (0, 2, 4, 6)
    )
    info.rects.append((left, top, width, height))
    info.local_table_colours.append(_skip_colour_table(fp, descriptor[8]))
    fp.read(1)  # LZW minimum code size
    _sub_blocks(fp, keep=False)


def _skip_colour_table(fp: BinaryIO, packed: int) -> int:
    """Skip a colour table if the flags say there is one; how many colours it holds."""
    if not packed & 0x80:
        return 0
    colours = 2 << (packed & 0x07)
    fp.seek(3 * colours, 1)
    return colours


def _sub_blocks(fp: BinaryIO, keep: bool = True) -> list[bytes]:
    blocks = []
    while (size := fp.read(1)) not in (b"\x00", b""):
        data = fp.read(size[0])
        if keep:
            blocks.append(data)
    return blocks
