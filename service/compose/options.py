"""How to make a GIF: ComposeOptions, the one home of every default, and the ranges its values
may take. The form's fields become ComposeOptions in fields.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar, Literal, get_args

from ..errors import BadField

Fit = Literal["contain", "cover", "stretch", "none"]
FITS: tuple[str, ...] = get_args(Fit)
# fast: one pass, no dithering; balanced (default): the best size for its quality; best: the
# closest colours, whatever the bytes.
Quality = Literal["fast", "balanced", "best"]
QUALITIES: tuple[Quality, ...] = get_args(Quality)
MIN_COLORS, MAX_COLORS = 2, 256
MIN_MAX_BYTES = 1024  # a smaller target cannot hold a useful GIF
RGB = tuple[int, int, int]

# GIF's loop extension counts repeats in 16 bits; loop N plays N times, so N-1 must fit.
MAX_LOOP = 65536
Crop = tuple[int, int, int, int]  # x, y, width, height in the first image's pixels
MAX_CAPTION_CHARS = 200


@dataclass(frozen=True)
class ComposeOptions:
    """How to make the GIF; width/height None means "from the first frame".

    The one home of every default: the form, /api/config and the page all read them here.
    """

    # Each frame's delay when the form names none (durations_ms holds the chosen ones).
    DEFAULT_DURATION_MS: ClassVar[int] = 500

    durations_ms: tuple[int, ...]
    loop: int = 0
    fit: Fit = "contain"
    width: int | None = None
    height: int | None = None
    background: RGB | None = (255, 255, 255)  # None: transparent
    max_side: int = 1280
    quality: Quality = "balanced"
    colors: int = MAX_COLORS
    max_bytes: int | None = None  # a size to land under, by fewer colours, then fewer pixels
    crop: Crop | None = None  # the region kept from every frame (in proportion for other sizes)
    captions: tuple[str, ...] = ()  # one per frame in frame order; "" = none
    # expand: animated inputs give every frame; durations_ms is then () unless `durations` was
    # sent, and each frame takes expanded_duration_ms (the `duration` field), else its own
    # delay (resolved when decoding).
    expand: bool = False
    expanded_duration_ms: int | None = None
    max_frames: int = 100


def option_defaults() -> dict[str, Any]:
    """Every ComposeOptions field that has a default, with it."""
    return {f.name: f.default for f in fields(ComposeOptions) if f.default is not MISSING}


def check_frame_count(durations: Sequence[int], captions: Sequence[str], frames: int) -> None:
    """durations must have one value per frame; captions at most one."""
    if durations and len(durations) != frames:
        raise BadField(
            f"durations has {len(durations)} values but {frames} frames were uploaded.",
            "durations",
        )
    if len(captions) > frames:
        raise BadField(
            f"There are {len(captions)} captions but {frames} frames were uploaded.", "caption"
        )
