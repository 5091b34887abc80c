"""Growth: what one more event costs as a member's history grows, and how big the state gets.

Goals (issue 15): the last 10% of a member's events cost within 1.2x of the first 10%; a member
with ten years of weekly purchases keeps a state of at most 30 KB of JSON.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import memberkit

from ._timing import Size, per_call
from ._workload import long_member_events, member, retail, weekly_purchases


@dataclass(frozen=True, slots=True)
class PerEvent:
    """One member's run of ``events`` mixed events, applied one by one."""

    events: int
    first: float | None
    """CPU seconds per event over the first 10% of the events, least over the runs."""
    last: float | None
    """The same over the last 10%; None when the run was stopped."""
    tenths: tuple[float, ...] | None
    """The same for each tenth of the events in order; None when the run was stopped."""
    total: float
    """Seconds for the whole run (or until it was stopped)."""
    stopped_after: int | None
    """Events applied when the time guard stopped the run; None when it finished."""
    state_bytes: int | None
    """JSON size of the state after the run."""


def per_event(count: int, guard: float, runs: int) -> PerEvent:
    """Apply ``count`` mixed events to one member ``runs`` times, timing every event.

    Each event is timed in CPU time of this process, so another process on the machine does not
    count; each tenth keeps its least over the runs (the least is the cost with the fewest
    interruptions, as ``timeit`` reads it).
    """
    if count < 10:
        raise ValueError(f"a growth run needs at least 10 events, not {count}")
    policy = retail()
    events = long_member_events(count)
    tenth = count // 10
    best: list[float] | None = None
    totals: list[float] = []
    clock = time.process_time
    state = member()
    # One untimed pass over the first events warms lazy imports and caches, so the first tenth
    # of a short run measures events, not start-up.
    for event in events[:10]:
        state, _ = memberkit.apply(policy, state, event)
    for _ in range(runs):
        state = member()
        costs: list[float] = []
        began = time.perf_counter()
        for index, event in enumerate(events):
            started = clock()
            state, _ = memberkit.apply(policy, state, event)
            costs.append(clock() - started)
            if time.perf_counter() - began > guard and index + 1 < count:
                first = sum(costs[:tenth]) / tenth if len(costs) >= tenth else None
                return PerEvent(
                    count, first, None, None, time.perf_counter() - began, index + 1, None
                )
        totals.append(time.perf_counter() - began)
        # Tenths of ``tenth`` events each; the last is the last ``tenth`` events (a count not a
        # multiple of ten leaves the few between the ninth and the last in no tenth).
        bounds = [(k * tenth, (k + 1) * tenth) for k in range(9)] + [(count - tenth, count)]
        means = [sum(costs[a:b]) / (b - a) for a, b in bounds]
        best = means if best is None else [min(x, y) for x, y in zip(best, means, strict=True)]
    assert best is not None
    size = len(memberkit.state_to_json(state).encode())
    return PerEvent(count, best[0], best[-1], tuple(best), statistics.median(totals), None, size)


@dataclass(frozen=True, slots=True)
class StateSize:
    """A member after ``years`` of weekly purchases: state size and (de)serialisation time."""

    years: int
    events: int
    json_bytes: int
    to_json: float
    from_json: float
    replay: float


def state_size(years: int, size: Size) -> StateSize:
    """Replay ``years`` of weekly purchases, then measure the state's JSON."""
    policy = retail()
    events = weekly_purchases(years)
    started = time.perf_counter()
    state = memberkit.replay(policy, member(), events)
    replayed = time.perf_counter() - started
    text = memberkit.state_to_json(state)
    to_json = per_call(lambda: memberkit.state_to_json(state), size)
    from_json = per_call(lambda: memberkit.state_from_json(text), size)
    return StateSize(years, len(events), len(text.encode()), to_json, from_json, replayed)


def runs_for(count: int) -> int:
    """Repetitions of a growth run: short histories more often, the longest twice."""
    return 5 if count <= 100 else 3 if count <= 1000 else 2
