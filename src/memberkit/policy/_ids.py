"""The ids each section declares, gathered before cross-checks so every part can check references."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .._program import localized
from .._reasons import LocalizedText
from ._document import PolicyDocument

__all__ = ["declared_ids", "declared_tier_names"]


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


def declared_tier_names(document: PolicyDocument, locale: str) -> Mapping[str, LocalizedText]:
    """Each ladder and paid tier's display name (its id where the policy gives none)."""
    tiers = document.tiers
    names: dict[str, LocalizedText] = {}
    for item in (*(getattr(tiers, "ladder", None) or ()), *(getattr(tiers, "paid", None) or ())):
        tier_id = str(getattr(item, "id", ""))
        if tier_id:
            names[tier_id] = localized(getattr(item, "name", None), locale, tier_id)
    return names
