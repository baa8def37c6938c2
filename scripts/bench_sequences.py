"""The bench corpus's sequences where little changes: a click-through and a scrolled page.

The click-through is the commonest article GIF, the same screen with a small region changing
from frame to frame; it is where encoding only the changed rectangle (frame deltas) pays.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from bench_draw import THEMES, Canvas, button, checkbox, cursor, menu, toast
from bench_screens import BLOCKS, HEADER_PX, MARGIN_PX, SIDEBAR_PX, app_screen, header, paragraph
from PIL import Image

Size = tuple[int, int]


@dataclass(frozen=True)
class ClickState:
    """What differs between the frames of the click-through."""

    pointer: tuple[int, int] = (900, 600)
    save: str = "primary"
    menu_hover: int | None = None  # None: the menu is closed
    ticked: bool = False
    toast: bool = False


def click_states() -> list[ClickState]:
    """A short session on a settings screen: hover, press, open a menu, tick, get a toast."""
    start = ClickState()
    hover = replace(start, pointer=(350, 398), save="hover")
    pressed = replace(hover, save="pressed")
    opened = replace(start, pointer=(500, 398), menu_hover=-1)
    picked = replace(opened, pointer=(540, 478), menu_hover=1)
    ticked = replace(start, pointer=(281, 339), ticked=True)
    saved = replace(ticked, pointer=(350, 398), save="hover", toast=True)
    return [
        start,
        hover,
        pressed,
        opened,
        picked,
        ticked,
        saved,
        replace(saved, pointer=(700, 650)),
    ]


def click_screen(state: ClickState, size: Size, seed: int) -> Image.Image:
    """The same settings screen every time (same seed), in the given state."""
    theme = THEMES[0]
    rng = random.Random(seed)
    canvas = app_screen(0, size, rng, layout=("title", "cards"))
    x = SIDEBAR_PX + MARGIN_PX
    checkbox(canvas, theme, (x, 330), "Send me a summary every week", state.ticked)
    button(canvas, theme, (x, 380), "Save changes", state.save)
    button(canvas, theme, (x + 160, 380), "More options  v", "plain")
    paragraph(canvas, theme, x, 450, size[0] - x - MARGIN_PX, rng)
    if state.menu_hover is not None:
        items = ("Duplicate", "Export as PDF", "Archive", "Delete")
        menu(canvas, theme, (x + 160, 424), items, state.menu_hover)
    if state.toast:
        toast(canvas, (size[0] - 380, size[1] - 80), "Your settings were saved")
    cursor(canvas, state.pointer)
    return canvas.finish()


def long_page(size: Size, length: int, seed: int) -> Image.Image:
    """An article page `length` pixels tall, under a header that stays put while it scrolls."""
    rng = random.Random(seed)
    theme = THEMES[1]
    canvas = Canvas((size[0], length), theme.page)
    x, y, width = 200, HEADER_PX + MARGIN_PX, size[0] - 400
    blocks = ("title", "paragraph", "picture", "paragraph", "cards", "paragraph", "chart")
    while y < length:
        for block in blocks:
            y = BLOCKS[block](canvas, theme, x, y, width, rng)
    return canvas.finish()


def scroll_frames(count: int, size: Size, seed: int) -> list[Image.Image]:
    rng = random.Random(seed)
    offsets = [0]
    for _ in range(count - 1):
        offsets.append(offsets[-1] + rng.randint(84, 96))
    page = long_page(size, offsets[-1] + size[1], seed)
    bar = Canvas((size[0], HEADER_PX), THEMES[1].page)
    header(bar, THEMES[1], "The Daily Frame")
    fixed = bar.finish()
    frames = []
    for top in offsets:
        frame = page.crop((0, top, size[0], top + size[1]))
        frame.paste(fixed, (0, 0))
        frames.append(frame)
    return frames
