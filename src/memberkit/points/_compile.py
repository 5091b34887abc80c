"""Cross-checks and compilation of the `points:` section."""

from __future__ import annotations

from dataclasses import dataclass

from .._compiled_base import CheckContext
from .._paths import Finding
from .._program import ProgramInfo
from ._model import PointsSection

__all__ = ["CompiledPoints", "check_points", "compile_points"]


@dataclass(frozen=True, slots=True)
class CompiledPoints:
    """The points section compiled for evaluation."""

    section: PointsSection


def check_points(section: PointsSection, ctx: CheckContext) -> list[Finding]:
    """Cross-field problems of the section (references, ordering), with absolute paths."""
    return []


def compile_points(section: PointsSection, info: ProgramInfo, ctx: CheckContext) -> CompiledPoints:
    """Compile a checked section once, at load time."""
    return CompiledPoints(section)
