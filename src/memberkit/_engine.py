"""The spine: apply one event to a member state, or replay a member's history.

``apply`` is a pure function: the state passed in is never changed, and when an event is refused
(an ``EventError``) the caller still holds the state it had. Within one event the parts run in a
fixed order, because each reads what the previous one decided:

1. time: tier reviews due before the event, then points expiry (expiry may depend on the tier held);
2. the core records the order, refund or activity (refund amounts are worked out once, here);
3. points react (earning reads the tier in force *before* the event);
4. tiers react (figures now include the event, so an upgrade can happen);
5. if the tier changed, points react to that (upgrade bonus, expiry extension);
6. benefits react (a benefit use is checked against the tier now in force).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from ._agenda import advanced
from ._compiled import Policy
from ._context import ApplyContext, Capture, RefundedLine, Refused
from ._decision import Explained
from ._errors import EventConflict, EventError
from ._events import (
    Activity,
    Event,
    FlagUpdate,
    Opening,
    ProfileUpdate,
    Purchase,
    Refund,
    check_order_money,
    event_fingerprint,
    legacy_fingerprint,
)
from ._evolve import replace
from ._fold import fold
from ._instants import fixed_offset
from ._limits import MAX_YEAR, memberkit_context
from ._money import currency_exponent
from ._program import ProgramInfo
from ._reasons import Reason
from ._spread import check_tender, record_amount_refund, tenders_after
from ._state import (
    ActivityRecord,
    FlagRecord,
    LineRecord,
    MemberState,
    OrderRecord,
    RefundRecord,
    TenderRecord,
    orders_after,
    seen_after,
)
from .benefits import _engine as benefits_engine
from .points import _engine as points_engine
from .tiers import _engine as tiers_engine

__all__ = ["Outcome", "advance", "apply", "apply_captured", "apply_late", "replay"]


@dataclass(frozen=True, slots=True)
class Outcome(Explained):
    """What applying one event did, with reasons for every change.

    ``duplicate``: the event was applied before and nothing changed. ``refused``: the programme
    said no (not enough points, over quota, not entitled); nothing changed and the id is not
    recorded, so the same request may be retried.
    """

    event_id: str
    duplicate: bool
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
    refused: bool = False

    @property
    def accepted(self) -> bool:
        """Whether the event changed the state."""
        return not (self.duplicate or self.refused)


@memberkit_context
def advance(
    policy: Policy, state: MemberState, until: datetime
) -> tuple[MemberState, list[Reason]]:
    """Bring the state to ``until``: what time alone causes (reviews, expiry, versions...).

    The reasons say what happened since the state was last brought forward, each thing once.
    The state keeps answering exactly for every moment from its last event on; a moment before
    the last event is refused (``AsOfError``).
    """
    reasons: list[Reason] = []
    return advanced(policy, state, until, reasons), reasons


@memberkit_context
def apply(policy: Policy, state: MemberState, event: Event) -> tuple[MemberState, Outcome]:
    """Apply one event; a repeated event id with the same content changes nothing.

    Raises ``EventConflict`` when the id was used before for different content and ``EventError``
    when the event cannot apply (out of time order, refund of an unknown order, ...). In both
    cases the state passed in remains the member's state.
    """
    return apply_captured(policy, state, event, None)


def apply_captured(
    policy: Policy, state: MemberState, event: Event, capture: Capture | None
) -> tuple[MemberState, Outcome]:
    """``apply``, recording what the points part books in ``capture`` (for quotes).

    With a capture the event is only quoted: the parts run as on ``apply`` but book only what
    their later steps read, and the state returned is ``state`` itself.
    """
    program = policy.at(event.at)
    locale = program.info.locale
    known = state.fingerprint_of(event.id)
    if known is not None:
        # States written by memberkit 0.1 recorded the digest of the moments as written.
        if known != event_fingerprint(event) and known != legacy_fingerprint(event):
            raise EventConflict(
                event.id,
                "this event id was already applied with different content; ids must be unique",
                code="event_conflict",
                reason=Reason.of("event.error.conflict", event_id=event.id),
            )
        return state, Outcome(
            event.id, True, (Reason.of("event.duplicate", event_id=event.id),), locale
        )
    # Reviews and expiry are computed up to the latest event; an older event arriving late would
    # change history that decisions were already taken on, so it is refused rather than guessed.
    if state.clock is not None and event.at < state.clock:
        raise EventError(
            event.id,
            f"event time {event.at.isoformat()} is before the member's last event "
            f"({state.clock.isoformat()}); apply events in time order, or give the history "
            "to memberkit.apply_late (within program.lateness_days), or replay the history",
            field="at",
            code="out_of_order",
            reason=Reason.of("event.error.out_of_order", at=event.at, last=state.clock),
        )
    if event.at < state.joined_at and not isinstance(event, ProfileUpdate):
        raise EventError(
            event.id,
            f"event time {event.at.isoformat()} is before the member joined "
            f"({state.joined_at.isoformat()})",
            field="at",
            code="before_join",
            reason=Reason.of("event.error.before_join", at=event.at, joined=state.joined_at),
        )

    if isinstance(event, Opening) and state.clock is not None:
        # The opening states where the member stands before anything happens here; after other
        # events it would count their figures twice or undo their tier changes.
        raise EventError(
            event.id,
            f"an opening must be the member's first event, and this member has events up to "
            f"{state.clock.isoformat()}; start the member with it (replay the history after it), "
            "or use tier_grant for a tier and adjustment for points",
            field="type",
            code="opening_not_first",
            reason=Reason.of("event.error.opening_not_first", last=state.clock),
        )
    reasons: list[Reason] = []
    # Time first: what fell due since the last event is carried out before the event acts. An
    # event dated inside a stretch already advanced starts from the member as of the last event
    # (what was told there is not told again).
    told = state.advanced_to
    if told is not None and event.at < told:
        advanced_state = advanced(policy, state.origin, event.at, None)
    elif capture is not None:
        # A quote reads no reasons of time: the state at the event's moment is the one every
        # query at that moment shares (memberkit._agenda keeps it).
        advanced_state = advanced(policy, state, event.at, None)
    else:
        advanced_state = advanced(policy, state, event.at, reasons)

    if isinstance(event, Purchase):
        check_order_money(event, program.info.currency, program.info.currency_decimals)
    if isinstance(event, Refund):
        _check_refund_horizon(program.info, advanced_state, event)
    recorded, refunded = _record(advanced_state, event, program.info)
    ctx = ApplyContext(
        program=program,
        event=event,
        local_at=program.info.local(event.at),
        before=advanced_state,
        refunded=refunded,
        capture=capture,
    )
    try:
        new = _react(ctx, recorded, reasons)
    except Refused as refusal:
        return state, Outcome(event.id, False, refusal.reasons, locale, refused=True)

    if capture is not None:
        # A quote changes nothing: what the parts booked is thrown away (they booked only what
        # later steps of the event read, ``points._engine._quoted``), its event is not
        # recorded, nor the state folded; the caller keeps the state it passed.
        return state, Outcome(event.id, False, tuple(reasons), locale)
    new = new.evolve(
        clock=event.at,
        seen=seen_after(new.seen, event.id, event_fingerprint(event), event.at),
        advanced_to=None,
        base=None,
    )
    kept = fold(policy, new, state.clock)
    return kept, Outcome(event.id, False, tuple(reasons), locale)


def _react(ctx: ApplyContext, state: MemberState, reasons: list[Reason]) -> MemberState:
    tier_before = tiers_engine.current_tier(state)
    new, part_reasons = points_engine.on_event(ctx, state)
    reasons.extend(part_reasons)
    new, part_reasons = tiers_engine.on_event(ctx, new)
    reasons.extend(part_reasons)
    tier_after = tiers_engine.current_tier(new)
    if tier_after != tier_before:
        new, part_reasons = points_engine.on_tier_change(ctx, new, tier_before, tier_after)
        reasons.extend(part_reasons)
    new, part_reasons = benefits_engine.on_event(ctx, new)
    reasons.extend(part_reasons)
    return new


def apply_late(
    policy: Policy,
    state: MemberState,
    event: Event,
    *,
    earlier: MemberState,
    since: Sequence[Event],
) -> tuple[MemberState, Outcome]:
    """Apply an event that arrived after later ones, as if it had arrived in order.

    The state keeps what future decisions need, not past events, so the host supplies what the
    engine needs to go back: ``earlier``, a state of the member it stored before the late
    event's time (yesterday's, the last nightly run's), and ``since``, the events applied to
    it since, which must be exactly the ones the state recorded. The events are then applied
    again in time order with the late one among them. An event in time is simply applied.

    Refused (``EventError``) when the event is older than the policy's ``lateness_days``
    allow, when ``earlier`` and ``since`` do not lead to ``state``, or when going back would
    make a later event fail (a redemption no longer covered): cancel that one first.
    """
    if state.clock is None or event.at >= state.clock:
        return apply(policy, state, event)
    known = state.fingerprint_of(event.id)
    if known is not None:
        return apply(policy, state, event)
    horizon = timedelta(days=policy.at(event.at).info.lateness_days)
    if event.at < state.clock - horizon:
        raise EventError(
            event.id,
            f"event time {event.at.isoformat()} is more than {horizon.days} day(s) before the "
            f"member's last event ({state.clock.isoformat()}); the programme applies late "
            "events within program.lateness_days only: replay the member's history instead",
            field="at",
            code="too_late",
        )
    if earlier.member_id != state.member_id or (
        earlier.clock is not None and earlier.clock > event.at
    ):
        raise EventError(
            event.id,
            "'earlier' must be a state of the same member from before the late event's time",
            field="earlier",
            code="bad_checkpoint",
        )
    _check_history(state, earlier, since, event.id)
    ordered = sorted([*since, event], key=lambda e: e.at)
    current = earlier
    outcome: Outcome | None = None
    for item in ordered:
        try:
            current, result = apply(policy, current, item)
        except EventError as failed:
            if item is event:
                raise
            # A later event that no longer applies (a refund of units the late one took back) is
            # the late event's conflict: the later one was fine when it came.
            raise EventError(
                event.id,
                f"applied in order, this event would make the later event {item.id!r} fail "
                f"({failed.code}: {failed.message}); cancel or correct it first",
                code="late_conflict",
            ) from None
        if item is event:
            outcome = result
        elif not result.accepted:
            raise EventError(
                event.id,
                f"applied in order, this event would refuse the later event {item.id!r} "
                f"({', '.join(r.code for r in result.reasons)}); cancel or correct it first",
                code="late_conflict",
            )
    assert outcome is not None
    return current, outcome


def _check_history(
    state: MemberState, earlier: MemberState, since: Sequence[Event], event_id: str
) -> None:
    """Refuse a checkpoint and events that do not lead to ``state`` exactly."""
    before = {entry[0] for entry in earlier.seen}
    expected = [(i, fp) for i, fp, _ in state.seen if i not in before]
    given = sorted(since, key=lambda e: e.at)
    fingerprints = dict(expected)
    matches = len(given) == len(expected) and all(
        fingerprints.get(e.id) in (event_fingerprint(e), legacy_fingerprint(e)) for e in given
    )
    # Every id the checkpoint recorded is still recorded here, unless folded since (older than
    # the oldest id the state holds).
    held = {entry[0] for entry in state.seen}
    oldest = state.seen[0][2] if state.seen else None
    lost = [
        entry
        for entry in earlier.seen
        if entry[0] not in held and (oldest is None or entry[2] >= oldest)
    ]
    if not matches or lost:
        raise EventError(
            event_id,
            "'earlier' and 'since' do not lead to this state: give a stored state of the member "
            "and exactly the events applied to it since",
            field="since",
            code="history_mismatch",
        )


@memberkit_context
def replay(
    policy: Policy,
    state: MemberState,
    events: Iterable[Event],
    *,
    as_of: datetime | None = None,
) -> MemberState:
    """Apply a member's events in time order (stable for equal times), then advance to ``as_of``.

    Equal to applying the same events one by one in that order.
    """
    ordered = sorted(events, key=lambda e: e.at)
    for event in ordered:
        state, _ = apply(policy, state, event)
    if as_of is not None:
        state, _ = advance(policy, state, as_of)
    return state


def _aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise EventError("-", f"{name} has no timezone offset", field=name, code="naive_datetime")


def _attrs(mapping: object) -> tuple[tuple[str, str | int | Decimal | bool], ...]:
    items = getattr(mapping, "items", None)
    if items is None:
        return ()
    return tuple(sorted(items()))


def _record(
    state: MemberState, event: Event, info: ProgramInfo
) -> tuple[MemberState, tuple[RefundedLine, ...]]:
    """Record what the core keeps: orders (and what each refund took back), activities, profile,
    flags; a flag over by the event's moment leaves the state, which keeps only what can hold."""
    if any(f.until is not None and f.until <= event.at for f in state.flags):
        state = state.evolve(
            flags=tuple(f for f in state.flags if f.until is None or f.until > event.at)
        )
    return _record_event(state, event, info)


