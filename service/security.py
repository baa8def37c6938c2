"""The security headers every answer carries, whoever sends it: aiohttp's answers get them
from the web layer, nginx's own (downloads, its errors) from the site it renders."""

from __future__ import annotations

# Only our own origin: scripts, styles, images (and the page's blob: thumbnails), requests.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; script-src 'self'; style-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
