"""The upload page in a real headless Chromium, against the real stack (nginx + aiohttp).

A 1366 x 768 laptop and a 390 x 844 phone, light and dark. Screenshots of the main states (what
the viewport shows) land in test-artifacts/screenshots/ for a reviewer to look at without
running anything; a few are copied to docs/screenshots/ for the README.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from service.compose.estimate import sample_positions
from service.compose.gifinfo import read_gif_info
from service.units import size_words

from .stack import RunningStack, nginx_or_skip, start_stack

playwright_api = pytest.importorskip("playwright.sync_api")

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "test-artifacts" / "screenshots"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Quiet, offline Chromium: without these it reaches for Google's services at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
VIEWS: dict[str, dict[str, Any]] = {"desktop": DESKTOP, "phone": PHONE}
# Every size in every scheme: the journeys that must hold everywhere run in each.
EVERYWHERE = [(view, scheme) for view in VIEWS for scheme in ("light", "dark")]
COLOURS = {"red": (220, 40, 40), "green": (40, 170, 80), "blue": (40, 80, 220)}
MAX_FILE_BYTES = 300_000


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    nginx_or_skip()
    running = start_stack(
        tmp_path_factory.mktemp("page") / "data", GIFSVC_MAX_FILE_BYTES=str(MAX_FILE_BYTES)
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/install installs Debian's chromium package")
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Page:
    """A browser page on the stack that records every request it makes."""

    def __init__(self, browser: Any, stack: RunningStack, **context: Any) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.origin = stack.url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.expected_errors: tuple[str, ...] = ()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # A CSP violation, a failed asset or a script error shows as a console error.
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.goto(f"{stack.url}/")

    def shot(self, name: str, full_page: bool = False) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def names(self) -> list[str]:
        return list(self.page.locator("#frame-list .frame-name").all_inner_texts())

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith((f"{self.origin}/", "blob:", "data:"))
        ]

    def close(self, expected_errors: tuple[str, ...] = ()) -> None:
        unexpected = [e for e in self.errors if not any(x in e for x in expected_errors)]
        assert unexpected == [], unexpected
        assert self.foreign_requests() == [], "a request left the page's origin"
        self.context.close()


@pytest.fixture
def open_page(browser: Any, stack: RunningStack) -> Iterator[Any]:
    pages: list[Page] = []

    def open_(**context: Any) -> Page:
        pages.append(Page(browser, stack, **{**DESKTOP, **context}))
        return pages[-1]

    yield open_
    for page in pages:
        page.close(page.expected_errors)


@pytest.fixture
def frames(tmp_path: Path) -> dict[str, Path]:
    """Three flat-colour PNGs, named so that sorting by name is not the colour order."""
    made = {}
    for prefix, colour in zip(("c", "a", "b"), COLOURS, strict=True):
        path = tmp_path / f"{prefix}-{colour}.png"
        Image.new("RGB", (160, 100), COLOURS[colour]).save(path)
        made[colour] = path
    return made


def colour_of(frame: Image.Image) -> str:
    pixel = frame.convert("RGB").getpixel((80, 50))
    assert isinstance(pixel, tuple)
    return min(
        COLOURS, key=lambda c: sum(abs(a - b) for a, b in zip(COLOURS[c], pixel, strict=True))
    )


def gif_colours(data: bytes) -> list[str]:
    with Image.open(io.BytesIO(data)) as gif:
        colours = []
        for index in range(getattr(gif, "n_frames", 1)):
            gif.seek(index)
            colours.append(colour_of(gif))
        return colours


# Loaded before the page's scripts: what each XMLHttpRequest sends, as [name, value or file name].
RECORD_FORMS = """
const send = XMLHttpRequest.prototype.send;
window.sentForms = [];
XMLHttpRequest.prototype.send = function (body) {
  if (body instanceof FormData) {
    const entries = [...body.entries()];
    window.sentForms.push(entries.map(([k, v]) => [k, typeof v === "string" ? v : v.name]));
  }
  return send.call(this, body);
};
"""


def dict_of_lists(pairs: list[list[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        found.setdefault(name, []).append(value)
    return found


def wait_until(page: Page, expression: str, timeout_s: float = 30) -> None:
    """Poll from Python: the page's CSP forbids the eval that wait_for_function relies on."""
    deadline = time.monotonic() + timeout_s
    while not page.page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


