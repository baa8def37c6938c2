"""scripts/smoke: passes against the real local stack, fails fast against a broken one."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from service.compose.gifsicle import ENCODER_PASSES
from service.ops.smoke import CHECKS
from service.ops.smoke_checks import (
    FRAME_SIZE,
    FRAMES,
    check_created,
    check_passes,
    gif_frame_colours,
)
from service.ops.smoke_http import CheckFailed

from .stack import RunningStack, free_port, nginx_or_skip, start_stack, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
TOTAL = len(CHECKS)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    nginx_or_skip()
    running = start_stack(tmp_path_factory.mktemp("smoke") / "data")
    yield running
    assert running.stop() == 0, running.log.read_text()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """aiohttp alone on its port, serving downloads itself: the mode without nginx."""
    port = free_port()
    env = os.environ | {
        "GIFSVC_DATA_DIR": str(tmp_path_factory.mktemp("embedded") / "data"),
        "GIFSVC_PORT": str(port),
        "GIFSVC_WORKERS": "1",
        "GIFSVC_BEHIND_NGINX": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "service"], env=env, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0


def smoke(*args: str, script: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the smoke test: through scripts/smoke, or its module directly (no install step)."""
    argv = (
        [str(ROOT / "scripts" / "smoke")] if script else [sys.executable, "-m", "service.ops.smoke"]
    )
    return subprocess.run(
        [*argv, *args], capture_output=True, text=True, timeout=180, cwd=ROOT, check=False
    )


def verdict(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout.splitlines()[-1]


def failed_checks(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [
        line.split(":")[0].removeprefix("FAIL ")
        for line in result.stdout.splitlines()
        if line.startswith("FAIL ")
    ]


def test_smoke_passes_against_the_local_stack(stack: RunningStack):
    result = smoke(stack.url + "/", script=True)  # with the trailing slash cdk deploy prints
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdict(result) == f"smoke: PASS ({TOTAL} checks)"
    assert sum(line.startswith("ok   ") for line in result.stdout.splitlines()) == TOTAL
    assert "ok   download headers: image/gif, attachment, nosniff, from nginx" in result.stdout


def test_smoke_fails_fast_where_nothing_listens():
    started = time.monotonic()
    result = smoke(f"http://127.0.0.1:{free_port()}")
    assert time.monotonic() - started < 20
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdict(result) == f"smoke: FAIL ({TOTAL} of {TOTAL} checks failed)"
    assert "FAIL healthz: cannot connect to 127.0.0.1:" in result.stdout
    assert "Traceback" not in result.stderr


def test_smoke_fails_when_nginx_does_not_serve_the_downloads(embedded: str):
    result = smoke(embedded)
    assert result.returncode == 1
    assert failed_checks(result) == ["download headers"]
    assert "want nginx" in result.stdout
    assert verdict(result) == f"smoke: FAIL (1 of {TOTAL} checks failed)"


def test_smoke_no_nginx_passes_against_the_embedded_mode(embedded: str):
    result = smoke(embedded.removeprefix("http://"), "--no-nginx")  # the scheme may be left out
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdict(result) == f"smoke: PASS ({TOTAL} checks)"


def test_smoke_fails_when_aiohttp_behind_nginx_is_asked_for_downloads(stack: RunningStack):
    """The app port of the nginx stack does not serve /download/: the GIF checks must fail."""
    result = smoke(stack.app_url, "--no-nginx")
    assert result.returncode == 1
    assert failed_checks(result) == ["download", "download headers", "inline download"]


def test_smoke_help_explains_usage_and_a_bad_url_is_a_usage_error():
    help_result = smoke("--help")
    assert help_result.returncode == 0
    assert "scripts/smoke" in help_result.stdout and "--no-nginx" in help_result.stdout
    bad = smoke("ftp://example.com/")
    assert bad.returncode == 2 and "not an http:// or https:// URL" in bad.stderr


def test_gif_frame_colours_reads_each_frame_as_shown():
    frames = [Image.new("RGB", FRAME_SIZE, colour) for _, _, colour in FRAMES]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)
    assert gif_frame_colours(buffer.getvalue()) == [colour for _, _, colour in FRAMES]
    with pytest.raises(CheckFailed, match="not a GIF"):
        gif_frame_colours(b"\x89PNG\r\n\x1a\n")


def test_created_json_with_merged_frames_or_a_wrong_location_fails():
    gif_id = "0123456789abcdef0123456789abcdef"
    url = f"/download/{gif_id}.gif"
    created = {"id": gif_id, "url": url, "frames": 4, "durations_ms": [120] * 4, "loop": 0}
    check_created(created, url)
    check_created(created, f"http://203.0.113.5:8888{url}")
    with pytest.raises(CheckFailed, match="frames 3, want 4"):
        check_created(created | {"frames": 3, "durations_ms": [120, 120, 240]}, url)
    with pytest.raises(CheckFailed, match="Location"):
        check_created(created, "/download/other.gif")


def test_healthz_without_the_tested_encoder_passes_fails():
    assert check_passes({"encoder_passes": list(ENCODER_PASSES)}) == list(ENCODER_PASSES)
    with pytest.raises(CheckFailed, match=r"encoder passes missing on the host: gifsicle 1\.93"):
        check_passes({"encoder_passes": []})
    with pytest.raises(CheckFailed, match="no encoder_passes"):
        check_passes({"status": "ok"})
