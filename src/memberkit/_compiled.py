"""A compiled policy: one or more programme versions, each with its parts compiled to closures."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from ._program import ProgramInfo
from .benefits._compile import CompiledBenefits
from .lifecycle._compile import CompiledLifecycle
from .points._compile import CompiledPoints
from .tiers._compile import CompiledTiers

if TYPE_CHECKING:
    from .policy._document import PolicyDocument

__all__ = ["CompiledProgram", "Policy", "Renames", "ReviewRule"]


@dataclass(frozen=True, slots=True)
class Renames:
    """Old id -> new id for the tiers and points currencies members hold (policy ``renames:``)."""

    tiers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    currencies: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __bool__(self) -> bool:
        return bool(self.tiers or self.currencies)

    def then(self, later: Renames) -> Renames:
        """This mapping followed by ``later``: every old id to where it ends up, and later's own."""
        tiers = {**{a: later.tiers.get(b, b) for a, b in self.tiers.items()}, **later.tiers}
        currencies = {
            **{a: later.currencies.get(b, b) for a, b in self.currencies.items()},
            **later.currencies,
        }
        return Renames(tiers=MappingProxyType(tiers), currencies=MappingProxyType(currencies))


@dataclass(frozen=True, slots=True)
class ReviewRule:
    """A version's ``reviews:``: its tiers review the statuses (or windows) dated from ``since``."""

    by: str
    """``status_expiry`` (the last day the status under review is held) or ``window_start``."""
    since: date
    """The first such date (a local date of the programme) this version's tiers review."""


@dataclass(frozen=True, slots=True)
class CompiledProgram:
    """One version of a programme, ready to evaluate; parts a policy omits are None."""

    info: ProgramInfo
    tiers: CompiledTiers | None
    points: CompiledPoints | None
    benefits: CompiledBenefits | None
    lifecycle: CompiledLifecycle | None
    effective_from: datetime | None = None
    """When this version starts to apply; None for the first version."""
    renames: Renames = field(default_factory=Renames)
    """What this version renames at its start (its ``renames:``; for the first version, empty)."""
    reads: Renames = field(default_factory=Renames)
    """Every id an earlier edition used, or the top-level ``renames:`` names, to its id here:
    a member state holding an id this version does not know is read through it."""
    tiers_since: datetime | None = None
    """When this version's tiers section was first in force (None: the top level's)."""
    review_rule: ReviewRule | None = None
    """This version's ``reviews:``: which reviews its tiers decide (None: all, by the moment)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded, validated, compiled programme. Immutable; safe to share between threads.

    It pickles (to reach worker processes): the pickle holds the validated document, and
    unpickling compiles it again, so the copy decides exactly as the original.
    """

    source: str
    document: PolicyDocument
    versions: tuple[CompiledProgram, ...]
    """Oldest first; the first has no start, each later one starts at its ``effective_from``."""

    def __reduce__(
        self,
    ) -> tuple[Callable[[str, PolicyDocument], Policy], tuple[str, PolicyDocument]]:
        # The compiled closures cannot be pickled; the validated document can, and compiling it
        # again gives the same decisions. This is how a policy reaches a worker process.
        from .policy._load import rebuild_policy

        return rebuild_policy, (self.source, self.document)

    @property
    def info(self) -> ProgramInfo:
        """The programme facts of the first version (id, currency, timezone, locale)."""
        return self.versions[0].info

    def at(self, moment: datetime) -> CompiledProgram:
        """The version in force at ``moment``."""
        current = self.versions[0]
        for version in self.versions[1:]:
            if version.effective_from is not None and version.effective_from <= moment:
                current = version
            else:
                break
        return current

    def next_boundary(self, moment: datetime) -> datetime | None:
        """The first version start strictly after ``moment`` (None when no later version)."""
        for version in self.versions[1:]:
            if version.effective_from is not None and version.effective_from > moment:
                return version.effective_from
        return None
