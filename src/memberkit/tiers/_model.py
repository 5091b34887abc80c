"""The `tiers:` section of a policy: measures, a window, a ladder, and how members move on it.

::

    tiers:
      measures:                       # spend and orders exist without being declared
        online: {of: spend, where: {channel: app}}
        growth: {of: points, currency: growth}
        checkins: {of: activities, kind: checkin}
        nights: {of: sum, field: attr.nights, kind: stay}
        fare: {of: sum, field: attr.fare, kind: flight, unit: money}
      window: calendar_year           # calendar_quarter, calendar_month, lifetime,
                                      # {rolling_months: 12}, {rolling_days: 90},
                                      # {full_months: 12}, membership_year,
                                      # {full_months: 12, month_in_progress: include},
                                      # {membership_year: {from: last_upgrade}}
      ladder:
        - {id: basic, name: 普通会员}
        - id: gold
          name: {zh_Hans: 金卡会员, en: Gold}
          qualify: {any: [{spend: 8000}, {orders: 20}]}
          retain: {spend: 6000}
          window: {qualify: {full_months: 12}, retain: validity}   # this tier's own windows
          inclusive: true             # >= (default); false means >; or per part:
                                      # {qualify: true, retain: false} (>= to reach, > to keep)
          acknowledge: []             # [retain_above_qualify]: keeping takes more than reaching
          validity: rest_of_year_plus_next   # {months_from_upgrade_month: 24},
                                             # {months_from_upgrade: 12},
                                             # {until: "02-28", years: 2}
          lifetime_after_years: 10
          lifetime_years: total              # or consecutive (default)
          lifetime_requires: {nights: 600}   # figures over the whole membership, too
      upgrade: immediate              # or at_review; or judged at once, in force later:
                                      # {effective: next_day} (the next local midnight),
                                      # {effective: next_month} (the 1st, 次月1日生效),
                                      # {effective: {days: N}} (N local days on, at midnight)
      review: end_of_window           # anniversary, {anniversary: first_upgrade}, monthly,
                                      # {fixed: "04-01"}, validity_end
      downgrade: {max_steps: 1}       # or to_figures
      grace_days: 30
      refunds: at_review              # at_once, never
      rollover:                       # figures above the level reached carry into the next
        miles: {cap: 25000}           # window, at most cap, and never roll again
      paid:
        - {id: plus, name: PLUS会员, months: 12, placement: above}   # or alongside
"""

from __future__ import annotations

import calendar
import difflib
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal, get_args

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

from .._conditions import EventCondition
from .._program import Ident, Name
from ._thresholds import Threshold, ThresholdAll, ThresholdAny, ThresholdLeaf, ThresholdNode

