"""Decoding untrusted images: allow-listed formats, bounded pixels, one clean frame out.

Runs in the worker processes only. Every image comes out as a fresh RGB or RGBA image, upright
(EXIF orientation applied), in sRGB, with none of the input's metadata.
"""

from __future__ import annotations

import io
import warnings
from functools import cache

from PIL import Image, ImageCms, ImageFile

from .errors import CorruptImage, GifError, ImageTooLarge, UnsupportedImage
from .formats import OPENED_AS, SNIFF_BYTES, sniff_format

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
_SIXTEEN_BIT_GREY = {"I;16", "I;16L", "I;16B", "I;16N", "I"}
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
    with open(path, "rb") as fp:
        image_format = sniff_format(fp.read(SNIFF_BYTES))
        if image_format is None:
            raise UnsupportedImage(f"{name} is not a PNG, JPEG, GIF, WebP or BMP image.", name)
        fp.seek(0)
        try:
            with warnings.catch_warnings():
                # Broken metadata only warns; a decompression bomb must stop here.
                warnings.simplefilter("ignore")
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                return _decode(fp, image_format, name, max_pixels, draft_to)
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


def _decode(
    fp: io.BufferedReader,
    image_format: str,
    name: str,
    max_pixels: int,
    draft_to: tuple[int, int] | None,
) -> Image.Image:
    with Image.open(fp, formats=[image_format]) as im:
        if im.format not in OPENED_AS[image_format]:
            raise UnsupportedImage(f"{name} is not an image of an allowed format.", name)
        width, height = im.size
        if width < 1 or height < 1:
            raise CorruptImage(f"{name} has no pixels (zero width or height).", name)
        if width * height > max_pixels:
            raise _too_large(name, max_pixels)
        if draft_to is not None and im.format in ("JPEG", "MPO"):
            # A JPEG's EXIF is read with its header (other formats may need a load first,
            # whose errors must surface from load() itself). A quarter turn swaps the sides.
            sideways = _orientation(im) in (5, 6, 7, 8)
            im.draft(im.mode, draft_to[::-1] if sideways else draft_to)
        im.load()  # the first frame only: animated inputs contribute frame 0
        orientation = _orientation(im)
        frame = _to_srgb(im)
        frame = frame.transpose(_UPRIGHT[orientation]) if orientation in _UPRIGHT else frame
        frame.info = {}
        return frame


def _too_large(name: str, max_pixels: int) -> ImageTooLarge:
    return ImageTooLarge(f"{name} has more than {max_pixels:,} pixels.", name)


def _orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(_ORIENTATION_TAG, 1))
    except Exception:  # a corrupt EXIF block means no rotation, never a failed request
        return 1


def _to_srgb(im: Image.Image) -> Image.Image:
    """RGB or RGBA in sRGB: a GIF has no colour profile, so viewers assume sRGB."""
    icc = im.info.get("icc_profile")
    if icc and im.mode in ("RGB", "RGBA", "CMYK") and "transparency" not in im.info:
        try:
            out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(im, source, _srgb(), outputMode=out_mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unusable profile: fall back to the plain conversion
    return _to_rgb(im)


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode in _SIXTEEN_BIT_GREY:
        return _sixteen_bit_grey(im)
    has_alpha = "A" in im.getbands() or "a" in im.getbands() or "transparency" in im.info
    return im.convert("RGBA" if has_alpha else "RGB")


def _sixteen_bit_grey(im: Image.Image) -> Image.Image:
    """Scale 16-bit grey to 8 bits (Pillow's own conversion clips everything above 255)."""
    wide = im.convert("I")
    grey = wide.point(_high_byte_table(), "L")
    transparent = im.info.get("transparency")
    if not isinstance(transparent, int):
        return grey.convert("RGB")
    alpha = wide.point([0 if v == transparent else 255 for v in range(65536)], "L")
    return Image.merge("RGBA", (grey, grey, grey, alpha))


@cache
def _high_byte_table() -> tuple[int, ...]:
    return tuple(v >> 8 for v in range(65536))


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
