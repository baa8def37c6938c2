"""What the page (and any client) needs to know to refuse what the server would refuse.

The same numbers the server enforces, from the same settings and constants, so the page and
the server never disagree: served at GET /api/config and embedded in the page.
"""

from __future__ import annotations

from typing import Any

from ..compose.estimate import SAMPLE_FRAMES, SAMPLE_MAX_BYTES
from ..compose.formats import ALLOWED_FORMATS
from ..compose.options import (
    FITS,
    MAX_COLORS,
    MAX_LOOP,
    MIN_COLORS,
    QUALITIES,
    ComposeOptions,
    option_defaults,
)
from ..compose.timing import MAX_DURATION_MS, MIN_DURATION_MS
from ..settings import Settings


def client_config(settings: Settings) -> dict[str, Any]:
    return {
        "limits": {
            "max_files": settings.max_files,
            "max_file_bytes": settings.max_file_bytes,
            "max_request_bytes": settings.max_request_bytes,
            "max_pixels": settings.max_pixels,
            "max_side": settings.max_side,
            "min_duration_ms": MIN_DURATION_MS,
            "max_duration_ms": MAX_DURATION_MS,
            "max_loop": MAX_LOOP,
            "min_colors": MIN_COLORS,
            "max_colors": MAX_COLORS,
        },
        "defaults": _defaults(settings),
        "fits": list(FITS),
        "qualities": list(QUALITIES),
        "formats": list(ALLOWED_FORMATS),
        "ttl_s": settings.ttl,
        # What the page sends POST /api/estimate (service/compose/estimate.py: sample_for).
        "estimate": {"sample_frames": SAMPLE_FRAMES, "sample_bytes": SAMPLE_MAX_BYTES},
    }


def _defaults(settings: Settings) -> dict[str, Any]:
    """ComposeOptions' defaults as the form writes them (a colour as #rrggbb)."""
    defaults = option_defaults() | {"max_side": settings.max_side, "max_frames": settings.max_files}
    background = defaults["background"]
    if background is not None:
        defaults["background"] = "#{:02x}{:02x}{:02x}".format(*background)
    return {"duration_ms": ComposeOptions.DEFAULT_DURATION_MS, **defaults}
