"""Reading scenario files: the format, located errors, and which policy a file tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from memberkit.testing import ScenarioError, parse_scenarios
from memberkit.testing._scenario import policy_beside

from .builders import PASSING


def issues(text: str) -> list[tuple[int, int, str, str]]:
    """(line, column, path, code) of every issue in a scenario text."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenarios(text, source="s_test.yaml")
    return [(i.line, i.column, i.path, i.code) for i in caught.value.issues]


def test_a_valid_file_parses_its_events() -> None:
    """The events of each scenario are parsed with parse_event, in file order."""
    loaded = parse_scenarios(PASSING, source="dir/policy_test.yaml")
    assert [e.id for e in loaded.events[0]] == ["u1"]


def test_the_policy_is_found_by_name() -> None:
    """X_test.yaml tests X.yaml in the same folder."""
    assert policy_beside(Path("a/retail_test.yaml")) == Path("a/retail.yaml")


def test_a_named_policy_is_relative_to_the_scenario_file() -> None:
    """policy: names a file relative to the scenario file."""
    loaded = parse_scenarios("policy: ../p.yaml\n" + PASSING, source="a/b/x_test.yaml")
    assert loaded.policy_path == Path("a/b/../p.yaml")


def test_an_unknown_key_is_located() -> None:
    """A misspelt expectation key is reported at its line and column."""
    text = PASSING.replace("benefit: {id: gift, allowed: true, remaining: 1}", "benfit: {id: gift}")
    assert issues(text) == [(9, 9, "scenarios[0].expect[0].benfit", "unknown_key")]


def test_a_bad_event_is_located_at_its_field() -> None:
    """A naive event time is reported at the event's at field."""
    text = PASSING.replace("10:00:00+08:00", "10:00:00")
    (issue,) = issues(text)
    assert issue[:3] == (6, 41, "scenarios[0].events[0].at")


def test_a_missing_marker_is_reported() -> None:
    """A file without memberkit_test: 1 is not a scenario file."""
    assert issues(PASSING.replace("memberkit_test: 1\n", "")) == [
        (1, 1, "memberkit_test", "missing_key")
    ]


def test_a_naive_expectation_time_is_refused() -> None:
    """An expectation at a date-time without offset is refused with a plain message."""
    with pytest.raises(ScenarioError) as caught:
        parse_scenarios(PASSING.replace("at: 2026-03-01", 'at: "2026-03-01T10:00:00"'), source="s")
    assert "no timezone offset" in str(caught.value)


def test_yaml_errors_are_located() -> None:
    """A scenario file that is not valid YAML reports where."""
    assert issues("memberkit_test: 1\nscenarios: [\n")[0][3] == "yaml_syntax"


def test_a_bad_date_is_reported_once_in_plain_words() -> None:
    """An impossible date is one issue with our code, not two with pydantic's union codes."""
    text = PASSING.replace("joined: 2026-01-01", "joined: 2026-02-30", 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenarios(text, source="t_test.yaml")
    assert [(i.path, i.message, i.code) for i in info.value.issues] == [
        (
            "scenarios[0].member.joined",
            "'2026-02-30' is not a valid date: day value is outside expected range; "
            "write YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+08:00 for a moment",
            "bad_date",
        )
    ]


def test_scenario_issue_codes_are_the_policy_codes() -> None:
    """Scenario issues carry the codes policy issues use (unknown_key), not pydantic's types."""
    text = PASSING.replace("benefit: {id: gift, allowed: true, remaining: 1}", "benfit: {id: gift}")
    with pytest.raises(ScenarioError) as info:
        parse_scenarios(text, source="t_test.yaml")
    assert {i.code for i in info.value.issues} == {"unknown_key"}
    assert "did you mean 'benefit'?" in info.value.issues[0].message
