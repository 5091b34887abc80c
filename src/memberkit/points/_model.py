"""The `points:` section of a policy: currencies, earning rules, pending, expiry, redemption.

A programme with one currency may omit ``currencies`` and give ``expiry``, ``redeem`` and
``transfer`` at the top of the section; it then runs one spendable integer currency ``points``::

    points:
      earn:
        - {id: base, per: 1 CNY, points: 1, except: {category: [gift_card]}}
        - {id: tier-bonus, multiply: {by_tier: {silver: 1.2, gold: 1.5, platinum: 2}}}
        - {id: double-11, when: {date: 2026-11-11, channel: app}, multiply: 2}
        - {id: signup, on: signup, points: 500, cap: {count: 1, per: lifetime}}
        - {id: miles, on: flight, per: {attribute: distance, unit: 1}, points: 1, min_points: 500}
      stacking: multiply          # or add: each multiplier adds its own bonus part
      rounding: floor             # ceil, half_up, half_even
      round: per_order            # or per_line: the order's (or each line's) total rounded once
      pending: {days: 7}          # or immediate, or {until: delivered}
      expiry: {fixed: "12-31", years_after_earning: 1}
      redeem: {points_per_unit: 100, min_points: 100, step: 100, max_share_of_order: 0.5}
      reversal: up_to_balance     # pending_only, negative
      earn_cap: {points: 5000, per: day}   # at most 5,000 a day from all rules together
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .._conditions import EventCondition
from .._limits import MAX_MULTIPLIER, MAX_RULE_POINTS
from .._program import Ident, Name

__all__ = [
    "BaseSpec",
    "CapSpec",
    "CurrencySpec",
    "Denomination",
    "EarnCapSpec",
    "EarnRule",
    "ExpirySpec",
    "ExtensionCampaign",
    "MultiplySpec",
    "PaidExtensionSpec",
    "PartnerSpec",
    "PendingSpec",
    "PointsSection",
    "RedeemSpec",
    "RewardSpec",
    "TransferSpec",
]

CapPeriod = Literal["day", "week", "month", "year", "lifetime"]
"""Cap periods on the programme's wall clock (an ISO week starts on Monday)."""

_Positive = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
_Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
_Share = Annotated[Decimal, Field(gt=0, le=1, allow_inf_nan=False)]
_Count = Annotated[int, Field(ge=1)]
_Factor = Annotated[Decimal, Field(gt=0, le=MAX_MULTIPLIER, allow_inf_nan=False)]
"""A multiplier: several may stack, so each stays small enough for the product to stay exact."""
_RulePoints = Annotated[Decimal, Field(gt=0, le=MAX_RULE_POINTS, allow_inf_nan=False)]

