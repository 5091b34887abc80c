"""The demo's report: a population of members replayed through a policy, summarised.

Only what the policy's parts decide is reported: a programme without a ``tiers:`` section has no
tier distribution, one without ``points:`` no points figures. Nothing is estimated or faked.
Flows (tier movements, points issued, redeemed, expired) count the report's calendar year in the
programme's timezone; stocks (tiers, outstanding points) are taken at ``as_of``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from .._agenda import state_at
from .._compiled import Policy
from .._engine import apply
from .._errors import EventError
from .._events import Activity, Event, Purchase, Refund
from .._pool import in_order
from .._program import localized
from .._reasons import LocalizedText
from .._state import MemberState, new_member
from ..lifecycle import (
    ProgrammeKpis,
    RfmInput,
    lifecycle_stage,
    rfm_inputs,
    rfm_scores,
)
from ..lifecycle._kpis import KpiCounts, KpiPeriod, kpi_period, kpis_of, member_kpis
from ..points import expiring
from ._synth import SyntheticMember
from ._value import OrderRow, ValueFigures, ValueInput, value_figures, value_inputs

__all__ = ["CurrencyFigures", "DemoReport", "MemberSummary", "build_report"]

Progress = Callable[[int, int], None]
Points = int | Decimal

EXPIRY_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class MemberSummary:
    """One replayed member kept for the report's explained examples."""

    member_id: str
    state: MemberState
    events: int
    tier: str | None


@dataclass(frozen=True, slots=True)
class CurrencyFigures:
    """One points currency over the population: the year's movements and what is held."""

    currency: str
    name: LocalizedText
    spendable: bool
    by_kind: dict[str, Points]
    """The year's journal summed per kind (earn, bonus, reverse, redeem, expire...)."""
    outstanding: Points
    """Everything still held at ``as_of`` (available and pending)."""
    expiring_members: int = 0
    """Members with points of this currency expiring in the next 30 days."""
    expiring_points: Points = 0

    @property
    def issued(self) -> Points:
        """Points credited in the year by earning rules and bonuses."""
        return self.by_kind.get("earn", 0) + self.by_kind.get("bonus", 0)

    @property
    def redeemed(self) -> Points:
        """Points spent in the year, net of cancelled redemptions (a positive number)."""
        return -(self.by_kind.get("redeem", 0) + self.by_kind.get("redeem_cancel", 0))

    @property
    def expired(self) -> Points:
        """Points that expired in the year (a positive number)."""
        return -self.by_kind.get("expire", 0)


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
    tier_names: dict[str, LocalizedText] = field(default_factory=dict)
    tier_movements: dict[tuple[str, str], int] | None = None
    """Tier changes in the year as (from, to) → count; from is "" for a first tier."""
    points: tuple[CurrencyFigures, ...] | None = None
    benefit_uses: dict[str, int] | None = None
    stages: dict[str, int] | None = None
    """Members per lifecycle stage at ``as_of``, in policy order ("" when no stage applies)."""
    stage_names: dict[str, LocalizedText] = field(default_factory=dict)
    segments: dict[str, int] | None = None
    """Members per RFM segment at ``as_of``, in policy order."""
    segment_names: dict[str, LocalizedText] = field(default_factory=dict)
    kpis: ProgrammeKpis | None = None
    """The programme's KPIs over the report's calendar year."""
    value: ValueFigures | None = None
    """Purchase and spend models fitted on the population, checked on a holdout, and CLV."""
    examples: tuple[MemberSummary, ...] = ()


