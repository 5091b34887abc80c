"""The `points.timed:` rules: at moments the policy states, if a condition holds, act on a balance.

Each rule names its moments (``at``), a condition on the member at that moment (``when``) and
one action (``do``)::

    points:
      timed:
        # 5% of the balance (at least 100) lapses each week after 8 weeks without a purchase
        - id: decay
          at: {inactive: {weeks: 8}, every: {weeks: 1}, times: 44}
          do: {expire: 5%, min_points: 100, rounding: ceil}
        # points are cleared at the end of each 6-month block since joining, unless gold was
        # reached in the block
        - id: block
          at: {every: {months: 6}, from: joining}
          when: {not: {tier_reached: [gold]}}
          do: {expire: all}
        # the card year ends: below 1,000 the points are void, from 1,000 they live a year more
        - {id: void, at: {every: {months: 12}}, when: {balance: {"<": 1000}}, do: {expire: all}}
        - {id: keep, at: {every: {months: 12}}, when: {balance: {">=": 1000}}, do: {extend_months: 12}}
        - {id: reset, at: tier_review, do: {expire: all}}     # or tier_down
        - {id: claim, at: 2027-06-30, do: {expire: all}}        # forfeited after that day

Rules act in the order written; a later rule at the same moment sees what an earlier one did.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from dateutil.relativedelta import relativedelta
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .._conditions import condition_parser, condition_schema
from .._program import Ident, Name
from ..rules import MEMBER_FIELDS, TIME_FIELDS, Compare, Condition, FieldType

__all__ = [
    "TIMED_FIELDS",
    "Span",
    "TimedAction",
    "TimedCondition",
    "TimedMoments",
    "TimedRule",
    "activity_kind",
    "percent",
]

TIMED_FIELDS: Mapping[str, FieldType] = {
    **MEMBER_FIELDS,
    **TIME_FIELDS,
    "balance": FieldType.NUMBER,
    "tier_reached": FieldType.TEXT_SET,
    "orders": FieldType.NUMBER,
    "spend": FieldType.NUMBER,
}
"""What a timed rule's condition reads: the member and the moment (as ``MEMBER_FIELDS`` and
``TIME_FIELDS``), and these.

============  ========  ================================================================
field         type      meaning
============  ========  ================================================================
balance       NUMBER    the points of the rule's currency available at the moment
tier_reached  TEXT_SET  every ladder tier held at some time in the period the moment
                        closes: the block for ``every``, the inactive spell for
                        ``inactive``, since joining for a date or a tier moment
orders        NUMBER    with ``every``: the orders placed in the block, not fully refunded
spend         NUMBER    with ``every``: their net amount in the programme's currency, after
                        refunds
============  ========  ================================================================
"""


def _repr(value: object) -> str:
    # A Python function, not the builtin: pydantic reads a serializer's signature, and a builtin's
    # is parsed from text with tokenize (whose patterns take ~50 ms to compile at start-up).
    return repr(value)


TimedCondition = Annotated[
    Condition,
    BeforeValidator(condition_parser(TIMED_FIELDS, attributes=False)),
    PlainSerializer(_repr, return_type=str),
    WithJsonSchema(condition_schema(TIMED_FIELDS, attributes=False, title="Timed condition")),
]
"""A condition on the member at a timed rule's moment."""