# Matched against the stripped text, so no two quantifiers compete for the same spaces: a
# pattern with ``\s*`` on both sides of an optional group backtracks quadratically on a long run
# of blanks (a 1 MB policy once ran for minutes in validate).
_PER = re.compile(r"(\d+(?:\.\d+)?)\s*([A-Z]{3})?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_PER_MAX_LENGTH = 40
"""Longer than any amount a programme writes ('1000000.000001 CNY'); longer text is refused."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _per(value: object) -> object:
    # "1 CNY" reads as the amount 1 of the programme's currency; the code, when given, is
    # checked against the programme's currency by the cross-checks.
    if isinstance(value, str):
        text = value.strip()
        if len(text) > _PER_MAX_LENGTH:
            raise ValueError(
                f"{text[:_PER_MAX_LENGTH]!r}... is too long for an amount such as '1 CNY' "
                f"(at most {_PER_MAX_LENGTH} characters)"
            )
        match = _PER.fullmatch(text)
        if match is None and _WORD.fullmatch(text):
            # A bare word is most likely an attribute written as a unit.
            raise ValueError(
                f"{value!r} is not an amount such as '1 CNY' or 10; "
                f"did you mean {{attribute: {value.strip()}, unit: 1}}?"
            )
        if match is None:
            raise ValueError(
                f"{value!r} is not an amount such as '1 CNY' or 10, "
                "nor an attribute such as {attribute: distance, unit: 1}"
            )
        try:
            return {"amount": Decimal(match.group(1)), "currency": match.group(2)}
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount") from None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return {"amount": value}
    return value


class PerAmount(_Frozen):
    """What earns ``points`` once: spend (``per: 1 CNY``, ``per: 10``) or a custom quantity.

    ``per: {attribute: distance, unit: 1}`` earns ``points`` for every ``unit`` of the event's
    ``distance`` attribute (miles flown, nights stayed): an activity's attribute, or on a purchase
    each line's, falling back to the order's when no line carries it.
    """

    amount: _Positive | None = None
    currency: str | None = None
    attribute: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+$", max_length=64)] | None = Field(
        default=None, description="an event attribute to earn on (distance, nights...)"
    )
    unit: _Positive = Field(
        default=Decimal(1), description="with attribute: how much of it earns `points` once"
    )

    @model_validator(mode="after")
    def _one_form(self) -> PerAmount:
        if (self.amount is None) == (self.attribute is None):
            raise ValueError("'per' gives an amount (1 CNY) or an attribute, exactly one")
        if self.attribute is not None and self.currency is not None:
            raise ValueError("'currency' goes with an amount, not with an attribute")
        return self


class BaseSpec(_Frozen):
    """What a rate rule earns on: net (after discounts) or gross line amounts, plus extras."""

    amount: Literal["net", "gross"] = "net"
    shipping: bool = False
    tax: bool = False


class CapSpec(_Frozen):
    """At most ``points`` earned by the rule, and/or ``count`` times, per member per period."""

    points: _Positive | None = None
    count: _Count | None = None
    per: CapPeriod = "lifetime"

    @model_validator(mode="after")
    def _something(self) -> CapSpec:
        if self.points is None and self.count is None:
            raise ValueError("a cap needs 'points' or 'count' (or both)")
        return self


class EarnCapSpec(_Frozen):
    """At most ``points`` of a currency earned by a member per period, from all earning rules.

    Purchases, their multipliers, activity bonuses and upgrade bonuses all count; transfers,
    adjustments and cancelled redemptions do not (they are not earned). A refund gives back the
    room its order used.
    """

    points: _Positive
    per: Literal["day", "week", "month", "year"] = "day"


def _factor(value: object) -> object:
    if isinstance(value, int | float | Decimal | str) and not isinstance(value, bool):
        return {"default": value}
    return value


class MultiplySpec(_Frozen):
    """A multiplier: one factor for all (``multiply: 2``), or one per tier."""

    by_tier: Mapping[Ident, _Factor] | None = None
    default: _Factor = Decimal(1)


class EarnRule(_Frozen):
    """One earning rule: a rate per spend, a fixed number of points, or a multiplier."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, arbitrary_types_allowed=True
    )

    id: Ident
    name: Name | None = None
    on: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64)] = Field(
        default="purchase",
        description="purchase, tier_upgrade, or an activity kind (signup, referral, checkin...)",
    )
    per: Annotated[PerAmount, BeforeValidator(_per)] | None = Field(
        default=None, description="with points: earn `points` for every `per` of the base"
    )
    points: _RulePoints | None = None
    multiply: Annotated[MultiplySpec, BeforeValidator(_factor)] | None = None
    when: EventCondition | None = None
    except_: EventCondition | None = Field(default=None, alias="except")
    base: BaseSpec = BaseSpec()
    currency: Ident | None = None
    cap: CapSpec | tuple[CapSpec, ...] | None = None
    min_order: _Amount | None = Field(
        default=None, description="the rule earns only on orders of at least this net amount"
    )
    first_in: Literal["day", "week", "month", "year"] | None = Field(
        default=None,
        description="the rule earns only on the member's first order in that calendar period",
    )
    min_points: _Positive | None = Field(
        default=None,
        description="with per: an event the rule applies to earns at least this (500 miles)",
    )

    @model_validator(mode="after")
    def _shape(self) -> EarnRule:
        if (self.points is None) == (self.multiply is None):
            raise ValueError("an earning rule gives exactly one of 'points' or 'multiply'")
        if self.multiply is not None and self.on == "tier_upgrade":
            raise ValueError("'multiply' applies to purchases and activities, not tier upgrades")
        if self.per is not None and self.per.attribute is None and self.on != "purchase":
            raise ValueError(
                "'per' with an amount (1 CNY) applies to purchases only; "
                "an activity earns per an attribute ({attribute: distance, unit: 1})"
            )
        if self.per is not None and self.on == "tier_upgrade":
            raise ValueError("'per' does not apply to tier upgrades")
        if self.min_points is not None and self.per is None:
            raise ValueError("'min_points' goes with a 'per' rate")
        return self

    @property
    def caps(self) -> tuple[CapSpec, ...]:
        """The rule's caps as a tuple."""
        if self.cap is None:
            return ()
        return self.cap if isinstance(self.cap, tuple) else (self.cap,)


