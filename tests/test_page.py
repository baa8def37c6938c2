"""The upload page in a real headless Chromium, against the real stack (nginx + aiohttp).

Screenshots of the main states, at desktop and phone width, light and dark, land in
test-artifacts/screenshots/ for a reviewer to look at without running anything.
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
from PIL import Image

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
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
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

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

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


def wait_until(page: Page, expression: str, timeout_s: float = 30) -> None:
    """Poll from Python: the page's CSP forbids the eval that wait_for_function relies on."""
    deadline = time.monotonic() + timeout_s
    while not page.page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


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
    page.page.wait_for_selector("#estimate:not([hidden])")  # from POST /api/estimate
    assert page.page.inner_text("#estimate").startswith("About ")
    assert "160 \u00d7 100 px" in page.page.inner_text("#estimate")
    page.shot("desktop-light-frames")

    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])")
    page.shot("desktop-light-result")
    assert page.page.inner_text("#result-frames") == "3"
    assert page.page.inner_text("#result-plays") == "once"

    with page.page.expect_download() as download:
        page.page.click("#result-download")
    saved = tmp_path / "made.gif"
    download.value.save_as(saved)
    assert gif_colours(saved.read_bytes()) == ["blue", "red", "green"]
    info = read_gif_info(str(saved))
    assert info.durations_ms == [120, 120, 120]
    assert info.loop_extension is None  # plays once: no loop extension


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
    page.shot("desktop-light-result-noise")
    numbers = [float(v) for v in seen["values"] if v not in (None, "")]
    assert numbers and max(numbers) > min(numbers)  # the bar moved while bytes went out
    assert {"Uploading", "Composing"} <= set(seen["texts"])


def test_keyboard_and_buttons_arrange_frames(open_page: Any, frames: dict[str, Path]):
    page = open_page()
    pick(page, frames["red"], frames["green"], frames["blue"])
    page.page.locator("#frame-list .handle").nth(0).focus()
    page.page.keyboard.press("ArrowDown")
    assert page.names() == ["a-green.png", "c-red.png", "b-blue.png"]
    focused = page.page.evaluate("document.activeElement.getAttribute('aria-label')")
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


def test_refused_files_are_flagged_on_the_spot_naming_the_file(open_page: Any, tmp_path: Path):
    page = open_page()
    notes = tmp_path / "notes.png"
    notes.write_text("a text file with an image's name")
    huge = tmp_path / "huge.png"
    Image.frombytes("RGB", (400, 400), bytes(range(256)) * 1875).save(huge, compress_level=0)
    assert huge.stat().st_size > MAX_FILE_BYTES
    pick(page, notes, huge)
    refused = page.page.inner_text("#refused-list")
    assert "notes.png is not a PNG, JPEG, GIF, WebP or BMP image." in refused
    assert f"huge.png is larger than {size_words(MAX_FILE_BYTES)}." in refused
    assert page.names() == []
    page.shot("desktop-light-refused")


def test_field_the_server_would_refuse_is_caught_with_its_message(
    open_page: Any, frames: dict[str, Path]
):
    page = open_page()
    pick(page, frames["red"])
    page.page.fill("#delay", "5")
    page.page.click("#create")
    message = "duration must be a whole number of milliseconds from 20 to 60000, not '5'."
    assert page.page.inner_text("#delay-error") == message
    assert page.page.get_attribute("#delay", "aria-invalid") == "true"
    assert page.page.evaluate("document.activeElement.id") == "delay"
    assert page.page.locator("#status").is_hidden()  # nothing was sent


def test_server_error_is_shown_and_the_frames_stay(
    open_page: Any, frames: dict[str, Path], tmp_path: Path
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
    page = open_page(color_scheme="dark")
    page.expected_errors = ("status of 422",)  # the console notes the refused upload
    pick(page, frames["red"], cut)
    assert page.names() == ["c-red.png", "cut.png"]
    page.page.click("#create")
    page.page.wait_for_selector("#error:not([hidden])")
    assert (
        "cut.png could not be decoded: the file is truncated or corrupt."
        in page.page.inner_text("#error")
    )
    assert page.names() == ["c-red.png", "cut.png"]
    assert "flagged" in (page.page.locator("#frame-list li").nth(1).get_attribute("class") or "")
    page.shot("desktop-dark-error")


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
    width = page.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    page.shot(f"phone-{scheme}-frames")
    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])")
    page.shot(f"phone-{scheme}-result")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.page.add_script_tag(path=str(AXE))
    result = page.page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(
    open_page: Any, frames: dict[str, Path], tmp_path: Path, scheme: str
):
    if not AXE.exists():
        pytest.fail("axe-core is missing: scripts/install --dev installs it from npm")
    page = open_page(color_scheme=scheme, bypass_csp=True)
    states = {"empty": axe_violations(page)}
    notes = tmp_path / "notes.png"
    notes.write_text("not an image")
    pick(page, frames["red"], frames["green"], notes)
    states["frames"] = axe_violations(page)
    page.page.click("#create")
    page.page.wait_for_selector("#result:not([hidden])")
    states["result"] = axe_violations(page)
    found = {
        state: [(v["id"], v["impact"], len(v["nodes"])) for v in violations]
        for state, violations in states.items()
        if violations
    }
    assert found == {}, json.dumps(found)