__all__ = [
    "BackToBackSpec",
    "EffectiveDays",
    "MeasureSpec",
    "OneUnitSpec",
    "PaidTierSpec",
    "PostsSpec",
    "RolloverSpec",
    "ThresholdAll",
    "ThresholdAny",
    "ThresholdLeaf",
    "ThresholdNode",
    "TierSpec",
    "TierWindows",
    "TiersSection",
    "UpgradeSpec",
    "ValidityFromUpgrade",
    "ValidityMonths",
    "ValidityUntil",
    "WindowSpec",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")


def _measure_form(value: object) -> object:
    # ``spend: spend`` is shorthand for ``spend: {of: spend}``.
    if isinstance(value, str):
        return {"of": value}
    return value


_MeasureOf = Literal["spend", "orders", "points", "activities", "sum"]


def _attr_name(value: object) -> object:
    # Say what to write before the pattern's bare "should match" does.
    if isinstance(value, str) and not value.startswith("attr."):
        raise ValueError(
            f"'{value}' is not an attribute: write an activity's attribute as attr.<name>, "
            f"e.g. attr.{value if value.isidentifier() else 'property'}"
        )
    return value


_AttrField = Annotated[str, Field(pattern=r"^attr\.[A-Za-z0-9_]+$"), BeforeValidator(_attr_name)]


class BackToBackSpec(_Frozen):
    """Which attributes chain two records: the later one's ``from`` equals the earlier's ``to``."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid", populate_by_name=True)

    from_: _AttrField = Field(
        alias="from",
        description="attribute of the later record, e.g. attr.check_in",
    )
    to: _AttrField = Field(description="attribute of the earlier record, e.g. attr.check_out")

    @model_validator(mode="after")
    def _distinct(self) -> BackToBackSpec:
        if self.from_ == self.to:
            raise ValueError(
                f"'from' and 'to' are both {self.to}: name where a record starts and where it "
                "ends, e.g. {from: attr.check_in, to: attr.check_out}"
            )
        return self


class OneUnitSpec(_Frozen):
    """How consecutive activities join into one qualifying unit (back-to-back stays: one stay)."""

    same: tuple[_AttrField, ...] = Field(
        default=(),
        description="attributes that must be equal for two records to join, e.g. "
        "``[attr.property]`` (none: any back-to-back records join)",
    )
    back_to_back: BackToBackSpec = Field(
        description="a record joins the unit of an earlier one when its ``from`` attribute "
        "equals the earlier one's ``to``, e.g. ``{from: attr.check_in, to: attr.check_out}``"
    )

    @model_validator(mode="after")
    def _distinct(self) -> OneUnitSpec:
        if len(set(self.same)) != len(self.same):
            raise ValueError("'same' names an attribute twice: list each once")
        return self


class PostsSpec(_Frozen):
    """When an activity's credit posts: a stated time after the event, not at once."""

    days: Annotated[int, Field(ge=0, le=366)] = Field(
        default=0,
        description="whole days (24 hours each) after the event, e.g. ``1`` for the day after "
        "check-out",
    )
    at: Literal["end_of_day"] | None = Field(
        default=None,
        description="``end_of_day``: at the end of that day (midnight, programme time), e.g. "
        "``{at: end_of_day}`` for a credit the night after the event, ``{days: 1, at: "
        "end_of_day}`` for one the night after the next day",
    )

    @model_validator(mode="after")
    def _some(self) -> PostsSpec:
        if self.days == 0 and self.at is None:
            raise ValueError(
                "a credit that posts at once needs no 'posts'; give a delay, e.g. {days: 1} "
                "or {at: end_of_day}"
            )
        return self


class MeasureSpec(_Frozen):
    """A named qualifying measure: what is counted or summed in the window, optionally filtered."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", arbitrary_types_allowed=True
    )

    of: _MeasureOf = Field(
        description=(
            "spend: net purchase amount (refunds deducted); orders: purchase count; points: points "
            "earned in `currency` (earn, bonus, reverse); activities: count of activities of "
            "`kind`; sum: total of `field` over activities of `kind` (over orders without kind)"
        )
    )
    name: Name | None = None
    """the measure's display name in explanations, e.g. ``{zh_Hans: 间夜, en: nights}``"""
    currency: Ident | None = Field(default=None, description="points currency, for of: points")
    kind: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64)] | None = Field(
        default=None, description="activity kind, for activities and sum, e.g. ``checkin``"
    )
    field: Annotated[str, Field(pattern=r"^attr\.[A-Za-z0-9_]+$")] | None = Field(
        default=None, description="custom attribute summed, e.g. attr.nights"
    )
    where: EventCondition | None = Field(
        default=None, description="only orders (lines, for spend) or activities meeting this"
    )
    unit: Literal["number", "money"] = Field(
        default="number",
        description="for sum: 'money' when the attribute is an amount in the programme's "
        "currency (an airline's qualifying fare), shown and checked as money",
    )
    one_unit: OneUnitSpec | None = Field(
        default=None,
        description="for activities: consecutive records that count as one, e.g. "
        "``{same: [attr.property], back_to_back: {from: attr.check_in, to: attr.check_out}}`` "
        "(back-to-back stays at one property are one stay); a unit counts in the window "
        "holding its first record",
    )
    posts: PostsSpec | None = Field(
        default=None,
        description="for activities and sums over activities: the credit counts from a stated "
        "time after the event, e.g. ``{days: 1}`` (the day after check-out) or "
        "``{at: end_of_day}``; it belongs to the window holding that moment",
    )
    counts_opening_balance: bool = Field(
        default=False,
        description="for points: whether a balance an opening event brought counts as points "
        "earned on the day of the opening (default: a balance is held, not earned), e.g. "
        "``{of: points, currency: status, counts_opening_balance: true}``",
    )

    counts_adjustments: bool = Field(
        default=False,
        description="for points: whether adjustments (corrections booked by staff, e.g. status "
        "points credited for a flight missing from the record) count as points earned on their "
        "day, credits up and debits down (default: they change the balance only), e.g. "
        "``{of: points, currency: status, counts_adjustments: true}``",
    )

    @model_validator(mode="after")
    def _complete(self) -> MeasureSpec:
        if self.of == "points" and self.currency is None:
            raise ValueError(
                "a points measure names its currency, e.g. {of: points, currency: growth}"
            )
        if self.of == "activities" and self.kind is None:
            raise ValueError(
                "an activities measure names its kind, e.g. {of: activities, kind: checkin}"
            )
        if self.of == "sum" and self.field is None:
            raise ValueError(
                "a sum measure names the attribute, e.g. {of: sum, field: attr.nights}"
            )
        if self.of not in ("activities", "sum") and self.kind is not None:
            raise ValueError("'kind' applies to activities and sum measures only")
        if self.of != "points" and self.currency is not None:
            raise ValueError("'currency' applies to points measures only")
        if self.of != "sum" and self.field is not None:
            raise ValueError("'field' applies to sum measures only")
        if self.of != "points" and self.counts_adjustments:
            raise ValueError(
                "'counts_adjustments' applies to points measures only (an adjustment books "
                "points); to set another measure's figure for a member brought in, give it in "
                "the opening event's 'figures'"
            )
        if self.of != "points" and self.counts_opening_balance:
            raise ValueError(
                "'counts_opening_balance' applies to points measures only; give the opening "
                "figure of this measure in the opening event's 'figures'"
            )
        if self.of != "activities" and self.one_unit is not None:
            raise ValueError(
                "'one_unit' applies to activities measures only (a count of records); a sum "
                "over joined records is the same sum, e.g. {of: activities, kind: stay, "
                "one_unit: {same: [attr.property], back_to_back: {from: attr.check_in, "
                "to: attr.check_out}}}"
            )
        if self.posts is not None and self.kind is None:
            raise ValueError(
                "'posts' applies to measures of activities (of: activities, or of: sum with a "
                "kind); orders and points count when they happen, e.g. {of: sum, kind: stay, "
                "field: attr.nights, posts: {days: 1}}"
            )
        if self.of != "sum" and self.unit != "number":
            raise ValueError("'unit' applies to sum measures only (spend is money already)")
        return self


