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
        - {id: steps, per: 10 CNY, points: 10, steps: whole}     # 10 per *full* ¥10: ¥1,234.50 earns 1,230
        - {id: stay-20, on: stay, points: 2000, milestone: {at: 20, every: 5, per: year}}
        - {id: autumn, when: {date: {from: 2026-09-01, to: 2026-10-31}}, per: 1 CNY, points: 1,
           pending: {date: 2026-11-15}}                        # credited after the campaign
      stacking: multiply          # or add: each multiplier adds its own bonus part
      rounding: floor             # ceil, half_up, half_even
      round: per_order            # or per_line: the order's (or each line's) total rounded once;
                                  # or per_rule: each rule rounded, multipliers on the rounded base
      pending: {days: 7}          # or immediate, or {until: delivered}
      expiry: {fixed: "12-31", years_after_earning: 1}
      redeem: {points_per_unit: 100, min_points: 100, step: 100, max_share_of_order: 0.5}
      # or a table: [{points: 500, value: 25}, {points: 3000, value: 200}], combine: largest_first
      reversal: up_to_balance     # pending_only, negative
      earn_cap: {points: 5000, per: day}   # at most 5,000 a day from all rules together
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .._conditions import EventCondition, MemberCondition
from .._limits import MAX_MULTIPLIER, MAX_RULE_POINTS
from .._program import Ident, Name
from ._timed_model import TimedRule, activity_kind, percent

__all__ = [
    "BaseSpec",
    "CapSpec",
    "CurrencySpec",
    "Denomination",
    "EarnCapSpec",
    "EarnRule",
    "ExpirySpec",
    "ExtendWhileTier",
    "ExtensionCampaign",
    "ExtensionFee",
    "MilestoneSpec",
    "MultiplySpec",
    "PaidExtensionSpec",
    "PartnerSpec",
    "PendingSpec",
    "PointsSection",
    "RedeemSpec",
    "RewardSpec",
    "RulePendingSpec",
    "TransferSpec",
]

CapPeriod = Literal["event", "day", "week", "month", "year", "lifetime"]
"""Cap periods on the programme's wall clock (an ISO week starts on Monday); ``event`` is one
order or activity (a maximum per transaction)."""
MilestonePeriod = Literal["day", "week", "month", "year", "lifetime"]
"""Periods a milestone count runs over, on the programme's wall clock."""

_Positive = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]
_Amount = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
_Share = Annotated[Decimal, Field(gt=0, le=1, allow_inf_nan=False)]
_Count = Annotated[int, Field(ge=1)]
_Factor = Annotated[Decimal, Field(ge=0, le=MAX_MULTIPLIER, allow_inf_nan=False)]
"""A multiplier: several may stack, so each stays small enough for the product to stay exact.
Below 1 it reduces what the rate rules earn (a discounted fare class, ×0.4); 0 earns nothing."""
_RulePoints = Annotated[Decimal, Field(gt=0, le=MAX_RULE_POINTS, allow_inf_nan=False)]

_Day = date
"""A calendar day (an alias, so a field may be called ``date``)."""

PER_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Z]{3})?\s*$")
"""An amount of money as 'per' writes it: ``1 CNY``, ``0.5``, ``10 USD``."""
# Matched against the stripped text, so no two quantifiers compete for the same spaces: a
# pattern with ``\s*`` on both sides of an optional group backtracks quadratically on a long run
# of blanks (a 1 MB policy once ran for minutes in validate).
_PER = re.compile(r"(\d+(?:\.\d+)?)\s*([A-Z]{3})?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_PER_MAX_LENGTH = 40
"""Longer than any amount a programme writes ('1000000.000001 CNY'); longer text is refused."""


class _Frozen(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")


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

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"oneOf": [{"required": ["amount"]}, {"required": ["attribute"]}]},
    )

    amount: _Positive | None = None
    """the spend that earns ``points`` once, e.g. ``1`` (written ``per: 1 CNY``)"""
    currency: str | None = None
    """the currency of amount, which must be the programme's, e.g. ``CNY`` (written ``per: 1 CNY``)"""
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


_PerInput = (
    Annotated[str, Field(pattern=PER_PATTERN.pattern)] | Annotated[float, Field(gt=0)] | PerAmount
)
"""The forms 'per' takes in a policy: ``"1 CNY"``, ``10``, or the mapping."""


