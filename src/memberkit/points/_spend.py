"""Spending points: redemptions (as money, by a denomination table, on catalogue rewards) and
their cancels. Not enough points, or a rule not met, is a refusal with reasons (``Refused``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal

from .._context import ApplyContext, Refused
from .._errors import EventError
from .._events import Redemption, RedemptionCancel
from .._money import Money
from .._program import localized
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledCurrency, CompiledPoints, resolve_currency, unknown
from ._ledger import available, credit_new, effective_expiry, insufficient, spend
from ._state import JournalEntry, Lot, PointsState, RedemptionRecord

Points = int | Decimal

__all__ = ["cancel", "redeem"]


def redeem(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Redemption
) -> tuple[MemberState, list[Reason]]:
    """Spend points on a reward or as payment; refused with every rule it breaks."""
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
            raise unknown(event.id, "reward", event.reward, known, "reward")
        amount = reward.points
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
    first = not any(
        r.currency == currency.id and not r.cancelled for r in state.points.redemptions
    ) and not any(
        c == currency.id and n for c, n in (state.folded.redemptions if state.folded else ())
    )
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
        failures.append(insufficient(path, amount, balance, currency))
    if failures:
        raise Refused(*failures)
    held = {lot.id: lot for lot in state.points.lots}
    ps, taken, _ = spend(state.points, currency.id, amount, event.at, redeem.order)
    record = RedemptionRecord(
        event.id,
        event.at,
        currency.id,
        amount,
        taken,
        event.reward or "",
        value,
        until=tuple(held[lot_id].expires_at for lot_id, _ in taken),
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


def _restore(
    ps: PointsState,
    record: RedemptionRecord,
    state: MemberState,
    at: datetime,
    currency: CompiledCurrency,
) -> tuple[PointsState, list[Points]]:
    """Give a cancelled redemption's points back as they were when spent.

    Each part comes back with the expiry it had then, whatever happened to its lot since (a
    push on upgrade or a bought extension reached only the points still held). A part whose
    date has passed, unless a protected tier kept it, expires at once. A part goes back into
    its lot while that lot still has the same date; otherwise it is a lot of its own.
    """
    shield = currency.expiry.never_while_tier if currency.expiry is not None else ()
    by_id = {lot.id: i for i, lot in enumerate(ps.lots)}
    lots = list(ps.lots)
    lost: list[Points] = []
    for (lot_id, give), until in zip(record.taken, record.until, strict=True):
        if until is not None and until <= at:
            moment = effective_expiry(until, shield, state.tiers)
            if moment is not None and moment <= at:
                lost.append(give)
                continue
        index = by_id.get(lot_id)
        lot = lots[index] if index is not None else None
        if index is not None and lot is not None and lot.expires_at == until and not lot.expired:
            lots[index] = replace(lot, remaining=lot.remaining + give)
            continue
        origin = lot.earned_at if lot is not None else record.at
        lots.append(
            Lot(
                id=f"{lot_id}+{record.id}",
                currency=record.currency,
                amount=give,
                remaining=give,
                earned_at=origin,
                available_at=record.at,
                expires_at=until,
                source=lot.source if lot is not None else record.id,
                extensions=lot.extensions if lot is not None else (),
            )
        )
    return replace(ps, lots=tuple(lots)), lost


def cancel(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: RedemptionCancel
) -> tuple[MemberState, list[Reason]]:
    """Undo a redemption: its points come back to their lots (or as a new lot, by policy)."""
    info = ctx.program.info
    ps = state.points
    record = next((r for r in ps.redemptions if r.id == event.redemption), None)
    if record is None or record.cancelled:
        why = "unknown redemption" if record is None else "redemption already cancelled"
        horizon = ctx.program.info.refund_days
        if record is None and horizon is not None:
            why = f"unknown redemption (or one older than program.refund_days, {horizon} days)"
        raise EventError(
            event.id, f"{why} {event.redemption!r}", field="redemption", code="bad_redemption"
        )
    horizon = ctx.program.info.refund_days
    if (
        horizon is not None
        and (info.local_date(event.at) - info.local_date(record.at)).days > horizon
    ):
        raise EventError(
            event.id,
            f"redemption {record.id!r} was made on {info.local_date(record.at).isoformat()}; "
            f"the programme accepts cancels within {horizon} days (program.refund_days)",
            field="redemption",
            code="cancel_past_horizon",
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
        ps = credit_new(ps, event.id, currency, record.points, event.at, info, state.joined_at)
    elif record.until:
        ps, lost = _restore(ps, record, state, event.at, currency)
        journal += [
            JournalEntry(event.at, event.id, record.currency, "expire", -give, record.reward)
            for give in lost
        ]
    else:
        # A redemption stored without the expiry of what it took: back to the lots as they are.
        back = dict(record.taken)
        lots: list[Lot] = []
        for lot in ps.lots:
            give = back.get(lot.id, 0)
            if not give:
                lots.append(lot)
            elif lot.expired:
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
