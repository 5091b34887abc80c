"""Denomination tables: which rows of a table a number of points (or a discount) is made of.

A table lists rows of points and the money they pay (3,000 points = ¥200 off, 1,500 = ¥80,
500 = ¥25). With ``combine: largest_first`` one redemption takes as many of the largest row as
fit, then as many of the next, and so on; with ``combine: one`` it takes a single row. Two
budgets bound the rows taken: the points at hand and, when the programme limits the share of an
order that points may pay, the money that share allows. What the rows cannot make is left over
(never rounded up): best not exceeding.

A redemption of ``points`` books exactly the rows ``largest_first(rows, points, money)`` makes,
and is refused when they do not make ``points`` exactly. The queries ("the discount for these
points", "the points for this discount") choose the amount by the same function, so booking the
amount they answer takes the same rows: taking rows greedily under budgets (C, M) and then again
under (the points taken, M) chooses the same count of each row, since at each row the first
budget is no smaller than what the first pass took and no larger than what it had.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .._money import Money
from .._reasons import Reason
from ._model import Denomination

__all__ = ["Combination", "combine", "parts_reason"]


@dataclass(frozen=True, slots=True)
class Combination:
    """Rows of a table taken for one redemption (largest first), with their points and money."""

    parts: tuple[tuple[Denomination, int], ...]
    """(row, how many times it is taken), largest row first; rows not taken are left out."""
    points: int
    value: Decimal


def combine(
    rows: tuple[Denomination, ...],
    points: int,
    money: Decimal | None = None,
    *,
    largest_first: bool = True,
) -> Combination:
    """The rows making at most ``points`` (and at most ``money`` of value, when given).

    ``largest_first``: as many of each row as fit, largest first; otherwise the single largest
    row that fits.
    """
    parts: list[tuple[Denomination, int]] = []
    left = points
    cash = money
    for row in sorted(rows, key=lambda r: r.points, reverse=True):
        count = left // row.points
        if cash is not None:
            count = min(count, int(cash // row.value))
        if not largest_first:
            count = min(count, 1)
        if count <= 0:
            continue
        parts.append((row, count))
        left -= count * row.points
        if cash is not None:
            cash -= count * row.value
        if not largest_first:
            break
    taken = sum((row.points * n for row, n in parts), 0)
    value = sum((row.value * n for row, n in parts), Decimal(0))
    return Combination(tuple(parts), taken, value)


def parts_reason(path: str, combination: Combination, currency: str) -> Reason:
    """Which rows a redemption took and how many of each, as one reason."""
    return Reason.of(
        "points.denominations_used",
        f"{path}.denominations",
        parts=tuple(
            Reason.of(
                "points.denomination_part",
                f"{path}.denominations",
                count=count,
                points=row.points,
                value=Money(row.value, currency),
            )
            for row, count in combination.parts
        ),
    )