_Measure = Annotated[
    MeasureSpec, BeforeValidator(_measure_form, json_schema_input_type=_MeasureOf | MeasureSpec)
]


class MembershipYear(_Frozen):
    """A membership year counted from the joining date or from the last upgrade."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid", populate_by_name=True)

    start: Literal["join", "last_upgrade"] = Field(default="join", alias="from")
    """join: the year runs from the joining anniversary; last_upgrade: from the last upgrade"""


class WindowSpec(_Frozen):
    """The window figures are counted in; exactly one of the forms."""

    kind: Literal[
        "calendar_year",
        "calendar_quarter",
        "calendar_month",
        "rolling_months",
        "rolling_days",
        "full_months",
        "membership_year",
        "lifetime",
        "validity",
    ]
    n: int = 0
    start: Literal["join", "last_upgrade"] = "join"
    in_progress: bool = False
    """With full_months: the month in progress counts too (N-1 whole months before it)."""


def _window_form(value: object) -> object:
    if isinstance(value, WindowSpec):
        if value.kind == "validity":
            raise PydanticCustomError("window", _VALIDITY_ONLY)
        return value
    if value == "validity":
        raise PydanticCustomError("window", _VALIDITY_ONLY)
    if isinstance(value, str):
        if value in ("rolling_months", "rolling_days", "full_months"):
            raise PydanticCustomError(
                "window",
                "'{kind}' needs a number, written as a mapping ({kind}: 12)",
                {"kind": value},
            )
        if value in _NAMED_WINDOWS:
            return {"kind": value}
        # Read as any unknown choice is (with a did-you-mean), the mapping forms listed too.
        raise PydanticCustomError(
            "literal_error",
            "Input should be {expected}",
            {
                "expected": ", ".join(f"'{k}'" for k in _WINDOW_KINDS[:-1])
                + f" or '{_WINDOW_KINDS[-1]}'"
            },
        )
    if isinstance(value, Mapping) and value and set(value) <= {"qualify", "retain"}:
        raise PydanticCustomError(
            "window",
            "the ladder's window is one window, e.g. calendar_year; a tier judged over other "
            "windows names them on the tier: window: {qualify: W, retain: W}",
        )
    if isinstance(value, Mapping) and set(value) == {"full_months", "month_in_progress"}:
        progress = value["month_in_progress"]
        if progress not in ("include", "exclude"):
            raise PydanticCustomError(
                "window", "'month_in_progress' is include or exclude, e.g. include"
            )
        counted = _window_form({"full_months": value["full_months"]})
        assert isinstance(counted, dict)
        return {**counted, "in_progress": progress == "include"}
    if isinstance(value, Mapping) and len(value) == 1:
        ((key, arg),) = value.items()
        if key in ("rolling_months", "rolling_days", "full_months"):
            if not isinstance(arg, int) or isinstance(arg, bool) or not 1 <= arg <= 3660:
                raise PydanticCustomError(
                    "window", "'{kind}' takes a whole number from 1", {"kind": key}
                )
            return {"kind": key, "n": arg}
        if key == "membership_year" and (arg is None or isinstance(arg, Mapping)):
            year = MembershipYear.model_validate(arg or {})
            return {"kind": key, "start": year.start}
    raise PydanticCustomError(
        "window",
        "a window is calendar_year, calendar_quarter, calendar_month, lifetime, membership_year, "
        "{rolling_months: N}, {rolling_days: N}, {full_months: N} "
        "(with month_in_progress: include to count the current month), or "
        "{membership_year: {from: last_upgrade}}",
    )


_WINDOW_KINDS = tuple(
    kind for kind in get_args(WindowSpec.model_fields["kind"].annotation) if kind != "validity"
)
"""The window kinds a policy names (``validity`` only on a tier, for keeping it)."""

_NAMED_WINDOWS = (
    "calendar_year",
    "calendar_quarter",
    "calendar_month",
    "membership_year",
    "lifetime",
)
"""Windows written as a bare name."""

_VALIDITY_ONLY = (
    "'validity' (the term the member holds the tier for) judges keeping a tier, not reaching it: "
    "write it under retain on a tier, as window: {retain: validity}"
)


def _window_show(window: WindowSpec) -> object:
    if window.kind == "validity":
        return "validity"
    if window.in_progress:
        return {window.kind: window.n, "month_in_progress": "include"}
    if window.n:
        return {window.kind: window.n}
    if window.kind == "membership_year" and window.start != "join":
        return {window.kind: {"from": window.start}}
    return window.kind


def _counted(unit: str) -> dict[str, object]:
    return {
        "type": "integer",
        "minimum": 1,
        "maximum": 3660,
        "description": f"a window of this many {unit}, ending at the moment asked about",
    }


_WINDOW_SCHEMA: dict[str, object] = {
    "description": "calendar_year | calendar_quarter | calendar_month | lifetime | membership_year"
    " | {rolling_months: N} | {rolling_days: N} | {full_months: N}"
    " | {membership_year: {from: last_upgrade}}",
    "anyOf": [
        {
            "enum": [
                "calendar_year",
                "calendar_quarter",
                "calendar_month",
                "lifetime",
                "membership_year",
            ]
        },
        {
            "type": "object",
            "title": "WindowForm",
            "description": "a window written as a mapping: exactly one of these keys",
            "properties": {
                "rolling_months": _counted("months, e.g. ``{rolling_months: 12}``"),
                "rolling_days": _counted("days, e.g. ``{rolling_days: 90}``"),
                "full_months": _counted(
                    "whole calendar months before the current one, e.g. ``{full_months: 12}``"
                ),
                "month_in_progress": {
                    "enum": ["include", "exclude"],
                    "description": "with full_months: whether the month in progress counts "
                    "(the window is then N-1 whole months and the current one), e.g. "
                    "``{full_months: 12, month_in_progress: include}``",
                },
                "membership_year": {
                    "description": "the membership year, from joining (default) or from the last "
                    "upgrade, e.g. ``{membership_year: {from: last_upgrade}}``",
                    "anyOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "properties": {
                                "from": {
                                    "enum": ["join", "last_upgrade"],
                                    "description": "where each membership year starts, e.g. "
                                    "``last_upgrade``",
                                }
                            },
                            "additionalProperties": False,
                        },
                    ],
                },
            },
            "minProperties": 1,
            "maxProperties": 2,
            "additionalProperties": False,
        },
    ],
}

Window = Annotated[
    WindowSpec,
    BeforeValidator(_window_form),
    PlainSerializer(_window_show),
    WithJsonSchema(_WINDOW_SCHEMA),
]


def _month_day(value: str) -> str:
    parts = value.split("-")
    ok = len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts)
    # Checked against a leap year, so 02-29 is a day (it falls on 28 Feb in common years).
    if ok and 1 <= int(parts[0]) <= 12:
        ok = 1 <= int(parts[1]) <= calendar.monthrange(2000, int(parts[0]))[1]
    else:
        ok = False
    if not ok:
        raise ValueError(f"'{value}' is not a day of the year written MM-DD, e.g. \"02-28\"")
    return value


MonthDay = Annotated[str, Field(pattern=r"^\d{2}-\d{2}$"), AfterValidator(_month_day)]
"""A day of the year, ``MM-DD`` (quoted in YAML)."""


# --- validity ----------------------------------------------------------------------------------


class ValidityMonths(_Frozen):
    """Held for N months counted from the first day of the upgrade month."""

    months_from_upgrade_month: Annotated[int, Field(ge=1, le=1200)]
    """months the tier is held, counted from the first day of the upgrade month, e.g. ``24``"""


class ValidityFromUpgrade(_Frozen):
    """Held for N months counted from the day of the upgrade (15 Mar to the end of 14 Mar)."""

    months_from_upgrade: Annotated[int, Field(ge=1, le=1200)]
    """months the tier is held, counted from the day of the upgrade, e.g. ``12``"""


class ValidityUntil(_Frozen):
    """Held until the end of ``until`` (MM-DD) in the upgrade year plus ``years``."""

    until: MonthDay
    """the last day the tier is held, "MM-DD", in the upgrade year plus ``years``"""
    years: Annotated[int, Field(ge=0, le=100)] = 1
    """years after the upgrade year the ``until`` day falls in (1: the next year)"""


Validity = (
    Literal["rest_of_year_plus_next", "rest_of_year"]
    | ValidityMonths
    | ValidityFromUpgrade
    | ValidityUntil
)


def _retain_window_form(value: object) -> object:
    if value == "validity":
        return WindowSpec(kind="validity")
    return _window_form(value)


_RetainWindow = Annotated[
    WindowSpec,
    BeforeValidator(_retain_window_form),
    PlainSerializer(_window_show),
    WithJsonSchema({"anyOf": [{"const": "validity"}, _WINDOW_SCHEMA]}),
]


class TierWindows(_Frozen):
    """A tier's own windows: the one reaching it is judged over, and the one keeping it is."""

    qualify: Window | None = None
    """the window the qualify thresholds are judged over (default: the ladder's), e.g.
    ``{full_months: 12}``"""
    retain: _RetainWindow | None = None
    """the window the retain thresholds are judged over at a review (default: the ladder's), or
    ``validity``: the term the member holds the tier for, from when it was reached or last kept to
    the review, e.g. ``validity``"""

    @model_validator(mode="after")
    def _some(self) -> TierWindows:
        if self.qualify is None and self.retain is None:
            raise ValueError("name a window for qualify or retain, e.g. {retain: validity}")
        return self


