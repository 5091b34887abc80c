"""``memberkit validate PATH...``: check policies and scenario files without running anything.

A directory is walked like ``memberkit test`` walks it (hidden directories skipped): every
``*.yaml`` / ``*.yml`` in it that is a memberkit file is checked, and other YAML (CI settings, a
docs site's configuration) is listed as skipped. A scenario file (``*_test.yaml``, or any file
whose top level holds ``memberkit_test``) is checked as a scenario file, and the policy it tests
is checked too, so a scenario beside its policy never produces bogus policy errors.
Exit codes: 0 every file valid, 1 an invalid file, 2 a path that does not exist or cannot be read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path as FilePath
from typing import TextIO

from .._errors import PolicyError, PolicyIssue
from .._limits import memberkit_context
from ..policy import parse_policy
from ..policy._load import parse_read_policy
from ..policy._yaml import Located, read_yaml

__all__ = ["find_validate_files", "run_validate"]

OK, FINDINGS, USAGE = 0, 1, 2

MARKER = "memberkit_test"
"""The top-level key of a scenario file: ``memberkit.testing.MARKER``, written here so that checking
policies does not import the scenario models (a test pins that the two are the same)."""

_POLICY_KEYS = frozenset({"memberkit", "program"})
"""Top-level keys that make a YAML file found in a directory a policy (either one will do, so a
policy that forgot ``memberkit: 1`` is still checked and told so)."""


_read_policy_yaml = memberkit_context(read_yaml)
"""``read_yaml`` as ``parse_policy`` runs it, in memberkit's decimal context."""


def _is_scenario_name(path: FilePath) -> bool:
    return path.name.endswith(("_test.yaml", "_test.yml"))


def find_validate_files(paths: Iterable[str]) -> list[tuple[FilePath, bool]]:
    """The files the paths name, each with whether it was found by walking a directory.

    A path that does not exist is kept, so it is reported as unreadable in its place.
    """
    found: list[tuple[FilePath, bool]] = []
    for raw in paths:
        path = FilePath(raw)
        if path.is_dir():
            walked = sorted(
                p
                for pattern in ("*.yaml", "*.yml")
                for p in path.rglob(pattern)
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            found += [(p, True) for p in walked]
        else:
            found.append((path, False))
    unique: dict[FilePath, bool] = {}
    for file, by_walk in found:
        # A file named on the command line is checked even if a directory walk also found it.
        unique[file] = unique.get(file, True) and by_walk
    return list(unique.items())


def _kind(raw: bytes, path: FilePath) -> tuple[str, Located | None]:
    """``scenario``, ``policy`` or ``other`` (only for files a directory walk found), with the
    YAML read to learn it, which a policy's check then uses rather than reading the file again."""
    if _is_scenario_name(path):
        return "scenario", None
    try:
        read = _read_policy_yaml(raw, str(path))
    except PolicyError:
        # Not even YAML: it may well be a broken policy, so it is checked (and reported) as one.
        return "policy", None
    data = read.data
    if isinstance(data, dict):
        if MARKER in data:
            return "scenario", None
        if _POLICY_KEYS & set(data):
            return "policy", read
    return "other", read


def _issues_of_policy(raw: bytes, source: str, read: Located | None = None) -> list[PolicyIssue]:
    try:
        if read is None:
            parse_policy(raw, source=source)
        else:
            parse_read_policy(read, source)
    except PolicyError as exc:
        return list(exc.issues)
    return []


def _read(path: FilePath) -> bytes | PolicyIssue:
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return PolicyIssue(str(path), 0, 0, "", f"cannot read the file: {reason}", "io")


def _check_scenarios(raw: bytes, source: str) -> tuple[list[PolicyIssue], FilePath | None, int]:
    """Issues of a scenario file, the policy it tests, and how many scenarios it holds."""
    from ..testing import ScenarioError, parse_scenarios

    try:
        loaded = parse_scenarios(raw, source=source)
    except ScenarioError as exc:
        return list(exc.issues), None, 0
    return [], loaded.policy_path, len(loaded.document.scenarios)


def run_validate(paths: Sequence[str], fmt: str, out: TextIO, err: TextIO) -> int:
    """Check every policy and scenario file the paths name; returns the exit code."""
    files = find_validate_files(paths)
    results: list[dict[str, object]] = []
    checked: set[FilePath] = set()
    tested: list[tuple[FilePath, str]] = []
    failed = unreadable = False

    def report(source: str, kind: str, issues: list[PolicyIssue], note: str = "") -> None:
        nonlocal failed, unreadable
        results.append(
            {
                "source": source,
                "kind": kind,
                "valid": not issues if kind != "skipped" else None,
                "issues": [i.as_dict() for i in issues],
            }
        )
        failed |= bool(issues)
        # A file that cannot be read is a usage problem (wrong path), not a policy finding.
        unreadable |= any(issue.code == "io" for issue in issues)
        if fmt != "text":
            return
        for issue in issues:
            err.write(f"{issue}\n")
        if not issues:
            out.write(f"{source}: {note or 'ok'}\n")

    for path, walked in files:
        source = str(path)
        raw = _read(path)
        if isinstance(raw, PolicyIssue):
            report(source, "policy", [raw])
            continue
        kind, read = _kind(raw, path)
        if kind == "other" and walked:
            report(source, "skipped", [], "skipped (not a memberkit policy or scenario file)")
            continue
        if kind == "scenario":
            issues, policy_path, count = _check_scenarios(raw, source)
            if policy_path is not None:
                tested.append((policy_path, source))
            plural = "scenario" if count == 1 else "scenarios"
            report(source, "scenario", issues, f"ok ({count} {plural})")
            continue
        checked.add(path.resolve())
        report(source, "policy", _issues_of_policy(raw, source, read))
    # The policy a scenario file tests is checked once, even when it was not named itself.
    for policy_path, scenario_source in tested:
        if policy_path.resolve() in checked:
            continue
        checked.add(policy_path.resolve())
        if not policy_path.is_file():
            issue = PolicyIssue(
                scenario_source,
                1,
                1,
                "policy",
                f"the policy this scenario file tests, {policy_path}, does not exist",
                "missing_policy",
            )
            report(str(policy_path), "policy", [issue])
            continue
        found = _read(policy_path)
        issues = (
            [found]
            if isinstance(found, PolicyIssue)
            else _issues_of_policy(found, str(policy_path))
        )
        report(str(policy_path), "policy", issues)
    if fmt == "json":
        out.write(json.dumps({"files": results}, indent=2, ensure_ascii=False) + "\n")
    if unreadable:
        return USAGE
    return FINDINGS if failed else OK
