"""Run the same work in many threads that start together, and keep every outcome."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, TypeVar

T = TypeVar("T")

# Every worker must reach the starting line within this time, or the run fails rather than hangs.
START_TIMEOUT_SECONDS = 30


@dataclass
class Run:
    """The results of one run, in worker order, and how long it took from the start signal to the last answer."""

    results: list
    seconds: float


def at_once(workers: list[Callable[[], T]]) -> Run:
    """Call every worker in its own thread, all released together by a barrier; re-raise the first failure."""
    barrier = threading.Barrier(len(workers) + 1, timeout=START_TIMEOUT_SECONDS)

    def start_together(work: Callable[[], T]) -> T:
        barrier.wait()
        return work()

    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        futures = [pool.submit(start_together, work) for work in workers]
        barrier.wait()  # the main thread is the last to arrive, so the clock starts as the workers do
        started = time.perf_counter()
        results = [future.result() for future in futures]
    return Run(results, time.perf_counter() - started)
