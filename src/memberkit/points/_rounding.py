"""Rounding at the policy's stated step, and splitting a rounded amount over an order's lines.

Rules are evaluated unrounded; rounding happens once, on the order's total (``round:
per_order``) or on each line's total (``per_line``), in the policy's mode (floor, ceil, half_up,
half_even). A rule's points are what it adds to the rounded running total, so the rules of a
quote always add up to the rounded total. With ``round: per_rule`` each rule's points are rounded
on their own instead (as programmes that "floor the base, then add 25% of it" state), and the
multipliers act on the rounded points of the rules before them.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from ._compile import CompiledCurrency, CompiledPoints

__all__ = ["ORDER_LEVEL", "Rounder", "allocate", "line_of", "share_key", "tender_of"]

Points = int | Decimal
_ZERO = Decimal(0)
ORDER_LEVEL = ""
"""The line id of what belongs to the order rather than a line (fixed bonuses, shipping, tax)."""

_SHARE = "\x1f"
"""Between a line id and a tender's method in the key of one tender's share of a line (a tender
method never holds it)."""


def share_key(line: str, method: str) -> str:
    """The key of what ``method`` paid of ``line`` (or of the order level), on a split order."""
    return f"{line}{_SHARE}{method}"


def line_of(key: str) -> str:
    """The line a key belongs to: itself, or the line of a tender's share."""
    return key.rpartition(_SHARE)[0] if _SHARE in key else key


def tender_of(key: str) -> str:
    """The tender method of a share's key ('' for a key of a whole line)."""
    return key.rpartition(_SHARE)[2] if _SHARE in key else ""


def allocate(total: Points, raw: list[tuple[str, Decimal]]) -> tuple[tuple[str, Points], ...]:
    """Split a rounded total over lines in proportion to their unrounded parts, exactly."""
    whole = sum((v for _, v in raw), Decimal(0))
    if not raw or whole == 0 or total == 0:
        return ()
    integer = isinstance(total, int)
    if len(raw) == 1:
        # One part (a one-line order, an order-level bonus) takes the whole total.
        return ((raw[0][0], total if integer else Decimal(total) - _ZERO),)
    out: list[tuple[str, Points]] = []
    given: Decimal = Decimal(0)
    for i, (line, value) in enumerate(raw):
        if i == len(raw) - 1:
            share = Decimal(total) - given
        else:
            share = _floor_like(Decimal(total) * value / whole, total)
        given += share
        out.append((line, int(share) if integer else share))
    return tuple((line, p) for line, p in out if p != 0)


def _floor_like(value: Decimal, like: Points) -> Decimal:
    if isinstance(like, int):
        return value.quantize(Decimal(1), rounding=ROUND_FLOOR)
    exponent = like.as_tuple().exponent
    quantum = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0)
    return value.quantize(quantum, rounding=ROUND_FLOOR)


class Rounder:
    """Rounding at the policy's step: the order total once (per_order) or each line's once.

    Each rule's points are the growth of the rounded running total of the raw (unrounded) points
    earned so far, per currency (per_order) or per currency and line (per_line); so the rules'
    points always add up to the rounded total, and the rule whose raw points carry the running
    total over a rounding boundary takes the rounded unit. ¥999 × 1.2 × 2 × 2 floored earns
    floor(4,795.2) = 4,795, not the 4,793 that rounding each rule on its own gives.
    """

    def __init__(self, points: CompiledPoints) -> None:
        self.points = points
        self.raw: dict[tuple[str, str], Decimal] = {}
        self.booked: dict[tuple[str, str], Decimal] = {}

    def _key(self, currency: str, line: str) -> tuple[str, str]:
        # Rounded per line means per line of the order, whichever tenders paid it.
        return (currency, line_of(line) if self.points.per_line else ORDER_LEVEL)

    def round(
        self, currency: str, raw: list[tuple[str, Decimal]]
    ) -> tuple[Points, tuple[tuple[str, Points], ...]]:
        """What ``raw`` adds to the rounded running total, in all and per line (not recorded)."""
        spec = self.points.by_id[currency]
        if self.points.per_rule:
            total = spec.number(sum((v for _, v in raw), Decimal(0)), self.points.rounding)
            return total, allocate(total, raw)
        if self.points.per_line:
            grown: dict[str, list[tuple[str, Decimal]]] = {}
            for part, value in raw:
                grown.setdefault(line_of(part), []).append((part, value))
            pieces: list[tuple[str, Points]] = []
            for line, parts in grown.items():
                key = self._key(currency, line)
                value = sum((v for _, v in parts), Decimal(0))
                target = spec.number(self.raw.get(key, Decimal(0)) + value, self.points.rounding)
                piece = _like(Decimal(target) - self.booked.get(key, 0), spec)
                if len(parts) == 1:
                    pieces.append((parts[0][0], piece))
                else:
                    # A line paid by several tenders: its rounded points split over the shares.
                    pieces.extend(allocate(piece, parts))
            total = _like(sum((Decimal(p) for _, p in pieces), Decimal(0)), spec)
            return total, tuple((line, p) for line, p in pieces if p != 0)
        key = self._key(currency, ORDER_LEVEL)
        value = sum((v for _, v in raw), Decimal(0))
        target = spec.number(self.raw.get(key, Decimal(0)) + value, self.points.rounding)
        total = _like(Decimal(target) - self.booked.get(key, 0), spec)
        return total, allocate(total, raw)

    def record(
        self,
        currency: str,
        raw: list[tuple[str, Decimal]],
        lines: tuple[tuple[str, Points], ...],
        *,
        capped: bool,
    ) -> None:
        """Record what a rule booked; a capped rule's raw points count only as far as booked."""
        if not self.points.per_line:
            # Rounded per order (or per rule): one running total per currency.
            # Added one part at a time, as per line, so the totals are the same Decimals.
            key = (currency, ORDER_LEVEL)
            if raw:
                total = self.raw.get(key, _ZERO)
                for _, value in raw:
                    total += value
                self.raw[key] = total
            if lines:
                booked = self.booked.get(key, _ZERO)
                for _, points in lines:
                    booked += Decimal(points)
                self.booked[key] = booked
            if capped and (raw or lines):
                # What a cap cut off is gone: later rules round from what was really booked.
                self.raw[key] = self.booked.get(key, _ZERO)
            return
        keys = {self._key(currency, line) for line, _ in raw} | {
            self._key(currency, line) for line, _ in lines
        }
        for line, value in raw:
            key = self._key(currency, line)
            self.raw[key] = self.raw.get(key, _ZERO) + value
        for line, booked_points in lines:
            key = self._key(currency, line)
            self.booked[key] = self.booked.get(key, _ZERO) + Decimal(booked_points)
        if capped:
            for key in keys:
                self.raw[key] = self.booked.get(key, _ZERO)


def _like(value: Decimal, currency: CompiledCurrency) -> Points:
    return int(value) if currency.decimals == 0 else value
