"""Events: what happened to a member, validated once at the edge.

Every event has an ``id`` (unique per member: applying the same id twice is a no-op) and an aware
``at``. Money amounts are ``Decimal`` in the programme's currency unless the event says otherwise.
The engine reads these frozen models directly; it never re-validates them.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from ._errors import EventError
from ._instants import fixed_offset
from ._limits import (
    MAX_ATTRIBUTES,
    MAX_EVENT_BYTES,
    MAX_EVENT_DEPTH,
    MAX_EVENT_POINTS,
    MAX_ID,
    MAX_ITEMS,
    MAX_MONEY,
    MAX_MONEY_DECIMALS,
    MAX_POLICY_DECIMALS,
    MAX_QUANTITY,
    MAX_TAGS,
    MAX_TEXT,
    MAX_YEAR,
    MIN_YEAR,
    year_problem,
)
from ._money import is_currency
from ._reasons import Reason
from .i18n import render

__all__ = [
    "Activity",
    "Adjustment",
    "BenefitUse",
    "Event",
    "FlagUpdate",
    "Line",
    "Opening",
    "PointsExtension",
    "ProfileUpdate",
    "Purchase",
    "Redemption",
    "RedemptionCancel",
    "Refund",
    "RefundLine",
    "Tender",
    "TierGrant",
    "Transfer",
    "check_order_money",
    "event_fingerprint",
    "parse_event",
    "parse_events",
]

_D = TypeVar("_D", date, datetime)


def _supported_year(value: _D) -> _D:
    problem = year_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Id = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID, strip_whitespace=True)]
NonNegative = Annotated[
    Decimal,
    Field(ge=0, lt=MAX_MONEY, allow_inf_nan=False, decimal_places=MAX_MONEY_DECIMALS),
]
"""Money: below 10^15, at most 6 decimals (the currency's own precision is checked later)."""
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Tags = Annotated[tuple[Text, ...], Field(max_length=MAX_TAGS)]


def _supported_birthday(value: date) -> date:
    # Personal data never appears in a message, not even the value being refused.
    if year_problem(value) is not None:
        raise ValueError(f"the birthday is outside the supported years {MIN_YEAR} to {MAX_YEAR}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_supported_year)]
Day = Annotated[date, AfterValidator(_supported_year)]
Birthday = Annotated[date, AfterValidator(_supported_birthday)]
EventPoints = Annotated[int, Field(ge=1, le=MAX_EVENT_POINTS)]
AttrValue = (
    Text
    | Annotated[int, Field(ge=-MAX_MONEY, le=MAX_MONEY)]
    | Annotated[
        Decimal,
        Field(gt=-MAX_MONEY, lt=MAX_MONEY, allow_inf_nan=False, decimal_places=MAX_POLICY_DECIMALS),
    ]
    | bool
)
Attributes = Annotated[Mapping[Text, AttrValue], Field(max_length=MAX_ATTRIBUTES)]


class _Event(BaseModel):
    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", str_strip_whitespace=True
    )

    id: Id
    at: Moment

    @field_validator("at", mode="before")
    @classmethod
    def _aware(cls, value: object) -> object:
        # A naive time would be read in the server's zone, which differs between machines.
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError(
                "datetime has no timezone offset; give one, e.g. 2026-11-11T10:00:00+08:00"
            )
        return value

    @field_validator("at", mode="after")
    @classmethod
    def _fixed(cls, value: datetime) -> datetime:
        return fixed_offset(value)


class Line(BaseModel):
    """One line of an order: what was bought, how many, and what it cost after discounts."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", str_strip_whitespace=True
    )

    id: Id
    sku: Text = ""
    category: Text = ""
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)] = 1
    amount: NonNegative
    """Net amount paid for the whole line (all units), after line and order discounts."""
    gross: NonNegative | None = None
    """List price of the line before discounts, for programmes that earn on gross."""
    tags: Tags = ()
    attributes: Attributes = Field(default_factory=dict)


class Tender(BaseModel):
    """One means of payment on an order and the money it paid (a card, a gift card, a wallet)."""

    model_config = ConfigDict(
        defer_build=True, frozen=True, extra="forbid", str_strip_whitespace=True
    )

    method: Annotated[Id, StringConstraints(pattern=r"^[^\x00-\x1f]+$")]
    """The payment method code, as earning conditions read it (``payment_method``)."""
    amount: Annotated[NonNegative, Field(gt=0)]


class Purchase(_Event):
    """An order paid by the member; its ``id`` is also the order id that refunds refer to."""

    type: Literal["purchase"] = "purchase"
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    lines: tuple[Line, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    shipping: NonNegative = Decimal(0)
    tax: NonNegative = Decimal(0)
    channel: Text = ""
    store: Text = ""
    payment_method: Text = ""
    tenders: tuple[Tender, ...] = Field(default=(), max_length=MAX_ITEMS)
    """The tenders that paid the order, when several did (each may earn at its own rate): they
    add up to the lines, shipping and tax together. Give this or ``payment_method``."""
    tags: Tags = ()
    attributes: Attributes = Field(default_factory=dict)

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if not is_currency(value):
            raise ValueError(f"unknown ISO 4217 currency '{value}'")
        return value

    @model_validator(mode="after")
    def _unique_lines(self) -> Purchase:
        seen: set[str] = set()
        for line in self.lines:
            if line.id in seen:
                raise ValueError(f"line id {line.id!r} appears twice in the order")
            seen.add(line.id)
        return self

    @model_validator(mode="after")
    def _tenders_pay_the_order(self) -> Purchase:
        if not self.tenders:
            return self
        if self.payment_method:
            raise ValueError(
                "give 'payment_method' (one method paid the order) or 'tenders' (several did), "
                "not both"
            )
        methods: set[str] = set()
        for tender in self.tenders:
            if tender.method in methods:
                raise ValueError(
                    f"tender method {tender.method!r} appears twice: give what it paid as one "
                    "tender"
                )
            methods.add(tender.method)
        paid = sum((t.amount for t in self.tenders), Decimal(0))
        due = self.amount + self.shipping + self.tax
        if paid != due:
            raise ValueError(
                f"the tenders pay {paid} but the order comes to {due} (lines, shipping and tax "
                "together)"
            )
        return self

    @property
    def one_method(self) -> str:
        """The method that paid the whole order ('' when several tenders did, or none is given)."""
        if len(self.tenders) == 1:
            return self.tenders[0].method
        return self.payment_method if not self.tenders else ""

    @property
    def amount(self) -> Decimal:
        """Net amount of the goods (lines), excluding shipping and tax."""
        return sum((line.amount for line in self.lines), Decimal(0))


class RefundLine(BaseModel):
    """Part of an order given back: some units of a line, or (without quantity) the whole line."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    line: Id
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)] | None = None


