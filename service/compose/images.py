"""Decoding untrusted images: allow-listed formats, bounded pixels, one clean frame out.

Runs in the worker processes only. Every image comes out as a fresh RGB or RGBA image, upright
(EXIF orientation applied), in sRGB, with none of the input's metadata.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageFile

from ..errors import CorruptImage, GifError, ImageTooLarge, UnsupportedImage
from .colours import to_rgb, to_srgb
from .formats import OPENED_AS, SNIFF_BYTES, sniff_format
from .timing import MAX_DURATION_MS

# EXIF orientation -> the transpose that makes the image upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# A progressive JPEG from a camera or an encoder has about 10 scans (mozjpeg: up to ~20); each
# scan is a full pass over the image, so thousands are a decoder bomb (seconds per megabyte).
MAX_JPEG_SCANS = 100
_START_OF_SCAN = b"\xff\xda"  # never inside entropy-coded data, where 0xFF is stuffed
_ORIENTATION_TAG = 0x0112


def harden_pillow(max_pixels: int) -> None:
    """Pillow's process-wide guards; the pool's initializer calls this in every worker."""
    Image.MAX_IMAGE_PIXELS = max_pixels
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def open_frame(
    path: str, name: str, max_pixels: int, draft_to: tuple[int, int] | None = None
) -> Image.Image:
    """The first frame of the image at path, ready to compose; raises the contract's errors.

    draft_to: the size the frame will be scaled to; a JPEG much larger than it is decoded at
    a fraction of its size (libjpeg's DCT scaling), which saves most of the decoding time.
    """
    with open(path, "rb") as fp, _decoding(name, max_pixels):
        image_format = _sniffed(fp, name)
        return _decode(fp, image_format, name, max_pixels, draft_to)


def open_frames(
    path: str, name: str, max_pixels: int, limit: int
) -> Iterator[tuple[Image.Image, int | None]]:
    """Every frame of an animated image (at most limit), composited as a viewer shows it, with
    its delay in ms (None for a still image, whose one frame is open_frame's)."""
    with open(path, "rb") as fp, _decoding(name, max_pixels):
        image_format = _sniffed(fp, name)
        with Image.open(fp, formats=[image_format]) as im:
            if not getattr(im, "is_animated", False):
                yield _decode_open(fp, im, image_format, name, max_pixels, None), None
                return
            _check_size(im, image_format, name, max_pixels)
            for index in range(limit):
                try:
                    im.seek(index)
                except EOFError:
                    return
                im.load()
                frame = to_rgb(im)
                frame.info = {}
                yield frame, _delay_ms(im.info.get("duration"))


def frame_delays(path: str, name: str, max_pixels: int, limit: int) -> list[int | None]:
    """Each frame's delay in ms (one None for a still image), reading at most limit frames."""
    with open(path, "rb") as fp, _decoding(name, max_pixels):
        image_format = _sniffed(fp, name)
        with Image.open(fp, formats=[image_format]) as im:
            _check_size(im, image_format, name, max_pixels)
            if not getattr(im, "is_animated", False):
                return [None]
            delays: list[int | None] = []
            for index in range(limit):
                try:
                    im.seek(index)
                except EOFError:
                    break
                if im.format == "WEBP":
                    im.load()  # WebP reads a frame's delay as it decodes it
                delays.append(_delay_ms(im.info.get("duration")))
            return delays


# Browsers play a delay under 20 ms (0 included) as 100 ms: so does the GIF made from it. A
# delay past a minute is held to a minute, as the `duration` field is.
_SHORTEST_PLAYED_MS, _PLAYED_INSTEAD_MS = 20, 100


def _delay_ms(duration: object) -> int:
    delay = round(duration) if isinstance(duration, int | float) else 0
    return min(delay, MAX_DURATION_MS) if delay >= _SHORTEST_PLAYED_MS else _PLAYED_INSTEAD_MS


def _sniffed(fp: io.BufferedReader, name: str) -> str:
    image_format = sniff_format(fp.read(SNIFF_BYTES))
    if image_format is None:
        raise UnsupportedImage(f"{name} is not a PNG, JPEG, GIF, WebP or BMP image.", name)
    fp.seek(0)
    return image_format


@contextmanager
def _decoding(name: str, max_pixels: int) -> Iterator[None]:
    """Pillow's failures as the contract's errors, naming the file."""
    try:
        with warnings.catch_warnings():
            # Broken metadata only warns; a decompression bomb must stop here.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except GifError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(name, max_pixels) from None
    except MemoryError:
        raise ImageTooLarge(f"{name} needs more memory than a worker may use.", name) from None
    except Exception:
        # The bytes start as an allowed format but do not decode: truncated or corrupt.
        raise CorruptImage(
            f"{name} could not be decoded: the file is truncated or corrupt.", name
        ) from None


def _decode(
    fp: io.BufferedReader,
    image_format: str,
    name: str,
    max_pixels: int,
    draft_to: tuple[int, int] | None,
) -> Image.Image:
    with Image.open(fp, formats=[image_format]) as im:
        return _decode_open(fp, im, image_format, name, max_pixels, draft_to)


def _check_size(im: Image.Image, image_format: str, name: str, max_pixels: int) -> None:
    if im.format not in OPENED_AS[image_format]:
        raise UnsupportedImage(f"{name} is not an image of an allowed format.", name)
    width, height = im.size
    if width < 1 or height < 1:
        raise CorruptImage(f"{name} has no pixels (zero width or height).", name)
    if width * height > max_pixels:
        raise _too_large(name, max_pixels)


def _decode_open(
    fp: io.BufferedReader,
    im: Image.Image,
    image_format: str,
    name: str,
    max_pixels: int,
    draft_to: tuple[int, int] | None,
) -> Image.Image:
    _check_size(im, image_format, name, max_pixels)
    if im.format in ("JPEG", "MPO"):
        _refuse_scan_bombs(fp, name)
    if draft_to is not None and im.format in ("JPEG", "MPO"):
        # A JPEG's EXIF is read with its header (other formats may need a load first,
        # whose errors must surface from load() itself). A quarter turn swaps the sides.
        sideways = _orientation(im) in (5, 6, 7, 8)
        im.draft(im.mode, draft_to[::-1] if sideways else draft_to)
    im.load()  # the first frame only (open_frames gives every frame of an animated one)
    orientation = _orientation(im)
    frame = to_srgb(im)
    frame = frame.transpose(_UPRIGHT[orientation]) if orientation in _UPRIGHT else frame
    frame.info = {}
    return frame


def _refuse_scan_bombs(fp: io.BufferedReader, name: str) -> None:
    """Count the JPEG's scans before decoding any: too many is refused, not decoded."""
    position = fp.tell()
    fp.seek(0)
    scans = fp.read().count(_START_OF_SCAN)
    fp.seek(position)
    if scans > MAX_JPEG_SCANS:
        raise ImageTooLarge(
            f"{name} has {scans} JPEG scans, more than the {MAX_JPEG_SCANS} any photo needs.",
            name,
        )


def _too_large(name: str, max_pixels: int) -> ImageTooLarge:
    return ImageTooLarge(f"{name} has more than {max_pixels:,} pixels.", name)


def _orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:  # a corrupt EXIF block means no rotation, never a failed request
        return 1


def upright_size(path: str) -> tuple[int, int] | None:
    """A JPEG's size once upright, from its header alone (its EXIF comes first); None for
    other formats (whose EXIF may follow the pixels) and unusable headers."""
    try:
        with open(path, "rb") as fp:
            image_format = sniff_format(fp.read(SNIFF_BYTES))
            if image_format != "JPEG":
                return None
            fp.seek(0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with Image.open(fp, formats=[image_format]) as im:
                    if im.format not in ("JPEG", "MPO"):
                        return None
                    width, height = im.size
                    sideways = _orientation(im) in (5, 6, 7, 8)
                    return (height, width) if sideways else (width, height)
    except Exception:
        return None
