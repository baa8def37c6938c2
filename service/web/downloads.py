"""Serving /download/<id>.gif from aiohttp: the embedded default where nginx is not in front.

The headers match nginx's location for the same path (nginx/gifsvc-site.conf.template).
"""

from __future__ import annotations

import time

from aiohttp import web

from ..errors import NotFound
from ..storage.files import GIF_NAME
from .keys import SETTINGS

DOWNLOAD_ROUTE = "/download/{name}"


def download_headers(name: str, inline: bool) -> dict[str, str]:
    disposition = "inline" if inline else f'attachment; filename="{name}"'
    return {
        "Content-Type": "image/gif",
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
    }


async def download(request: web.Request) -> web.FileResponse:
    settings = request.app[SETTINGS]
    name = request.match_info["name"]
    if GIF_NAME.fullmatch(name) is None:
        raise NotFound()
    path = settings.downloads_dir / name
    try:
        expired = path.stat().st_mtime + settings.ttl < time.time()
    except FileNotFoundError:
        raise NotFound() from None
    if expired:
        raise NotFound()
    inline = request.query.get("inline") == "1"
    return web.FileResponse(path, headers=download_headers(name, inline))
