"""The `benefits:` section of a policy: a list of benefit specs.

Each benefit says who has it (``tiers``, or the tiers of a per-tier ``value``; everyone when
neither is given), when it applies (``when``, a condition in the rules language), how often it may
be used (``quota``: a count or a money cap per period, optionally carrying unused quota over to the
next period) and between which dates it exists at all (``valid``)::

    benefits:
      - id: free-shipping
        name: {zh_Hans: 包邮, en: Free shipping}
        tiers: [gold, platinum]
      - id: discount
        name: 会员折扣
        value: {by_tier: {silver: 0.95, gold: 0.9, platinum: 0.85}}
        when: {not: {category: [gift_card]}}
      - id: birthday-gift
        tiers: [silver, gold, platinum]
        when: {birthday: month}
        quota: {count: 1, per: year}
      - id: lounge
        tiers: [platinum]
        quota: {count: 2, per: year, carry_over: 1}
      - id: upsize
        tiers: [gold, platinum]
        quota: {count: 1, per: month, by_tier: {platinum: 2}}   # uses per tier
      - id: welcome-gift
        tiers: [platinum]
        quota: {count: 1, per: lifetime, each: attr.stay}   # once per stay
      - id: coupon-credit
        quota: {value: 50, per: month}
        valid: {from: "2026-01-01", until: "2026-12-31"}
      - id: birthday-treat
        birthday_days: {by_tier: {silver: 3, gold: 14}}   # from the birthday, N days by tier
        quota: {count: 1, per: year}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    RootModel,
    Tag,
    model_validator,
)

from .._conditions import EventCondition
from .._program import Ident, Name

__all__ = [
    "BenefitSpec",
    "BenefitValue",
    "BenefitsSection",
    "BirthdayWindowSpec",
    "Period",
    "QuotaSpec",
    "ValiditySpec",
]

Period = Literal["day", "week", "month", "year", "membership_year", "lifetime"]
"""Quota periods, in the programme's timezone: a local day, an ISO week (from Monday), a calendar
month, a calendar year, a membership year (from the joining anniversary) or the whole membership."""

_Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
_Positive = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]


class _Frozen(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")


def _scalar_value(value: object) -> object:
    # ``value: 0.9`` is the same value for every member who has the benefit.
    if isinstance(value, int | float | Decimal | str) and not isinstance(value, bool):
        return {"default": value}
    return value


class BenefitValue(_Frozen):
    """What the benefit is worth: one number for all, or one per tier (a rate, a threshold...)."""

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"anyOf": [{"required": ["by_tier"]}, {"required": ["default"]}]},
    )

    by_tier: Mapping[Ident, _Amount] | None = Field(
        default=None, description="value per tier id, e.g. {silver: 0.95, gold: 0.9}"
    )
    default: _Amount | None = Field(
        default=None, description="value for members whose tier by_tier does not list"
    )
    unit: Literal["number", "money", "discount"] = Field(
        default="number",
        description=(
            "'money' for amounts in the programme's currency (a free-shipping threshold); "
            "'discount' for a price multiplier (0.9 = pay 90%, 九折 / 10% off)"
        ),
    )

    @model_validator(mode="after")
    def _something(self) -> BenefitValue:
        if self.by_tier is None and self.default is None:
            raise ValueError("give a value: a number, or by_tier (and optionally default)")
        return self


_Value = Annotated[
    BenefitValue, BeforeValidator(_scalar_value, json_schema_input_type=_Amount | BenefitValue)
]


class QuotaSpec(_Frozen):
    """How much of a benefit a member may use per period: a number of uses or a money cap."""

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"oneOf": [{"required": ["count"]}, {"required": ["value"]}]},
    )

    count: Annotated[int, Field(ge=1)] | None = Field(default=None, description="uses per period")
    value: _Positive | None = Field(
        default=None, description="money per period, in the programme's currency"
    )
    per: Period = Field(description="the period the quota renews on")
    carry_over: _Amount = Field(
        default=Decimal(0),
        description=(
            "at most this much unused quota (uses, or money for a value cap) is added to the next "
            "period only; it is used first and lapses at the end of that period"
        ),
    )

    by_tier: Mapping[Ident, Annotated[int, Field(ge=0)]] | None = Field(
        default=None,
        description="uses per period for the tiers listed (count is for the others), e.g. "
        "{count: 2, per: year, by_tier: {platinum: 4}}",
    )
    each: Annotated[str, Field(pattern=r"^attr\.[A-Za-z0-9_]+$")] | None = Field(
        default=None,
        description=(
            "count the quota apart for each value of this attribute of the use, e.g. attr.stay "
            "for once per stay (with per: lifetime); a use must then give the attribute"
        ),
    )

    @model_validator(mode="after")
    def _one_measure(self) -> QuotaSpec:
        if (self.count is None) == (self.value is None):
            raise ValueError("give exactly one of 'count' (uses) or 'value' (a money cap)")
        if self.by_tier is not None and (self.count is None or self.carry_over):
            raise ValueError(
                "by_tier gives uses per tier: use it with count (the uses of the tiers not "
                "listed), without carry_over"
            )
        if self.each is not None and (self.per != "lifetime" or self.carry_over):
            raise ValueError(
                "a quota for each stay or order is counted over the whole membership: write "
                "per: lifetime, without carry_over"
            )
        if self.carry_over:
            if self.per == "lifetime":
                raise ValueError("a lifetime quota has no next period to carry over to")
            if self.count is not None and self.carry_over != self.carry_over.to_integral_value():
                raise ValueError("carry_over of a count quota is a whole number of uses")
            if self.carry_over > self.limit:
                raise ValueError("carry_over cannot exceed the quota it carries over from")
        return self

    @property
    def limit(self) -> Decimal:
        """The quota per period, in its own unit (uses or money)."""
        return Decimal(self.count) if self.count is not None else Decimal(self.value or 0)


def _quota_form(value: object) -> str:
    return "List" if isinstance(value, list | tuple) else "Single"


# Tags are capitalised so the loader never mistakes them for policy keys in error locations.
_Quota = Annotated[
    Annotated[QuotaSpec, Tag("Single")] | Annotated[tuple[QuotaSpec, ...], Tag("List")],
    Discriminator(_quota_form),
]


class ValiditySpec(_Frozen):
    """The local dates between which a benefit exists, both included; either end may be open."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid", populate_by_name=True)

    valid_from: date | None = Field(
        default=None, alias="from", description="first day, YYYY-MM-DD, e.g. 2026-01-01"
    )
    until: date | None = Field(default=None, description="last day, YYYY-MM-DD, e.g. 2026-12-31")