def wait_for_estimate(page: Page) -> None:
    wait_until(page, "document.getElementById('estimate').textContent.startsWith('About ')")


def pick(page: Page, *paths: Path) -> None:
    count = page.page.locator("#frame-list li").count()
    page.page.set_input_files("#photo", [str(p) for p in paths])
    wait_until(
        page,
        f"document.querySelectorAll('#frame-list li').length > {count} || "
        "!document.getElementById('refused').hidden",
    )


def slow_upload(page: Page, bytes_per_second: int) -> None:
    """Throttle the page's uploads (Chromium's own network emulation), to watch the progress."""
    cdp = page.context.new_cdp_session(page.page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def on_screen(page: Page, selector: str) -> bool:
    """The element is wholly inside the viewport (and not scrolled away or hidden)."""
    return bool(
        page.js(
            f"""(() => {{
        const e = document.querySelector({json.dumps(selector)});
        if (!e || e.closest('[hidden]')) return false;
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.top >= 0 && r.left >= 0 &&
            r.bottom <= innerHeight && r.right <= innerWidth;
    }})()"""
        )
    )


def not_under_the_bar(page: Page, selector: str) -> bool:
    """The element is on screen above the fixed create bar (so the bar hides none of it)."""
    return bool(
        page.js(
            f"""(() => {{
        const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();
        const bar = document.getElementById('create-bar').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= bar.top;
    }})()"""
        )
    )


def make_frames(tmp_path: Path, count: int, size: tuple[int, int] = (48, 32)) -> list[Path]:
    paths = []
    for index in range(count):
        path = tmp_path / f"f{index:03d}.png"
        Image.new("RGB", size, (index * 37 % 256, index * 91 % 256, index * 53 % 256)).save(path)
        paths.append(path)
    return paths


def animated_gif(tmp_path: Path) -> Path:
    """Three frames (red, blue, yellow) of 200 x 100 px, shown 100, 200 and 300 ms."""
    path = tmp_path / "anim.gif"
    frames = [
        Image.new("RGB", (200, 100), c) for c in ((220, 40, 40), (40, 80, 220), (240, 220, 40))
    ]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0)
    return path


def touch(page: Page, kind: str, x: float, y: float) -> None:
    """A finger on the screen, as Chromium's input pipeline gets it (pointer events follow)."""
    cdp = getattr(page, "_cdp", None) or page.context.new_cdp_session(page.page)
    page._cdp = cdp  # type: ignore[attr-defined]
    points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def centre(page: Page, selector: str, nth: int = 0) -> tuple[float, float]:
    box = page.page.locator(selector).nth(nth).bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_make_a_gif_pick_reorder_time_loop_create_download(
    open_page: Any, frames: dict[str, Path], tmp_path: Path
):
    page = open_page()
    page.shot("desktop-light-empty")
    pick(page, frames["red"], frames["green"], frames["blue"])
    assert page.names() == ["c-red.png", "a-green.png", "b-blue.png"]
    # Drag the blue frame by its handle onto the first place.
    handles = page.page.locator("#frame-list .handle")
    handles.nth(2).drag_to(page.page.locator("#frame-list .thumb").nth(0))
    assert page.names() == ["b-blue.png", "c-red.png", "a-green.png"]
    page.page.fill("#delay", "120")
    page.page.select_option("#loop", "1")
    assert page.page.inner_text("#loop-words") == "The animation plays once."
    wait_for_estimate(page)  # from POST /api/estimate
    assert page.page.inner_text("#estimate").startswith("About ")
    assert "160 \u00d7 100 px" in page.page.inner_text("#estimate")
    page.shot("desktop-light-frames")

    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])")
    assert page.js("document.activeElement.id") == "result"  # focus on the result
    page.shot("desktop-light-result")
    assert page.page.inner_text("#result-frames") == "3"
    assert page.page.inner_text("#result-plays") == "once"
    # A border and a checkerboard show the GIF's edges on the card.
    style = page.js(
        "(() => { const s = getComputedStyle(document.getElementById('result-preview'));"
        " return [s.borderTopWidth, s.backgroundImage]; })()"
    )
    assert style[0] == "1px" and "conic-gradient" in style[1]

    with page.page.expect_download() as download:
        page.page.click("#result-download")
    saved = tmp_path / "made.gif"
    download.value.save_as(saved)
    assert gif_colours(saved.read_bytes()) == ["blue", "red", "green"]
    info = read_gif_info(str(saved))
    assert info.durations_ms == [120, 120, 120]
    assert info.loop_extension is None  # plays once: no loop extension


