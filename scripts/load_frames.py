"""The frames scripts/load uploads, and the check that a GIF came back from its own upload.

Every client's frames carry colours no other client's frames have, so a GIF that went to the
wrong requester (or mixed frames of two requests) shows in the colour of its first frame.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageStat

RGB = tuple[int, int, int]
Size = tuple[int, int]

SMALL_SIZE: Size = (64, 48)
FRAMES_PER_SEQUENCE = 3
# Colours step by 22 per channel, so a tolerance under half of that never takes one for another.
COLOUR_STEP = 22
COLOUR_TOLERANCE = 8
MAX_COLOUR_IDS = 1000  # three decimal digits, one per channel


@dataclass(frozen=True)
class Upload:
    """One request's frames (PNG bytes) and the colour each frame's centre must come back as."""

    kind: str  # small, large or heavy: latencies are reported per kind
    client: int
    files: tuple[bytes, ...]
    colours: tuple[RGB | None, ...]  # None: not checked (shared noise frames)


def colour(client: int, frame: int) -> RGB:
    """A colour for this client's frame that no other (client, frame) pair has."""
    ident = client * FRAMES_PER_SEQUENCE + frame
    if not 0 <= ident < MAX_COLOUR_IDS or frame >= FRAMES_PER_SEQUENCE:
        raise ValueError(f"no distinct colour left for client {client}, frame {frame}")
    digits = (ident % 10, ident // 10 % 10, ident // 100)
    r, g, b = (20 + COLOUR_STEP * digit for digit in digits)
    return r, g, b


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def small_upload(client: int) -> Upload:
    """Three flat 64x48 frames in the client's own colours."""
    colours = tuple(colour(client, k) for k in range(FRAMES_PER_SEQUENCE))
    files = tuple(png(Image.new("RGB", SMALL_SIZE, c)) for c in colours)
    return Upload("small", client, files, colours)


@cache
def noise_png(size: Size, seed: int) -> bytes:
    """A frame of random pixels: megabytes of PNG, and the slowest kind of frame to compose."""
    del seed  # only makes distinct cache entries
    return png(noise(size))


def noise(size: Size) -> Image.Image:
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def large_upload(client: int, size: Size, frames: int) -> Upload:
    """Noise frames; the first has the client's colour over its central half."""
    first = noise(size)
    width, height = size
    first.paste(colour(client, 0), (width // 4, height // 4, width * 3 // 4, height * 3 // 4))
    rest = tuple(noise_png(size, seed) for seed in range(1, frames))
    colours = (colour(client, 0),) + (None,) * len(rest)
    return Upload("large", client, (png(first), *rest), colours)


def heavy_upload(client: int, size: Size, noise_size: Size) -> Upload:
    """A big flat first frame (slow to decode and scale, small in bytes) and two noise frames."""
    first = png(Image.new("RGB", size, colour(client, 0)))
    rest = (noise_png(noise_size, 1), noise_png(noise_size, 2))
    return Upload("heavy", client, (first, *rest), (colour(client, 0), None, None))


def gif_problem(data: bytes, upload: Upload) -> str | None:
    """Why this GIF is not the one made from the upload, or None when it is."""
    try:
        with Image.open(io.BytesIO(data)) as gif:
            if gif.format != "GIF":
                return f"not a GIF but {gif.format}"
            frames = getattr(gif, "n_frames", 1)
            if frames != len(upload.files):
                return f"{frames} frames, not {len(upload.files)}"
            return _colour_problem(gif, upload)
    except (OSError, ValueError, SyntaxError) as exc:
        return f"not a readable GIF ({exc})"


def _colour_problem(gif: Image.Image, upload: Upload) -> str | None:
    for index, expected in enumerate(upload.colours):
        if expected is None:
            continue
        gif.seek(index)
        seen = centre_colour(gif.convert("RGB"))
        if max(abs(a - b) for a, b in zip(seen, expected, strict=True)) > COLOUR_TOLERANCE:
            return f"frame {index} is {seen}, not client {upload.client}'s {expected}"
    return None


def centre_colour(image: Image.Image) -> RGB:
    """The mean colour of the centre box (a quarter of each side): dithering averages out."""
    width, height = image.size
    box = (width * 3 // 8, height * 3 // 8, width * 5 // 8, height * 5 // 8)
    r, g, b = (round(channel) for channel in ImageStat.Stat(image.crop(box)).mean)
    return r, g, b
