"""Frames worked on in threads, handed on in order, a bounded number in flight."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.compose.pipeline import MAX_THREADS, ordered_map, thread_count


def test_results_come_in_the_items_order():
    def slow_for_small(n: int) -> int:
        time.sleep(0.001 * (10 - n))
        return n * n

    with ThreadPoolExecutor(3) as executor:
        assert list(ordered_map(slow_for_small, range(10), executor, ahead=3)) == [
            n * n for n in range(10)
        ]


def test_no_more_than_ahead_plus_one_items_are_in_flight():
    running, most, lock = 0, 0, threading.Lock()

    def work(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.002)
        with lock:
            running -= 1
        return n

    consumed = []
    with ThreadPoolExecutor(8) as executor:
        for value in ordered_map(work, range(30), executor, ahead=2):
            consumed.append(value)
    assert consumed == list(range(30)) and most <= 3


def test_the_first_failure_in_order_is_raised():
    def fail_on_odd(n: int) -> int:
        if n % 2:
            raise ValueError(f"frame {n}")
        return n

    with ThreadPoolExecutor(2) as executor, pytest.raises(ValueError, match="frame 1"):
        list(ordered_map(fail_on_odd, range(6), executor, ahead=2))


def test_thread_count_is_bounded():
    assert 1 <= thread_count() <= MAX_THREADS
