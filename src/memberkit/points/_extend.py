"""Expiry extensions: campaigns declared in the policy, and extensions a member pays for.

A campaign pushes every dated lot whose last valid day falls in its window, once per lot (the lot
remembers the campaign), whenever time is brought forward; so lots earned before and after the
campaign was declared are treated alike, and a lot pushed out of the window is not pushed again.
A paid extension is an event (``points_extension``) that the policy must allow and bound.
Neither moves points: each is journaled as an ``extend`` entry of 0 points naming its cause.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from .._context import ApplyContext, Refused
from .._events import PointsExtension
from .._evolve import replace
from .._money import Money
from .._program import ProgramInfo, localized
from .._reasons import Reason
from .._state import MemberState
from ._compile import ROUNDING, CompiledCurrency, CompiledPoints
from ._ledger import available, dates_reached, insufficient, journaled, last_day, pushed, spend
from ._state import JournalEntry, Lot, PointsState

__all__ = ["apply_campaigns", "extend_paid", "push_lots"]

Points = int | Decimal

PAID = "paid:"
"""Prefix of the cause a paid extension leaves on the lots it pushed (``Lot.extensions``)."""


def _live(lot: Lot, currency: str) -> bool:
    return (
        lot.remaining > 0
        and not lot.expired
        and lot.expires_at is not None
        and lot.currency == currency
    )


def push_lots(
    ps: PointsState,
    currency: CompiledCurrency,
    info: ProgramInfo,
    chosen: Callable[[Lot], bool],
    cause: str,
    *,
    months: int = 0,
    to: date | None = None,
) -> tuple[PointsState, dict[date, Points]]:
    """Push the expiry of the live dated lots ``chosen`` picks; points moved per new last day."""
    moved: dict[date, Points] = {}
    changed: dict[int, Lot] = {}
    for index, lot in enumerate(ps.lots):
        if _live(lot, currency.id) and chosen(lot):
            assert lot.expires_at is not None
            new = pushed(lot.expires_at, info, months=months, to=to)
            changed[index] = replace(lot, expires_at=new, extensions=(*lot.extensions, cause))
            day = last_day(new, info)
            moved[day] = moved.get(day, 0) + lot.remaining
    if not changed:
        return ps, moved
    lots = tuple(changed.get(i, lot) for i, lot in enumerate(ps.lots))
    return replace(ps, lots=lots), moved


def apply_campaigns(
    points: CompiledPoints, info: ProgramInfo, state: MemberState, until: datetime
) -> tuple[MemberState, list[Reason]]:
    """Apply every declared campaign to the lots it covers and has not pushed yet."""
    ps = state.points
    reasons: list[Reason] = []
    entries: list[JournalEntry] = []
    for currency in points.currencies:
        expiry = currency.expiry
        if expiry is None or not expiry.extensions:
            continue
        for index, campaign in enumerate(expiry.extensions):

            def covered(
                lot: Lot,
                first: date = campaign.expiring_from,
                last: date = campaign.expiring_to,
                cid: str = campaign.id,
            ) -> bool:
                assert lot.expires_at is not None
                return cid not in lot.extensions and first <= last_day(lot.expires_at, info) <= last

            ps, moved = push_lots(
                ps,
                currency,
                info,
                covered,
                campaign.id,
                months=campaign.months or 0,
                to=campaign.to,
            )
            if not moved:
                continue
            entries.append(JournalEntry(until, campaign.id, currency.id, "extend", 0, campaign.id))
            name = localized(campaign.name, info.locale, campaign.id)
            path = f"{currency.path}.expiry.extensions[{index}]"
            reasons += [
                Reason.of(
                    "points.extended_by_campaign",
                    path,
                    campaign=name,
                    points=amount,
                    currency=currency.name,
                    date=day,
                )
                for day, amount in sorted(moved.items())
            ]
    if not entries:
        return state, []
    ps = journaled(ps, *entries)
    return state.evolve(points=ps), reasons


def extend_paid(
    ctx: ApplyContext,
    points: CompiledPoints,
    currency: CompiledCurrency,
    state: MemberState,
    event: PointsExtension,
) -> tuple[MemberState, list[Reason]]:
    """A member buys more time: the policy allows it, up to its longest extension."""
    info = ctx.program.info
    expiry = currency.expiry
    offer = expiry.paid_extension if expiry is not None else None
    path = f"{currency.path}.expiry.paid_extension"
    if offer is None:
        raise Refused(Reason.of("points.no_paid_extension", currency.path, currency=currency.name))
    if event.months > offer.max_months:
        raise Refused(
            Reason.of(
                "points.extension_too_long",
                f"{path}.max_months",
                months=event.months,
                maximum=offer.max_months,
            )
        )
    by = event.expiring_by

    campaigns = {c.id for c in expiry.extensions} if expiry is not None else set()

    def chosen(lot: Lot) -> bool:
        assert lot.expires_at is not None
        if offer.once_per_lot and any(_paid(c, campaigns) for c in lot.extensions):
            return False
        return by is None or last_day(lot.expires_at, info) <= by

    cause = f"{PAID}{event.id}"
    ps, moved = push_lots(state.points, currency, info, chosen, cause, months=event.months)
    if not moved:
        raise Refused(Reason.of("points.nothing_to_extend", path, currency=currency.name))
    ps = journaled(ps, JournalEntry(event.at, event.id, currency.id, "extend", 0, event.reason))
    price = Money(event.price, info.currency) if event.price is not None else None
    reasons = [
        Reason.of(
            "points.extension_bought",
            path,
            points=amount,
            currency=currency.name,
            months=event.months,
            date=day,
            price=price,
        )
        for day, amount in sorted(moved.items())
    ]
    if offer.fee is not None:
        extended: Points = sum(moved.values(), 0)
        fee = currency.number(Decimal(extended) * offer.fee.share, ROUNDING[offer.fee.rounding])
        if fee > 0:
            balance = available(ps, currency.id, event.at)
            if fee > balance:
                raise Refused(insufficient(f"{path}.fee", fee, balance, currency))
            ps, _, _ = spend(ps, currency.id, fee, event.at, currency.spending_order)
            ps = journaled(
                ps, JournalEntry(event.at, event.id, currency.id, "redeem", -fee, "extension_fee")
            )
            reasons.append(
                Reason.of(
                    "points.extension_fee",
                    f"{path}.fee",
                    points=fee,
                    currency=currency.name,
                    share=offer.fee.share,
                    extended=extended,
                )
            )
    return state.evolve(points=ps), reasons


def _paid(cause: str, campaigns: set[str]) -> bool:
    """Whether a lot's extension cause is a paid extension: ``paid:<event>`` since the fee came;
    before it, a bare event id (neither a campaign id nor an upgrade's ``<event>/upgrade``)."""
    return cause.startswith(PAID) or (cause not in campaigns and "/" not in cause)


def extend_while_held(
    points: CompiledPoints, info: ProgramInfo, state: MemberState, until: datetime
) -> tuple[MemberState, list[Reason]]:
    """Lots reaching their date by ``until`` while an ``extend_while_tier`` tier is held live
    that many months longer (again and again while the tier is held at each new date)."""
    ps = state.points
    reasons: list[Reason] = []
    entries: list[JournalEntry] = []
    for date_, currency_id in dates_reached(ps.lots, until):
        currency = points.by_id[currency_id]
        rule = currency.expiry.extend_while_tier if currency.expiry is not None else None
        if rule is None:
            continue
        held = [t for t in rule.tiers if t in state.tiers.tiers_at(date_)]
        if not held:
            continue
        new = pushed(date_, info, months=rule.months)
        while new <= until and any(t in state.tiers.tiers_at(new) for t in rule.tiers):
            new = pushed(new, info, months=rule.months)
        moved: Points = 0
        lots = list(ps.lots)
        for index, lot in enumerate(lots):
            if _live(lot, currency_id) and lot.expires_at == date_:
                # The journal's extend entry records the push; the lot keeps only its new date.
                lots[index] = replace(lot, expires_at=new)
                moved += lot.remaining
        if not moved:
            continue
        ps = replace(ps, lots=tuple(lots))
        cause = f"{held[0]}@{last_day(date_, info).isoformat()}"
        entries.append(JournalEntry(date_, cause, currency_id, "extend", 0, held[0]))
        reasons.append(
            Reason.of(
                "points.extended_while_tier",
                f"{currency.path}.expiry.extend_while_tier",
                points=moved,
                currency=currency.name,
                tier=points.tier_name(held[0]),
                date=last_day(new, info),
            )
        )
    if not entries:
        return state, []
    return state.evolve(points=journaled(ps, *entries)), reasons
