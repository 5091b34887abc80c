"""Generated nights for the Spark tests: the demo's synthetic year, long histories, bad events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import memberkit
from memberkit.cli._demo import bundled_example
from memberkit.demo._synth import synthetic_members

YEAR = 2026


@dataclass(frozen=True)
class Feed:
    """Events as rows ``(member_id, seq, event)``; ``seq`` is the line in the JSON-lines file."""

    policy: memberkit.Policy
    rows: list[tuple[str, int, str]]

    def write_jsonl(self, path: Path) -> None:
        """The same events as the JSON-lines file ``replay_batch`` reads, line ``seq`` each."""
        from memberkit.spark import event_line

        lines = sorted(self.rows, key=lambda row: row[1])
        assert [row[1] for row in lines] == list(range(1, len(lines) + 1))
        path.write_bytes(b"".join(event_line(m, e) + b"\n" for m, _, e in lines))


def retail() -> memberkit.Policy:
    """The bundled retail programme (tiers, two points currencies, stages, audiences)."""
    source, text = bundled_example()
    return memberkit.parse_policy(text, source=source)


def _dump(event: memberkit.Event) -> str:
    return json.dumps(json.loads(event.model_dump_json(exclude_none=True)), ensure_ascii=False)


def long_history(member: str, count: int, tz: object) -> list[str]:
    """A member who buys every few hours all year: ``count`` purchases, some refunded."""
    start = datetime(YEAR, 1, 1, 9, tzinfo=tz)  # type: ignore[arg-type]
    step = timedelta(days=360) / count
    events = []
    for n in range(count):
        at = (start + step * n).isoformat()
        amount = Decimal(20 + (n * 37) % 400)
        events.append(
            json.dumps(
                {
                    "type": "purchase",
                    "id": f"{member}-o{n}",
                    "at": at,
                    "currency": "CNY",
                    "channel": "app" if n % 3 else "store",
                    "lines": [{"id": "l1", "category": "food", "amount": str(amount)}],
                }
            )
        )
        if n % 25 == 24:
            events.append(
                json.dumps(
                    {
                        "type": "refund",
                        "id": f"{member}-r{n}",
                        "order": f"{member}-o{n}",
                        "at": (start + step * n + timedelta(hours=1)).isoformat(),
                        "lines": [{"line": "l1"}],
                    }
                )
            )
    return events


BAD = (
    # A negative amount, a naive time, a refund of an order nobody placed, an unknown type, and
    # a line that is not JSON: each must become an error row, the same as replay_batch says.
    '{"type": "purchase", "id": "bad-1", "at": "2026-03-01T10:00:00+08:00", "currency": "CNY",'
    ' "lines": [{"id": "l1", "category": "food", "amount": "-5"}]}',
    '{"type": "activity", "id": "bad-2", "at": "2026-03-02T10:00:00", "kind": "checkin"}',
    '{"type": "refund", "id": "bad-3", "order": "nobody", "at": "2026-03-03T10:00:00+08:00",'
    ' "lines": [{"line": "l1"}]}',
    '{"type": "teleport", "id": "bad-4", "at": "2026-03-04T10:00:00+08:00"}',
    '{"type": "purchase", "id": "bad-5", "at": ',
)


def feed(members: int, *, long: int = 2, long_events: int = 600) -> Feed:
    """``members`` synthetic members, ``long`` members with long histories, five bad events."""
    policy = retail()
    tz = policy.info.tz
    program = policy.versions[0]
    rewards = tuple(
        reward.id
        for currency in (program.points.currencies if program.points else ())
        if currency.redeem is not None
        for reward in currency.redeem.rewards
    )
    rows: list[tuple[str, int, str]] = []

    def add(member: str, event: str) -> None:
        rows.append((member, len(rows) + 1, event))

    for n, member in enumerate(synthetic_members(members, year=YEAR, tz=tz, rewards=rewards)):
        head = {"joined": member.joined_at.isoformat()}
        if member.birthday is not None:
            head["birthday"] = member.birthday.isoformat()
        add(member.member_id, json.dumps(head))
        for event in member.events:
            add(member.member_id, _dump(event))
        if n < len(BAD):
            add(member.member_id, BAD[n])
    for k in range(long):
        for event in long_history(f"long-{k}", long_events, tz):
            add(f"long-{k}", event)
    return Feed(policy, rows)
