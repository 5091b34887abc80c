"""Generate the reference pages of the docs from the code: policy keys, API and CLI.

The policy reference walks the JSON Schema of ``PolicyDocument``; the API reference reads each
public package's ``__all__`` and docstrings; the CLI reference formats the argparse parser. Nothing
here is written by hand, so the pages cannot drift from the code: mkdocs builds them at build time
(``scripts/docs_hooks.py``) and ``python scripts/docs_reference.py OUT_DIR`` writes them to files.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import json
import os
import re
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["api_reference", "cli_reference", "policy_reference", "rst_to_markdown"]

_DECIMAL_PATTERN_HINT = r"\d*\.?\d*"


# --- docstrings ---------------------------------------------------------------------------------


def rst_to_markdown(text: str) -> str:
    """Docstring text as Markdown: ``literal`` → `literal`, ``::`` blocks and ``>>>`` as code."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i].strip() if lines[i].lstrip().startswith(">>>") else lines[i])
                i += 1
            out += ["```pycon", *block, "```"]
            continue
        if line.rstrip().endswith("::"):
            head = line.rstrip()[:-2].rstrip()
            if head:
                out.append(_inline(head) + ":")
            i += 1
            block = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            while block and not block[0].strip():
                block.pop(0)
            indent = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
            lang = "yaml" if any(":" in b for b in block) else "text"
            out += ["", f"```{lang}", *(b[indent:] for b in block), "```", ""]
            continue
        out.append(_inline(line))
        i += 1
    return "\n".join(out).strip()


def _inline(line: str) -> str:
    return re.sub(r"``([^`]+)``", r"`\1`", line)


def _cell(text: str) -> str:
    """Text fit for one Markdown table cell."""
    return _inline(" ".join(text.split())).replace("|", "\\|")


# --- policy reference ---------------------------------------------------------------------------


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
    for path, node in _objects(schema, "", defs, seen):
        parts += _object_section(path, node, defs)
    return "\n".join(parts).rstrip() + "\n"


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
            yield from _objects(child, path + "[]" + suffix, defs, seen)
        return
    yield path, node
    for key, prop in node.get("properties", {}).items():
        child_path = f"{path}.{key}" if path else key
        for suffix, child in _children(prop, defs):
            title = str(child.get("title") or child_path + suffix)
            if title in seen:
                continue
            if child.get("properties") or child.get("type") == "array":
                seen.add(title)
                yield from _objects(child, child_path + suffix, defs, seen)


