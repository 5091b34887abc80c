"""What cross-checks across sections need to know: the ids each section declares."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ._paths import Finding, Path
from ._program import ProgramInfo
from ._reasons import LocalizedText

__all__ = ["CheckContext", "decimal_places", "did_you_mean", "did_you_mean_key"]


def did_you_mean(name: str, options: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the nearest of ``options`` (difflib), or nothing."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _words(name: str) -> list[str]:
    return [w for w in name.lower().replace("-", "_").split("_") if w]


def _key_matches(name: str, option: str) -> bool:
    """Whether ``option`` is a key ``name`` plausibly misspells.

    A close spelling of the whole key will do (``pendng_days``, ``minpoints``); otherwise the keys
    must have as many words, each a close spelling of the other's. ``min_order`` is therefore
    not taken for ``order`` (the order lots are spent in), whose overall spelling is close.
    """
    if difflib.SequenceMatcher(None, name, option).ratio() >= 0.8:
        return True
    if _typos(name, option) <= (1 if len(option) < 7 else 2):
        return True
    words, other = _words(name), _words(option)
    return len(words) == len(other) > 1 and all(
        difflib.SequenceMatcher(None, a, b).ratio() >= 0.75
        for a, b in zip(words, other, strict=True)
    )


def _typos(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``: insertions, deletions, substitutions and swaps of neighbours."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def did_you_mean_key(name: str, options: Iterable[str]) -> str:
    """'; did you mean 'x'?' for a key that plausibly misspells one of ``options``, or nothing."""
    ranked = sorted(
        (o for o in options if _key_matches(name, o)),
        key=lambda o: -difflib.SequenceMatcher(None, name, o).ratio(),
    )
    return f"; did you mean '{ranked[0]}'?" if ranked else ""


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
