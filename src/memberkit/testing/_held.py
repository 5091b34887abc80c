"""What members hold that a policy change renames or drops: tiers and points currencies.

``memberkit diff`` lists these beside the structural diff, because they decide whether stored
member states still read: a tier or currency the new policy renames (its ``renames:``, at the
top level or in a version) carries members over; one it drops without a rename leaves every
stored state holding it unreadable (``StateError``). With a member sample, each entry says how
many members hold the id under the old policy at ``as_of``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .._compiled import Policy
from ..policy._renames import RenamesSection, edition_ids
from ..policy._versions import effective_moment

__all__ = ["HeldChange", "held_changes", "holds"]

_KINDS = (("tiers", "tier"), ("currencies", "currency"))


@dataclass(frozen=True, slots=True)
class HeldChange:
    """A tier or currency members may hold that the new policy renames (``new``) or drops."""

    kind: str
    """``tier`` or ``currency``."""
    old: str
    new: str | None
    """The id members carry on under; None when the new policy drops ``old`` with no rename."""
    path: str
    """Where the new policy says so (``versions[0].renames.tiers.gold``), or the section that
    no longer has it."""
    at: datetime | None = None
    """When the rename takes effect (a version's start); None for the policy as a whole."""

    def as_dict(self, members: int | None) -> dict[str, object]:
        """JSON-ready data, with the number of sample members holding ``old`` (None: no sample)."""
        return {
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "path": self.path,
            "at": self.at.isoformat() if self.at is not None else None,
            "members": members,
        }


def _renames(section: RenamesSection | None, kind: str) -> Mapping[str, str]:
    return {} if section is None else dict(getattr(section, kind))


def held_changes(old: Policy, new: Policy) -> list[HeldChange]:
    """Ids of the old policy's latest edition the new one renames or drops, then the renames
    the new policy's versions make that the old policy's versions did not."""
    found: list[HeldChange] = []
    latest = old.document.model_copy(
        update={
            name: getattr(version, name)
            for version in old.document.versions
            for name in ("tiers", "points")
            if name in version.model_fields_set
        }
    )
    before = dict(zip(("tiers", "currencies"), edition_ids(latest), strict=True))
    after = dict(zip(("tiers", "currencies"), edition_ids(new.document), strict=True))
    for kind, word in _KINDS:
        mapping = _renames(new.document.renames, kind)
        section = "tiers" if kind == "tiers" else "points"
        if getattr(new.document, section) is None:
            continue
        for held in before[kind]:
            if held in after[kind]:
                continue
            target = mapping.get(held)
            path = f"renames.{kind}.{held}" if target is not None else section
            found.append(HeldChange(word, held, target, path))
    known = {
        (effective_moment(v, old.info.tz), kind, a, b)
        for v in old.document.versions
        for kind, _ in _KINDS
        for a, b in _renames(v.renames, kind).items()
    }
    for index, version in enumerate(new.document.versions):
        moment = effective_moment(version, new.info.tz)
        for kind, word in _KINDS:
            for a, b in _renames(version.renames, kind).items():
                if (moment, kind, a, b) in known:
                    continue
                path = f"versions[{index}].renames.{kind}.{a}"
                found.append(HeldChange(word, a, b, path, moment))
    return found


def holds(decisions: Mapping[str, object], change: HeldChange) -> bool:
    """Whether collected decisions (``testing._collect``) show the member holding ``change.old``."""
    if change.kind == "tier":
        return decisions.get("tier") == change.old
    points = decisions.get("points")
    held = points.get(change.old) if isinstance(points, Mapping) else None
    if not isinstance(held, Mapping):
        return False
    return any(_positive(held.get(k)) for k in ("available", "pending"))


def _positive(value: object) -> bool:
    try:
        return Decimal(str(value)) > 0
    except ArithmeticError:
        return False