class Refund(_Event):
    """Money returned on an earlier order; without ``lines`` the whole order is refunded."""

    type: Literal["refund"] = "refund"
    order: Id
    lines: tuple[RefundLine, ...] = Field(default=(), max_length=MAX_ITEMS)
    amount: Annotated[NonNegative, Field(gt=0)] | None = None
    """Money given back on the order without naming lines (a partial refund, a price
    adjustment): spread over the order's lines as ``program.refund_spread`` says."""
    tender: Id | None = None
    """The tender the ``amount`` goes back to, on an order paid by several: the points that
    tender's share earned are taken back, not the other tenders'."""

    @model_validator(mode="after")
    def _lines_or_amount(self) -> Refund:
        if self.lines and self.amount is not None:
            raise ValueError(
                "give 'lines' (units of lines given back) or 'amount' (money given back on the "
                "order), not both"
            )
        if self.tender is not None and self.amount is None:
            raise ValueError(
                "a refund to one tender gives the money it gets back: 'amount' with 'tender'"
            )
        return self


class Activity(_Event):
    """Anything the member did that a programme may reward or count: sign-up, check-in, review..."""

    type: Literal["activity"] = "activity"
    kind: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64)]
    channel: Text = ""
    tags: Tags = ()
    attributes: Attributes = Field(default_factory=dict)

    @field_validator("kind")
    @classmethod
    def _not_a_trigger(cls, value: str) -> str:
        # An earning rule's ``on:`` names what it reacts to; 'purchase' and 'tier_upgrade' are the
        # engine's own triggers, so an activity of that kind would earn an order's or an upgrade's
        # points (the upgrade gift on every such activity).
        if value in ("purchase", "tier_upgrade"):
            raise ValueError(
                f"activity kind {value!r} is reserved: send an order as a purchase event; "
                "an upgrade happens when the tiers part decides it"
            )
        return value


