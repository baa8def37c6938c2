"""The `crop` field: one region of the first image, kept from every frame.

The region is given in the first image's pixels (upright); an image of another size keeps the
same region in proportion, so a set of screenshots at 1x and 2x crops alike.
"""

from __future__ import annotations

from PIL import Image

from ..errors import BadField
from .options import Crop

Size = tuple[int, int]


def check_crop(crop: Crop, first: Size) -> None:
    """BadField unless the region lies inside the first image."""
    x, y, width, height = crop
    if x + width > first[0] or y + height > first[1]:
        raise BadField(
            f"crop {x},{y},{width},{height} reaches outside the first image "
            f"({first[0]} \u00d7 {first[1]} px).",
            "crop",
        )


def crop_frame(frame: Image.Image, crop: Crop | None, first: Size) -> Image.Image:
    """The frame's part that corresponds to crop in an image of the first image's size."""
    if crop is None:
        return frame
    box = crop_box(crop, first, frame.size)
    return frame if box == (0, 0, *frame.size) else frame.crop(box)


def crop_box(crop: Crop, first: Size, size: Size) -> tuple[int, int, int, int]:
    """crop scaled from the first image's size to size, at least one pixel each way."""
    x, y, width, height = crop
    scale_x, scale_y = size[0] / first[0], size[1] / first[1]
    left, top = min(round(x * scale_x), size[0] - 1), min(round(y * scale_y), size[1] - 1)
    right = max(left + 1, min(size[0], round((x + width) * scale_x)))
    bottom = max(top + 1, min(size[1], round((y + height) * scale_y)))
    return (left, top, right, bottom)


def crop_size(crop: Crop | None, first: Size) -> Size:
    """The first image's size once cropped."""
    if crop is None:
        return first
    left, top, right, bottom = crop_box(crop, first, first)
    return (right - left, bottom - top)
