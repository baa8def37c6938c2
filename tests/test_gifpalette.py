"""Frame 0's palette made the global colour table in a GIF whose frame 0 had a local one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from service.compose.gifinfo import read_gif_info
from service.compose.gifpalette import promote_first_palette
from service.compose.gifwriter import KEEP, encode_frame, write_header, write_trailer

from .imagegen import rgb_frames


def palette_frame(colours: list[tuple[int, int, int]], size: tuple[int, int]) -> Image.Image:
    """Vertical stripes of the colours, as a palette image with exactly that palette."""
    frame = Image.new("P", size)
    frame.putpalette([channel for colour in colours for channel in colour])
    for index in range(len(colours)):
        frame.paste(index, (index * size[0] // len(colours), 0, size[0], size[1]))
    return frame


def test_frame_0s_local_table_becomes_the_global_one(tmp_path: Path):
    first = palette_frame([(10, 20, 30), (200, 0, 0), (0, 200, 0), (0, 0, 200)], (32, 16))
    second = palette_frame([(1, 2, 3), (250, 250, 0)], (32, 16))
    source, target = tmp_path / "local.gif", tmp_path / "global.gif"
    with source.open("wb") as fp:
        write_header(fp, (32, 16), 0, bytes(second.getpalette() or []))  # the "wrong" global
        fp.write(encode_frame(first, (0, 0), 10, KEEP, None, local_palette=True))
        fp.write(encode_frame(second, (0, 0), 10, KEEP, None, local_palette=False))
        write_trailer(fp)
    assert not read_gif_info(str(source)).first_frame_uses_global_table
    promote_first_palette(str(source), str(target))
    info = read_gif_info(str(target))
    assert info.first_frame_uses_global_table
    assert info.local_table_colours[1] > 0  # frame 1 keeps its colours as a local table
    for before, after in zip(rgb_frames(source), rgb_frames(target), strict=True):
        assert ImageChops.difference(before, after).getbbox() is None


@pytest.mark.skipif(shutil.which("gifsicle") is None, reason="gifsicle is not installed")
def test_gifsicles_output_is_put_back_in_order(tmp_path: Path):
    frames = [
        palette_frame([(i * 9 % 256, i, 255 - i) for i in range(k, k + 40)], (80, 20))
        for k in range(3)
    ]
    # Frames 1 and 2 share a palette: gifsicle makes it the global one.
    frames[1] = frames[2].transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    source = tmp_path / "ours.gif"
    with source.open("wb") as fp:
        write_header(fp, (80, 20), 0, bytes(frames[0].getpalette() or []))
        for index, frame in enumerate(frames):
            fp.write(encode_frame(frame, (0, 0), 10, KEEP, None, local_palette=index > 0))
        write_trailer(fp)
    packed, target = tmp_path / "packed.gif", tmp_path / "fixed.gif"
    subprocess.run(["gifsicle", "-O3", "--no-warnings", str(source), "-o", str(packed)], check=True)
    promote_first_palette(str(packed), str(target))
    assert read_gif_info(str(target)).first_frame_uses_global_table
    for before, after in zip(rgb_frames(source), rgb_frames(target), strict=True):
        assert ImageChops.difference(before, after).getbbox() is None
