"""Typed keys for what the application shares between handlers."""

from __future__ import annotations

from aiohttp import web

from ..pool.composer import ComposerPool
from ..settings import Settings
from ..storage.backend import Storage

SETTINGS = web.AppKey("settings", Settings)
POOL = web.AppKey("pool", ComposerPool)
# A Protocol is no class to check against: the key is typed by annotation instead.
STORAGE: web.AppKey[Storage] = web.AppKey("storage")
# The upload page, rendered once: it carries the settings' limits, which never change.
INDEX_HTML = web.AppKey("index_html", str)
