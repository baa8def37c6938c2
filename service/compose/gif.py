"""The compose core: image files in, one animated GIF file out. Pillow and libimagequant, no
web imports.

`compose_gif` is what the worker processes run. Frames are decoded (service/compose/expand.py)
and quantized a few at a time in threads (pipeline.py), laid out on a fresh canvas (so no input
metadata can reach the output), captioned, and written in order as soon as they are encoded, so
memory stays flat in the number of frames. After the first frame, only the rectangle that
changed is written; its unchanged pixels are transparent (they take one palette entry and no
colours) and show the frame before, so a click-through costs little more than one frame.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

from PIL import Image

from .captions import captioned
from .expand import input_frames, resolve_frames
from .frames import Pending, frame_work, merged, quantize_frame
from .gifinfo import read_gif_info
from .gifsicle import optimize
from .gifwriter import palette_bytes, write_header, write_trailer
from .layout import Size
from .options import ComposeOptions
from .palette import PRESETS
from .pipeline import ordered_map, thread_count
from .timing import to_centiseconds

# A composition is photo-like (gets the lossy pass) from a quarter of its pixels in photo-like
# regions: a slideshow of screens and photos is sized by its photos.
PHOTO_SHARE_DIVISOR = 4
# gifsicle --lossy takes about a second per 2 Mpx: past this many pixels in all (about 13
# photos of 1280x960) the lossy pass would cost more time than the whole rest.
LOSSY_BUDGET_PIXELS = 16_000_000


@dataclass(frozen=True)
class Source:
    """One uploaded frame: where the server spooled it, and the name the client gave it."""

    path: str
    name: str


@dataclass(frozen=True)
class ComposeResult:
    """The GIF as written (identical consecutive frames are merged and their delays added)."""

    frames: int
    width: int
    height: int
    bytes: int
    durations_ms: tuple[int, ...]
    colors: int = 256  # the most colours a frame could have
    within_max_bytes: bool | None = None  # None when no size was asked for


def compose_gif(
    sources: Sequence[Source],
    options: ComposeOptions,
    out_path: str,
    max_pixels: int,
    stands_for: int | None = None,
) -> ComposeResult:
    """Compose the sources, in order, into an animated GIF written at out_path.

    stands_for: the frame count of the GIF that these frames are a sample of (an estimate's);
    the choices that depend on the frame count are made for that GIF."""
    options = resolve_frames(sources, options, max_pixels)
    preset = PRESETS[options.quality]
    threads = thread_count()
    with ThreadPoolExecutor(threads) as executor, open(out_path, "wb") as fp:
        size, canvases = input_frames(sources, options, max_pixels, executor, threads)
        work = frame_work(captioned(canvases, options.captions), options, preset.tolerance)
        quantized = ordered_map(partial(quantize_frame, preset=preset), work, executor, threads)
        delays = to_centiseconds(list(options.durations_ms))
        photo_pixels = _write(fp, size, options.loop, merged(quantized, delays))
    if preset.optimize:
        frame_pixels = size[0] * size[1]
        photos = photo_pixels * PHOTO_SHARE_DIVISOR >= len(delays) * frame_pixels
        affordable = (stands_for or len(delays)) * frame_pixels <= LOSSY_BUDGET_PIXELS
        lossy = preset.lossy if photos and affordable else 0
        # On photos only the lossy pass pays: -O2 alone re-packs them to within 0.1% of our
        # bytes (40 phone photos: 2.7 s for nothing), where screens lose 2% to 13%.
        if lossy or not photos:
            optimize(out_path, lossy=lossy)
    info = read_gif_info(out_path)
    return ComposeResult(
        frames=info.frames,
        width=info.width,
        height=info.height,
        bytes=os.path.getsize(out_path),
        durations_ms=tuple(info.durations_ms),
        colors=options.colors,
    )


def warm_up(directory: str) -> None:
    """Compose one tiny GIF in directory (then remove it), so the first real composition does
    not pay for loading decoders, libimagequant and gifsicle from disk."""
    source = os.path.join(directory, f".warm-up-{os.getpid()}.png")
    out_path = f"{source}.gif"
    try:
        Image.linear_gradient("L").resize((32, 32)).convert("RGB").save(source)
        compose_gif(
            [Source(source, "warm-up")], ComposeOptions(durations_ms=(100,)), out_path, 1024
        )
    finally:
        for path in (source, out_path):
            if os.path.exists(path):
                os.unlink(path)


def _write(fp: BinaryIO, size: Size, loop: int, frames: Iterator[Pending]) -> int:
    """The GIF's blocks, frame 0's palette as the global table; the photo-like pixels."""
    photo_pixels = 0
    for index, frame in enumerate(frames):
        if index == 0:
            write_header(fp, size, loop, palette_bytes(frame.image))
        fp.write(frame.encode(local_palette=index > 0))
        photo_pixels += frame.photo_pixels
    write_trailer(fp)
    return photo_pixels
