"""Condition-valued policy fields: YAML conditions parsed by the rules language inside the models.

A part declares a field as ``EventCondition`` (or another flavour below); pydantic hands the raw
data to the rules parser with the right vocabulary. Every problem the parser finds is carried out
in one pydantic error of type ``rules`` whose context lists the findings with their sub-paths; the
loader expands them into located policy issues, so a condition's mistakes are all reported at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from .rules import (
    EVENT_FIELDS,
    MEMBER_FIELDS,
    TIME_FIELDS,
    Condition,
    FieldType,
    parse_condition,
)
from .rules._fields import CLOSED_VALUES, FIGURE_FIELD, type_word

__all__ = [
    "CONDITION_SCHEMA",
    "EventCondition",
    "MemberCondition",
    "condition_parser",
    "condition_schema",
]

_ABOUT = (
    "A condition in the rules language: a mapping of field to value (a list means 'in'), "
    "or to {operator: value} with =, !=, <, <=, >, >=, in, not in, between; combined with "
    "all / any / not."
)

CONDITION_SCHEMA: dict[str, object] = {"description": _ABOUT, "type": "object", "minProperties": 1}
"""The loosest schema of a condition: a non-empty mapping (the vocabulary is checked on load)."""


def condition_schema(
    vocabulary: Mapping[str, FieldType], *, attributes: bool, title: str
) -> dict[str, Any]:
    """The JSON Schema of a condition over ``vocabulary``: its field names, so editors complete
    them; the values are checked by the loader (their literal forms depend on the field's type)."""
    fields: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    for name, field_type in sorted(vocabulary.items()):
        if name == FIGURE_FIELD:
            patterns[r"^figure\..+$"] = {
                "description": "a figure declared under figures:, a number"
            }
            continue
        about: dict[str, Any] = {"description": f"{name}: {type_word(field_type)}"}
        allowed = CLOSED_VALUES.get(name)
        if allowed is not None:
            word = {"enum": list(allowed)}
            about["anyOf"] = [
                word,
                {"type": "array", "items": word, "minItems": 1},
                {"type": "object", "minProperties": 1},
            ]
        fields[name] = about
    nested = {"type": "object", "minProperties": 1}
    fields["all"] = {"type": "array", "items": nested, "minItems": 1}
    fields["any"] = {"type": "array", "items": nested, "minItems": 1}
    fields["not"] = nested
    schema: dict[str, Any] = {
        "title": title,
        "description": _ABOUT,
        "type": "object",
        "minProperties": 1,
        "properties": fields,
        "additionalProperties": False,
    }
    if attributes:
        patterns[r"^attr\..+$"] = {}
    if patterns:
        schema["patternProperties"] = patterns
    return schema


def condition_parser(
    vocabulary: Mapping[str, FieldType], *, attributes: bool = True
) -> Callable[[object], Condition]:
    """A pydantic before-validator that parses a condition over ``vocabulary``."""

    def parse(value: object) -> Condition:
        if isinstance(value, Condition):
            return value
        cond, findings = parse_condition(value, vocabulary=vocabulary, attributes=attributes)
        if findings or cond is None:
            raise PydanticCustomError(
                "rules",
                "{summary}",
                {
                    "summary": "; ".join(f.message for f in findings) or "not a condition",
                    "findings": [(f.path, f.message, f.code) for f in findings],
                },
            )
        return cond

    return parse


def _show(condition: Condition) -> str:
    return repr(condition)


EventCondition = Annotated[
    Condition,
    BeforeValidator(condition_parser(EVENT_FIELDS | MEMBER_FIELDS | TIME_FIELDS)),
    PlainSerializer(_show, return_type=str),
    WithJsonSchema(
        condition_schema(
            EVENT_FIELDS | MEMBER_FIELDS | TIME_FIELDS, attributes=True, title="Event condition"
        )
    ),
]
"""A condition on an event (amount, category, channel...), the member (tier, birthday) and time."""

MemberCondition = Annotated[
    Condition,
    BeforeValidator(condition_parser(MEMBER_FIELDS | TIME_FIELDS, attributes=False)),
    PlainSerializer(_show, return_type=str),
    WithJsonSchema(
        condition_schema(MEMBER_FIELDS | TIME_FIELDS, attributes=False, title="Member condition")
    ),
]
"""A condition on the member and the moment only."""
