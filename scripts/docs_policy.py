"""The policy reference page, generated from the JSON Schema of ``PolicyDocument``.

Every key with its type, default and description; an example for each key is taken from the
bundled example programmes, so nothing on the page is written by hand.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from typing import Any

from docs_markdown import anchor, cell, rst_to_markdown

from memberkit._program import IDENT_PATTERN

__all__ = ["policy_reference"]

_DECIMAL_PATTERN_HINT = r"\d*\.?\d*"


def policy_reference() -> str:
    """The policy reference page: every key of the policy format with type, default, description."""
    from memberkit import policy_json_schema

    schema = policy_json_schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    parts = [
        "# Policy reference",
        "",
        "Every key of a policy file, generated from memberkit's models (the JSON Schema that "
        "`memberkit schema` prints); a key missing here does not exist. *Required* keys have no "
        'default. Types: *decimal* is an exact number (write `0.95` or `"0.95"`), *id* is a '
        "name without spaces, dots, brackets or quotes, *text* is a string or a mapping of "
        "locale to string (`{zh_Hans: 金卡, en: Gold}`), *condition* is the rules language.",
        "",
    ]
    seen: set[str] = set()
    _PATHS.clear()
    objects = list(_objects(schema, "", defs, seen))
    for path, node in objects:
        parts += _object_section(path, node, defs)
    return "\n".join(parts).rstrip() + "\n"


_PATHS: dict[str, list[str]] = {}
"""Every path each object definition (by title) appears at, the documented one first."""


def _is_condition(node: dict[str, Any]) -> bool:
    return str(node.get("title", "")).endswith(" condition")


def _condition_link(node: dict[str, Any]) -> str:
    title = str(node["title"])
    return f"[{title.lower()}](conditions.md#{anchor(title)})"


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return name, defs[name]
    return None, node


def _without_null(node: dict[str, Any]) -> dict[str, Any]:
    options = node.get("anyOf")
    if isinstance(options, list):
        rest = [o for o in options if o.get("type") != "null"]
        if len(rest) == 1 and len(rest) < len(options):
            merged = {k: v for k, v in node.items() if k != "anyOf"}
            merged.update(rest[0])
            return merged
    return node


def _children(node: dict[str, Any], defs: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The object schemas directly below a property schema, with the path suffix to reach them."""
    node = _without_null(node)
    if _is_condition(node):
        # Conditions are documented on their own page, field by field.
        return
    name, target = _resolve(node, defs)
    if name is not None:
        yield "", target
        return
    if node.get("properties"):
        # An object written inline in its parent (no definition of its own).
        yield "", node
        return
    for key in ("anyOf", "oneOf"):
        for option in node.get(key, ()):
            yield from _children(option, defs)
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        for suffix, child in _children(node["items"], defs):
            yield "[]" + suffix, child
    if node.get("type") == "object":
        # A mapping of ids to objects (tiers.measures): document the value at `path.<id>`.
        values = [v for v in node.get("patternProperties", {}).values() if isinstance(v, dict)]
        if isinstance(node.get("additionalProperties"), dict):
            values.append(node["additionalProperties"])
        for value in values:
            for suffix, child in _children(value, defs):
                yield ".<id>" + suffix, child


