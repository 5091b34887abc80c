"""What cross-checks across sections need to know: the ids each section declares."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ._paths import Finding, Path
from ._program import ProgramInfo
from ._reasons import LocalizedText

__all__ = ["CheckContext", "decimal_places", "did_you_mean"]


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the nearest of ``options`` (difflib), or nothing."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def decimal_places(amount: Decimal) -> int:
    """How many decimals an amount really has (12.50 has 1, 100 has 0)."""
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True, slots=True)
class CheckContext:
    """Ids declared anywhere in the policy, so a part can check its references against them."""

    info: ProgramInfo
    tier_ids: tuple[str, ...] = ()
    """Ladder order, lowest first."""
    currency_ids: tuple[str, ...] = ()
    """Points currencies, the default (first) one first."""
    benefit_ids: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    """Earning rule ids."""
    stage_ids: tuple[str, ...] = ()
    tier_names: Mapping[str, LocalizedText] = field(default_factory=dict)
    """Each declared tier's display name, so other parts can name tiers in explanations."""

    def unknown_tier(self, tier: str, path: Path) -> Finding | None:
        """A finding at ``path`` when ``tier`` is not declared, naming the nearest one."""
        if tier in self.tier_ids:
            return None
        if not self.tier_ids:
            return Finding(
                path, f"unknown tier '{tier}': the policy declares no tiers", "unknown_tier"
            )
        hint = did_you_mean(tier, self.tier_ids)
        listed = "" if hint else f" (tiers: {', '.join(self.tier_ids)})"
        return Finding(path, f"unknown tier '{tier}'{hint}{listed}", "unknown_tier")

    def money_precision(self, amount: Decimal, path: Path) -> Finding | None:
        """A finding at ``path`` when ``amount`` has more decimals than the programme's currency."""
        allowed = self.info.currency_decimals
        if decimal_places(amount) <= allowed:
            return None
        return Finding(
            path,
            f"{amount} has more decimals than {self.info.currency} allows ({allowed})",
            "too_many_decimals",
        )