_Days = Annotated[int, Field(ge=1, le=366)]


def _days_form(value: object) -> object:
    # ``birthday_days: 7`` is the same window for every member who has the benefit.
    if isinstance(value, int) and not isinstance(value, bool):
        return {"default": value}
    return value


class BirthdayWindowSpec(_Frozen):
    """The benefit applies for a number of days starting on the member's birthday (the birthday
    is the first day), on the programme's calendar; the number may differ by tier.

    A 29 February birthday starts on 28 February or 1 March in common years
    (``program.leap_birthday``); a window may run into the next year.
    """

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"anyOf": [{"required": ["by_tier"]}, {"required": ["default"]}]},
    )

    by_tier: Mapping[Ident, _Days] | None = Field(
        default=None, description="days per tier id, e.g. {silver: 3, gold: 14}"
    )
    default: _Days | None = Field(
        default=None, description="days for members whose tier by_tier does not list, e.g. 1"
    )

    @model_validator(mode="after")
    def _something(self) -> BirthdayWindowSpec:
        if self.by_tier is None and self.default is None:
            raise ValueError(
                "give a number of days (birthday_days: 7), or by_tier (and optionally default)"
            )
        return self


_BirthdayDays = Annotated[
    BirthdayWindowSpec,
    BeforeValidator(_days_form, json_schema_input_type=_Days | BirthdayWindowSpec),
]


class BenefitSpec(_Frozen):
    """One benefit: who has it, when it applies, how often, and between which dates."""

    # The parsed condition is a plain class; EventCondition's validator builds it, pydantic
    # only checks the instance.
    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", arbitrary_types_allowed=True
    )

    id: Ident
    """the benefit's id, e.g. ``free-shipping``; a benefit_use event names it"""
    name: Name | None = None
    """the benefit's display name, e.g. ``{zh_Hans: 包邮, en: Free shipping}``"""
    tiers: Annotated[tuple[Ident, ...], Field(min_length=1)] | None = Field(
        default=None,
        description="tier ids that have the benefit; by default the tiers of value.by_tier, or all",
    )
    value: _Value | None = None
    """what the benefit is worth: a number for all, or per tier, e.g. ``0.9`` or ``{by_tier: {gold: 0.9}}``"""
    when: EventCondition | None = Field(
        default=None, description="a condition on the order, the member and the moment"
    )
    quota: _Quota | None = Field(
        default=None, description="a quota, or a list of quotas that must all allow the use"
    )
    valid: ValiditySpec | None = None
    """the dates the benefit exists between, e.g. ``{from: "2026-01-01", until: "2026-12-31"}``"""
    birthday_days: _BirthdayDays | None = Field(
        default=None,
        description="the benefit applies for this many days from the member's birthday (the "
        "birthday first): a number, or per tier, e.g. ``{by_tier: {silver: 3, gold: 14}}``",
    )

    @property
    def quotas(self) -> tuple[QuotaSpec, ...]:
        """The quotas as a tuple, whichever form was written."""
        if self.quota is None:
            return ()
        return self.quota if isinstance(self.quota, tuple) else (self.quota,)


_Root = TypeVar("_Root")


class _DeferredRoot(RootModel[_Root], Generic[_Root]):
    """A root model built when first used: ``RootModel[X]`` itself would be built at import."""

    model_config = ConfigDict(defer_build=True, frozen=True)


class BenefitsSection(_DeferredRoot[tuple[BenefitSpec, ...]]):
    """The benefits section: a list of benefit specs (``section.root``)."""

    model_config = ConfigDict(defer_build=True, frozen=True)