def _tier_window_form(value: object) -> object:
    # A mapping naming the parts is validated as such (each window located at its own key); a
    # single window judges both parts.
    if isinstance(value, TierWindows):
        return value
    if isinstance(value, Mapping) and set(value) & {"qualify", "retain"}:
        return value
    if value == "validity":
        raise PydanticCustomError(
            "window",
            "'validity' judges keeping a tier, not reaching it: write window: {retain: validity} "
            "(with qualify: W for the window that reaches it)",
        )
    form = _window_form(value)
    window = form if isinstance(form, WindowSpec) else WindowSpec.model_validate(form)
    return TierWindows(qualify=window, retain=window)


def _tier_window_show(windows: TierWindows) -> object:
    if windows.qualify == windows.retain and windows.qualify is not None:
        return _window_show(windows.qualify)
    return {
        part: _window_show(w)
        for part, w in (("qualify", windows.qualify), ("retain", windows.retain))
        if w is not None
    }


_TIER_WINDOW_SCHEMA: dict[str, object] = {
    "description": "this tier's own window, when it is not the ladder's: one for reaching and "
    "keeping it, e.g. ``{rolling_months: 12}``, or one per part, e.g. ``{qualify: {full_months: "
    "12}, retain: validity}`` (reach it on any 12 full months, keep it on the figures of the "
    "term held: from when it was reached or last kept to the review)",
    "anyOf": [
        _WINDOW_SCHEMA,
        {
            "type": "object",
            "title": "TierWindows",
            "properties": {
                "qualify": {
                    **_WINDOW_SCHEMA,
                    "description": "the window reaching the tier is judged over, e.g. "
                    "``{full_months: 12}``",
                },
                "retain": {
                    "description": "the window keeping the tier is judged over at a review, or "
                    "validity (from when the tier was reached or last kept to the review), e.g. "
                    "``validity``",
                    "anyOf": [{"const": "validity"}, _WINDOW_SCHEMA],
                },
            },
            "minProperties": 1,
            "additionalProperties": False,
        },
    ],
}

