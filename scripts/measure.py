"""The numbers behind scripts/measure: the real stack on free ports, the real compose core."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.compose.gif import Source, compose_gif
from service.compose.options import ComposeOptions
from tests.stack import start_stack

MIB = 1024 * 1024


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child_pids(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def command(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def screenshot(i: int, path: Path) -> Source:
    """A UI-like frame: flat panels, text, and a highlight that moves from frame to frame."""
    image = Image.new("RGB", (1280, 800), (246, 247, 249))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1280, 56), fill=(32, 41, 56))
    draw.rectangle((0, 56, 240, 800), fill=(233, 236, 240))
    for row in range(14):
        draw.text((16, 80 + row * 48), f"Menu item {row}", fill=(40, 40, 40))
        draw.text(
            (280, 90 + row * 48), f"Line {row} of the article draft, frame {i}", fill=(20, 20, 20)
        )
    draw.rounded_rectangle((300 + i * 60, 600, 500 + i * 60, 660), 12, fill=(47, 111, 237))
    image.save(path)
    return Source(str(path), path.name)


def measure_compose(workdir: Path) -> None:
    sources = [screenshot(i, workdir / f"shot{i}.png") for i in range(10)]
    options = ComposeOptions(durations_ms=(200,) * len(sources))
    times = []
    for run in range(3):
        start = time.perf_counter()
        result = compose_gif(sources, options, str(workdir / f"out{run}.gif"), 50_000_000)
        times.append(time.perf_counter() - start)
    print(
        f"compose core, 10 frames 1280x800 (UI screenshots): "
        f"median {statistics.median(times):.2f} s of {[round(t, 2) for t in times]}, "
        f"{result.bytes / 1024:.0f} KiB"
    )


def multipart_file(workdir: Path, frames: int) -> tuple[Path, int]:
    body = workdir / "upload.body"
    with body.open("wb") as out:
        for i in range(frames):
            noise = Image.frombytes("RGB", (2800, 2850), os.urandom(2800 * 2850 * 3))
            disposition = f'form-data; name="photo"; filename="n{i}.png"'
            out.write(f"--B\r\nContent-Disposition: {disposition}\r\n\r\n".encode())
            noise.save(out, "PNG", compress_level=0)
            out.write(b"\r\n")
        out.write(b"--B--\r\n")
    return body, body.stat().st_size


def measure_upload(workdir: Path) -> None:
    stack = start_stack(workdir / "data", GIFSVC_WORKERS="2")
    try:
        [app_pid] = [p for p in child_pids(stack.process.pid) if "-m service" in command(p)]
        body, size = multipart_file(workdir, 8)
        idle = rss_kib(app_pid)
        peak = [idle]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak.append(rss_kib(app_pid))
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        host, port = urllib.parse.urlsplit(stack.url).netloc.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=300)
        start = time.perf_counter()
        with body.open("rb") as stream:
            conn.request(
                "POST",
                "/api/gifs",
                body=stream,
                headers={
                    "Content-Type": "multipart/form-data; boundary=B",
                    "Content-Length": str(size),
                },
            )
            resp = conn.getresponse()
            answer = json.loads(resp.read())
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        print(
            f"upload of {size / MIB:.0f} MiB (8 PNGs of 8 Mpx) through nginx: {resp.status} "
            f"{answer.get('frames', answer)} frames in {elapsed:.1f} s; aiohttp RSS idle "
            f"{idle / 1024:.0f} MiB, peak while streaming and composing {max(peak) / 1024:.0f} MiB "
            f"(VmHWM {rss_kib(app_pid, 'VmHWM') / 1024:.0f} MiB)"
        )
    finally:
        stack.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        measure_compose(Path(tmp))
        measure_upload(Path(tmp))


if __name__ == "__main__":
    main()