@dataclass(slots=True)
class _Tally:
    """The running totals while members are replayed one by one."""

    by_type: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    tiers: Counter[str] = field(default_factory=Counter)
    movements: Counter[tuple[str, str]] = field(default_factory=Counter)
    flows: dict[tuple[str, str], Points] = field(default_factory=dict)
    held: dict[str, Points] = field(default_factory=dict)
    expiring_members: Counter[str] = field(default_factory=Counter)
    expiring_points: dict[str, Points] = field(default_factory=dict)
    uses: Counter[str] = field(default_factory=Counter)
    stages: Counter[str] = field(default_factory=Counter)
    stage_names: dict[str, LocalizedText] = field(default_factory=dict)
    rfm: list[RfmInput] = field(default_factory=list)
    value: list[ValueInput] = field(default_factory=list)
    """Each member's purchase summaries for the value models, made from the orders as the
    replay saw them (a state keeps only the orders its policy's horizons need)."""
    kpis: KpiCounts = field(default_factory=KpiCounts)
    """What the members add to the programme's KPIs over the report's year."""
    accepted: int = 0
    refused: int = 0
    events: int = 0

    def merge(self, part: _Tally) -> None:
        """Add one member's counts (``part``) to the running totals."""
        for counter in ("by_type", "refusals", "errors", "tiers", "movements", "uses", "stages"):
            getattr(self, counter).update(getattr(part, counter))
        for sums in ("flows", "held", "expiring_points"):
            mine = getattr(self, sums)
            for key, value in getattr(part, sums).items():
                mine[key] = mine.get(key, 0) + value
        self.expiring_members.update(part.expiring_members)
        for stage, name in part.stage_names.items():
            self.stage_names.setdefault(stage, name)
        self.rfm.extend(part.rfm)
        self.value.extend(part.value)
        self.kpis += part.kpis
        self.accepted += part.accepted
        self.refused += part.refused
        self.events += part.events


def build_report(
    policy: Policy,
    members: Iterable[SyntheticMember],
    *,
    count: int,
    as_of: datetime,
    progress: Progress | None = None,
    examples: int = 3,
    workers: int = 1,
) -> DemoReport:
    """Replay every member's events through ``policy``, advance to ``as_of``, and summarise.

    With ``workers`` above 1 the members are replayed in that many processes; the report is the
    same, member for member, as with one.
    """
    program = policy.at(as_of)
    local = program.info.local(as_of)
    year_start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    end = year_start.replace(year=year_start.year + 1)
    period = kpi_period(policy, year_start, end) if program.lifecycle is not None else None
    tally = _Tally()
    candidates: dict[str | None, MemberSummary] = {}
    done = 0
    # Everything the report needs of a member, its KPIs too, is counted where the member is
    # replayed: only the counts come back, and the state only of a possible explained example.
    for synthetic_id, events, part, state, tier in _members(
        policy, members, as_of, year_start, period, workers
    ):
        tally.merge(part)
        if state is not None and tier not in candidates:
            candidates[tier] = MemberSummary(synthetic_id, state, events, tier)
        done += 1
        if progress is not None:
            progress(done, count)
    kpis = kpis_of(period, tally.kpis) if period is not None else None
    ladder = program.tiers.ladder if program.tiers is not None else ()
    # The explained members: one per tier, highest tiers first, so the examples differ.
    order: list[str | None] = [t.id for t in reversed(ladder)] or [None]
    chosen = [candidates[t] for t in order if t in candidates][:examples]
    lifecycle = _lifecycle(policy, as_of, tally, kpis) if kpis is not None else {}
    return DemoReport(
        programme=policy.info.id,
        as_of=as_of,
        members=done,
        events=tally.events,
        events_by_type=dict(sorted(tally.by_type.items())),
        accepted=tally.accepted,
        refused=tally.refused,
        refusals_by_reason=dict(tally.refusals.most_common()),
        errors=dict(sorted(tally.errors.items())),
        tiers=(
            {t.id: tally.tiers.get(t.id, 0) for t in ladder} if program.tiers is not None else None
        ),
        tier_names={t.id: t.name for t in ladder},
        tier_movements=dict(tally.movements.most_common()) if program.tiers is not None else None,
        points=_currencies(policy, as_of, tally) if program.points is not None else None,
        benefit_uses=dict(sorted(tally.uses.items())) if program.benefits is not None else None,
        examples=tuple(chosen),
        **lifecycle,
    )


Replayed = tuple[str, int, "_Tally", MemberState | None, str | None]
"""(member id, events, what the report counts of the member, state at as_of when the member
may be an explained example, tier at as_of)."""

