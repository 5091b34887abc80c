"""How the points part reacts to time passing and to events.

- time: lots whose expiry has come are expired (dated lots at their date, unless a protected
  tier is held; inactivity expiry when the member did nothing that counts for N months);
- a purchase earns (the tier in force at the order's time sets multipliers), a refund takes back
  what each returned line earned, an activity earns its bonuses and may release pending points;
- redemptions, cancels, transfers and adjustments move points between lots and the journal;
- a tier upgrade earns upgrade bonuses and may push the expiry of every held lot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from .._compiled import CompiledProgram
from .._context import ApplyContext, Refused
from .._errors import EventError
from .._events import (
    Activity,
    Adjustment,
    PointsExtension,
    Purchase,
    Redemption,
    RedemptionCancel,
    Refund,
    Transfer,
)
from .._money import Money
from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import (
    PENDING_PATH,
    REVERSAL_PATH,
    CompiledCurrency,
    CompiledPoints,
    _did_you_mean,
)
from ._earn import Contribution, earn_activity, earn_purchase, earn_upgrade
from ._extend import apply_campaigns, extend_paid, push_lots
from ._ledger import add_debt, available, credit, effective_expiry, expiry_for, spend
from ._periods import cap_span
from ._state import CapUse, Earning, JournalEntry, Lot, PointsState, RedemptionRecord

__all__ = ["advance", "on_event", "on_tier_change"]

Points = int | Decimal
_INSTANT = timedelta(microseconds=1)


def _last_day(info: ProgramInfo, expires_at: datetime) -> object:
    return info.local_date(expires_at - _INSTANT)


# --- time ----------------------------------------------------------------------------------------


def _last_activity(state: MemberState, kinds: tuple[str, ...], until: datetime) -> datetime:
    moments = [state.joined_at]
    if "purchase" in kinds:
        moments += [o.at for o in state.orders if o.at <= until]
    moments += [a.at for a in state.activities if a.kind in kinds and a.at <= until]
    return max(moments)


def advance(
    program: CompiledProgram, state: MemberState, until: datetime
) -> tuple[MemberState, list[Reason]]:
    """Expire what is due up to ``until``, with a journal entry per lot."""
    points = program.points
    if points is None:
        return state, []
    info = program.info
    # Campaigns push expiry before anything is expired, so a lot they cover never lapses.
    state, reasons = apply_campaigns(points, info, state, until)
    due: dict[str, datetime] = {}
    lots_now = state.points.lots
    # Lots whose date has come (a protected tier only ever postpones expiry, so a date still
    # ahead is never due): one comprehension, since a long history is mostly lots not yet due.
    dated = [
        lot
        for lot in lots_now
        if lot.expires_at is not None
        and lot.expires_at <= until
        and lot.remaining > 0
        and not lot.expired
    ]
    for currency in points.currencies:
        expiry = currency.expiry
        if expiry is None:
            continue
        protected = expiry.never_while_tier
        if expiry.inactivity_months is not None:
            lots = [
                lot
                for lot in lots_now
                if lot.currency == currency.id and lot.remaining > 0 and not lot.expired
            ]
            if not lots:
                continue
            last = _last_activity(state, expiry.activity, until)
            deadline = info.local(last) + relativedelta(months=expiry.inactivity_months)
            moment = effective_expiry(deadline, protected, state.tiers)
            if moment is not None and moment <= until:
                due.update({lot.id: moment for lot in lots if lot.earned_at < deadline})
            continue
        for lot in dated:
            if lot.currency != currency.id:
                continue
            assert lot.expires_at is not None
            moment = effective_expiry(lot.expires_at, protected, state.tiers)
            if moment is not None and moment <= until:
                due[lot.id] = moment
    if not due:
        return state, reasons
    entries: list[JournalEntry] = []
    lots_out: list[Lot] = []
    for lot in state.points.lots:
        moment = due.get(lot.id)
        if moment is None:
            lots_out.append(lot)
            continue
        lots_out.append(replace(lot, remaining=0, expired=True))
        entries.append(JournalEntry(moment, lot.source, lot.currency, "expire", -lot.remaining))
        reasons.append(
            Reason.of(
                "points.expired",
                points.by_id[lot.currency].path,
                points=lot.remaining,
                currency=points.by_id[lot.currency].name,
                date=info.local_date(moment - _INSTANT),
            )
        )
    entries.sort(key=lambda e: e.at)
    new = replace(state.points, lots=tuple(lots_out), journal=(*state.points.journal, *entries))
    return state.evolve(points=new), reasons


# --- events --------------------------------------------------------------------------------------


def on_event(ctx: ApplyContext, state: MemberState) -> tuple[MemberState, list[Reason]]:
    """React to the event in ``ctx``; the core has already recorded orders and activities."""
    event = ctx.event
    points = ctx.program.points
    if points is None:
        if isinstance(
            event, Redemption | RedemptionCancel | Transfer | Adjustment | PointsExtension
        ):
            raise EventError(
                event.id, "the programme has no points section", code="no_points_programme"
            )
        return state, []
    if isinstance(event, Purchase):
        return _purchase(ctx, points, state, event)
    if isinstance(event, Refund):
        return _refund(ctx, points, state, event)
    if isinstance(event, Activity):
        return _activity(ctx, points, state, event)
    if isinstance(event, Redemption):
        return _redeem(ctx, points, state, event)
    if isinstance(event, RedemptionCancel):
        return _cancel(ctx, points, state, event)
    if isinstance(event, Transfer):
        return _transfer(ctx, points, state, event)
    if isinstance(event, Adjustment):
        return _adjust(ctx, points, state, event)
    if isinstance(event, PointsExtension):
        currency = resolve_currency(points, event.currency, event.id)
        return extend_paid(ctx, points, currency, state, event)
    return state, []


def resolve_currency(
    points: CompiledPoints, currency_id: str | None, event_id: str
) -> CompiledCurrency:
    """The currency an event names (the first spendable one when it names none)."""
    found = points.currency(currency_id)
    if found is None:
        known = tuple(points.by_id)
        hint = _did_you_mean(str(currency_id), known)
        listed = "" if hint else f" (currencies: {', '.join(known)})"
        raise EventError(
            event_id,
            f"unknown points currency {currency_id!r}{hint}{listed}",
            field="currency",
            code="unknown_currency",
        )
    return found


def _book(
    ctx: ApplyContext,
    points: CompiledPoints,
    state: MemberState,
    found: Sequence[Contribution],
    *,
    lot_suffix: str = "",
    pending: bool = False,
    order: str = "",
) -> tuple[MemberState, list[Reason]]:
    """Credit contributions: one lot per currency, journal entries, earnings and cap uses."""
    event = ctx.event
    info = ctx.program.info
    ps = state.points
    if not found:
        return state, []
    reasons: list[Reason] = []
    # Only the new entries are gathered here; each history tuple is copied once, at the end.
    journal: list[JournalEntry] = []
    earnings: list[Earning] = []
    caps: list[CapUse] = []
    totals: dict[str, Points] = {}
    for c in found:
        currency = points.by_id[c.currency]
        journal.append(JournalEntry(event.at, event.id, c.currency, c.kind, c.points, c.rule.id))
        totals[c.currency] = totals.get(c.currency, 0) + c.points
        if order:
            earnings += [
                Earning(order, c.rule.id, c.currency, ln, p, 0, c.kind) for ln, p in c.lines
            ]
        if c.rule.caps:
            caps.append(CapUse(c.rule.id, event.id, event.at, c.points))
        if c.kind == "bonus" and c.factor is not None:
            reasons.append(
                Reason.of(
                    "points.multiplied",
                    c.rule.path,
                    rule=c.rule.name,
                    factor=c.factor,
                    points=c.points,
                    currency=currency.name,
                )
            )
        else:
            reasons.append(
                Reason.of(
                    "points.earned",
                    c.rule.path,
                    rule=c.rule.name,
                    points=c.points,
                    currency=currency.name,
                )
            )
    for currency_id, total in totals.items():
        if points.by_id[currency_id].earn_caps:
            caps.append(CapUse(points.by_id[currency_id].cap_key, event.id, event.at, total))
    ps = replace(
        ps,
        journal=ps.journal + tuple(journal),
        earnings=ps.earnings + tuple(earnings) if earnings else ps.earnings,
        cap_uses=ps.cap_uses + tuple(caps) if caps else ps.cap_uses,
    )
    spec = points.pending
    for currency_id, total in totals.items():
        currency = points.by_id[currency_id]
        available_at: datetime | None = event.at
        if pending and spec.until is not None:
            available_at = None
            reasons.append(
                Reason.of(
                    "points.pending_event",
                    PENDING_PATH,
                    points=total,
                    currency=currency.name,
                    until=spec.until,
                )
            )
        elif pending and spec.days:
            available_at = event.at + timedelta(days=spec.days)
            reasons.append(
                Reason.of(
                    "points.pending",
                    PENDING_PATH,
                    points=total,
                    currency=currency.name,
                    date=info.local_date(available_at),
                )
            )
        lot = Lot(
            id=f"{event.id}/{currency_id}{lot_suffix}",
            currency=currency_id,
            amount=total,
            remaining=total,
            earned_at=event.at,
            available_at=available_at,
            expires_at=expiry_for(currency.expiry, event.at, info),
            source=event.id,
        )
        ps = credit(ps, lot)
    return state.evolve(points=ps), reasons


def _purchase(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Purchase
) -> tuple[MemberState, list[Reason]]:
    tier = state.tiers.tier_at(event.at)
    found, skipped = earn_purchase(points, ctx.program.info, state, event, tier)
    new, reasons = _book(ctx, points, state, found, pending=True, order=event.id)
    return new, skipped + reasons


def _activity(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Activity
) -> tuple[MemberState, list[Reason]]:
    reasons: list[Reason] = []
    release = points.pending.until
    if release is not None and event.kind == release:
        order = event.attributes.get("order")
        # Points of that order were waiting for this event (e.g. delivery confirmed).
        lots = tuple(
            replace(lot, available_at=event.at)
            if lot.source == order and lot.available_at is None and not lot.expired
            else lot
            for lot in state.points.lots
        )
        if lots != state.points.lots:
            state = state.evolve(points=replace(state.points, lots=lots))
            reasons.append(Reason.of("points.released", PENDING_PATH, order=str(order)))
    tier = state.tiers.tier_at(event.at)
    found, skipped = earn_activity(points, ctx.program.info, state, event, tier)
    new, booked = _book(ctx, points, state, found)
    return new, reasons + skipped + booked


def _earnings_of(ps: PointsState, order_id: str) -> list[tuple[int, Earning]]:
    """The earnings of one order with their indexes.

    A purchase books all its earnings at once and nothing else adds earnings of that order, so
    they sit side by side; refunds mostly concern recent orders, so the search runs from the end
    and stops at the edge of the order's block.
    """
    earnings = ps.earnings
    end = len(earnings)
    while end and earnings[end - 1].order != order_id:
        end -= 1
    begin = end
    while begin and earnings[begin - 1].order == order_id:
        begin -= 1
    return [(i, earnings[i]) for i in range(begin, end)]


def _refund(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Refund
) -> tuple[MemberState, list[Reason]]:
    order = state.order(event.order)
    assert order is not None  # the core refused refunds of unknown orders
    refunded = {r.line_id: r for r in ctx.refunded}
    money_back = sum((r.amount for r in ctx.refunded), Decimal(0))
    ps = state.points
    wanted: dict[int, Points] = {}
    mine = _earnings_of(ps, order.id)
    for index, earning in mine:
        left = earning.points - earning.reversed
        if left <= 0:
            continue
        currency = points.by_id[earning.currency]
        if earning.line == "":
            # Order-level bonuses go back in proportion to the money returned; the last refund
            # of the order takes whatever is left, so nothing is stranded by rounding.
            if order.fully_refunded or order.amount == 0:
                take: Points = left
            else:
                share = Decimal(earning.points) * money_back / order.amount
                take = min(left, currency.number(share, ROUND_HALF_UP))
        else:
            returned = refunded.get(earning.line)
            line = order.line(earning.line)
            if returned is None or line is None:
                continue
            if returned.whole_line or line.amount == 0:
                take = left
            else:
                share = Decimal(earning.points) * returned.amount / line.amount
                take = min(left, currency.number(share, ROUND_HALF_UP))
        if take:
            wanted[index] = take
    if not wanted:
        return state, []
    earnings = list(ps.earnings)
    per_currency: dict[str, Points] = {}
    for index, take in wanted.items():
        earning = earnings[index]
        earnings[index] = replace(earning, reversed=earning.reversed + take)
        per_currency[earning.currency] = per_currency.get(earning.currency, 0) + take
    # Cap room the order used is given back with its points, for each rule and for the
    # member's caps across all rules of the currency.
    by_rule: dict[str, Points] = {}
    for index, take in wanted.items():
        by_rule[earnings[index].rule] = by_rule.get(earnings[index].rule, 0) + take
    for currency_id, take in per_currency.items():
        by_rule[points.by_id[currency_id].cap_key] = take
    caps_out: list[CapUse] = []
    for u in ps.cap_uses:
        back = by_rule.get(u.rule, 0) if u.event_id == order.id else 0
        if back:
            # The same event may hold two uses of one key (an upgrade bonus booked under the
            # purchase that caused it); what is given back is given back once.
            give = min(back, u.points)
            by_rule[u.rule] = back - give
            u = replace(u, points=u.points - give)
        caps_out.append(u)
    caps = tuple(caps_out)
    ps = replace(ps, earnings=tuple(earnings), cap_uses=caps)
    reasons: list[Reason] = []
    journal = list(ps.journal)
    for currency_id, amount in per_currency.items():
        currency = points.by_id[currency_id]
        own = f"{order.id}/{currency_id}"
        own_lot = next((lot for lot in ps.lots if lot.id == own), None)
        still_pending = own_lot is not None and (
            own_lot.available_at is None or own_lot.available_at > event.at
        )
        if points.reversal == "pending_only" and not still_pending:
            ps, _, short = ps, (), amount
        else:
            ps, _, short = spend(
                ps,
                currency_id,
                amount,
                event.at,
                _order_of(currency),
                first=own,
                only_first=points.reversal == "pending_only",
            )
        taken = amount - short
        if points.reversal == "negative" and short > 0:
            ps = add_debt(ps, currency_id, short)
            taken = amount
            short = 0
        # The journal records what was really taken, rule by rule in policy order.
        left = taken
        for index in sorted(wanted):
            earning = earnings[index]
            if earning.currency != currency_id or left <= 0:
                continue
            part = min(wanted[index], left)
            left -= part
            journal.append(
                JournalEntry(event.at, event.id, currency_id, "reverse", -part, earning.rule)
            )
        reasons.append(
            Reason.of("points.reversed", REVERSAL_PATH, points=taken, currency=currency.name)
        )
        if short > 0:
            reasons.append(
                Reason.of(
                    "points.reversal_shortfall",
                    REVERSAL_PATH,
                    points=short,
                    currency=currency.name,
                )
            )
    ps = replace(ps, journal=tuple(journal))
    return state.evolve(points=ps), reasons


def _order_of(currency: CompiledCurrency) -> str:
    return currency.redeem.order if currency.redeem is not None else "earliest_expiry"


# --- spending ------------------------------------------------------------------------------------


def _redeem(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Redemption
) -> tuple[MemberState, list[Reason]]:
    info = ctx.program.info
    currency = resolve_currency(points, event.currency, event.id)
    redeem = currency.redeem
    if not currency.spendable or redeem is None:
        raise Refused(
            Reason.of(
                "points.not_redeemable",
                currency.path,
                currency=currency.name,
            )
        )
    failures: list[Reason] = []
    value: Decimal | None = None
    reward_name = None
    path = f"{currency.path}.redeem"
    if event.reward is not None:
        reward = next((r for r in redeem.rewards if r.id == event.reward), None)
        if reward is None:
            known = tuple(r.id for r in redeem.rewards)
            hint = _did_you_mean(event.reward, known)
            raise EventError(
                event.id,
                f"unknown reward {event.reward!r}{hint}",
                field="reward",
                code="unknown_reward",
            )
        amount = reward.points
        from .._program import localized

        reward_name = localized(reward.name, info.locale, reward.id)
    else:
        assert event.points is not None
        amount = event.points
        if redeem.denominations:
            row = next((d for d in redeem.denominations if d.points == amount), None)
            if row is None:
                failures.append(
                    Reason.of(
                        "points.not_a_denomination",
                        f"{path}.denominations",
                        points=amount,
                        allowed=tuple(d.points for d in redeem.denominations),
                    )
                )
            else:
                value = row.value
        elif redeem.points_per_unit is not None:
            quantum = Decimal(1).scaleb(-info.currency_decimals)
            value = (Decimal(amount) / redeem.points_per_unit).quantize(quantum, ROUND_FLOOR)
        if amount % redeem.step:
            failures.append(
                Reason.of("points.not_a_step", f"{path}.step", points=amount, step=redeem.step)
            )
        if redeem.max_share_of_order is not None and value is not None:
            if event.order_amount is None:
                raise EventError(
                    event.id,
                    "this programme limits the share of an order paid with points; "
                    "give order_amount",
                    field="order_amount",
                    code="missing_order_amount",
                )
            limit = event.order_amount * redeem.max_share_of_order
            if value > limit:
                failures.append(
                    Reason.of(
                        "points.over_order_share",
                        f"{path}.max_share_of_order",
                        value=Money(value, info.currency),
                        limit=Money(limit, info.currency),
                        share=redeem.max_share_of_order,
                    )
                )
    if amount < redeem.min_points:
        failures.append(
            Reason.of(
                "points.below_min_redeem",
                f"{path}.min_points",
                points=amount,
                minimum=redeem.min_points,
            )
        )
    balance = available(state.points, currency.id, event.at)
    first = not any(r.currency == currency.id and not r.cancelled for r in state.points.redemptions)
    if first and balance < redeem.first_min_points:
        failures.append(
            Reason.of(
                "points.first_redemption_min",
                f"{path}.first_min_points",
                minimum=redeem.first_min_points,
                available=balance,
                currency=currency.name,
            )
        )
    if balance < amount:
        failures.append(
            Reason.of(
                "points.insufficient",
                path,
                needed=amount,
                available=balance,
                currency=currency.name,
            )
        )
    if failures:
        raise Refused(*failures)
    ps, taken, _ = spend(state.points, currency.id, amount, event.at, redeem.order)
    record = RedemptionRecord(
        event.id, event.at, currency.id, amount, taken, event.reward or "", value
    )
    entry = JournalEntry(event.at, event.id, currency.id, "redeem", -amount, event.reward or "")
    ps = replace(ps, redemptions=(*ps.redemptions, record), journal=(*ps.journal, entry))
    if reward_name is not None:
        reason = Reason.of(
            "points.redeemed_reward",
            path,
            points=amount,
            currency=currency.name,
            reward=reward_name,
        )
    else:
        reason = Reason.of(
            "points.redeemed",
            path,
            points=amount,
            currency=currency.name,
            value=Money(value, info.currency) if value is not None else None,
        )
    return state.evolve(points=ps), [reason]


def _cancel(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: RedemptionCancel
) -> tuple[MemberState, list[Reason]]:
    info = ctx.program.info
    ps = state.points
    record = next((r for r in ps.redemptions if r.id == event.redemption), None)
    if record is None or record.cancelled:
        why = "unknown redemption" if record is None else "redemption already cancelled"
        raise EventError(
            event.id, f"{why} {event.redemption!r}", field="redemption", code="bad_redemption"
        )
    currency = points.by_id[record.currency]
    renew = currency.redeem is not None and currency.redeem.cancel_expiry == "renew"
    journal = list(ps.journal)
    journal.append(
        JournalEntry(
            event.at, event.id, record.currency, "redeem_cancel", record.points, record.reward
        )
    )
    if renew:
        lot = Lot(
            id=f"{event.id}/{record.currency}",
            currency=record.currency,
            amount=record.points,
            remaining=record.points,
            earned_at=event.at,
            available_at=event.at,
            expires_at=expiry_for(currency.expiry, event.at, info),
            source=event.id,
        )
        ps = credit(ps, lot)
    else:
        back = dict(record.taken)
        lots: list[Lot] = []
        for lot in ps.lots:
            give = back.get(lot.id, 0)
            if not give:
                lots.append(lot)
            elif lot.expired:
                # Points whose lot expired meanwhile come back only to expire at once; a lot
                # spent to zero before its date is restored and the next time step expires it.
                journal.append(
                    JournalEntry(event.at, event.id, lot.currency, "expire", -give, record.reward)
                )
                lots.append(lot)
            else:
                lots.append(replace(lot, remaining=lot.remaining + give))
        ps = replace(ps, lots=tuple(lots))
    redemptions = tuple(
        replace(r, cancelled=True) if r.id == record.id else r for r in ps.redemptions
    )
    ps = replace(ps, journal=tuple(journal), redemptions=redemptions)
    reason = Reason.of(
        "points.redemption_cancelled",
        currency.path,
        points=record.points,
        currency=currency.name,
        redemption=record.id,
    )
    return state.evolve(points=ps), [reason]


def _year_total(
    ps: PointsState, currency: str, kind: str, rule: str | None, at: datetime, info: ProgramInfo
) -> Points:
    # The local year as an interval of instants, so entries are compared without converting each.
    span = cap_span("year", info.local(at))
    assert span is not None
    start, end = span
    total: Points = 0
    for e in ps.journal:
        same = e.currency == currency and e.kind == kind and (rule is None or e.rule == rule)
        if same and start <= e.at < end:
            total += e.points if e.points > 0 else -e.points
    return total


def _direction(direction: str) -> Reason:
    # The direction's word comes from the catalogue, like period names.
    return Reason.of("points.direction.out" if direction == "out" else "points.direction.in")


def _transfer(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Transfer
) -> tuple[MemberState, list[Reason]]:
    info = ctx.program.info
    currency = resolve_currency(points, event.currency, event.id)
    spec = currency.transfer
    path = f"{currency.path}.transfer"
    if spec is None:
        raise Refused(Reason.of("points.no_transfer", currency.path, currency=currency.name))
    partner = None
    if event.partner:
        partner = next((p for p in spec.partners if p.id == event.counterparty), None)
        if partner is None:
            known = tuple(p.id for p in spec.partners)
            hint = _did_you_mean(event.counterparty, known)
            raise EventError(
                event.id,
                f"unknown partner programme {event.counterparty!r}{hint}",
                field="counterparty",
                code="unknown_partner",
            )
    elif not spec.members:
        raise Refused(Reason.of("points.no_member_transfer", path, currency=currency.name))
    kind = "transfer_out" if event.direction == "out" else "transfer_in"
    failures: list[Reason] = []
    amount: Points = event.points
    partner_points: Decimal | None = None
    if partner is not None:
        limit = partner.limit(event.direction)
        if partner.directions not in ("both", event.direction):
            failures.append(
                Reason.of(
                    "points.exchange_direction",
                    path,
                    partner=partner.id,
                    direction=_direction(event.direction),
                )
            )
        if event.direction == "in":
            # The event counts the partner's points; ours follow from the stated rate.
            partner_points = Decimal(event.points)
            amount = currency.number(partner_points / partner.rate)
            if amount <= 0:
                failures.append(
                    Reason.of(
                        "points.exchange_too_small", path, partner=partner.id, rate=partner.rate
                    )
                )
        else:
            partner_points = Decimal(event.points) * partner.rate
        if 0 < amount < partner.min_points:
            failures.append(
                Reason.of(
                    "points.exchange_below_min",
                    path,
                    points=amount,
                    minimum=partner.min_points,
                    partner=partner.id,
                )
            )
    else:
        limit = spec.max_per_year if event.direction == "out" else spec.max_in_per_year
    if limit is not None:
        used = _year_total(
            state.points, currency.id, kind, event.counterparty if partner else None, event.at, info
        )
        if used + amount > limit:
            failures.append(
                Reason.of(
                    "points.transfer_over_limit",
                    path,
                    points=amount,
                    used=used,
                    limit=limit,
                    currency=currency.name,
                    direction=_direction(event.direction),
                )
            )
    tier = state.tiers.tier_at(event.at)
    receivers = spec.receive_tiers
    # A member transfer is also checked on the receiving side (this member's tier).
    receiving = event.direction == "in" and partner is None
    if receiving and receivers is not None and tier not in receivers:
        failures.append(
            Reason.of(
                "points.receive_tier", f"{path}.receive_tiers", tier=tier or "—", tiers=receivers
            )
        )
    if event.direction == "out":
        if spec.tiers is not None and partner is None and tier not in spec.tiers:
            failures.append(
                Reason.of(
                    "points.transfer_tier",
                    f"{path}.tiers",
                    tier=tier or "—",
                    tiers=spec.tiers,
                )
            )
        if event.points < spec.min_points:
            failures.append(
                Reason.of(
                    "points.transfer_below_min",
                    f"{path}.min_points",
                    points=event.points,
                    minimum=spec.min_points,
                )
            )
        balance = available(state.points, currency.id, event.at)
        if balance < amount:
            failures.append(
                Reason.of(
                    "points.insufficient",
                    path,
                    needed=amount,
                    available=balance,
                    currency=currency.name,
                )
            )
    if failures:
        raise Refused(*failures)
    ps = state.points
    if event.direction == "out":
        ps, _, _ = spend(ps, currency.id, amount, event.at, _order_of(currency))
        signed: Points = -amount
    else:
        lot = Lot(
            id=f"{event.id}/{currency.id}",
            currency=currency.id,
            amount=amount,
            remaining=amount,
            earned_at=event.at,
            available_at=event.at,
            expires_at=expiry_for(currency.expiry, event.at, info),
            source=event.id,
        )
        ps = credit(ps, lot)
        signed = amount
    entry = JournalEntry(event.at, event.id, currency.id, kind, signed, event.counterparty)
    ps = replace(ps, journal=(*ps.journal, entry))
    if partner is not None:
        reason = Reason.of(
            "points.exchanged",
            path,
            points=signed,
            currency=currency.name,
            partner=partner.id,
            partner_points=partner_points,
        )
    else:
        reason = Reason.of(
            "points.transferred",
            path,
            points=signed,
            currency=currency.name,
            counterparty=event.counterparty,
        )
    return state.evolve(points=ps), [reason]


def _adjust(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Adjustment
) -> tuple[MemberState, list[Reason]]:
    info = ctx.program.info
    currency = resolve_currency(points, event.currency, event.id)
    ps = state.points
    if event.points > 0:
        lot = Lot(
            id=f"{event.id}/{currency.id}",
            currency=currency.id,
            amount=event.points,
            remaining=event.points,
            earned_at=event.at,
            available_at=event.at,
            expires_at=expiry_for(currency.expiry, event.at, info),
            source=event.id,
        )
        ps = credit(ps, lot)
    else:
        balance = available(ps, currency.id, event.at)
        if balance < -event.points:
            raise Refused(
                Reason.of(
                    "points.insufficient",
                    currency.path,
                    needed=-event.points,
                    available=balance,
                    currency=currency.name,
                )
            )
        ps, _, _ = spend(ps, currency.id, -event.points, event.at, _order_of(currency))
    entry = JournalEntry(event.at, event.id, currency.id, "adjust", event.points, event.reason)
    ps = replace(ps, journal=(*ps.journal, entry))
    reason = Reason.of(
        "points.adjusted",
        currency.path,
        points=event.points,
        currency=currency.name,
        reason=event.reason,
    )
    return state.evolve(points=ps), [reason]


# --- tier changes --------------------------------------------------------------------------------


def on_tier_change(
    ctx: ApplyContext, state: MemberState, old: str | None, new: str | None
) -> tuple[MemberState, list[Reason]]:
    """On an upgrade: the upgrade bonuses, and expiry pushed back where the policy says so."""
    points = ctx.program.points
    if points is None or new is None:
        return state, []
    order = points.tier_order
    rank_new = order.index(new) if new in order else 0
    rank_old = order.index(old) if old in order else 0
    if rank_new <= rank_old:
        return state, []
    info = ctx.program.info
    # The points held when the member moves up live longer; the upgrade's own bonus is credited
    # afterwards, so it starts from its own earning date rather than being pushed as well.
    reasons: list[Reason] = []
    ps = state.points
    for currency in points.currencies:
        months = currency.expiry.extend_on_upgrade_months if currency.expiry else 0
        if not months:
            continue
        ps, moved = push_lots(
            ps, currency, info, lambda lot: True, f"{ctx.event.id}/upgrade", months=months
        )
        if moved:
            reasons.append(
                Reason.of(
                    "points.expiry_extended",
                    f"{currency.path}.expiry.extend_on_upgrade_months",
                    points=sum(moved.values()),
                    currency=currency.name,
                    months=months,
                )
            )
    state = state.evolve(points=ps)
    found, skipped = earn_upgrade(points, info, state, ctx.event.at, new)
    state, booked = _book(ctx, points, state, found, lot_suffix="/upgrade")
    return state, skipped + booked + reasons
