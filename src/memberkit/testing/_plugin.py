"""The pytest plugin: scenario files collected as pytest items, one item per scenario.

Installed with memberkit (entry point ``pytest11``, name ``memberkit``). Opt-in per file: pytest
collects a ``*_test.yaml`` file only when it holds the top-level marker ``memberkit_test: 1``, so
other YAML files named like tests are left alone. A failing scenario is reported like an
assertion: where the expectation is written, expected against actual, and the explanation of the
actual decision. An invalid scenario file or policy is a collection error with every issue
located. Disable the plugin with ``-p no:memberkit``.
"""

from __future__ import annotations

import re
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Any

import pytest

from .._compiled import Policy
from .._errors import PolicyError
from ..policy import load_policy
from ._report import scenario_text
from ._runner import ScenarioResult, run_scenario
from ._scenario import LoadedScenarios, ScenarioError, load_scenarios

if TYPE_CHECKING:
    from _pytest._code.code import ExceptionInfo, TerminalRepr

__all__ = ["ScenarioFailure", "ScenarioItem", "ScenarioModule", "pytest_collect_file"]

_MARKED = re.compile(r"^memberkit_test:\s*1\s*(#.*)?$", re.MULTILINE)


def _marked(path: FilePath) -> bool:
    try:
        head = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return False
    return bool(_MARKED.search(head))


def pytest_collect_file(file_path: FilePath, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``*_test.yaml`` files that carry the ``memberkit_test: 1`` marker."""
    if file_path.name.endswith("_test.yaml") and _marked(file_path):
        return ScenarioModule.from_parent(parent, path=file_path)
    return None


class ScenarioFailure(Exception):  # noqa: N818 - carries a result to repr_failure, not an error
    """A scenario did not hold; carries its result for the report."""

    def __init__(self, result: ScenarioResult) -> None:
        super().__init__(result.name)
        self.result = result


class ScenarioModule(pytest.File):
    """A scenario file: its policy is loaded once and each scenario becomes an item."""

    def collect(self) -> list[ScenarioItem]:
        """One item per scenario; an invalid file or policy is a located collection error."""
        try:
            loaded = load_scenarios(self.path)
            policy = load_policy(loaded.policy_path)
        except (ScenarioError, PolicyError) as exc:
            raise self.CollectError("\n".join(str(i) for i in exc.issues)) from None
        return [
            ScenarioItem.from_parent(
                self, name=scenario.name, loaded=loaded, policy=policy, index=i
            )
            for i, scenario in enumerate(loaded.document.scenarios)
        ]


class ScenarioItem(pytest.Item):
    """One scenario, run against the file's policy."""

    def __init__(
        self, *, loaded: LoadedScenarios, policy: Policy, index: int, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.loaded = loaded
        self.policy = policy
        self.index = index

    def runtest(self) -> None:
        """Run the scenario; a failed expectation raises ScenarioFailure."""
        result = run_scenario(self.policy, self.loaded, self.index)
        if not result.passed:
            raise ScenarioFailure(result)

    def repr_failure(
        self, excinfo: ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        """Expected against actual with the explanation, instead of a Python traceback."""
        if isinstance(excinfo.value, ScenarioFailure):
            return scenario_text(excinfo.value.result)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[FilePath, int, str]:
        """Where the scenario is written (0-based line, as pytest expects)."""
        line, _ = self.loaded.where(("scenarios", self.index))
        return self.path, line - 1, f"scenario: {self.name}"
