"""The generated reference pages cover the code: every policy key, every export, every command."""

from __future__ import annotations

from typing import Any

import pytest
from tests.docs.builders import reference_generator

import memberkit
from memberkit.cli import _main


def _keys(node: Any, defs: dict[str, Any]) -> set[str]:
    """Every property name anywhere in the policy schema."""
    found: set[str] = set()
    if isinstance(node, dict):
        found.update(node.get("properties", {}))
        for value in node.values():
            found |= _keys(value, defs)
    elif isinstance(node, list):
        for value in node:
            found |= _keys(value, defs)
    return found


def test_the_policy_reference_lists_every_key_of_the_schema() -> None:
    """Each key that the policy JSON Schema knows has a row in the policy reference."""
    schema = memberkit.policy_json_schema()
    page = reference_generator().policy_reference()
    missing = sorted(k for k in _keys(schema, schema["$defs"]) if f"| `{k}` |" not in page)
    assert missing == []


def test_the_policy_reference_shows_defaults_and_required_keys() -> None:
    """The programme's locale shows its default and its currency is marked required."""
    page = reference_generator().policy_reference()
    assert "| `locale` | string | `en` |" in page
    assert "| `currency` | string | *required* |" in page


@pytest.mark.parametrize("module", ["memberkit", "memberkit.benefits", "memberkit.policy"])
def test_the_api_reference_mentions_every_export(module: str) -> None:
    """Each name in a public package's __all__ appears in the API reference."""
    import importlib

    page = reference_generator().api_reference()
    names = importlib.import_module(module).__all__
    assert [n for n in names if f"`{n}`" not in page] == []


def test_the_cli_reference_has_a_section_per_subcommand() -> None:
    """Each subcommand of the memberkit parser gets its own section with its usage."""
    page = reference_generator().cli_reference()
    commands = [
        name
        for action in _main._parser()._actions
        if hasattr(action, "choices") and isinstance(action.choices, dict)
        for name in action.choices
    ]
    assert commands
    assert [c for c in commands if f"usage: memberkit {c}" not in page] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Use ``x``.", "Use `x`."),
        ("Like this::\n\n    a: 1\n", "Like this:\n\n```yaml\na: 1\n```"),
        (">>> 1 + 1\n2", "```pycon\n>>> 1 + 1\n2\n```"),
    ],
)
def test_docstrings_become_markdown(text: str, expected: str) -> None:
    """Docstring literals, literal blocks and doctests turn into Markdown code."""
    assert reference_generator().rst_to_markdown(text) == expected
