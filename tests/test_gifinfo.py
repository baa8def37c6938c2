"""read_gif_info on GIFs written by Pillow: frames, delays, the loop extension, comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.compose.gifinfo import read_gif_info

from .imagegen import BLUE, GREEN, RED, YELLOW, animated, save, solid, write_bytes

FRAMES = [solid(RED), solid(GREEN), solid(BLUE), solid(YELLOW)]


def test_reads_size_frames_and_durations(tmp_path: Path) -> None:
    first, params = animated(FRAMES)
    params["duration"] = [100, 250, 30, 1000]
    source = save(tmp_path, "a.gif", first, **params)
    info = read_gif_info(source.path)
    assert (info.width, info.height) == (64, 48)
    assert info.frames == 4
    assert info.durations_ms == [100, 250, 30, 1000]


def test_frames_with_their_own_colour_tables_are_counted(tmp_path: Path) -> None:
    # Each frame quantised on its own carries a local colour table the reader must skip.
    frames = [frame.quantize(16) for frame in FRAMES]
    source = save(tmp_path, "a.gif", frames[0], save_all=True, append_images=frames[1:])
    assert read_gif_info(source.path).frames == 4


@pytest.mark.parametrize("loop", [0, 1, 5, 65535])
def test_loop_extension_holds_the_repeat_count(tmp_path: Path, loop: int) -> None:
    first, params = animated(FRAMES)
    source = save(tmp_path, "a.gif", first, loop=loop, **params)
    info = read_gif_info(source.path)
    assert info.loop_extension == loop
    assert info.application_extensions == [b"NETSCAPE2.0"]


def test_no_loop_extension_reads_as_none(tmp_path: Path) -> None:
    first, params = animated(FRAMES)
    source = save(tmp_path, "a.gif", first, **params)
    info = read_gif_info(source.path)
    assert info.loop_extension is None
    assert info.application_extensions == []
    assert info.frames == 4


def test_other_application_extensions_are_listed_but_are_not_a_loop(tmp_path: Path) -> None:
    data = bytearray(Path(save(tmp_path, "a.gif", solid(RED)).path).read_bytes())
    table_bytes = 3 * 2 ** ((data[10] & 0x07) + 1) if data[10] & 0x80 else 0
    xmp = b"!\xff\x0bXMP DataXMP\x03\x01\x05\x00\x00"  # looks like a loop sub-block
    data[13 + table_bytes : 13 + table_bytes] = xmp
    info = read_gif_info(write_bytes(tmp_path, "xmp.gif", bytes(data)).path)
    assert info.application_extensions == [b"XMP DataXMP"]
    assert info.loop_extension is None
    assert info.frames == 1


def test_comments_are_read(tmp_path: Path) -> None:
    first, params = animated(FRAMES[:2])
    source = save(tmp_path, "a.gif", first, comment=b"made by a camera", **params)
    assert read_gif_info(source.path).comments == [b"made by a camera"]


def test_a_comment_longer_than_one_sub_block_is_joined(tmp_path: Path) -> None:
    comment = bytes(range(32, 127)) * 4  # 380 bytes: two sub-blocks
    source = save(tmp_path, "a.gif", solid(RED), comment=comment)
    assert read_gif_info(source.path).comments == [comment]


def test_a_gif_without_comments_has_none(tmp_path: Path) -> None:
    first, params = animated(FRAMES)
    assert read_gif_info(save(tmp_path, "a.gif", first, **params).path).comments == []


def test_a_single_frame_gif_without_extensions(tmp_path: Path) -> None:
    info = read_gif_info(save(tmp_path, "one.gif", solid(RED)).path)
    assert (info.frames, info.durations_ms, info.loop_extension) == (1, [0], None)


def test_identical_consecutive_frames_are_one_frame_in_the_file(tmp_path: Path) -> None:
    # What the compose result reports relies on this: Pillow merges them and adds the delays.
    frames = [solid(RED), solid(RED), solid(BLUE)]
    first, params = animated(frames)
    source = save(tmp_path, "a.gif", first, **params | {"duration": [100, 200, 300]})
    assert read_gif_info(source.path).durations_ms == [300, 300]


@pytest.mark.parametrize("data", [b"", b"GIF", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20])
def test_other_files_are_not_gifs(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ValueError, match="not a GIF"):
        read_gif_info(write_bytes(tmp_path, "x.gif", data).path)
