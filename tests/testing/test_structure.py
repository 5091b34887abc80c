"""The structural diff: ids matched across moves, changes located in both files."""

from __future__ import annotations

from memberkit.policy._yaml import read_yaml
from memberkit.testing._structure import structural_diff

OLD = """benefits:
  - {id: a, quota: {count: 1, per: year}}
  - {id: b}
"""


def diff(new: str) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, path, old line:col, new line:col) of every change from OLD to ``new``."""
    changes = structural_diff(read_yaml(OLD, "old.yaml"), read_yaml(new, "new.yaml"))
    return [(c.kind, c.path, c.old_at, c.new_at) for c in changes]


def test_moving_a_rule_is_no_change() -> None:
    """Items with ids are matched by id, not by position."""
    assert diff("benefits:\n  - {id: b}\n  - {id: a, quota: {count: 1, per: year}}\n") == []


def test_a_changed_number_is_located_in_both_files() -> None:
    """A quota count that moves is one change with both locations."""
    assert diff(OLD.replace("count: 1", "count: 3")) == [
        ("changed", "benefits[0].quota.count", "2:28", "2:28")
    ]


def test_a_renamed_id_is_a_removal_and_an_addition() -> None:
    """Renaming b to c removes b and adds c."""
    assert diff(OLD.replace("{id: b}", "{id: c}")) == [
        ("added", "benefits[1]", None, "3:5"),
        ("removed", "benefits[1]", "3:5", None),
    ]


def test_a_new_key_is_an_addition() -> None:
    """A key only the new policy has is added at its place."""
    assert diff(OLD + "program: {id: x}\n") == [("added", "program", None, "4:10")]
