"""Field types a member state read back from storage must satisfy beyond Python's own types.

The engine compares and subtracts every moment of a state with event times, so a naive datetime
(read as the server's zone on one machine and another zone on the next) or an empty id (which no
event can name) would surface later as a TypeError or a silent mismatch. The state dataclasses
annotate their fields with these types; pydantic checks them when ``state_from_json`` reads a
state, and the error names the field (``orders.3.at``). Building a state in Python is unaffected.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    WrapSerializer,
)

from ._instants import fixed_offset
from ._limits import MAX_DERIVED_YEAR, year_problem

__all__ = ["HomeMoment", "StateId", "StateMoment"]


def _supported(value: datetime) -> datetime:
    # Not the input bound: a state holds moments derived from input (expiries, grant ends).
    problem = year_problem(value, MAX_DERIVED_YEAR)
    if problem is not None:
        raise ValueError(problem)
    # One shared zone object per offset: moments with the same tzinfo compare without asking it
    # for offsets (sorting a read state's lot moments was 18x slower with a zone each).
    return fixed_offset(value)


# Format 5 writes a moment in the member's home offset (the offset of ``joined_at``, nearly every
# moment of a state) as whole seconds since 1970-01-01 UTC: 10 characters in place of 27. Any
# other moment (another offset, fractions of a second) is written in ISO 8601 as before. The home
# offset travels in the serialisation and validation context; validation reads ``joined_at``
# before the records (pydantic validates fields in declared order), so a record's number is read
# back in the offset it was written in.
_OFFSET = "home_offset"


def home_context(joined_at: datetime | None = None) -> dict[str, Any]:
    """The context ``state_to_json`` / ``state_from_json`` pass with a state (see above)."""
    return {} if joined_at is None else {_OFFSET: joined_at.utcoffset()}


def _offset(info: SerializationInfo | ValidationInfo) -> timedelta | None:
    context = info.context
    return context.get(_OFFSET) if isinstance(context, dict) else None


def _write_moment(
    value: datetime, nxt: SerializerFunctionWrapHandler, info: SerializationInfo
) -> Any:
    offset = _offset(info)
    if offset is not None and not value.microsecond and value.utcoffset() == offset:
        return int(value.timestamp())
    return nxt(value)


def _read_moment(value: object, info: ValidationInfo) -> object:
    if not isinstance(value, int) or isinstance(value, bool):
        return value
    offset = _offset(info)
    try:
        return fixed_offset(
            datetime.fromtimestamp(value, UTC if offset is None else timezone(offset))
        )
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"{value} seconds since 1970 is not a supported moment") from None


def _remember_offset(value: datetime, info: ValidationInfo) -> datetime:
    if isinstance(info.context, dict):
        info.context[_OFFSET] = value.utcoffset()
    return value


if TYPE_CHECKING:  # pydantic's AwareDatetime reads as Any to mypy; the value is a datetime
    StateMoment = datetime
    HomeMoment = datetime
else:
    StateMoment = Annotated[
        AwareDatetime,
        BeforeValidator(_read_moment),
        AfterValidator(_supported),
        WrapSerializer(_write_moment, when_used="json"),
    ]
    """A moment in a stored state: with a timezone offset, between 1900 and 8999."""

    HomeMoment = Annotated[
        AwareDatetime, AfterValidator(_supported), AfterValidator(_remember_offset)
    ]
    """The moment a member joined, whose offset is the state's home offset (see above)."""

StateId = Annotated[str, StringConstraints(min_length=1)]
"""An id in a stored state (a member, an order, a line, a lot): never empty."""
