"""The code catalogue page: every error code memberkit raises and every reason code it explains.

Error codes are collected from the source with ``ast``: the code given to each ``Finding``,
``PolicyIssue``, ``EventError`` or ``StateError`` (and the parsers' ``problem``/``fail``), so a new
code shows up here as soon as it is written. Reason codes, their parameters and their English and
Chinese texts come from the message catalogues in ``src/memberkit/i18n/locales``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from docs_markdown import cell

__all__ = ["codes_reference", "error_codes", "reason_codes"]

SRC = Path(__file__).resolve().parent.parent / "src" / "memberkit"
LOCALES = SRC / "i18n" / "locales"
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_RAISERS = {
    "EventError": "event",
    "EventConflict": "event",
    "StateError": "state",
    "PolicyIssue": "policy",
    "Finding": "policy",
    "problem": "policy",
    "fail": "policy",
    "_issue": "policy",
    "BatchProblem": "batch",
    "refuse": "batch",
}
_AREAS = {
    "policy": "a policy file (`PolicyError`, one issue per mistake)",
    "event": "an event (`EventError`; `EventConflict` for a reused id)",
    "state": "a member state (`StateError`)",
    "batch": "a line of a batch events file (`BatchProblem`, `memberkit replay`)",
}


def _code_of(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
            value = keyword.value.value
            return value if isinstance(value, str) and _CODE.match(value) else None
    # The code follows the location and the message: the first snake_case word after them.
    for arg in call.args[2:]:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and _CODE.match(arg.value):
            return arg.value
    return None


def error_codes() -> dict[str, dict[str, set[str]]]:
    """code -> {area: parts of memberkit that raise it}."""
    found: dict[str, dict[str, set[str]]] = {}

    def add(code: str, area: str, part: str) -> None:
        found.setdefault(code, {}).setdefault(area, set()).add(part)

    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        part = relative.parts[0] if len(relative.parts) > 1 else "core"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in _RAISERS and (code := _code_of(node)) is not None:
                    add(code, _RAISERS[name], part)
            elif (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 3
                and isinstance(node.elts[2], ast.Constant)
                and isinstance(node.elts[2].value, str)
                and _CODE.match(node.elts[2].value)
                and _is_message(node.elts[1])
                and not isinstance(node.elts[0], ast.Constant)
            ):
                # (path, message, code): a finding carried out of a validator.
                add(node.elts[2].value, "policy", part)
            elif (
                relative.name == "_load.py"
                and isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "_CODES" for t in node.targets)
            ):
                # The loader's names for pydantic's error types.
                for value in getattr(node.value, "values", []):
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        add(value.value, "policy", part)
    return found


def _is_message(node: ast.expr) -> bool:
    """Whether ``node`` is message text (an f-string, a sum of strings, or words with spaces)."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value


def _po_entries(path: Path) -> dict[str, tuple[str, str]]:
    """msgid -> (parameters comment, msgstr) of one catalogue file."""
    entries: dict[str, tuple[str, str]] = {}
    comment = ""
    msgid: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#."):
            comment = line[2:].strip()
        elif line.startswith("msgid "):
            msgid = ast.literal_eval(line[6:])
        elif line.startswith("msgstr ") and msgid:
            entries[msgid] = (comment, ast.literal_eval(line[7:]))
            comment, msgid = "", None
        elif not line.strip():
            comment = ""
    return entries


def reason_codes() -> dict[str, dict[str, tuple[str, str]]]:
    """locale -> code -> (parameters, template), for every shipped locale."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for folder in sorted(p for p in LOCALES.iterdir() if p.is_dir()):
        merged: dict[str, tuple[str, str]] = {}
        for po in sorted((folder / "LC_MESSAGES").glob("*.po")):
            merged |= _po_entries(po)
        found[folder.name] = merged
    return found


def codes_reference() -> str:
    """The catalogue page."""
    errors = error_codes()
    parts = [
        "# Error and reason codes",
        "",
        "Every code is stable: hosts may match on it. Generated from the source (error codes) "
        "and from the message catalogues (reason codes).",
        "",
        "## Error codes {#errors}",
        "",
        "An error names what was refused and where; its code says which kind of mistake it is. "
        "*Raised for* says what input the code is about; *by* says which part of memberkit "
        "checks it.",
        "",
        "| code | raised for | by |",
        "|---|---|---|",
    ]
    for code in sorted(errors):
        areas = errors[code]
        raised = "; ".join(_AREAS[a] for a in sorted(areas))
        by = ", ".join(sorted({p for parts_ in areas.values() for p in parts_}))
        parts.append(f"| `{code}` | {raised} | {by} |")
    parts += [
        "",
        "## Reason codes {#reasons}",
        "",
        "Every decision carries reasons: a code and its parameters. `explain(locale)` renders them "
        "with these templates (`{param}`, `{param|format}`).",
        "",
        "| code | parameters | en | zh_Hans | zh_Hant |",
        "|---|---|---|---|---|",
    ]
    reasons = reason_codes()
    english = reasons.get("en", {})
    for code in sorted(english):
        params, text = english[code]
        hans = reasons.get("zh_Hans", {}).get(code, ("", ""))[1]
        hant = reasons.get("zh_Hant", {}).get(code, ("", ""))[1]
        parts.append(f"| `{code}` | {cell(params)} | {cell(text)} | {cell(hans)} | {cell(hant)} |")
    return "\n".join(parts).rstrip() + "\n"