def test_the_estimate_is_made_from_frames_spread_over_the_animation(open_page: Any, tmp_path: Path):
    """The page sends the sample the server's estimate is built for: the first, the last and
    frames evenly between, each with its place (a slideshow's first frames say little of it)."""
    page = open_page()
    page.page.add_init_script(RECORD_FORMS)
    page.page.reload()
    paths = make_frames(tmp_path, 8)
    pick(page, *paths)
    wait_for_estimate(page)
    sent = dict_of_lists(page.js("window.sentForms.at(-1)"))
    expected = sample_positions(8)
    assert len(expected) < 8  # a sample, not every frame
    assert sent["frames"] == ["8"]
    assert sent["positions"] == [",".join(map(str, expected))]
    assert sent["photo"] == [paths[i].name for i in expected]


def test_progress_goes_from_uploading_to_composing(open_page: Any, tmp_path: Path):
    page = open_page()
    big = tmp_path / "noise.png"
    Image.effect_noise((300, 200), 80).convert("RGB").save(big)
    pick(page, big, big)
    slow_upload(page, 60_000)
    page.page.click("#create")
    seen = page.page.evaluate("""() => new Promise((resolve) => {
        const values = [], texts = new Set();
        const watch = () => {
            values.push(document.getElementById('progress').getAttribute('value'));
            texts.add(document.getElementById('status-text').textContent.split(' ')[0]);
            if (!document.getElementById('result').hidden) resolve({values, texts: [...texts]});
            else setTimeout(watch, 20);
        };
        watch();
    })""")
    numbers = [float(v) for v in seen["values"] if v not in (None, "")]
    assert numbers and max(numbers) > min(numbers)  # the bar moved while bytes went out
    assert {"Uploading", "Composing"} <= set(seen["texts"])