def _pending(value: object) -> object:
    if value == "immediate":
        return {"days": 0}
    if isinstance(value, int) and not isinstance(value, bool):
        return {"days": value}
    return value


class PendingSpec(_Frozen):
    """When purchase points become spendable: after ``days`` (the return window) or on an event."""

    days: Annotated[int, Field(ge=0, le=3650)] = 0
    until: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]+$")] | None = Field(
        default=None,
        description="an activity kind whose `order` attribute releases that order's points",
    )


class ExtensionCampaign(_Frozen):
    """A campaign: points whose last valid day falls in a window are pushed back, once.

    ``months`` pushes each lot's expiry by that many months; ``to`` moves it to the end of that
    day (points 过期延期至 2027-03-31).
    """

    id: Ident
    name: Name | None = None
    expiring_from: date = Field(description="first last-valid-day the campaign extends")
    expiring_to: date = Field(description="last last-valid-day the campaign extends")
    months: Annotated[int, Field(ge=1, le=600)] | None = None
    to: date | None = None

    @model_validator(mode="after")
    def _shape(self) -> ExtensionCampaign:
        if self.expiring_to < self.expiring_from:
            raise ValueError("'expiring_to' is before 'expiring_from'")
        if (self.months is None) == (self.to is None):
            raise ValueError("an extension gives exactly one of 'months' or 'to'")
        if self.to is not None and self.to <= self.expiring_to:
            raise ValueError("'to' must be after 'expiring_to', or it would shorten validity")
        return self


class PaidExtensionSpec(_Frozen):
    """Members may buy more time for their points (a ``points_extension`` event)."""

    max_months: Annotated[int, Field(ge=1, le=600)] = 12


class ExpirySpec(_Frozen):
    """How points of a currency expire: rolling months, a fixed date, or inactivity."""

    rolling_months: Annotated[int, Field(ge=1, le=600)] | None = None
    round_to: Literal["day", "month_end", "quarter_end"] = "day"
    fixed: Annotated[str, Field(pattern=r"^\d{2}-\d{2}$")] | None = Field(
        default=None, description='"MM-DD": the last day points earned in year Y are valid'
    )
    years_after_earning: Annotated[int, Field(ge=0, le=50)] = 1
    inactivity_months: Annotated[int, Field(ge=1, le=600)] | None = None
    activity: tuple[str, ...] = Field(
        default=("purchase",),
        description="what resets the inactivity clock: purchase and/or activity kinds",
    )
    never_while_tier: tuple[Ident, ...] = ()
    extend_on_upgrade_months: Annotated[int, Field(ge=0, le=600)] = 0
    extensions: tuple[ExtensionCampaign, ...] = ()
    paid_extension: PaidExtensionSpec | None = None

    @model_validator(mode="after")
    def _one_style(self) -> ExpirySpec:
        styles = [
            s for s in (self.rolling_months, self.fixed, self.inactivity_months) if s is not None
        ]
        if len(styles) != 1:
            raise ValueError("give exactly one of 'rolling_months', 'fixed' or 'inactivity_months'")
        if self.fixed is not None:
            month, day = (int(p) for p in self.fixed.split("-"))
            # 2001 is a common year: a day it lacks (02-29, 02-30, 04-31) is missing some years.
            if not (1 <= month <= 12 and 1 <= day <= monthrange(2001, month)[1]):
                raise ValueError(f"'{self.fixed}' is not a day every year has (MM-DD)")
        return self


class Denomination(_Frozen):
    """One row of a denomination table: ``points`` pay ``value`` of money."""

    points: _Count
    value: _Positive


