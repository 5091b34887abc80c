"""Cross-checks and compilation of the `lifecycle:` section."""

from __future__ import annotations

from dataclasses import dataclass

from .._compiled_base import CheckContext
from .._paths import Finding
from .._program import ProgramInfo
from ._model import LifecycleSection

__all__ = ["CompiledLifecycle", "check_lifecycle", "compile_lifecycle"]


@dataclass(frozen=True, slots=True)
class CompiledLifecycle:
    """The lifecycle section compiled for evaluation."""

    section: LifecycleSection


def check_lifecycle(section: LifecycleSection, ctx: CheckContext) -> list[Finding]:
    """Cross-field problems of the section (references, ordering), with absolute paths."""
    return []


def compile_lifecycle(
    section: LifecycleSection, info: ProgramInfo, ctx: CheckContext
) -> CompiledLifecycle:
    """Compile a checked section once, at load time."""
    return CompiledLifecycle(section)
