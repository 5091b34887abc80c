"""A compiled policy: one or more programme versions, each with its parts compiled to closures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ._program import ProgramInfo
from .benefits._compile import CompiledBenefits
from .lifecycle._compile import CompiledLifecycle
from .points._compile import CompiledPoints
from .tiers._compile import CompiledTiers

if TYPE_CHECKING:
    from .policy._document import PolicyDocument

__all__ = ["CompiledProgram", "Policy"]


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


@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded, validated, compiled programme. Immutable; safe to share between threads."""

    source: str
    document: PolicyDocument
    versions: tuple[CompiledProgram, ...]
    """Oldest first; the first has no start, each later one starts at its ``effective_from``."""

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
