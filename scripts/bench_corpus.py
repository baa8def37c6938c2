"""The bench's corpus, recreated the same on any machine: frame sets written as PNG files.

ui: different app screens; click: one screen where only a small region changes per frame (the
commonest article GIF); scroll: a page scrolled ~90 px per frame; photos: real photos shipped
inside scikit-image (no network); mixed: sizes and aspect ratios that the fit must pad.
What users upload (bench_real.py): docs, real documentation pages as Chromium shows them at
1440x900, and hidpi, the same at 2880x1800; phone, 12 Mpx JPEGs with EXIF orientation; sky,
photos with smooth skies, where palettes band.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench_draw import THEMES, Canvas, cursor, mix
from bench_real import phone_jpegs, screenshots, sky_photos
from bench_screens import ui_screen
from bench_sequences import click_screen, click_states, scroll_frames
from PIL import Image

SEED = 20240611
SETS = ("ui", "click", "scroll", "photos", "mixed", "docs", "hidpi", "phone", "sky")
FULL_FRAMES = {"ui": 10, "click": 8, "scroll": 8, "photos": 9, "mixed": 6}
FULL_FRAMES |= {"docs": 10, "hidpi": 8, "phone": 8, "sky": 6}
QUICK_FRAMES = 3
PHOTO_SIZE = (800, 500)
MIN_PHOTOS = 5
# skimage.data loaders whose files ship inside the wheel (no download).
PHOTO_LOADERS = (
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "camera",
    "immunohistochemistry",
    "hubble_deep_field",
    "retina",
    "stereo_motorcycle",
)
Size = tuple[int, int]


@dataclass(frozen=True)
class FrameSet:
    name: str
    paths: tuple[str, ...]


def make_set(name: str, directory: Path, quick: bool) -> FrameSet:
    """Write the named set's frames under directory and return their paths, in order."""
    count = QUICK_FRAMES if quick else FULL_FRAMES[name]
    if name in FILE_MAKERS:
        return FrameSet(name, FILE_MAKERS[name](count, directory / name))
    frames = MAKERS[name](count)
    return FrameSet(name, save_frames(frames, directory / name, compress_level=6))


def save_frames(
    frames: Iterable[Image.Image], directory: Path, compress_level: int
) -> tuple[str, ...]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, frame in enumerate(frames):
        path = directory / f"frame{i:03d}.png"
        frame.save(path, compress_level=compress_level)
        paths.append(str(path))
    return tuple(paths)


def ui_frames(count: int) -> list[Image.Image]:
    return [ui_screen(i, (1280, 800), SEED) for i in range(count)]


def click_frames(count: int) -> list[Image.Image]:
    return [click_screen(state, (1280, 720), SEED) for state in click_states()[:count]]


def scroll_set(count: int) -> list[Image.Image]:
    return scroll_frames(count, (1280, 720), SEED)


def photos(count: int) -> list[Image.Image]:
    return [fit_crop(photo, PHOTO_SIZE) for photo in skimage_photos()[:count]]


def mixed_frames(count: int) -> list[Image.Image]:
    shots = skimage_photos()
    frames = [
        ui_screen(3, (1280, 800), SEED),
        fit_crop(shots[0], (480, 720)),
        fit_crop(shots[2], (1024, 768)),
        ui_screen(5, (900, 900), SEED),
        fit_crop(shots[-1], (1600, 600)),
        ui_screen(7, (640, 400), SEED),
    ]
    return frames[:count]


MAKERS: dict[str, Callable[[int], list[Image.Image]]] = {
    "ui": ui_frames,
    "click": click_frames,
    "scroll": scroll_set,
    "photos": photos,
    "mixed": mixed_frames,
}


FILE_MAKERS: dict[str, Callable[[int, Path], tuple[str, ...]]] = {
    "docs": lambda count, directory: screenshots(count, directory, scale=1),
    "hidpi": lambda count, directory: screenshots(count, directory, scale=2),
    "phone": lambda count, directory: phone_jpegs(count, directory, skimage_photos(), SEED),
    "sky": lambda count, directory: sky_photos(count, directory, skimage_photos(), SEED),
}


def skimage_photos() -> list[Image.Image]:
    """The photos scikit-image ships that load here without a network; at least MIN_PHOTOS."""
    data = importlib.import_module("skimage.data")
    loaded = []
    for name in PHOTO_LOADERS:
        try:
            pixels = getattr(data, name)()
        except Exception:  # a loader that needs a download, or one this version lacks
            continue
        loaded.append(Image.fromarray(pixels[0] if isinstance(pixels, tuple) else pixels))
    if len(loaded) < MIN_PHOTOS:
        raise RuntimeError(f"only {len(loaded)} of scikit-image's photos load without a network")
    return loaded


def fit_crop(image: Image.Image, size: Size) -> Image.Image:
    """The centred crop of image with size's aspect ratio, resized to size."""
    scale = max(size[0] / image.width, size[1] / image.height)
    width, height = size[0] / scale, size[1] / scale
    left, top = (image.width - width) / 2, (image.height - height) / 2
    box = (left, top, left + width, top + height)
    return image.resize(size, Image.Resampling.LANCZOS, box=box)


def memory_frames(directory: Path, count: int) -> tuple[str, ...]:
    """count UI-like 1280x720 frames, each a little different (a step counter, a pointer)."""
    # Fast PNG compression: 200 frames must not take long to write (decode cost barely moves).
    return save_frames(_memory_frames(count), directory, compress_level=1)


def _memory_frames(count: int) -> Iterator[Image.Image]:
    base = ui_screen(4, (1280, 720), SEED)
    theme = THEMES[0]
    for i in range(count):
        strip = Canvas((520, 48), theme.page)
        strip.text((0, 14), f"Step {i + 1} of {count}", theme.text, 14, bold=True)
        strip.rect((140, 18, 500, 30), mix(theme.page, theme.border, 0.8), 6)
        strip.rect((140, 18, 140 + round(360 * (i + 1) / count), 30), theme.accent, 6)
        cursor(strip, (100 + (i * 7) % 400, 20))
        frame = base.copy()
        frame.paste(strip.finish(), (300, 640))
        yield frame
