"""The demo's report: a population of members replayed through a policy, summarised.

Only what the policy's parts decide is reported: a programme without a ``tiers:`` section has no
tier distribution, one without ``points:`` no points figures. Nothing is estimated or faked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .._compiled import Policy
from .._engine import advance, apply
from .._errors import EventError
from .._events import Activity, Event
from .._state import MemberState, new_member
from ._synth import SyntheticMember

__all__ = ["DemoReport", "MemberSummary", "build_report"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class MemberSummary:
    """One replayed member kept for the report's explained examples."""

    member_id: str
    state: MemberState
    events: int


@dataclass(frozen=True, slots=True)
class DemoReport:
    """Figures of a replayed population at ``as_of``; sections a policy lacks are None."""

    programme: str
    as_of: datetime
    members: int
    events: int
    events_by_type: dict[str, int]
    accepted: int
    refused: int
    refusals_by_reason: dict[str, int]
    errors: dict[str, int]
    """Events the engine rejected as bad input, by error code (a healthy demo has none)."""
    tiers: dict[str, int] | None = None
    """Members per tier id at ``as_of``, in ladder order."""
    tier_movements: dict[str, int] | None = None
    """Tier changes during the year, as ``"from → to"`` (``"— → basic"`` for a first tier)."""
    points: dict[str, int | Decimal] | None = None
    """Points per journal kind summed over everyone, plus ``outstanding``."""
    benefit_uses: dict[str, int] | None = None
    examples: tuple[MemberSummary, ...] = field(default=())


def build_report(
    policy: Policy,
    members: Iterable[SyntheticMember],
    *,
    count: int,
    as_of: datetime,
    progress: Progress | None = None,
    examples: int = 3,
) -> DemoReport:
    """Replay every member's events through ``policy``, advance to ``as_of``, and summarise."""
    document = policy.document
    by_type: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    tiers: Counter[str] = Counter()
    movements: Counter[str] = Counter()
    points: dict[str, int | Decimal] = {}
    uses: Counter[str] = Counter()
    outstanding: int | Decimal = 0
    accepted = refused = total = done = 0
    kept: list[MemberSummary] = []
    year_start = as_of.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    for synthetic in members:
        state = new_member(synthetic.member_id, synthetic.joined_at, birthday=synthetic.birthday)
        for event in synthetic.events:
            total += 1
            by_type[_kind(event)] += 1
            try:
                state, outcome = apply(policy, state, event)
            except EventError as exc:
                errors[exc.code] += 1
                continue
            if outcome.refused:
                refused += 1
                refusals.update(r.code for r in outcome.reasons[:1])
            elif outcome.accepted:
                accepted += 1
        state, _ = advance(policy, state, max(as_of, state.clock or as_of))
        if document.tiers is not None:
            tiers[state.tiers.tier_at(as_of) or "—"] += 1
            previous = "—"
            for change in state.tiers.history:
                if change.at >= year_start and change.tier != previous:
                    movements[f"{previous} → {change.tier}"] += 1
                previous = change.tier
        if document.points is not None:
            for entry in state.points.journal:
                points[entry.kind] = points.get(entry.kind, 0) + entry.points
                outstanding += entry.points
        uses.update(use.benefit for use in state.benefits.uses)
        if len(kept) < examples and len(synthetic.events) >= 8:
            kept.append(MemberSummary(synthetic.member_id, state, len(synthetic.events)))
        done += 1
        if progress is not None:
            progress(done, count)
    return DemoReport(
        programme=policy.info.id,
        as_of=as_of,
        members=done,
        events=total,
        events_by_type=dict(sorted(by_type.items())),
        accepted=accepted,
        refused=refused,
        refusals_by_reason=dict(refusals.most_common()),
        errors=dict(sorted(errors.items())),
        tiers=_ladder_order(policy, tiers) if document.tiers is not None else None,
        tier_movements=dict(movements.most_common()) if document.tiers is not None else None,
        points=(
            {**dict(sorted(points.items())), "outstanding": outstanding}
            if document.points is not None
            else None
        ),
        benefit_uses=dict(sorted(uses.items())) if document.benefits is not None else None,
        examples=tuple(kept),
    )


def _kind(event: Event) -> str:
    # Activities are counted by kind (sign-up, referral, check-in...): they differ in meaning.
    return f"{event.type}:{event.kind}" if isinstance(event, Activity) else event.type


def _ladder_order(policy: Policy, counts: Counter[str]) -> dict[str, int]:
    ladder = getattr(policy.document.tiers, "ladder", ()) or ()
    order = [str(getattr(tier, "id", "")) for tier in ladder]
    ranked = {tier: counts.get(tier, 0) for tier in order}
    ranked.update({tier: n for tier, n in sorted(counts.items()) if tier not in ranked})
    return ranked