def _record_event(
    state: MemberState, event: Event, info: ProgramInfo
) -> tuple[MemberState, tuple[RefundedLine, ...]]:
    if isinstance(event, Purchase):
        if state.order(event.id) is not None:
            raise EventError(
                event.id,
                "an order with this id already exists",
                code="duplicate_order",
                reason=Reason.of("event.error.duplicate_order", order=event.id),
            )
        order = OrderRecord(
            id=event.id,
            at=event.at,
            currency=event.currency,
            lines=tuple(
                LineRecord(
                    id=line.id,
                    sku=line.sku,
                    category=line.category,
                    quantity=line.quantity,
                    amount=line.amount,
                    gross=line.gross,
                    tags=line.tags,
                    attributes=_attrs(line.attributes),
                )
                for line in event.lines
            ),
            shipping=event.shipping,
            tax=event.tax,
            channel=event.channel,
            store=event.store,
            payment_method=event.one_method,
            tags=event.tags,
            attributes=_attrs(event.attributes),
            tenders=tuple(TenderRecord(t.method, t.amount) for t in event.tenders)
            if len(event.tenders) > 1
            else (),
        )
        return state.evolve(orders=orders_after(state.orders, order)), ()
    if isinstance(event, Refund):
        return _record_refund(state, event, info)
    if isinstance(event, Activity):
        record = ActivityRecord(
            id=event.id,
            at=event.at,
            kind=event.kind,
            channel=event.channel,
            tags=event.tags,
            attributes=_attrs(event.attributes),
        )
        return state.evolve(activities=(*state.activities, record)), ()
    if isinstance(event, ProfileUpdate):
        tags = [t for t in state.tags if t not in event.remove_tags]
        tags.extend(t for t in event.add_tags if t not in tags)
        birthday = event.birthday if event.birthday is not None else state.birthday
        year = event.birth_year if event.birth_year is not None else state.birth_year
        return state.evolve(tags=tuple(tags), birthday=birthday, birth_year=year), ()
    if isinstance(event, FlagUpdate):
        return state.evolve(flags=_flags_after(state, event, info)), ()
    return state, ()


