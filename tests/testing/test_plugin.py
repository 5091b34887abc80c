"""The pytest plugin: marked scenario files become items; failures read like pytest's own."""

from __future__ import annotations

import pytest

from .builders import PASSING, POLICY, WRONG

PLUGIN: tuple[str, ...] = ()  # the plugin is installed through its pytest11 entry point


def test_marked_files_are_collected_one_item_per_scenario(pytester: pytest.Pytester) -> None:
    """A *_test.yaml with the marker is collected and its scenario passes."""
    pytester.makefile(".yaml", policy=POLICY, policy_test=PASSING)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1)


def test_unmarked_yaml_files_are_left_alone(pytester: pytest.Pytester) -> None:
    """A *_test.yaml without memberkit_test: 1 is not collected."""
    pytester.makefile(".yaml", other_test="scenarios: []\n")
    result = pytester.runpytest(*PLUGIN)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_failure_shows_expected_actual_and_explanation(pytester: pytest.Pytester) -> None:
    """The failure section holds the scenario's own report, not a traceback."""
    pytester.makefile(".yaml", policy=POLICY, policy_test=WRONG)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*scenario: gift twice (wrong)*",
            "FAIL *policy_test.yaml:3:5: gift twice (wrong)",
            "*expected: allowed: true",
            "*actual:   allowed: false",
            "*gift: the only use of this period is used (1)*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_an_invalid_scenario_file_is_a_located_collection_error(pytester: pytest.Pytester) -> None:
    """A misspelt key in a scenario file is reported with its line and column."""
    pytester.makefile(".yaml", policy=POLICY, policy_test=PASSING.replace("expect:", "expct:"))
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*policy_test.yaml:7:5: scenarios?0?.expct: unknown key 'expct'; did you mean 'expect'*"]
    )
