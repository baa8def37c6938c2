"""scripts/bench: gifsvc's compose core against Pillow's plain save and the field's tools.

Recreates the corpus (bench_corpus.py), runs every encoder on every set in a process of its own
(bench_runs.py), scores each GIF against the frames it was made from (bench_metrics.py), prints
the tables (bench_report.py) and writes everything as JSON for later comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_corpus import SETS, FrameSet, make_set, memory_frames, save_frames
from bench_meta import describe, footnotes, headline
from bench_metrics import Quality, measure_quality
from bench_report import (
    MemoryRow,
    Row,
    SetResult,
    comparison_table,
    comparisons,
    memory_table,
    memory_verdict,
    set_table,
    summary_table,
)
from bench_runs import (
    BASELINE,
    FFMPEG,
    GIFSKI,
    Cost,
    Encoder,
    Tools,
    Workspace,
    baseline,
    encoders,
    find_tools,
    floor,
    gifsvc,
    gifsvc_label,
)
from PIL import Image

from service.compose.images import open_frame
from service.compose.layout import fit_frame, output_size
from service.compose.options import QUALITIES, ComposeOptions

REPO = Path(__file__).resolve().parents[1]
DURATION_MS = 100
MAX_PIXELS = 50_000_000
MEMORY_FRAMES, QUICK_MEMORY_FRAMES = (10, 50, 200), (5, 10, 20)
MEMORY_TARGET_MIB = 150  # gifsvc's peak RSS at 200 frames, nearly flat in the frame count
DEFAULT_MAX_SIDE = ComposeOptions(durations_ms=(DURATION_MS,)).max_side
QUICK_MAX_SIDE = 480  # --quick scales every set down to this side (scoring dominates its time)
DEFAULT_QUALITY = ComposeOptions(durations_ms=(DURATION_MS,)).quality
ALL_SETS = (*SETS, "memory")
STARTED = time.monotonic()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(ALL_SETS), help="comma-separated: %(default)s")
    parser.add_argument(
        "--quick", action="store_true", help="3 frames a set at 480 px; memory 5/10/20"
    )
    parser.add_argument("--json", default=str(REPO / "bench-results.json"), help="results file")
    parser.add_argument("--out", help="keep the GIFs in this directory (default: a temp dir)")
    args = parser.parse_args(argv)
    args.sets = [name.strip() for name in args.sets.split(",") if name.strip()]
    if unknown := set(args.sets) - set(ALL_SETS):
        parser.error(f"unknown sets {sorted(unknown)}; choose from {', '.join(ALL_SETS)}")
    return args


def progress(message: str) -> None:
    elapsed = time.monotonic() - STARTED
    print(f"bench [{elapsed:5.0f} s]: {message}", file=sys.stderr, flush=True)


def prepare(frame_set: FrameSet, ref_dir: Path, out_dir: Path, max_side: int) -> Workspace:
    """The set's output size as gifsvc picks it, and its frames resized as gifsvc does."""
    count = len(frame_set.paths)
    first = open_frame(frame_set.paths[0], "frame000.png", MAX_PIXELS)
    picking = ComposeOptions(durations_ms=(DURATION_MS,) * count, max_side=max_side)
    width, height = output_size(first.size, picking)
    options = ComposeOptions(durations_ms=(DURATION_MS,) * count, width=width, height=height)
    resized = (
        fit_frame(open_frame(path, Path(path).name, MAX_PIXELS), (width, height), options)
        for path in frame_set.paths
    )
    references = save_frames((f.convert("RGB") for f in resized), ref_dir, compress_level=1)
    out_dir.mkdir(parents=True, exist_ok=True)
    return Workspace(frame_set.paths, references, (width, height), out_dir, DURATION_MS)


def to_row(encoder: Encoder, cost: Cost, gif: Path, scored: Future[Quality] | None) -> Row:
    metrics: dict[str, Any] = dict.fromkeys(("psnr", "psnr_blur", "ssim", "ssim_blur", "frames"))
    error = cost.error
    if scored is not None:
        try:
            metrics = asdict(scored.result())
        except Exception as exc:  # an unreadable or wrongly sized GIF is a finding, not a crash
            error = f"scoring failed: {exc}"
    return Row(
        encoder=encoder.name,
        kind=encoder.kind,
        bytes=gif.stat().st_size if gif.exists() and cost.error is None else 0,
        wall_s=cost.wall_s,
        cpu_s=cost.cpu_s,
        peak_rss_mib=cost.peak_rss_mib,
        error=error,
        **metrics,
    )