def _anchor(path: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", path.lower()).strip("-") or "top"


def _object_section(path: str, node: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    title = f"`{path}`" if path else "The whole file"
    lines = [f"## {title} {{#{_anchor(path)}}}", ""]
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
        description = _cell(str(_without_null(prop).get("description", "")))
        key_path = f"{path}.{key}" if path else key
        examples = prop.get("examples") or _without_null(prop).get("examples")
        if examples:
            shown = ", ".join(f"`{_yaml_inline(e)}`" for e in examples)
            description = f"{description}<br>*e.g.* {shown}" if description else f"*e.g.* {shown}"
        elif (found := _bundled_example(key_path)) is not None:
            source, text = found
            example = f"*e.g.* `{text}` in {source}"
            description = f"{description}<br>{example}" if description else example
        lines.append(
            f"| `{key}` | {_cell(_type(prop, defs, key_path))} | {default} | {description} |"
        )
    lines.append("")
    return lines


def _bundled_documents() -> list[tuple[str, Any]]:
    """The example programmes shipped with memberkit, as plain data, for the Example column."""
    from importlib import resources

    import yaml

    folder = resources.files("memberkit").joinpath("examples")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))
    # The retail programme first: it uses most keys, so most examples come from one programme.
    names.sort(key=lambda n: n != "retail.yaml")
    return [(n, yaml.safe_load(folder.joinpath(n).read_text(encoding="utf-8"))) for n in names]


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
                value, default_flow_style=True, allow_unicode=True, width=1000
            ).strip()
            text = text.removesuffix("...").strip()
            if len(text) <= 90:
                return f"`{name}`", text.replace("|", "\\|")
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
    name, target = _resolve(node, defs)
    if name is not None:
        if target.get("type") == "array":
            return _type(target, defs, path)
        return (
            f"[{target.get('title', name)}](#{_anchor(path)})"
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
        return f"[mapping](#{_anchor(path)})"
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
        if node.get("pattern", "").startswith("^[^\\s"):
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


# --- API reference ------------------------------------------------------------------------------

API_MODULES = (
    "memberkit",
    "memberkit.policy",
    "memberkit.rules",
    "memberkit.tiers",
    "memberkit.points",
    "memberkit.benefits",
    "memberkit.lifecycle",
    "memberkit.i18n",
    "memberkit.testing",
    "memberkit.demo",
)


def api_reference() -> str:
    """The API reference page: every exported name of every public package, with its docstring."""
    parts = [
        "# API reference",
        "",
        "Every public name, generated from each package's `__all__` and docstrings. Names "
        "exported by the top-level `memberkit` facade are documented there once.",
        "",
    ]
    documented: dict[int, str] = {}
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        parts += [f"## `{module_name}`", ""]
        if module.__doc__:
            parts += [rst_to_markdown(inspect.cleandoc(module.__doc__)), ""]
        names = list(getattr(module, "__all__", ()))
        if not names:
            parts += ["Nothing exported yet.", ""]
        for name in names:
            obj = getattr(module, name)
            owner = documented.get(id(obj))
            if owner is not None and not isinstance(obj, str | int | float):
                parts += [f"- `{name}`: see [`{owner}.{name}`](#{_anchor(owner + '.' + name)})", ""]
                continue
            documented[id(obj)] = module_name
            parts += _api_entry(module_name, name, obj)
    return "\n".join(parts).rstrip() + "\n"


def _signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def _type_name(annotation: object) -> str:
    """A type annotation as a reader writes it: no module prefixes, no Annotated metadata."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return "Literal[" + ", ".join(repr(a) for a in args) + "]"
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        inner = ", ".join("..." if a is Ellipsis else _type_name(a) for a in args)
        return f"{name}[{inner}]" if args else name
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type):
        return annotation.__name__
    return re.sub(r"\b(?:[a-z_]+\.)+([A-Za-z_]+)", r"\1", str(annotation))


def _fields(obj: type) -> list[str]:
    """One line per field of a pydantic model or a dataclass: name, type and default."""
    lines: list[str] = []
    model_fields = getattr(obj, "model_fields", None)
    if isinstance(model_fields, dict):
        for field_name, info in model_fields.items():
            default = (
                ""
                if info.is_required()
                else f" = `{info.get_default(call_default_factory=True)!r}`"
            )
            about = f": {_cell(info.description)}" if info.description else ""
            lines.append(f"- `{field_name}`: `{_type_name(info.annotation)}`{default}{about}")
    elif dataclasses.is_dataclass(obj):
        for field in dataclasses.fields(obj):
            has_default = field.default is not dataclasses.MISSING
            default = f" = `{field.default!r}`" if has_default else ""
            lines.append(f"- `{field.name}`: `{_type_name(field.type)}`{default}")
    return (["Fields:", "", *lines, ""]) if lines else []


def _api_entry(module_name: str, name: str, obj: object) -> list[str]:
    qualified = f"{module_name}.{name}"
    kind = "class" if inspect.isclass(obj) else "function" if inspect.isroutine(obj) else "value"
    lines = [f"### `{name}` {{#{_anchor(qualified)}}}", ""]
    if typing.get_origin(obj) is not None:
        # A type alias (Event is an annotated union): show what it stands for.
        args = typing.get_args(obj)
        inner = args[0] if typing.get_origin(obj) is typing.Annotated else obj
        members = " | ".join(_type_name(a) for a in typing.get_args(inner)) or _type_name(inner)
        lines += [f"```python\n{name} = {members}\n```", ""]
        return lines
    if kind == "value":
        lines += [f"```python\n{name} = {obj!r}\n```", ""]
        return lines
    prefix = "class " if kind == "class" else ""
    signature = _signature(obj) if kind == "function" else ""
    lines += [f"```python\n{prefix}{qualified}{signature}\n```", ""]
    doc = inspect.getdoc(obj)
    if doc:
        lines += [rst_to_markdown(doc), ""]
    if inspect.isclass(obj):
        lines += _fields(obj)
        for member_name, member in sorted(vars(obj).items()):
            if member_name.startswith("_"):
                continue
            target = (
                member.fget if isinstance(member, property) else getattr(member, "__func__", member)
            )
            if not callable(target) and not isinstance(member, property):
                continue
            member_doc = inspect.getdoc(target)
            if not member_doc:
                continue
            sig = "" if isinstance(member, property) else _signature(target)
            lines += [f"- `{member_name}{sig}`: {_cell(member_doc.splitlines()[0])}"]
        lines.append("")
    return lines


# --- CLI reference ------------------------------------------------------------------------------


def cli_reference() -> str:
    """The CLI reference page: the help of ``memberkit`` and of each subcommand."""
    from memberkit.cli import _main

    # argparse wraps help to the terminal width; a fixed width keeps the page the same everywhere.
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"
    try:
        parser = _main._parser()
        parts = [
            "# CLI reference",
            "",
            "Generated from the `memberkit` command's own argument parser. Exit codes: 0 ok, "
            "1 findings (an invalid policy, a failing check), 2 usage error.",
            "",
            "## `memberkit`",
            "",
            "```text",
            parser.format_help().rstrip(),
            "```",
            "",
        ]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    parts += [
                        f"## `memberkit {name}`",
                        "",
                        "```text",
                        sub.format_help().rstrip(),
                        "```",
                        "",
                    ]
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return "\n".join(parts).rstrip() + "\n"


PAGES = {
    "reference/policy.md": policy_reference,
    "reference/api.md": api_reference,
    "reference/cli.md": cli_reference,
}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "site-reference")
    for relative, build in PAGES.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(build(), encoding="utf-8")
        print(target)
