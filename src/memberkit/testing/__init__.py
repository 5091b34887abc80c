"""Policy scenarios: a member, dated events and what must hold, run from the CLI or pytest.

``memberkit test PATH...`` runs every ``*_test.yaml`` scenario file under the paths; with
memberkit installed, pytest collects the same files (see ``memberkit.testing._plugin``).
``run_file(path)`` runs one file from Python and returns the results.
"""

from ._coverage import Coverage
from ._kinds import CheckResult
from ._runner import ScenarioResult, SuiteResult, run_file, run_suite
from ._scenario import MARKER, ScenarioError, load_scenarios, parse_scenarios

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_exported_members.py pins
    "CheckResult",
    "Coverage",
    "MARKER",
    "ScenarioError",
    "ScenarioResult",
    "SuiteResult",
    "load_scenarios",
    "parse_scenarios",
    "run_file",
    "run_suite",
]
