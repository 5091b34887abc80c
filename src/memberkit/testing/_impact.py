"""The member-level impact of a policy change, streamed over a sample of members.

Each member is replayed under the old and the new policy up to ``as_of`` and their decisions are
collected (``_collect.collect``, the snapshot machinery); only counters and a few examples are
kept, so a sample of any size streams through in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from .._compiled import Policy
from .._errors import MemberkitError
from ..policy._ids import declared_ids
from ._collect import SampleMember, collect
from ._held import HeldChange, holds
from ._kinds import plain

__all__ = ["EXAMPLES", "BenefitImpact", "Impact", "measure"]

EXAMPLES = 5
"""Examples kept per kind of change (the first members met, in sample order)."""


@dataclass(slots=True)
class BenefitImpact:
    """How many members gain and lose one benefit at ``as_of``."""

    gained: int = 0
    lost: int = 0
    gained_examples: list[str] = field(default_factory=list)
    lost_examples: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Impact:
    """What a change does to the sample: tiers, points, liability, benefits, decisions."""

    members: int = 0
    changed: int = 0
    """Members whose allowed benefits, tier, points held or points per order differ."""
    tier_up: int = 0
    tier_down: int = 0
    tier_up_examples: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    tier_down_examples: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    orders: int = 0
    points_before: Decimal = Decimal(0)
    points_after: Decimal = Decimal(0)
    """Points earned by the sample's orders (earn and bonus), over every order."""
    order_examples: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)
    """(member, order, points before, points after) of orders whose points changed."""
    liability_before: Decimal = Decimal(0)
    liability_after: Decimal = Decimal(0)
    benefits: dict[str, BenefitImpact] = field(default_factory=dict)
    errors: int = 0
    error_examples: list[tuple[str, str]] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    """For each renamed or dropped tier or currency (``held_changes``), the members holding it
    under the old policy."""

    @property
    def per_order_before(self) -> Decimal | None:
        """Average points an order earned under the old policy (None without orders)."""
        return _per(self.points_before, self.orders) if self.orders else None

    @property
    def per_order_after(self) -> Decimal | None:
        """Average points an order earned under the new policy (None without orders)."""
        return _per(self.points_after, self.orders) if self.orders else None

    def as_dict(self) -> dict[str, object]:
        """The impact as JSON-ready data (the shape docs/cli.md documents)."""
        per_order = {
            "before": plain(self.per_order_before),
            "after": plain(self.per_order_after),
        }
        return {
            "members": self.members,
            "changed": self.changed,
            "tiers": {
                "up": self.tier_up,
                "down": self.tier_down,
                "up_examples": [list(e) for e in self.tier_up_examples],
                "down_examples": [list(e) for e in self.tier_down_examples],
            },
            "points": {
                "orders": self.orders,
                "total_before": plain(self.points_before),
                "total_after": plain(self.points_after),
                "per_order": per_order,
                "examples": [
                    {"member": m, "order": o, "before": plain(b), "after": plain(a)}
                    for m, o, b, a in self.order_examples
                ],
            },
            "liability": {
                "before": plain(self.liability_before),
                "after": plain(self.liability_after),
            },
            "benefits": {
                bid: {
                    "gained": b.gained,
                    "lost": b.lost,
                    "gained_examples": b.gained_examples,
                    "lost_examples": b.lost_examples,
                }
                for bid, b in sorted(self.benefits.items())
            },
            "errors": {
                "count": self.errors,
                "examples": [{"member": m, "message": msg} for m, msg in self.error_examples],
            },
        }


def _per(total: Decimal, count: int) -> Decimal:
    return (total / count).quantize(Decimal("0.01"))


_T = TypeVar("_T")


def _keep(examples: list[_T], item: _T) -> None:
    if len(examples) < EXAMPLES:
        examples.append(item)


def _rank(order: dict[str, int], tier: str | None) -> int:
    return -1 if tier is None else order.get(tier, -1)


def _allowed(decisions: object) -> dict[str, bool]:
    benefits = decisions.get("benefits", {}) if isinstance(decisions, dict) else {}
    return {
        bid: bool(d.get("allowed"))
        for bid, d in (benefits.items() if isinstance(benefits, dict) else ())
    }


def measure(
    old: Policy,
    new: Policy,
    members: Iterable[SampleMember],
    as_of: datetime,
    held: Sequence[HeldChange] = (),
) -> Impact:
    """Replay every member under both policies and count what changes at ``as_of``.

    ``held`` lists the tiers and currencies the change renames or drops; the impact counts the
    members holding each. A tier the new policy renames is the same tier, not a move.
    """
    ladder = list(declared_ids(old.document)["tier_ids"])
    ladder += [t for t in declared_ids(new.document)["tier_ids"] if t not in ladder]
    order = {tier: n for n, tier in enumerate(ladder)}
    edition = new.at(as_of)
    known = set(edition.tiers.by_id) if edition.tiers is not None else set()
    renamed = {a: b for a, b in edition.reads.tiers.items() if a not in known}
    impact = Impact(held=[0] * len(held))
    for member in members:
        impact.members += 1
        try:
            before = collect(old, member, as_of)
            after = collect(new, member, as_of)
        except MemberkitError as exc:
            impact.errors += 1
            _keep(impact.error_examples, (member.member_id, str(exc)))
            continue
        for index, change in enumerate(held):
            impact.held[index] += holds(before.decisions, change)
        was_tier = renamed.get(before.tier, before.tier) if before.tier is not None else None
        had, has = _allowed(before.decisions), _allowed(after.decisions)
        allowed_before = {b for b, ok in had.items() if ok}
        allowed_after = {b for b, ok in has.items() if ok}
        if (
            allowed_before != allowed_after
            or was_tier != after.tier
            or before.liability != after.liability
            or dict(before.order_points) != dict(after.order_points)
        ):
            impact.changed += 1
        up = _rank(order, after.tier) - _rank(order, was_tier)
        example = (member.member_id, before.tier, after.tier)
        if up > 0:
            impact.tier_up += 1
            _keep(impact.tier_up_examples, example)
        elif up < 0:
            impact.tier_down += 1
            _keep(impact.tier_down_examples, example)
        for order_id, points in before.order_points.items():
            later = after.order_points.get(order_id, Decimal(0))
            impact.orders += 1
            impact.points_before += points
            impact.points_after += later
            if later != points:
                _keep(impact.order_examples, (member.member_id, order_id, points, later))
        impact.liability_before += before.liability
        impact.liability_after += after.liability
        for bid in sorted(set(had) | set(has)):
            was, now = had.get(bid, False), has.get(bid, False)
            if was == now:
                continue
            entry = impact.benefits.setdefault(bid, BenefitImpact())
            if now:
                entry.gained += 1
                _keep(entry.gained_examples, member.member_id)
            else:
                entry.lost += 1
                _keep(entry.lost_examples, member.member_id)
    return impact