class BaseSpec(_Frozen):
    """What a rate rule earns on: net (after discounts) or gross line amounts, plus extras."""

    amount: Literal["net", "gross"] = "net"
    """net: line amounts after discounts; gross: before, e.g. ``gross``"""
    shipping: bool = False
    """whether shipping earns too, e.g. ``true``"""
    tax: bool = False
    """whether tax earns too, e.g. ``true``"""


class CapSpec(_Frozen):
    """At most ``points`` earned by the rule, and/or ``count`` times, per member per period."""

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"anyOf": [{"required": ["points"]}, {"required": ["count"]}]},
    )

    points: _Positive | None = None
    """the most points the rule earns per member per period, e.g. ``1000``"""
    count: _Count | None = None
    """the most times the rule earns per member per period, e.g. ``10``"""
    per: CapPeriod = "lifetime"
    """the period of the cap, on the programme's clock, or ``event`` (at most this per order or
    activity), e.g. ``year``"""

    @model_validator(mode="after")
    def _something(self) -> CapSpec:
        if self.points is None and self.count is None:
            raise ValueError("a cap needs 'points' or 'count' (or both)")
        if self.per == "event" and self.count is not None:
            raise ValueError(
                "a rule earns at most once per event already: 'count' with per: event limits "
                "nothing; write {points: N, per: event} for a maximum per transaction"
            )
        return self


class EarnCapSpec(_Frozen):
    """At most ``points`` of a currency earned by a member per period, from all earning rules.

    Purchases, their multipliers, activity bonuses and upgrade bonuses all count; transfers,
    adjustments and cancelled redemptions do not (they are not earned). A refund gives back the
    room its order used.
    """

    points: _Positive
    """the most points of the currency a member earns per period, e.g. ``5000``"""
    per: Literal["event", "day", "week", "month", "year"] = "day"
    """the period of the cap, on the programme's clock, or ``event`` (at most this from one order
    or activity: a maximum per transaction), e.g. ``day``"""


def _factor(value: object) -> object:
    if isinstance(value, int | float | Decimal | str) and not isinstance(value, bool):
        return {"default": value}
    return value


class MultiplySpec(_Frozen):
    """A multiplier: one factor for all (``multiply: 2``), or one per tier."""

    by_tier: Mapping[Ident, _Factor] | None = None
    """the factor per tier id, e.g. ``{silver: 1.2, gold: 1.5}``"""
    default: _Factor = Decimal(1)
    """the factor for the tiers by_tier does not list, e.g. ``2`` (written ``multiply: 2``)"""


_FactorInput = _Factor | MultiplySpec
"""The forms 'multiply' takes: one factor for all (``multiply: 2``), or the mapping."""


class MilestoneSpec(_Frozen):
    """A bonus on reaching a count of events in a period: the 20th stay, then every 5th.

    The rule's events (its ``on:`` kind, meeting ``when``/``except``) are counted per member per
    period; the event that brings the count to ``at`` earns the rule's ``points``, and with
    ``every`` each ``every``-th event after it too, up to ``until``. A milestone pays at most
    once per period, even when a refund lowers the count and it is reached again.
    """

    at: _Count
    """the count whose event earns first, e.g. ``20`` (the 20th stay)"""
    every: _Count | None = None
    """then every this many events after ``at``, e.g. ``5`` (the 25th, 30th...)"""
    until: _Count | None = None
    """with every: the last count that earns, e.g. ``45``"""
    per: MilestonePeriod
    """the period the count runs over, on the programme's clock, e.g. ``year``"""

    @model_validator(mode="after")
    def _shape(self) -> MilestoneSpec:
        if self.until is not None and self.every is None:
            raise ValueError(
                "'until' ends a repeating milestone: give 'every' too, or remove 'until'"
            )
        if self.until is not None and self.until < self.at:
            raise ValueError(f"'until' ({self.until}) is before 'at' ({self.at})")
        return self

    def hits(self, count: int) -> bool:
        """Whether the event bringing the count to ``count`` earns."""
        if count == self.at:
            return True
        if self.every is None or count < self.at:
            return False
        if self.until is not None and count > self.until:
            return False
        return (count - self.at) % self.every == 0


def _rule_pending(value: object) -> object:
    if value == "immediate":
        return {"days": 0}
    if isinstance(value, str):
        hint = difflib.get_close_matches(value, ("immediate",), n=1, cutoff=0.7)
        raise ValueError(
            f"{value!r} is not 'immediate', a number of days (30) or a day ({{date: 2026-11-15}})"
            + (f"; did you mean '{hint[0]}'?" if hint else "")
        )
    if isinstance(value, int) and not isinstance(value, bool):
        return {"days": value}
    return value


