"""Discount queries: the points a discount takes, and the discount points pay, at a moment.

Both answer with the redemption ``apply`` would book at that moment (they end in
``redemption_check``, which runs ``apply`` on a copy), so booking what they answer takes the same
points, rows and money:

- ``points_for_discount`` is a redemption asking for ``discount``: the most points, by the table
  (largest rows first) or the rate, that pay at most the discount within the balance, the
  order's ``max_points_per_order`` and ``max_share_of_order``; the money they do not make is
  ``left_value``.
- ``discount_for_points`` takes the most of ``points`` the same rules allow and the table can
  make; the points it cannot use are ``left_points``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from .._errors import EventError
from .._events import Redemption, parse_event
from .._evolve import replace
from .._limits import MAX_EVENT_POINTS, memberkit_context
from .._money import Money
from .._reasons import Reason
from ._compile import resolve_currency
from ._decisions import RedemptionCheck
from ._ledger import holdings
from ._query import _at, _points, redemption_check
from ._spend import choose, order_room, pays_money

if TYPE_CHECKING:
    from .._compiled import Policy
    from .._state import MemberState
    from ._compile import CompiledCurrency

__all__ = ["discount_for_points", "points_for_discount"]


def _payable(policy: Policy, as_of: datetime, currency: str | None) -> CompiledCurrency:
    chosen = resolve_currency(_points(policy.at(as_of)), currency, "-")
    if chosen.redeem is None or not chosen.spendable or not pays_money(chosen.redeem):
        raise EventError(
            "-",
            f"points of {chosen.id!r} pay no discount: its redeem gives neither points_per_unit "
            "nor denominations",
            field="currency",
            code="no_discount",
        )
    return chosen


def _redemption(**fields: object) -> Redemption:
    # Validated as any event at the edge: a bad amount is an EventError naming the field.
    event = parse_event(
        {"type": "redemption", **{k: v for k, v in fields.items() if v is not None}}
    )
    assert isinstance(event, Redemption)
    return event


@memberkit_context
def points_for_discount(
    policy: Policy,
    state: MemberState,
    discount: Decimal,
    as_of: datetime,
    *,
    order_amount: Decimal | None = None,
    order: str | None = None,
    currency: str | None = None,
) -> RedemptionCheck:
    """The points a redemption asking for ``discount`` off would take at ``as_of``, and the
    money it would pay: best not exceeding the discount, within every redemption limit.

    It is ``redemption_check`` of that redemption (``Redemption(discount=...)``), so booking it
    gives the same answer; ``left_value`` is the part of the discount the points do not pay.
    """
    chosen = _payable(policy, as_of, currency)
    assert chosen.redeem is not None
    event = _redemption(
        id="~points-for-discount",
        at=as_of,
        currency=chosen.id,
        discount=discount,
        order_amount=order_amount,
        order=order,
    )
    check = redemption_check(policy, state, event)
    if not check.accepted:
        return check
    return replace(check, left_value=discount - (check.value or Decimal(0)))


@memberkit_context
def discount_for_points(
    policy: Policy,
    state: MemberState,
    points: int,
    as_of: datetime,
    *,
    order_amount: Decimal | None = None,
    order: str | None = None,
    currency: str | None = None,
) -> RedemptionCheck:
    """The discount the most of ``points`` that can be redeemed at ``as_of`` would pay.

    The points used are at most ``points``, the balance and the order's room under
    ``max_points_per_order``, paying at most the share of the order allowed, made of table rows
    largest first (or a whole step at the rate): the answer is ``redemption_check`` of that
    amount, so booking it takes the same rows. ``left_points`` are the points not used.
    """
    if (
        isinstance(points, bool)
        or not isinstance(points, int)
        or not 1 <= points <= MAX_EVENT_POINTS
    ):
        raise EventError(
            "-",
            f"points must be a whole number from 1 to {MAX_EVENT_POINTS}",
            field="points",
            code="invalid_event",
        )
    chosen = _payable(policy, as_of, currency)
    redeem = chosen.redeem
    assert redeem is not None
    now = _at(policy, state, as_of)
    program = policy.at(as_of)
    held = holdings(now.points, chosen, as_of, program.info, now.tiers).available
    cap = min(points, int(held), order_room(redeem, now, order, chosen.id))
    limit: Decimal | None = None
    if redeem.max_share_of_order is not None:
        if order_amount is None:
            raise EventError(
                "-",
                "this programme limits the share of an order paid with points; give order_amount",
                field="order_amount",
                code="missing_order_amount",
            )
        limit = order_amount * redeem.max_share_of_order
    amount, _ = choose(redeem, cap, limit)

    def check(asked: int) -> RedemptionCheck:
        event = _redemption(
            id="~discount-for-points",
            at=as_of,
            currency=chosen.id,
            points=asked,
            order_amount=order_amount,
            order=order,
        )
        return redemption_check(policy, state, event)

    if amount <= 0:
        # Nothing can be used: the refusal of the points asked says why.
        return check(points)
    found = check(amount)
    if not found.accepted or amount == points:
        return found
    left = Reason.of(
        "points.points_left_over",
        f"{chosen.path}.redeem",
        points=points - amount,
        asked=points,
        currency=chosen.name,
        value=Money(found.value or Decimal(0), program.info.currency),
    )
    return replace(found, left_points=points - amount, reasons=(*found.reasons, left))
