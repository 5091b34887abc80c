"""Renames: what members hold that a new edition of the policy calls by another id.

Members hold tiers and points by id. A version that drops a tier or a points currency would
leave every member holding it with something the programme no longer knows, so it must say
where they go::

    versions:
      - effective_from: 2027-01-01
        announced: 2026-11-15
        renames:
          tiers: {gold: vip}          # members in gold are in vip from 1 Jan 2027
          currencies: {stars: beans}  # stars held carry on as beans, same dates, same amounts
        tiers: {...}                  # a ladder with vip and without gold
        points: {...}                 # currencies with beans and without stars

A policy file edited in place (no version) states the same at the top level: ``renames:`` maps
the ids its previous edition used to the ids it uses now, and member states stored under the
previous edition are read through it.

Several tiers may go to one (gold and platinum merged into vip); a currency goes to a new
currency of the same precision, one to one (merging two balances would mix their lots).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from .._compiled_base import did_you_mean
from .._paths import Finding, Path
from .._program import Ident

if TYPE_CHECKING:
    from ._document import PolicyDocument

__all__ = [
    "RenamesSection",
    "edition_ids",
    "removal_findings",
    "rename_findings",
    "renamed_data",
]


class RenamesSection(BaseModel):
    """Old id -> new id, for the tiers and points currencies members hold."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    tiers: Mapping[Ident, Ident] = Field(
        default_factory=dict,
        description="a tier members may hold -> the tier they hold instead, e.g. ``{gold: vip}``",
        examples=[{"gold": "vip"}],
    )
    currencies: Mapping[Ident, Ident] = Field(
        default_factory=dict,
        description="a points currency members may hold -> the currency it carries on as, "
        "e.g. ``{stars: beans}``",
        examples=[{"stars": "beans"}],
    )


