"""Generate the reference pages of the docs from the code: policy keys, conditions, codes, API, CLI,
the member state's layout.

The policy reference walks the JSON Schema of ``PolicyDocument``; the condition reference reads the
vocabularies' tables; the code catalogue reads the source and the message catalogues; the API
reference reads each public package's ``__all__`` and docstrings; the CLI reference formats the
argparse parser. Nothing here is written by hand.

The pages a policy author needs (policy keys, conditions, codes) are committed under
``docs/reference/`` so they can be read in the repository and reviewed as diffs when a model
changes: ``python scripts/docs_reference.py`` rewrites them, ``--check`` fails when one is stale
(a test runs the same check). The API and CLI pages are built by mkdocs at build time
(``scripts/docs_hooks.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import os
import re
import sys
import types
import typing
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docs_codes import codes_reference
from docs_conditions import conditions_reference
from docs_markdown import anchor, cell, rst_to_markdown
from docs_policy import policy_reference
from docs_state import state_reference

from memberkit._docstrings import field_description

__all__ = [
    "COMMITTED",
    "PAGES",
    "api_reference",
    "cli_reference",
    "codes_reference",
    "conditions_reference",
    "policy_reference",
    "rst_to_markdown",
    "stale_pages",
    "state_reference",
]

DOCS = Path(__file__).resolve().parent.parent / "docs"

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
                parts += [f"- `{name}`: see [`{owner}.{name}`](#{anchor(owner + '.' + name)})", ""]
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
            described = field_description(obj, field_name, info.description)
            about = f": {cell(described)}" if described else ""
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
    lines = [f"### `{name}` {{#{anchor(qualified)}}}", ""]
    if typing.get_origin(obj) is not None:
        # A type alias (Event is an annotated union): show what it stands for.
        args = typing.get_args(obj)
        inner = args[0] if typing.get_origin(obj) is typing.Annotated else obj
        members = " | ".join(_type_name(a) for a in typing.get_args(inner)) or _type_name(inner)
        lines += [f"```python\n{name} = {members}\n```", ""]
        return lines
    if kind == "value" and isinstance(obj, Mapping):
        # A vocabulary (field name -> FieldType): a table, not a mappingproxy repr.
        lines += [
            f"A read-only mapping of {len(obj)} entries; [Conditions](conditions.md) says what "
            "each field means.",
            "",
            "| key | value |",
            "|---|---|",
        ]
        for key, value in obj.items():
            shown = getattr(value, "value", value)
            lines.append(f"| `{key}` | `{cell(str(shown))}` |")
        lines.append("")
        return lines
    if kind == "value" and isinstance(obj, frozenset | set):
        lines += [f"```python\n{name} = {{{', '.join(repr(v) for v in sorted(obj))}}}\n```", ""]
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
            lines += [f"- `{member_name}{sig}`: {cell(member_doc.splitlines()[0])}"]
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
    "reference/api.md": api_reference,
    "reference/cli.md": cli_reference,
}
"""Pages mkdocs generates at build time."""

COMMITTED = {
    "reference/policy.md": policy_reference,
    "reference/conditions.md": conditions_reference,
    "reference/codes.md": codes_reference,
    "reference/state.md": state_reference,
}
"""Pages committed under docs/, regenerated by this script."""


def stale_pages() -> list[str]:
    """The committed pages whose text differs from what the code generates now."""
    stale = []
    for relative, build in COMMITTED.items():
        target = DOCS / relative
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != build():
            stale.append(relative)
    return stale


def main(argv: list[str]) -> int:
    """Write the committed pages, or with --check list the stale ones and return 1."""
    if "--check" in argv:
        stale = stale_pages()
        for relative in stale:
            print(f"stale: docs/{relative} (run python scripts/docs_reference.py)")
        return 1 if stale else 0
    for relative, build in COMMITTED.items():
        target = DOCS / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(build(), encoding="utf-8")
        print(f"wrote docs/{relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