_TierWindow = Annotated[
    TierWindows,
    BeforeValidator(_tier_window_form),
    PlainSerializer(_tier_window_show),
    WithJsonSchema(_TIER_WINDOW_SCHEMA),
]


class Inclusive(_Frozen):
    """Whether each part's thresholds are met at >= (true) or only above them (false)."""

    qualify: bool = True
    """reaching the tier, e.g. ``true``"""
    retain: bool = True
    """keeping it at a review, e.g. ``false``"""


class TierSpec(_Frozen):
    """One step of the ladder: how to reach it, how to keep it, and how long it is held."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", arbitrary_types_allowed=True
    )

    id: Ident
    """the tier's id, e.g. ``gold``; other sections name the tier by it"""
    name: Name | None = None
    """the tier's display name, e.g. ``{zh_Hans: 金卡会员, en: Gold}``"""
    qualify: Threshold | None = Field(
        default=None, description="figures that reach this tier; the first tier has none"
    )
    retain: Threshold | None = Field(
        default=None, description="figures that keep this tier at a review (default: qualify)"
    )
    inclusive: bool | Inclusive = Field(
        default=True,
        description="true: a threshold is met at >=; false: >; or per part, e.g. "
        "``{qualify: true, retain: false}`` (>= to reach, > to keep)",
    )
    acknowledge: tuple[Literal["retain_above_qualify"], ...] = Field(
        default=(),
        description="checks the author confirms the published terms intend, e.g. "
        "``[retain_above_qualify]`` (keeping the tier takes more than reaching it)",
    )
    window: _TierWindow | None = Field(
        default=None,
        description="this tier's own window, when it is not the ladder's: one for reaching and "
        "keeping it, e.g. ``{rolling_months: 12}``, or one per part, e.g. ``{qualify: "
        "{full_months: 12}, retain: validity}`` (reach it on any 12 full months, keep it on the "
        "figures of the term held)",
    )
    validity: Validity | None = Field(
        default=None, description="how long the tier is held once reached, whatever the figures"
    )
    validity_after_review: Validity | None = Field(
        default=None,
        description="how long the tier is held when a review keeps it or lands on it, if not "
        "as after an upgrade (`validity`): to the end of next year after an upgrade, 12 more "
        "months after a retention review, e.g. ``{months_from_upgrade: 12}`` (counted from the "
        "review day)",
    )
    lifetime_after_years: Annotated[int, Field(ge=1, le=100)] | None = Field(
        default=None, description="held for life after this many years in this tier or above"
    )
    lifetime_years: Literal["consecutive", "total"] = Field(
        default="consecutive",
        description="consecutive: the years of the current unbroken run in this tier or above; "
        "total: all the time ever held in this tier or above (hotel programmes count years "
        "not necessarily consecutive)",
    )
    lifetime_requires: Threshold | None = Field(
        default=None,
        description="figures over the whole membership (not the window) also needed for the "
        "lifetime tier, e.g. {nights: 600}; alone, they grant it at a review on their own",
    )

    @property
    def qualify_inclusive(self) -> bool:
        """Whether the qualify thresholds are met at >=."""
        return self.inclusive if isinstance(self.inclusive, bool) else self.inclusive.qualify

    @property
    def retain_inclusive(self) -> bool:
        """Whether the retain thresholds are met at >= (qualify's when retain is not given)."""
        if isinstance(self.inclusive, bool):
            return self.inclusive
        return self.inclusive.retain

    @model_validator(mode="after")
    def _lifetime_years_counted(self) -> TierSpec:
        if self.lifetime_years != "consecutive" and self.lifetime_after_years is None:
            raise ValueError("lifetime_years says how lifetime_after_years are counted; give both")
        return self


