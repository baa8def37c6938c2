"""Serving /download/<id>.gif from aiohttp: the embedded default where nginx is not in front.

The headers match nginx's location for the same path (nginx/gifsvc-site.conf.template).
"""

from __future__ import annotations

from aiohttp import web

from ..errors import NotFound
from .keys import STORAGE

DOWNLOAD_ROUTE = "/download/{name}"


def download_headers(name: str, inline: bool) -> dict[str, str]:
    disposition = "inline" if inline else f'attachment; filename="{name}"'
    return {
        "Content-Type": "image/gif",
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
    }


async def download(request: web.Request) -> web.FileResponse:
    name = request.match_info["name"]
    path = request.app[STORAGE].live_gif(name)
    if path is None:
        raise NotFound()
    inline = request.query.get("inline") == "1"
    return web.FileResponse(path, headers=download_headers(name, inline))
