"""The encoders the bench compares, each run in a process of its own, and what each cost.

Every run goes through bench_spawn.py, so its peak RSS is its own. The Python runs (the
baseline, gifsvc, the floor) time their work themselves, after their imports, like a warm
worker; the external tools are timed from their start to their exit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parent
GIFSKI_NPM = SCRIPTS.parent / "node_modules" / "gifski" / "bin" / "debian" / "gifski"
TIMEOUT_S = 900
# ffmpeg's per-frame palettes: one palette per frame, error-diffused with Sierra-2-4A.
FFMPEG_FILTER = (
    "split[a][b];[a]palettegen=stats_mode=single[p];[b][p]paletteuse=new=1:dither=sierra2_4a"
)
Size = tuple[int, int]
BASELINE = "baseline (Pillow save)"
FFMPEG, GIFSKI = "ffmpeg palettegen/use", "gifski -Q 90"


@dataclass(frozen=True)
class Cost:
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    error: str | None = None


@dataclass(frozen=True)
class Workspace:
    """One set's files: the sources, the reference frames at the output size, the outputs."""

    sources: tuple[str, ...]
    references: tuple[str, ...]  # frame000.png, frame001.png... in one directory
    size: Size
    out_dir: Path
    duration_ms: int = 100


@dataclass(frozen=True)
class Encoder:
    name: str
    kind: str  # "baseline", "gifsvc" or "tool"
    file: str  # its GIF's name in the set's output directory
    run: Callable[[Workspace, Path], Cost]


@dataclass(frozen=True)
class Tools:
    gifsicle: str | None
    ffmpeg: str | None
    gifski: str | None


def find_tools() -> Tools:
    gifski = str(GIFSKI_NPM) if os.access(GIFSKI_NPM, os.X_OK) else shutil.which("gifski")
    return Tools(shutil.which("gifsicle"), shutil.which("ffmpeg"), gifski)


def spawn(argv: list[str]) -> Cost:
    """Run argv to its end through bench_spawn.py; what it cost, or why it failed."""
    launcher = [sys.executable, "-I", "-S", str(SCRIPTS / "bench_spawn.py"), *argv]
    with subprocess.Popen(
        launcher, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as proc:
        try:
            out, err = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the launcher's own session: it and its child
            proc.communicate()
            return Cost(0, 0, 0, error=f"timed out after {TIMEOUT_S} s")
    lines = out.strip().splitlines()
    if not lines:
        return Cost(0, 0, 0, error=_last_line(err) or "the launcher failed")
    report = json.loads(lines[-1])
    failed = report["exit_code"] != 0
    error = (_last_line(err) or f"exit code {report['exit_code']}") if failed else None
    return Cost(report["wall_s"], report["cpu_s"], report["peak_rss_kib"] / 1024, error)


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def run_python(kind: str, inputs: tuple[str, ...], ws: Workspace, out: Path, **job: Any) -> Cost:
    """A job of bench_child.py; its wall and CPU time are the work's alone."""
    result = out.with_name(out.name + ".cost.json")
    job |= {"kind": kind, "inputs": inputs, "out": str(out), "size": ws.size}
    job |= {"duration_ms": ws.duration_ms, "result": str(result)}
    cost = spawn([sys.executable, str(SCRIPTS / "bench_child.py"), json.dumps(job)])
    if cost.error is not None:
        return cost
    own = json.loads(result.read_text())
    result.unlink()
    return replace(cost, wall_s=own["wall_s"], cpu_s=own["cpu_s"])


def baseline(ws: Workspace, out: Path) -> Cost:
    return run_python("baseline", ws.references, ws, out)


def floor(ws: Workspace) -> Cost:
    return run_python("floor", ws.sources, ws, ws.out_dir / "floor")


def gifsvc(quality: str, max_bytes: int | None = None) -> Callable[[Workspace, Path], Cost]:
    def run(ws: Workspace, out: Path) -> Cost:
        return run_python("gifsvc", ws.sources, ws, out, quality=quality, max_bytes=max_bytes)

    return run


def estimate(ws: Workspace, quality: str, max_bytes: int | None) -> tuple[int, float] | None:
    """POST /api/estimate's answer for the set (its bytes and seconds); None if it failed."""
    out = ws.out_dir / f"estimate-{max_bytes or 0}.gif"
    answer = out.with_suffix(".json")
    job = {"quality": quality, "max_bytes": max_bytes, "estimate": str(answer)}
    cost = run_python("estimate", ws.sources, ws, out, **job)
    if cost.error is not None or not answer.exists():
        return None
    found = json.loads(answer.read_text())
    return int(found["bytes"]), float(found["seconds"])


def gifsicle(tool: str, *flags: str) -> Callable[[Workspace, Path], Cost]:
    """gifsicle's optimiser on the baseline's GIF (so run after the baseline)."""

    def run(ws: Workspace, out: Path) -> Cost:
        return spawn([tool, "-O3", *flags, str(ws.out_dir / "baseline.gif"), "-o", str(out)])

    return run


def ffmpeg(tool: str) -> Callable[[Workspace, Path], Cost]:
    def run(ws: Workspace, out: Path) -> Cost:
        pattern = str(Path(ws.references[0]).with_name("frame%03d.png"))
        fps = f"{1000 / ws.duration_ms:g}"
        argv = [tool, "-v", "error", "-y", "-framerate", fps, "-i", pattern]
        return spawn([*argv, "-lavfi", FFMPEG_FILTER, str(out)])

    return run


def gifski(tool: str) -> Callable[[Workspace, Path], Cost]:
    def run(ws: Workspace, out: Path) -> Cost:
        width, height = ws.size
        argv = [tool, "-q", "-Q", "90", "--no-sort", "-r", f"{1000 / ws.duration_ms:g}"]
        argv += ["-W", str(width), "-H", str(height), "-o", str(out)]
        return spawn([*argv, *ws.references])

    return run


def gifsvc_label(quality: str, default: str) -> str:
    return f"gifsvc {quality}" + (" (default)" if quality == default else "")


def encoders(tools: Tools, qualities: tuple[str, ...], default: str) -> list[Encoder]:
    """Everything to run on a set, in order (gifsicle reads the baseline's output)."""
    chosen = [Encoder(BASELINE, "baseline", "baseline.gif", baseline)]
    for quality in qualities:
        label = gifsvc_label(quality, default)
        chosen.append(Encoder(label, "gifsvc", f"gifsvc-{quality}.gif", gifsvc(quality)))
    if tools.gifsicle:
        plain, lossy = gifsicle(tools.gifsicle), gifsicle(tools.gifsicle, "--lossy=20")
        chosen.append(Encoder("gifsicle -O3", "tool", "gifsicle.gif", plain))
        chosen.append(Encoder("gifsicle -O3 --lossy=20", "tool", "gifsicle-lossy.gif", lossy))
    if tools.ffmpeg:
        chosen.append(Encoder(FFMPEG, "tool", "ffmpeg.gif", ffmpeg(tools.ffmpeg)))
    if tools.gifski:
        chosen.append(Encoder(GIFSKI, "tool", "gifski.gif", gifski(tools.gifski)))
    return chosen
