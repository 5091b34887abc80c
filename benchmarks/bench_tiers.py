"""How fast the tiers part works: replaying a member's orders, and answering tier_of / progress.

Run ``python benchmarks/bench_tiers.py``. Prints figures; asserts nothing (figures live here, not
in timed unit tests). Figures read only the orders of the window asked about (found by bisection),
and the engine's per-event figures extend a running tally of the window by the new order, so the
tiers part's cost per event no longer grows with the history (what still grows is the core's
bookkeeping: event-id and order look-ups). Repeated queries on one state hit the tally too. ``retail`` is the
whole example programme (points included); ``tiers only`` is its tiers section alone, which shows
the tiers part's own share.
"""

from __future__ import annotations

import timeit
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import memberkit

SHANGHAI = ZoneInfo("Asia/Shanghai")
RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")
START = datetime(2026, 1, 1, tzinfo=SHANGHAI)
_TEXT = (Path(memberkit.__file__).parent / "examples" / "retail.yaml").read_text(encoding="utf-8")
TIERS_ONLY = memberkit.parse_policy(_TEXT.split("\npoints:")[0] + "\n", source="tiers-only.yaml")


def orders(n: int) -> list[memberkit.Purchase]:
    """``n`` purchases spread evenly over three years, amounts cycling from 50 to 950."""
    step = timedelta(days=3 * 365) / max(n, 1)
    events = []
    for i in range(n):
        event = memberkit.parse_event(
            {
                "type": "purchase",
                "id": f"o{i}",
                "at": START + step * i,
                "currency": "CNY",
                "lines": [
                    {"id": "l1", "category": "general", "amount": Decimal(50 + (i * 37) % 900)}
                ],
            }
        )
        assert isinstance(event, memberkit.Purchase)
        events.append(event)
    return events


def measure(n: int, policy: memberkit.Policy = RETAIL, label: str = "retail") -> str:
    """One line of figures for a member with ``n`` orders under ``policy``."""
    events = orders(n)
    member = memberkit.new_member("m", START)
    runs = max(1, 200 // n)
    until = START + timedelta(days=1200)
    seconds = (
        timeit.timeit(lambda: memberkit.replay(policy, member, events, as_of=until), number=runs)
        / runs
    )
    state = memberkit.replay(policy, member, events)
    # A state answers from its last event on (docs/time.md).
    assert state.clock is not None
    as_of = max(START + timedelta(days=1100), state.clock)
    q = 200
    tier_s = timeit.timeit(lambda: memberkit.tier_of(policy, state, as_of), number=q) / q
    prog_s = timeit.timeit(lambda: memberkit.progress(policy, state, as_of), number=q) / q
    return (
        f"{label:10s} {n:5d} orders: replay {seconds * 1000:8.1f} ms/member "
        f"({seconds / n * 1e6:7.0f} µs/event); tier_of {tier_s * 1e6:7.0f} µs; "
        f"progress {prog_s * 1e6:7.0f} µs"
    )


def main() -> None:
    """Print replay time per member and query times for several history sizes."""
    for n in (20, 100, 500, 2000):
        print(measure(n))
    for n in (20, 100, 500, 2000):
        print(measure(n, TIERS_ONLY, "tiers only"))


if __name__ == "__main__":
    main()
