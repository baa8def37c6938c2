"""Quality of a GIF against the frames it was made from: mean PSNR and SSIM, plain and blurred.

Plain PSNR rewards banding over dithering on photos (dither noise counts in full); after a
1-pixel Gaussian blur of both images the dither averages out much as it does for an eye, so
the blurred figures are the fairer ones between dithered and undithered outputs.
"""

from __future__ import annotations

import bisect
import importlib
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

# numpy and scikit-image come with the bench extra; without them mypy sees Any.
import numpy as np  # type: ignore[import-not-found, unused-ignore]
import numpy.typing as npt  # type: ignore[import-not-found, unused-ignore]
from PIL import Image, ImageFilter

MAX_PSNR_DB = 100.0  # identical frames would be infinite
BLUR = ImageFilter.GaussianBlur(1)
Pixels: TypeAlias = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Quality:
    psnr: float
    psnr_blur: float
    ssim: float
    ssim_blur: float
    frames: int  # frames in the GIF (identical neighbours may have been merged)


def measure_quality(gif: str, references: Sequence[str], duration_ms: int) -> Quality:
    """Mean scores of every reference frame against the GIF frame shown at its time."""
    frames, durations = decode_gif(gif)
    scores = []
    for pick, path in zip(align(durations, len(references), duration_ms), references, strict=True):
        with Image.open(path) as reference:
            scores.append(frame_scores(frames[pick], reference.convert("RGB")))
    psnr_, psnr_blur, ssim_, ssim_blur = (
        sum(column) / len(scores) for column in zip(*scores, strict=True)
    )
    return Quality(psnr_, psnr_blur, ssim_, ssim_blur, frames=len(frames))


def decode_gif(path: str) -> tuple[list[Image.Image], list[int]]:
    """Every frame as shown (Pillow's seek applies disposal and transparency), and its delay."""
    frames, durations = [], []
    with Image.open(path) as gif:
        for index in range(getattr(gif, "n_frames", 1)):
            gif.seek(index)
            frames.append(gif.convert("RGB"))
            durations.append(int(gif.info.get("duration", 0)))
    return frames, durations


def align(durations: Sequence[int], count: int, duration_ms: int) -> list[int]:
    """For each of count reference frames, the GIF frame on screen halfway through its time."""
    if len(durations) == count or sum(durations) == 0:
        return [min(i, len(durations) - 1) for i in range(count)]
    ends = list(itertools.accumulate(durations))
    return [
        min(bisect.bisect_right(ends, (i + 0.5) * duration_ms), len(ends) - 1) for i in range(count)
    ]


def frame_scores(frame: Image.Image, reference: Image.Image) -> tuple[float, float, float, float]:
    if frame.size != reference.size:
        raise ValueError(f"a frame is {frame.size}, its reference {reference.size}")
    plain = pixels(frame), pixels(reference)
    blurred = pixels(frame.filter(BLUR)), pixels(reference.filter(BLUR))
    return psnr(*plain), psnr(*blurred), ssim(*plain), ssim(*blurred)


def pixels(image: Image.Image) -> Pixels:
    return np.asarray(image, dtype=np.float64)


def psnr(a: Pixels, b: Pixels) -> float:
    mse = float(np.mean((a - b) ** 2))
    return MAX_PSNR_DB if mse == 0 else min(MAX_PSNR_DB, 10 * math.log10(255**2 / mse))


def ssim(a: Pixels, b: Pixels) -> float:
    metrics = importlib.import_module("skimage.metrics")
    return float(metrics.structural_similarity(a, b, channel_axis=2, data_range=255))
