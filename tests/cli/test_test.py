"""`memberkit test`: exit codes, the summary line, JSON output, coverage and its threshold."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.testing.builders import PASSING, WRONG, write_suite

from memberkit.cli import main

EXAMPLES = Path(__file__).parents[2] / "src" / "memberkit" / "examples"


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_bundled_examples_pass() -> None:
    """The example suites pass: exit 0 and a summary with no failures."""
    code, out, _ = run("test", str(EXAMPLES))
    assert code == 0
    assert out.splitlines()[-1].endswith(" passed, 0 failed")


def test_a_failing_scenario_exits_1(tmp_path: Path) -> None:
    """A wrong expectation makes the run fail with the expected/actual report."""
    write_suite(tmp_path, WRONG)
    code, out, _ = run("test", str(tmp_path))
    assert code == 1
    assert "    expected: allowed: true" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed"


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    """A path that does not exist exits 2."""
    code, _, err = run("test", str(tmp_path / "nope"))
    assert (code, "no such file" in err) == (2, True)


def test_a_folder_without_scenarios_is_a_usage_error(tmp_path: Path) -> None:
    """Nothing to run is a usage error, not a pass."""
    assert run("test", str(tmp_path))[0] == 2


def test_an_invalid_scenario_file_exits_1_with_located_issues(tmp_path: Path) -> None:
    """A misspelt key is reported as file:line:col on stderr."""
    path = write_suite(tmp_path, PASSING.replace("expect:", "expct:"))
    code, _, err = run("test", str(path))
    assert code == 1
    assert f"{path}:7:5: scenarios[0].expct: unknown key 'expct'" in err


def test_json_output_has_results_and_counts(tmp_path: Path) -> None:
    """--format json gives every check with expected and actual, and the counts."""
    write_suite(tmp_path, WRONG)
    code, out, _ = run("test", "--format", "json", str(tmp_path))
    data = json.loads(out)
    check = data["files"][0]["scenarios"][0]["checks"][0]
    assert (code, data["passed"], data["failed"]) == (1, 0, 1)
    assert (check["expected"], check["actual"]) == ({"allowed": True}, {"allowed": False})


def test_coverage_lists_rules_never_exercised(tmp_path: Path) -> None:
    """--coverage names each rule no scenario reached."""
    write_suite(tmp_path, PASSING)
    code, out, _ = run("test", "--coverage", str(tmp_path))
    assert code == 0
    assert "  not exercised: benefits[1]\n  not exercised: benefits[2]\n" in out


def test_coverage_under_the_threshold_fails(tmp_path: Path) -> None:
    """With one rule of three exercised, a 50% threshold fails the run."""
    write_suite(tmp_path, PASSING)
    code, out, _ = run("test", "--threshold", "50", str(tmp_path))
    assert code == 1
    assert "under the threshold of 50%" in out


def test_coverage_over_the_threshold_passes(tmp_path: Path) -> None:
    """A 30% threshold is met by one rule in three."""
    write_suite(tmp_path, PASSING)
    assert run("test", "--threshold", "30", str(tmp_path))[0] == 0
