"""Timing: time.perf_counter, several repetitions, the median; and how figures are written.

The machines this runs on are shared, so one repetition can be slowed by a neighbour: the median
of several is reported, never the best or the mean.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Size:
    """How much work each figure gets: ``small`` proves the harness in CI within a minute,
    ``full`` is the run docs/performance.md records."""

    name: str
    budget: float
    """Seconds of calls per repetition of a per-call figure."""
    repeat: int
    population: int
    """Members replayed for the events-per-second figure."""
    demo_members: tuple[int, int]
    """``memberkit demo --members`` sizes: the headline one last, a tenth of it first."""
    growth: tuple[int, ...]
    """Events per member in the growth table."""
    growth_guard: float
    """Seconds after which one member's growth run is stopped."""
    years: tuple[int, ...]
    starts: int
    """Fresh processes per start-up figure."""


SIZES = {
    "small": Size(
        "small",
        budget=0.03,
        repeat=3,
        population=10,
        demo_members=(20, 60),
        growth=(10, 100, 300),
        growth_guard=10.0,
        years=(1, 5, 10),
        starts=1,
    ),
    "full": Size(
        "full",
        budget=0.3,
        repeat=7,
        population=200,
        demo_members=(1000, 10000),
        growth=(10, 100, 1000, 10000),
        growth_guard=180.0,
        years=(1, 5, 10),
        starts=5,
    ),
}


def per_call(run: Callable[[], object], size: Size) -> float:
    """Median seconds per call of ``run``, over ``size.repeat`` repetitions of ``size.budget``."""
    run()  # warm caches and lazy imports before timing
    started = time.perf_counter()
    run()
    once = max(time.perf_counter() - started, 1e-7)
    number = max(1, int(size.budget / once))
    samples = []
    for _ in range(size.repeat):
        started = time.perf_counter()
        for _ in range(number):
            run()
        samples.append((time.perf_counter() - started) / number)
    return statistics.median(samples)


def median_seconds(run: Callable[[], object], repeat: int) -> float:
    """Median wall seconds of ``repeat`` runs of a long operation (no warm-up)."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def rate(seconds: float, unit: str = "/s") -> str:
    """Calls per second, as the table writes them (three significant figures)."""
    per_second = 1 / seconds
    if per_second >= 1000:
        return f"{per_second:,.0f}{unit}"
    return f"{per_second:,.3g}{unit}"


def duration(seconds: float) -> str:
    """A duration in the unit that reads best."""
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:,.1f} ms"
    return f"{seconds * 1e6:,.1f} µs"


def ratio(numerator: float, denominator: float) -> str:
    """A ratio of two rates with three significant figures."""
    return f"{numerator / denominator:.3g}"
