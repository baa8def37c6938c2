"""What the bench ran on (versions, tools, quantizers), for its headline and its JSON."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

import PIL
from bench_corpus import SEED
from bench_draw import FONT_DIR
from bench_runs import Tools
from PIL import Image, features

REPO = Path(__file__).resolve().parents[1]


def describe(quick: bool, tools: Tools) -> dict[str, Any]:
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": quick,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "pillow_quantizers": [q.name for q in Image.Quantize],
        "libimagequant": bool(features.check_feature("libimagequant")),
        "numpy": _version("numpy"),
        "scikit-image": _version("scikit-image"),
        "font": "DejaVu Sans" if FONT_DIR.is_dir() else "Pillow's bundled font",
        "seed": SEED,
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "service_modified": bool(_git("status", "--porcelain", "--", "service")),
        "tools": {
            "gifsicle": tools.gifsicle and _tool_version(tools.gifsicle, "--version"),
            "ffmpeg": tools.ffmpeg and _tool_version(tools.ffmpeg, "-version"),
            "gifski": tools.gifski and _tool_version(tools.gifski, "--version"),
        },
    }


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _tool_version(tool: str, flag: str) -> str:
    done = subprocess.run([tool, flag], capture_output=True, text=True, check=False)
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].split(" Copyright")[0] if lines else "unknown version"


def headline(meta: dict[str, Any]) -> str:
    quantizers = ", ".join(meta["pillow_quantizers"])
    liq = "built in" if meta["libimagequant"] else "NOT built into this Pillow"
    tools = "; ".join(f"{name}: {version or 'missing'}" for name, version in meta["tools"].items())
    state = " + uncommitted changes in service/" if meta["service_modified"] else ""
    return "\n".join(
        [
            f"gifsvc bench{' --quick' if meta['quick'] else ''}, {meta['date']}, "
            f"commit {meta['git_commit']}{state}",
            f"{meta['cpus']} CPUs, Python {meta['python']}, Pillow {meta['pillow']}, "
            f"numpy {meta['numpy']}, scikit-image {meta['scikit-image']}, font {meta['font']}",
            f"Pillow quantizers: {quantizers} (libimagequant {liq})",
            f"tools: {tools}",
        ]
    )


def footnotes() -> str:
    return "\n".join(
        [
            "bytes: the GIF's size; x base: bytes / the baseline's bytes.",
            "PSNR, SSIM: mean over the frames against the source resized as gifsvc does;"
            " bPSNR, bSSIM: the same after a 1-px Gaussian blur of both (closer to an eye).",
            "baseline: Pillow's save(save_all=True) on the resized frames, default settings.",
            "gifsicle rows: gifsicle alone, run on the baseline's GIF.",
            "gifski is multi-threaded (CPU s can pass wall s); every other run uses one core.",
            "wall s grows when other work shares the machine; CPU s is the steadier figure.",
            "Python runs (baseline, gifsvc, floor) are timed after their imports, like a warm"
            " worker; their RSS includes the interpreter and Pillow.",
            "RSS: each run's own peak (forked from a small launcher, whose ~5 MiB is the floor).",
        ]
    )
