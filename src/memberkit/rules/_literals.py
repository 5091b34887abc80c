"""Literal checking: turn a value written in the policy into the typed value the tree stores.

Each check either returns the normalised value or raises ``LiteralError`` with a message for
the author. Messages name what was expected and, where YAML is the usual culprit (an unquoted
``10:00`` read as a number, an unquoted ``yes`` read as a boolean), say how to write it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal

from ._fields import FieldType, type_word

__all__ = ["LiteralError", "check_literal", "literal_type", "show"]


class LiteralError(Exception):
    """A literal that does not fit its field; the parser turns it into a finding."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_DAY_NAMES = (
    ("mon", "monday", "周一", "星期一", "礼拜一"),
    ("tue", "tuesday", "周二", "星期二", "礼拜二"),
    ("wed", "wednesday", "周三", "星期三", "礼拜三"),
    ("thu", "thursday", "周四", "星期四", "礼拜四"),
    ("fri", "friday", "周五", "星期五", "礼拜五"),
    ("sat", "saturday", "周六", "星期六", "礼拜六"),
    ("sun", "sunday", "周日", "周天", "星期日", "星期天", "礼拜日", "礼拜天"),
)
WEEKDAYS: Mapping[str, int] = {
    name: number for number, names in enumerate(_DAY_NAMES, start=1) for name in names
}

_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTHS: Mapping[str, int] = {
    **{name: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{f"{number}月": number for number in range(1, 13)},
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\Z")


def show(value: object) -> str:
    """A literal as the author wrote it, for messages (YAML words for booleans and null)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return str(value)


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int)


def _expected(field_type: FieldType, value: object, hint: str = "") -> LiteralError:
    return LiteralError(f"expected {type_word(field_type)}, got {show(value)}{hint}")


def _number(value: object) -> object:
    if _is_number(value):
        return value
    hint = (
        " (write numbers without quotes)"
        if isinstance(value, str) and _looks_numeric(value)
        else ""
    )
    raise _expected(FieldType.NUMBER, value, hint)


def _looks_numeric(text: str) -> bool:
    try:
        return Decimal(text.strip()).is_finite()
    except ArithmeticError:
        return False


def _text(value: object) -> object:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        # YAML 1.1 reads unquoted yes/no/on/off as booleans.
        raise _expected(FieldType.TEXT, value, " (quote words like yes, no, on, off)")
    if _is_number(value):
        # Store and SKU codes look like numbers; YAML would also drop their leading zeros.
        raise _expected(FieldType.TEXT, value, f" (quote codes that look like numbers: '{value}')")
    raise _expected(FieldType.TEXT, value)


def _date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise LiteralError(f"{show(value)} is not a calendar date") from None
    raise _expected(FieldType.DATE, value)


def _datetime(value: object) -> object:
    if isinstance(value, datetime):
        return value
    # A date alone is refused: whether it means the start or the end of the day is a guess.
    if isinstance(value, str) and len(value) > 10 and _DATE.match(value[:10]):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    hint = " (use the date field for whole days)" if isinstance(value, str) else ""
    raise _expected(FieldType.DATETIME, value, hint)


def _time(value: object) -> object:
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, str) and (match := _TIME.match(value)):
        hour, minute, second = (int(part) if part else 0 for part in match.groups())
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
        raise LiteralError(f"{show(value)} is not a time of day")
    if _is_number(value) and isinstance(value, int) and 0 <= value < 24 * 60:
        # YAML 1.1 reads an unquoted 10:00 as the base-60 number 600.
        hint = f" (quote times: '{value // 60:02d}:{value % 60:02d}')"
        raise _expected(FieldType.TIME, value, hint)
    raise _expected(FieldType.TIME, value)


def _named_or_numbered(
    field_type: FieldType, names: Mapping[str, int], high: int
) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= high:
            return value
        if isinstance(value, str) and (number := names.get(value.strip().lower())):
            return number
        raise _expected(field_type, value)

    return check


def _bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    raise _expected(FieldType.BOOL, value)


_CHECKS: Mapping[FieldType, Callable[[object], object]] = {
    FieldType.NUMBER: _number,
    FieldType.TEXT: _text,
    FieldType.TEXT_SET: _text,
    FieldType.DATE: _date,
    FieldType.DATETIME: _datetime,
    FieldType.TIME: _time,
    FieldType.WEEKDAY: _named_or_numbered(FieldType.WEEKDAY, WEEKDAYS, 7),
    FieldType.MONTH: _named_or_numbered(FieldType.MONTH, MONTHS, 12),
    FieldType.BOOL: _bool,
}


def literal_type(value: object) -> FieldType:
    """The type a custom attribute takes from its literal: a number, text or true/false."""
    if isinstance(value, bool):
        return FieldType.BOOL
    if _is_number(value):
        return FieldType.NUMBER
    if isinstance(value, str):
        return FieldType.TEXT
    raise _expected(FieldType.ANY, value)


def check_literal(field_type: FieldType, value: object) -> object:
    """The normalised literal for a field of ``field_type`` (never ``ANY``), or LiteralError."""
    return _CHECKS[field_type](value)
