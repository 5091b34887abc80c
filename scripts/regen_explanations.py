"""Regenerate tests/i18n/golden/explanations.txt: a dozen decisions of the retail example, explained.

Every part's decisions (tier, progress, points quote, balance, expiry, redemption, refund,
benefits, stage, duplicate event, annual review) rendered in zh_Hans, zh_Hant and en. Run after
changing a message on purpose, then review the diff: this is the text members read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo

import memberkit as mk
import memberkit.i18n
from memberkit.benefits import check_benefit, entitlements

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "i18n" / "golden" / "explanations.txt"
LOCALES = ("zh_Hans", "zh_Hant", "en")
TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 12) -> datetime:
    """A moment on the Shanghai wall clock."""
    return datetime(y, m, d, h, tzinfo=TZ)


def _purchase(
    eid: str, when: str, amount: str, *, channel: str = "", category: str = "shoes"
) -> dict[str, object]:
    return {
        "type": "purchase", "id": eid, "at": when, "currency": "CNY", "channel": channel,
        "lines": [{"id": "l1", "category": category, "amount": amount}],
    }  # fmt: skip


class _Reasons:
    """Reasons without a decision around them (what ``advance`` returns), explained alike."""

    def __init__(self, reasons: tuple[mk.Reason, ...]) -> None:
        self.reasons = reasons

    def explain(self, locale: str) -> str:
        return mk.i18n.explain(self.reasons, locale, default_locale="zh_Hans")


def decisions() -> Iterator[tuple[str, object]]:
    """(title, decision or outcome) for each explained decision, in a fixed order."""
    source = str(files("memberkit").joinpath("examples/retail.yaml"))
    policy = mk.load_policy(source)
    state = mk.new_member("m-0001", at(2025, 12, 20), birthday=date(1990, 11, 3))
    history = mk.parse_events(
        [
            {
                "type": "activity",
                "id": "signup",
                "at": "2025-12-20T12:00:00+08:00",
                "kind": "signup",
            },
            _purchase("o1", "2026-03-10T10:00:00+08:00", "2600"),
            _purchase("o2", "2026-06-01T10:00:00+08:00", "1800"),
        ]
    )
    outcomes = {}
    for event in history:
        state, outcomes[event.id] = mk.apply(policy, state, event)
    yield "upgrade on an order", outcomes["o1"]

    (refund,) = mk.parse_events(
        [{"type": "refund", "id": "r1", "at": "2026-06-03T10:00:00+08:00", "order": "o2"}]
    )
    state, outcome = mk.apply(policy, state, refund)
    yield "refund inside the pending window", outcome

    _, outcome = mk.apply(policy, state, refund)
    yield "the same event applied twice", outcome

    (order_11_11,) = mk.parse_events(
        [_purchase("o3", "2026-11-11T20:00:00+08:00", "999", channel="app")]
    )
    yield (
        "points quote for an app order on 11.11 in the birthday month",
        mk.quote_points(policy, state, order_11_11),
    )
    state, _ = mk.apply(policy, state, order_11_11)

    (too_much,) = mk.parse_events(
        [
            {
                "type": "redemption",
                "id": "x1",
                "at": "2026-11-20T10:00:00+08:00",
                "points": 100000,
                "order_amount": "5000",
            }
        ]
    )
    yield "redemption refused: not enough points", mk.apply(policy, state, too_much)[1]
    (pay,) = mk.parse_events(
        [
            {
                "type": "redemption",
                "id": "x2",
                "at": "2026-11-20T10:00:00+08:00",
                "points": 1000,
                "order_amount": "100",
            }
        ]
    )
    state, outcome = mk.apply(policy, state, pay)
    yield "redemption as payment", outcome

    as_of = at(2026, 11, 30)
    yield "tier", mk.tier_of(policy, state, as_of)
    yield "progress to the next tier", mk.progress(policy, state, as_of)
    yield "balance and expiry schedule", mk.balance(policy, state, as_of)
    yield "points expiring within 400 days", mk.expiring(policy, state, as_of, 400)
    yield (
        "points expiring by 31 Dec 2027",
        mk.expiring(policy, state, as_of, through=date(2027, 12, 31)),
    )
    yield "benefit refused: not in tier", check_benefit(policy, state, "free-shipping", as_of)
    yield (
        "benefit allowed: the birthday month",
        check_benefit(policy, state, "birthday-gift", as_of),
    )
    yield (
        "benefit refused: outside the birthday month",
        check_benefit(policy, state, "birthday-gift", at(2026, 12, 5)),
    )
    yield "entitlements", entitlements(policy, state, as_of)
    yield "lifecycle stage", mk.lifecycle_stage(policy, state, as_of)
    later, reasons = mk.advance(policy, state, at(2028, 1, 2))
    yield "two years later: review and expiry", _Reasons(tuple(reasons))
    yield "tier after the annual review", mk.tier_of(policy, later, at(2028, 1, 2))


def render() -> str:
    """The golden text: each decision's explanation in each locale."""
    out: list[str] = []
    for title, decision in decisions():
        out.append(f"## {title}")
        for locale in LOCALES:
            text = decision.explain(locale)  # type: ignore[attr-defined]
            out.append(f"[{locale}]")
            out.extend(text.splitlines() or ["(no reasons)"])
        out.append("")
    return "\n".join(out)


def main() -> int:
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(render(), encoding="utf-8")
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