def edition_ids(document: PolicyDocument) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tier ids and points currency ids an edition declares (``points`` for one currency)."""
    from ..points._compile import DEFAULT_CURRENCY

    tiers = document.tiers
    tier_ids = (
        ()
        if tiers is None
        else tuple(t.id for t in tiers.ladder) + tuple(t.id for t in tiers.paid or ())
    )
    points = document.points
    if points is None:
        currency_ids: tuple[str, ...] = ()
    elif points.currencies:
        currency_ids = tuple(c.id for c in points.currencies)
    else:
        currency_ids = (DEFAULT_CURRENCY,)
    return tier_ids, currency_ids


def _decimals(document: PolicyDocument, currency: str) -> int:
    points = document.points
    for spec in points.currencies if points is not None else ():
        if spec.id == currency:
            return spec.decimals
    return 0


_WORDS = {"tiers": ("tier", "unknown_tier"), "currencies": ("points currency", "unknown_currency")}


def rename_findings(
    renames: RenamesSection | None,
    where: Path,
    before: PolicyDocument | None,
    after: PolicyDocument,
) -> list[Finding]:
    """Problems with a ``renames:`` block leading from ``before`` (None: unknown) to ``after``.

    Each old id must be one the previous edition had and this one drops; each new id must be
    one this edition declares. Currencies go one to one, to a new currency of equal precision.
    """
    if renames is None:
        return []
    findings: list[Finding] = []
    old_ids = dict(zip(("tiers", "currencies"), edition_ids(before), strict=True)) if before else {}
    new_ids = dict(zip(("tiers", "currencies"), edition_ids(after), strict=True))
    for kind in ("tiers", "currencies"):
        word, unknown = _WORDS[kind]
        mapping: Mapping[str, str] = getattr(renames, kind)
        targets: dict[str, str] = {}
        for old, new in mapping.items():
            path: Path = (*where, kind, old)
            if before is not None and old not in old_ids[kind]:
                hint = did_you_mean(old, old_ids[kind])
                findings.append(
                    Finding(
                        path,
                        f"'{old}' is not a {word} of the edition before this one, so no member "
                        f"holds it{hint}",
                        unknown,
                    )
                )
                continue
            if old in new_ids[kind]:
                findings.append(
                    Finding(
                        path,
                        f"'{old}' is still a {word} of this edition; a rename moves members off "
                        f"a {word} the edition no longer has (remove '{old}' here, or from the "
                        f"{kind if kind == 'tiers' else 'points currencies'})",
                        "rename_kept",
                    )
                )
                continue
            if new not in new_ids[kind]:
                hint = did_you_mean(new, new_ids[kind])
                listed = (
                    "" if hint or not new_ids[kind] else f" ({kind}: {', '.join(new_ids[kind])})"
                )
                findings.append(Finding(path, f"unknown {word} '{new}'{hint}{listed}", unknown))
                continue
            if kind == "currencies":
                findings += _currency_findings(old, new, path, before, after, targets, old_ids)
            targets[new] = old
    return findings


def _currency_findings(
    old: str,
    new: str,
    path: Path,
    before: PolicyDocument | None,
    after: PolicyDocument,
    targets: dict[str, str],
    old_ids: Mapping[str, tuple[str, ...]],
) -> list[Finding]:
    # Two balances poured into one would mix lots of the same order under one id; a merge is
    # a conversion the programme runs as adjustments, not a rename.
    if new in targets or new in old_ids.get("currencies", ()):
        other = targets.get(new, new)
        return [
            Finding(
                path,
                f"'{new}' already receives '{other}'; a currency carries on as one new currency "
                "(merge balances with adjustment events instead)",
                "currency_merge",
            )
        ]
    if before is not None and _decimals(before, old) != _decimals(after, new):
        return [
            Finding(
                path,
                f"'{old}' has {_decimals(before, old)} decimals and '{new}' has "
                f"{_decimals(after, new)}; a renamed currency keeps its amounts, so both need "
                "the same decimals",
                "rename_precision",
            )
        ]
    return []


def removal_findings(
    renames: RenamesSection | None,
    where: Path,
    before: PolicyDocument,
    after: PolicyDocument,
) -> list[Finding]:
    """Tiers and currencies ``after`` drops from ``before`` without a rename saying where to."""
    findings: list[Finding] = []
    old_ids = dict(zip(("tiers", "currencies"), edition_ids(before), strict=True))
    new_ids = dict(zip(("tiers", "currencies"), edition_ids(after), strict=True))
    for kind, section in (("tiers", "tiers"), ("currencies", "points")):
        if getattr(after, section) is None:
            # A version without the section at all stops the part: nothing is held any more.
            continue
        word, _ = _WORDS[kind]
        mapping: Mapping[str, str] = getattr(renames, kind) if renames is not None else {}
        added = [i for i in new_ids[kind] if i not in old_ids[kind]]
        for old in old_ids[kind]:
            if old in new_ids[kind] or old in mapping:
                continue
            close = did_you_mean(old, added).removeprefix("; did you mean '").removesuffix("'?")
            target = close or (added or [*new_ids[kind], "<id>"])[0]
            message = (
                f"this edition drops the {word} '{old}', which members may hold; say where "
                f"they go: renames: {{{kind}: {{{old}: {target}}}}}"
            )
            if kind == "tiers":
                findings.append(Finding((*where, section), message, "removed_tier"))
            else:
                findings.append(Finding((*where, section), message, "removed_currency"))
    return findings


_TIER_LISTS = frozenset({"tiers", "never_while_tier", "receive_tiers"})
"""Keys whose value lists tier ids (benefits, expiry protection, transfers)."""


def renamed_data(data: Any, renames: RenamesSection | None) -> Any:
    """A section as written, with the ids ``renames`` moves written as their new ids.

    The notice lint compares a version with the edition before it; with the old ids renamed, a
    tier that only changed its name compares equal instead of counting as removed.
    """
    if renames is None or not (renames.tiers or renames.currencies):
        return data
    return _rename(data, dict(renames.tiers), dict(renames.currencies), None)


def _rename(data: Any, tiers: dict[str, str], currencies: dict[str, str], key: str | None) -> Any:
    if isinstance(data, Mapping):
        out: dict[Any, Any] = {}
        for k, v in data.items():
            if k == "by_tier" and isinstance(v, Mapping):
                out[k] = {tiers.get(t, t): x for t, x in v.items()}
            elif k == "id" and isinstance(v, str) and key in ("ladder", "paid"):
                out[k] = tiers.get(v, v)
            elif isinstance(v, str) and (k == "currency" or (k == "id" and key == "currencies")):
                out[k] = currencies.get(v, v)
            elif k in _TIER_LISTS and isinstance(v, list):
                out[k] = [tiers.get(t, t) if isinstance(t, str) else t for t in v]
            else:
                out[k] = _rename(v, tiers, currencies, str(k))
        return out
    if isinstance(data, list):
        return [_rename(item, tiers, currencies, key) for item in data]
    return data
