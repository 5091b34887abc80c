"""The condition reference page: every field each kind of condition may test, with its meaning.

Which conditions exist and where they are written comes from the policy JSON Schema; each field's
type and meaning come from the tables in the vocabularies' docstrings (``rules/_fields.py``,
``lifecycle/_vocabulary.py``), read with ``ast`` so the tables are written once, beside the code.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docs_markdown import anchor, cell, rst_to_markdown

__all__ = ["conditions_reference", "field_meanings", "rst_table"]

SRC = Path(__file__).resolve().parent.parent / "src" / "memberkit"
VOCABULARY_FILES = (
    SRC / "rules" / "_fields.py",
    SRC / "lifecycle" / "_vocabulary.py",
    SRC / "points" / "_timed_model.py",
)


def rst_table(text: str) -> list[list[str]]:
    """The rows of the first RST simple table in ``text`` (continuation lines joined)."""
    lines = text.splitlines()
    borders = [i for i, line in enumerate(lines) if line.strip().startswith("==")]
    if len(borders) < 3:
        return []
    border = lines[borders[0]]
    indent = len(border) - len(border.lstrip())
    starts = [indent] + [
        i + 1 for i in range(indent, len(border) - 1) if border[i] == " " and border[i + 1] == "="
    ]
    rows: list[list[str]] = []
    for line in lines[borders[1] + 1 : borders[2]]:
        if not line.strip():
            continue
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        if cells[0]:
            # A new row: split on runs of spaces, since wide (CJK) text shifts the columns.
            words = re.split(r"\s{2,}", line.strip(), maxsplit=len(starts) - 1)
            cells = words + [""] * (len(starts) - len(words))
        if not cells[0] and rows:
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
    return rows


def field_meanings() -> dict[str, tuple[str, str]]:
    """Field name -> (type, meaning), from every vocabulary docstring table."""
    found: dict[str, tuple[str, str]] = {}
    for path in VOCABULARY_FILES:
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node, after in itertools.pairwise(body):
            if not (
                isinstance(node, ast.AnnAssign | ast.Assign)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            ):
                continue
            for row in rst_table(inspect.cleandoc(after.value.value)):
                if len(row) >= 3 and row[0] != "field":
                    found.setdefault(row[0], (row[1].lower(), row[2]))
    return found


def _conditions(
    node: Any, path: str, defs: dict[str, Any], seen: frozenset[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(policy path, condition schema) for every condition the schema allows."""
    if isinstance(node, list):
        for item in node:
            yield from _conditions(item, path, defs, seen)
        return
    if not isinstance(node, dict):
        return
    if str(node.get("title", "")).endswith(" condition"):
        yield path, node
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            yield from _conditions(defs[name], path, defs, seen | {name})
        return
    for key, prop in node.get("properties", {}).items():
        yield from _conditions(prop, f"{path}.{key}" if path else key, defs, seen)
    for key in ("anyOf", "oneOf"):
        yield from _conditions(node.get(key, []), path, defs, seen)
    if isinstance(node.get("items"), dict):
        yield from _conditions(node["items"], path + "[]", defs, seen)
    values = list(node.get("patternProperties", {}).values())
    if isinstance(node.get("additionalProperties"), dict):
        values.append(node["additionalProperties"])
    for value in values:
        yield from _conditions(value, path + ".<id>", defs, seen)


def conditions_reference() -> str:
    """The condition reference page."""
    from memberkit import policy_json_schema
    from memberkit.rules import FieldType

    schema = policy_json_schema()
    kinds: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for path, node in _conditions(schema, "", schema.get("$defs", {}), frozenset()):
        entry = kinds.setdefault(str(node["title"]), (node, []))
        if path not in entry[1]:
            entry[1].append(path)
    meanings = field_meanings()
    parts = [
        "# Conditions",
        "",
        "Conditions (`when`, `except`, `where`) are written in memberkit's rules language: a "
        "mapping of field to value (a list means *in*), or of field to `{operator: value}` with "
        "`=`, `!=`, `<`, `<=`, `>`, `>=`, `in`, `not in`, `between`; several fields in one "
        "mapping must all hold; `all: [...]`, `any: [...]` and `not: {...}` combine conditions. "
        "Each kind of condition below may test only its own fields; a misspelt field is an error "
        "with a suggestion. Generated from the JSON Schema and the vocabularies' own tables.",
        "",
        "```yaml",
        "when: {channel: app, amount: {'>=': 100}, weekday: [sat, sun]}",
        "except: {any: [{category: gift_card}, {tags: clearance}]}",
        "```",
        "",
        "## Literals by field type {#types}",
        "",
        rst_to_markdown(_type_table(inspect.getdoc(FieldType) or "")),
        "",
    ]
    for title, (node, paths) in kinds.items():
        fields = {k: v for k, v in node.get("properties", {}).items() if k not in COMBINATORS}
        patterns = node.get("patternProperties", {})
        if r"^figure\..+$" in patterns:
            # Figures are named by the policy: one row stands for every figure.<name>.
            fields = dict(sorted({**fields, "figure.<name>": patterns[r"^figure\..+$"]}.items()))
        parts += [f"## {title} {{#{anchor(title)}}}", ""]
        parts += ["Written at " + ", ".join(f"`{p}`" for p in paths) + ".", ""]
        if r"^attr\..+$" in patterns:
            parts += [
                "Custom attributes of the event are tested as `attr.<name>`, typed by the value "
                "written (`attr.nights: {'>=': 2}`, `attr.vip: true`).",
                "",
            ]
        parts += ["| field | type | meaning |", "|---|---|---|"]
        for name in fields:
            kind, meaning = meanings.get(name, ("", ""))
            values = fields[name].get("anyOf", [{}])[0].get("enum")
            if values:
                meaning += " One of: " + ", ".join(f"`{v}`" for v in values) + "."
            parts.append(f"| `{name}` | {kind} | {cell(meaning)} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


COMBINATORS = ("all", "any", "not")


def _type_table(doc: str) -> str:
    rows = rst_table(doc)
    lines = ["| type | literal in the policy | operators |", "|---|---|---|"]
    lines += [f"| {r[0].lower()} | {cell(r[1])} | {cell(r[2])} |" for r in rows if r[0] != "type"]
    return "\n".join(lines)
