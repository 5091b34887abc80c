"""Collecting decisions: a member's history replayed under a policy and its answers at a moment.

The one place that turns (policy, member, moment) into plain, comparable data. Snapshots
(``scripts/generate_snapshots.py``) write it out for a grid of synthetic members and dates;
``memberkit diff`` computes it under two policies and compares. Parts are read only through the
public queries and the contracts (tier history, points journal), so a part that has not landed
simply contributes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from typing import Any

from .._compiled import Policy
from .._compiled_base import did_you_mean_key
from .._engine import apply
from .._errors import EventError, MemberkitError
from .._events import Event, Purchase, parse_event
from .._state import MemberState, new_member, read_birth_year
from ..benefits import entitlements
from ..lifecycle import lifecycle_stage
from ..points import balance
from ..tiers import tier_of
from ._kinds import plain

__all__ = [
    "Collected",
    "SampleMember",
    "collect",
    "member_from_data",
    "replay_member",
]

_EARNING = frozenset({"earn", "bonus"})


@dataclass(frozen=True, slots=True)
class SampleMember:
    """A member of a sample: who, since when, and their events (oldest first)."""

    member_id: str
    joined_at: datetime
    birthday: date | None = None
    tags: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    birth_year: int | None = None
    """The year the member was born, for conditions on ``age`` (with the birthday's month and
    day; the birthday's own year is never read as one)."""

    def start(self) -> MemberState:
        """The member as they joined, as ``new_member`` makes them."""
        return new_member(
            self.member_id,
            self.joined_at,
            birthday=self.birthday,
            tags=self.tags,
            birth_year=self.birth_year,
        )


_SAMPLE_KEYS = ("id", "joined", "birthday", "birth_year", "tags", "events")
"""The fields of a sample member: ``new_member``'s, and the events."""


def _moment(value: object, tz: tzinfo, name: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=tz)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise EventError(
                "-", f"{name} {value!r} is not a date or date-time", field=name
            ) from None
        if "T" not in value:
            return datetime.combine(moment.date(), time(0), tzinfo=tz)
    else:
        raise EventError("-", f"{name} is missing or not a date", field=name)
    if moment.tzinfo is None:
        raise EventError("-", f"{name} has no timezone offset", field=name, code="naive_datetime")
    return moment


def member_from_data(data: Mapping[str, Any], tz: tzinfo) -> SampleMember:
    """A sample member from one JSON object: id, joined, birthday, birth_year, tags and events.

    A bare date (``"joined": "2026-01-01"``) is local midnight in ``tz``. The member's fields are
    checked as ``new_member`` checks them, so a sample member always replays. Raises EventError
    for a bad field or event, StateError for a value ``new_member`` refuses; a birthday or a
    birth year is named, never shown (personal data).
    """
    for key in data:
        if key not in _SAMPLE_KEYS:
            shown = str(key)[:40]
            raise EventError(
                "-",
                f"{shown!r} is not a field of a sample member"
                f"{did_you_mean_key(str(key), _SAMPLE_KEYS)} (a member gives "
                f"{', '.join(_SAMPLE_KEYS)})",
                field=shown,
                code="invalid_member",
            )
    member_id = data.get("id")
    if not isinstance(member_id, str) or not member_id:
        raise EventError("-", "a member needs an 'id' (text)", field="id", code="invalid_member")
    birthday = data.get("birthday")
    born: date | None = None
    if birthday is not None:
        try:
            if not isinstance(birthday, str):
                raise ValueError
            born = date.fromisoformat(birthday)
        except ValueError:
            raise EventError(
                "-", "birthday is not YYYY-MM-DD", field="birthday", code="invalid_member"
            ) from None
    year = data.get("birth_year")
    birth_year = read_birth_year(year) if year is not None else None
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise EventError("-", "'tags' is a list of texts", field="tags", code="invalid_member")
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        raise EventError("-", "'events' is a list of events", field="events")
    events = tuple(sorted((parse_event(e) for e in raw_events), key=lambda e: e.at))
    member = SampleMember(
        member_id, _moment(data.get("joined"), tz, "joined"), born, tuple(tags), events, birth_year
    )
    member.start()  # (refused here, on its line, rather than counted as a replay error)
    return member


@dataclass(frozen=True, slots=True)
class Collected:
    """What a policy decided for one member at one moment, as plain data, and a few figures."""

    decisions: Mapping[str, object]
    tier: str | None = None
    liability: Decimal = Decimal(0)
    """Points the member holds (the journal's sum up to the moment), every currency together."""
    order_points: Mapping[str, Decimal] = field(default_factory=dict)
    """Points each order earned (earn and bonus entries), by order id."""
    refused: int = 0
    """Events the programme refused (over quota, not entitled)."""


def replay_member(
    policy: Policy, member: SampleMember, until: datetime
) -> Iterator[tuple[Event, MemberState, bool]]:
    """Apply the member's events up to ``until`` one by one: (event, state after, refused)."""
    state = member.start()
    for event in member.events:
        if event.at > until:
            break
        state, outcome = apply(policy, state, event)
        yield event, state, outcome.refused


def _decisions(policy: Policy, state: MemberState, as_of: datetime) -> dict[str, object]:
    out: dict[str, object] = {}
    if policy.at(as_of).benefits is not None:
        ent = entitlements(policy, state, as_of)
        out["benefits"] = {
            item.benefit_id: {
                "allowed": item.allowed,
                "remaining": plain(item.remaining),
                "reasons": sorted({r.code for r in item.reasons}),
            }
            for item in ent.items
        }
    points = policy.at(as_of).points
    if points is not None:
        held: dict[str, object] = {}
        # The currencies of the edition in force: a version may rename them.
        named = tuple(points.by_id) if points.section.currencies else ()
        for currency in named or (None,):
            found = balance(policy, state, as_of, currency)
            held[found.currency] = {
                "available": plain(found.available),
                "pending": plain(found.pending),
                "schedule": [[d.isoformat(), plain(p)] for d, p in found.schedule],
            }
        out["points"] = held
    if policy.at(as_of).tiers is not None:
        out["tier"] = tier_of(policy, state, as_of).tier
    if policy.at(as_of).lifecycle is not None:
        out["stage"] = lifecycle_stage(policy, state, as_of).stage
    return out


def collect(policy: Policy, member: SampleMember, as_of: datetime) -> Collected:
    """Replay the member under ``policy`` up to ``as_of`` and collect its decisions there.

    Raises EventError (or another MemberkitError) when an event of the member cannot apply.
    """
    state = member.start()
    refused = 0
    earned: dict[str, Decimal] = {}
    for event, state, was_refused in replay_member(policy, member, as_of):
        refused += was_refused
        if isinstance(event, Purchase) and event.id not in earned:
            # What the order earned is read as it is booked (the journal's newest lines): a
            # policy's horizons may fold the line away later.
            total = Decimal(0)
            for entry in reversed(state.points.journal):
                if entry.event_id != event.id:
                    break
                if entry.kind in _EARNING:
                    total += Decimal(entry.points)
            earned[event.id] = total
    earned = dict(sorted(earned.items()))
    liability = Decimal(0)
    if state.folded is not None:
        liability += sum((Decimal(p) for _, _, p in state.folded.journal), Decimal(0))
    for entry in state.points.journal:
        if entry.at > as_of:
            continue
        liability += Decimal(entry.points)
    try:
        decisions = _decisions(policy, state, as_of)
    except MemberkitError as exc:
        decisions = {"error": str(exc)}
    tier = decisions.get("tier")
    return Collected(decisions, tier if isinstance(tier, str) else None, liability, earned, refused)
