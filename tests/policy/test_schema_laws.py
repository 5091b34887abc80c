"""Laws over policies drawn from the JSON Schema: located refusals, and no stray exceptions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.policy.builders import events, from_schema

import memberkit

SCHEMA = memberkit.policy_json_schema()
DOCUMENTS = from_schema(SCHEMA)
PROGRAM = {"id": "shop", "currency": "CNY", "timezone": "Asia/Shanghai"}


def _text(document: Any) -> str:
    # JSON is YAML: the loader reads the drawn document as a policy author's file.
    return json.dumps(document, ensure_ascii=False)


def _load(document: Any) -> memberkit.Policy | None:
    """The policy, or None when the loader refused it with located issues (anything else fails)."""
    try:
        return memberkit.parse_policy(_text(document), source="drawn.yaml")
    except memberkit.PolicyError as exc:
        issues = exc.issues
    assert issues
    for issue in issues:
        assert issue.source == "drawn.yaml"
        assert issue.line >= 1, issue
        assert issue.message
        assert issue.code
    return None


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(DOCUMENTS)
def test_a_drawn_policy_loads_or_is_refused_with_located_issues(document: Any) -> None:
    """Whatever the schema allows, the loader accepts it or refuses it with file:line:col issues."""
    _load(document)


def _with_program(document: Any) -> Any:
    # A valid programme lets the sections' own checks and the engine be reached more often.
    if isinstance(document, dict):
        return {**document, "memberkit": 1, "program": PROGRAM}
    return document


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(DOCUMENTS.map(_with_program), events(), st.integers(0, 400))
def test_a_loaded_policy_raises_only_memberkit_errors_on_drawn_events(
    document: Any, raw_events: list[dict[str, Any]], later_days: int
) -> None:
    """Applying drawn events and asking every question raises nothing but a MemberkitError."""
    policy = _load(document)
    if policy is None:
        return
    state = memberkit.new_member("m1", datetime(2025, 12, 1, tzinfo=UTC))
    last = datetime(2026, 1, 1, tzinfo=UTC)
    try:
        for raw in raw_events:
            event = memberkit.parse_event(raw)
            state, _ = memberkit.apply(policy, state, event)
            last = event.at
        moment = last + timedelta(days=later_days)
        memberkit.tier_of(policy, state, moment)
        memberkit.progress(policy, state, moment)
        memberkit.balance(policy, state, moment)
        memberkit.entitlements(policy, state, moment)
        memberkit.lifecycle_stage(policy, state, moment)
    except memberkit.MemberkitError:
        pass


def test_the_drawn_documents_sometimes_load() -> None:
    """The generator reaches the engine: among drawn documents with a valid programme some load."""
    loaded: list[bool] = []

    @settings(
        max_examples=40,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(DOCUMENTS.map(_with_program))
    def draw(document: Any) -> None:
        loaded.append(_load(document) is not None)

    draw()
    assert any(loaded)
