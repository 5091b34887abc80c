"""``memberkit test PATH...``: run scenario files and report ``N passed, N failed``.

Directories are searched for ``*_test.yaml``. Exit codes: 0 every scenario passed (and coverage
reached ``--threshold``), 1 a scenario failed, a file was invalid or coverage fell short, 2 usage
(a path that does not exist, no scenario file found).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from pathlib import Path as FilePath
from typing import Any, TextIO

from .._errors import PolicyError
from .._locales import SHIPPED_LOCALES, shipped_locale
from ..testing import Coverage, ScenarioError, SuiteResult, run_file
from ..testing._report import (
    coverage_data,
    coverage_text,
    scenario_text,
    suite_data,
    summary_line,
)
from ._options import add_locale_option

__all__ = ["add_test_parser", "find_scenario_files", "run_test"]

OK, FINDINGS, USAGE = 0, 1, 2


def add_test_parser(sub: Any) -> None:
    """Register the test subcommand."""
    test = sub.add_parser("test", help="run policy scenario files (*_test.yaml)")
    test.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or directories")
    test.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default; the last line is 'N passed, N failed') or json",
    )
    add_locale_option(test, "locale of explanations in failures (default: each programme's)")
    test.add_argument("--coverage", action="store_true", help="report rules no scenario exercised")
    test.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="P",
        help="fail when rule coverage is under P percent (implies --coverage)",
    )


def find_scenario_files(paths: Iterable[str]) -> tuple[list[FilePath], list[str]]:
    """The scenario files the paths name (directories searched for *_test.yaml), and bad paths."""
    found: list[FilePath] = []
    missing: list[str] = []
    for raw in paths:
        path = FilePath(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*_test.yaml") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            missing.append(raw)
    return list(dict.fromkeys(found)), missing


def _coverages(suites: list[SuiteResult]) -> dict[str, Coverage]:
    rules: dict[str, tuple[str, ...]] = {}
    seen: dict[str, set[str]] = {}
    for suite in suites:
        rules[suite.policy] = suite.rules
        bucket = seen.setdefault(suite.policy, set())
        for scenario in suite.scenarios:
            bucket |= scenario.exercised
    return {policy: Coverage.of(rules[policy], seen[policy]) for policy in sorted(rules)}


def run_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the scenario files and write the report; returns the exit code."""
    files, missing = find_scenario_files(args.paths)
    for raw in missing:
        err.write(f"memberkit test: no such file or directory: {raw}\n")
    if missing:
        return USAGE
    if not files:
        err.write("memberkit test: no *_test.yaml scenario files found\n")
        return USAGE
    locale = args.locale
    if locale is not None and shipped_locale(locale) is None:
        err.write(
            f"memberkit test: no texts in locale {locale!r} (memberkit ships "
            f"{', '.join(SHIPPED_LOCALES)}); showing each programme's locale\n"
        )
        locale = None
    suites: list[SuiteResult] = []
    problems: list[dict[str, object]] = []
    for path in files:
        try:
            suites.append(run_file(path, locale=locale))
        except (ScenarioError, PolicyError) as exc:
            for issue in exc.issues:
                problems.append(issue.as_dict())
                if args.format == "text":
                    err.write(f"{issue}\n")
    want_coverage = args.coverage or args.threshold is not None
    coverages = _coverages(suites) if want_coverage else {}
    short = [
        p for p, c in coverages.items() if args.threshold is not None and c.percent < args.threshold
    ]
    failed = any(s.failed for s in suites) or bool(problems) or bool(short)
    if args.format == "json":
        data: dict[str, object] = {
            "files": [suite_data(s) for s in suites],
            "errors": problems,
            "passed": sum(s.passed for s in suites),
            "failed": sum(s.failed for s in suites),
        }
        if want_coverage:
            data["coverage"] = {p: coverage_data(c) for p, c in coverages.items()}
            data["threshold"] = args.threshold
        out.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        return FINDINGS if failed else OK
    for suite in suites:
        for scenario in suite.scenarios:
            out.write(scenario_text(scenario) + "\n")
    for policy, coverage in coverages.items():
        out.write(coverage_text(policy, coverage) + "\n")
    for policy in short:
        out.write(
            f"coverage of {policy} is {coverages[policy].percent:.1f}%, "
            f"under the threshold of {args.threshold:g}%\n"
        )
    out.write(summary_line(suites) + "\n")
    return FINDINGS if failed else OK
