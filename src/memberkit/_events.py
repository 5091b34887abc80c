"""Events: what happened to a member, validated once at the edge.

Every event has an ``id`` (unique per member: applying the same id twice is a no-op) and an aware
``at``. Money amounts are ``Decimal`` in the programme's currency unless the event says otherwise.
The engine reads these frozen models directly; it never re-validates them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
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
from ._money import is_currency

__all__ = [
    "Activity",
    "Adjustment",
    "BenefitUse",
    "Event",
    "Line",
    "PointsExtension",
    "ProfileUpdate",
    "Purchase",
    "Redemption",
    "RedemptionCancel",
    "Refund",
    "RefundLine",
    "TierGrant",
    "Transfer",
    "check_order_money",
    "event_fingerprint",
    "parse_event",
    "parse_events",
]

Id = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]
NonNegative = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
AttrValue = str | int | Decimal | bool


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: Id
    at: AwareDatetime

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

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: Id
    sku: str = ""
    category: str = ""
    quantity: Annotated[int, Field(ge=1)] = 1
    amount: NonNegative
    """Net amount paid for the whole line (all units), after line and order discounts."""
    gross: NonNegative | None = None
    """List price of the line before discounts, for programmes that earn on gross."""
    tags: tuple[str, ...] = ()
    attributes: Mapping[str, AttrValue] = Field(default_factory=dict)


class Purchase(_Event):
    """An order paid by the member; its ``id`` is also the order id that refunds refer to."""

    type: Literal["purchase"] = "purchase"
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    lines: tuple[Line, ...] = Field(min_length=1)
    shipping: NonNegative = Decimal(0)
    tax: NonNegative = Decimal(0)
    channel: str = ""
    store: str = ""
    payment_method: str = ""
    tags: tuple[str, ...] = ()
    attributes: Mapping[str, AttrValue] = Field(default_factory=dict)

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

    @property
    def amount(self) -> Decimal:
        """Net amount of the goods (lines), excluding shipping and tax."""
        return sum((line.amount for line in self.lines), Decimal(0))


class RefundLine(BaseModel):
    """Part of an order given back: some units of a line, or (without quantity) the whole line."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: Id
    quantity: Annotated[int, Field(ge=1)] | None = None


class Refund(_Event):
    """Money returned on an earlier order; without ``lines`` the whole order is refunded."""

    type: Literal["refund"] = "refund"
    order: Id
    lines: tuple[RefundLine, ...] = ()


class Activity(_Event):
    """Anything the member did that a programme may reward or count: sign-up, check-in, review..."""

    type: Literal["activity"] = "activity"
    kind: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64)]
    channel: str = ""
    tags: tuple[str, ...] = ()
    attributes: Mapping[str, AttrValue] = Field(default_factory=dict)

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
    points: Annotated[int, Field(ge=1)] | None = None
    reward: Id | None = None
    order_amount: NonNegative | None = None
    """Total of the order being paid, for the maximum share payable by points."""

    @model_validator(mode="after")
    def _one_target(self) -> Redemption:
        if (self.points is None) == (self.reward is None):
            raise ValueError(
                "give exactly one of 'points' (pay with points) or 'reward' (catalogue)"
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
    points: Annotated[int, Field(ge=1)]
    counterparty: Id
    """The other member's id, or a partner programme's id for an exchange."""
    partner: bool = False


class Adjustment(_Event):
    """A manual correction by staff: positive credits, negative debits; the reason is kept."""

    type: Literal["adjustment"] = "adjustment"
    currency: Id | None = None
    points: int
    reason: Annotated[str, StringConstraints(min_length=1)]

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
    expiring_by: date | None = None
    price: NonNegative | None = None
    reason: Annotated[str, StringConstraints(min_length=1)] = "paid"


class TierGrant(_Event):
    """A tier given outside the ladder: a status match, a VIP invitation, or a bought (paid) tier."""

    type: Literal["tier_grant"] = "tier_grant"
    tier: Id
    start: AwareDatetime | None = None
    """Start of the grant (default: the event's time; a paid renewal runs on from the period held)."""
    until: AwareDatetime | None = None
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


class BenefitUse(_Event):
    """The member uses a benefit (a birthday gift, a free-shipping voucher)."""

    type: Literal["benefit_use"] = "benefit_use"
    benefit: Id
    value: NonNegative | None = None
    """For benefits capped by value: how much of the cap this use takes."""
    channel: str = ""
    attributes: Mapping[str, AttrValue] = Field(default_factory=dict)


class ProfileUpdate(_Event):
    """The member's profile changed: a birthday set or corrected, tags added or removed."""

    type: Literal["profile"] = "profile"
    birthday: date | None = None
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _no_overlap(self) -> ProfileUpdate:
        both = sorted(set(self.add_tags) & set(self.remove_tags))
        if both:
            raise ValueError(f"tag(s) {', '.join(both)} both added and removed in one update")
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
    | BenefitUse
    | ProfileUpdate,
    Field(discriminator="type"),
]

