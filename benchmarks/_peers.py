"""The same decisions in two peer engines: zen-engine (JDM expressions) and CEL.

Installed by the ``bench`` extra (``pip install -e '.[bench]'``); a peer that is not installed is
reported as such, never faked. Each peer compiles its expression once and is timed on evaluating
it against a context prepared once (plain values, as the hand-written code gets them):

- points: the earn rule of the retail example, ⌊non-gift-card amount × tier factor × 11.11 app
  double × birthday-month first-order double⌋ (the upgrade gift and the daily cap are left out;
  the hand-written code and memberkit do both);
- tier: the calendar-year window's spend and order count from the member's orders, then the
  highest rung of the ladder they reach (the hand-written code reads a stored tier history);
- condition: the six clauses of bench_rules.

CEL's numbers are binary doubles and it has no ``sum`` of its own: the list ``sum`` comes from the
package's standard-library extension (a Python call-back). Asia/Shanghai has kept +08:00 without
daylight saving since 1991, which is what the CEL expressions' fixed ``+8h`` relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ._handwritten import PlainMember, PlainTierBook

__all__ = ["PEERS", "Peer", "condition_context", "points_context", "tier_context"]

Evaluate = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Peer:
    """An engine to compare with: its PyPI name, its import name, its three expressions."""

    label: str
    distribution: str
    module: str
    points: str
    figures: str
    ladder: str
    condition: str

    def version(self) -> str | None:
        """The installed version, or None when the package is not installed."""
        try:
            return version(self.distribution)
        except PackageNotFoundError:
            return None

    def compile(self, expression: str) -> Evaluate | None:
        """The expression compiled once; None when the engine is not installed."""
        try:
            engine = import_module(self.module)
        except ImportError:
            return None
        if self.module == "zen":
            compiled = engine.compile_expression(expression)
            return lambda context: compiled.evaluate(context)
        program = engine.compile(expression)
        from cel.stdlib import add_stdlib_to_context

        # One context holds the extension functions; each call only replaces the variables.
        ctx = engine.Context()
        add_stdlib_to_context(ctx)

        def run(context: Mapping[str, Any]) -> Any:
            ctx.update(dict(context))
            return program.execute(ctx)

        return run


ZEN = Peer(
    label="zen-engine",
    distribution="zen-engine",
    module="zen",
    points=(
        "floor(sum(map(filter(lines, #.category != 'gift_card'), number(#.amount)))"
        " * (tier == 'silver' ? 1.2 : tier == 'gold' ? 1.5 : tier == 'platinum' ? 2 : 1)"
        " * (channel == 'app' and d(at, 'Asia/Shanghai').format('%Y-%m-%d') == '2026-11-11'"
        " ? 2 : 1)"
        " * (birthdayMonth == d(at, 'Asia/Shanghai').month()"
        " and lastOrder != d(at, 'Asia/Shanghai').format('%Y-%m') ? 2 : 1))"
    ),
    figures=(
        "{spend: sum(map(filter(orders, #.at >= start and #.at <= asOf), number(#.amount))),"
        " orders: sum(map(filter(orders, #.at >= start and #.at <= asOf), #.count))}"
    ),
    ladder=(
        "spend >= 20000 ? 'platinum' : spend >= 8000 or orders >= 20 ? 'gold'"
        " : spend >= 2000 or orders >= 6 ? 'silver' : 'basic'"
    ),
    condition=(
        "channel in ['app', 'mini_program'] and number(amount) >= 100"
        " and none(categories, # in ['gift_card', 'tobacco'])"
        " and d(at, 'Asia/Shanghai').weekday() in [6, 7]"
        " and d(at, 'Asia/Shanghai').hour() * 60 + d(at, 'Asia/Shanghai').minute() >= 600"
        " and d(at, 'Asia/Shanghai').hour() * 60 + d(at, 'Asia/Shanghai').minute() <= 1320"
        " and nights >= 2"
    ),
)

_LOCAL = '(at + duration("8h"))'
CEL = Peer(
    label="CEL",
    distribution="common-expression-language",
    module="cel",
    points=(
        "int(lines.filter(l, l.category != 'gift_card').map(l, l.amount).sum()"
        " * (tier == 'silver' ? 1.2 : tier == 'gold' ? 1.5 : tier == 'platinum' ? 2.0 : 1.0)"
        f" * (channel == 'app' && {_LOCAL}.getFullYear() == 2026"
        f" && {_LOCAL}.getMonth() == 10 && {_LOCAL}.getDate() == 11 ? 2.0 : 1.0)"
        f" * (birthdayMonth == {_LOCAL}.getMonth() + 1"
        f" && lastOrder != string({_LOCAL}.getFullYear() * 100 + {_LOCAL}.getMonth() + 1)"
        " ? 2.0 : 1.0))"
    ),
    figures=(
        "{'spend': orders.filter(o, o.at >= start && o.at <= asOf).map(o, o.amount).sum(),"
        " 'orders': orders.filter(o, o.at >= start && o.at <= asOf).map(o, o.count).sum()}"
    ),
    ladder=(
        "spend >= 20000.0 ? 'platinum' : spend >= 8000.0 || orders >= 20 ? 'gold'"
        " : spend >= 2000.0 || orders >= 6 ? 'silver' : 'basic'"
    ),
    condition=(
        "channel in ['app', 'mini_program'] && amount >= 100.0"
        " && !categories.exists(c, c in ['gift_card', 'tobacco'])"
        f" && {_LOCAL}.getDayOfWeek() in [0, 6]"
        f" && {_LOCAL}.getHours() * 60 + {_LOCAL}.getMinutes() >= 600"
        f" && {_LOCAL}.getHours() * 60 + {_LOCAL}.getMinutes() <= 1320"
        " && nights >= 2"
    ),
)

PEERS = (ZEN, CEL)


def _number(peer: Peer, amount: Decimal) -> object:
    # zen reads decimal strings exactly (number()); CEL only has doubles.
    return str(amount) if peer.module == "zen" else float(amount)


def _moment(peer: Peer, at: datetime) -> object:
    # CEL's timestamps are UTC instants (the expressions add the zone's +8h themselves).
    return at.isoformat() if peer.module == "zen" else at.astimezone(UTC)


def points_context(
    peer: Peer,
    member: PlainMember,
    lines: Sequence[tuple[str, Decimal]],
    at: datetime,
    channel: str,
) -> dict[str, Any]:
    """The points expression's variables for one quote."""
    last = member.last_order
    return {
        "lines": [{"category": c, "amount": _number(peer, a)} for c, a in lines],
        "tier": member.tier,
        "channel": channel,
        "at": _moment(peer, at),
        "birthdayMonth": member.birthday_month or 0,
        "lastOrder": (
            ""
            if last is None
            else f"{last[0]}-{last[1]:02d}"
            if peer.module == "zen"
            else str(last[0] * 100 + last[1])
        ),
    }


def tier_context(
    peer: Peer, book: PlainTierBook, start: datetime, as_of: datetime
) -> dict[str, Any]:
    """The figures expression's variables: every order as (epoch seconds, amount, count)."""
    return {
        "orders": [
            {"at": at.timestamp(), "amount": _number(peer, amount), "count": count}
            for at, amount, count in zip(
                book.order_at, book.order_spend, book.order_count, strict=True
            )
        ],
        "start": start.timestamp(),
        "asOf": as_of.timestamp(),
    }


def condition_context(peer: Peer, at: datetime, values: Mapping[str, object]) -> dict[str, Any]:
    """The condition's variables from bench_rules' facts."""
    amount = values["amount"]
    assert isinstance(amount, Decimal)
    categories = values["category"]
    assert isinstance(categories, frozenset)
    return {
        "channel": values["channel"],
        "amount": _number(peer, amount),
        "categories": sorted(categories),
        "at": _moment(peer, at),
        "nights": values["attr.nights"],
    }
