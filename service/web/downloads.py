"""Serving /download/<id>.gif from aiohttp: the embedded default where nginx is not in front.

The headers match nginx's location for the same path (nginx/gifsvc-site.conf.template).
"""

from __future__ import annotations

from contextlib import aclosing
from pathlib import Path

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


async def download(request: web.Request) -> web.StreamResponse:
    """The GIF from whichever storage holds it: a local file, or streamed from S3 (never a
    redirect, so the answer and its headers are the same in both modes)."""
    name = request.match_info["name"]
    gif = await request.app[STORAGE].live(name)
    if gif is None:
        raise NotFound()
    headers = download_headers(name, request.query.get("inline") == "1")
    if isinstance(gif, Path):
        return web.FileResponse(gif, headers=headers)
    response = web.StreamResponse(headers=headers)
    response.content_length = gif.size
    async with aclosing(gif.chunks):  # a client gone mid-way releases S3's connection at once
        await response.prepare(request)
        async for chunk in gif.chunks:
            await response.write(chunk)
    await response.write_eof()
    return response
