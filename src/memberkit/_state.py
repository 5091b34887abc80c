"""The member state: an immutable value the host stores wherever it likes.

It is a tree of frozen dataclasses (cheap to copy in the engine's inner loop) serialised to JSON and
back losslessly through one pydantic adapter at the edge. ``format`` names the layout version, so a
state written by an older memberkit is recognised rather than misread.

The core keeps what every part reads: the orders with what was refunded of each line, and the
activities. Each part keeps its own sub-state (points lots and journal, tier history, benefit uses).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    ValidationError,
    with_config,
)

from ._errors import StateError
from ._evolve import replace
from ._limits import MAX_ID, MAX_YEAR, MIN_YEAR, memberkit_context, year_problem
from ._memo import KeyedPositions
from ._rows import Rows
from ._scan import positions
from ._state_checks import HomeMoment, StateId, StateMoment, home_context
from .benefits._state import BenefitState
from .points._state import PointsState
from .tiers._state import TierState

__all__ = [
    "STATE_FORMAT",
    "ActivityRecord",
    "FlagRecord",
    "Folded",
    "FoldedPurchases",
    "LineRecord",
    "MemberState",
    "OrderRecord",
    "RefundRecord",
    "TenderRecord",
    "new_member",
    "read_birth_year",
    "state_from_json",
    "state_to_json",
]

STATE_FORMAT = 5
"""The layout written now. Formats 1 (memberkit 0.1) to 4 are read and migrated."""


def _dump_attr(value: object) -> object:
    # JSON has one number type and Decimals travel as strings; a tagged form keeps a custom
    # attribute's Decimal apart from text that happens to look like a number.
    return {"decimal": str(value)} if isinstance(value, Decimal) else value


def _load_attr(value: object) -> object:
    if isinstance(value, Mapping) and set(value) == {"decimal"}:
        return Decimal(str(value["decimal"]))
    return value


AttrValue = Annotated[
    bool | int | Decimal | str,
    PlainSerializer(_dump_attr, when_used="json"),
    BeforeValidator(_load_attr),
]


def _dated_seen(value: object) -> object:
    # Formats 1 and 2 recorded (event id, fingerprint): the day is filled in by the migration.
    if isinstance(value, list | tuple):
        return [
            [*entry, 0] if isinstance(entry, list | tuple) and len(entry) == 2 else entry
            for entry in value
        ]
    return value


_CLOSED = ConfigDict(defer_build=True, extra="forbid")
_ID = attrgetter("id")
"""A stored state with a key memberkit does not know is refused, never read without it."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class LineRecord:
    """A purchased line and how much of it has been refunded so far."""

    id: StateId
    sku: str
    category: str
    quantity: int
    amount: Decimal
    gross: Decimal | None = None
    tags: tuple[str, ...] = ()
    attributes: tuple[tuple[str, AttrValue], ...] = ()
    refunded_quantity: int = 0
    refunded_amount: Decimal = Decimal(0)

    @property
    def remaining_quantity(self) -> int:
        """Units not yet refunded."""
        return self.quantity - self.refunded_quantity

    @property
    def net_amount(self) -> Decimal:
        """What the member still paid for this line after refunds."""
        return self.amount - self.refunded_amount


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class RefundRecord:
    """A refund applied to an order: when, how much money went back, and from which lines."""

    id: StateId
    at: StateMoment
    amount: Decimal
    lines: tuple[tuple[str, Decimal], ...] = ()
    """(line id, money given back for that line), for the lines this refund touched. Empty in
    states stored before refunds kept per-line detail."""

    def line_amount(self, line_id: str) -> Decimal:
        """The money this refund gave back for one line (0 when it did not touch the line)."""
        for line, amount in self.lines:
            if line == line_id:
                return amount
        return Decimal(0)


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class TenderRecord:
    """A tender that paid part of an order, and how much has gone back to it in refunds."""

    method: StateId
    amount: Decimal
    refunded: Decimal = Decimal(0)

    @property
    def left(self) -> Decimal:
        """What the tender paid that has not gone back to it."""
        return self.amount - self.refunded


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class OrderRecord:
    """A purchase as the programme remembers it, for refunds, qualification and lifecycle."""

    id: StateId
    at: StateMoment
    currency: str
    lines: Rows[LineRecord]
    shipping: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    channel: str = ""
    store: str = ""
    payment_method: str = ""
    tags: tuple[str, ...] = ()
    attributes: tuple[tuple[str, AttrValue], ...] = ()
    refunds: Rows[RefundRecord] = ()
    tenders: Rows[TenderRecord] = ()
    """The tenders of an order paid by several (empty when one method paid it)."""

    @property
    def amount(self) -> Decimal:
        """Net amount of the goods as ordered, before refunds."""
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def net_amount(self) -> Decimal:
        """Net amount of the goods after refunds."""
        return sum((line.net_amount for line in self.lines), Decimal(0))

    @property
    def fully_refunded(self) -> bool:
        """Whether every unit of every line has been given back."""
        return all(line.remaining_quantity == 0 for line in self.lines)

    @property
    def total(self) -> Decimal:
        """What the order came to as paid: lines, shipping and tax."""
        return self.amount + self.shipping + self.tax

    def tender(self, method: str) -> TenderRecord | None:
        """The tender with this payment method, if the order has it."""
        for tender in self.tenders:
            if tender.method == method:
                return tender
        return None

    def line(self, line_id: str) -> LineRecord | None:
        """The line with this id, if the order has it."""
        for line in self.lines:
            if line.id == line_id:
                return line
        return None


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """A non-purchase activity (sign-up, check-in, review, a flight's segments...)."""

    id: StateId
    at: StateMoment
    kind: str
    channel: str = ""
    tags: tuple[str, ...] = ()
    attributes: tuple[tuple[str, AttrValue], ...] = ()


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class FoldedPurchases:
    """Purchase occasions folded out of ``orders``: what whole-history lifecycle figures read.

    Orders fully refunded are left out; days are local days of the programme.
    """

    orders: int
    days: int
    """Distinct purchase days."""
    amount: Decimal
    """Net amount of the orders."""
    first_day: date
    first_day_amount: Decimal
    first_order_amount: Decimal
    last_day: date
    gaps: tuple[tuple[int, int], ...] = ()
    """(days between consecutive purchase days, how many times), shortest first."""


