"""Typed keys for what the application shares between handlers."""

from __future__ import annotations

from aiohttp import web

from ..pool.composer import ComposerPool
from ..settings import Settings
from ..storage.local import LocalStorage

SETTINGS = web.AppKey("settings", Settings)
POOL = web.AppKey("pool", ComposerPool)
STORAGE = web.AppKey("storage", LocalStorage)
# The upload page, rendered once: it carries the settings' limits, which never change.
INDEX_HTML = web.AppKey("index_html", str)