class RulePendingSpec(_Frozen):
    """When one rule's points become spendable, instead of the section's ``pending``.

    ``days`` after the event, or from the start of ``date`` (a campaign bonus credited after the
    campaign ends); ``immediate`` (``days: 0``) makes them spendable at once.
    """

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"oneOf": [{"required": ["days"]}, {"required": ["date"]}]},
    )

    days: Annotated[int, Field(ge=0, le=3650)] | None = None
    """days after the event the rule's points become spendable, e.g. ``30``"""
    date: _Day | None = None
    """the day (from its start, local time) the rule's points become spendable, e.g. ``2026-11-15``"""

    @model_validator(mode="after")
    def _one_way(self) -> RulePendingSpec:
        if (self.days is None) == (self.date is None):
            raise ValueError("a rule's pending gives 'days' or 'date', exactly one")
        return self


_RulePendingInput = Literal["immediate"] | Annotated[int, Field(ge=0, le=3650)] | RulePendingSpec
"""The forms a rule's 'pending' takes: ``immediate``, a number of days, or the mapping."""


_EARN_WORDS = ("purchase", "tier_upgrade", "redemption")


_CLOSE = 0.85
_EARN_LETTERS = {word: Counter(word) for word in _EARN_WORDS}


def _shared_ratio(kind: str, word: str) -> float:
    """difflib's quick_ratio: twice the letters the two share (with repeats) over both lengths."""
    shared = sum((Counter(kind) & _EARN_LETTERS[word]).values())
    return 2.0 * shared / (len(kind) + len(word))


def _event_kind(kind: str) -> str:
    # purchase, tier_upgrade and redemption are words; anything else is an activity kind, so a
    # near miss (purchse) would silently earn on an activity nobody sends.
    # A word can only be that close to one it shares enough letters with (difflib's own first
    # bound, quick_ratio): an activity kind such as checkin is not given to difflib at all.
    if kind in _EARN_WORDS:
        return kind
    near = [w for w in _EARN_WORDS if _shared_ratio(kind, w) >= _CLOSE]
    if near:
        close = difflib.get_close_matches(kind, near, n=1, cutoff=_CLOSE)
        if close:
            raise ValueError(
                f"'{kind}' is not purchase, tier_upgrade, redemption or an activity kind; "
                f"did you mean '{close[0]}'?"
            )
    return kind


