"""The HTML pages the form post answers with: the result, or the error in words."""

from __future__ import annotations

import html
from functools import cache
from importlib import resources
from string import Template
from typing import Any

TITLES = {
    400: "Please check the form",
    413: "That is too much",
    415: "Not an image we can use",
    422: "An image could not be read",
    503: "Busy right now",
    507: "Out of space",
}


def result_page(gif: dict[str, Any]) -> str:
    """The result page for one GIF, from the same dict the JSON answer carries."""
    return _render(
        "result.html",
        url=gif["url"],
        preview_url=f"{gif['url']}?inline=1",
        frames=gif["frames"],
        width=gif["width"],
        height=gif["height"],
        size=human_bytes(gif["bytes"]),
        plays=plays(gif["loop"]),
        expires_at=gif["expires_at"],
    )


def error_page(status: int, message: str) -> str:
    return _render("error.html", title=TITLES.get(status, "Something went wrong"), message=message)


def plays(loop: int) -> str:
    """The loop field in words, as a person reads it."""
    return {0: "forever", 1: "once", 2: "twice"}.get(loop, f"{loop} times")


def human_bytes(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def _render(name: str, **values: Any) -> str:
    return _template(name).substitute({k: html.escape(str(v)) for k, v in values.items()})


@cache
def _template(name: str) -> Template:
    return Template(resources.files("service").joinpath("templates", name).read_text("utf-8"))