class _Frozen(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")


def _refuse(found: list[tuple[tuple[str, ...], str, str]]) -> None:
    if found:
        raise PydanticCustomError(
            "rules", "{summary}", {"summary": "; ".join(f[1] for f in found), "findings": found}
        )


class Span(_Frozen):
    """A length of time: exactly one of ``days``, ``weeks`` or ``months``."""

    days: Annotated[int, Field(ge=1, le=3650)] | None = None
    """a number of days, e.g. ``30``"""
    weeks: Annotated[int, Field(ge=1, le=520)] | None = None
    """a number of weeks, e.g. ``8``"""
    months: Annotated[int, Field(ge=1, le=600)] | None = None
    """a number of calendar months, e.g. ``6`` (31 Jan + 1 month is 28 or 29 Feb)"""

    @model_validator(mode="after")
    def _one(self) -> Span:
        if sum(v is not None for v in (self.days, self.weeks, self.months)) != 1:
            raise ValueError("give exactly one of 'days', 'weeks' or 'months', e.g. {weeks: 8}")
        return self

    def after(self, day: date, times: int = 1) -> date:
        """The day ``times`` spans after ``day`` (months counted from ``day`` itself, no drift)."""
        if self.months is not None:
            return day + relativedelta(months=self.months * times)
        return day + relativedelta(days=(self.days or 7 * (self.weeks or 0)) * times)


_ACTIVITY_WORDS = ("purchase", "redemption", "benefit_use")
_NOT_ACTIVITY = (
    "refund",
    "redemption_cancel",
    "transfer",
    "adjustment",
    "tier_grant",
    "tier_upgrade",
    "points_extension",
    "opening",
    "profile",
    "flag",
)
"""Event types that are not something the member did (an opening brings a member in; a profile
or flag event is the host's record), refused in an activity list rather than never matched."""


def activity_kind(kind: str) -> str:
    """Check one entry of an activity list (what resets inactivity or restarts a count)."""
    if kind in _NOT_ACTIVITY:
        raise ValueError(
            f"'{kind}' does not count as activity; list purchase, redemption, benefit_use or "
            "activity kinds"
        )
    # Only a near miss (purchse, purchases) is a typo; purchase_online is a kind of its own.
    close = difflib.get_close_matches(kind, _ACTIVITY_WORDS, n=1, cutoff=0.85)
    if close and kind not in _ACTIVITY_WORDS:
        raise ValueError(
            f"'{kind}' is not purchase, redemption, benefit_use or an activity kind; "
            f"did you mean '{close[0]}'?"
        )
    return kind


def _moments(value: object) -> object:
    # Shorthands: ``at: tier_review``, ``at: tier_down``, ``at: 2027-06-30``.
    if value == "tier_review":
        return {"tier": "review"}
    if value == "tier_down":
        return {"tier": "down"}
    if isinstance(value, date):
        return {"day": value}
    if isinstance(value, str):
        close = difflib.get_close_matches(value, ("tier_review", "tier_down"), n=1, cutoff=0.8)
        if close:
            raise ValueError(f"'{value}' is not a moment; did you mean '{close[0]}'?")
        raise ValueError(
            f"'{value}' is not a moment; write tier_review, tier_down, a date (2027-06-30), "
            "{every: {months: 6}} or {inactive: {weeks: 8}}"
        )
    return value


_CALENDAR_MONTHS = (1, 2, 3, 4, 6, 12)


class TimedMoments(_Frozen):
    """When a timed rule acts: after inactivity, every span, on a date, or at a tier change."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid", populate_by_name=True)

    inactive: Span | None = None
    """first moment: the end of the day this long after the member's last activity, e.g.
    ``{weeks: 8}``; an activity restarts the count"""
    every: Span | None = None
    """alone: the end of each block of this length counted from ``from``; with ``inactive``: again
    after each such span while the member stays inactive, e.g. ``{weeks: 1}``"""
    from_: Literal["joining", "calendar"] | None = Field(default=None, alias="from")
    """with ``every`` alone: blocks counted from the joining day (the card year) or from 1 January
    (months that divide the year); joining when omitted"""
    times: Annotated[int, Field(ge=1, le=1000)] | None = None
    """with ``inactive`` and ``every``: at most this many moments in one inactive spell"""
    activity: (
        tuple[
            Annotated[
                str,
                Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64),
                AfterValidator(activity_kind),
            ],
            ...,
        ]
        | None
    ) = None
    """with ``inactive``: what restarts the count: purchase, redemption, benefit_use and activity
    kinds (checkin, review...); ``[purchase]`` when omitted"""
    day: date | None = None
    """the end of this day in the programme's timezone, e.g. ``2027-06-30`` (a deadline)"""
    tier: Literal["review", "down"] | None = None
    """at each tier review (``review``), or whenever the member's ladder tier goes down
    (``down``: at a review, a validity's end or an event)"""

    @model_validator(mode="after")
    def _shape(self) -> TimedMoments:
        kinds = [
            k
            for k, v in (("inactive", self.inactive), ("day", self.day), ("tier", self.tier))
            if v is not None
        ]
        if self.every is not None and self.inactive is None:
            kinds.append("every")
        if len(kinds) != 1:
            raise ValueError(
                "give one kind of moment: inactive (with every to repeat), every, day or tier"
            )
        found: list[tuple[tuple[str, ...], str, str]] = []
        given = self.model_fields_set
        if "from_" in given and (self.every is None or self.inactive is not None):
            found.append((("from",), "'from' counts the blocks of 'every'; remove it", "no_effect"))
        if self.times is not None and (self.inactive is None or self.every is None):
            found.append(
                (
                    ("times",),
                    "'times' limits the repeats of 'every' after 'inactive'; remove it",
                    "no_effect",
                )
            )
        if self.activity is not None and self.inactive is None:
            found.append(
                (
                    ("activity",),
                    "'activity' restarts the count of 'inactive'; remove it",
                    "no_effect",
                )
            )
        if self.activity is not None and not self.activity:
            found.append(
                (("activity",), "list at least one thing that restarts the count", "empty")
            )
        if (
            self.from_ == "calendar"
            and self.every is not None
            and self.every.months not in _CALENDAR_MONTHS
        ):
            found.append(
                (
                    ("every",),
                    "calendar blocks are months that divide the year: "
                    "{months: 1}, 2, 3, 4, 6 or 12; or count from joining",
                    "calendar_block",
                )
            )
        _refuse(found)
        return self

    @property
    def kind(self) -> Literal["inactive", "every", "day", "tier"]:
        """Which kind of moment the rule has."""
        if self.inactive is not None:
            return "inactive"
        if self.every is not None:
            return "every"
        return "day" if self.day is not None else "tier"

    @property
    def restarts(self) -> tuple[str, ...]:
        """What restarts an inactive count."""
        return self.activity or ("purchase",)


def percent(value: object) -> object:
    """Read "5%" as 0.05 (a share written as a percentage); other values pass through."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return Decimal(value.strip()[:-1].strip()) / 100
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a percentage such as 5%") from None
    return value


class TimedAction(_Frozen):
    """What a timed rule does to the rule currency's points: expire some or all, or extend."""

    expire: (
        Annotated[
            Literal["all"] | Annotated[Decimal, Field(gt=0, le=1, allow_inf_nan=False)],
            BeforeValidator(percent, json_schema_input_type=Literal["all"] | Decimal | str),
        ]
        | None
    ) = None
    """``all`` of the points available, or a share of them, earliest expiry first, e.g. ``5%``
    or ``0.05``"""
    min_points: Annotated[int, Field(ge=1)] | None = None
    """with a share: at least this many points expire (all, if fewer are held), e.g. ``100``"""
    rounding: Literal["floor", "ceil", "half_up"] | None = None
    """with a share: how the share is rounded to whole points (or the currency's decimals),
    e.g. ``ceil``; ``floor`` when omitted"""
    extend_months: Annotated[int, Field(ge=1, le=600)] | None = None
    """push the expiry of every dated lot of the currency back this many months, e.g. ``12``"""
    close: bool = False
    """with ``expire: all``: forfeit and close the member's account in the currency: nothing
    more is earned in it, and redemptions, transfers and adjustments are refused, e.g. ``true``"""

    @model_validator(mode="after")
    def _shape(self) -> TimedAction:
        if (self.expire is None) == (self.extend_months is None):
            raise ValueError(
                "give exactly one action: 'expire' (all or a share) or 'extend_months'"
            )
        found: list[tuple[tuple[str, ...], str, str]] = []
        if self.close and self.expire != "all":
            found.append(
                (("close",), "'close' goes with expire: all (forfeit and close)", "no_effect")
            )
        if not isinstance(self.expire, Decimal):
            found.extend(
                (
                    (key,),
                    f"'{key}' goes with a share to expire (expire: 5%); remove it",
                    "no_effect",
                )
                for key in ("min_points", "rounding")
                if getattr(self, key) is not None
            )
        _refuse(found)
        return self


class TimedRule(_Frozen):
    """At the moments ``at`` states, if ``when`` holds, do ``do`` to a currency's points."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", arbitrary_types_allowed=True
    )

    id: Ident
    """the rule's id, e.g. ``decay``; explanations name the rule by it"""
    name: Name | None = None
    """the rule's display name in explanations, e.g. ``{zh_Hans: 不活跃衰减, en: Inactivity decay}``"""
    currency: Ident | None = None
    """the currency the rule acts on; the default currency when omitted, e.g. ``stars``"""
    at: Annotated[
        TimedMoments,
        BeforeValidator(_moments, json_schema_input_type=Any),
    ]
    """when the rule acts, e.g. ``{inactive: {weeks: 8}, every: {weeks: 1}}``,
    ``{every: {months: 6}}``, ``2027-06-30``, ``tier_review`` or ``tier_down``"""
    when: TimedCondition | None = Field(
        default=None,
        description="the rule acts only if this holds at the moment, e.g. "
        '``{balance: {"<": 1000}}``',
    )
    do: TimedAction
    """the action, e.g. ``{expire: all}``, ``{expire: 5%, min_points: 100}`` or
    ``{extend_months: 12}``"""

    @property
    def figures_read(self) -> tuple[str, ...]:
        """The block figures (``orders``, ``spend``) the condition reads."""
        if self.when is None:
            return ()
        return tuple(
            sorted(
                {
                    node.field
                    for node in self.when.walk()
                    if isinstance(node, Compare) and node.field in ("orders", "spend")
                }
            )
        )