class EarnRule(_Frozen):
    """One earning rule: a rate per spend, a fixed number of points, or a multiplier."""

    model_config = ConfigDict(
        defer_build=True,
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        arbitrary_types_allowed=True,
        json_schema_extra={"oneOf": [{"required": ["points"]}, {"required": ["multiply"]}]},
    )

    id: Ident
    """the rule's id, e.g. ``base``; explanations and caps name the rule by it"""
    name: Name | None = None
    """the rule's display name in explanations, e.g. ``{zh_Hans: 消费积分, en: Purchase points}``"""
    on: Annotated[
        str, Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64), AfterValidator(_event_kind)
    ] = Field(
        default="purchase",
        description="purchase, tier_upgrade, redemption, or an activity kind (signup, "
        "referral, checkin...)",
    )
    per: Annotated[PerAmount, BeforeValidator(_per, json_schema_input_type=_PerInput)] | None = (
        Field(default=None, description="with points: earn `points` for every `per` of the base")
    )
    points: _RulePoints | None = None
    """points earned: per ``per`` of spend, or once per event, e.g. ``1`` or ``500``"""
    multiply: (
        Annotated[MultiplySpec, BeforeValidator(_factor, json_schema_input_type=_FactorInput)]
        | None
    ) = None
    """multiplies what the rate rules earn: a factor (``multiply: 2``; below 1 reduces, ``0.4``; 0 earns nothing) or per tier"""
    when: EventCondition | None = None
    """the rule applies only to events (lines, for a rate) meeting this condition, e.g. ``{channel: app}``"""
    except_: EventCondition | None = Field(default=None, alias="except")
    """the rule skips events (lines, for a rate) meeting this condition, e.g. ``{category: [gift_card]}``"""
    base: BaseSpec = BaseSpec.model_construct()
    """what a rate earns on: net or gross line amounts, with shipping and tax or not, e.g. ``{amount: gross, shipping: true}``"""
    currency: Ident | None = None
    """the currency the rule earns; the default currency when omitted, e.g. ``growth``"""
    cap: CapSpec | tuple[CapSpec, ...] | None = None
    """a cap on what the rule earns per member, or a list of caps, e.g. ``{count: 10, per: year}``"""
    min_order: _Amount | None = Field(
        default=None,
        description="the rule earns only on orders of at least this net amount, e.g. 100",
    )
    first_in: Literal["day", "week", "month", "year"] | None = Field(
        default=None,
        description="the rule earns only on the member's first order in that calendar period",
    )
    min_points: _Positive | None = Field(
        default=None,
        description="with per: an event the rule applies to earns at least this, e.g. 500 (miles)",
    )
    keep_on_refund_after: date | None = Field(
        default=None,
        description="a refund dated after this day (the programme's calendar) leaves what the "
        "rule earned with the member: a promotion's bonus kept once the promotion ended, e.g. "
        "``2026-11-11``",
    )

    steps: Literal["prorated", "whole"] | None = Field(
        default=None,
        description="with per: ``whole`` earns `points` for each *full* `per` (10 per full "
        "¥10: ¥1,234.50 earns 1,230); ``prorated`` (the default) earns in proportion "
        "(1,234.5 before rounding), e.g. ``whole``",
    )
    rewards: tuple[Ident, ...] | None = Field(
        default=None,
        description="with on: redemption: only redemptions of these catalogue rewards earn, "
        "e.g. ``[award-flight]`` (an award ticket that still earns status credits)",
    )
    on_grant: bool = Field(
        default=False,
        description="with on: tier_upgrade: also pay the bonus when a tier_grant (status "
        "match, invitation, paid tier) or an opening event puts the member in the tier; by "
        "default only an upgrade earned on the figures pays it, e.g. "
        "``{id: welcome, on: tier_upgrade, points: 1000, on_grant: true}``",
    )
    milestone: MilestoneSpec | None = None
    """with points and no per: earn them on reaching a count of events in a period, e.g. ``{at: 20, every: 5, per: year}``"""
    pending: (
        Annotated[
            RulePendingSpec,
            BeforeValidator(_rule_pending, json_schema_input_type=_RulePendingInput),
        ]
        | None
    ) = None
    """when this rule's points become spendable, instead of the section's pending, e.g. ``immediate``, ``30`` (days) or ``{date: 2026-11-15}``"""

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
        if self.keep_on_refund_after is not None and self.on not in ("purchase", "tier_upgrade"):
            raise ValueError(
                "'keep_on_refund_after' applies to what purchases earn (only orders are "
                "refunded); remove it from this activity rule"
            )
        if self.steps is not None and self.per is None:
            raise ValueError(
                "'steps' says how a 'per' rate counts (whole or prorated); this rule has no "
                "'per': remove 'steps'"
            )
        if self.milestone is not None and (self.per is not None or self.multiply is not None):
            raise ValueError(
                "a milestone earns fixed 'points' on reaching a count: remove "
                + ("'per'" if self.per is not None else "'multiply'")
            )
        if self.milestone is not None and self.on == "tier_upgrade":
            raise ValueError("a milestone counts purchases or activities, not tier upgrades")
        if self.rewards is not None and self.on != "redemption":
            raise ValueError(
                "'rewards' picks the redemptions a rule earns on: it goes with on: redemption"
            )
        if self.on == "redemption" and (self.per is not None or self.multiply is not None):
            raise ValueError(
                "a redemption earns fixed 'points' (on: redemption): remove "
                + ("'per'" if self.per is not None else "'multiply'")
            )
        if self.on_grant and self.on != "tier_upgrade":
            raise ValueError(
                "'on_grant' says whether a granted tier pays an upgrade bonus: it goes with "
                "on: tier_upgrade; remove it from this rule"
            )
        if self.pending is not None and self.multiply is not None:
            raise ValueError(
                "a multiplier's bonus is credited with the points it multiplies; give "
                "'pending' to the rate rule, or write the bonus as a rule of its own"
            )
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
    """days after the purchase the points become spendable (the return window), e.g. ``7``"""
    until: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]+$")] | None = Field(
        default=None,
        description="an activity kind whose `order` attribute releases that order's points, "
        "e.g. ``delivered``",
    )

    @model_validator(mode="after")
    def _one_way(self) -> PendingSpec:
        if self.until is not None and self.days:
            raise ValueError(
                "pending gives days (after the return window) or until (on an event), not both"
            )
        return self


