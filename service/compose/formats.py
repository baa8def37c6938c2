"""Which image formats we accept, decided by a file's first bytes, never its name or type."""

from __future__ import annotations

# Enough leading bytes to recognise every allowed format.
SNIFF_BYTES = 18
# The DIB header sizes Pillow's BMP decoder knows; "BM" alone is too weak a signature.
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}

# Pillow's format name for each allowed format. A JPEG may open as MPO (a camera's
# multi-picture JPEG): same decoder, first picture used.
ALLOWED_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
OPENED_AS = {
    "PNG": {"PNG"},
    "JPEG": {"JPEG", "MPO"},
    "GIF": {"GIF"},
    "WEBP": {"WEBP"},
    "BMP": {"BMP"},
}


def sniff_format(head: bytes) -> str | None:
    """The allowed format these leading bytes start, or None (the file is refused as 415)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    if head.startswith(b"BM") and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return "BMP"
    return None
