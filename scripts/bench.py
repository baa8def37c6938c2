"""scripts/bench: gifsvc's compose core against Pillow's plain save and the field's tools.

Recreates the corpus (bench_corpus.py), runs every encoder on every set in a process of its own
(bench_runs.py), scores each GIF against the frames it was made from (bench_metrics.py), prints
the tables (bench_report.py) and writes everything as JSON for later comparison.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_corpus import SETS, FrameSet, make_set, memory_frames, save_frames, skimage_photos
from bench_meta import describe, footnotes, headline
from bench_metrics import Quality, measure_quality
from bench_real import phone_jpegs
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
    estimate,
    find_tools,
    floor,
    gifsvc,
    gifsvc_label,
)
from bench_targets import (
    EstimateCheck,
    Verdict,
    big_verdicts,
    estimate_verdicts,
    memory_verdicts,
    set_verdicts,
    verdict_table,
    versus_table,
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
ALL_SETS = (*SETS, "memory", "phone40")
BIG_FRAMES, QUICK_BIG_FRAMES = 40, 4
MAX_BYTES_SHARE = 0.6  # the estimate's max_bytes case asks for this share of the default's bytes
ESTIMATE_RUNS = 3
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
    # Decoded as gifsvc decodes (a large JPEG at a fraction of its size, libjpeg's DCT
    # scaling), so every encoder starts from the same pixels.
    resized = (
        fit_frame(
            open_frame(path, Path(path).name, MAX_PIXELS, (width, height)), (width, height), options
        )
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
) -> tuple[SetResult, list[EstimateCheck]]:
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
    return result, check_estimates(
        name, ws, result.row(gifsvc_label(DEFAULT_QUALITY, DEFAULT_QUALITY))
    )


def check_estimates(name: str, ws: Workspace, default: Row | None) -> list[EstimateCheck]:
    """POST /api/estimate's answers against the default's real bytes and time, and against a
    composition asked to land under MAX_BYTES_SHARE of those bytes. Times are the median of
    ESTIMATE_RUNS runs on each side: a run alone varies by a tenth or more on a shared machine."""
    if default is None:
        return []
    progress(f"{name}: estimates")
    checks = []
    walls = [
        default.wall_s,
        *(
            gifsvc(DEFAULT_QUALITY)(ws, ws.out_dir / "again.gif").wall_s
            for _ in range(ESTIMATE_RUNS - 1)
        ),
    ]
    guess = _median_estimate(ws, None)
    if guess is not None:
        real = (default.bytes, statistics.median(walls))
        checks.append(EstimateCheck(name, "default", guess, real))
    target = round(default.bytes * MAX_BYTES_SHARE)
    out = ws.out_dir / "gifsvc-max-bytes.gif"
    costs = [gifsvc(DEFAULT_QUALITY, target)(ws, out) for _ in range(ESTIMATE_RUNS)]
    guess = _median_estimate(ws, target)
    if guess is not None and all(cost.error is None for cost in costs):
        real = (out.stat().st_size, statistics.median(cost.wall_s for cost in costs))
        checks.append(EstimateCheck(name, f"max_bytes={target}", guess, real))
    return checks


def _median_estimate(ws: Workspace, max_bytes: int | None) -> tuple[int, float] | None:
    guesses = [estimate(ws, DEFAULT_QUALITY, max_bytes) for _ in range(ESTIMATE_RUNS)]
    if any(guess is None for guess in guesses):
        return None
    found = [guess for guess in guesses if guess is not None]
    return found[0][0], statistics.median(seconds for _, seconds in found)


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


def bench_big(work: Path, out_root: Path, quick: bool) -> tuple[int, Cost]:
    """40 phone photos (12 Mpx JPEGs, EXIF-rotated) through the default, at the default size."""
    count = QUICK_BIG_FRAMES if quick else BIG_FRAMES
    progress(f"phone40: making {count} phone JPEGs")
    paths = phone_jpegs(count, work / "sources" / "phone40", skimage_photos(), 40)
    first = open_frame(paths[0], "frame000.jpg", MAX_PIXELS)
    size = output_size(first.size, ComposeOptions(durations_ms=(DURATION_MS,)))
    ws = Workspace(paths, paths, size, out_root / "phone40", DURATION_MS)
    ws.out_dir.mkdir(parents=True, exist_ok=True)
    progress(f"phone40: {count} photos to {size[0]}x{size[1]}")
    cost = gifsvc(DEFAULT_QUALITY)(ws, ws.out_dir / "gifsvc.gif")
    megabytes = sum(Path(p).stat().st_size for p in paths) / 1e6
    print(f"== phone40: {count} phone JPEGs ({megabytes:.0f} MB), {DEFAULT_QUALITY} ==")
    print(f"wall {cost.wall_s:.2f} s, CPU {cost.cpu_s:.2f} s, peak RSS {cost.peak_rss_mib:.0f} MiB")
    print((f"FAILED: {cost.error}" if cost.error else "") + "\n", flush=True)
    return count, cost


def targets(
    results: list[SetResult],
    checks: list[EstimateCheck],
    memory: list[MemoryRow],
    big: tuple[int, Cost] | None,
) -> list[Verdict]:
    label = partial(gifsvc_label, default=DEFAULT_QUALITY)
    names = {"default": label(DEFAULT_QUALITY), "fast": label("fast"), "best": label("best")}
    names |= {"gifski": GIFSKI, "ffmpeg": FFMPEG, "base": BASELINE}
    verdicts = [v for result in results for v in set_verdicts(result, names)]
    verdicts += estimate_verdicts(checks)
    verdicts += memory_verdicts(memory, label(DEFAULT_QUALITY), MEMORY_TARGET_MIB)
    if big is not None:
        verdicts += big_verdicts(big[1].wall_s, big[0], big[1].error)
    return verdicts


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
        sets = [name for name in sets if name != "phone40"]
        done = [bench_set(name, work, out_root, tools, args.quick, pool) for name in sets]
        results = [result for result, _ in done]
        checks = [check for _, found_checks in done for check in found_checks]
        found = [c for r in results for c in comparisons(r, subject, [BASELINE, FFMPEG, GIFSKI])]
        if results:
            print(f"== {subject} against the baseline and the best tools ==")
            print(comparison_table(found) + "\n")
            print("== every set together ==")
            print(summary_table(results, BASELINE) + "\n")
            print(f"== {subject} against gifski -Q 90 and Pillow's plain save ==")
            print(versus_table(results, subject, GIFSKI, BASELINE) + "\n")
        memory = bench_memory(work, out_root, args.quick) if "memory" in args.sets else []
        big = bench_big(work, out_root, args.quick) if "phone40" in args.sets else None
    verdicts = targets(results, checks, memory, big)
    print("== issue 10's targets ==")
    print(verdict_table(verdicts) + "\n")
    print(footnotes() + "\n")
    document: dict[str, Any] = {
        "meta": meta,
        "sets": {r.name: asdict(r) for r in results},
        "comparisons": [asdict(c) for c in found],
        "memory": [asdict(m) for m in memory],
        "estimates": [asdict(c) for c in checks],
        "phone40": asdict(big[1]) | {"frames": big[0]} if big else None,
        "targets": [asdict(v) for v in verdicts],
    }
    Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
    print(f"results written to {args.json}")


if __name__ == "__main__":
    main()