EXAMPLE_EVENTS = 8
"""An explained example has at least this many events, so that its explanation says something."""


def _member(
    policy: Policy,
    as_of: datetime,
    year_start: datetime,
    period: KpiPeriod | None,
    sent: set[str | None],
    synthetic: SyntheticMember,
) -> Replayed:
    """One member replayed and counted on its own (in this process or in a worker).

    ``sent`` holds the tiers of the examples this process has already handed back. A process
    is given its members in the population's order, so the first member of a tier it meets is
    the only one of that tier it could hand back as the population's first; the others' states
    stay here.
    """
    program = policy.at(as_of)
    part = _Tally()
    orders: dict[str, tuple[datetime, Decimal, bool]] = {}
    state = _replay(policy, synthetic, as_of, part, orders)
    tier = state.tiers.tier_at(as_of)
    if program.tiers is not None:
        _count_tiers(state, tier, year_start, part)
    if program.points is not None:
        _count_points(policy, state, as_of, year_start, part)
    part.uses.update(use.benefit for use in state.benefits.uses if use.at >= year_start)
    if program.lifecycle is not None:
        # RFM scores rank the whole population: each member's figures wait for the end.
        part.rfm.extend(rfm_inputs(policy, (state,), as_of))
        # The value models read a few figures of each member, made here: the orders stay here.
        rows: list[OrderRow] = sorted(
            (
                (state.member_id, at, net)
                for at, net, refunded in orders.values()
                if at <= as_of and not refunded
            ),
            key=lambda row: row[1],
        )
        part.value.extend(value_inputs(policy, as_of, rows))
        stage = lifecycle_stage(policy, state, as_of)
        part.stages[stage.stage or ""] += 1
        if stage.stage is not None and stage.name is not None:
            part.stage_names.setdefault(stage.stage, stage.name)
    if period is not None:
        part.kpis = member_kpis(period, state)
    events = len(synthetic.events)
    example = events >= EXAMPLE_EVENTS and tier not in sent
    if example:
        sent.add(tier)
    return synthetic.member_id, events, part, state if example else None, tier


FED_PER_WORKER = 256
"""Members handed to the worker processes at a time, per worker: enough to keep each busy,
few enough that the population is never queued whole."""


def _members(
    policy: Policy,
    members: Iterable[SyntheticMember],
    as_of: datetime,
    year_start: datetime,
    period: KpiPeriod | None,
    workers: int,
) -> Iterator[Replayed]:
    """Each member replayed and counted, in the order given, over ``workers`` processes."""
    # Each process gets its own copy of the set of examples' tiers it has handed back.
    sent: set[str | None] = set()
    return in_order(
        _member,
        (policy, as_of, year_start, period, sent),
        members,
        workers,
        chunksize=16,
        window=FED_PER_WORKER * workers,
    )


def _lifecycle(
    policy: Policy, as_of: datetime, tally: _Tally, kpis: ProgrammeKpis
) -> dict[str, Any]:
    """Stages, RFM segments and KPIs of the population, for the report's fields."""
    section = policy.at(as_of).lifecycle
    assert section is not None
    document = policy.document.lifecycle
    stage_specs = getattr(document, "stages", ()) or ()
    segment_specs = getattr(getattr(document, "rfm", None), "segments", ()) or ()
    # Stages are listed along the member's journey (the policy's ``order``), not in the order
    # their conditions are tried, where "won back" must come first to take precedence.
    journey = getattr(document, "order", ()) or ()
    stage_ids = [str(sid) for sid in journey] or [str(spec.id) for spec in stage_specs]
    default = getattr(document, "default", None)
    if default is not None and default not in stage_ids:
        stage_ids.append(str(default))
    stages = {sid: tally.stages.get(sid, 0) for sid in stage_ids}
    stages.update({sid: n for sid, n in sorted(tally.stages.items()) if sid not in stages})
    scores = rfm_scores(policy, tally.rfm, as_of)
    counted = Counter(score.segment or "" for score in scores)
    segment_ids = [str(spec.id) for spec in segment_specs]
    segments = {sid: counted.get(sid, 0) for sid in segment_ids}
    segments.update({sid: n for sid, n in sorted(counted.items()) if sid not in segments})
    locale = policy.info.locale
    names = {str(spec.id): localized(spec.name, locale, str(spec.id)) for spec in segment_specs}
    stage_names = {str(spec.id): localized(spec.name, locale, str(spec.id)) for spec in stage_specs}
    return {
        "stages": stages,
        "stage_names": {**tally.stage_names, **stage_names},
        "segments": segments,
        "segment_names": names,
        "kpis": kpis,
        "value": value_figures(policy, [], as_of, summaries=tally.value),
    }