class Redemption(_Event):
    """The member spends points: on a catalogue reward, or as payment towards an order."""

    type: Literal["redemption"] = "redemption"
    currency: Id | None = None
    """Points currency id from the policy; the policy's first spendable currency when omitted."""
    points: EventPoints | None = None
    reward: Id | None = None
    order_amount: NonNegative | None = None
    """Total of the order being paid, for the maximum share payable by points."""
    order: Id | None = None
    """The order paid towards: redemptions naming the same order share its ``max_points_per_order``."""
    discount: Annotated[NonNegative, Field(gt=0)] | None = None
    """Money off wanted: the points are chosen by the policy's table or rate, the most that do
    not exceed it within the redemption limits (``points_for_discount`` quotes it)."""

    @model_validator(mode="after")
    def _one_target(self) -> Redemption:
        given = [self.points is not None, self.reward is not None, self.discount is not None]
        if sum(given) != 1:
            raise ValueError(
                "give exactly one of 'points' (pay with points), 'discount' (money off, paid "
                "with the points it takes) or 'reward' (catalogue)"
            )
        return self


class RedemptionCancel(_Event):
    """A redemption is undone; its points come back."""

    type: Literal["redemption_cancel"] = "redemption_cancel"
    redemption: Id


class Transfer(_Event):
    """Points sent to or received from another member, or exchanged with a partner programme."""

    type: Literal["transfer"] = "transfer"
    direction: Literal["out", "in"]
    currency: Id | None = None
    points: EventPoints
    counterparty: Id
    """The other member's id, or a partner programme's id for an exchange."""
    partner: bool = False


class Adjustment(_Event):
    """A manual correction by staff: positive credits, negative debits; the reason is kept."""

    type: Literal["adjustment"] = "adjustment"
    currency: Id | None = None
    points: Annotated[int, Field(ge=-MAX_EVENT_POINTS, le=MAX_EVENT_POINTS)]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]

    @field_validator("points")
    @classmethod
    def _non_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("an adjustment of 0 points changes nothing")
        return value


class PointsExtension(_Event):
    """The member buys more time for points: their expiry is pushed back by ``months``.

    Without ``expiring_by`` every dated point of the currency is extended; with it, only points
    whose last valid day is on or before that date. ``price`` is what the member paid (money or
    nothing), kept for the record.
    """

    type: Literal["points_extension"] = "points_extension"
    currency: Id | None = None
    months: Annotated[int, Field(ge=1, le=600)]
    expiring_by: Day | None = None
    price: NonNegative | None = None
    reason: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)] = "paid"


class TierGrant(_Event):
    """A tier given outside the ladder: a status match, a VIP invitation, or a bought (paid) tier."""

    type: Literal["tier_grant"] = "tier_grant"
    tier: Id
    start: Moment | None = None
    """Start of the grant (default: the event's time; a paid renewal runs on from the period held)."""
    until: Moment | None = None
    """End of the grant, the first moment it no longer holds; a paid tier's period comes from the
    policy when omitted."""
    through: date | None = None
    """The last day the grant holds (it ends when that day ends in the programme's timezone):
    "valid through 31 Dec 2026" is ``through: 2026-12-31``. Give this or ``until``, not both."""
    reason: Literal["match", "invitation", "paid", "manual"] = "manual"

    @model_validator(mode="after")
    def _ordered(self) -> TierGrant:
        if self.until is not None and self.through is not None:
            raise ValueError(
                "give the grant's end once: 'through' (its last day) or 'until' (an instant)"
            )
        if self.until is not None and self.until <= (self.start or self.at):
            raise ValueError("the grant ends ('until') before it starts")
        first = (self.start or self.at).date()
        if self.through is not None and self.through < first - timedelta(days=1):
            raise ValueError("the grant's last day ('through') is before it starts")
        return self


