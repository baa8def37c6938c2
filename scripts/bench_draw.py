"""Drawing primitives for the bench's corpus: a supersampled canvas, fonts, themes, widgets.

Screens are drawn at twice their size and halved with a box filter, so shapes get the soft
edges of a real (HiDPI) screenshot; text is FreeType's, anti-aliased, in DejaVu Sans when the
system has it, else Pillow's bundled scalable font.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

SCALE = 2
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
RGB = tuple[int, int, int]
Box = tuple[int, int, int, int]
Point = tuple[float, float]
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
VOCABULARY = (
    "frame palette screen click button article delay colour preview upload the a of to and "
    "with for each small quick sharp result menu window share export settings page layout "
    "review draft team project report update sidebar header chart value month week total"
)
WORDS = VOCABULARY.split()
# A mouse pointer's outline, in pixels from its tip.
CURSOR = ((0, 0), (0, 17), (4, 13), (7, 20), (10, 19), (7, 12), (12, 12))


@dataclass(frozen=True)
class Theme:
    page: RGB
    surface: RGB
    header: RGB
    header_text: RGB
    sidebar: RGB
    text: RGB
    muted: RGB
    accent: RGB
    border: RGB


def _theme(spec: str) -> Theme:
    """A theme from nine hex colours, in the order of Theme's fields."""
    return Theme(*((int(h[:2], 16), int(h[2:4], 16), int(h[4:], 16)) for h in spec.split()))


THEMES = (
    _theme("f6f7f9 ffffff 202938 ecf0f5 e9ecf0 1f2328 656d76 2f6fed d0d7de"),  # slate, dark header
    _theme("fafafa ffffff ffffff 212121 f5f5f5 212121 757575 009688 e0e0e0"),  # material, light
    _theme("1e1f22 2b2d31 18191c dcddde 242529 dbdee1 949ba4 5865f2 3f4147"),  # dark
    _theme("fff8f0 ffffff be3c28 ffffff faecde 2d231e 826e64 d65a31 ebd7c8"),  # warm, red header
)


@cache
def font(size: int, bold: bool = False) -> Font:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size * SCALE)
    return ImageFont.load_default(size=size * SCALE)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour t of the way from a to b."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _up(box: Box) -> Box:
    return (box[0] * SCALE, box[1] * SCALE, box[2] * SCALE - 1, box[3] * SCALE - 1)


class Canvas:
    """A screen drawn at SCALE times its size, addressed in its own (1x) pixels."""

    def __init__(self, size: tuple[int, int], colour: RGB) -> None:
        self.width, self.height = size
        self.image = Image.new("RGB", (size[0] * SCALE, size[1] * SCALE), colour)
        self.draw = ImageDraw.Draw(self.image)

    def rect(self, box: Box, fill: RGB | None, radius: int = 0, outline: RGB | None = None) -> None:
        self.draw.rounded_rectangle(
            _up(box), radius * SCALE, fill=fill, outline=outline, width=SCALE
        )

    def ellipse(self, box: Box, fill: RGB | None, outline: RGB | None = None) -> None:
        self.draw.ellipse(_up(box), fill=fill, outline=outline, width=SCALE)

    def line(self, points: Sequence[Point], fill: RGB, width: int) -> None:
        scaled = [(x * SCALE, y * SCALE) for x, y in points]
        self.draw.line(scaled, fill=fill, width=width * SCALE, joint="curve")

    def polygon(self, points: Sequence[Point], fill: RGB, outline: RGB | None = None) -> None:
        scaled = [(x * SCALE, y * SCALE) for x, y in points]
        self.draw.polygon(scaled, fill=fill, outline=outline, width=SCALE)

    def text(self, xy: Point, text: str, fill: RGB, size: int = 14, bold: bool = False) -> None:
        self.draw.text((xy[0] * SCALE, xy[1] * SCALE), text, fill=fill, font=font(size, bold))

    def text_width(self, text: str, size: int = 14, bold: bool = False) -> float:
        return font(size, bold).getlength(text) / SCALE

    def paste(self, image: Image.Image, xy: tuple[int, int], mask: Image.Image) -> None:
        """Paste a SCALE-sized image through a mask of the same size."""
        self.image.paste(image, (xy[0] * SCALE, xy[1] * SCALE), mask)

    def finish(self) -> Image.Image:
        return self.image.reduce(SCALE)


