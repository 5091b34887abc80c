"""Rule coverage: which rules of a policy (by policy path) some decision's reasons pointed at.

The rules counted are the items a programme team writes one by one: earning rules
(``points.earn[i]``), ladder tiers (``tiers.ladder[i]``), benefits (``benefits[i]``) and stages
(``lifecycle.stages[i]``), in the top-level sections and in every version that replaces them
(``versions[1].benefits[0]``). A rule is exercised when a reason's path is the rule's path or lies
inside it, in the version that was in force when the decision was taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .._compiled import Policy
from .._paths import Path, format_path
from .._reasons import Reason
from ..policy._versions import SECTIONS, replaced_sections

__all__ = ["Coverage", "exercised_paths", "rule_paths", "stage_path", "version_index"]

_RULE_LISTS = {"tiers": "ladder", "points": "earn", "benefits": "", "lifecycle": "stages"}
"""Section → the list of its rules ('' when the section itself is the list)."""


def _items(section: object, key: str) -> int:
    if section is None:
        return 0
    items = getattr(section, "root", None) if not key else getattr(section, key, None)
    return len(items) if isinstance(items, tuple | list) else 0


def rule_paths(policy: Policy) -> tuple[str, ...]:
    """Every rule of every edition of the policy, in policy order."""
    document = policy.document
    out: list[str] = []
    for name in SECTIONS:
        key = _RULE_LISTS[name]
        count = _items(getattr(document, name), key)
        out += [format_path((name, key, i) if key else (name, i)) for i in range(count)]
    for v, version in enumerate(document.versions):
        for name in replaced_sections(version):
            key = _RULE_LISTS[name]
            for i in range(_items(getattr(version, name), key)):
                path: Path = ("versions", v, name, key, i) if key else ("versions", v, name, i)
                out.append(format_path(path))
    return tuple(out)


def version_index(policy: Policy, moment: datetime) -> int:
    """Which edition is in force at ``moment``: 0 for the top level, k + 1 for ``versions[k]``."""
    found = policy.at(moment)
    return next(i for i, v in enumerate(policy.versions) if v is found)


def _origin(policy: Policy, edition: int, section: str) -> str:
    """The path prefix where ``section`` of an edition was written ('' or 'versions[k].')."""
    for k in range(edition - 1, -1, -1):
        if section in replaced_sections(policy.document.versions[k]):
            return f"versions[{k}]."
    return ""


def exercised_paths(
    policy: Policy, edition: int, reasons: Iterable[Reason], extra: Iterable[str] = ()
) -> set[str]:
    """The absolute policy paths the reasons (and ``extra`` paths) name, in the deciding edition."""
    out: set[str] = set()
    for path in [*(r.path for r in reasons), *extra]:
        if not path:
            continue
        section = path.split(".", 1)[0].split("[", 1)[0]
        prefix = _origin(policy, edition, section) if section in SECTIONS else ""
        out.add(prefix + path)
    return out


def stage_path(policy: Policy, edition: int, stage_id: str) -> str | None:
    """The policy path of a lifecycle stage by id in an edition (``lifecycle.stages[5]``).

    A stage reached as the default carries no reason pointing at its own rule; this finds it.
    """
    section = policy.document.lifecycle
    for k in range(edition):
        version = policy.document.versions[k]
        if "lifecycle" in replaced_sections(version):
            section = version.lifecycle
    stages = getattr(section, "stages", None) or ()
    for index, stage in enumerate(stages):
        if getattr(stage, "id", None) == stage_id:
            return format_path(("lifecycle", "stages", index))
    return None


@dataclass(frozen=True, slots=True)
class Coverage:
    """Which rules the scenarios exercised, and which they never did."""

    rules: tuple[str, ...]
    covered: tuple[str, ...]
    missed: tuple[str, ...]

    @property
    def percent(self) -> float:
        """Share of rules exercised, 0-100 (100 when the policy has no rules)."""
        return 100.0 if not self.rules else 100.0 * len(self.covered) / len(self.rules)

    @classmethod
    def of(cls, rules: Iterable[str], exercised: Iterable[str]) -> Coverage:
        """Match exercised reason paths to rules (a path inside a rule covers it)."""
        seen = set(exercised)
        all_rules = tuple(dict.fromkeys(rules))
        covered = tuple(
            r for r in all_rules if any(p == r or p.startswith((r + ".", r + "[")) for p in seen)
        )
        missed = tuple(r for r in all_rules if r not in covered)
        return cls(all_rules, covered, missed)