OpeningFigure = Annotated[
    Decimal,
    Field(ge=0, lt=MAX_MONEY, allow_inf_nan=False, decimal_places=MAX_MONEY_DECIMALS),
]
"""An opening figure: money for a spend measure, a count or a sum for the others."""


class Opening(_Event):
    """A member brought in mid-story: the tier held elsewhere, and the figures and balances so far.

    It is the member's first event. The tier is held like one earned on the ladder: until
    ``through`` (or the tier's own validity), then reviewed by the ladder's retention rules. The
    ``figures`` (per measure id of the ladder: year-to-date spend, nights, segments, qualifying
    points) count as if earned at ``at``, in every window that holds that moment; ``balances``
    (per points currency) are credited as points held.
    """

    type: Literal["opening"] = "opening"
    tier: Id | None = None
    """The tier held at opening (default: the ladder's base tier)."""
    through: Day | None = None
    """The last day the opening tier is held whatever the figures (default: the tier's validity
    as if reached at ``at``; a tier without one is reviewed at the ladder's next review)."""
    figures: Annotated[Mapping[Id, OpeningFigure], Field(max_length=MAX_ATTRIBUTES)] = Field(
        default_factory=dict
    )
    """Qualifying figures so far, per measure id of the ladder, e.g. ``{spend: 12000, segments: 14}``."""
    balances: Annotated[Mapping[Id, EventPoints], Field(max_length=MAX_ATTRIBUTES)] = Field(
        default_factory=dict
    )
    """Points held at opening, per points currency, e.g. ``{miles: 48200}``."""
    reason: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)] = "migration"
    """Why the member opens here, kept for the record (migration, acquisition, ...)."""

    @model_validator(mode="after")
    def _held(self) -> Opening:
        if self.through is not None and self.through < self.at.date() - timedelta(days=1):
            raise ValueError("the opening tier's last day ('through') is before the opening")
        return self


class BenefitUse(_Event):
    """The member uses a benefit (a birthday gift, a free-shipping voucher)."""

    type: Literal["benefit_use"] = "benefit_use"
    benefit: Id
    value: NonNegative | None = None
    """For benefits capped by value: how much of the cap this use takes."""
    channel: Text = ""
    attributes: Attributes = Field(default_factory=dict)


class ProfileUpdate(_Event):
    """The member's profile changed: a birthday set or corrected, tags added or removed."""

    type: Literal["profile"] = "profile"
    birthday: Birthday | None = None
    birth_year: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    """The year the member was born, when known: with the birthday's month and day it gives the
    member's ``age`` in conditions (the birthday's own year is never read as the birth year)."""
    add_tags: Tags = ()
    remove_tags: Tags = ()

    @model_validator(mode="after")
    def _no_overlap(self) -> ProfileUpdate:
        both = sorted(set(self.add_tags) & set(self.remove_tags))
        if both:
            raise ValueError(f"tag(s) {', '.join(both)} both added and removed in one update")
        return self


_FLAG_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


def _flag_name(value: str) -> str:
    if not _FLAG_NAME.match(value):
        raise ValueError(
            "a flag's name is letters, digits, '_', '.' or '-' without spaces, "
            "e.g. double_this_month"
        )
    return value


FlagName = Annotated[
    str, StringConstraints(max_length=64, strip_whitespace=True), AfterValidator(_flag_name)
]


