"""Builders for the rules tests: the full vocabulary, parsing that must succeed, local moments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from memberkit.rules import (
    EVENT_FIELDS,
    MEMBER_FIELDS,
    TIME_FIELDS,
    Condition,
    Facts,
    compile_condition,
    parse_condition,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

VOCABULARY = EVENT_FIELDS | MEMBER_FIELDS | TIME_FIELDS


def parsed(data: object, *, attributes: bool = True) -> Condition:
    """The condition for ``data``, which must parse with no findings."""
    cond, findings = parse_condition(data, vocabulary=VOCABULARY, attributes=attributes)
    assert findings == []
    assert cond is not None
    return cond


def local(
    year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0
) -> datetime:
    """A moment on the Shanghai wall clock."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# A Saturday, mid-afternoon, in the middle of November 2025.
NOON = local(2025, 11, 15, 12)


def holds(data: object, values: Mapping[str, object] | None = None, *, at: datetime = NOON) -> bool:
    """Whether the condition written as ``data`` holds for ``values`` at ``at`` (Shanghai)."""
    predicate = compile_condition(parsed(data), SHANGHAI)
    return predicate(Facts(at, dict(values or {})))