Points = int | Decimal


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class FlagRecord:
    """A flag set on the member (an offer activated), in force from ``start`` until ``until``.

    Setting a flag again replaces its record; a flag past its end is pruned at the next event, so
    the state keeps only flags that are or will be in force.
    """

    name: StateId
    start: StateMoment
    until: StateMoment | None = None
    """The first moment the flag no longer holds (None: until cleared)."""

    def holds(self, moment: datetime) -> bool:
        """Whether the flag is in force at ``moment``."""
        return self.start <= moment and (self.until is None or moment < self.until)


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class Folded:
    """Totals of records older than the policy's horizons (``program.refund_days``): see
    ``memberkit._fold``. Absent while nothing has been folded."""

    orders_before: StateMoment | None = None
    """Orders and activities dated before this moment are folded."""
    journal_before: StateMoment | None = None
    """Journal lines dated before this moment are folded into ``journal``."""
    orders: int = 0
    events: int = 0
    """Event ids no longer held in ``seen``."""
    purchases: FoldedPurchases | None = None
    last_activity: tuple[tuple[str, StateMoment], ...] = ()
    """(activity kind, or ``purchase`` / ``redemption``, latest folded moment)."""
    journal: tuple[tuple[str, str, Points], ...] = ()
    """(currency, kind, points) summed over the folded journal lines."""
    cap_uses: tuple[tuple[str, int, Points], ...] = ()
    """(rule or cap key, uses that earned points, points) of folded cap uses."""
    redemptions: tuple[tuple[str, int], ...] = ()
    """(currency, redemptions not cancelled) folded."""

    def last(self, kind: str) -> datetime | None:
        """The latest folded moment of ``kind`` (None when none was folded)."""
        for name, at in self.last_activity:
            if name == kind:
                return at
        return None


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class MemberState:
    """Everything memberkit knows about one member, as of the last event applied."""

    member_id: StateId
    joined_at: HomeMoment
    birthday: date | None = None
    tags: tuple[str, ...] = ()
    birth_year: Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)] | None = None
    """The year the member was born, when the host knows it (``age`` reads it with the
    birthday's month and day); the birthday's own year is not read as one, since systems often
    store a placeholder year for members who gave only the day."""
    flags: Rows[FlagRecord] = ()
    """Flags set on the member that are or will be in force, by name."""
    clock: StateMoment | None = None
    """Time of the latest event applied; events must arrive in time order. The state holds what
    time brought up to this moment; what it brings after is worked out whenever asked."""
    advanced_to: StateMoment | None = None
    """How far ``advance`` brought the state past its last event (None: not past it). What
    time brought up to this moment is carried out in the state, and was reported once."""
    base: MemberState | None = None
    """The member as of the last event, kept while the state is advanced past it and time
    changed something since, so a question about a moment in between is answered exactly."""
    seen: Annotated[tuple[tuple[StateId, str, int], ...], BeforeValidator(_dated_seen)] = ()
    """(event id, fingerprint, day) of the events applied, oldest first, for idempotency; the day
    (a proleptic ordinal of the event's UTC date) lets ids past the refund horizon be folded."""
    orders: Rows[OrderRecord] = ()
    activities: Rows[ActivityRecord] = ()
    points: PointsState = field(default_factory=PointsState)
    tiers: TierState = field(default_factory=TierState)
    benefits: BenefitState = field(default_factory=BenefitState)
    folded: Folded | None = None
    """Totals of what the policy's horizons folded out of the records above."""
    format: int = STATE_FORMAT

    def order(self, order_id: str) -> OrderRecord | None:
        """The order with this id, if the member placed it."""
        i = _ORDERS.find(self.orders, order_id)
        return None if i is None else self.orders[i]

    def with_order(self, order: OrderRecord) -> tuple[OrderRecord, ...]:
        """The orders with the one of the same id replaced by ``order`` (a refund's record)."""
        orders = self.orders
        i = _ORDERS.find(orders, order.id)
        if i is None:
            return orders
        out = list(orders)
        out[i] = order
        if _ORDERS.first(orders, order.id) != i:
            # An id recorded twice (a state written by hand): each record of it is replaced.
            for j in positions(list(map(_ID, out)), order.id):
                out[j] = order
        return _ORDERS.kept(orders, tuple(out))

    def fingerprint_of(self, event_id: str) -> str | None:
        """The fingerprint recorded for an event id, or None if the id is new."""
        i = _SEEN.first(self.seen, event_id)
        return None if i is None else self.seen[i][1]

    @property
    def origin(self) -> MemberState:
        """The member as of the last event, before any ``advance`` (this state when not advanced)."""
        if self.base is not None:
            return self.base
        if self.advanced_to is not None:
            return replace(self, advanced_to=None)
        return self

    def flags_at(self, moment: datetime) -> frozenset[str]:
        """The names of the flags in force at ``moment``."""
        return frozenset(f.name for f in self.flags if f.holds(moment))

    def evolve(self, **changes: Any) -> MemberState:
        """A copy with some fields changed (the state itself never changes)."""
        return replace(self, **changes)