class FlagUpdate(_Event):
    """A flag on the member set or cleared: an offer the member activated, a consent given.

    A flag holds from ``start`` (default: the event's time) to its end, given as the last day it
    holds (``through``) or the first moment it no longer does (``until``); without either it holds
    until cleared. Setting a flag again replaces its validity; ``clear: true`` ends it now.
    Conditions read the flags in force as ``flag`` (``when: {flag: double_days}``).
    """

    type: Literal["flag"] = "flag"
    flag: FlagName
    start: Moment | None = None
    until: Moment | None = None
    through: Day | None = None
    clear: bool = False

    @model_validator(mode="after")
    def _validity(self) -> FlagUpdate:
        if self.clear and (self.start, self.until, self.through) != (None, None, None):
            raise ValueError(
                "a flag being cleared takes no validity: remove 'start', 'until' and 'through' "
                "(or set the flag again with its new validity instead of clearing it)"
            )
        if self.until is not None and self.through is not None:
            raise ValueError(
                "give the flag's end once: 'through' (its last day) or 'until' (an instant)"
            )
        if self.until is not None and self.until <= (self.start or self.at):
            raise ValueError("the flag ends ('until') before it starts; give a later 'until'")
        first = (self.start or self.at).date()
        if self.through is not None and self.through < first - timedelta(days=1):
            raise ValueError(
                "the flag's last day ('through') is before it starts; give a later 'through'"
            )
        return self


Event = Annotated[
    Purchase
    | Refund
    | Activity
    | Redemption
    | RedemptionCancel
    | Transfer
    | Adjustment
    | PointsExtension
    | TierGrant
    | Opening
    | BenefitUse
    | ProfileUpdate
    | FlagUpdate,
    Field(discriminator="type"),
]

_EVENT: TypeAdapter[Event] = TypeAdapter(Event, config=ConfigDict(defer_build=True))

_MODELS: dict[str, type[BaseModel]] = {
    str(model.model_fields["type"].default): model
    for model in (
        Purchase,
        Refund,
        Activity,
        Redemption,
        RedemptionCancel,
        Transfer,
        Adjustment,
        PointsExtension,
        TierGrant,
        Opening,
        BenefitUse,
        ProfileUpdate,
        FlagUpdate,
    )
}
"""Each event type's model, for the fields an unknown field may be a misspelling of."""


