"""Sizes in words, one way everywhere: server messages, the page, nginx's 413 (and app.js)."""

from __future__ import annotations

KIB = 1024
MIB = 1024 * KIB


def size_words(size: int) -> str:
    """A byte limit as a person reads it: 25 MiB, 1.5 MiB, 293 KiB, 512 bytes."""
    if size >= MIB:
        return f"{size // MIB} MiB" if size % MIB == 0 else f"{size / MIB:.1f} MiB"
    if size >= KIB:
        return f"{round(size / KIB)} KiB"
    return f"{size} bytes"