class PaidTierSpec(_Frozen):
    """A tier bought for a period (付费会员), granted by a TierGrant event with reason 'paid'."""

    id: Ident
    """the paid tier's id, e.g. ``plus``"""
    name: Name | None = None
    """the paid tier's display name, e.g. ``PLUS会员``"""
    months: Annotated[int, Field(ge=1, le=1200)] = Field(
        default=12, description="length of one paid period when the grant gives no end"
    )
    placement: Literal["above", "alongside"] = Field(
        default="above",
        description="above: the tier in force while paid; alongside: held beside the earned tier",
    )


class Downgrade(_Frozen):
    """How far a review may move a member down: to the figures, or at most ``max_steps``."""

    max_steps: Annotated[int, Field(ge=1, le=100)] | None = None
    """at most this many steps down per review, e.g. ``1``"""


def _downgrade_form(value: object) -> object:
    # ``downgrade: to_figures`` reads as the mapping without a step limit, so a misspelt key in
    # the mapping form gets one clear "did you mean" instead of a complaint per allowed shape.
    if value == "to_figures":
        return {}
    if isinstance(value, str):
        raise PydanticCustomError("downgrade", "give to_figures, or max_steps: N as a mapping")
    return value


_DOWNGRADE_SCHEMA: dict[str, object] = {
    "anyOf": [
        {"const": "to_figures"},
        {
            "type": "object",
            "properties": {
                "max_steps": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 100,
                    "description": "at most this many steps down per review, e.g. 1",
                }
            },
            "additionalProperties": False,
        },
    ],
}


