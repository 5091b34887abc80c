"""The generated reference pages cover the code: every policy key, every export, every command."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from tests.docs.builders import DOCS, ROOT, reference_generator

import memberkit
from memberkit.cli import _main


def _keys(node: Any, defs: dict[str, Any]) -> set[str]:
    """Every property name anywhere in the policy schema (conditions' fields have their own page)."""
    found: set[str] = set()
    if isinstance(node, dict) and str(node.get("title", "")).endswith(" condition"):
        return found
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


def _rows(page: str) -> list[tuple[str, list[str]]]:
    """(section heading, cells) of every table row that documents a key."""
    rows = []
    heading = ""
    for line in page.splitlines():
        if line.startswith("## "):
            heading = line
        elif line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            rows.append((heading, cells))
    return rows


def test_the_committed_reference_pages_are_up_to_date() -> None:
    """docs/reference/{policy,conditions,codes}.md equal what the code generates now."""
    stale = reference_generator().stale_pages()
    assert stale == [], f"regenerate with: python scripts/docs_reference.py ({stale})"


def test_a_stale_page_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    """The staleness check fails when the generated text differs from the committed file."""
    generator = reference_generator()
    monkeypatch.setitem(generator.COMMITTED, "reference/policy.md", lambda: "# changed\n")
    assert generator.stale_pages() == ["reference/policy.md"]


def test_every_policy_key_has_a_description_and_an_example() -> None:
    """Each row of the policy reference says what the key does and shows it written."""
    page = (DOCS / "reference" / "policy.md").read_text(encoding="utf-8")
    rows = _rows(page)
    assert len(rows) > 150
    bare = [
        f"{heading} {cells[0]}"
        for heading, cells in rows
        if cells[3].startswith("*e.g.*") or not cells[3] or "e.g." not in cells[3]
    ]
    assert bare == []


def test_every_condition_field_is_listed_with_a_meaning() -> None:
    """The conditions page has a typed, explained row for each field of every vocabulary."""
    from memberkit.lifecycle._vocabulary import AUDIENCE_FIELDS, RFM_FIELDS, STAGE_FIELDS
    from memberkit.rules import EVENT_FIELDS, MEMBER_FIELDS, TIME_FIELDS

    page = (DOCS / "reference" / "conditions.md").read_text(encoding="utf-8")
    rows = {cells[0].strip("`"): cells for _, cells in _rows(page)}
    fields = {*EVENT_FIELDS, *MEMBER_FIELDS, *TIME_FIELDS, *STAGE_FIELDS, *RFM_FIELDS}
    fields |= set(AUDIENCE_FIELDS)
    assert sorted(fields - set(rows)) == []
    assert [f for f in fields if not rows[f][1] or not rows[f][2]] == []
    assert "One of: `day`, `week`, `month`" in rows["birthday"][2]


def test_no_reference_page_shows_a_python_repr() -> None:
    """Vocabularies render as tables, not as mappingproxy(...) or enum reprs."""
    generator = reference_generator()
    pages = [generator.api_reference()]
    pages += [(DOCS / "reference" / n).read_text(encoding="utf-8") for n in _COMMITTED]
    assert [p[:40] for p in pages if "mappingproxy" in p or "<FieldType." in p] == []


_COMMITTED = ("policy.md", "conditions.md", "codes.md")


def test_the_code_catalogue_lists_every_code_the_goldens_show() -> None:
    """Each [code] in the golden policy messages, and each reason code, is in the catalogue."""
    from memberkit.i18n import known_codes

    page = (DOCS / "reference" / "codes.md").read_text(encoding="utf-8")
    listed = {cells[0].strip("`") for _, cells in _rows(page)}
    golden = ROOT / "tests" / "policy" / "golden"
    shown = {
        m for f in golden.glob("*.out") for m in re.findall(r"\[([a-z_]+)\]$", f.read_text(), re.M)
    }
    assert shown
    assert sorted(shown - listed) == []
    assert sorted(set(known_codes()) - listed) == []


@pytest.mark.parametrize("name", _COMMITTED)
def test_every_anchor_link_in_a_committed_page_resolves(name: str) -> None:
    """A link to #anchor (or page.md#anchor) names a heading id of the page it points to."""
    page = (DOCS / "reference" / name).read_text(encoding="utf-8")
    broken = []
    for target, fragment in re.findall(r"\]\(([a-z]*\.md)?#([a-z0-9_-]+)\)", page):
        text = (DOCS / "reference" / target).read_text(encoding="utf-8") if target else page
        if f"{{#{fragment}}}" not in text:
            broken.append(f"{target}#{fragment}")
    assert broken == []


def test_the_strict_docs_build_validates_anchors() -> None:
    """mkdocs.yml turns links to missing anchors into warnings, which --strict makes fatal."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["strict"] is True
    assert config["validation"]["links"]["anchors"] == "warn"
