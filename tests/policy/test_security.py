"""Hostile policy input is refused quickly and located: long amounts, huge files, machine zones."""

from __future__ import annotations

from pathlib import Path

import pytest

import memberkit
from memberkit.policy._yaml import MAX_BYTES

# Every test here runs with libyaml's parser and the pure-Python one (tests/policy/conftest.py).
pytestmark = pytest.mark.usefixtures("yaml_parser")

_HEAD = "memberkit: 1\nprogram: {id: t, currency: CNY, timezone: Asia/Shanghai}\n"


def _issues(text: str) -> list[memberkit.PolicyIssue]:
    return memberkit.validate_policy(text, source="p.yaml")


def test_an_overlong_per_amount_is_refused_as_too_long() -> None:
    """A `per:` text of blanks between a number and junk is refused as too long, at its line."""
    per = "1" + " " * 60 + "x"
    issues = _issues(
        _HEAD + f"points:\n  earn:\n    - {{id: b, on: purchase, per: '{per}', points: 1}}\n"
    )
    assert [(i.line, i.path) for i in issues] == [(5, "points.earn[0].per")]
    assert "too long for an amount" in issues[0].message


@pytest.mark.parametrize(
    ("per", "fine"), [(" 1 CNY ", True), ("2.5CNY", True), ("10", True), ("1 CNY x", False)]
)
def test_per_amounts_still_read_as_before(per: str, fine: bool) -> None:
    """Ordinary `per:` amounts read as before the pattern was rewritten."""
    issues = _issues(
        _HEAD + f"points:\n  earn:\n    - {{id: b, on: purchase, per: '{per}', points: 1}}\n"
    )
    assert (issues == []) is fine


def test_load_policy_checks_the_size_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A policy file larger than the limit is refused without reading the whole file."""
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES * 20)  # sparse: large on paper, nothing on disk

    def whole_file(self: Path) -> bytes:
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(Path, "read_bytes", whole_file)
    with pytest.raises(memberkit.PolicyError) as caught:
        memberkit.load_policy(big)
    assert [i.code for i in caught.value.issues] == ["too_large"]


def test_a_policy_just_over_the_limit_is_refused(tmp_path: Path) -> None:
    """A file one byte over the limit is refused as too large."""
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(memberkit.PolicyError) as caught:
        memberkit.load_policy(big)
    assert [i.code for i in caught.value.issues] == ["too_large"]


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "posix/Asia/Shanghai"])
def test_a_machine_dependent_timezone_is_refused(zone: str) -> None:
    """A zone whose meaning depends on the machine is refused, located at program.timezone."""
    issues = _issues(f"memberkit: 1\nprogram: {{id: t, currency: CNY, timezone: {zone}}}\n")
    assert [(i.line, i.path, i.code) for i in issues] == [
        (2, "program.timezone", "unknown_timezone")
    ]


def test_a_500_segment_timezone_is_refused_without_recursion() -> None:
    """A timezone of 500 path segments is one located issue, not a RecursionError."""
    zone = "/".join(["a"] * 500)
    issues = _issues(f"memberkit: 1\nprogram: {{id: t, currency: CNY, timezone: {zone}}}\n")
    assert [(i.path, i.code) for i in issues] == [("program.timezone", "unknown_timezone")]
