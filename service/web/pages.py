"""The HTML pages: the upload page, and what a form post answers with (result or error)."""

from __future__ import annotations

import html
import json
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from ..units import size_words

TITLES = {
    400: "Please check the form",
    413: "That is too much",
    415: "Not an image we can use",
    422: "An image could not be read",
    503: "Busy right now",
    507: "Out of space",
}


# Output widths offered in the page, besides the first image's own (capped by the maximum side).
WIDTH_PRESETS = (1280, 1024, 800, 640, 480, 320)


def index_page(config: dict[str, Any]) -> str:
    """The upload page, with the server's limits in it (attributes, hints and data-config)."""
    limits, defaults = config["limits"], config["defaults"]
    widths = [w for w in WIDTH_PRESETS if w <= limits["max_side"]]
    return _render(
        "index.html",
        raw={
            "width_options": "\n          ".join(
                f'<option value="{w}">{w} px</option>' for w in widths
            ),
            # The defaults' marks, so the form without JavaScript sends them too.
            **_marks("checked", config["fits"], defaults["fit"]),
            **_marks("selected", config["qualities"], defaults["quality"]),
        },
        config_json=json.dumps(config, separators=(",", ":")),
        max_files=limits["max_files"],
        max_file_size=size_words(limits["max_file_bytes"]),
        max_side=limits["max_side"],
        min_duration=limits["min_duration_ms"],
        max_duration=limits["max_duration_ms"],
        max_loop=limits["max_loop"],
        default_duration=defaults["duration_ms"],
        default_background=defaults["background"] or "#ffffff",
        default_colors=defaults["colors"],
        min_colors=limits["min_colors"],
        max_colors=limits["max_colors"],
        ttl_words=duration_words(config["ttl_s"]),
    )


def _marks(attribute: str, choices: list[str], default: str) -> dict[str, str]:
    """{"checked_contain": "checked", "checked_cover": "", ...}: the default one is marked."""
    return {f"{attribute}_{c}": attribute if c == default else "" for c in choices}


def duration_words(seconds: int) -> str:
    """86400 -> '24 hours': how long, as a person says it."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0 and not (unit == "day" and seconds < 2 * 86400):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def result_page(gif: dict[str, Any]) -> str:
    """The result page for one GIF, from the same dict the JSON answer carries."""
    return _render(
        "result.html",
        raw={"notes": _notes(gif)},
        url=gif["url"],
        preview_url=f"{gif['url']}?inline=1",
        frames=gif["frames"],
        width=gif["width"],
        height=gif["height"],
        size=size_words(gif["bytes"]),
        plays=plays(gif["loop"]),
        expires_at=gif["expires_at"],
    )


def _notes(gif: dict[str, Any]) -> str:
    """What the service did, in words: a size limit's outcome and every warning."""
    said = list(gif.get("warnings", []))
    if "max_bytes" in gif:
        limit = size_words(gif["max_bytes"])
        said.insert(
            0,
            f"It fits the size limit of {limit}, with up to {gif['colors']} colours."
            if gif.get("within_max_bytes")
            else f"It could not get under the size limit of {limit}.",
        )
    if not said:
        return ""
    items = "".join(f"<li>{html.escape(text)}</li>" for text in said)
    return f'<h2 class="notes-title">What the service did</h2><ul class="result-notes">{items}</ul>'


def error_page(status: int, message: str) -> str:
    return _render("error.html", title=TITLES.get(status, "Something went wrong"), message=message)


def plays(loop: int) -> str:
    """The loop field in words, as a person reads it."""
    return {0: "forever", 1: "once", 2: "twice"}.get(loop, f"{loop} times")


def _render(name: str, raw: dict[str, str] | None = None, **values: Any) -> str:
    """Fill a template: every value is escaped, except the markup in raw (built here)."""
    escaped = {k: html.escape(str(v)) for k, v in values.items()}
    return _template(name).substitute({**escaped, **(raw or {})})


@cache
def _template(name: str) -> Template:
    return Template(resources.files("service.web").joinpath("templates", name).read_text("utf-8"))
