"""How fast a compiled condition decides: evaluations per second for a six-clause condition.

Run ``python benchmarks/bench_rules.py``. Prints figures; asserts nothing (figures live here, not
in timed unit tests).
"""

from __future__ import annotations

import timeit
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from memberkit.rules import (
    EVENT_FIELDS,
    MEMBER_FIELDS,
    TIME_FIELDS,
    Facts,
    compile_condition,
    parse_condition,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

CONDITION = {
    "channel": ["app", "mini_program"],
    "amount": {">=": 100},
    "category": {"not in": ["gift_card", "tobacco"]},
    "weekday": ["sat", "sun"],
    "time": {"between": ["10:00", "22:00"]},
    "attr.nights": {">=": 2},
}

FACTS = Facts(
    datetime(2025, 11, 15, 12, 30, tzinfo=SHANGHAI),
    {
        "channel": "app",
        "amount": Decimal("128.50"),
        "category": frozenset({"food", "toys"}),
        "attr.nights": 3,
    },
)


def main() -> None:
    """Parse, compile and time the condition; print evaluations per second."""
    cond, findings = parse_condition(
        CONDITION, vocabulary=EVENT_FIELDS | MEMBER_FIELDS | TIME_FIELDS
    )
    assert cond is not None, findings
    predicate = compile_condition(cond, SHANGHAI)
    assert predicate(FACTS)  # every clause is evaluated: the worst case for an all
    for label, run in (
        ("call", lambda: predicate(FACTS)),
        ("trace", lambda: predicate.trace(FACTS)),
    ):
        number = 200_000 if label == "call" else 20_000
        best = min(timeit.repeat(run, number=number, repeat=5))
        print(f"{label:>5}: {number / best:>12,.0f} evaluations/second (6 clauses, all held)")


if __name__ == "__main__":
    main()
