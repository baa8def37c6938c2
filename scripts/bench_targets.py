"""Issue 10's targets, each checked against one bench run and printed as met or not met."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench_report import MemoryRow, Row, SetResult, table

ESTIMATE_TOLERANCE = 0.25
BIG_TARGET_S = 15.0  # 40 phone photos, on 2 cores


@dataclass(frozen=True)
class EstimateCheck:
    """POST /api/estimate's answer for a set against the real composition's."""

    set: str
    case: str  # "default" or "max_bytes=N"
    estimated: tuple[int, float]  # bytes, seconds
    real: tuple[int, float]


@dataclass(frozen=True)
class Verdict:
    target: str
    set: str
    met: bool
    detail: str


def versus_table(results: Sequence[SetResult], default: str, gifski: str, base: str) -> str:
    """The issue's table: the default against gifski -Q 90 and Pillow's plain save, per set."""
    headers = (
        "set",
        "bytes vs gifski",
        "dPSNR / dbPSNR vs gifski",
        "time vs gifski",
        "vs Pillow's plain save",
    )
    rows = []
    for result in results:
        mine, theirs, plain = result.row(default), result.row(gifski), result.row(base)
        if mine is None or mine.psnr is None:
            continue
        cells = [result.name, "-", "-", "-", "-"]
        if theirs is not None and theirs.psnr is not None:
            gifski_s = result.floor.wall_s + theirs.wall_s
            cells[1] = f"{mine.bytes / theirs.bytes:.2f}x"
            cells[2] = f"{_dpsnr(mine, theirs)}"
            cells[3] = f"{mine.wall_s / gifski_s:.2f}x ({mine.wall_s:.2f} s vs {gifski_s:.2f} s)"
        if plain is not None and plain.psnr is not None:
            plain_s = result.floor.wall_s + plain.wall_s
            cells[4] = f"{mine.bytes / plain.bytes:.2f}x bytes, {_dpsnr(mine, plain)} dB, "
            cells[4] += f"{mine.wall_s / plain_s:.2f}x the time"
        rows.append(cells)
    return table(headers, rows)


def _dpsnr(mine: Row, theirs: Row) -> str:
    blur = (mine.psnr_blur or 0) - (theirs.psnr_blur or 0)
    return f"{(mine.psnr or 0) - (theirs.psnr or 0):+.2f} / {blur:+.2f}"


def set_verdicts(result: SetResult, names: dict[str, str]) -> list[Verdict]:
    """The per-set targets: names maps default, fast, best, gifski, ffmpeg, base to rows."""
    rows = {key: result.row(name) for key, name in names.items()}
    found = []
    default, gifski = rows["default"], rows["gifski"]
    if default and gifski and default.psnr is not None and gifski.psnr is not None:
        met = default.bytes <= gifski.bytes and default.psnr >= gifski.psnr
        met = met and (default.psnr_blur or 0) >= (gifski.psnr_blur or 0)
        detail = f"{default.bytes / gifski.bytes:.2f}x bytes, {_dpsnr(default, gifski)} dB"
        found.append(Verdict("default dominates gifski -Q 90", result.name, met, detail))
        gifski_s = result.floor.wall_s + gifski.wall_s
        detail = f"{default.wall_s:.2f} s vs {gifski_s:.2f} s (floor + gifski)"
        found.append(
            Verdict(
                "default no slower than gifski", result.name, default.wall_s <= gifski_s, detail
            )
        )
    fast, base = rows["fast"], rows["base"]
    if fast and base and fast.psnr is not None and base.psnr is not None:
        met = fast.bytes <= base.bytes and fast.psnr >= base.psnr
        detail = f"{fast.bytes / base.bytes:.2f}x bytes, {_dpsnr(fast, base)} dB"
        found.append(Verdict("fast >= Pillow's save per byte", result.name, met, detail))
        base_s = result.floor.wall_s + base.wall_s
        detail = f"{fast.wall_s:.2f} s vs {base_s:.2f} s (floor + save)"
        found.append(
            Verdict("fast no slower than Pillow's save", result.name, fast.wall_s <= base_s, detail)
        )
    best, ffmpeg = rows["best"], rows["ffmpeg"]
    if best and ffmpeg and best.psnr is not None and ffmpeg.psnr is not None:
        met = best.bytes < ffmpeg.bytes and best.psnr >= ffmpeg.psnr
        detail = f"{best.bytes / ffmpeg.bytes:.2f}x bytes, {_dpsnr(best, ffmpeg)} dB"
        found.append(Verdict("best: ffmpeg's PSNR in fewer bytes", result.name, met, detail))
    return found


def estimate_verdicts(checks: Sequence[EstimateCheck]) -> list[Verdict]:
    found = []
    for check in checks:
        (guess_bytes, guess_s), (real_bytes, real_s) = check.estimated, check.real
        size_off = guess_bytes / real_bytes - 1 if real_bytes else 1.0
        time_off = guess_s / real_s - 1 if real_s else 1.0
        met = abs(size_off) <= ESTIMATE_TOLERANCE and abs(time_off) <= ESTIMATE_TOLERANCE
        detail = f"{check.case}: bytes {size_off:+.0%}, seconds {time_off:+.0%}"
        found.append(Verdict("estimate within 25%", check.set, met, detail))
    return found


def memory_verdicts(rows: Sequence[MemoryRow], subject: str, target_mib: float) -> list[Verdict]:
    mine = [r for r in rows if r.encoder == subject and r.error is None]
    if not mine:
        return []
    last = max(mine, key=lambda r: r.frames)
    detail = f"{last.peak_rss_mib:.0f} MiB at {last.frames} frames of 1280x720"
    return [
        Verdict(
            f"memory under {target_mib:g} MiB", "memory", last.peak_rss_mib < target_mib, detail
        )
    ]


def big_verdicts(wall_s: float | None, frames: int, error: str | None) -> list[Verdict]:
    if wall_s is None:
        return []
    met = error is None and wall_s < BIG_TARGET_S
    detail = f"{frames} phone JPEGs (12 Mpx, EXIF-rotated): {wall_s:.1f} s" + (
        f", {error}" if error else ""
    )
    return [Verdict(f"40 phone photos under {BIG_TARGET_S:g} s", "phone40", met, detail)]


def verdict_table(verdicts: Sequence[Verdict]) -> str:
    rows = [[v.target, v.set, "met" if v.met else "NOT MET", v.detail] for v in verdicts]
    met = sum(v.met for v in verdicts)
    return table(("target", "set", "", "measured"), rows) + f"\n{met} of {len(verdicts)} met"