# Every apply asks whether its event id was seen, every purchase whether its order id is taken,
# every refund where its order is: the positions of the ids are derived data kept beside the
# state (``KeyedPositions``), registered as records are added or folded, not rebuilt per event.
Seen = tuple[tuple[str, str, int], ...]
_SEEN: KeyedPositions[tuple[str, str, int]] = KeyedPositions(itemgetter(0))
_ORDERS: KeyedPositions[OrderRecord] = KeyedPositions(_ID)


def seen_from(seen: Seen, k: int) -> Seen:
    """``seen`` without its first ``k`` entries (folded)."""
    return _SEEN.dropped(seen, seen[k:], k)


def seen_after(seen: Seen, event_id: str, fingerprint: str, at: datetime) -> Seen:
    """``seen`` with one more event recorded."""
    entry = (event_id, fingerprint, at.astimezone(UTC).date().toordinal())
    return _SEEN.appended(seen, (*seen, entry))


def orders_from(orders: tuple[OrderRecord, ...], k: int) -> tuple[OrderRecord, ...]:
    """``orders`` without its first ``k`` records (folded)."""
    return _ORDERS.dropped(orders, orders[k:], k)


def orders_after(orders: tuple[OrderRecord, ...], order: OrderRecord) -> tuple[OrderRecord, ...]:
    """``orders`` with a new order recorded."""
    return _ORDERS.appended(orders, (*orders, order))


def new_member(
    member_id: str,
    joined_at: datetime,
    *,
    birthday: date | None = None,
    tags: tuple[str, ...] | list[str] = (),
    birth_year: int | None = None,
) -> MemberState:
    """The state of a member who has just joined: nothing earned, base tier.

    ``birth_year`` with the birthday's month and day gives the member's ``age`` in conditions;
    the birthday's own year is never read as the birth year (systems often store a placeholder
    year), so a birthday and a birth year may differ in their years.
    """
    if not member_id or not member_id.strip():
        raise StateError("member_id must not be empty")
    if len(member_id) > MAX_ID:
        raise StateError(f"member_id is {len(member_id):,} characters; at most {MAX_ID}")
    if joined_at.tzinfo is None or joined_at.utcoffset() is None:
        raise StateError("joined_at has no timezone offset; give one, e.g. +08:00")
    for when, name in ((joined_at, "joined_at"), (birthday, "birthday")):
        if when is not None and year_problem(when) is not None:
            # (The birthday itself is personal data: the message names the field, not the value.)
            raise StateError(f"{name} is outside the supported years {MIN_YEAR} to {MAX_YEAR}")
    if birth_year is not None and (not isinstance(birth_year, int) or isinstance(birth_year, bool)):
        raise StateError("birth_year is a whole number, the year the member was born")
    if birth_year is not None and not MIN_YEAR <= birth_year <= MAX_YEAR:
        raise StateError(f"birth_year is outside the supported years {MIN_YEAR} to {MAX_YEAR}")
    return MemberState(
        member_id=member_id,
        joined_at=joined_at,
        birthday=birthday,
        tags=tuple(tags),
        birth_year=birth_year,
    )


