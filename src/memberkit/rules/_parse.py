"""Parsing: plain data read from YAML into a condition tree, with every problem found at once.

The grammar is closed. A condition is a mapping whose keys are combinators (``all``, ``any``,
``not``) or fields; several keys are ANDed. A field maps to a scalar (``=``), a list (``in``) or a
mapping of operators to literals (several operators are ANDed). The parser never stops at the
first problem: each one becomes a ``Finding`` at the exact path of the key or list item at fault.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import datetime

from .._paths import Finding, Path
from ._ast import ALIASES, OPERATORS, ORDERING_OPERATORS, All, Any, Compare, Condition, Not
from ._fields import (
    ATTRIBUTE_PREFIX,
    CLOSED_VALUES,
    FIGURE_FIELD,
    FIGURE_PREFIX,
    ORDERED_TYPES,
    FieldType,
)
from ._literals import LiteralError, check_literal, literal_type, show
from ._shared import shared, written

__all__ = ["parse_condition"]

_COMBINATORS = ("all", "any", "not")

# Operators as people mistype them, beyond what difflib would find.
_MISTYPED = {
    "=>": ">=", "=<": "<=", "<>": "!=", "==": "=", "=!": "!=", "≥": ">=", "≤": "<=", "≠": "!=",
    "gte": ">=", "lte": "<=", "neq": "!=", "nin": "not in",
}  # fmt: skip

_TYPE_NAMES = {
    FieldType.TEXT: "text",
    FieldType.TEXT_SET: "a set of text",
    FieldType.BOOL: "true/false",
}


def parse_condition(
    data: object,
    *,
    vocabulary: Mapping[str, FieldType],
    attributes: bool = True,
    path: Path = (),
) -> tuple[Condition | None, list[Finding]]:
    """Parse a condition over ``vocabulary``; ``attributes`` allows ``attr.<name>`` fields.

    Returns the condition and no findings, or ``None`` and every problem found, each at its path
    below ``path``.
    """
    parser = _Parser(vocabulary, attributes)
    condition = parser.condition(data, path)
    if parser.findings:
        return None, parser.findings
    return condition, []


def _suggestion(word: str, options: Iterable[str]) -> str:
    found = difflib.get_close_matches(word.lower(), list(options), n=1)
    return f"; did you mean '{found[0]}'?" if found else ""


class _Parser:
    __slots__ = ("attributes", "findings", "table", "vocabulary")

    def __init__(self, vocabulary: Mapping[str, FieldType], attributes: bool) -> None:
        self.vocabulary = vocabulary
        self.attributes = attributes
        self.findings: list[Finding] = []
        self.table = shared()

    def problem(self, path: Path, message: str, code: str) -> None:
        self.findings.append(Finding(path, message, code))

    def condition(self, data: object, path: Path) -> Condition | None:
        if not isinstance(data, Mapping):
            what = show(data)
            self.problem(
                path,
                f"expected a condition (a mapping of fields to values), got {what}",
                "not_a_condition",
            )
            return None
        if not data:
            self.problem(
                path, "a condition needs at least one field or all/any/not", "empty_condition"
            )
            return None
        parts: list[Condition | None] = []
        for raw_key, value in data.items():
            if not isinstance(raw_key, str):
                # YAML 1.1 turns unquoted keys such as on/yes/1 into booleans or numbers.
                key = show(raw_key)
                self.problem(
                    (*path, key), f"unknown field {key}; quote field names", "unknown_field"
                )
                parts.append(None)
            elif raw_key in ("all", "any"):
                parts.append(self.group(raw_key, value, (*path, raw_key)))
            elif raw_key == "not":
                parts.append(self.negation(value, (*path, raw_key)))
            else:
                parts.append(self.field(raw_key, value, (*path, raw_key)))
        if any(part is None for part in parts):
            return None
        found = tuple(part for part in parts if part is not None)
        return found[0] if len(found) == 1 else All(found, path)

    def group(self, key: str, value: object, path: Path) -> Condition | None:
        if not isinstance(value, list | tuple):
            self.problem(
                path, f"'{key}' needs a list of conditions, got {show(value)}", "not_a_condition"
            )
            return None
        if not value:
            self.problem(path, f"'{key}' needs at least one condition", "empty_list")
            return None
        children = [self.condition(item, (*path, index)) for index, item in enumerate(value)]
        found = tuple(child for child in children if child is not None)
        if len(found) < len(children):
            return None
        return All(found, path) if key == "all" else Any(found, path)

    def negation(self, value: object, path: Path) -> Condition | None:
        if isinstance(value, list | tuple):
            self.problem(
                path,
                "'not' takes one condition, not a list; wrap several in all or any",
                "not_a_condition",
            )
            return None
        child = self.condition(value, path)
        return None if child is None else Not(child, path)

    def field_type(self, name: str, path: Path) -> FieldType | None:
        known = self.vocabulary.get(name)
        if known is not None:
            return known
        figure = self.vocabulary.get(FIGURE_FIELD)
        if figure is not None and name.startswith(FIGURE_PREFIX) and name != FIGURE_PREFIX:
            # Which figures exist is the policy's to say: the loader checks the name.
            return figure
        if name.startswith(ATTRIBUTE_PREFIX):
            if not self.attributes:
                self.problem(
                    path,
                    f"custom attributes such as '{name}' are not available here",
                    "unknown_field",
                )
                return None
            if len(name) > len(ATTRIBUTE_PREFIX):
                return FieldType.ANY
        hint = _suggestion(name, [*_COMBINATORS, *sorted(self.vocabulary)])
        if not hint and self.attributes and ATTRIBUTE_PREFIX not in name:
            hint = f"; custom attributes are written '{ATTRIBUTE_PREFIX}{name}'"
        self.problem(path, f"unknown field '{name}'{hint}", "unknown_field")
        return None

    def field(self, name: str, value: object, path: Path) -> Condition | None:
        table = self.table
        if table is None:
            return self.fresh_field(name, value, path)
        # A field written alike at the same place of another condition of the policy is the
        # node already made (the vocabulary is kept with it, so its id stays its own).
        key = ("field", id(self.vocabulary), self.attributes, name, path, written(value))
        if key[-1] is None:
            return self.fresh_field(name, value, path)
        found = table.get(key)
        if found is not None:
            return found[1]  # type: ignore[index,no-any-return]
        before = len(self.findings)
        made = self.fresh_field(name, value, path)
        if made is not None and len(self.findings) == before:
            table[key] = (self.vocabulary, made)
        return made

    def fresh_field(self, name: str, value: object, path: Path) -> Condition | None:
        field_type = self.field_type(name, path)
        if not isinstance(value, Mapping):
            if field_type is None:
                return None
            op = "in" if isinstance(value, list | tuple) else "="
            return self.compare(name, field_type, op, value, path)
        if not value:
            self.problem(path, f"'{name}' needs a value or {{operator: value}}", "empty_condition")
            return None
        tests: list[Condition | None] = []
        for raw_op, literal in value.items():
            op_path = (*path, show(raw_op) if not isinstance(raw_op, str) else raw_op)
            resolved = self.operator(raw_op, op_path)
            if resolved is None or field_type is None:
                tests.append(None)
                continue
            tests.append(self.compare(name, field_type, resolved, literal, op_path))
        found = tuple(test for test in tests if test is not None)
        if len(found) < len(tests):
            return None
        return found[0] if len(found) == 1 else All(found, path)

    def operator(self, raw: object, path: Path) -> str | None:
        if isinstance(raw, str):
            word = raw.strip()
            if word in OPERATORS:
                return word
            if word in ALIASES:
                return ALIASES[word]
            if word in _MISTYPED:
                hint = f"; did you mean '{_MISTYPED[word]}'?"
            else:
                hint = _suggestion(word, [*OPERATORS, *ALIASES])
        else:
            hint = ""
        self.problem(path, f"unknown operator {show(raw)}{hint}", "unknown_operator")
        return None

    def compare(
        self, name: str, field_type: FieldType, op: str, raw: object, path: Path
    ) -> Compare | None:
        if field_type is FieldType.ANY:
            resolved = self.attribute_type(raw, path)
            if resolved is None:
                return None
            field_type = resolved
        if op in ORDERING_OPERATORS and field_type not in ORDERED_TYPES:
            self.problem(
                path,
                f"'{op}' does not apply to {_TYPE_NAMES[field_type]}; use =, !=, in or not in",
                "operator_type",
            )
            return None
        if op in ("in", "not in"):
            value = self.values(field_type, op, raw, path)
        elif op == "between":
            value = self.between(field_type, raw, path)
        elif isinstance(raw, list | tuple):
            plural = "in" if op == "=" else "not in" if op == "!=" else None
            hint = f"; use '{plural}' for a list" if plural else ""
            self.problem(path, f"'{op}' needs a single value{hint}", "bad_literal")
            return None
        else:
            value = self.literal(field_type, raw, path)
        if value is None:
            return None
        allowed = CLOSED_VALUES.get(name)
        if allowed is not None and not self.closed(name, allowed, value, path):
            return None
        return Compare(name, op, value, path, field_type=field_type)

    def closed(self, name: str, allowed: tuple[str, ...], value: object, path: Path) -> bool:
        # A word outside a closed set (birthday: days) would never match: refuse it, not ignore.
        words = value if isinstance(value, tuple) else (value,)
        ok = True
        for index, word in enumerate(words):
            if word in allowed:
                continue
            at = (*path, index) if isinstance(value, tuple) else path
            self.problem(
                at,
                f"{show(word)} is not a value of '{name}': write one of "
                f"{', '.join(allowed)}{_suggestion(str(word), allowed)}",
                "unknown_value",
            )
            ok = False
        return ok

    def attribute_type(self, raw: object, path: Path) -> FieldType | None:
        # A custom attribute takes its type from the literal; a list must agree on one type.
        if isinstance(raw, list | tuple) and not raw:
            # Any type will do: the list's own check reports that it is empty.
            return FieldType.TEXT
        first = raw[0] if isinstance(raw, list | tuple) else raw
        try:
            return literal_type(first)
        except LiteralError as problem:
            at = (*path, 0) if first is not raw else path
            self.problem(at, problem.message, "bad_literal")
            return None

    def literal(self, field_type: FieldType, raw: object, path: Path) -> object | None:
        try:
            return check_literal(field_type, raw)
        except LiteralError as problem:
            self.problem(path, problem.message, "bad_literal")
            return None

    def values(self, field_type: FieldType, op: str, raw: object, path: Path) -> object | None:
        if not isinstance(raw, list | tuple):
            self.problem(path, f"'{op}' needs a list of values, got {show(raw)}", "bad_literal")
            return None
        if not raw:
            self.problem(path, f"'{op}' needs at least one value", "empty_list")
            return None
        checked = [self.literal(field_type, item, (*path, index)) for index, item in enumerate(raw)]
        if any(item is None for item in checked):
            return None
        # Duplicates (sat and 6, say) say nothing more; keep the first spelling's order.
        return tuple(dict.fromkeys(checked))

    def between(self, field_type: FieldType, raw: object, path: Path) -> object | None:
        if not isinstance(raw, list | tuple) or len(raw) != 2:
            self.problem(
                path, f"'between' needs two values [low, high], got {show(raw)}", "bad_between"
            )
            return None
        low = self.literal(field_type, raw[0], (*path, 0))
        high = self.literal(field_type, raw[1], (*path, 1))
        if low is None or high is None:
            return None
        if (
            isinstance(low, datetime)
            and isinstance(high, datetime)
            and (low.tzinfo is None) != (high.tzinfo is None)
        ):
            self.problem(
                path,
                "'between' needs both ends with an offset or both without",
                "bad_between",
            )
            return None
        if high < low:  # type: ignore[operator]
            self.problem(
                path,
                f"'between' low end {show(raw[0])} is after high end {show(raw[1])}",
                "bad_between",
            )
            return None
        return (low, high)
