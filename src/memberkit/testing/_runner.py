"""Running scenarios: replay each member's events and check every expectation at its moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path as FilePath

from .._compiled import Policy
from .._engine import Outcome, apply
from .._errors import EventError
from .._state import MemberState, new_member
from ..policy import load_policy
from ._coverage import Coverage, exercised_paths, rule_paths, version_index
from ._kinds import CheckResult, outcome_checks, run_checks
from ._scenario import LoadedScenarios, Scenario, load_scenarios

__all__ = ["ScenarioResult", "SuiteResult", "run_file", "run_scenario", "run_suite", "to_moment"]


def to_moment(value: datetime | date, tz: tzinfo, *, end_of_day: bool) -> datetime:
    """A scenario moment: a date-time as given, a bare date at local midnight or end of day."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(23, 59, 59) if end_of_day else time(0), tzinfo=tz)


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """One scenario's checks, or the error that stopped it (an event that could not apply)."""

    name: str
    source: str
    line: int
    column: int
    checks: tuple[CheckResult, ...]
    error: str | None = None
    exercised: frozenset[str] = frozenset()
    """Policy paths the decisions' reasons named (for coverage)."""

    @property
    def passed(self) -> bool:
        """Whether every check held and nothing went wrong."""
        return self.error is None and all(c.passed for c in self.checks)


@dataclass(frozen=True, slots=True)
class SuiteResult:
    """Every scenario of one scenario file, run against its policy."""

    source: str
    policy: str
    scenarios: tuple[ScenarioResult, ...]
    rules: tuple[str, ...]

    @property
    def passed(self) -> int:
        """How many scenarios passed."""
        return sum(1 for s in self.scenarios if s.passed)

    @property
    def failed(self) -> int:
        """How many scenarios failed."""
        return len(self.scenarios) - self.passed

    def coverage(self) -> Coverage:
        """Which of the policy's rules these scenarios exercised."""
        return Coverage.of(self.rules, (p for s in self.scenarios for p in s.exercised))


def run_scenario(
    policy: Policy,
    loaded: LoadedScenarios,
    index: int,
    *,
    locale: str | None = None,
) -> ScenarioResult:
    """Run the scenario at ``index`` of a loaded file against ``policy``."""
    scenario: Scenario = loaded.document.scenarios[index]
    base = ("scenarios", index)
    line, column = loaded.where(base)
    tz = policy.info.tz
    chosen = locale or policy.info.locale
    member = scenario.member
    state: MemberState = new_member(
        member.id,
        to_moment(member.joined, tz, end_of_day=False),
        birthday=member.birthday,
        tags=member.tags,
        birth_year=member.birth_year,
    )
    events = sorted(enumerate(loaded.events[index]), key=lambda pair: pair[1].at)
    order = sorted(
        enumerate(scenario.expect), key=lambda p: to_moment(p[1].at, tz, end_of_day=True)
    )
    checks: list[CheckResult] = []
    exercised: set[str] = set()
    pending = 0
    outcomes: dict[str, Outcome] = {}
    for e_index, expectation in order:
        at = to_moment(expectation.at, tz, end_of_day=True)
        while pending < len(events) and events[pending][1].at <= at:
            j, event = events[pending]
            pending += 1
            try:
                state, outcome = apply(policy, state, event)
            except EventError as exc:
                e_line, e_col = loaded.where((*base, "events", j))
                return ScenarioResult(
                    scenario.name,
                    loaded.source,
                    line,
                    column,
                    tuple(checks),
                    f"{loaded.source}:{e_line}:{e_col}: {exc}",
                    frozenset(exercised),
                )
            outcomes[event.id] = outcome
            exercised |= exercised_paths(policy, version_index(policy, event.at), outcome.reasons)
        path = (*base, "expect", e_index)
        found = run_checks(policy, state, at, expectation, path, chosen)
        found += outcome_checks(outcomes, at, expectation.outcome, (*path, "outcome"), chosen)
        edition = version_index(policy, at)
        for check in found:
            c_line, c_col = loaded.where(check.path)
            checks.append(_located(check, c_line, c_col))
            exercised |= exercised_paths(policy, edition, check.reasons, check.rules)
    return ScenarioResult(
        scenario.name, loaded.source, line, column, tuple(checks), None, frozenset(exercised)
    )


def _located(check: CheckResult, line: int, column: int) -> CheckResult:
    from dataclasses import replace

    return replace(check, line=line, column=column)


def run_suite(
    loaded: LoadedScenarios, policy: Policy | None = None, *, locale: str | None = None
) -> SuiteResult:
    """Run every scenario of a loaded file (loading its policy unless one is given)."""
    policy = policy or load_policy(loaded.policy_path)
    results = tuple(
        run_scenario(policy, loaded, i, locale=locale)
        for i in range(len(loaded.document.scenarios))
    )
    return SuiteResult(loaded.source, str(loaded.policy_path), results, rule_paths(policy))


def run_file(path: str | FilePath, *, locale: str | None = None) -> SuiteResult:
    """Load a scenario file and its policy and run every scenario.

    Raises ScenarioError when the scenario file is invalid and PolicyError when its policy is.
    """
    return run_suite(load_scenarios(path), locale=locale)
