"""The corpus's real inputs: documentation pages rendered by Chromium into screenshots (1440x900
and HiDPI 2880x1800), 12 Mpx phone JPEGs with EXIF orientation, and photos with smooth skies.

Everything comes from the machine: Debian's chromium and the HTML manuals that Debian packages
install (Node.js's API docs come with nodejs, which the bench needs for gifski anyway; valgrind's
and Python's manuals where installed), and the photos scikit-image ships.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

SHOT_SIZE = (1440, 900)
PHONE_SIZE = (4032, 3024)  # 12.2 Mpx, as a phone's main camera writes it
PHONE_QUALITY = 92
ORIENTATION_TAG = 0x0112
# The EXIF orientation a phone writes, and the turn that stores an upright picture that way.
ORIENTATIONS: tuple[tuple[int, Image.Transpose | None], ...] = (
    (1, None),
    (6, Image.Transpose.ROTATE_90),
    (8, Image.Transpose.ROTATE_270),
    (3, Image.Transpose.ROTATE_180),
)
DOC_PAGES = (
    "/usr/share/doc/nodejs/api/fs.html",
    "/usr/share/doc/valgrind/html/manual-core.html",
    "/usr/share/doc/nodejs/api/http.html",
    "/usr/share/doc/python3/html/library/asyncio.html",
    "/usr/share/doc/nodejs/api/stream.html",
    "/usr/share/doc/valgrind/html/mc-manual.html",
    "/usr/share/doc/nodejs/api/buffer.html",
    "/usr/share/doc/nodejs/api/crypto.html",
    "/usr/share/doc/valgrind/html/FAQ.html",
    "/usr/share/doc/nodejs/api/child_process.html",
    "/usr/share/doc/nodejs/api/events.html",
    "/usr/share/doc/nodejs/api/path.html",
    "/usr/share/doc/valgrind/html/cg-manual.html",
    "/usr/share/doc/nodejs/api/url.html",
    "/usr/share/doc/nodejs/api/process.html",
    "/usr/share/doc/nodejs/api/net.html",
)
Size = tuple[int, int]


def screenshots(count: int, directory: Path, scale: int) -> tuple[str, ...]:
    """count documentation pages as Chromium shows them in a 1440x900 window at scale."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("the screenshot sets need Debian's chromium (apt-get install chromium)")
    pages = [page for page in DOC_PAGES if Path(page).is_file()][:count]
    if len(pages) < count:
        raise RuntimeError(f"only {len(pages)} documentation pages installed, {count} needed")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, page in enumerate(pages):
        path = directory / f"frame{index:03d}.png"
        argv = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
        argv += [f"--force-device-scale-factor={scale}", "--window-size=1440,900"]
        argv += [f"--screenshot={path}", f"file://{page}"]
        subprocess.run(argv, capture_output=True, timeout=120, check=True)
        paths.append(str(path))
    return tuple(paths)


def phone_jpegs(
    count: int, directory: Path, photos: list[Image.Image], seed: int
) -> tuple[str, ...]:
    """count 12 Mpx JPEGs of the photos (upscaled, with a sensor's grain), stored sideways or
    upside down as phones do, with the EXIF orientation that makes them upright."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        photo = photos[index % len(photos)].convert("RGB")
        upright = _grain(_cover(photo, PHONE_SIZE, rng), rng)
        orientation, turn = ORIENTATIONS[index % len(ORIENTATIONS)]
        stored = upright.transpose(turn) if turn is not None else upright
        exif = Image.Exif()
        exif[ORIENTATION_TAG] = orientation
        path = directory / f"frame{index:03d}.jpg"
        stored.save(path, quality=PHONE_QUALITY, exif=exif, subsampling=0)
        paths.append(str(path))
    return tuple(paths)


def sky_photos(
    count: int, directory: Path, photos: list[Image.Image], seed: int
) -> tuple[str, ...]:
    """count 1600x1000 JPEGs: a smooth sky gradient (where palettes band) over a photo's
    lower part, with a camera's faint grain."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    size = (1600, 1000)
    paths = []
    for index in range(count):
        sky = _sky(size, rng)
        ground = _cover(photos[index % len(photos)].convert("RGB"), (size[0], size[1] // 3), rng)
        sky.paste(ground, (0, size[1] - ground.height))
        path = directory / f"frame{index:03d}.jpg"
        _grain(sky, rng, sigma=3).save(path, quality=90)
        paths.append(str(path))
    return tuple(paths)


def _sky(size: Size, rng: random.Random) -> Image.Image:
    """A clear sky: deep blue at the top to a pale haze at the horizon, a sun-side glow."""
    top = (rng.randrange(20, 70), rng.randrange(70, 120), rng.randrange(160, 220))
    horizon = (rng.randrange(190, 235), rng.randrange(200, 235), rng.randrange(225, 250))
    ramp = Image.linear_gradient("L").resize(size)
    sky = Image.composite(Image.new("RGB", size, horizon), Image.new("RGB", size, top), ramp)
    glow = Image.radial_gradient("L").resize(size).point(lambda v: min(255, v * 2))
    warm = Image.new("RGB", size, (255, 236, 200))
    left = rng.randrange(-size[0] // 2, size[0] // 2)
    shift = (1, 0, left, 0, 1, size[1] // 3)
    glow = glow.transform(size, Image.Transform.AFFINE, shift, fillcolor=255)
    return Image.composite(sky, warm, glow.filter(ImageFilter.GaussianBlur(40)))


def _cover(photo: Image.Image, size: Size, rng: random.Random) -> Image.Image:
    """A crop of the photo with size's aspect, a little off centre, resized to size."""
    scale = max(size[0] / photo.width, size[1] / photo.height) * rng.uniform(1.0, 1.15)
    width, height = size[0] / scale, size[1] / scale
    left = rng.uniform(0, photo.width - width)
    top = rng.uniform(0, photo.height - height)
    box = (left, top, left + width, top + height)
    return photo.resize(size, Image.Resampling.BICUBIC, box=box)


def _grain(image: Image.Image, rng: random.Random, sigma: float = 6) -> Image.Image:
    """A sensor's fine noise, so an upscaled photo is not unnaturally smooth."""
    noise = Image.effect_noise(image.size, sigma).convert("RGB")  # grey noise around 128
    return ImageChops.add(image, noise, 1.0, -128)
