"""What a change to a section takes away from members, decided by comparing the sections' data.

The comparison is structural and works on plain data (a section as written in the YAML), so it
covers every part's shape without knowing its classes. What counts as a loss (权益减少):

- an item with an ``id`` (a benefit, an earning rule, a tier) that is no longer there;
- a number that moves against the member: under ``qualify``, ``retain``, ``min_points``,
  ``pending``, ``pending_days``, ``points_per_unit``, ``step``, ``max_steps`` or
  ``lifetime_after_years`` a higher number is a loss; under ``points``, ``multiply``,
  ``by_tier``, ``count``, a quota's ``value``, ``carry_over``, ``cap``, ``max_share_of_order``,
  ``max_per_year`` (and ``max_in_per_year``, ``max_out_per_year``), a paid extension's
  ``max_months`` or an expiry's length (``rolling_months``, ``card_years``, ``years_after_earning``,
  ``inactivity_months``, ``months``, ``years``, ``days``, ``extend_on_upgrade_months``) a lower
  number is a loss; an earning rule's ``per: 1 CNY`` that grows is a loss;
- a benefit's ``tiers`` (or an expiry's ``never_while_tier``, a transfer's ``receive_tiers``)
  that lose a tier, or a right for everyone limited to some tiers;
- a restriction added or changed: ``when``, ``except``, ``quota``, ``cap``, ``earn_cap``,
  ``qualify``, ``retain`` that were absent, or a condition written differently (a changed
  condition may shut members out, so it is treated as one that does);
- a ``valid`` range that ends earlier or starts later.

Lifecycle sections are never judged (stages sort members; they grant nothing). A benefit's own
``value`` outside a quota has no direction (a lower discount rate is better for the
member, a lower coupon is worse), so it is not judged here; the impact report shows its effect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .._paths import Path, format_path

__all__ = ["Loss", "losses"]

_HIGHER_WORSE = frozenset(
    {
        "qualify",
        "retain",
        "min_points",
        "pending",
        "pending_days",
        "points_per_unit",
        "step",
        "max_steps",
        "lifetime_after_years",
    }
)
_LOWER_WORSE = frozenset(
    {
        "points",
        "multiply",
        "by_tier",
        "count",
        "carry_over",
        "cap",
        "max_share_of_order",
        "max_per_year",
        "max_in_per_year",
        "max_out_per_year",
        "max_months",
        "extend_on_upgrade_months",
        "extend_months",
        "card_years",
        "rolling_months",
        "years_after_earning",
        "inactivity_months",
        "months",
        "years",
        "days",
    }
)
_RESTRICTIONS = frozenset({"when", "except", "quota", "cap", "earn_cap", "qualify", "retain"})
_TIER_LISTS = frozenset({"tiers", "never_while_tier", "receive_tiers"})
"""Lists of tier ids that hold a right: a tier dropped from one loses it."""
_CONDITIONS = frozenset({"when", "except"})


@dataclass(frozen=True, slots=True)
class Loss:
    """One thing a change takes from members, at the policy path of the new (or old) rule."""

    path: Path
    what: str


def losses(section: str, old: Any, new: Any) -> list[Loss]:
    """Everything ``new`` takes away compared with ``old`` (both plain data of one section)."""
    found: list[Loss] = []
    # Lifecycle stages and segments are how the programme team sorts members, not something a
    # member holds; changing them takes nothing from anyone.
    if old is None or section == "lifecycle":
        return found
    if new is None:
        found.append(Loss((section,), f"removes the whole {section} section"))
        return found
    _walk(old, new, (section,), found)
    return found


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _keys(path: Path) -> list[str]:
    return [p for p in path if isinstance(p, str)]


def _direction(path: Path) -> str | None:
    keys = _keys(path)
    if any(k in _HIGHER_WORSE for k in keys):
        return "higher"
    # A benefit's own value has no direction for the member; a quota's value cap does.
    if "value" in keys and "quota" not in keys:
        return None
    for key in reversed(keys):
        if key in _LOWER_WORSE or (key == "value" and "quota" in keys):
            return "lower"
    return None


def _by_id(items: Sequence[Any]) -> dict[str, tuple[int, Any]] | None:
    if not items or not all(isinstance(i, Mapping) and isinstance(i.get("id"), str) for i in items):
        return None
    return {item["id"]: (index, item) for index, item in enumerate(items)}


def _walk(old: Any, new: Any, path: Path, found: list[Loss]) -> None:
    if old == new:
        return
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    where = format_path(path)
    if key in _CONDITIONS and old is not None and new is not None:
        found.append(Loss(path, f"{where} changes a condition (it may exclude members)"))
        return
    if old is None:
        if key in _RESTRICTIONS:
            found.append(Loss(path, f"{where} adds a restriction"))
        elif key in ("tiers", "receive_tiers"):
            found.append(Loss(path, f"{where} limits it to some tiers"))
        elif key == "until":
            found.append(Loss(path, f"{where} gives it an end date ({new})"))
        elif key == "from":
            found.append(Loss(path, f"{where} gives it a later start ({new})"))
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for name in old:
            if name not in new:
                if name not in _RESTRICTIONS:
                    _walk(old[name], None, (*path, name), found)
                continue
            _walk(old[name], new[name], (*path, name), found)
        for name in new:
            if name not in old:
                _walk(None, new[name], (*path, name), found)
        return
    if isinstance(old, Sequence) and isinstance(new, Sequence) and not isinstance(old, str):
        _walk_list(old, new, path, key, found)
        return
    if new is None:
        if key not in _RESTRICTIONS and key not in ("tiers", "receive_tiers", "until", "from"):
            found.append(Loss(path, f"{where} is removed"))
        return
    if key in ("until", "from") and type(old) is type(new) and isinstance(old, str | date):
        if (key == "until" and new < old) or (key == "from" and new > old):
            found.append(Loss(path, f"{where} moves from {old} to {new}"))
        return
    if key == "per" and isinstance(old, str) and isinstance(new, str):
        # ``per: 1 CNY`` earns per that much money: a larger step earns fewer points.
        old, new = old.split(" ")[0], new.split(" ")[0]
        before, after = _number(old), _number(new)
        if before is not None and after is not None and after > before:
            found.append(Loss(path, f"{where} goes from {old} to {new}"))
        return
    before, after = _number(old), _number(new)
    direction = _direction(path)
    if before is None or after is None or direction is None:
        return
    if (direction == "higher" and after > before) or (direction == "lower" and after < before):
        found.append(Loss(path, f"{where} goes from {old} to {new}"))


def _walk_list(
    old: Sequence[Any], new: Sequence[Any], path: Path, key: str, found: list[Loss]
) -> None:
    old_ids, new_ids = _by_id(old), _by_id(new)
    if old_ids is not None and new_ids is not None:
        for item_id, (index, item) in old_ids.items():
            if item_id not in new_ids:
                found.append(Loss((*path, index), f"removes '{item_id}' from {format_path(path)}"))
                continue
            new_index, new_item = new_ids[item_id]
            _walk(item, new_item, (*path, new_index), found)
        return
    if key in _TIER_LISTS and all(isinstance(x, str) for x in (*old, *new)):
        gone = [t for t in old if t not in new]
        if gone:
            found.append(Loss(path, f"{format_path(path)} no longer includes {', '.join(gone)}"))
        return
    if len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _walk(a, b, (*path, index), found)