def _first_error(exc: ValidationError, data: Mapping[str, Any]) -> tuple[str, Reason]:
    """The first problem as (field, reason): a code and parameters, in plain words per locale."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    if err["type"] == "missing":
        # A misspelt field shows as the right one missing and an unknown one; naming the
        # misspelling (with the suggestion) is what helps.
        parent, wanted = tuple(err["loc"][:-1]), str(err["loc"][-1])
        for other in errors:
            if (
                other["type"] == "extra_forbidden"
                and tuple(other["loc"][:-1]) == parent
                and _key_like(str(other["loc"][-1]), wanted)
            ):
                err = other
                break
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _TYPES)]
    field = ".".join(str(p) for p in loc)
    kind = err["type"]
    value = err.get("input")
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    shown = repr(value) if isinstance(value, str | int | float | Decimal) else "—"
    if any(str(part) in _PERSONAL for part in loc):
        # A personal field's value never appears in an error message or a log (privacy).
        shown = "***"
    detail = str(err["msg"]).partition(", ")[2]
    types = tuple(sorted(_TYPES))
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", value))
        close = difflib.get_close_matches(tag, types, n=1, cutoff=0.6)
        if close:
            return "type", Reason.of(
                "event.invalid.unknown_type_hint", tag=tag, suggestion=close[0]
            )
        return "type", Reason.of("event.invalid.unknown_type", tag=tag, types=types)
    if kind == "union_tag_not_found":
        return "type", Reason.of("event.invalid.no_type", types=types)
    if kind == "missing":
        return field, Reason.of("event.invalid.missing_field", name=str(loc[-1]))
    if kind == "extra_forbidden":
        known = _fields_at(data, loc)
        name = str(loc[-1])
        close = [k for k in known if _key_like(name, k)]
        if close:
            return field, Reason.of(
                "event.invalid.unknown_field_hint", name=name, suggestion=close[0]
            )
        return field, Reason.of("event.invalid.unknown_field", name=name, fields=tuple(known))
    if kind == "timezone_aware":
        return field, Reason.of("event.invalid.naive", value=shown)
    if kind in ("datetime_parsing", "datetime_from_date_parsing", "datetime_type"):
        return field, Reason.of("event.invalid.datetime", value=shown, detail=detail)
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
        return field, Reason.of("event.invalid.date", value=shown, detail=detail)
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return field, Reason.of("event.invalid.whole_number", value=shown)
    if kind in ("decimal_parsing", "decimal_type", "float_parsing"):
        return field, Reason.of("event.invalid.number", value=shown)
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        code = (
            "event.invalid.at_least" if kind == "greater_than_equal" else "event.invalid.more_than"
        )
        return field, Reason.of(code, value=shown, limit=str(limit))
    if kind == "string_type":
        return field, Reason.of("event.invalid.not_text", value=shown)
    if kind in ("list_type", "tuple_type"):
        return field, Reason.of("event.invalid.not_list", value=shown)
    if kind in ("dict_type", "model_type", "mapping_type", "model_attributes_type"):
        return field, Reason.of("event.invalid.not_object", value=shown)
    if kind in ("bool_type", "bool_parsing"):
        return field, Reason.of("event.invalid.not_bool", value=shown)
    if kind == "string_pattern_mismatch" and loc and str(loc[-1]).endswith("currency"):
        return field, Reason.of("event.invalid.currency", value=shown)
    if kind == "too_short":
        return field, Reason.of("event.invalid.too_short", least=int(ctx.get("min_length", 1)))
    # Checks of our own validators already speak plainly; pydantic's rarer ones are passed on.
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind in _BOUNDS:
        # Say that the limit is memberkit's supported range, not a rule of the programme.
        message += " (the range memberkit supports)"
    if message.startswith("Input should"):
        message = f"{shown} should" + message.removeprefix("Input should")
    return field, Reason.of("event.invalid.other", message=message[:1].lower() + message[1:])


def _key_like(name: str, option: str) -> bool:
    # A close spelling of the whole field name (``ammount``), not a shared word (``min_order``).
    return difflib.SequenceMatcher(None, name, option).ratio() >= 0.8


def _fields_at(data: Mapping[str, Any], loc: list[int | str]) -> list[str]:
    """The fields allowed where an unknown one was written: the event's, or a line's."""
    model = _MODELS.get(str(data.get("type", "")))
    if model is None:
        return []
    if len(loc) <= 1:
        return sorted(model.model_fields)
    if loc[0] == "lines":
        return sorted((RefundLine if model is Refund else Line).model_fields)
    return []


_PERSONAL = frozenset({"birthday", "birth_year", "phone", "email", "e_mail", "name"})
"""Fields that hold personal data: their values are masked in messages."""

_BOUNDS = frozenset(
    {"less_than", "less_than_equal", "too_long", "string_too_long", "decimal_max_places"}
)


_TYPES = {
    "purchase",
    "refund",
    "activity",
    "redemption",
    "redemption_cancel",
    "transfer",
    "adjustment",
    "points_extension",
    "tier_grant",
    "opening",
    "benefit_use",
    "profile",
    "flag",
}


def parse_event(data: Mapping[str, Any] | str | bytes | object) -> Event:
    """Validate one event from a mapping or a JSON text; errors name the event id and field."""
    if isinstance(data, str | bytes):
        data = _from_json(data)
    if not isinstance(data, Mapping):
        reason = Reason.of("event.invalid.not_an_event", kind=type(data).__name__)
        raise EventError("?", render(reason, "en"), code="invalid_event", reason=reason)
    try:
        return _EVENT.validate_python(data)
    except ValidationError as exc:
        field, reason = _first_error(exc, data)
        raise EventError(
            _shown_id(data), render(reason, "en"), field=field, code="invalid_event", reason=reason
        ) from None


def _from_json(text: str | bytes) -> object:
    if len(text) > MAX_EVENT_BYTES:
        raise EventError(
            "?",
            f"the event is {len(text):,} characters; an event may be at most {MAX_EVENT_BYTES:,}",
            code="too_large",
        )
    try:
        data = json.loads(text, parse_int=_json_int)
    except RecursionError:
        # Nesting deeper than Python's stack: refused like any nesting past the limit below.
        data = None
        depth = MAX_EVENT_DEPTH + 1
    except (ValueError, UnicodeDecodeError) as exc:
        reason = Reason.of("event.invalid.json", detail=_short(str(exc)))
        raise EventError("?", render(reason, "en"), code="invalid_json", reason=reason) from None
    else:
        depth = _depth(data)
    if depth > MAX_EVENT_DEPTH:
        raise EventError(
            "?",
            f"the JSON nests deeper than {MAX_EVENT_DEPTH} levels; an event never needs this",
            code="too_deep",
        )
    return data


def _json_int(text: str) -> int | Decimal:
    # int() refuses more than 4,300 digits with a message about sys.set_int_max_str_digits; a
    # Decimal holds any length, and the field's bound then refuses it by name.
    return int(text) if len(text) <= 40 else Decimal(text)


def _depth(data: object) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Iterable[object] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_EVENT_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _shown_id(data: Mapping[str, Any]) -> str:
    """The event's id as the error shows it: text, cut to the longest id an event may have."""
    value = data.get("id", "?")
    return _short(str(value) if isinstance(value, str | int | float) else "?", 128)


