"""Which pixels a transparent GIF keeps: half the frame's most opaque, at most half of full."""

from __future__ import annotations

from PIL import Image

from service.compose.alpha import ALPHA_THRESHOLD, threshold, transparent_mask


def channel(*values: int) -> Image.Image:
    alpha = Image.new("L", (len(values), 1))
    alpha.frombytes(bytes(values))
    return alpha


def test_an_opaque_image_keeps_the_usual_half_opacity_cut() -> None:
    assert threshold(channel(0, 100, 255)) == ALPHA_THRESHOLD == 128
    assert list(transparent_mask(channel(0, 100, 200, 255)).tobytes()) == [255, 255, 0, 0]


def test_a_see_through_image_keeps_what_a_viewer_sees() -> None:
    faded = channel(0, 30, 100, 110)  # a 40 % overlay with a soft edge
    assert threshold(faded) == 55
    assert list(transparent_mask(faded).tobytes()) == [255, 255, 0, 0]


def test_a_wholly_transparent_frame_stays_transparent() -> None:
    assert list(transparent_mask(channel(0, 0)).tobytes()) == [255, 255]
