"""Policy scenarios: a member, dated events and what must hold, run from the CLI or pytest.

``memberkit test PATH...`` runs every ``*_test.yaml`` scenario file under the paths; with
memberkit installed, pytest collects the same files (see ``memberkit.testing._plugin``).
``run_file(path)`` runs one file from Python and returns the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_exports

if TYPE_CHECKING:
    from ._coverage import (
        Coverage,
    )
    from ._kinds import (
        CheckResult,
    )
    from ._runner import (
        ScenarioResult,
        SuiteResult,
        run_file,
        run_suite,
    )
    from ._scenario import (
        MARKER,
        ScenarioError,
        load_scenarios,
        parse_scenarios,
    )


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


_EXPORTS: dict[str, str] = {
    "CheckResult": "._kinds",
    "Coverage": "._coverage",
    "MARKER": "._scenario",
    "ScenarioError": "._scenario",
    "ScenarioResult": "._runner",
    "SuiteResult": "._runner",
    "load_scenarios": "._scenario",
    "parse_scenarios": "._scenario",
    "run_file": "._runner",
    "run_suite": "._runner",
}
"""Where each name lives; imported on first use (PEP 562), so importing the package is cheap."""


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())