def _replay(
    policy: Policy,
    synthetic: SyntheticMember,
    as_of: datetime,
    tally: _Tally,
    orders: dict[str, tuple[datetime, Decimal, bool]],
) -> MemberState:
    """The member at ``as_of``, counting its events in ``tally`` and keeping in ``orders`` each
    order id's (when, net amount, fully refunded) as last seen."""
    state = new_member(synthetic.member_id, synthetic.joined_at, birthday=synthetic.birthday)
    for event in synthetic.events:
        tally.events += 1
        tally.by_type[_kind(event)] += 1
        try:
            state, outcome = apply(policy, state, event)
        except EventError as exc:
            tally.errors[exc.code] += 1
            continue
        if outcome.refused:
            tally.refused += 1
            tally.refusals.update(r.code for r in outcome.reasons[:1])
        elif outcome.accepted:
            tally.accepted += 1
        if isinstance(event, Purchase | Refund) and not outcome.duplicate:
            order = state.order(event.id if isinstance(event, Purchase) else event.order)
            if order is not None:
                orders[order.id] = (
                    order.at,
                    order.net_amount,
                    order.fully_refunded,
                )
    return state_at(policy, state, max(as_of, state.clock or as_of))


def _count_tiers(state: MemberState, tier: str | None, year_start: datetime, tally: _Tally) -> None:
    tally.tiers[tier or ""] += 1
    previous = ""
    for change in state.tiers.history:
        if change.at >= year_start and change.tier != previous:
            tally.movements[(previous, change.tier)] += 1
        previous = change.tier


def _count_points(
    policy: Policy, state: MemberState, as_of: datetime, year_start: datetime, tally: _Tally
) -> None:
    for entry in state.points.journal:
        tally.held[entry.currency] = tally.held.get(entry.currency, 0) + entry.points
        if year_start <= entry.at <= as_of:
            key = (entry.currency, entry.kind)
            tally.flows[key] = tally.flows.get(key, 0) + entry.points
    program = policy.at(as_of)
    assert program.points is not None
    for currency in program.points.currencies:
        if currency.spendable and currency.expiry is not None:
            soon = expiring(policy, state, as_of, EXPIRY_WINDOW_DAYS, currency.id).points
            if soon:
                tally.expiring_members[currency.id] += 1
                tally.expiring_points[currency.id] = (
                    tally.expiring_points.get(currency.id, 0) + soon
                )


def _currencies(policy: Policy, as_of: datetime, tally: _Tally) -> tuple[CurrencyFigures, ...]:
    program = policy.at(as_of)
    assert program.points is not None
    return tuple(
        CurrencyFigures(
            currency=c.id,
            name=c.name,
            spendable=c.spendable,
            by_kind={
                kind: value for (cid, kind), value in sorted(tally.flows.items()) if cid == c.id
            },
            outstanding=tally.held.get(c.id, 0),
            expiring_members=tally.expiring_members.get(c.id, 0),
            expiring_points=tally.expiring_points.get(c.id, 0),
        )
        for c in program.points.currencies
    )


def _kind(event: Event) -> str:
    # Activities are counted by kind (sign-up, referral, check-in...): they differ in meaning.
    return f"{event.type}:{event.kind}" if isinstance(event, Activity) else event.type
