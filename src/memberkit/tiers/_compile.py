"""Cross-checks and compilation of the `tiers:` section."""

from __future__ import annotations

from dataclasses import dataclass

from .._compiled_base import CheckContext
from .._paths import Finding
from .._program import ProgramInfo
from ._model import TiersSection

__all__ = ["CompiledTiers", "check_tiers", "compile_tiers"]


@dataclass(frozen=True, slots=True)
class CompiledTiers:
    """The tiers section compiled for evaluation."""

    section: TiersSection


def check_tiers(section: TiersSection, ctx: CheckContext) -> list[Finding]:
    """Cross-field problems of the section (references, ordering), with absolute paths."""
    return []


def compile_tiers(section: TiersSection, info: ProgramInfo, ctx: CheckContext) -> CompiledTiers:
    """Compile a checked section once, at load time."""
    return CompiledTiers(section)