def words(rng: random.Random, width: float, canvas: Canvas, size: int) -> str:
    """Random words filling at most width pixels of text."""
    chosen: list[str] = []
    while True:
        word = rng.choice(WORDS)
        if canvas.text_width(" ".join([*chosen, word]), size) > width:
            return " ".join(chosen).capitalize()
        chosen.append(word)


def gradient(size: tuple[int, int], top: RGB, bottom: RGB, angle: float = 0) -> Image.Image:
    """A smooth two-colour gradient at SCALE times size (for avatars and pictures)."""
    full = (size[0] * SCALE, size[1] * SCALE)
    ramp = Image.linear_gradient("L").rotate(angle, resample=Image.Resampling.BICUBIC)
    return ImageOps.colorize(ramp.resize(full, Image.Resampling.BICUBIC), top, bottom)


def round_mask(size: tuple[int, int], radius: int) -> Image.Image:
    mask = Image.new("L", (size[0] * SCALE, size[1] * SCALE), 0)
    box = (0, 0, mask.width - 1, mask.height - 1)
    ImageDraw.Draw(mask).rounded_rectangle(box, radius * SCALE, fill=255)
    return mask


def avatar(canvas: Canvas, xy: tuple[int, int], side: int, colours: tuple[RGB, RGB]) -> None:
    canvas.paste(gradient((side, side), *colours, angle=45), xy, round_mask((side, side), side))


def cursor(canvas: Canvas, xy: Point) -> None:
    points = [(xy[0] + dx, xy[1] + dy) for dx, dy in CURSOR]
    canvas.polygon(points, BLACK, outline=WHITE)


def button(canvas: Canvas, theme: Theme, xy: Point, label: str, state: str = "plain") -> Box:
    """A button (plain, primary, hover or pressed); returns its box."""
    width = round(canvas.text_width(label, 14) + 32)
    box = (round(xy[0]), round(xy[1]), round(xy[0]) + width, round(xy[1]) + 36)
    fills = {
        "plain": theme.surface,
        "primary": theme.accent,
        "hover": mix(theme.accent, WHITE, 0.15),
        "pressed": mix(theme.accent, BLACK, 0.25),
    }
    canvas.rect(box, fills[state], 8, outline=theme.border if state == "plain" else None)
    ink = theme.text if state == "plain" else WHITE
    canvas.text((box[0] + 16, box[1] + 9), label, ink, 14, bold=state != "plain")
    return box


def checkbox(canvas: Canvas, theme: Theme, xy: Point, label: str, checked: bool) -> None:
    x, y = round(xy[0]), round(xy[1])
    canvas.rect((x, y, x + 18, y + 18), theme.accent if checked else theme.surface, 4, theme.border)
    if checked:
        canvas.line([(x + 4, y + 9), (x + 8, y + 13), (x + 14, y + 5)], WHITE, 2)
    canvas.text((x + 28, y), label, theme.text, 14)


def menu(canvas: Canvas, theme: Theme, xy: Point, items: Sequence[str], hover: int) -> None:
    """An open drop-down menu with a soft shadow; hover is the highlighted item (or -1)."""
    x, y = round(xy[0]), round(xy[1])
    box = (x, y, x + 200, y + 12 + 32 * len(items))
    for spread in (6, 4, 2):
        shadow = mix(theme.page, BLACK, 0.04 * (8 - spread))
        canvas.rect(
            (box[0] - spread + 2, box[1] - spread + 4, box[2] + spread, box[3] + spread),
            shadow,
            8 + spread,
        )
    canvas.rect(box, theme.surface, 8, theme.border)
    for i, item in enumerate(items):
        top = y + 6 + 32 * i
        if i == hover:
            canvas.rect((x + 4, top, x + 196, top + 32), mix(theme.accent, theme.surface, 0.85), 6)
        canvas.text((x + 16, top + 8), item, theme.text, 14)


def toast(canvas: Canvas, xy: Point, message: str) -> None:
    x, y = round(xy[0]), round(xy[1])
    width = round(canvas.text_width(message, 14) + 64)
    canvas.rect((x, y, x + width, y + 48), (38, 42, 51), 10)
    canvas.ellipse((x + 14, y + 14, x + 34, y + 34), (46, 160, 67))
    canvas.line([(x + 19, y + 24), (x + 23, y + 28), (x + 30, y + 20)], WHITE, 2)
    canvas.text((x + 46, y + 15), message, WHITE, 14)