def bench_set(
    name: str, work: Path, out_root: Path, tools: Tools, quick: bool, pool: ProcessPoolExecutor
) -> SetResult:
    progress(f"{name}: making the frames")
    frame_set = make_set(name, work / "sources", quick)
    max_side = QUICK_MAX_SIDE if quick else DEFAULT_MAX_SIDE
    ws = prepare(frame_set, work / "refs" / name, out_root / name, max_side)
    progress(f"{name}: the floor (decode + resize)")
    floor_cost = floor(ws)
    runs = []
    for encoder in encoders(tools, QUALITIES, DEFAULT_QUALITY):
        progress(f"{name}: {encoder.name}")
        runs.append((encoder, encoder.run(ws, ws.out_dir / encoder.file)))
    progress(f"{name}: scoring")
    scores = [
        None
        if cost.error
        else pool.submit(measure_quality, str(ws.out_dir / e.file), ws.references, DURATION_MS)
        for e, cost in runs
    ]
    rows = [to_row(e, c, ws.out_dir / e.file, s) for (e, c), s in zip(runs, scores, strict=True)]
    result = SetResult(name, len(ws.sources), ws.size, floor_cost, rows, missing_tools(tools))
    print(set_table(result, BASELINE) + "\n", flush=True)
    return result


def missing_tools(tools: Tools) -> list[str]:
    names = {"gifsicle": tools.gifsicle, "ffmpeg": tools.ffmpeg, "gifski": tools.gifski}
    return [f"{tool}: not installed, skipped" for tool, path in names.items() if path is None]


def bench_memory(work: Path, out_root: Path, quick: bool) -> list[MemoryRow]:
    """Peak RSS of one composition of 1280x720 frames as the frame count grows."""
    counts = QUICK_MEMORY_FRAMES if quick else MEMORY_FRAMES
    progress(f"memory: making {max(counts)} frames")
    paths = memory_frames(work / "sources" / "memory", max(counts))
    with Image.open(paths[0]) as first:
        size = first.size  # already the output size: the sources are their own references
    runners = (
        (BASELINE, "baseline", baseline),
        (gifsvc_label(DEFAULT_QUALITY, DEFAULT_QUALITY), "gifsvc", gifsvc(DEFAULT_QUALITY)),
    )
    rows = []
    for count in counts:
        ws = Workspace(paths[:count], paths[:count], size, out_root / "memory", DURATION_MS)
        ws.out_dir.mkdir(parents=True, exist_ok=True)
        for label, slug, run in runners:
            progress(f"memory: {label}, {count} frames")
            out = ws.out_dir / f"{slug}-{count}.gif"
            cost = run(ws, out)
            written = out.stat().st_size if out.exists() and cost.error is None else 0
            rows.append(MemoryRow(count, label, written, **asdict(cost)))
    print("== memory: peak RSS of one composition of 1280x720 UI frames ==")
    print(memory_table(rows))
    print(memory_verdict(rows, MEMORY_TARGET_MIB) + "\n", flush=True)
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    tools = find_tools()
    meta = describe(args.quick, tools)
    print(headline(meta) + "\n", flush=True)
    subject = gifsvc_label(DEFAULT_QUALITY, DEFAULT_QUALITY)
    with tempfile.TemporaryDirectory(prefix="gifsvc-bench-") as tmp, ProcessPoolExecutor() as pool:
        work = Path(tmp)
        out_root = Path(args.out) if args.out else work / "gifs"
        sets = [name for name in args.sets if name != "memory"]
        results = [bench_set(name, work, out_root, tools, args.quick, pool) for name in sets]
        found = [c for r in results for c in comparisons(r, subject, [BASELINE, FFMPEG, GIFSKI])]
        if results:
            print(f"== {subject} against the baseline and the best tools ==")
            print(comparison_table(found) + "\n")
            print("== every set together ==")
            print(summary_table(results, BASELINE) + "\n")
        memory = bench_memory(work, out_root, args.quick) if "memory" in args.sets else []
    print(footnotes() + "\n")
    document: dict[str, Any] = {
        "meta": meta,
        "sets": {r.name: asdict(r) for r in results},
        "comparisons": [asdict(c) for c in found],
        "memory": [asdict(m) for m in memory],
    }
    Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
    print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
