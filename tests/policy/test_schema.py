"""The policy JSON Schema accepts exactly what the loader accepts, and editors can use it."""

from __future__ import annotations

import ast
import typing
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regress
from jsonschema import validators
from pydantic import BaseModel

import memberkit
from memberkit.policy._document import PolicyDocument
from memberkit.policy._yaml import read_yaml

ROOT = Path(__file__).parents[2]
GOLDEN = Path(__file__).parent / "golden"


def _ecma_pattern(
    validator: Any, pattern: str, instance: object, schema: dict[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    # Editors test patterns with ECMA-262 regular expressions (the u flag), not Python's re.
    if isinstance(instance, str) and regress.Regex(pattern, "u").find(instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


def _as_editor_reads(value: object) -> object:
    """Policy data as a YAML 1.2 editor sees it: dates are text (the core schema has none)."""
    if isinstance(value, dict):
        return {k: _as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_reads(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _inline_policies() -> Iterator[tuple[str, str]]:
    """Module-level policy texts in the tests (programmes, builders): the tests' valid fixtures."""
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
                and "memberkit: 1" in node.value.value
                and isinstance(node.targets[0], ast.Name)
            ):
                name = f"{path.relative_to(ROOT)}:{node.targets[0].id}"
                yield name, node.value.value


def _repo_policies() -> list[tuple[str, str]]:
    files = [
        p
        for p in sorted((ROOT / "src" / "memberkit" / "examples").glob("*.yaml"))
        if not p.stem.endswith("_test")
    ]
    files += [
        p
        for p in sorted((ROOT / "docs" / "cookbook").glob("*.yaml"))
        if not p.stem.endswith("_test")
    ]
    files += sorted((ROOT / "examples").rglob("*.yaml"))
    found = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in files]
    # Inline fixtures that the loader refuses are deliberate mistakes (a test of a message).
    found += [(n, t) for n, t in _inline_policies() if not memberkit.validate_policy(t)]
    return found


POLICIES = _repo_policies()
INVALID = sorted(GOLDEN.glob("*.yaml"))


def _schema_errors(text: str) -> list[str]:
    data = _as_editor_reads(read_yaml(text, "policy.yaml").data)
    validator = _Validator(memberkit.policy_json_schema())
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    ]


def _patterns(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            if key == "patternProperties" and isinstance(value, dict):
                yield from value
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def test_the_repository_has_policies_of_every_origin() -> None:
    """The examples, the cookbook, examples/ and the tests' programmes are all collected."""
    origins = {name.split("/")[0] for name, _ in POLICIES}
    assert {"src", "docs", "examples", "tests"} <= origins
    assert len(POLICIES) >= 20


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    """The schema itself passes the JSON Schema meta-schema check."""
    jsonschema.Draft202012Validator.check_schema(memberkit.policy_json_schema())


def test_every_pattern_is_valid_ecma_262() -> None:
    """Each regular expression in the schema compiles as an ECMA-262 pattern with the u flag."""
    patterns = sorted(set(_patterns(memberkit.policy_json_schema())))
    assert patterns
    bad = []
    for pattern in patterns:
        try:
            regress.Regex(pattern, "u")
        except regress.RegressError:
            bad.append(pattern)
    assert bad == []


def test_a_python_only_escape_is_caught_by_the_ecma_check() -> None:
    """The check above can fail: the id pattern's former escaped quote is refused."""
    with pytest.raises(regress.RegressError):
        regress.Regex(r"^[^\s\[\]\"'.]+$", "u")


@pytest.mark.parametrize(("name", "text"), POLICIES, ids=[n for n, _ in POLICIES])
def test_every_policy_in_the_repository_loads_and_matches_the_schema(name: str, text: str) -> None:
    """A policy the loader accepts is valid against the schema, checked as an editor checks it."""
    assert memberkit.validate_policy(text, source=name) == []
    assert _schema_errors(text) == []


@pytest.mark.parametrize("case", INVALID, ids=[c.stem for c in INVALID])
def test_every_invalid_fixture_is_refused_by_the_loader(case: Path) -> None:
    """Each broken policy of the golden set is refused with at least one located issue."""
    issues = memberkit.validate_policy(case.read_bytes(), source=case.name)
    assert issues
    assert all(issue.line >= 1 or issue.code == "io" for issue in issues)


BASE = "memberkit: 1\nprogram: {id: p, currency: CNY, timezone: Asia/Shanghai}\n"


@pytest.mark.parametrize(
    "body",
    [
        "points:\n  earn: [{id: b, per: 1 CNY, points: 1}]\n",
        "points:\n  earn: [{id: b, per: 10, points: 1}]\n",
        "points:\n  earn: [{id: b, points: 1}, {id: m, multiply: 2}]\n",
        'points:\n  earn: [{id: b, points: 1}, {id: m, multiply: "1.5"}]\n',
        "points:\n  earn: [{id: b, points: 1}]\n  pending: immediate\n",
        "points:\n  earn: [{id: b, points: 1}]\n  pending: 7\n",
        "tiers:\n  measures: {nights: {of: sum, field: attr.nights}, all: orders}\n"
        "  ladder: [{id: basic}]\n",
        "tiers:\n  window: {rolling_months: 12}\n  review: monthly\n  ladder: [{id: basic}]\n",
        "tiers:\n  window: {membership_year: {from: last_upgrade}}\n  ladder: [{id: basic}]\n",
        "tiers:\n  ladder: [{id: basic, name: 普通会员}]\n  downgrade: to_figures\n",
        "benefits:\n  - {id: d, value: 0.9, when: {birthday: [month, week]}}\n",
    ],
)
def test_the_short_forms_are_in_the_schema(body: str) -> None:
    """Each short form the loader reads (per: 1 CNY, multiply: 2, pending: immediate...) validates."""
    assert memberkit.validate_policy(BASE + body) == []
    assert _schema_errors(BASE + body) == []


@pytest.mark.parametrize(
    "body",
    [
        "points:\n  earn: [{id: b, points: 1}]\n  pending: later\n",
        "points:\n  earn: [{id: b, points: 1}]\n  rounding: flor\n",
        "points:\n  earn: [{id: b, points: abc}]\n",
        "tiers:\n  window: {rolling_weeks: 3}\n  ladder: [{id: basic}]\n",
        "tiers:\n  window: {membership_year: 0}\n  ladder: [{id: basic}]\n",
        "tiers:\n  measures: {nights: count}\n  ladder: [{id: basic}]\n",
        "benefits:\n  - {id: g, when: {birthday: days}}\n",
        "benefits:\n  - {id: g, when: {channle: app}}\n",
        "benefits:\n  - {id: 'has space'}\n",
        "benefits:\n  - {id: gift, name: {ZH: 礼品}}\n",
    ],
)
def test_a_word_outside_a_closed_set_is_refused_by_both(body: str) -> None:
    """The loader and the schema both refuse a misspelt word, key or id."""
    assert memberkit.validate_policy(BASE + body) != []
    assert _schema_errors(BASE + body) != []


def _model_defaults() -> list[tuple[str, BaseModel]]:
    """Every field default of the policy models that is itself a model instance."""
    seen: set[type[BaseModel]] = set()
    found: list[tuple[str, BaseModel]] = []
    todo: list[type[BaseModel]] = [PolicyDocument]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            if isinstance(info.default, BaseModel):
                found.append((f"{model.__name__}.{name}", info.default))
            todo.extend(
                arg
                for arg in _types_in(info.annotation)
                if isinstance(arg, type) and issubclass(arg, BaseModel)
            )
    return found


def _types_in(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    return [annotation, *(t for a in args for t in _types_in(a))]


def test_model_defaults_built_without_validation_equal_validated_ones() -> None:
    """A default written as Model.model_construct() (so the model is not built at import) is
    the instance validation would give: equal, with the same fields set and the same dump."""
    from memberkit.tiers._compile import BUILTIN_MEASURES

    defaults = _model_defaults() + [(f"measure {k}", v) for k, v in BUILTIN_MEASURES.items()]
    assert len(defaults) >= 6
    for where, default in defaults:
        given = {k: getattr(default, k) for k in default.model_fields_set}
        validated = type(default).model_validate(given)
        assert default == validated, where
        assert default.model_fields_set == validated.model_fields_set, where
        assert default.model_dump() == validated.model_dump(), where