class FixedReview(_Frozen):
    """A review every year on a fixed local date."""

    fixed: MonthDay
    """the day of the year of the review, "MM-DD", e.g. ``"04-01"``"""


class AnniversaryReview(_Frozen):
    """A review every year on an anniversary: of joining, or of the member's first upgrade."""

    anniversary: Literal["joining", "first_upgrade"]
    """``first_upgrade``: the date of the first upgrade, not moved by later ones, e.g.
    ``first_upgrade``"""


def _review_form(value: object) -> object:
    # A mapping is the fixed-date or the anniversary form: validate it as one for a clear message.
    if isinstance(value, Mapping):
        if "anniversary" in value:
            return AnniversaryReview.model_validate(value)
        return FixedReview.model_validate(value)
    if value == "anniversary":
        return AnniversaryReview(anniversary="joining")
    return value


def _positive_cap(value: object) -> object:
    # Checked before the number is read, so the author sees what to write, not "> 0".
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and value <= 0:
        raise ValueError(
            f"a cap is above 0, e.g. 25000, not {value}; to roll nothing of this measure over, "
            "leave it out of rollover"
        )
    return value


class RolloverSpec(_Frozen):
    """How much of one measure's figure above the level reached carries into the next window."""

    cap: Annotated[
        Decimal,
        Field(gt=0, lt=10**15, allow_inf_nan=False),
        BeforeValidator(_positive_cap),
    ]
    """the most that carries into the next window, in the measure's unit, e.g. ``25000``"""


def _rollover_form(value: object) -> object:
    # A bare number would read as the cap or as a share; one written form keeps it unambiguous.
    if isinstance(value, int | float | Decimal | str) and not isinstance(value, bool):
        raise PydanticCustomError(
            "rollover", "write the cap as a mapping, e.g. {cap: {value}}", {"value": value}
        )
    return value


_Rollover = Annotated[
    RolloverSpec, BeforeValidator(_rollover_form, json_schema_input_type=RolloverSpec)
]


# --- when an upgrade takes effect --------------------------------------------------------------


def _whole_days(value: object) -> object:
    # Checked before the number is read, so the author sees what to write, not ">= 1".
    if isinstance(value, bool):
        raise ValueError("write a whole number of days, e.g. {days: 1}")
    if isinstance(value, int) and value < 1:
        raise ValueError(
            f"{value} days is not later than the qualifying day: write a whole number from 1, "
            "e.g. {days: 1}, or upgrade: immediate for a tier in force at once"
        )
    if isinstance(value, int) and value > 366:
        raise ValueError(
            f"{value} days is more than a year: write at most 366, e.g. {{days: 30}}, or "
            "{effective: next_month} for the first of the next month"
        )
    return value


class EffectiveDays(_Frozen):
    """N whole local days after the day the figures qualify, at local midnight."""

    days: Annotated[int, Field(ge=1, le=366), BeforeValidator(_whole_days)]
    """days after the qualifying day, e.g. ``2`` (qualified on 14 Mar: from 16 Mar 00:00)"""


_EFFECTIVE_WORDS = ("next_day", "next_month")
_UPGRADE_FORMS = (
    "immediate, at_review, or for a tier that takes effect later {effective: next_day}, "
    "{effective: next_month} or {effective: {days: N}}"
)


def _effective_form(value: object) -> object:
    # Each wrong form says what to write, rather than one complaint per allowed shape.
    if isinstance(value, str):
        if value in _EFFECTIVE_WORDS:
            return value
        close = difflib.get_close_matches(value, _EFFECTIVE_WORDS, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(
            f"'{value}' is not when an upgrade takes effect: write next_day, next_month or "
            f"{{days: N}}{hint}"
        )
    if isinstance(value, Mapping):
        return EffectiveDays.model_validate(value)
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f"write a number of days as a mapping, e.g. {{days: {value}}}")
    raise ValueError("write next_day, next_month or {days: N}, e.g. next_day")


class UpgradeSpec(_Frozen):
    """An upgrade judged at once that takes effect later: the next day, the next month, N days on."""

    effective: Annotated[
        Literal["next_day", "next_month"] | EffectiveDays,
        BeforeValidator(_effective_form),
    ] = Field(
        description="when the tier reached takes effect: ``next_day`` (the local midnight after "
        "the day the figures qualify), ``next_month`` (the first local midnight of the next "
        "month, 次月1日), or ``{days: N}`` (N whole local days later, at local midnight), e.g. "
        "``next_day``"
    )


