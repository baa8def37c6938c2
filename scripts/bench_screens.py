"""The bench corpus's app screens: a header, a sidebar and a layout of content blocks.

Every picture is a function of its arguments and a seeded random.Random, so the corpus is the
same on any machine (given the same fonts).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from bench_draw import (
    THEMES,
    WHITE,
    Canvas,
    Theme,
    avatar,
    button,
    checkbox,
    gradient,
    mix,
    round_mask,
    words,
)
from PIL import Image

Size = tuple[int, int]
HEADER_PX, SIDEBAR_PX, MARGIN_PX = 56, 240, 32
MENU_ITEMS = ("Overview", "Projects", "Reports", "Team", "Messages", "Settings", "Help")
Block = Callable[[Canvas, Theme, int, int, int, random.Random], int]


def header(canvas: Canvas, theme: Theme, title: str) -> None:
    width = canvas.width
    canvas.rect((0, 0, width, HEADER_PX), theme.header)
    canvas.text((24, 17), title, theme.header_text, 18, bold=True)
    search = mix(theme.header, theme.header_text, 0.12)
    canvas.rect((width - 420, 12, width - 100, 44), search, 8)
    canvas.text((width - 404, 20), "Search...", mix(search, theme.header_text, 0.6), 14)
    avatar(canvas, (width - 76, 8), 40, ((255, 170, 90), (200, 60, 140)))


def sidebar(canvas: Canvas, theme: Theme, selected: int) -> None:
    canvas.rect((0, HEADER_PX, SIDEBAR_PX, canvas.height), theme.sidebar)
    for i, item in enumerate(MENU_ITEMS):
        top = HEADER_PX + 20 + 40 * i
        if i == selected:
            canvas.rect(
                (12, top, SIDEBAR_PX - 12, top + 34), mix(theme.accent, theme.sidebar, 0.75), 6
            )
        canvas.rect((28, top + 10, 42, top + 24), mix(theme.accent, theme.sidebar, 0.4), 3)
        canvas.text((56, top + 8), item, theme.text, 14, bold=i == selected)


def paragraph(canvas: Canvas, theme: Theme, x: int, y: int, width: int, rng: random.Random) -> int:
    lines = rng.randint(3, 6)
    for i in range(lines):
        span = width * (rng.uniform(0.4, 0.8) if i == lines - 1 else 1.0)
        canvas.text((x, y), words(rng, span, canvas, 14), theme.text, 14)
        y += 23
    return y + 16


def title(canvas: Canvas, theme: Theme, x: int, y: int, width: int, rng: random.Random) -> int:
    canvas.text((x, y), words(rng, min(width, 520), canvas, 26), theme.text, 26, bold=True)
    canvas.text((x, y + 40), words(rng, width * 0.6, canvas, 13), theme.muted, 13)
    return y + 76


def buttons(canvas: Canvas, theme: Theme, x: int, y: int, width: int, rng: random.Random) -> int:
    for label, state in (("Save changes", "primary"), ("Preview", "plain"), ("Share", "plain")):
        x = button(canvas, theme, (x, y), label, state)[2] + 12
    return y + 60


def chart(canvas: Canvas, theme: Theme, x: int, y: int, width: int, rng: random.Random) -> int:
    box = (x, y, x + width, y + 240)
    canvas.rect(box, theme.surface, 10, theme.border)
    canvas.text(
        (x + 20, y + 16),
        "Weekly " + rng.choice(("visits", "sales", "builds")),
        theme.text,
        15,
        bold=True,
    )
    for row in range(4):
        gy = y + 60 + row * 40
        canvas.line([(x + 20, gy), (x + width - 20, gy)], mix(theme.surface, theme.border, 0.6), 1)
    values = [rng.uniform(0.2, 1.0) for _ in range(12)]
    step = (width - 60) / len(values)
    base = y + 220
    for i, value in enumerate(values):
        left = round(x + 30 + i * step)
        colour = mix(theme.accent, WHITE, 0.55)
        canvas.rect((left, round(base - value * 150), left + round(step * 0.6), base), colour, 3)
    trend = [(x + 30 + (i + 0.3) * step, base - v * 130 - 10) for i, v in enumerate(values)]
    canvas.line(trend, theme.accent, 2)
    return y + 264


def cards(canvas: Canvas, theme: Theme, x: int, y: int, width: int, rng: random.Random) -> int:
    card_w = (width - 32) // 3
    for i in range(3):
        left = x + i * (card_w + 16)
        canvas.rect((left, y, left + card_w, y + 110), theme.surface, 10, theme.border)
        canvas.text((left + 20, y + 18), words(rng, card_w * 0.5, canvas, 13), theme.muted, 13)
        canvas.text((left + 20, y + 44), f"{rng.randint(100, 99999):,}", theme.text, 28, True)
        dots = [(left + 20 + k * 14, y + 96 - rng.uniform(0, 14)) for k in range(10)]
        canvas.line(dots, theme.accent, 2)
    return y + 134


def form(canvas: Canvas, theme: Theme, x: int, y: int, width: int, rng: random.Random) -> int:
    for _ in range(2):
        canvas.text((x, y), words(rng, 200, canvas, 13), theme.muted, 13)
        canvas.rect((x, y + 22, x + min(width, 520), y + 60), theme.surface, 6, theme.border)
        canvas.text((x + 12, y + 32), words(rng, 300, canvas, 14), theme.text, 14)
        y += 80
    for i in range(2):
        checkbox(canvas, theme, (x, y), words(rng, 360, canvas, 14), checked=i == 0)
        y += 30
    return y + 16


def picture(canvas: Canvas, theme: Theme, x: int, y: int, width: int, rng: random.Random) -> int:
    """A photo-like illustration: a sky gradient, a sun and hills."""
    size = (min(width, 640), 260)
    sky = gradient(size, (rng.randint(40, 90), 120, 200), (250, 200, 150))
    canvas.paste(sky, (x, y), round_mask(size, 10))
    sun_x = x + rng.randint(80, size[0] - 80)
    canvas.ellipse((sun_x - 30, y + 50, sun_x + 30, y + 110), (255, 236, 170))
    for layer, shade in enumerate(((70, 120, 80), (40, 90, 60))):
        top = y + 160 + layer * 40
        hills = [(x + k * size[0] / 8, top + rng.uniform(-30, 20)) for k in range(9)]
        canvas.polygon([(x, y + size[1]), *hills, (x + size[0], y + size[1])], shade)
    return y + size[1] + 24


BLOCKS: dict[str, Block] = {
    "title": title,
    "paragraph": paragraph,
    "buttons": buttons,
    "chart": chart,
    "cards": cards,
    "form": form,
    "picture": picture,
}
LAYOUTS = (
    ("title", "paragraph", "chart", "buttons"),
    ("title", "cards", "paragraph", "paragraph"),
    ("title", "form", "buttons"),
    ("title", "picture", "paragraph"),
    ("cards", "chart", "paragraph"),
    ("title", "paragraph", "paragraph", "form"),
    ("title", "chart", "cards"),
    ("paragraph", "picture", "buttons"),
    ("title", "cards", "form"),
    ("title", "paragraph", "buttons", "paragraph", "paragraph"),
)


def app_screen(
    index: int, size: Size, rng: random.Random, layout: tuple[str, ...] | None = None
) -> Canvas:
    """Screen number index of some app: header, sidebar and a layout of content blocks."""
    theme = THEMES[index % len(THEMES)]
    canvas = Canvas(size, theme.page)
    header(canvas, theme, words(rng, 220, canvas, 18))
    sidebar(canvas, theme, index % len(MENU_ITEMS))
    x, y = SIDEBAR_PX + MARGIN_PX, HEADER_PX + MARGIN_PX
    width = size[0] - x - MARGIN_PX
    for block in layout or LAYOUTS[index % len(LAYOUTS)]:
        if y < size[1]:
            y = BLOCKS[block](canvas, theme, x, y, width, rng)
    return canvas


def ui_screen(index: int, size: Size, seed: int) -> Image.Image:
    return app_screen(index, size, random.Random(seed * 1000 + index)).finish()
