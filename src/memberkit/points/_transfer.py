"""Points leaving or reaching a member other than by earning: transfers between members
(积分转赠), exchanges with partner programmes (积分互通), staff adjustments and the balances a
member brought in mid-story opens with, each journaled with its counterparty or reason. Limits bind each side: the sender's tier, minimum and yearly limit,
the receiver's tier and yearly limit, and a partner's limits per direction.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .._context import ApplyContext, Refused
from .._events import Adjustment, Opening, Transfer
from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledPoints, resolve_currency, unknown
from ._ledger import available, credit_new, insufficient, journaled, spend
from ._periods import cap_span
from ._state import JournalEntry, PointsState

Points = int | Decimal

__all__ = ["adjust", "open_balances", "transfer"]


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


def _tier_refusal(
    code: str, path: str, points: CompiledPoints, tier: str | None, allowed: tuple[str, ...]
) -> Reason:
    # Tiers are named as members know them (银卡会员), not by their ids.
    return Reason.of(
        code,
        path,
        tier=points.tier_name(tier),
        tiers=tuple(points.tier_name(t) for t in allowed),
    )


def transfer(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Transfer
) -> tuple[MemberState, list[Reason]]:
    """Send, receive or exchange points, within the limits of both sides."""
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
            raise unknown(
                event.id,
                "partner programme",
                event.counterparty,
                known,
                "counterparty",
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
    # Paid tiers held alongside the ladder count for the tier conditions, as for multipliers.
    held = state.tiers.tiers_at(event.at)
    receivers = spec.receive_tiers
    # A member transfer is also checked on the receiving side (this member's tier).
    receiving = event.direction == "in" and partner is None
    if receiving and receivers is not None and not held & frozenset(receivers):
        failures.append(
            _tier_refusal("points.receive_tier", f"{path}.receive_tiers", points, tier, receivers)
        )
    if event.direction == "out":
        if spec.tiers is not None and partner is None and not held & frozenset(spec.tiers):
            failures.append(
                _tier_refusal("points.transfer_tier", f"{path}.tiers", points, tier, spec.tiers)
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
            failures.append(insufficient(path, amount, balance, currency))
    if failures:
        raise Refused(*failures)
    ps = state.points
    if event.direction == "out":
        ps, _, _ = spend(ps, currency.id, amount, event.at, currency.spending_order)
        signed: Points = -amount
    else:
        ps = credit_new(ps, event.id, currency, amount, event.at, info, state.joined_at)
        signed = amount
    ps = journaled(
        ps, JournalEntry(event.at, event.id, currency.id, kind, signed, event.counterparty)
    )
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


def adjust(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Adjustment
) -> tuple[MemberState, list[Reason]]:
    """A staff correction: credit a new lot, or debit in the spending order."""
    info = ctx.program.info
    currency = resolve_currency(points, event.currency, event.id)
    ps = state.points
    if event.points > 0:
        ps = credit_new(ps, event.id, currency, event.points, event.at, info, state.joined_at)
    else:
        balance = available(ps, currency.id, event.at)
        if balance < -event.points:
            raise Refused(insufficient(currency.path, -event.points, balance, currency))
        ps, _, _ = spend(ps, currency.id, -event.points, event.at, currency.spending_order)
    ps = journaled(
        ps, JournalEntry(event.at, event.id, currency.id, "adjust", event.points, event.reason)
    )
    reason = Reason.of(
        "points.adjusted",
        currency.path,
        points=event.points,
        currency=currency.name,
        reason=event.reason,
    )
    return state.evolve(points=ps), [reason]


def open_balances(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Opening
) -> tuple[MemberState, list[Reason]]:
    """The balances an ``opening`` event brings: a lot per currency, journaled as ``opening``.

    A balance is points held, not points earned: a points measure counts it only when it says
    so (``counts_opening_balance``), and it expires by the currency's rules from the opening.
    """
    info = ctx.program.info
    ps = state.points
    reasons: list[Reason] = []
    for currency_id, amount in event.balances.items():
        found = points.currency(currency_id)
        if found is None:
            raise unknown(
                event.id,
                "points currency",
                currency_id,
                tuple(points.by_id),
                "balances",
                "currencies",
            )
        ps = credit_new(ps, event.id, found, amount, event.at, info, state.joined_at)
        ps = journaled(
            ps, JournalEntry(event.at, event.id, found.id, "opening", amount, event.reason)
        )
        reasons.append(
            Reason.of("points.opening_balance", found.path, points=amount, currency=found.name)
        )
    return state.evolve(points=ps), reasons