def parse_events(items: Iterable[Mapping[str, Any] | str | bytes]) -> list[Event]:
    """Validate a batch of events at the edge, in one call; the first bad one raises."""
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise EventError(
            "?",
            f"parse_events takes a list of events, not {type(items).__name__}; "
            "use parse_event for one event",
            code="invalid_event",
        )
    return [parse_event(item) for item in items]


def _decimals(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_order_money(event: Purchase, currency: str, decimals: int) -> None:
    """An order is in the programme's currency, to that currency's precision (fen for CNY).

    Raises EventError naming the field; earning and quoting both call it, so a quote never
    promises points for an order that ``apply`` would refuse.
    """
    if event.currency != currency:
        reason = Reason.of(
            "event.invalid.wrong_currency", currency=event.currency, programme=currency
        )
        raise EventError(
            event.id, render(reason, "en"), field="currency", code="wrong_currency", reason=reason
        )
    amounts: list[tuple[str, Decimal | None]] = [("shipping", event.shipping), ("tax", event.tax)]
    for i, line in enumerate(event.lines):
        amounts += [(f"lines.{i}.amount", line.amount), (f"lines.{i}.gross", line.gross)]
    amounts += [(f"tenders.{i}.amount", t.amount) for i, t in enumerate(event.tenders)]
    for field, amount in amounts:
        if amount is not None and _decimals(amount) > decimals:
            reason = Reason.of(
                "event.invalid.too_many_decimals",
                amount=str(amount),
                currency=currency,
                decimals=decimals,
            )
            raise EventError(
                event.id, render(reason, "en"), field=field, code="too_many_decimals", reason=reason
            )


_LATER_FIELDS: dict[str, tuple[str, ...]] = {
    "purchase": ("tenders",),
    "redemption": ("order", "discount"),
    "refund": ("amount", "tender"),
}
"""Optional fields each event type gained after its events were first stored (None when absent)."""


def event_fingerprint(event: Event) -> str:
    """A short digest of the event's content, to tell a true duplicate from a reused id.

    Moments are digested as instants: the same event sent again with ``Z`` instead of
    ``+08:00`` is the same event. The digest is of the event's JSON form with its keys sorted,
    each moment written as a UTC instant (only top-level fields hold moments).
    """
    data = event.model_dump(mode="json")
    for name in _LATER_FIELDS.get(event.type, ()):
        # A field added after events were first stored digests only when given, so an event
        # stored before it existed keeps its digest (and a resend is still a duplicate).
        if data.get(name) in (None, []):
            data.pop(name, None)
    for name, value in event.__dict__.items():
        if isinstance(value, datetime):
            data[name] = value.astimezone(UTC).isoformat()
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


def legacy_fingerprint(event: Event) -> str:
    """The digest states written by memberkit 0.1 recorded (moments as written)."""
    later = {n for n in _LATER_FIELDS.get(event.type, ()) if getattr(event, n) in (None, ())}
    blob = event.model_dump_json(exclude_defaults=False, exclude=later or None).encode()
    return hashlib.blake2b(blob, digest_size=12).hexdigest()
