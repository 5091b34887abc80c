"""The bundled example programmes ship with scenario suites that pass and cover every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from memberkit.testing import run_file

EXAMPLES = Path(__file__).parents[2] / "src" / "memberkit" / "examples"
SUITES = sorted(EXAMPLES.glob("*_test.yaml"))


def test_every_example_has_a_suite() -> None:
    """Each example policy has a scenario file beside it."""
    policies = {p.stem for p in EXAMPLES.glob("*.yaml") if not p.stem.endswith("_test")}
    assert policies == {p.stem.removesuffix("_test") for p in SUITES}


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.name)
def test_the_example_suite_passes_with_full_coverage(path: Path) -> None:
    """Every scenario passes and every rule of the example is exercised."""
    suite = run_file(path)
    assert (suite.failed, suite.coverage().missed) == (0, ())
