"""Frame delays: GIF stores centiseconds, people ask in milliseconds."""

from __future__ import annotations

from itertools import pairwise

# Browsers play delays under 20 ms as 100 ms, so we refuse them rather than surprise anyone.
MIN_DURATION_MS = 20
# A frame shows at most a minute; it also keeps every delay inside GIF's 16-bit field.
MAX_DURATION_MS = 60_000


def to_centiseconds(durations_ms: list[int]) -> list[int]:
    """Each frame's delay in centiseconds, spreading the rounding so the total stays right.

    Frame k ends at its exact end time rounded down unless 7 ms or more past a centisecond,
    and the last frame ends at the total rounded (half down): 33 ms frames play as 30, 30, 40,
    the total is within 5 ms and no frame drifts more than 10 ms. (Plain floors let the last
    frame drift 14 ms: 29, 27 played as 20, 40.)
    """
    ends_cs: list[int] = []
    elapsed_ms = 0
    for duration_ms in durations_ms:
        elapsed_ms += duration_ms
        ends_cs.append((elapsed_ms + 3) // 10)
    if ends_cs:
        ends_cs[-1] = (elapsed_ms + 4) // 10
    return [end - start for start, end in pairwise([0, *ends_cs])]


def timing_warnings(durations_ms: list[int], loop: int) -> list[str]:
    """What a person may not expect of these delays and this loop count in a viewer."""
    warnings = []
    uneven = sorted({d for d in durations_ms if d % 10})
    if uneven:
        shown = ", ".join(f"{d} ms" for d in uneven[:3])
        warnings.append(
            f"GIF delays are whole centiseconds: {shown} cannot be shown exactly, so the "
            "frames alternate the nearest steps of 10 ms and the total stays right."
        )
    if loop > 1:
        warnings.append(
            f"Viewers disagree on loop counts: some play this GIF {loop} times, others "
            f"{loop + 1}; 'forever' and 'once' play the same everywhere."
        )
    return warnings
