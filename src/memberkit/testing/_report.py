"""Scenario results as text for people and as JSON-ready data; shared by the CLI and pytest."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from ._coverage import Coverage
from ._kinds import CheckResult
from ._runner import ScenarioResult, SuiteResult

__all__ = [
    "check_text",
    "coverage_data",
    "coverage_text",
    "scenario_data",
    "scenario_text",
    "suite_data",
    "summary_line",
]


def _fields(values: Mapping[str, object]) -> str:
    return ", ".join(
        f"{k}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}" for k, v in values.items()
    )


def check_text(check: CheckResult, source: str) -> str:
    """One failed check: where, expected, actual, and the explanation of the actual decision."""
    subject = f" {check.subject}" if check.subject else ""
    lines = [
        f"{source}:{check.line}:{check.column}: at {check.at.isoformat()}, {check.kind}{subject}",
        f"  expected: {_fields(check.expected)}",
        f"  actual:   {_fields(check.actual)}",
    ]
    if check.explanation:
        lines.append("  explanation:")
        lines += [f"    {line}" for line in check.explanation.splitlines()]
    return "\n".join(lines)


def scenario_text(result: ScenarioResult) -> str:
    """A scenario's verdict line, followed by the details of whatever failed."""
    verdict = "ok  " if result.passed else "FAIL"
    lines = [f"{verdict} {result.source}:{result.line}:{result.column}: {result.name}"]
    if result.error is not None:
        lines.append(f"  error: {result.error}")
    for check in result.checks:
        if not check.passed:
            lines += [f"  {line}" for line in check_text(check, result.source).splitlines()]
    return "\n".join(lines)


def summary_line(suites: Iterable[SuiteResult]) -> str:
    """``N passed, N failed`` over every scenario of every suite."""
    listed = list(suites)
    passed = sum(s.passed for s in listed)
    failed = sum(s.failed for s in listed)
    return f"{passed} passed, {failed} failed"


def _check_data(check: CheckResult) -> dict[str, object]:
    return {
        "at": check.at.isoformat(),
        "kind": check.kind,
        "subject": check.subject,
        "line": check.line,
        "column": check.column,
        "passed": check.passed,
        "expected": dict(check.expected),
        "actual": dict(check.actual),
        "explanation": check.explanation,
    }


def scenario_data(result: ScenarioResult) -> dict[str, object]:
    """A scenario result as JSON-ready data (the shape docs/cli.md documents)."""
    return {
        "name": result.name,
        "line": result.line,
        "column": result.column,
        "passed": result.passed,
        "error": result.error,
        "checks": [_check_data(c) for c in result.checks],
    }


def suite_data(suite: SuiteResult) -> dict[str, object]:
    """A scenario file's results as JSON-ready data."""
    return {
        "source": suite.source,
        "policy": suite.policy,
        "passed": suite.passed,
        "failed": suite.failed,
        "scenarios": [scenario_data(s) for s in suite.scenarios],
    }


def coverage_data(coverage: Coverage) -> dict[str, object]:
    """Coverage as JSON-ready data: every rule, the exercised and the missed ones, the percent."""
    return {
        "rules": len(coverage.rules),
        "covered": list(coverage.covered),
        "missed": list(coverage.missed),
        "percent": round(coverage.percent, 1),
    }


def coverage_text(source: str, coverage: Coverage) -> str:
    """Which rules no scenario exercised, for one policy."""
    head = (
        f"coverage {source}: {len(coverage.covered)}/{len(coverage.rules)} rules "
        f"({coverage.percent:.1f}%)"
    )
    return "\n".join([head, *(f"  not exercised: {path}" for path in coverage.missed)])
