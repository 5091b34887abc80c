"""A version that states only what changed: ``changes:``, applied to the edition before it.

A version may give a section whole (``tiers: {...}``) or list changes to the sections before it::

    versions:
      - effective_from: 2027-01-01
        announced: 2026-11-15
        changes:
          - {at: tiers.ladder.gold.qualify.spend, set: 8000}
          - {at: tiers.ladder, add: {id: diamond, qualify: {spend: 50000}}, after: platinum}
          - {at: points.earn.base.points, set: 2}
          - {at: benefits.free-shipping, remove: true}

``at`` is a path from a section: mapping keys, and the ids of items in a list (a ladder's tiers,
earning rules, benefits...). ``set`` replaces the value there (or adds a key to a mapping),
``add`` puts a new item with an id into a list (at the end, or ``after``/``before`` an id), and
``remove`` takes a key or an item away. The changes are applied in order to the sections in force
just before the version; the result is that version's section, checked like one written whole,
and every mistake in it points at the line where it was written (in the version's change, or in
the earlier edition it came from).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from .._paths import Finding, Path, format_path
from ._versions import SECTIONS
from ._yaml import Located, Mark

__all__ = ["expand_changes"]

VERBS = ("set", "add", "remove")


class _ChangeError(Exception):
    def __init__(self, field: str, message: str, code: str = "bad_change") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


def _steps(at: object) -> tuple[str, ...] | None:
    if isinstance(at, str) and at.strip():
        return tuple(part.strip() for part in at.split("."))
    if isinstance(at, list) and at and all(isinstance(p, str) and p for p in at):
        return tuple(at)
    return None


def _ids(items: list[Any]) -> list[str]:
    return [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]


def _item(items: list[Any], wanted: str) -> int | None:
    for index, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == wanted:
            return index
    return None


def _unknown(step: str, known: Sequence[str], where: tuple[str, ...], kind: str) -> _ChangeError:
    close = difflib.get_close_matches(step, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listed = ", ".join(known) if known else "none"
    if not where:
        message = f"a change starts at a section; {step!r} is not one ({kind}s: {listed}){hint}"
    else:
        message = f"{format_path(where)} has no {kind} {step!r} ({kind}s: {listed}){hint}"
    return _ChangeError("at", message, "unknown_change_path")


class _Edition:
    """Working copies of the sections a version changes, with where each part was written."""

    def __init__(self) -> None:
        self.origin: dict[int, Path] = {}
        self.scalars: dict[tuple[int, str | int], Path] = {}

    def copy(self, value: Any, path: Path) -> Any:
        """A deep copy of ``value`` written at ``path``, remembering where each part came from."""
        if isinstance(value, dict):
            out: Any = {k: self.copy(v, (*path, k)) for k, v in value.items()}
        elif isinstance(value, list):
            out = [self.copy(v, (*path, i)) for i, v in enumerate(value)]
        else:
            return value
        self.origin[id(out)] = path
        return out

    def put(self, parent: Any, key: str | int, value: Any, written: Path) -> None:
        """Place ``value`` (written at ``written``) under ``parent[key]``."""
        parent[key] = self.copy(value, written)
        if not isinstance(value, dict | list):
            self.scalars[(id(parent), key)] = written

    def relocate(
        self,
        node: Any,
        path: Path,
        located: Located,
        values: dict[Path, Mark],
        keys: dict[Path, Mark],
    ) -> None:
        """Give ``node`` (now at ``path``) and everything under it the marks of where it was written."""
        old = self.origin.get(id(node))
        if old is not None:
            if old in located.values:
                values[path] = located.values[old]
            if old in located.keys:
                keys[path] = located.keys[old]
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in children:
            here = (*path, key)
            if isinstance(child, dict | list):
                self.relocate(child, here, located, values, keys)
                if old is not None and (*old, key) in located.keys and here not in keys:
                    keys[here] = located.keys[(*old, key)]
                continue
            source = self.scalars.get((id(node), key))
            if source is None and old is not None:
                source = (*old, key)
            if source is not None and source in located.values:
                values[here] = located.values[source]
            if old is not None and (*old, key) in located.keys:
                keys[here] = located.keys[(*old, key)]


def _parent(root: Any, rest: tuple[str, ...], section: str) -> tuple[Any, tuple[str, ...]]:
    """The node holding the path's last step, and its path for messages."""
    node = root
    where: tuple[str, ...] = (section,)
    for step in rest[:-1]:
        node = _child(node, step, where)
        where = (*where, step)
    return node, where


def _slot(node: Any, last: str, where: tuple[str, ...], *, new_key: bool) -> str | int:
    """Where ``last`` sits in ``node``: a mapping key (a new one when ``new_key``) or the index
    of the list item with that id."""
    if isinstance(node, list):
        index = _item(node, last)
        if index is None:
            raise _unknown(last, _ids(node), where, "item")
        return index
    if isinstance(node, dict):
        if last not in node and not new_key:
            raise _unknown(last, [str(k) for k in node], where, "key")
        return last
    raise _ChangeError(
        "at", f"{format_path(where)} holds a single value; {last!r} is not inside it"
    )