def _flags_after(
    state: MemberState, event: FlagUpdate, info: ProgramInfo
) -> tuple[FlagRecord, ...]:
    """The member's flags after ``event``: the flag set again (its new validity) or cleared."""
    kept = tuple(f for f in state.flags if f.name != event.flag)
    if event.clear:
        return kept
    until = event.until
    # Through the last supported day (31 Dec 2999) there is no next day a state can store: the
    # flag holds for good, which is what that day means.
    if event.through is not None and event.through < date(MAX_YEAR, 12, 31):
        # "Valid to the end of the month": held until that day ends on the programme's calendar.
        day = event.through + timedelta(days=1)
        until = fixed_offset(datetime(day.year, day.month, day.day, tzinfo=info.tz))
    start = event.start or event.at
    if until is not None and until <= event.at:
        # Already over when told: nothing to keep.
        return kept
    return (*kept, FlagRecord(name=event.flag, start=start, until=until))


def _check_refund_horizon(info: ProgramInfo, state: MemberState, event: Refund) -> None:
    """Refuse a refund later than ``program.refund_days`` after its order."""
    days = info.refund_days
    if days is None:
        return
    order = state.order(event.order)
    if order is None:
        if state.folded is not None and state.folded.orders:
            raise EventError(
                event.id,
                f"refund of unknown order {event.order!r} (orders older than "
                f"program.refund_days, {days} days, are no longer held)",
                field="order",
                code="unknown_order",
                reason=Reason.of("event.error.unknown_order", order=event.order),
            )
        return
    if info.local_date(event.at) - info.local_date(order.at) > timedelta(days=days):
        placed = info.local_date(order.at)
        raise EventError(
            event.id,
            f"order {order.id!r} was placed on {placed.isoformat()}; the programme accepts "
            f"refunds within {days} days of an order (program.refund_days)",
            field="order",
            code="refund_past_horizon",
            reason=Reason.of(
                "event.error.refund_past_horizon", order=order.id, days=days, placed=placed
            ),
        )


