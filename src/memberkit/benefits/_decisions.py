"""The answers of the benefits part: one benefit's decision, and all of a member's entitlements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from .._decision import Explained
from .._money import Money
from .._reasons import LocalizedText, Reason
from ._model import Period

__all__ = ["BenefitDecision", "BenefitWindow", "Entitlements", "QuotaStatus"]


@dataclass(frozen=True, slots=True)
class QuotaStatus:
    """How one quota of a benefit stands in the period holding the decision's moment.

    Counts (``unit == "count"``) are ``int``; value caps are ``Decimal`` in the programme's
    currency. ``limit`` includes what carried over from the previous period.
    """

    per: Period
    unit: Literal["count", "value"]
    limit: int | Decimal
    used: int | Decimal
    remaining: int | Decimal
    carried: int | Decimal
    period_start: datetime | None
    """Local start of the period (None for a lifetime quota)."""
    period_end: datetime | None
    """Local moment the quota renews (None for a lifetime quota)."""
    path: str
    each: str | None = None
    """The use attribute the quota is counted apart by (``stay``), or None."""


@dataclass(frozen=True, slots=True)
class BenefitDecision(Explained):
    """Whether a member may use a benefit at a moment, what it is worth and how much is left.

    ``remaining`` is what may still be used now: ``None`` when no quota limits an allowed benefit,
    0 when the benefit is not allowed, otherwise the fewest uses left over its count quotas (or,
    with value caps only, the least money left); ``quotas`` has every quota's figures. ``value``
    is the benefit's value for the member's tier when allowed (a rate, or Money), else None.
    """

    benefit_id: str
    name: LocalizedText
    allowed: bool
    as_of: datetime
    tier: str | None
    value: Decimal | Money | None
    remaining: int | Decimal | None
    quotas: tuple[QuotaStatus, ...]
    reasons: tuple[Reason, ...]
    default_locale: str = "en"


@dataclass(frozen=True, slots=True)
class Entitlements(Explained):
    """Every benefit of the programme for one member at one moment, in policy order."""

    as_of: datetime
    items: tuple[BenefitDecision, ...]
    reasons: tuple[Reason, ...]
    default_locale: str = "en"

    @property
    def allowed(self) -> tuple[str, ...]:
        """The ids of the benefits the member may use now."""
        return tuple(item.benefit_id for item in self.items if item.allowed)

    def get(self, benefit_id: str) -> BenefitDecision | None:
        """The decision for one benefit, or None if the programme has no such benefit."""
        for item in self.items:
            if item.benefit_id == benefit_id:
                return item
        return None


@dataclass(frozen=True, slots=True)
class BenefitWindow(Explained):
    """When a benefit's dates and conditions next let the member use it: the first and last day.

    ``opens`` is the first day (from the day asked) on which the calendar side of the benefit
    holds (its validity dates and conditions such as the birthday month), ``closes`` the last
    day of that run (None when it runs past the days looked at). Tier and quotas are judged as
    at ``as_of``; a condition on the order itself (channel, category) counts as met.
    """

    benefit_id: str
    as_of: datetime
    open_now: bool
    opens: date | None
    closes: date | None
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