def _child(node: Any, step: str, where: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        if step not in node:
            raise _unknown(step, [str(k) for k in node], where, "key")
        return node[step]
    if isinstance(node, list):
        index = _item(node, step)
        if index is None:
            if not _ids(node):
                raise _ChangeError(
                    "at",
                    f"the list at {format_path(where)} has no item ids to name; set it whole",
                )
            raise _unknown(step, _ids(node), where, "item")
        return node[index]
    raise _ChangeError(
        "at", f"{format_path(where)} holds a single value; {step!r} is not inside it"
    )


def _apply(edition: _Edition, sections: dict[str, Any], op: dict[str, Any], where: Path) -> None:
    steps = _steps(op.get("at"))
    if steps is None:
        raise _ChangeError(
            "at", "'at' names where to change: a path such as tiers.ladder.gold.qualify"
        )
    section, rest = steps[0], steps[1:]
    if section not in SECTIONS:
        raise _unknown(section, SECTIONS, (), "section")
    if section not in sections:
        raise _ChangeError(
            "at",
            f"there is no {section} section before this version to change; write it whole "
            f"({section}: ...)",
        )
    verbs = [verb for verb in VERBS if verb in op]
    if len(verbs) != 1:
        raise _ChangeError(
            "", "a change does one thing: give exactly one of 'set', 'add' or 'remove' with 'at'"
        )
    verb = verbs[0]
    placing = [k for k in ("after", "before") if k in op]
    if placing and verb != "add":
        raise _ChangeError(placing[0], f"'{placing[0]}' places an added item: it goes with 'add'")
    if verb == "add":
        _add(edition, sections, section, rest, op, where)
        return
    if not rest:
        if verb == "remove":
            raise _ChangeError("at", f"to drop the {section} section, set it whole in a version")
        sections[section] = edition.copy(op["set"], (*where, "set"))
        return
    parent, here = _parent(sections[section], rest, section)
    if verb == "remove":
        if op["remove"] is not True:
            raise _ChangeError("remove", "write 'remove: true' to take the key or item away")
        del parent[_slot(parent, rest[-1], here, new_key=False)]
        return
    value = op["set"]
    if value is None:
        raise _ChangeError("set", "'set' needs a value; to take a key away write 'remove: true'")
    edition.put(parent, _slot(parent, rest[-1], here, new_key=True), value, (*where, "set"))


def _add(
    edition: _Edition,
    sections: dict[str, Any],
    section: str,
    rest: tuple[str, ...],
    op: dict[str, Any],
    where: Path,
) -> None:
    target = sections[section]
    here: tuple[str, ...] = (section,)
    for step in rest:
        target = _child(target, step, here)
        here = (*here, step)
    item = op["add"]
    if not isinstance(target, list):
        raise _ChangeError("at", f"'add' puts an item into a list; {format_path(here)} is not one")
    if not isinstance(item, dict) or "id" not in item:
        raise _ChangeError("add", "the added item needs an id, e.g. {id: diamond, ...}")
    if _item(target, str(item["id"])) is not None:
        raise _ChangeError(
            "add",
            f"{format_path(here)} already has {item['id']!r}; change it with set "
            f"(at: {'.'.join(here)}.{item['id']})",
        )
    position = len(target)
    for side in ("after", "before"):
        if side not in op:
            continue
        index = _item(target, str(op[side]))
        if index is None:
            raise _ChangeError(side, str(_unknown(str(op[side]), _ids(target), here, "item")))
        position = index + 1 if side == "after" else index
    target.insert(position, edition.copy(item, (*where, "add")))


def expand_changes(located: Located) -> tuple[Located, list[Finding]]:
    """The document with each version's ``changes`` applied into whole sections of that version."""
    data = located.data
    versions = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(versions, list) or not any(
        isinstance(v, dict) and v.get("changes") is not None for v in versions
    ):
        return located, []
    findings: list[Finding] = []
    values, keys = dict(located.values), dict(located.keys)
    view = Located(located.source, data, values, keys)
    current: dict[str, tuple[Any, Path]] = {
        name: (data[name], (name,)) for name in SECTIONS if data.get(name) is not None
    }
    expanded: list[Any] = []
    for i, version in enumerate(versions):
        if not isinstance(version, dict):
            expanded.append(version)
            continue
        for name in SECTIONS:
            if version.get(name) is not None:
                current[name] = (version[name], ("versions", i, name))
        changes = version.get("changes")
        if not isinstance(changes, list):
            expanded.append(version)
            continue
        edition = _Edition()
        working: dict[str, Any] = {}
        for k, op in enumerate(changes):
            where: Path = ("versions", i, "changes", k)
            if not isinstance(op, dict):
                continue  # the schema says what a change is
            steps = _steps(op.get("at"))
            section = steps[0] if steps else ""
            if version.get(section) is not None:
                findings.append(
                    Finding(
                        (*where, "at"),
                        f"this version gives the {section} section whole; write the change "
                        "into it, or give the section as changes only",
                        "bad_change",
                    )
                )
                continue
            if section in current and section not in working:
                value, path = current[section]
                working[section] = edition.copy(value, path)
            try:
                _apply(edition, working, op, where)
            except _ChangeError as refused:
                path = (*where, refused.field) if refused.field else where
                findings.append(Finding(path, refused.message, refused.code))
        out = dict(version)
        for name, value in working.items():
            out[name] = value
            edition.relocate(value, ("versions", i, name), view, values, keys)
            current[name] = (value, ("versions", i, name))
        expanded.append(out)
    if findings:
        return located, findings
    document = dict(data)
    document["versions"] = expanded
    return Located(located.source, document, values, keys), []