def test_keyboard_and_buttons_arrange_frames(open_page: Any, frames: dict[str, Path]):
    page = open_page()
    pick(page, frames["red"], frames["green"], frames["blue"])
    page.page.locator("#frame-list .handle").nth(0).focus()
    page.page.keyboard.press("ArrowDown")
    assert page.names() == ["a-green.png", "c-red.png", "b-blue.png"]
    focused = page.js("document.activeElement.getAttribute('aria-label')")
    assert focused == "Move frame 2, c-red.png"  # focus follows the frame
    page.page.keyboard.press("End")
    assert page.names() == ["a-green.png", "b-blue.png", "c-red.png"]
    assert "moved to position 3 of 3" in page.page.inner_text("#announcer")
    page.page.click("text=Sort by name")
    assert page.names() == ["a-green.png", "b-blue.png", "c-red.png"]
    page.page.click("text=Reverse")
    assert page.names() == ["c-red.png", "b-blue.png", "a-green.png"]
    page.page.click("text=Ping-pong")
    assert page.names() == ["c-red.png", "b-blue.png", "a-green.png", "b-blue.png"]
    page.page.locator("#frame-list [data-op=remove]").nth(3).click()
    page.page.locator("#frame-list [data-op=duplicate]").nth(0).click()
    assert page.names() == ["c-red.png", "c-red.png", "b-blue.png", "a-green.png"]


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
@pytest.mark.parametrize("count", [1, 100])
def test_create_and_the_estimate_are_on_screen_at_every_step(
    open_page: Any, tmp_path: Path, view: str, scheme: str, count: int
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    assert on_screen(page, "#create")  # before any frame
    pick(page, *make_frames(tmp_path, count))
    wait_for_estimate(page)
    height = page.js("document.documentElement.scrollHeight")
    for y in (0, height // 3, height // 2, height):  # the frames, the settings, the end
        page.js(f"window.scrollTo(0, {y})")
        assert on_screen(page, "#create") and on_screen(page, "#estimate"), y
    page.page.focus("#quality")  # a setting far down: the bar does not hide it
    assert not_under_the_bar(page, "#quality")
    assert on_screen(page, "#create")
    slow_upload(page, 4_000)  # the upload takes a moment: the progress shows
    page.page.click("#create")
    page.page.wait_for_selector("#status:not([hidden])")
    assert on_screen(page, "#status") and on_screen(page, "#create")
    slow_upload(page, 10_000_000)
    page.page.wait_for_selector("#result:not([hidden])", timeout=60_000)
    assert on_screen(page, "#create")
    assert page.page.inner_text("#result-frames") == str(count)
    if count == 100:
        page.js("window.scrollTo(0, 0)")
        page.shot(f"{view}-{scheme}-100-frames")


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_keyboard_reaches_create_in_two_presses_and_ctrl_enter_creates(
    open_page: Any, frames: dict[str, Path], view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    pick(page, frames["red"], frames["green"], frames["blue"])
    page.page.focus("#photo")
    presses = 0
    while page.js("document.activeElement.id") != "create":
        page.page.keyboard.press("Tab")
        presses += 1
        assert presses <= 2, page.js("document.activeElement.outerHTML")
    # The toolbar is one stop: arrows move within it.
    page.page.keyboard.press("Shift+Tab")
    assert page.js("document.activeElement.dataset.action") == "reverse"
    page.page.keyboard.press("ArrowRight")
    assert page.js("document.activeElement.dataset.action") == "sort"
    page.page.focus("#colors")
    page.page.keyboard.press("Control+Enter")
    page.page.wait_for_selector("#result:not([hidden])")
    assert page.page.inner_text("#result-frames") == "3"


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_holding_a_frame_near_the_top_edge_scrolls_and_it_drops_there(
    open_page: Any, tmp_path: Path, view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    pick(page, *make_frames(tmp_path, 24))
    page.js("window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.page.locator("#frame-list .frame").nth(23)
    last.scroll_into_view_if_needed()
    start = page.js("scrollY")
    assert start > 600
    x, y = centre(page, "#frame-list .handle", 23)
    if view == "desktop":  # a mouse
        page.page.mouse.move(x, y)
        page.page.mouse.down()
        page.page.mouse.move(x, 30, steps=5)
        page.page.mouse.move(x, 12, steps=2)
    else:  # a finger
        touch(page, "touchStart", x, y)
        for step in range(1, 6):
            touch(page, "touchMove", x, y + (12 - y) * step / 5)
    time.sleep(1.5)
    assert page.js("scrollY") < start - 400, "holding a frame at the top edge did not scroll"
    wait_until(page, "scrollY === 0")
    tx, ty = centre(page, "#frame-list .thumb", 0)
    if view == "desktop":
        page.page.mouse.move(tx, ty, steps=5)
        page.page.mouse.up()
    else:
        touch(page, "touchMove", tx, ty)
        touch(page, "touchEnd", tx, ty)
    assert page.names()[0] == "f023.png"


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_thumbnails_have_one_shape_and_compact_view_fits_30_frames(
    open_page: Any, tmp_path: Path, view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    wide, tall = tmp_path / "wide.png", tmp_path / "tall.png"
    Image.new("RGB", (600, 100), (200, 60, 60)).save(wide)
    Image.new("RGB", (100, 600), (60, 60, 200)).save(tall)
    pick(page, wide, tall, *make_frames(tmp_path, 2))
    boxes = page.js(
        "[...document.querySelectorAll('#frame-list .thumb, #frame-list .frame')]"
        ".map(e => [e.className, Math.round(e.getBoundingClientRect().width),"
        " Math.round(e.getBoundingClientRect().height)])"
    )
    thumbs = {tuple(b[1:]) for b in boxes if b[0] == "thumb"}
    cards = {tuple(b[1:]) for b in boxes if b[0] == "frame"}
    assert len(thumbs) == 1 and len(cards) == 1, boxes  # one shape whatever the aspect
    page.page.click("text=Clear all")
    pick(page, *make_frames(tmp_path, 36))
    page.page.click("text=Compact view")
    assert page.page.get_attribute("[data-action=compact]", "aria-pressed") == "true"
    page.js("document.querySelector('.toolbar').scrollIntoView()")
    visible = page.js(
        """(() => { const bar = document.getElementById('create-bar').getBoundingClientRect();
        return [...document.querySelectorAll('#frame-list .frame')].filter(e => {
            const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= bar.top;
        }).length; })()"""
    )
    page.shot(f"{view}-{scheme}-compact")
    assert visible >= 30, visible


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_result_explains_merged_frames_the_size_limit_and_warnings(
    open_page: Any, tmp_path: Path, view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    noise = [tmp_path / f"noise{i}.png" for i in range(3)]
    for index, path in enumerate(noise):
        Image.effect_noise((320, 200), 60 + index * 10).convert("RGB").save(path)
    pick(page, *noise)
    page.page.locator("#frame-list [data-op=duplicate]").nth(0).click()  # 4 set, 3 differ
    page.page.fill("#delay", "33")  # not whole centiseconds: a warning
    page.page.select_option("#loop", "3")  # viewers disagree on counts: a warning
    page.page.click("text=More options")
    page.page.fill("#max-kib", "20")
    wait_for_estimate(page)
    estimate = page.page.inner_text("#estimate")
    assert "to fit 20 KiB" in estimate, estimate
    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])", timeout=60_000)
    notes = page.page.inner_text("#result-notes")
    assert "4 frames were set and the file has 3: identical frames" in notes, notes
    assert "size limit of 20 KiB" in notes and "instead of 320 \u00d7 200 px" in notes, notes
    assert "whole centiseconds" in notes and "Viewers disagree on loop counts" in notes, notes
    page.page.locator("#result").scroll_into_view_if_needed()
    page.shot(f"{view}-{scheme}-result-explained")


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_crop_captions_and_every_frame_of_an_animation_reach_the_gif(
    open_page: Any, tmp_path: Path, stack: RunningStack, view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    still = tmp_path / "still.png"
    Image.new("RGB", (400, 200), (40, 170, 80)).save(still)  # twice the size: cropped alike
    pick(page, animated_gif(tmp_path), still)
    card = page.page.locator("#frame-list .frame").nth(0)
    assert "Animated: First frame only." in card.inner_text()
    card.get_by_label("Use all 3 frames").check()
    assert "All 3 frames, each with its own delay." in card.inner_text()
    assert page.page.inner_text("#create-summary").startswith("4 frames, 1.10 s per play")
    page.page.locator("#frame-list .frame-caption").nth(1).fill("Done")

    page.page.click("#crop summary")
    stage = page.page.locator("#crop-stage")
    stage.scroll_into_view_if_needed()
    box = stage.bounding_box()
    assert box is not None
    start = (box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
    end = (box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75)
    if view == "desktop":
        page.page.mouse.move(*start)
        page.page.mouse.down()
        page.page.mouse.move(*end, steps=6)
        page.page.mouse.up()
    else:
        touch(page, "touchStart", *start)
        for step in range(1, 7):
            touch(
                page,
                "touchMove",
                *(a + (b - a) * step / 6 for a, b in zip(start, end, strict=True)),
            )
        touch(page, "touchEnd", *end)
    drawn = [int(page.page.input_value(f"#crop-{k}")) for k in "xywh"]
    assert abs(drawn[0] - 50) <= 2 and abs(drawn[2] - 100) <= 3, drawn
    for key, value in zip("xywh", (50, 25, 100, 50), strict=True):  # the keyboard's way
        page.page.fill(f"#crop-{key}", str(value))
    assert page.page.inner_text("#crop-words") == "100 \u00d7 50 px from 50, 25"
    page.shot(f"{view}-{scheme}-crop")
    page.page.fill("#crop-w", "300")
    assert "reaches outside the first frame (200 \u00d7 100 px)" in page.page.inner_text(
        "#crop-error"
    )
    page.page.fill("#crop-w", "100")

    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])")
    assert page.page.inner_text("#result-frames") == "4"
    assert page.page.inner_text("#result-size").startswith("100 \u00d7 50 px")
    href = page.page.get_attribute("#result-download", "href")
    assert href is not None
    gif = stack.data_dir / "downloads" / href.removeprefix("/download/")
    assert read_gif_info(str(gif)).durations_ms == [100, 200, 300, 500]
    with Image.open(gif) as image:
        image.seek(3)
        last = image.convert("RGB")
    assert colour_of_area(last.crop((0, 0, 100, 20)))  # the still's crop, no caption up there
    captioned = {last.getpixel((x, y)) for x in range(100) for y in range(30, 50)}
    rgb = [c for c in captioned if isinstance(c, tuple)]
    assert any(min(c) > 220 for c in rgb) and any(max(c) < 40 for c in rgb)  # light, outlined
    page.page.locator("#result").scroll_into_view_if_needed()
    page.shot(f"{view}-{scheme}-crop-result")


def colour_of_area(area: Image.Image) -> bool:
    """The area is mostly the still's green (no caption up there)."""
    colours = area.getcolors(1 << 16) or []
    count, colour = max(colours, key=lambda c: c[0])
    return count > area.width * area.height * 0.9 and colour == (40, 170, 80)


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_semi_transparent_image_says_so_and_keeps_its_visible_parts(
    open_page: Any, tmp_path: Path, stack: RunningStack, view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    faded = tmp_path / "faded.png"
    Image.new("RGBA", (160, 100), (220, 40, 40, 110)).save(faded)
    pick(page, faded)
    note = page.page.locator("#frame-list .see-through")
    assert note.is_hidden()  # an opaque background shows it as a viewer does
    page.page.check("#transparent")
    assert note.is_visible() and "Partly see-through" in note.inner_text()
    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])")
    href = page.page.get_attribute("#result-download", "href")
    assert href is not None
    with Image.open(stack.data_dir / "downloads" / href.removeprefix("/download/")) as gif:
        pixel = gif.convert("RGBA").getpixel((80, 50))
    assert pixel == (220, 40, 40, 255)  # kept, not dropped as "less than half opaque"


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_refusals_collapse_into_one_line_per_reason_and_clear_all_clears_them(
    open_page: Any, tmp_path: Path, view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    texts = []
    for index in range(46):
        path = tmp_path / f"notes{index}.png"
        path.write_text("a text file with an image's name")
        texts.append(path)
    huge = tmp_path / "huge.png"
    Image.frombytes("RGB", (400, 400), bytes(range(256)) * 1875).save(huge, compress_level=0)
    assert huge.stat().st_size > MAX_FILE_BYTES
    pick(page, *make_frames(tmp_path, 103), *texts, huge)  # 150 files
    lines = page.page.locator("#refused-list li").all_inner_texts()
    assert len(lines) == 3, lines
    assert lines[0].startswith("Past the limit of 100 frames at once (3): f100.png")
    assert lines[1].startswith("Not a PNG, JPEG, GIF, WebP or BMP image (46): notes0.png")
    assert lines[1].endswith("and 43 more.")
    assert lines[2] == f"Larger than {size_words(MAX_FILE_BYTES)} (1): huge.png."
    assert page.page.inner_text("#refused-title") == "Not added: 50 files"
    height = page.page.locator("#refused").bounding_box()
    assert height is not None and height["height"] < 400
    page.js("window.scrollTo(0, 0)")
    page.shot(f"{view}-{scheme}-refused")
    page.page.click("text=Clear all")
    assert page.page.locator("#refused").is_hidden()
    assert page.names() == []


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_messages_name_fields_as_the_page_labels_them(
    open_page: Any, frames: dict[str, Path], view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    pick(page, frames["red"], frames["green"])
    page.page.fill("#delay", "5")
    assert page.page.inner_text("#create-summary") == "Check delay per frame."
    page.page.click("#create")
    message = "Delay per frame is 5 ms: it must be from 20 to 60000 ms."
    assert page.page.inner_text("#delay-error") == message
    assert page.page.get_attribute("#delay", "aria-invalid") == "true"
    assert page.js("document.activeElement.id") == "delay"
    assert page.page.locator("#status").is_hidden()  # nothing was sent
    page.page.fill("#delay", "100")
    page.page.locator("#frame-list .frame-delay input").nth(1).fill("5")
    assert page.page.inner_text("#create-summary") == "Check the delay of frame 2."
    page.page.click("#create")
    error = page.page.inner_text("#error")
    assert "The delay of frame 2 is 5 ms: it must be from 20 to 60000 ms." in error
    assert "durations" not in error and "not '5'" not in error
    assert page.js("document.activeElement.getAttribute('aria-label')").startswith(
        "Delay of frame 2"
    )


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_server_error_is_shown_with_the_focus_on_it_and_the_frames_stay(
    open_page: Any, frames: dict[str, Path], tmp_path: Path, view: str, scheme: str
):
    """A PNG whose text chunk has a wrong checksum: Chromium shows it, Pillow refuses it (422)."""
    buffer = io.BytesIO()
    Image.new("RGB", (160, 100), (40, 80, 220)).save(buffer, "PNG")
    png = buffer.getvalue()
    text = b"Comment\x00written by a broken tool"
    bad_crc = (zlib.crc32(b"tEXt" + text) + 1) & 0xFFFFFFFF
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", bad_crc)
    cut = tmp_path / "cut.png"
    cut.write_bytes(png[:33] + chunk + png[33:])  # after the signature and IHDR
    page = open_page(**VIEWS[view], color_scheme=scheme)
    page.expected_errors = ("status of 422",)  # the console notes the refused upload
    pick(page, frames["red"], cut)
    assert page.names() == ["c-red.png", "cut.png"]
    page.page.click("#create")
    page.page.wait_for_selector("#error:not([hidden])")
    assert (
        "cut.png could not be decoded: the file is truncated or corrupt."
        in page.page.inner_text("#error")
    )
    assert page.js("document.activeElement.id") == "error"
    assert on_screen(page, "#error")
    assert page.names() == ["c-red.png", "cut.png"]
    assert "flagged" in (page.page.locator("#frame-list li").nth(1).get_attribute("class") or "")
    page.shot(f"{view}-{scheme}-error")


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_every_control_shows_a_focus_ring(
    open_page: Any, frames: dict[str, Path], tmp_path: Path, view: str, scheme: str
):
    page = open_page(**VIEWS[view], color_scheme=scheme)
    pick(page, animated_gif(tmp_path), frames["green"])
    page.page.click("#crop summary")
    page.page.click("text=More options")
    page.page.fill("#crop-x", "10")  # the crop's Whole image button is enabled
    page.page.focus("#photo")  # the walk starts at the file picker
    page.js("document.activeElement.blur(); window.scrollTo(0, 0)")
    seen: list[str] = []
    for _ in range(60):
        page.page.keyboard.press("Tab")
        focused = page.js(
            """(() => { const e = document.activeElement;
            if (e === document.body) return null;
            const boxes = [e, ...(e.labels ?? [])].map(n => n.getBoundingClientRect())
                .filter(r => r.width > 0);
            const left = Math.min(...boxes.map(r => r.left));
            const top = Math.min(...boxes.map(r => r.top));
            const right = Math.max(...boxes.map(r => r.right));
            const bottom = Math.max(...boxes.map(r => r.bottom));
            const r = e.getBoundingClientRect();
            return {name: e.id || e.getAttribute('aria-label') || e.textContent.trim().slice(0, 24)
                || e.tagName, left, top, right, bottom, innerHeight, innerWidth,
                own: [Math.min(r.width, 40), Math.min(r.height, 40)]}; })()"""
        )
        if focused is None or focused["name"] in seen:
            break
        seen.append(focused["name"])
        pad = 7
        clip = {
            "x": max(0, focused["left"] - pad),
            "y": max(0, focused["top"] - pad),
            "width": min(focused["innerWidth"], focused["right"] + pad)
            - max(0, focused["left"] - pad),
            "height": min(focused["innerHeight"], focused["bottom"] + pad)
            - max(0, focused["top"] - pad),
        }
        with_ring = Image.open(io.BytesIO(page.page.screenshot(clip=clip))).convert("RGB")
        page.js("document.activeElement.blur()")
        without = Image.open(io.BytesIO(page.page.screenshot(clip=clip))).convert("RGB")
        changed = pixels_changed(with_ring, without)
        own = focused["own"]  # a line all around the control itself, at the least
        assert changed >= 2 * (own[0] + own[1]), f"{focused['name']}: no visible ring ({changed})"
    assert len(seen) >= 20, seen  # the walk reached the settings, not just the top
    assert "create" in seen and "fit-contain" in seen


def test_without_javascript_the_form_posts_and_shows_the_result(
    open_page: Any, frames: dict[str, Path], stack: RunningStack
):
    page = open_page(java_script_enabled=False)
    page.page.set_input_files("#photo", [str(frames["red"]), str(frames["green"])])
    page.page.fill("#delay", "250")
    page.shot("desktop-light-nojs")
    page.page.click("#create")
    page.page.wait_for_selector("text=Your GIF is ready")
    href = page.page.get_attribute("a[download]", "href")
    assert href is not None and href.startswith("/download/")
    gif = stack.data_dir / "downloads" / href.removeprefix("/download/")
    assert gif_colours(gif.read_bytes()) == ["red", "green"]
    assert read_gif_info(str(gif)).durations_ms == [250, 250]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_screens(open_page: Any, frames: dict[str, Path], scheme: str):
    page = open_page(**PHONE, color_scheme=scheme)
    page.shot(f"phone-{scheme}-empty")
    pick(page, frames["red"], frames["green"], frames["blue"])
    width = page.js("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    wait_for_estimate(page)
    page.shot(f"phone-{scheme}-frames")
    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])")
    page.page.locator("#result").scroll_into_view_if_needed()
    page.shot(f"phone-{scheme}-result")


def pixels_changed(one: Image.Image, other: Image.Image) -> int:
    moved = ImageChops.difference(one, other).convert("L").point(lambda v: 255 if v else 0)
    return moved.histogram()[255]


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.page.add_script_tag(path=str(AXE))
    result = page.js("(async () => (await axe.run(document)).violations)()")
    return list(result)  # every impact: minor and moderate count too


@pytest.mark.parametrize(("view", "scheme"), EVERYWHERE)
def test_axe_finds_no_accessibility_violations(
    open_page: Any, frames: dict[str, Path], tmp_path: Path, view: str, scheme: str
):
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/install --dev installs it from npm")
    page = open_page(**VIEWS[view], color_scheme=scheme, bypass_csp=True)
    states = {"empty": axe_violations(page)}
    notes = tmp_path / "notes.png"
    notes.write_text("not an image")
    faded = tmp_path / "faded.png"
    Image.new("RGBA", (160, 100), (220, 40, 40, 110)).save(faded)
    pick(page, animated_gif(tmp_path), frames["green"], faded, notes)
    page.page.check("#transparent")
    page.page.locator("#frame-list .frame-caption").nth(0).fill("Step one")
    page.page.click("#crop summary")
    page.page.fill("#crop-w", "120")
    states["frames"] = axe_violations(page)
    page.page.click("text=Compact view")
    states["compact"] = axe_violations(page)
    page.page.click("text=Compact view")
    page.page.fill("#delay", "5")
    page.page.click("#create")
    states["error"] = axe_violations(page)
    page.page.fill("#delay", "33")
    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])")
    states["result"] = axe_violations(page)
    found = {
        state: [(v["id"], v["impact"], len(v["nodes"])) for v in violations]
        for state, violations in states.items()
        if violations
    }
    assert found == {}, json.dumps(found)
