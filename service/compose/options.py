"""The form fields of a composition, checked and turned into ComposeOptions.

Each field can be checked on its own as soon as it arrives (so a bad value is refused before
the rest of the upload is read); the fields that depend on the frames are checked at the end.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..errors import BadField
from .timing import MAX_DURATION_MS, MIN_DURATION_MS

Fit = Literal["contain", "cover", "stretch", "none"]
FITS: tuple[str, ...] = get_args(Fit)
# fast: one pass, no dithering; balanced (default): the best size for its quality; best: the
# closest colours, whatever the bytes.
Quality = Literal["fast", "balanced", "best"]
QUALITIES: tuple[str, ...] = get_args(Quality)
MIN_COLORS, MAX_COLORS = 2, 256
MIN_MAX_BYTES = 1024  # a smaller target cannot hold a useful GIF
RGB = tuple[int, int, int]

DEFAULT_DURATION_MS = 500
# GIF's loop extension counts repeats in 16 bits; loop N plays N times, so N-1 must fit.
MAX_LOOP = 65536
_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{6})")
Crop = tuple[int, int, int, int]  # x, y, width, height in the first image's pixels
MAX_CAPTION_CHARS = 200


@dataclass(frozen=True)
class ComposeOptions:
    """How to make the GIF; width/height None means "from the first frame"."""

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
    # sent, and each frame takes duration_ms, else its own delay (resolved when decoding).
    expand: bool = False
    duration_ms: int | None = None
    max_frames: int = 100


def _whole(field: str, raw: str, lowest: int, highest: int, unit: str) -> int:
    if re.fullmatch(r"\+?[0-9]{1,9}", raw) is None or not lowest <= int(raw) <= highest:
        raise BadField(
            f"{field} must be a whole number of {unit} from {lowest} to {highest}, not {raw!r}.",
            field,
        )
    return int(raw)


def _duration(raw: str, _max_side: int) -> int:
    return _whole("duration", raw, MIN_DURATION_MS, MAX_DURATION_MS, "milliseconds")


def _durations(raw: str, _max_side: int) -> tuple[int, ...]:
    values = [value.strip() for value in raw.split(",")]
    return tuple(
        _whole("durations", v, MIN_DURATION_MS, MAX_DURATION_MS, "milliseconds") for v in values
    )


def _loop(raw: str, _max_side: int) -> int:
    return _whole("loop", raw, 0, MAX_LOOP, "plays (0 for forever)")


def _fit(raw: str, _max_side: int) -> str:
    if raw not in FITS:
        raise BadField(f"fit must be one of {', '.join(FITS)}, not {raw!r}.", "fit")
    return raw


def _quality(raw: str, _max_side: int) -> str:
    if raw not in QUALITIES:
        raise BadField(f"quality must be one of {', '.join(QUALITIES)}, not {raw!r}.", "quality")
    return raw


def _colors(raw: str, _max_side: int) -> int:
    return _whole("colors", raw, MIN_COLORS, MAX_COLORS, "colours")


def _max_bytes(raw: str, _max_side: int) -> int:
    return _whole("max_bytes", raw, MIN_MAX_BYTES, 10**9, "bytes")


def _frames(raw: str, _max_side: int) -> int:
    return _whole("frames", raw, 1, 100_000, "frames")


def _crop(raw: str, _max_side: int) -> Crop:
    values = [value.strip() for value in raw.split(",")]
    if len(values) != 4 or any(re.fullmatch(r"\+?[0-9]{1,9}", v) is None for v in values):
        raise BadField(
            f"crop must be four whole numbers of pixels, x,y,width,height, not {raw!r}.", "crop"
        )
    x, y, width, height = (int(v) for v in values)
    if width < 1 or height < 1:
        raise BadField(f"crop must be at least 1 pixel wide and high, not {raw!r}.", "crop")
    return (x, y, width, height)


def _caption(raw: str, _max_side: int) -> str:
    if len(raw) > MAX_CAPTION_CHARS:
        raise BadField(f"A caption has at most {MAX_CAPTION_CHARS} characters.", "caption")
    if any(not ch.isprintable() and ch != "\n" for ch in raw):
        raise BadField("A caption must be plain text (no control characters).", "caption")
    return raw


def _expand(raw: str, _max_side: int) -> bool:
    if raw not in ("0", "1"):
        raise BadField(f"expand must be 0 or 1, not {raw!r}.", "expand")
    return raw == "1"


def _side(field: str) -> Callable[[str, int], int]:
    def parse(raw: str, max_side: int) -> int:
        return _whole(field, raw, 1, max_side, "pixels (the maximum side)")

    return parse


def _background(raw: str, _max_side: int) -> RGB | None:
    if raw.lower() == "transparent":
        return None
    match = _HEX_COLOUR.fullmatch(raw)
    if match is None:
        raise BadField(
            f"background must be a colour like #ffffff, or transparent, not {raw!r}.",
            "background",
        )
    value = int(match.group(1), 16)
    return (value >> 16, (value >> 8) & 0xFF, value & 0xFF)


_PARSERS: dict[str, Callable[[str, int], Any]] = {
    "duration": _duration,
    "durations": _durations,
    "loop": _loop,
    "fit": _fit,
    "width": _side("width"),
    "height": _side("height"),
    "background": _background,
    "quality": _quality,
    "colors": _colors,
    "max_bytes": _max_bytes,
    "crop": _crop,
    "caption": _caption,  # repeated: the web layer collects every value (captions=)
    "expand": _expand,
    # Only POST /api/estimate reads it: how many frames the real upload will have.
    "frames": _frames,
}
FIELDS = frozenset(_PARSERS)


def parse_field(name: str, raw: str, max_side: int) -> Any:
    """The typed value of one known form field, or BadField naming it."""
    return _PARSERS[name](raw.strip(), max_side)


def declared_frames(raw_fields: Mapping[str, str], uploaded: int) -> int:
    """The frame count an estimate is for: the `frames` field, else the files sent."""
    raw = raw_fields.get("frames", "").strip()
    return int(parse_field("frames", raw, 0)) if raw else uploaded


def build_options(
    raw_fields: Mapping[str, str],
    frame_count: int,
    max_side: int,
    captions: Sequence[str] = (),
    max_frames: int = 100,
) -> ComposeOptions:
    """Options for frame_count frames from the form's text fields (blank ones count as unset).

    With expand=1 the frame count is known only once the images are decoded: durations and
    captions are then checked against it there (service/compose/expand.py)."""
    given = {
        name: parse_field(name, raw, max_side)
        for name, raw in raw_fields.items()
        if name in _PARSERS and name != "caption" and raw.strip()
    }
    texts = tuple(parse_field("caption", text, max_side) for text in captions)
    expand = given.get("expand", False)
    duration = given.get("duration", DEFAULT_DURATION_MS)
    durations: tuple[int, ...] = given.get("durations", () if expand else (duration,) * frame_count)
    if not expand:
        check_frame_count(durations, texts, frame_count)
    return ComposeOptions(
        durations_ms=durations,
        loop=given.get("loop", 0),
        fit=given.get("fit", "contain"),
        width=given.get("width"),
        height=given.get("height"),
        background=given.get("background", (255, 255, 255)),
        max_side=max_side,
        quality=given.get("quality", "balanced"),
        colors=given.get("colors", MAX_COLORS),
        max_bytes=given.get("max_bytes"),
        crop=given.get("crop"),
        captions=texts,
        expand=expand,
        duration_ms=given.get("duration") if expand else None,
        max_frames=max_frames,
    )


def check_frame_count(durations: Sequence[int], captions: Sequence[str], frames: int) -> None:
    """durations must have one value per frame; captions at most one."""
    if durations and len(durations) != frames:
        raise BadField(
            f"durations has {len(durations)} values but the upload has {frames} frames.",
            "durations",
        )
    if len(captions) > frames:
        raise BadField(
            f"There are {len(captions)} captions but the upload has {frames} frames.", "caption"
        )
