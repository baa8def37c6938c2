"""The form's fields: each parsed as soon as it arrives (so a bad value is refused before the
rest of the upload is read, with BadField naming it), then built into ComposeOptions, where the
fields that depend on the frames are checked."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import BadField
from .options import (
    FITS,
    MAX_CAPTION_CHARS,
    MAX_COLORS,
    MAX_LOOP,
    MIN_COLORS,
    MIN_MAX_BYTES,
    QUALITIES,
    RGB,
    ComposeOptions,
    Crop,
    check_frame_count,
    option_defaults,
)
from .timing import MAX_DURATION_MS, MIN_DURATION_MS

_HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{6})")


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


def _positions(raw: str, _max_side: int) -> tuple[int, ...]:
    return tuple(_whole("positions", v.strip(), 0, 99_999, "frames") for v in raw.split(","))


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
    # Repeated, one per frame (blank ones count): the web layer collects them as a tuple.
    "caption": _caption,
    "expand": _expand,
    # Only POST /api/estimate reads these: how many frames the real upload will have, and
    # where in them the frames sent (a sample) are.
    "frames": _frames,
    "positions": _positions,
}
FIELDS = frozenset(_PARSERS)


def parse_field(name: str, raw: str, max_side: int) -> Any:
    """The typed value of one known form field, or BadField naming it."""
    return _PARSERS[name](raw.strip(), max_side)


def parse_fields(raw_fields: Mapping[str, str], max_side: int) -> dict[str, Any]:
    """The typed value of each known field; blank ones count as unset, unknown ones are ignored."""
    return {
        name: parse_field(name, raw, max_side)
        for name, raw in raw_fields.items()
        if name in _PARSERS and raw.strip()
    }


# The form fields that are ComposeOptions fields of the same name and meaning.
_SAME_NAME = frozenset(option_defaults()) & FIELDS


def declared_frames(given: Mapping[str, Any], uploaded: int) -> int:
    """The frame count an estimate is for: the `frames` field, else the files sent."""
    return int(given.get("frames", uploaded))


def build_options(
    given: Mapping[str, Any], frame_count: int, max_side: int, max_frames: int = 100
) -> ComposeOptions:
    """Options for frame_count frames from the form's parsed fields (parse_fields).

    With expand=1 the frame count is known only once the images are decoded: durations and
    captions are then checked against it there (service/compose/expand.py)."""
    expand = given.get("expand", False)
    duration = given.get("duration", ComposeOptions.DEFAULT_DURATION_MS)
    durations: tuple[int, ...] = given.get("durations", () if expand else (duration,) * frame_count)
    caption = given.get("caption", ())
    captions: tuple[str, ...] = (caption,) if isinstance(caption, str) else tuple(caption)
    if not expand:
        check_frame_count(durations, captions, frame_count)
    chosen = {name: value for name, value in given.items() if name in _SAME_NAME}
    return ComposeOptions(
        durations_ms=durations,
        max_side=max_side,
        captions=captions,
        expanded_duration_ms=given.get("duration") if expand else None,
        max_frames=max_frames,
        **chosen,
    )