_PendingInput = Literal["immediate"] | Annotated[int, Field(ge=0, le=3650)] | PendingSpec
"""The forms 'pending' takes: ``immediate``, a number of days, or the mapping."""


class ExtensionCampaign(_Frozen):
    """A campaign: points whose last valid day falls in a window are pushed back, once.

    ``months`` pushes each lot's expiry by that many months; ``to`` moves it to the end of that
    day (points 过期延期至 2027-03-31).
    """

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={"oneOf": [{"required": ["months"]}, {"required": ["to"]}]},
    )

    id: Ident
    """the campaign's id, e.g. ``covid-2020``"""
    name: Name | None = None
    """the campaign's display name, e.g. ``积分延期``"""
    expiring_from: date = Field(
        description="first last-valid-day the campaign extends, e.g. 2020-02-01"
    )
    expiring_to: date = Field(
        description="last last-valid-day the campaign extends, e.g. 2020-06-30"
    )
    months: Annotated[int, Field(ge=1, le=600)] | None = None
    """months each covered lot's expiry is pushed back, e.g. ``6``"""
    to: date | None = None
    """the new last valid day of each covered lot, e.g. ``2027-03-31``"""

    @model_validator(mode="after")
    def _shape(self) -> ExtensionCampaign:
        if self.expiring_to < self.expiring_from:
            raise ValueError("'expiring_to' is before 'expiring_from'")
        if (self.months is None) == (self.to is None):
            raise ValueError("an extension gives exactly one of 'months' or 'to'")
        if self.to is not None and self.to <= self.expiring_to:
            raise ValueError("'to' must be after 'expiring_to', or it would shorten validity")
        return self


class ExtendWhileTier(_Frozen):
    """Points reaching their last valid day while a tier is held live ``months`` longer, each time."""

    tiers: Annotated[tuple[Ident, ...], Field(min_length=1)]
    """the tiers (ladder or paid) that extend points reaching their date, e.g. ``[gold, platinum]``"""
    months: Annotated[int, Field(ge=1, le=600)] = 12
    """how much longer they live each time, e.g. ``12``"""


class ExtensionFee(_Frozen):
    """A paid extension's price in points: a share of the points it extends, rounded."""

    share: Annotated[_Share, BeforeValidator(percent, json_schema_input_type=Decimal | str)]
    """the share of the extended points paid, e.g. ``10%`` or ``0.1``"""
    rounding: Literal["floor", "ceil", "half_up"] = "ceil"
    """how the fee is rounded to the currency's precision, e.g. ``floor``"""


class PaidExtensionSpec(_Frozen):
    """Members may buy more time for their points (a ``points_extension`` event)."""

    max_months: Annotated[int, Field(ge=1, le=600)] = 12
    """the most months one paid extension may add, e.g. ``12``"""
    fee: ExtensionFee | None = None
    """the price in points, taken from the balance when the extension is bought, e.g.
    ``{share: 10%, rounding: ceil}``; the event's ``price`` (money) is kept for the record"""
    once_per_lot: bool = False
    """a lot a paid extension already pushed cannot be pushed by another one, e.g. ``true``"""


def _fixed_day(value: str) -> str:
    month, day = (int(p) for p in value.split("-"))
    # Checked against a common year: a fixed expiry day must exist every year (not 02-29).
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2001, month)[1]):
        raise ValueError(
            f'\'{value}\' is not a day every year has, written MM-DD (e.g. "12-31" or "02-28")'
        )
    return value


def _some_activity(kinds: tuple[str, ...]) -> tuple[str, ...]:
    if not kinds:
        raise ValueError("list at least one thing that resets inactivity, e.g. [purchase]")
    return kinds


