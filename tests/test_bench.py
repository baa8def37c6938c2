"""scripts/bench runs end to end on a quick set and writes rows the next run can compare with."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "scripts" / "bench.py"


def _bench_extra_installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in ("skimage", "numpy"))


@pytest.mark.skipif(
    not _bench_extra_installed(),
    reason="the bench's extra is not installed (scripts/bench installs it)",
)
def test_quick_bench_writes_baseline_and_gifsvc_rows(tmp_path: Path):
    results = tmp_path / "bench.json"
    subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--sets", "ui", "--json", str(results)],
        check=True,
        capture_output=True,
        timeout=90,
    )
    rows = json.loads(results.read_text())["sets"]["ui"]["rows"]
    by_kind = {kind: [r for r in rows if r["kind"] == kind] for kind in ("baseline", "gifsvc")}
    assert by_kind["baseline"] and by_kind["gifsvc"]
    for row in by_kind["baseline"] + by_kind["gifsvc"]:
        assert row["error"] is None, row
        assert row["bytes"] > 0 and row["psnr"] > 0, row
