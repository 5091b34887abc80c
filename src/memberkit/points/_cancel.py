"""Cancelling a redemption: its points come back as they were when spent (or renewed, by policy)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .._context import ApplyContext
from .._errors import EventError
from .._events import RedemptionCancel
from .._evolve import replace
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledCurrency, CompiledPoints
from ._ledger import credit_new, effective_expiry
from ._state import JournalEntry, Lot, PointsState, RedemptionRecord

Points = int | Decimal

__all__ = ["cancel"]


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
    its lot while that lot still has the same date; otherwise it is a lot of its own. Points of
    an order refunded since come back as a lot of the redemption's own: the refund already took
    back what it could of that order (from other lots, for the points spent), so they are no
    longer that order's to lose again.
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
        order = state.order(lot.source) if lot is not None else None
        refunded = order is not None and bool(order.refunds)
        if (
            index is not None
            and lot is not None
            and lot.expires_at == until
            and not lot.expired
            and not refunded
        ):
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
                source=lot.source if lot is not None and not refunded else record.id,
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
