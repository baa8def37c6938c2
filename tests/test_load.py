"""scripts/load, small: the real stack (nginx + aiohttp) under concurrent clients and a burst,
and beside two attacks: uploads hung up on mid-composition, and slow-header connections.

The script itself checks every answer (each 201 downloads as the GIF of its own upload, each
503 is `busy` with a Retry-After); here its figures are held to that, and its GIF check is
shown to catch a GIF that is someone else's.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from .stack import nginx_or_skip

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from load_abandon import FREED_BOUND_S, NORMAL_P95_BOUND_S  # noqa: E402
from load_cases import SMALL  # noqa: E402
from load_frames import colour, gif_problem, small_upload  # noqa: E402


def gif_of(colours: list[tuple[int, int, int]]) -> bytes:
    frames = [Image.new("RGB", (64, 48), c) for c in colours]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def test_gif_check_accepts_the_clients_own_gif():
    assert gif_problem(gif_of([colour(3, k) for k in range(3)]), small_upload(3)) is None


def test_gif_check_catches_another_clients_gif():
    problem = gif_problem(gif_of([colour(4, k) for k in range(3)]), small_upload(3))
    assert problem is not None and "client 3" in problem


def test_gif_check_catches_missing_frames_and_non_gifs():
    assert "frames" in str(gif_problem(gif_of([colour(3, 0), colour(3, 1)]), small_upload(3)))
    assert "not a" in str(gif_problem(small_upload(3).files[0], small_upload(3)))


def small_load(cases: list[str], tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The figures of `scripts/load --small` over these cases; every case failure-free."""
    nginx_or_skip()
    figures_path = tmp_path / "load.json"
    command = [sys.executable, "scripts/load.py", "--small", "--cases", ",".join(cases)]
    run = subprocess.run(
        [*command, "--json", str(figures_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    figures = {case["name"]: case for case in json.loads(figures_path.read_text())["cases"]}
    assert list(figures) == cases
    for case in figures.values():
        assert case["statuses"]["201"] > 0, case
        assert case["statuses"]["other"] == 0, case
        assert case["failures"] == 0, case["failure_reasons"]
    return figures


@pytest.mark.timeout(150)
def test_small_load_keeps_the_contract(tmp_path: Path):
    cases = small_load(["concurrent", "burst"], tmp_path)
    burst = cases["burst"]
    assert burst["statuses"]["503"] > 0, burst
    assert burst["busy_with_retry_after"] == burst["statuses"]["503"]


@pytest.mark.timeout(150)
def test_abandoned_uploads_free_the_pool_and_spare_normal_users(tmp_path: Path):
    case = small_load(["abandoned"], tmp_path)["abandoned"]
    attack = case["attack"]
    assert case["statuses"]["201"] == case["requests"]  # every normal user got their GIF
    assert attack["sent"] >= 2 * attack["wanted"]  # two waves at least, while they uploaded
    assert attack["answered_before_hang_up"] == []  # each abandoned job was composing
    assert attack["pool_freed_ms"]  # idle within seconds of each hang-up, not a minute:
    assert max(attack["pool_freed_ms"]) < FREED_BOUND_S * 1000
    p95_ms = case["upload_latency_ms"]["small 201"]["p95"]
    assert p95_ms < NORMAL_P95_BOUND_S * 1000  # not a minute behind the abandoned jobs


@pytest.mark.timeout(150)
def test_slow_headers_from_one_address_spare_normal_users(tmp_path: Path):
    case = small_load(["slowheaders"], tmp_path)["slowheaders"]
    attack = case["attack"]
    assert case["statuses"]["201"] == case["requests"]
    # All held at once, and the normal users started only then.
    assert attack["held_peak"] == attack["wanted"] == SMALL.slow_connections
    assert not [line for line in case["log_errors"] if "worker_connections" in line]