class ExpirySpec(_Frozen):
    """How points of a currency expire: rolling months, a fixed date, or inactivity."""

    model_config = ConfigDict(
        defer_build=True,
        json_schema_extra={
            "oneOf": [
                {"required": ["rolling_months"]},
                {"required": ["fixed"]},
                {"required": ["inactivity_months"]},
                {"required": ["card_years"]},
            ]
        },
    )

    rolling_months: Annotated[int, Field(ge=1, le=600)] | None = Field(
        default=None,
        description="points are valid for this many months after the day they are earned, e.g. 24",
    )
    last_day: Literal["anniversary", "day_before"] = Field(
        default="anniversary",
        description="with rolling_months: the last valid day is the anniversary of earning "
        "(15 Mar to 15 Mar) or the day before it (15 Mar to 14 Mar), e.g. ``day_before``",
    )
    round_to: Literal["day", "month_end", "quarter_end"] = Field(
        default="day",
        description="with rolling_months: move the last valid day to the end of its month or "
        "quarter, e.g. ``month_end``",
    )
    fixed: Annotated[str, Field(pattern=r"^\d{2}-\d{2}$"), AfterValidator(_fixed_day)] | None = (
        Field(default=None, description='"MM-DD": the last day points earned in year Y are valid')
    )
    years_after_earning: Annotated[int, Field(ge=0, le=50)] = Field(
        default=1,
        description="with fixed: the year of the last valid day, counted from the earning year "
        "(1: points earned in 2026 last until the fixed day of 2027)",
    )
    card_years: Annotated[int, Field(ge=0, le=50)] | None = Field(
        default=None,
        description="points last to the end of the card year (counted from the joining day) "
        "this many card years after the one they were earned in; 0: the same card year, e.g. 1",
    )
    inactivity_months: Annotated[int, Field(ge=1, le=600)] | None = Field(
        default=None,
        description="all points expire once the member has done nothing that counts (activity) "
        "for this many months",
    )
    activity: Annotated[
        tuple[
            Annotated[
                str,
                Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64),
                AfterValidator(activity_kind),
            ],
            ...,
        ],
        # Not min_length: pydantic would also report a list whose every item is refused as empty.
        AfterValidator(_some_activity),
    ] = Field(
        default=("purchase",),
        description="with inactivity_months: what resets the inactivity clock: purchase, "
        "redemption, benefit_use, and activity kinds (checkin, review...), e.g. ``[purchase, redemption, checkin]``",
    )
    never_while_tier: tuple[Ident, ...] = Field(
        default=(),
        description="points do not expire while the member holds one of these tiers, e.g. "
        "``[platinum]``",
    )
    extend_while_tier: ExtendWhileTier | None = Field(
        default=None,
        description="points reaching their last valid day while one of these tiers is held live "
        "longer instead, each time, e.g. ``{tiers: [gold], months: 12}``",
    )
    extend_on_upgrade_months: Annotated[int, Field(ge=0, le=600)] = Field(
        default=0,
        description="an upgrade pushes the expiry of the points held back by this many months",
    )
    extensions: tuple[ExtensionCampaign, ...] = Field(
        default=(),
        description="campaigns that push back points expiring in a window, once, e.g. "
        "``[{id: covid, expiring_from: 2020-02-01, expiring_to: 2020-06-30, months: 6}]``",
    )
    paid_extension: PaidExtensionSpec | None = Field(
        default=None, description="members may buy more time for their points"
    )

    @model_validator(mode="after")
    def _one_style(self) -> ExpirySpec:
        styles = [
            s
            for s in (self.rolling_months, self.fixed, self.inactivity_months, self.card_years)
            if s is not None
        ]
        if len(styles) != 1:
            raise ValueError(
                "give exactly one of 'rolling_months', 'fixed', 'card_years' or 'inactivity_months'"
            )
        given = self.model_fields_set
        # A key that would change nothing is refused, so an author is never misled by it.
        found: list[tuple[tuple[str, ...], str, str]] = []
        if "last_day" in given and self.rolling_months is None:
            found.append(
                (
                    ("last_day",),
                    "'last_day' applies to rolling_months only; remove it"
                    + (" (the fixed day is the last valid day)" if self.fixed else ""),
                    "no_effect",
                )
            )
        if self.never_while_tier and self.extend_while_tier is not None:
            found.append(
                (
                    ("extend_while_tier",),
                    "give one of never_while_tier (points never expire while the tier is held) "
                    "or extend_while_tier (they live longer each time their date comes)",
                    "conflict",
                )
            )
        if "round_to" in given and self.rolling_months is None:
            found.append(
                (
                    ("round_to",),
                    "'round_to' applies to rolling_months only; remove it"
                    + (" (the fixed day is already the last valid day)" if self.fixed else ""),
                    "no_effect",
                )
            )
        if "years_after_earning" in given and self.fixed is None:
            found.append(
                (
                    ("years_after_earning",),
                    "'years_after_earning' applies to fixed expiry only; remove it"
                    + (
                        " (rolling_months says how long points last)" if self.rolling_months else ""
                    ),
                    "no_effect",
                )
            )
        if "activity" in given and self.inactivity_months is None:
            found.append(
                (
                    ("activity",),
                    "'activity' says what resets inactivity: it applies to inactivity_months "
                    "only; remove it",
                    "no_effect",
                )
            )
        if self.inactivity_months is not None:
            # Under inactivity expiry points have no last valid day for these to move.
            found.extend(
                (
                    (key,),
                    f"'{key}' moves the last valid day of points, which inactivity_months "
                    "points do not have; remove it, or use rolling_months or fixed",
                    "no_effect",
                )
                for key in (
                    "extend_on_upgrade_months",
                    "extensions",
                    "paid_extension",
                    "extend_while_tier",
                )
                if key in given and getattr(self, key)
            )
        if found:
            raise PydanticCustomError(
                "rules",
                "{summary}",
                {"summary": "; ".join(f[1] for f in found), "findings": found},
            )
        return self


