"""The bench's results, and the tables it prints from them."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench_runs import Cost

Size = tuple[int, int]
HEADERS = (
    "encoder",
    "bytes",
    "x base",
    "PSNR",
    "bPSNR",
    "SSIM",
    "bSSIM",
    "wall s",
    "CPU s",
    "RSS MiB",
)


@dataclass(frozen=True)
class Row:
    """One encoder's output on one set; quality is None when the run failed."""

    encoder: str
    kind: str
    bytes: int
    frames: int | None  # in the GIF, None when it could not be read
    psnr: float | None
    psnr_blur: float | None
    ssim: float | None
    ssim_blur: float | None
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    error: str | None = None


@dataclass(frozen=True)
class SetResult:
    name: str
    frames: int
    size: Size
    floor: Cost
    rows: list[Row]
    notes: list[str] = field(default_factory=list)

    def row(self, encoder: str) -> Row | None:
        found = [r for r in self.rows if r.encoder == encoder and r.error is None]
        return found[0] if found else None


@dataclass(frozen=True)
class Comparison:
    set: str
    subject: str
    against: str
    bytes_ratio: float
    psnr_diff: float
    psnr_blur_diff: float
    ssim_diff: float


@dataclass(frozen=True)
class MemoryRow:
    frames: int
    encoder: str
    bytes: int
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    error: str | None = None


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to fit; the first left-aligned, the rest right-aligned."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def _num(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _cells(r: Row, base: Row | None) -> list[str]:
    ratio = r.bytes / base.bytes if base and r.error is None else None
    quality = ((ratio, 2), (r.psnr, 2), (r.psnr_blur, 2), (r.ssim, 4), (r.ssim_blur, 4))
    cost = ((r.wall_s, 2), (r.cpu_s, 2), (r.peak_rss_mib, 0))
    return [r.encoder, "-" if r.error else str(r.bytes), *(_num(v, d) for v, d in quality + cost)]


def set_table(result: SetResult, baseline: str) -> str:
    base = result.row(baseline)
    rows = [_cells(r, base) for r in result.rows]
    width, height = result.size
    floor = result.floor
    lines = [
        f"== {result.name}: {result.frames} frames, output {width}x{height} ==",
        table(HEADERS, rows),
        f"floor (decode + resize the sources only): wall {floor.wall_s:.2f} s, "
        f"CPU {floor.cpu_s:.2f} s, peak RSS {floor.peak_rss_mib:.0f} MiB",
    ]
    lines += [f"{r.encoder}: FAILED: {r.error}" for r in result.rows if r.error]
    return "\n".join(lines + result.notes)


def comparisons(result: SetResult, subject: str, against: Sequence[str]) -> list[Comparison]:
    """subject's bytes as a ratio of each other's, and its quality as differences."""
    mine = result.row(subject)
    found = []
    for other in against:
        theirs = result.row(other)
        if mine is None or theirs is None or mine.psnr is None or theirs.psnr is None:
            continue
        found.append(
            Comparison(
                result.name,
                subject,
                other,
                mine.bytes / theirs.bytes,
                mine.psnr - theirs.psnr,
                (mine.psnr_blur or 0) - (theirs.psnr_blur or 0),
                (mine.ssim or 0) - (theirs.ssim or 0),
            )
        )
    return found


def comparison_table(found: Sequence[Comparison]) -> str:
    headers = ("set", "against", "bytes ratio", "dPSNR", "dbPSNR", "dSSIM")
    rows = [[c.set, c.against, f"{c.bytes_ratio:.2f}x"] for c in found]
    for row, c in zip(rows, found, strict=True):
        row += [f"{c.psnr_diff:+.2f}", f"{c.psnr_blur_diff:+.2f}", f"{c.ssim_diff:+.4f}"]
    return table(headers, rows)


SUMMARY_HEADERS: tuple[str, ...] = (
    "encoder",
    "sets",
    "bytes",
    "x base (geomean)",
    "PSNR",
    "bPSNR",
    "SSIM",
)
SUMMARY_HEADERS += ("wall s", "CPU s", "max RSS MiB")


def summary_table(results: Sequence[SetResult], baseline: str) -> str:
    """Each encoder over every set it ran on: bytes against the baseline, mean quality, time."""
    names = list(dict.fromkeys(r.encoder for result in results for r in result.rows))
    rows = []
    for name in names:
        pairs = [(result.row(name), result.row(baseline)) for result in results]
        ok = [(mine, base) for mine, base in pairs if mine and base]
        if ok:
            rows.append(_summary_cells(name, ok))
    return table(SUMMARY_HEADERS, rows)


def _summary_cells(name: str, ok: Sequence[tuple[Row, Row]]) -> list[str]:
    mine = [m for m, _ in ok]
    ratio = math.exp(statistics.fmean(math.log(m.bytes / b.bytes) for m, b in ok))
    quality = [_mean([m.psnr for m in mine], 2), _mean([m.psnr_blur for m in mine], 2)]
    quality.append(_mean([m.ssim for m in mine], 4))
    cost = [f"{sum(m.wall_s for m in mine):.2f}", f"{sum(m.cpu_s for m in mine):.2f}"]
    cost.append(f"{max(m.peak_rss_mib for m in mine):.0f}")
    return [name, str(len(ok)), str(sum(m.bytes for m in mine)), f"{ratio:.2f}", *quality, *cost]


def _mean(values: Sequence[float | None], digits: int) -> str:
    present = [v for v in values if v is not None]
    return _num(statistics.fmean(present) if present else None, digits)


def memory_table(rows: Sequence[MemoryRow]) -> str:
    """One line per frame count: each encoder's peak RSS, then its wall time and bytes."""
    encoders = list(dict.fromkeys(r.encoder for r in rows))
    short = [name.split(" (")[0] for name in encoders]
    headers = ["frames"] + [f"{s} {unit}" for unit in ("MiB", "s", "bytes") for s in short]
    lines = []
    for frames in dict.fromkeys(r.frames for r in rows):
        mine = {r.encoder: r for r in rows if r.frames == frames}
        cells = [str(frames)]
        for field_name, digits in (("peak_rss_mib", 0), ("wall_s", 2), ("bytes", 0)):
            cells += [_memory_cell(mine.get(name), field_name, digits) for name in encoders]
        lines.append(cells)
    return table(headers, lines)


def _memory_cell(row: MemoryRow | None, field_name: str, digits: int) -> str:
    if row is None or row.error is not None:
        return "FAILED" if row else "-"
    return _num(float(getattr(row, field_name)), digits)


def memory_verdict(rows: Sequence[MemoryRow], target_mib: float) -> str:
    """How each encoder's peak RSS grows per frame, and gifsvc's peak against its target."""
    lines = []
    for encoder in dict.fromkeys(r.encoder for r in rows):
        ok = (r for r in rows if r.encoder == encoder and r.error is None)
        mine = sorted(ok, key=lambda r: r.frames)
        if len(mine) < 2:
            continue
        first, last = mine[0], mine[-1]
        growth = (last.peak_rss_mib - first.peak_rss_mib) / (last.frames - first.frames)
        line = f"{encoder}: {growth:+.2f} MiB per frame from {first.frames} to {last.frames}"
        if encoder.startswith("gifsvc"):
            verdict = "within" if last.peak_rss_mib < target_mib else "OVER"
            line += f"; {last.peak_rss_mib:.0f} MiB at {last.frames}, {verdict} {target_mib} MiB"
        lines.append(line)
    return "\n".join(lines)
