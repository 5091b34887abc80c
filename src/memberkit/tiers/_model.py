"""The `tiers:` section of a policy: measures, a window, a ladder, and how members move on it.

::

    tiers:
      measures:                       # spend and orders exist without being declared
        online: {of: spend, where: {channel: app}}
        growth: {of: points, currency: growth}
        checkins: {of: activities, kind: checkin}
        nights: {of: sum, field: attr.nights, kind: stay}
      window: calendar_year           # calendar_quarter, calendar_month, lifetime,
                                      # {rolling_months: 12}, {rolling_days: 90},
                                      # {full_months: 12}, membership_year,
                                      # {membership_year: {from: last_upgrade}}
      ladder:
        - {id: basic, name: 普通会员}
        - id: gold
          name: {zh_Hans: 金卡会员, en: Gold}
          qualify: {any: [{spend: 8000}, {orders: 20}]}
          retain: {spend: 6000}
          inclusive: true             # >= (default); false means >
          validity: rest_of_year_plus_next   # {months_from_upgrade_month: 24},
                                             # {until: "02-28", years: 2}
          lifetime_after_years: 10
      upgrade: immediate              # or at_review
      review: end_of_window           # anniversary, monthly, {fixed: "04-01"}
      downgrade: {max_steps: 1}       # or to_figures
      grace_days: 30
      refunds: at_review              # at_once, never
      paid:
        - {id: plus, name: PLUS会员, months: 12, placement: above}   # or alongside
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
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
from .._paths import Path
from .._program import Ident, Name

__all__ = [
    "MeasureSpec",
    "PaidTierSpec",
    "ThresholdAll",
    "ThresholdAny",
    "ThresholdLeaf",
    "ThresholdNode",
    "TierSpec",
    "TiersSection",
    "ValidityMonths",
    "ValidityUntil",
    "WindowSpec",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _measure_form(value: object) -> object:
    # ``spend: spend`` is shorthand for ``spend: {of: spend}``.
    if isinstance(value, str):
        return {"of": value}
    return value


class MeasureSpec(_Frozen):
    """A named qualifying measure: what is counted or summed in the window, optionally filtered."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    of: Literal["spend", "orders", "points", "activities", "sum"] = Field(
        description=(
            "spend: net purchase amount (refunds deducted); orders: purchase count; points: points "
            "earned in `currency` (earn, bonus, reverse); activities: count of activities of "
            "`kind`; sum: total of `field` over activities of `kind` (over orders without kind)"
        )
    )
    name: Name | None = None
    currency: Ident | None = Field(default=None, description="points currency, for of: points")
    kind: str | None = Field(default=None, description="activity kind, for activities and sum")
    field: Annotated[str, Field(pattern=r"^attr\.[A-Za-z0-9_]+$")] | None = Field(
        default=None, description="custom attribute summed, e.g. attr.nights"
    )
    where: EventCondition | None = Field(
        default=None, description="only orders (lines, for spend) or activities meeting this"
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
        return self


_Measure = Annotated[MeasureSpec, BeforeValidator(_measure_form)]


class MembershipYear(_Frozen):
    """A membership year counted from the joining date or from the last upgrade."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    start: Literal["join", "last_upgrade"] = Field(default="join", alias="from")


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
    ]
    n: int = 0
    start: Literal["join", "last_upgrade"] = "join"


def _window_form(value: object) -> object:
    if isinstance(value, WindowSpec):
        return value
    if isinstance(value, str):
        if value in ("rolling_months", "rolling_days", "full_months"):
            raise PydanticCustomError(
                "window", "'{kind}' needs a number: {{{kind}: 12}}", {"kind": value}
            )
        return {"kind": value}
    if isinstance(value, Mapping) and len(value) == 1:
        ((key, arg),) = value.items()
        if key in ("rolling_months", "rolling_days", "full_months"):
            if not isinstance(arg, int) or isinstance(arg, bool) or not 1 <= arg <= 3660:
                raise PydanticCustomError(
                    "window", "'{kind}' takes a whole number from 1", {"kind": key}
                )
            return {"kind": key, "n": arg}
        if key == "membership_year":
            year = MembershipYear.model_validate(arg or {})
            return {"kind": key, "start": year.start}
    raise PydanticCustomError(
        "window",
        "a window is calendar_year, calendar_quarter, calendar_month, lifetime, membership_year, "
        "{rolling_months: N}, {rolling_days: N}, {full_months: N} or "
        "{membership_year: {from: last_upgrade}}",
    )


def _window_show(window: WindowSpec) -> object:
    if window.n:
        return {window.kind: window.n}
    if window.kind == "membership_year" and window.start != "join":
        return {window.kind: {"from": window.start}}
    return window.kind


_WINDOW_SCHEMA: dict[str, object] = {
    "description": "calendar_year | calendar_quarter | calendar_month | lifetime | membership_year"
    " | {rolling_months: N} | {rolling_days: N} | {full_months: N}"
    " | {membership_year: {from: last_upgrade}}",
    "anyOf": [{"type": "string"}, {"type": "object"}],
}

Window = Annotated[
    WindowSpec,
    BeforeValidator(_window_form),
    PlainSerializer(_window_show),
    WithJsonSchema(_WINDOW_SCHEMA),
]


# --- thresholds --------------------------------------------------------------------------------


class ThresholdLeaf:
    """``measure`` must reach ``value`` (>= or >, as the tier says)."""

    __slots__ = ("measure", "path", "value")

    def __init__(self, measure: str, value: Decimal, path: Path) -> None:
        self.measure = measure
        self.value = value
        self.path = path
        """Path inside the threshold (``("any", 0, "spend")``)."""

    def __repr__(self) -> str:
        return f"{{{self.measure}: {self.value}}}"


class ThresholdAll:
    """Every child must be met."""

    __slots__ = ("children", "path")

    def __init__(self, children: tuple[ThresholdNode, ...], path: Path) -> None:
        self.children = children
        self.path = path

    def __repr__(self) -> str:
        return "{all: [" + ", ".join(map(repr, self.children)) + "]}"


class ThresholdAny:
    """At least one child must be met."""

    __slots__ = ("children", "path")

    def __init__(self, children: tuple[ThresholdNode, ...], path: Path) -> None:
        self.children = children
        self.path = path

    def __repr__(self) -> str:
        return "{any: [" + ", ".join(map(repr, self.children)) + "]}"


ThresholdNode = ThresholdLeaf | ThresholdAll | ThresholdAny


def _parse_threshold(
    value: object, path: Path, problems: list[tuple[Path, str, str]], depth: int = 0
) -> ThresholdNode | None:
    if depth > 16:
        problems.append((path, "thresholds nest too deeply", "too_deep"))
        return None
    if not isinstance(value, Mapping) or not value:
        problems.append(
            (path, "a threshold is a mapping of measure to amount, or all/any lists", "wrong_type")
        )
        return None
    parts: list[ThresholdNode] = []
    for key, item in value.items():
        here = (*path, str(key))
        if key in ("all", "any"):
            if not isinstance(item, list | tuple) or not item:
                problems.append(
                    (here, f"'{key}' takes a non-empty list of thresholds", "wrong_type")
                )
                continue
            children = [
                _parse_threshold(sub, (*here, i), problems, depth + 1) for i, sub in enumerate(item)
            ]
            kept = tuple(c for c in children if c is not None)
            parts.append(ThresholdAll(kept, here) if key == "all" else ThresholdAny(kept, here))
            continue
        if isinstance(item, bool) or not isinstance(item, int | Decimal | float):
            problems.append((here, f"{item!r} is not a number", "wrong_type"))
            continue
        amount = Decimal(str(item))
        if not amount.is_finite() or amount < 0:
            problems.append((here, f"{item!r} must be a number of 0 or more", "out_of_range"))
            continue
        parts.append(ThresholdLeaf(str(key), amount, here))
    if len(parts) == 1:
        return parts[0]
    # Several keys in one mapping are all required, as in the rules language.
    return ThresholdAll(tuple(parts), path)


def _threshold(value: object) -> ThresholdNode:
    if isinstance(value, ThresholdLeaf | ThresholdAll | ThresholdAny):
        return value
    problems: list[tuple[Path, str, str]] = []
    node = _parse_threshold(value, (), problems)
    if problems or node is None:
        raise PydanticCustomError(
            "rules",
            "{summary}",
            {"summary": "; ".join(p[1] for p in problems), "findings": problems},
        )
    return node


_THRESHOLD_SCHEMA: dict[str, object] = {
    "description": "measure: amount, combined with all: [...] / any: [...] at any depth",
    "type": "object",
}

Threshold = Annotated[
    ThresholdNode,
    BeforeValidator(_threshold),
    PlainSerializer(repr, return_type=str),
    WithJsonSchema(_THRESHOLD_SCHEMA),
]


# --- validity ----------------------------------------------------------------------------------


class ValidityMonths(_Frozen):
    """Held for N months counted from the first day of the upgrade month."""

    months_from_upgrade_month: Annotated[int, Field(ge=1, le=1200)]


class ValidityUntil(_Frozen):
    """Held until the end of ``until`` (MM-DD) in the upgrade year plus ``years``."""

    until: Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    years: Annotated[int, Field(ge=0, le=100)] = 1


Validity = Literal["rest_of_year_plus_next", "rest_of_year"] | ValidityMonths | ValidityUntil


class TierSpec(_Frozen):
    """One step of the ladder: how to reach it, how to keep it, and how long it is held."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    id: Ident
    name: Name | None = None
    qualify: Threshold | None = Field(
        default=None, description="figures that reach this tier; the first tier has none"
    )
    retain: Threshold | None = Field(
        default=None, description="figures that keep this tier at a review (default: qualify)"
    )
    inclusive: bool = Field(default=True, description="true: a threshold is met at >=; false: >")
    validity: Validity | None = Field(
        default=None, description="how long the tier is held once reached, whatever the figures"
    )
    lifetime_after_years: Annotated[int, Field(ge=1, le=100)] | None = Field(
        default=None, description="held for life after this many years in this tier or above"
    )


class PaidTierSpec(_Frozen):
    """A tier bought for a period (付费会员), granted by a TierGrant event with reason 'paid'."""

    id: Ident
    name: Name | None = None
    months: Annotated[int, Field(ge=1, le=1200)] = Field(
        default=12, description="length of one paid period when the grant gives no end"
    )
    placement: Literal["above", "alongside"] = Field(
        default="above",
        description="above: the tier in force while paid; alongside: held beside the earned tier",
    )


class Downgrade(_Frozen):
    """How far a review may move a member down."""

    max_steps: Annotated[int, Field(ge=1, le=100)]


class FixedReview(_Frozen):
    """A review every year on a fixed local date."""

    fixed: Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class TiersSection(_Frozen):
    """The tiers section."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    measures: Mapping[Ident, _Measure] = Field(
        default_factory=dict,
        description="named measures; 'spend' (net spend) and 'orders' exist unless redefined",
    )
    window: Window = Field(default=WindowSpec(kind="calendar_year"))
    ladder: Annotated[tuple[TierSpec, ...], Field(min_length=1)]
    upgrade: Literal["immediate", "at_review"] = "immediate"
    review: Literal["end_of_window", "anniversary", "monthly"] | FixedReview = "end_of_window"
    downgrade: Literal["to_figures"] | Downgrade = "to_figures"
    grace_days: Annotated[int, Field(ge=0, le=3660)] = 0
    refunds: Literal["at_once", "at_review", "never"] = Field(
        default="at_review",
        description="whether a refund that drops figures below a threshold demotes at once, "
        "at the next review, or never (refunds are then not deducted)",
    )
    paid: tuple[PaidTierSpec, ...] = ()