_BIRTH_YEAR: TypeAdapter[int] = TypeAdapter(int)


def read_birth_year(value: object) -> int:
    """A birth year given as data (a member line, a sample line), read as a profile event reads it.

    A whole number, or text of one (``1990``, ``"1990"``); the range is ``new_member``'s. Raises
    StateError naming the field, never the value (a year of birth is personal data).
    """
    year: int | None = None
    # (true and false are not years, though pydantic's lax mode would read them as 1 and 0.)
    if not isinstance(value, bool):
        with suppress(ValidationError):
            year = _BIRTH_YEAR.validate_python(value)
    if year is None:
        raise StateError("birth_year is a whole number, the year the member was born")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise StateError(f"birth_year is outside the supported years {MIN_YEAR} to {MAX_YEAR}")
    return year


_ADAPTER: TypeAdapter[MemberState] = TypeAdapter(MemberState)

_MESSAGES = {
    "timezone_aware": "the datetime has no timezone offset (a stored state keeps offsets)",
    "string_too_short": "the id is empty",
}
"""Plainer words for the state checks of ``_state_checks`` than pydantic's own."""


@memberkit_context
def state_to_json(state: MemberState) -> str:
    """Serialise a member state to JSON (Decimals as strings, datetimes in ISO 8601 with offset)."""
    # Defaults are left out (a quarter of a typical state); the format never is, so a state
    # always says which layout it is in, whatever a later memberkit's default.
    text = _ADAPTER.dump_json(
        state, exclude_defaults=True, context=home_context(state.joined_at)
    ).decode()
    if state.format != STATE_FORMAT:
        return text  # written out as a non-default value
    return f'{text[:-1]},"format":{state.format}}}'


@memberkit_context
def state_from_json(text: str | bytes | Mapping[str, Any]) -> MemberState:
    """Read a member state back; a malformed or unknown-format state raises StateError."""
    try:
        if isinstance(text, Mapping):
            state = _ADAPTER.validate_python(text, context=home_context())
        else:
            state = _ADAPTER.validate_json(text, context=home_context())
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in err["loc"])
        message = _MESSAGES.get(err["type"], err["msg"])
        raise StateError(f"invalid member state at {where or 'top level'}: {message}") from None
    if state.format == 1:
        return _migrate_from_4(_migrate_from_2(_migrate_from_1(state)))
    if state.format == 2:
        return _migrate_from_4(_migrate_from_2(state))
    if state.format in (3, 4):
        return _migrate_from_4(state)
    if state.format != STATE_FORMAT:
        raise StateError(
            f"member state format {state.format} is not supported (expected 1 to {STATE_FORMAT})"
        )
    return state


def _migrate_from_1(state: MemberState) -> MemberState:
    """A memberkit 0.1 state in today's layout.

    Format 2 added ``advanced_to`` and ``base`` (absent means not advanced) and names the lot an
    ``expire`` journal entry took from (format 1 left it empty): the lot the entry's event
    credited in that currency. Event digests of format 1 are still recognised by ``apply``.
    """
    from .points._state import JournalEntry

    expired = {lot.id for lot in state.points.lots if lot.expired}

    def named(entry: JournalEntry) -> JournalEntry:
        if entry.kind != "expire" or entry.rule:
            return entry
        lot = f"{entry.event_id}/{entry.currency}"
        return replace(entry, rule=lot) if lot in expired else entry

    journal = tuple(named(e) for e in state.points.journal)
    return replace(state, format=2, points=replace(state.points, journal=journal))


def _migrate_from_2(state: MemberState) -> MemberState:
    """A format 2 state in today's layout.

    Format 3 dates each seen event id by day, so ids past the refund horizon can be folded.
    Format 2 recorded no dates: every id is dated by the last event, kept the longest.
    """
    moment = state.clock or state.joined_at
    day = moment.astimezone(UTC).date().toordinal()
    seen = tuple((entry[0], entry[1], day) for entry in state.seen)
    return replace(state, format=3, seen=seen)


def _migrate_from_4(state: MemberState) -> MemberState:
    """A format 3 or 4 state in today's layout.

    Format 4 added only what a format-3 state cannot hold (an order's tenders and the tender of
    an earning, flags and a birth year, a tier opening) and left default values out when written.
    Format 5 writes records as arrays and moments in the member's home offset as seconds
    (``_rows``, ``_state_checks``); the objects and ISO moments of formats 3 and 4 read as they
    are. A memberkit before format 5 cannot read a format-5 state: it refuses it at the first
    array or number it meets where it expects an object or a text.
    """
    return replace(state, format=STATE_FORMAT)
