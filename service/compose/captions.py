"""The `caption` field: text drawn on a frame, centred near the bottom.

Light text with a dark outline reads on any picture. The font is Pillow's own (Aileron
Regular, bundled in the Pillow wheel with its FreeType) at Pillow's basic layout, so every host
with the same Pillow renders the same pixels as the tests, with nothing else to install; it
covers Latin scripts (characters it lacks show as boxes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache

from PIL import Image, ImageDraw, ImageFont

# The text's height as a share of the frame's, and its bounds in pixels.
TEXT_HEIGHT_SHARE = 0.075
MIN_FONT_PX, MAX_FONT_PX = 10, 96
# At most this share of the frame's height is text; longer captions get a smaller font.
MAX_BLOCK_SHARE = 0.4
FILL, OUTLINE = (255, 255, 255), (0, 0, 0)


def captioned(canvases: Iterator[Image.Image], captions: Sequence[str]) -> Iterator[Image.Image]:
    """Each canvas with its caption drawn in (captions past the frames are ignored)."""
    for index, canvas in enumerate(canvases):
        text = captions[index] if index < len(captions) else ""
        yield draw_caption(canvas, text) if text.strip() else canvas


def draw_caption(canvas: Image.Image, text: str) -> Image.Image:
    """Draws text on canvas (in place) and returns it."""
    size = max(MIN_FONT_PX, min(MAX_FONT_PX, round(canvas.height * TEXT_HEIGHT_SHARE)))
    draw = ImageDraw.Draw(canvas)
    while True:
        font, stroke = _font(size), max(1, round(size / 9))
        margin = max(2, size // 2)
        block = "\n".join(_wrap(text.strip(), font, canvas.width - 2 * margin))
        box = draw.multiline_textbbox((0, 0), block, font=font, stroke_width=stroke, align="center")
        if box[3] - box[1] <= canvas.height * MAX_BLOCK_SHARE or size <= MIN_FONT_PX:
            break
        size = max(MIN_FONT_PX, round(size * 0.8))
    left = (canvas.width - (box[2] - box[0])) / 2 - box[0]
    top = canvas.height - margin - box[3]
    colours = (FILL, OUTLINE) if canvas.mode == "RGB" else ((*FILL, 255), (*OUTLINE, 255))
    draw.multiline_text(
        (left, top),
        block,
        font=font,
        fill=colours[0],
        stroke_width=stroke,
        stroke_fill=colours[1],
        align="center",
    )
    return canvas


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to width; the caption's own line breaks are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and font.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # a Pillow built without FreeType
        raise RuntimeError("Captions need Pillow with FreeType (every Pillow wheel has it).")
    return font.font_variant(layout_engine=ImageFont.Layout.BASIC)