class RewardSpec(_Frozen):
    """A catalogue reward and its price in points."""

    id: Ident
    name: Name | None = None
    points: _Count


class RedeemSpec(_Frozen):
    """How points are spent: as money at a rate or by a table, or on catalogue rewards."""

    points_per_unit: _Count | None = Field(
        default=None, description="points worth one unit of the programme's currency"
    )
    denominations: tuple[Denomination, ...] = ()
    min_points: Annotated[int, Field(ge=0)] = 0
    step: _Count = 1
    max_share_of_order: _Share | None = None
    first_min_points: Annotated[int, Field(ge=0)] = Field(
        default=0, description="the member's first redemption needs at least this balance"
    )
    rewards: tuple[RewardSpec, ...] = ()
    order: Literal["earliest_expiry", "earliest_earned", "latest_earned"] = "earliest_expiry"
    cancel_expiry: Literal["original", "renew"] = Field(
        default="original",
        description="points given back by a cancelled redemption keep their expiry, or restart it",
    )


class PartnerSpec(_Frozen):
    """A partner programme points are exchanged with (积分互通), in one or both directions.

    Limits count this programme's points per calendar year (local clock), each direction on its
    own: ``max_per_year`` bounds both, ``max_out_per_year`` / ``max_in_per_year`` override it.
    """

    id: Ident
    rate: _Positive = Field(description="partner points per point of this programme")
    directions: Literal["both", "out", "in"] = "both"
    min_points: Annotated[int, Field(ge=0)] = Field(
        default=0, description="the fewest of this programme's points one exchange may move"
    )
    max_per_year: _Count | None = None
    max_out_per_year: _Count | None = None
    max_in_per_year: _Count | None = None

    def limit(self, direction: str) -> int | None:
        """The yearly limit of exchanges in ``direction`` (out or in)."""
        own = self.max_out_per_year if direction == "out" else self.max_in_per_year
        return own if own is not None else self.max_per_year


class TransferSpec(_Frozen):
    """Transfers between members (积分转赠) and exchange with partners.

    ``min_points``, ``max_per_year`` and ``tiers`` bind the sender; ``max_in_per_year`` and
    ``receive_tiers`` bind the receiver. Yearly limits run on the programme's calendar year.
    """

    members: bool = True
    min_points: Annotated[int, Field(ge=0)] = 0
    max_per_year: _Count | None = Field(
        default=None, description="points a member may send per year"
    )
    max_in_per_year: _Count | None = Field(
        default=None, description="points a member may receive from members per year"
    )
    tiers: tuple[Ident, ...] | None = Field(
        default=None, description="tiers whose members may send points; everyone when omitted"
    )
    receive_tiers: tuple[Ident, ...] | None = Field(
        default=None, description="tiers whose members may receive points; everyone when omitted"
    )
    partners: tuple[PartnerSpec, ...] = ()


class CurrencySpec(_Frozen):
    """One points currency: its precision, whether members spend it, expiry and redemption."""

    id: Ident
    name: Name | None = None
    decimals: Annotated[int, Field(ge=0, le=4)] = 0
    spendable: bool = True
    expiry: ExpirySpec | None = None
    redeem: RedeemSpec | None = None
    transfer: TransferSpec | None = None
    earn_cap: EarnCapSpec | tuple[EarnCapSpec, ...] | None = Field(
        default=None, description="per-member caps across all rules of the currency"
    )


class PointsSection(_Frozen):
    """The points section of a policy."""

    currencies: tuple[CurrencySpec, ...] = ()
    earn: tuple[EarnRule, ...] = ()
    stacking: Literal["multiply", "add"] = "multiply"
    rounding: Literal["floor", "ceil", "half_up", "half_even"] = "floor"
    round: Literal["per_line", "per_order"] = "per_order"
    pending: Annotated[PendingSpec, BeforeValidator(_pending)] = PendingSpec()
    expiry: ExpirySpec | None = None
    redeem: RedeemSpec | None = None
    transfer: TransferSpec | None = None
    earn_cap: EarnCapSpec | tuple[EarnCapSpec, ...] | None = None
    reversal: Literal["pending_only", "up_to_balance", "negative"] = Field(
        default="up_to_balance",
        description="what a refund does when the points it takes back were already spent",
    )
