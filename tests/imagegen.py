"""Small images made in the test, saved in a directory, for the compose core's tests.

Every helper draws blocks of flat colour, so a test can tell by one pixel where a block ended up
(rotated, scaled, cropped, padded) even after JPEG, WebP or GIF palettes have had their say.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from service.compose.gif import Source

RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]

RED: RGB = (255, 0, 0)
GREEN: RGB = (0, 255, 0)
BLUE: RGB = (0, 0, 255)
YELLOW: RGB = (255, 255, 0)
MAGENTA: RGB = (255, 0, 255)
WHITE: RGB = (255, 255, 255)
SIZE = (64, 48)
ORIENTATION_TAG = 0x0112


def save(directory: Path, name: str, image: Image.Image, **params: Any) -> Source:
    """The image saved as directory/name (format from the name unless given): a Source."""
    path = directory / name
    image.save(path, **params)
    return Source(str(path), name)


def write_bytes(directory: Path, name: str, data: bytes) -> Source:
    """A file of exactly these bytes: for text, truncated and hand-made files."""
    path = directory / name
    path.write_bytes(data)
    return Source(str(path), name)


def encode(image: Image.Image, image_format: str, **params: Any) -> bytes:
    """The bytes of the image saved in memory."""
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **params)
    return buffer.getvalue()


def solid(colour: RGB, size: tuple[int, int] = SIZE) -> Image.Image:
    return Image.new("RGB", size, colour)


def halves(left: RGB, right: RGB, size: tuple[int, int] = SIZE) -> Image.Image:
    """Left half one colour, right half another."""
    image = solid(left, size)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def bands(outer: RGB, inner: RGB, size: tuple[int, int], inner_box: Box) -> Image.Image:
    """A frame of one colour with a block of another at inner_box."""
    image = solid(outer, size)
    image.paste(inner, inner_box)
    return image


def marked_corner(size: tuple[int, int] = SIZE, mark: RGB = RED, body: RGB = BLUE) -> Image.Image:
    """A body colour with a 16 px square of the mark colour in the top-left corner."""
    return bands(body, mark, size, (0, 0, 16, 16))


def noisy(size: tuple[int, int] = SIZE) -> Image.Image:
    """Busy pixels, so the compressed data is long enough to truncate mid-stream."""
    width, height = size
    image = Image.new("RGB", size)
    image.putdata(
        [
            ((x * 37) % 256, (y * 53) % 256, (x * y * 7) % 256)
            for y in range(height)
            for x in range(width)
        ]
    )
    return image


def camera_noise(size: tuple[int, int], sigma: float, seed: int = 0) -> Image.Image:
    """Grey noise around mid-grey, like Image.effect_noise but the same at every run (that one
    draws from C's rand(), whose state the tests before it have moved)."""
    draw = random.Random(seed).gauss
    values = (max(0, min(255, round(draw(128, sigma)))) for _ in range(size[0] * size[1]))
    return Image.frombytes("L", size, bytes(values))


def grey16_gradient(width: int = 256, height: int = 4) -> Image.Image:
    """Mode I;16, left to right from 0 to 65535: the full 16-bit range."""
    image = Image.new("I;16", (width, height))
    image.putdata([round(x * 65535 / (width - 1)) for x in range(width)] * height)
    return image


def grey_alpha(grey: int, alpha: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """Mode LA: left half fully opaque, right half with the given alpha."""
    image = Image.new("LA", size, (grey, 255))
    image.paste((grey, alpha), (size[0] // 2, 0, size[0], size[1]))
    return image


def palette_with_trns(size: tuple[int, int] = SIZE) -> Image.Image:
    """Mode P: index 0 red (opaque, left half), index 1 green (the transparent index, right)."""
    image = Image.new("P", size, 0)
    image.putpalette([*RED, *GREEN, *BLUE])
    image.paste(1, (size[0] // 2, 0, size[0], size[1]))
    image.info["transparency"] = 1
    return image


def cmyk(cmyk_colour: tuple[int, int, int, int], size: tuple[int, int] = SIZE) -> Image.Image:
    return Image.new("CMYK", size, cmyk_colour)


def exif_orientation(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = orientation
    return exif


def animated(frames: Sequence[Image.Image]) -> tuple[Image.Image, dict[str, Any]]:
    """The first frame and the save() keywords of an animation of these frames."""
    return frames[0], {"save_all": True, "append_images": list(frames[1:]), "duration": 100}


def save_animated(
    directory: Path, name: str, frames: Sequence[Image.Image], image_format: str
) -> Source:
    """An animation (GIF, WEBP or PNG, i.e. APNG) of these frames."""
    first, params = animated(frames)
    if image_format == "WEBP":
        params["lossless"] = True
    return save(directory, name, first, format=image_format, loop=0, **params)


def dominant_colour(image: Image.Image) -> RGB:
    """The commonest colour of the image, as RGB."""
    colours = image.convert("RGB").getcolors(image.width * image.height)
    assert colours is not None
    _count, colour = max(colours)
    assert isinstance(colour, tuple)
    return (colour[0], colour[1], colour[2])


def gif_frames(path: str) -> list[Image.Image]:
    """Every frame of a GIF as a viewer shows it, decoded by Pillow, as RGBA."""
    frames = []
    with Image.open(path) as gif:
        for index in range(int(getattr(gif, "n_frames", 1))):
            gif.seek(index)
            frames.append(gif.convert("RGBA"))
    return frames


def rgb_frames(path: str | Path) -> list[Image.Image]:
    """Every frame of a GIF as a viewer shows it, as RGB."""
    return [frame.convert("RGB") for frame in gif_frames(str(path))]


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """The bands of one pixel of a multi-band image (RGB, RGBA)."""
    value = image.getpixel(xy)
    assert isinstance(value, tuple), value
    return value


def alpha(image: Image.Image, xy: tuple[int, int]) -> int:
    return pixel(image, xy)[3]


def corner(name: str, size: tuple[int, int], inset: int = 4) -> tuple[int, int]:
    """A point just inside the named corner ("top-left", "bottom-right", ...)."""
    vertical, horizontal = name.split("-")
    x = inset if horizontal == "left" else size[0] - 1 - inset
    y = inset if vertical == "top" else size[1] - 1 - inset
    return (x, y)


def frame_count(path: str) -> int:
    with Image.open(path) as image:
        return int(getattr(image, "n_frames", 1))