def _upgrade_form(value: object) -> object:
    # A mapping is the delayed form: validated as one so its errors are located inside it.
    if isinstance(value, Mapping):
        return UpgradeSpec.model_validate(value)
    if value in ("immediate", "at_review"):
        return value
    if isinstance(value, str):
        close = difflib.get_close_matches(
            value, ["immediate", "at_review", *_EFFECTIVE_WORDS], n=1, cutoff=0.6
        )
        if close and close[0] in _EFFECTIVE_WORDS:
            hint = f"; for a tier that takes effect later write {{effective: {close[0]}}}"
        elif close:
            hint = f"; did you mean '{close[0]}'?"
        else:
            hint = f"; write {_UPGRADE_FORMS}"
        raise ValueError(f"'{value}' is not one of 'immediate' or 'at_review'{hint}")
    raise ValueError(f"write {_UPGRADE_FORMS}")


_Upgrade = Annotated[
    Literal["immediate", "at_review"] | UpgradeSpec, BeforeValidator(_upgrade_form)
]


class TiersSection(_Frozen):
    """The tiers section.

    A member brought in mid-story (a migration, a programme taken over) starts with an
    ``opening`` event rather than a policy key, e.g.
    ``{type: opening, tier: gold, through: 2027-03-31, figures: {segments: 14}}``. The ladder
    holds the tier through its last day and then reviews it by the retention rules, counting the
    opening figures in the window holding the opening (docs/embedding.md, "Starting a member
    mid-story"). Conditions tell how the tier in force was
    reached with ``tier_reached_by``.
    """

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", arbitrary_types_allowed=True
    )

    measures: Mapping[Ident, _Measure] = Field(
        default_factory=dict,
        description="named measures; 'spend' (net spend) and 'orders' exist unless redefined",
    )
    window: Window = Field(
        default=WindowSpec.model_construct(kind="calendar_year"),
        # The default reads in the schema as it is written in a policy, not as its model.
        json_schema_extra={"default": "calendar_year"},
    )
    """the window figures are counted in (default calendar_year)"""
    ladder: Annotated[tuple[TierSpec, ...], Field(min_length=1)]
    """the tiers, lowest first; the first tier is where every member starts, e.g. ``[{id: basic}, {id: gold, qualify: {spend: 8000}}]``"""
    upgrade: _Upgrade = "immediate"
    """immediate: a member moves up as soon as the figures qualify; at_review: at the next review;
    ``{effective: next_day}``, ``{effective: next_month}`` or ``{effective: {days: N}}``: judged
    as soon as the figures qualify, taking effect at that later local midnight (the tier in force
    until then is the old one), e.g. ``{effective: next_day}``"""
    review: Annotated[
        Literal["end_of_window", "monthly", "validity_end"] | AnniversaryReview | FixedReview,
        BeforeValidator(_review_form),
    ] = "end_of_window"
    """when tiers are reviewed for downgrades: end_of_window, anniversary (of joining),
    ``{anniversary: first_upgrade}``, monthly, ``{fixed: MM-DD}``, or validity_end (only when the
    status expires: every tier above the first states a validity), e.g. ``validity_end``"""
    downgrade: Annotated[
        Downgrade, BeforeValidator(_downgrade_form), WithJsonSchema(_DOWNGRADE_SCHEMA)
    ] = Field(
        default=Downgrade.model_construct(),
        description="to_figures (default): a review moves a member to the tier the figures keep; "
        "{max_steps: N}: at most N steps down per review (soft landing)",
        # The default reads in the schema as it is written in a policy, not as its model.
        json_schema_extra={"default": "to_figures"},
    )
    grace_days: Annotated[int, Field(ge=0, le=3660)] = 0
    """days after a review a member keeps the tier the review would take away, e.g. ``30``"""
    refunds: Literal["at_once", "at_review", "never"] = Field(
        default="at_review",
        description="whether a refund that drops figures below a threshold demotes at once, "
        "at the next review, or never (refunds are then not deducted)",
    )
    paid: tuple[PaidTierSpec, ...] = ()
    """tiers members buy (付费会员), granted by a tier_grant event with reason paid"""
    rollover: Mapping[Ident, _Rollover] = Field(
        default_factory=dict,
        description="measures whose figure above the level reached carries into the next "
        "window, capped, e.g. ``{miles: {cap: 25000}}``: at the review closing a window, the "
        "figure minus the qualify threshold of the highest tier the window's figures reach (0 "
        "when none), at most the cap and at most what was earned in the window (what rolled in "
        "counts first towards the threshold and never rolls again), counts in the next window "
        "as of its first moment; fixed at that review, so a later refund does not change it. "
        "Needs a window that has a next one (calendar_year, calendar_quarter, calendar_month, "
        "membership_year) and review: end_of_window",
    )
