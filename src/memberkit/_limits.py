"""The range of numbers, dates and texts memberkit supports, in one place, and its decimal context.

Input outside these bounds is refused at the edge (a located ``PolicyError`` for a policy, an
``EventError`` naming the event for an event, a ``StateError`` for a stored state), so the engine's
arithmetic never meets a number it cannot hold. The bounds are far beyond any real programme:

- money: amounts below 10^15 of the currency (a thousand trillion yuan), at most 6 decimals;
- points moved by one event (a redemption, a transfer, an adjustment): at most 10^12;
- numbers in a policy: below 10^15 in size, at most 9 decimals; a multiplier at most 100, the
  points of one earning rule at most 10^9;
- dates: years 1900 to 2999 in input (an expiry or a review some centuries ahead still fits a
  ``date``); a stored state may hold moments the engine derived up to 8999;
- texts in an event: ids (and a new member's id) up to 128 characters, other texts up to 256, up to 1,000 lines of up to
  10^6 units, 100 tags and 100 attributes; an event as JSON text up to 1 MB, nested at most 16 levels.

The engine computes in its own decimal context (:data:`CONTEXT`), entered by every public entry
point through :func:`memberkit_context`, so a host that sets ``decimal.getcontext().prec = 3`` (or
traps ``Inexact``, or prints exponents in lower case) changes nothing memberkit computes or writes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

__all__ = [
    "CONTEXT",
    "MAX_ATTRIBUTES",
    "MAX_DERIVED_YEAR",
    "MAX_EVENT_BYTES",
    "MAX_EVENT_DEPTH",
    "MAX_EVENT_POINTS",
    "MAX_ID",
    "MAX_ITEMS",
    "MAX_MONEY",
    "MAX_MONEY_DECIMALS",
    "MAX_MULTIPLIER",
    "MAX_POLICY_DECIMALS",
    "MAX_POLICY_NUMBER",
    "MAX_QUANTITY",
    "MAX_RULE_POINTS",
    "MAX_TAGS",
    "MAX_TEXT",
    "MAX_YEAR",
    "MIN_YEAR",
    "memberkit_context",
    "policy_number_problem",
    "year_problem",
]

MIN_YEAR = 1900
MAX_YEAR = 2999
MAX_DERIVED_YEAR = 8999
"""The latest year a stored state may hold: what the engine derives from input up to 2999 (an
expiry 50 years on, a tier held 100 years, extensions stacked) stays below it, and arithmetic on
it (a year added) stays far from ``datetime``'s year 9999."""
MAX_MONEY = Decimal(10) ** 15
MAX_MONEY_DECIMALS = 6
MAX_EVENT_POINTS = 10**12
MAX_POLICY_NUMBER = Decimal(10) ** 15
MAX_POLICY_DECIMALS = 9
MAX_MULTIPLIER = 100
MAX_RULE_POINTS = 10**9
MAX_TEXT = 256
MAX_ID = 128
MAX_ITEMS = 1000
MAX_QUANTITY = 10**6
MAX_TAGS = 100
MAX_ATTRIBUTES = 100
MAX_EVENT_BYTES = 1_000_000
MAX_EVENT_DEPTH = 16

CONTEXT = Context(
    prec=60,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""Sixty significant digits: the largest product the bounds allow (an amount below 10^15 at a
rate per 10^-9, times 10^9 points, times several multipliers of 100) stays exact to the point."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def memberkit_context(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` in memberkit's decimal context, whatever the host's current context is."""

    @functools.wraps(func)
    def inside(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(CONTEXT):
            return func(*args, **kwargs)

    return inside


def year_problem(day: date, latest: int = MAX_YEAR) -> str | None:
    """Why a date is outside the supported years (``MIN_YEAR`` to ``latest``), or None."""
    if MIN_YEAR <= day.year <= latest:
        return None
    return f"{day.isoformat()} is outside the supported years {MIN_YEAR} to {latest}"


def policy_number_problem(value: int | Decimal) -> str | None:
    """Why a number written in a policy is outside the supported range, or None.

    Uses no decimal context (``copy_abs``, the digits themselves), so it is safe on any input.
    """
    if isinstance(value, Decimal) and not value.is_finite():
        return f"{value} is not a finite number"
    size = value.copy_abs() if isinstance(value, Decimal) else abs(value)
    if size >= MAX_POLICY_NUMBER:
        return f"{value} is too large; numbers in a policy are below 10^15"
    if isinstance(value, Decimal) and _decimals(value) > MAX_POLICY_DECIMALS:
        return (
            f"{value} has too many decimals; numbers in a policy have at most {MAX_POLICY_DECIMALS}"
        )
    return None


def _decimals(value: Decimal) -> int:
    """Decimal places that matter (trailing zeros do not), without a decimal context."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite, checked by the caller
    kept = len(digits)
    while kept > 1 and digits[kept - 1] == 0:
        kept -= 1
    return max(0, -(exponent + len(digits) - kept))