_EVENT: TypeAdapter[Event] = TypeAdapter(Event)


def _first_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in err["loc"] if not (isinstance(p, str) and p in _TYPES))
    return field, str(err["msg"])


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
    "benefit_use",
    "profile",
}


def parse_event(data: Mapping[str, Any] | str | bytes | object) -> Event:
    """Validate one event from a mapping or a JSON text; errors name the event id and field."""
    if isinstance(data, str | bytes):
        try:
            data = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise EventError("?", f"not valid JSON: {exc}", code="invalid_json") from None
    if not isinstance(data, Mapping):
        raise EventError(
            "?", f"an event is a JSON object, not {type(data).__name__}", code="invalid_event"
        )
    try:
        return _EVENT.validate_python(data)
    except ValidationError as exc:
        event_id = str(data.get("id", "?"))
        field, message = _first_error(exc)
        raise EventError(event_id, message, field=field, code="invalid_event") from None


def parse_events(items: Iterable[Mapping[str, Any] | str | bytes]) -> list[Event]:
    """Validate a batch of events at the edge, in one call; the first bad one raises."""
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
        raise EventError(
            event.id,
            f"the order is in {event.currency} but the programme counts {currency}; "
            "convert the amounts before sending the order",
            field="currency",
            code="wrong_currency",
        )
    amounts: list[tuple[str, Decimal | None]] = [("shipping", event.shipping), ("tax", event.tax)]
    for i, line in enumerate(event.lines):
        amounts += [(f"lines.{i}.amount", line.amount), (f"lines.{i}.gross", line.gross)]
    for field, amount in amounts:
        if amount is not None and _decimals(amount) > decimals:
            raise EventError(
                event.id,
                f"{amount} has more decimals than {currency} allows ({decimals})",
                field=field,
                code="too_many_decimals",
            )


def fixed_offset(moment: datetime) -> datetime:
    """The same instant with a fixed UTC offset instead of a zone's rules.

    Python compares two datetimes of one zone by their wall clocks, so in a repeated hour
    01:10 EST would count as earlier than 01:50 EDT; with fixed offsets every comparison is
    between instants, however the time was written.
    """
    offset = moment.utcoffset()
    if offset is None or isinstance(moment.tzinfo, timezone):
        return moment
    return moment.astimezone(timezone(offset))


def _instants(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict):
        return {k: _instants(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_instants(v) for v in value]
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def event_fingerprint(event: Event) -> str:
    """A short digest of the event's content, to tell a true duplicate from a reused id.

    Moments are digested as instants: the same event sent again with ``Z`` instead of
    ``+08:00`` is the same event.
    """
    data = _instants(event.model_dump(mode="python", exclude_defaults=False))
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


def legacy_fingerprint(event: Event) -> str:
    """The digest states written by memberkit 0.1 recorded (moments as written)."""
    blob = event.model_dump_json(exclude_defaults=False).encode()
    return hashlib.blake2b(blob, digest_size=12).hexdigest()