class Denomination(_Frozen):
    """One row of a denomination table: ``points`` pay ``value`` of money."""

    points: _Count
    """points the row costs, e.g. ``450``"""
    value: _Positive
    """money the row pays, in the programme's currency, e.g. ``5``"""


class RewardSpec(_Frozen):
    """A catalogue reward and its price in points."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", arbitrary_types_allowed=True
    )

    id: Ident
    """the reward's id, e.g. ``mug``; a redemption names it"""
    name: Name | None = None
    """the reward's display name, e.g. ``{zh_Hans: 马克杯, en: Mug}``"""
    points: _Count
    """the reward's price in points, e.g. ``800``"""
    tiers: Annotated[tuple[Ident, ...], Field(min_length=1)] | None = Field(
        default=None,
        description="only members holding one of these tiers may redeem the reward, e.g. "
        "``[gold, platinum]``; everyone when omitted",
    )
    when: MemberCondition | None = Field(
        default=None,
        description="only members meeting this condition at the redemption may redeem the "
        "reward, e.g. ``{age: {'<': 26}}`` or ``{flag: student}``; everyone when omitted",
    )


class RedeemSpec(_Frozen):
    """How points are spent: as money at a rate or by a table, or on catalogue rewards."""

    points_per_unit: _Count | None = Field(
        default=None, description="points worth one unit of the programme's currency"
    )
    denominations: tuple[Denomination, ...] = ()
    """a table of points and the money they pay, e.g. ``[{points: 100, value: 1}, {points: 450, value: 5}]``"""
    min_points: Annotated[int, Field(ge=0)] = 0
    """the fewest points one redemption may spend, e.g. ``100``"""
    step: _Count = 1
    """points are spent in multiples of this, e.g. ``100``"""
    max_share_of_order: _Share | None = None
    """the largest share of an order points may pay, 0..1, e.g. ``0.5``"""
    first_min_points: Annotated[int, Field(ge=0)] = Field(
        default=0,
        description="the member's first redemption needs at least this balance, e.g. 1000",
    )
    combine: Literal["one", "largest_first"] = Field(
        default="one",
        description="with denominations: one row per redemption (``one``), or several rows in one "
        "redemption, as many of the largest as fit, then the next, e.g. ``largest_first``",
    )
    max_points_per_order: _Count | None = Field(
        default=None,
        description="the most points all redemptions towards one order may spend, e.g. ``6000``",
    )
    min_order_amount: _Amount | None = Field(
        default=None,
        description="points pay only towards orders of at least this amount, e.g. ``100``",
    )
    min_balance: Annotated[int, Field(ge=0)] = Field(
        default=0,
        description="every redemption needs at least this balance available, e.g. ``500``",
    )
    points_or_cash: bool = Field(
        default=False,
        description="points pay the whole order or nothing: points or cash, not both, e.g. "
        "``true``",
    )
    rewards: tuple[RewardSpec, ...] = ()
    """the catalogue of rewards points buy, e.g. ``[{id: mug, points: 800}]``"""
    order: Literal["earliest_expiry", "earliest_earned", "latest_earned"] = "earliest_expiry"
    """which lots a redemption spends first, e.g. ``earliest_expiry``"""
    cancel_expiry: Literal["original", "renew"] = Field(
        default="original",
        description="points given back by a cancelled redemption keep the expiry they had when "
        "spent (``original``: a push on upgrade or a bought extension since did not reach them; "
        "those already past their date expire at once), or restart it, e.g. ``renew``",
    )


