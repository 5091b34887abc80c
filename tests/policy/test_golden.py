"""Every kind of policy mistake gives one exact, located message (golden files)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# Every test here runs with libyaml's parser and the pure-Python one (tests/policy/conftest.py).
pytestmark = pytest.mark.usefixtures("yaml_parser")

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.yaml"))

_spec = importlib.util.spec_from_file_location(
    "regen_golden", Path(__file__).parents[2] / "scripts" / "regen_golden.py"
)
assert _spec is not None
assert _spec.loader is not None
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden_messages(case: Path) -> None:
    """The validator's issues for a broken policy equal the reviewed golden text."""
    expected = case.with_suffix(".out").read_text(encoding="utf-8")
    assert expected, f"{case.name} must be invalid"
    assert regen.render(case) == expected


def test_every_case_has_a_golden() -> None:
    """No broken policy is left without its reviewed expectation."""
    missing = [c.name for c in CASES if not c.with_suffix(".out").exists()]
    assert missing == []