def _record_refund(
    state: MemberState, event: Refund, info: ProgramInfo
) -> tuple[MemberState, tuple[RefundedLine, ...]]:
    order = state.order(event.order)
    if order is None:
        raise EventError(
            event.id,
            f"refund of unknown order {event.order!r}",
            field="order",
            code="unknown_order",
            reason=Reason.of("event.error.unknown_order", order=event.order),
        )
    if event.at < order.at:
        raise EventError(
            event.id,
            "refund is dated before its order",
            field="at",
            code="refund_before_order",
            reason=Reason.of("event.error.refund_before_order", order=order.id),
        )
    check_tender(order, event)
    if event.amount is not None:
        return record_amount_refund(state, order, event, info)
    # Whole-order refund: every unit still held comes back.
    wanted: dict[str, int] = {}
    if not event.lines:
        wanted = {
            line.id: line.remaining_quantity for line in order.lines if line.remaining_quantity
        }
        if not wanted:
            raise EventError(
                event.id,
                f"order {order.id!r} is already fully refunded",
                code="over_refund",
                reason=Reason.of("event.error.fully_refunded", order=order.id),
            )
    for i, item in enumerate(event.lines):
        line = order.line(item.line)
        if line is None:
            known = ", ".join(repr(x.id) for x in order.lines)
            raise EventError(
                event.id,
                f"order {order.id!r} has no line {item.line!r} (lines: {known})",
                field=f"lines.{i}.line",
                code="unknown_line",
                reason=Reason.of("event.error.unknown_line", order=order.id, line=item.line),
            )
        quantity = item.quantity if item.quantity is not None else line.remaining_quantity
        total = wanted.get(line.id, 0) + quantity
        if total > line.remaining_quantity or quantity == 0:
            raise EventError(
                event.id,
                f"refund of {total} unit(s) of line {line.id!r} but only "
                f"{line.remaining_quantity} remain",
                field=f"lines.{i}.quantity",
                code="over_refund",
                reason=Reason.of(
                    "event.error.over_refund",
                    units=total,
                    line=line.id,
                    left=line.remaining_quantity,
                ),
            )
        wanted[line.id] = total

    refunded: list[RefundedLine] = []
    new_lines: list[LineRecord] = []
    exponent = Decimal(1).scaleb(-currency_exponent(order.currency))
    for line in order.lines:
        quantity = wanted.get(line.id, 0)
        if not quantity:
            new_lines.append(line)
            continue
        left = line.remaining_quantity - quantity
        # The last units refunded take whatever money is left, so a line refunded in parts
        # gives back exactly what was paid, never a cent more or less.
        if left == 0:
            amount = line.net_amount
        else:
            # Never more than is left of the line after refunds by amount.
            amount = min(
                line.net_amount,
                (line.amount * quantity / line.quantity).quantize(exponent, rounding=ROUND_DOWN),
            )
        refunded.append(RefundedLine(line.id, quantity, amount, left == 0))
        new_lines.append(
            replace(
                line,
                refunded_quantity=line.refunded_quantity + quantity,
                refunded_amount=line.refunded_amount + amount,
            )
        )
    total_amount = sum((r.amount for r in refunded), Decimal(0))
    new_order = replace(
        order,
        lines=tuple(new_lines),
        tenders=tenders_after(order, event, total_amount, info.currency_decimals),
        refunds=(
            *order.refunds,
            RefundRecord(
                event.id, event.at, total_amount, tuple((r.line_id, r.amount) for r in refunded)
            ),
        ),
    )
    orders = state.with_order(new_order)
    return state.evolve(orders=orders), tuple(refunded)
