"""Which pixels of a transparent frame a GIF shows: GIF transparency is all or nothing.

Half opacity is the usual cut, but an image that is see-through everywhere (a faded overlay,
a 60 % window) would then vanish. The cut is half of the frame's most opaque pixel, at most
half of full opacity: what a viewer can see of the image stays, its faintest fringes go.
"""

from __future__ import annotations

from PIL import Image

# Pixels less opaque than this (of 255) become transparent, when the frame has opaque ones.
ALPHA_THRESHOLD = 128


def threshold(alpha: Image.Image) -> int:
    """The opacity below which a pixel of this alpha channel becomes transparent."""
    _, most = alpha.getextrema()
    assert isinstance(most, int)
    return max(1, min(ALPHA_THRESHOLD, (most + 1) // 2))


def transparent_mask(alpha: Image.Image) -> Image.Image:
    """255 where the GIF shows the pixel as transparent, else 0."""
    cut = threshold(alpha)
    return alpha.point(lambda a: 255 if a < cut else 0)