def _objects(
    node: dict[str, Any], path: str, defs: dict[str, Any], seen: set[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in the schema with the policy path it appears at, each definition once."""
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        # A section that is a list (benefits): document the items at `path[]`.
        for suffix, child in _children(node["items"], defs):
            if child.get("title"):
                _PATHS.setdefault(str(child["title"]), []).append(path + "[]" + suffix)
            yield from _objects(child, path + "[]" + suffix, defs, seen)
        return
    yield path, node
    for key, prop in node.get("properties", {}).items():
        child_path = f"{path}.{key}" if path else key
        for suffix, child in _children(prop, defs):
            title = str(child.get("title") or child_path + suffix)
            _PATHS.setdefault(title, []).append(child_path + suffix)
            if title in seen:
                continue
            if child.get("properties") or child.get("type") == "array":
                seen.add(title)
                yield from _objects(child, child_path + suffix, defs, seen)


def _object_section(path: str, node: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    title = f"`{path}`" if path else "The whole file"
    lines = [f"## {title} {{#{anchor(path)}}}", ""]
    description = node.get("description")
    if description:
        lines += [rst_to_markdown(str(description)), ""]
    props: dict[str, Any] = node.get("properties", {})
    if not props:
        lines += ["No keys yet.", ""]
        return lines
    required = set(node.get("required", ()))
    lines += ["| key | type | default | description |", "|---|---|---|---|"]
    for key, prop in props.items():
        default = "*required*" if key in required else _default(prop)
        description = cell(str(_without_null(prop).get("description", "")))
        key_path = f"{path}.{key}" if path else key
        examples = prop.get("examples") or _without_null(prop).get("examples")
        if examples:
            shown = ", ".join(f"`{_yaml_inline(e)}`" for e in examples)
            description = f"{description}<br>*e.g.* {shown}" if description else f"*e.g.* {shown}"
        elif (found := _example_anywhere(path, key)) is not None:
            source, text = found
            example = f"*e.g.* `{text}` in {source}"
            description = f"{description}<br>{example}" if description else example
        lines.append(
            f"| `{key}` | {cell(_type(prop, defs, key_path))} | {default} | {description} |"
        )
    lines.append("")
    return lines


def _bundled_documents() -> list[tuple[str, Any]]:
    """The example programmes shipped with memberkit and the cookbook's, for the examples."""
    from importlib import resources
    from pathlib import Path

    from memberkit.policy._yaml import read_yaml

    folder = resources.files("memberkit").joinpath("examples")
    names = sorted(
        p.name for p in folder.iterdir() if p.name.endswith(".yaml") and "_test" not in p.name
    )
    # The retail programme first: it uses most keys, so most examples come from one programme.
    names.sort(key=lambda n: n != "retail.yaml")
    found = [(n, read_yaml(folder.joinpath(n).read_bytes(), n).data) for n in names]
    root = Path(__file__).resolve().parent.parent
    found += [
        (f"cookbook/{path.name}", read_yaml(path.read_bytes(), path.name).data)
        for path in sorted((root / "docs" / "cookbook").glob("*.yaml"))
    ]
    # The real programmes the tests write out (an airline, a hotel...), for the rarer keys.
    for path in sorted((root / "tests" / "programmes").glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and "memberkit: 1" in node.value.value
            ):
                name = f"tests/programmes/{path.name}"
                found.append((name, read_yaml(node.value.value, name).data))
    return found


_DOCUMENTS: list[tuple[str, Any]] | None = None


def _values_at(data: Any, steps: list[str]) -> Iterator[Any]:
    if not steps:
        yield data
        return
    step, rest = steps[0], steps[1:]
    if step == "[]":
        for item in data if isinstance(data, list) else ():
            yield from _values_at(item, rest)
    elif step == "<id>":
        for item in data.values() if isinstance(data, dict) else ():
            yield from _values_at(item, rest)
    elif isinstance(data, dict) and step in data:
        yield from _values_at(data[step], rest)


def _bundled_example(path: str) -> tuple[str, str] | None:
    """The first value a bundled example programme gives at ``path``, written as YAML flow."""
    import yaml

    global _DOCUMENTS
    if _DOCUMENTS is None:
        _DOCUMENTS = _bundled_documents()
    steps = [p for p in re.split(r"\.|(\[\])", path) if p]
    for name, data in _DOCUMENTS:
        for value in _values_at(data, steps):
            text = yaml.safe_dump(
                _plain(value), default_flow_style=True, allow_unicode=True, width=1000
            ).strip()
            text = text.removesuffix("...").strip()
            if len(text) <= 90:
                return f"`{name}`", text.replace("|", "\\|")
    return None


def _plain(value: Any) -> Any:
    """Policy data as YAML can write it: exact decimals shown as the numbers they are."""
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _example_anywhere(path: str, key: str) -> tuple[str, str] | None:
    """A bundled example of ``key`` at ``path``, or wherever else the same object appears."""
    places = [path]
    for paths in _PATHS.values():
        # The object, or one holding it, documented here and written elsewhere too
        # (points.currencies[].redeem is also points.redeem).
        for held in paths:
            if path == held or path.startswith((held + ".", held + "[")):
                rest = path[len(held) :]
                places += [other + rest for other in paths if other != held]
    for place in places:
        found = _bundled_example(f"{place}.{key}" if place else key)
        if found is not None:
            return found
    return None


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        return ""
    value = prop["default"]
    return "" if value is None else f"`{_yaml_inline(value)}`"


def _yaml_inline(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False).replace("|", "\\|")


def _type(node: dict[str, Any], defs: dict[str, Any], path: str) -> str:
    node = _without_null(node)
    if _is_condition(node):
        return _condition_link(node)
    name, target = _resolve(node, defs)
    if name is not None:
        if target.get("type") == "array":
            return _type(target, defs, path)
        title = str(target.get("title", name))
        where = _PATHS.get(title, [path])[0]
        return (
            f"[{title}](#{anchor(where)})"
            if target.get("properties")
            else (
                _type(
                    {k: v for k, v in target.items() if k not in ("title", "description")},
                    defs,
                    path,
                )
            )
        )
    if "const" in node:
        return f"`{_yaml_inline(node['const'])}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{_yaml_inline(v)}`" for v in node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            if _is_decimal(options):
                return "decimal"
            rendered = [_type(o, defs, path) for o in options]
            return " or ".join(dict.fromkeys(rendered))
    kind = node.get("type")
    if kind == "object" and node.get("properties"):
        # An inline object used at several paths (a window) is documented at its first one.
        where = _PATHS.get(str(node.get("title") or path), [path])[0]
        return f"[mapping](#{anchor(where)})"
    if kind == "array":
        items = node.get("items", {})
        return f"list of {_type(items, defs, path + '[]')}" if items else "list"
    if kind == "object":
        if "patternProperties" in node and "_" in "".join(node["patternProperties"]):
            return "text"
        if node.get("description", "").startswith("A condition"):
            return "condition"
        values = node.get("additionalProperties") or next(
            iter(node.get("patternProperties", {}).values()), None
        )
        if isinstance(values, dict) and values:
            return f"mapping of id to {_type(values, defs, path + '.<id>')}"
        return "mapping"
    if kind == "string":
        if node.get("pattern", "") == IDENT_PATTERN:
            return "id"
        if _DECIMAL_PATTERN_HINT in node.get("pattern", ""):
            return "decimal"
        if node.get("format") in ("date", "date-time"):
            return str(node["format"])
        return "string"
    if kind in ("integer", "number", "boolean"):
        bounds = []
        if "minimum" in node:
            bounds.append(f"≥ {node['minimum']:g}")
        if "exclusiveMinimum" in node:
            bounds.append(f"> {node['exclusiveMinimum']:g}")
        if "maximum" in node:
            bounds.append(f"≤ {node['maximum']:g}")
        base = {"integer": "integer", "number": "decimal", "boolean": "boolean"}[kind]
        return f"{base} {' '.join(bounds)}".strip()
    return "any"


def _is_decimal(options: list[dict[str, Any]]) -> bool:
    kinds = {o.get("type") for o in options}
    return kinds == {"number", "string"} and all(
        o.get("type") == "number"
        or _DECIMAL_PATTERN_HINT in o.get("pattern", "")
        or not o.get("pattern")
        for o in options
    )
