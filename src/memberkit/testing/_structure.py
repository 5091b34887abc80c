"""The structural diff of two policies: what was added, removed or changed, and where.

Items with an ``id`` (benefits, earning rules, tiers, stages, versions' lists) are matched by id,
and versions by their ``effective_from``, so moving a rule is not a change and a renamed id is
one removal and one addition. Everything else is compared key by key; a list without ids that
differs is one change. Each change carries the ``line:column`` of the old and the new text, from
the located YAML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .._paths import Path, format_path
from ..policy._yaml import Located
from ._kinds import plain

__all__ = ["Change", "structural_diff"]


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two policies, at its path in the new policy (or the old one)."""

    kind: Literal["added", "removed", "changed"]
    path: str
    old_at: str | None
    """``line:column`` in the old policy; None for an addition."""
    new_at: str | None
    """``line:column`` in the new policy; None for a removal."""
    old: object = None
    new: object = None

    def as_dict(self) -> dict[str, object]:
        """The change as JSON-ready data."""
        return {
            "kind": self.kind,
            "path": self.path,
            "old_at": self.old_at,
            "new_at": self.new_at,
            "old": self.old,
            "new": self.new,
        }


def _at(located: Located, path: Path) -> str:
    mark = located.locate(path)
    return f"{mark.line}:{mark.column}"


def _ids(items: Sequence[Any], path: Path = ()) -> dict[str, int] | None:
    # Versions have no id: each is known by when it takes effect, so a version given a
    # ``reviews:`` or a new change shows as that, not as the whole list changed.
    key = "effective_from" if path == ("versions",) else "id"
    if not items or not all(isinstance(i, Mapping) and i.get(key) is not None for i in items):
        return None
    if key == "id" and not all(isinstance(i["id"], str) for i in items):
        return None
    found = {str(item[key]): n for n, item in enumerate(items)}
    return found if len(found) == len(items) else None


class _Walker:
    def __init__(self, old: Located, new: Located) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []

    def added(self, new_path: Path, value: Any) -> None:
        self.changes.append(
            Change(
                "added", format_path(new_path), None, _at(self.new, new_path), None, plain(value)
            )
        )

    def removed(self, old_path: Path, value: Any) -> None:
        self.changes.append(
            Change("removed", format_path(old_path), _at(self.old, old_path), None, plain(value))
        )

    def walk(self, a: Any, b: Any, old_path: Path, new_path: Path) -> None:
        if a == b and type(a) is type(b):
            return
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for key in b:
                if key not in a:
                    self.added((*new_path, key), b[key])
                else:
                    self.walk(a[key], b[key], (*old_path, key), (*new_path, key))
            for key in a:
                if key not in b:
                    self.removed((*old_path, key), a[key])
            return
        if isinstance(a, list) and isinstance(b, list):
            a_ids, b_ids = _ids(a, old_path), _ids(b, new_path)
            if a_ids is not None and b_ids is not None:
                for item_id, j in b_ids.items():
                    if item_id in a_ids:
                        i = a_ids[item_id]
                        self.walk(a[i], b[j], (*old_path, i), (*new_path, j))
                    else:
                        self.added((*new_path, j), b[j])
                for item_id, i in a_ids.items():
                    if item_id not in b_ids:
                        self.removed((*old_path, i), a[i])
                return
        self.changes.append(
            Change(
                "changed",
                format_path(new_path),
                _at(self.old, old_path),
                _at(self.new, new_path),
                plain(a),
                plain(b),
            )
        )


def structural_diff(old: Located, new: Located) -> list[Change]:
    """Every difference between two located policy documents, in the new policy's order."""
    walker = _Walker(old, new)
    walker.walk(old.data, new.data, (), ())
    return walker.changes
