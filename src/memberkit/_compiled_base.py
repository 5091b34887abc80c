"""What cross-checks across sections need to know: the ids each section declares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ._program import ProgramInfo
from ._reasons import LocalizedText

__all__ = ["CheckContext"]


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
