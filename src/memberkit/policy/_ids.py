"""The ids each section declares, gathered before cross-checks so every part can check references."""

from __future__ import annotations

from collections.abc import Iterable

from ._document import PolicyDocument

__all__ = ["declared_ids"]


def _ids(items: Iterable[object] | None) -> tuple[str, ...]:
    return tuple(str(getattr(item, "id", "")) for item in items or () if getattr(item, "id", ""))


def declared_ids(document: PolicyDocument) -> dict[str, tuple[str, ...]]:
    """Tier ids (ladder order, then paid tiers), currency, benefit, rule and stage ids."""
    tiers = document.tiers
    points = document.points
    benefits = document.benefits
    lifecycle = document.lifecycle
    tier_ids = _ids(getattr(tiers, "ladder", None)) + _ids(getattr(tiers, "paid", None))
    return {
        "tier_ids": tier_ids,
        "currency_ids": _ids(getattr(points, "currencies", None)),
        "rule_ids": _ids(getattr(points, "earn", None)),
        "benefit_ids": _ids(getattr(benefits, "root", None) or getattr(benefits, "items", None)),
        "stage_ids": _ids(getattr(lifecycle, "stages", None)),
    }
