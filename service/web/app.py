"""The application factory: settings in, a ready aiohttp app out."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from ..pool.composer import ComposerPool
from ..settings import Settings
from ..storage.backend import storage_for
from ..storage.files import ensure_dirs
from .downloads import DOWNLOAD_ROUTE, download
from .keys import INDEX_HTML, POOL, SETTINGS, STORAGE
from .limits import client_config
from .pages import index_page
from .protocol import answer_refusals_in_the_contracts_shape
from .responses import add_security_headers, render_errors
from .views import (
    config,
    create_gif_api,
    create_gif_form,
    estimate,
    healthz,
    index,
    static,
)

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> web.Application:
    answer_refusals_in_the_contracts_shape()
    app = web.Application(middlewares=[render_errors])
    app.on_response_prepare.append(add_security_headers)
    app[SETTINGS] = settings
    app[STORAGE] = storage_for(settings)
    app[INDEX_HTML] = index_page(client_config(settings))
    app.cleanup_ctx.append(_directories)
    app.cleanup_ctx.append(_pool)
    app.router.add_get("/", index)
    app.router.add_post("/gif", create_gif_form)
    app.router.add_post("/api/gifs", create_gif_api)
    app.router.add_get("/api/config", config)
    app.router.add_post("/api/estimate", estimate)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/static/{name:.+}", static)
    if settings.s3_location is not None:
        # nginx has no files to serve: it proxies /download/ here (a CDN may serve the bucket).
        app.router.add_get(DOWNLOAD_ROUTE, download)
        log.info("GIFs are published to %s; aiohttp serves /download/", settings.storage)
    elif settings.behind_nginx:
        log.info("nginx serves /download/ from %s", settings.downloads_dir)
    else:
        app.router.add_get(DOWNLOAD_ROUTE, download)
        log.info("no nginx in front: aiohttp serves /download/ itself")
    return app


def serve(settings: Settings) -> None:
    """Run the app until SIGINT or SIGTERM (what `python -m service` does)."""
    web.run_app(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        # Let running compositions finish (or time out) before the pool is shut down.
        shutdown_timeout=settings.compose_timeout + 5,
        print=None,
    )


async def _directories(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    ensure_dirs(settings.spool_dir, settings.downloads_dir)
    yield


async def _pool(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    pool = ComposerPool(
        settings.workers,
        settings.queue,
        settings.compose_timeout,
        settings.max_pixels,
        settings.worker_memory_bytes,
    )
    await pool.start()
    app[POOL] = pool
    yield
    await pool.close()
