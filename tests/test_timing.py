"""Frame delays in centiseconds: the rounding is spread so the total stays right."""

from __future__ import annotations

import random

import pytest

from service.compose.timing import MIN_DURATION_MS, to_centiseconds


def test_33_ms_frames_play_as_30_30_40() -> None:
    assert to_centiseconds([33, 33, 33]) == [3, 3, 4]


@pytest.mark.parametrize("durations_ms", [[100], [20, 30, 40], [500, 500, 500, 500], [60_000]])
def test_whole_centiseconds_are_kept_exactly(durations_ms: list[int]) -> None:
    assert [cs * 10 for cs in to_centiseconds(durations_ms)] == durations_ms


@pytest.mark.parametrize(
    "durations_ms",
    [[33] * 3, [33] * 30, [25] * 7, [29, 27], [26, 29], [41, 47, 53, 59], [125, 75, 33, 21]],
)
def test_rounding_preserves_the_total(durations_ms: list[int]) -> None:
    total_ms = sum(cs * 10 for cs in to_centiseconds(durations_ms))
    assert abs(total_ms - sum(durations_ms)) <= 5


def test_a_long_run_of_33_ms_frames_does_not_drift() -> None:
    # Rounding each frame alone would play 30 x 30 ms = 900 ms instead of 990 ms.
    assert sum(to_centiseconds([33] * 30)) == 99


@pytest.mark.parametrize("durations_ms", [[20] * 9, [21] * 9, [24, 20, 29, 20], [29, 27], [25]])
def test_no_frame_plays_under_20_ms(durations_ms: list[int]) -> None:
    assert min(to_centiseconds(durations_ms)) * 10 >= MIN_DURATION_MS


def test_no_frames_gives_no_delays() -> None:
    assert to_centiseconds([]) == []


def test_last_frame_stays_within_10_ms_of_its_target() -> None:
    # Flooring every end but the last played these as 20 ms and 40 ms (14 ms off).
    delays_ms = [cs * 10 for cs in to_centiseconds([29, 27])]
    assert all(abs(got - want) <= 10 for got, want in zip(delays_ms, [29, 27], strict=True))


@pytest.mark.parametrize("seed", range(5))
def test_rounding_property_on_random_lists(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        durations_ms = [rng.randint(MIN_DURATION_MS, 300) for _ in range(rng.randint(1, 40))]
        delays_ms = [cs * 10 for cs in to_centiseconds(durations_ms)]
        assert len(delays_ms) == len(durations_ms)
        assert abs(sum(delays_ms) - sum(durations_ms)) <= 5, durations_ms
        for got, want in zip(delays_ms, durations_ms, strict=True):
            assert abs(got - want) <= 10, (durations_ms, delays_ms)
            assert got >= MIN_DURATION_MS, durations_ms