class PartnerSpec(_Frozen):
    """A partner programme points are exchanged with (积分互通), in one or both directions.

    Limits count this programme's points per calendar year (local clock), each direction on its
    own: ``max_per_year`` bounds both, ``max_out_per_year`` / ``max_in_per_year`` override it.
    """

    id: Ident
    """the partner's id, e.g. ``airline``; a transfer with partner: true names it"""
    rate: _Positive = Field(description="partner points per point of this programme")
    directions: Literal["both", "out", "in"] = "both"
    """both, out (to the partner only) or in (from the partner only), e.g. ``out``"""
    min_points: Annotated[int, Field(ge=0)] = Field(
        default=0, description="the fewest of this programme's points one exchange may move"
    )
    max_per_year: _Count | None = None
    """points exchanged per year in each direction, at most, e.g. ``50000``"""
    max_out_per_year: _Count | None = None
    """points sent to the partner per year, at most (overrides max_per_year), e.g. ``20000``"""
    max_in_per_year: _Count | None = None
    """points received from the partner per year, at most (overrides max_per_year), e.g. ``20000``"""

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
    """whether members may send points to other members, e.g. ``false``"""
    min_points: Annotated[int, Field(ge=0)] = 0
    """the fewest points one transfer may move, e.g. ``100``"""
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
    """partner programmes points are exchanged with (积分互通)"""


class CurrencySpec(_Frozen):
    """One points currency: its precision, whether members spend it, expiry and redemption."""

    id: Ident
    """the currency's id, e.g. ``growth``; rules and events name the currency by it"""
    name: Name | None = None
    """the currency's display name, e.g. ``{zh_Hans: 成长值, en: growth value}``"""
    decimals: Annotated[int, Field(ge=0, le=4)] = 0
    """decimal places of the currency's points, e.g. ``2`` for fractional points (0: whole points)"""
    spendable: bool = True
    """false for a currency members cannot redeem (成长值 that only counts towards tiers)"""
    expiry: ExpirySpec | None = None
    """how the currency's points expire; never, when omitted, e.g. ``{rolling_months: 24}``"""
    redeem: RedeemSpec | None = None
    """how the currency's points are spent; not redeemable, when omitted, e.g. ``{points_per_unit: 100}``"""
    transfer: TransferSpec | None = None
    """transfers of the currency between members and exchange with partners, e.g. ``{members: false, partners: [{id: airline, rate: 0.5}]}``"""
    earn_cap: EarnCapSpec | tuple[EarnCapSpec, ...] | None = Field(
        default=None, description="per-member caps across all rules of the currency"
    )


class PointsSection(_Frozen):
    """The points section of a policy."""

    currencies: tuple[CurrencySpec, ...] = ()
    """the points currencies (积分, 成长值...), the default (first) one first; omit for one currency called points"""
    earn: tuple[EarnRule, ...] = ()
    """the earning rules, applied in order, e.g. ``[{id: base, per: 1 CNY, points: 1}]``"""
    stacking: Literal["multiply", "add"] = "multiply"
    """how several multipliers combine: multiply (2 × 1.5 = 3) or add (each adds its bonus part: 1 + 1 + 0.5)"""
    rounding: Literal["floor", "ceil", "half_up", "half_even"] = "floor"
    """how fractional points are rounded, once per order or line, e.g. ``floor``"""
    round: Literal["per_line", "per_order", "per_rule"] = "per_order"
    """round the order's total once (per_order), each line's (per_line), or each rule's points on their own, multipliers acting on the rounded points before them (per_rule: floor the base, then the bonus on the floored base)"""
    pending: Annotated[
        PendingSpec, BeforeValidator(_pending, json_schema_input_type=_PendingInput)
    ] = PendingSpec.model_construct()
    """when purchase points become spendable: ``immediate``, a number of days, or ``{until: delivered}``"""
    expiry: ExpirySpec | None = None
    """how the default currency's points expire; never, when omitted"""
    redeem: RedeemSpec | None = None
    """how the default currency's points are spent"""
    transfer: TransferSpec | None = None
    """transfers of the default currency between members and with partners, e.g. ``{members: true, max_per_year: 5000}``"""
    earn_cap: EarnCapSpec | tuple[EarnCapSpec, ...] | None = None
    """caps across all rules of the default currency, e.g. ``{points: 5000, per: day}``"""
    reversal: Literal["pending_only", "up_to_balance", "negative"] = Field(
        default="up_to_balance",
        description="what a refund does when the points it takes back were already spent",
    )
    timed: tuple[TimedRule, ...] = ()
    """rules that act at moments the policy states (after inactivity, each block, a date, a tier
    review), e.g. ``[{id: block, at: {every: {months: 6}}, do: {expire: all}}]``"""
