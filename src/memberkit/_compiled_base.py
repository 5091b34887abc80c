"""What cross-checks across sections need to know: the ids each section declares."""

from __future__ import annotations

from dataclasses import dataclass

from ._program import ProgramInfo

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
