"""Money: an exact amount in one ISO 4217 currency, rounded to that currency's own precision."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

__all__ = ["Money", "currency_exponent", "is_currency"]


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 currency that babel knows."""
    return code in _known_currencies()


@cache
def currency_exponent(code: str) -> int:
    """How many decimals the currency has (CNY 2, JPY 0, KWD 3), from babel's CLDR data."""
    return int(get_currency_precision(code))


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount of one currency. Arithmetic between different currencies is refused."""

    amount: Decimal
    currency: str

    def quantize(self) -> Money:
        """Round half-even to the currency's precision."""
        exp = Decimal(1).scaleb(-currency_exponent(self.currency))
        return Money(self.amount.quantize(exp, rounding=ROUND_HALF_EVEN), self.currency)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
