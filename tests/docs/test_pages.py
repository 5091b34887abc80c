"""The hand-written docs pages: their examples run, and their links to policy files hold."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from tests.docs.builders import COOKBOOK, DOCS
from tests.points.builders import findings

from memberkit.testing import run_file

RETAIL = DOCS.parent / "src" / "memberkit" / "examples" / "retail.yaml"


def test_the_tutorial_examples_run_as_written() -> None:
    """Every `>>>` example of the tutorial gives the output the page shows."""
    result = doctest.testfile(
        str(DOCS / "tutorial.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted > 0
    assert result.failed == 0


def test_the_embedding_page_examples_run_as_written() -> None:
    """The `>>>` example of starting a member mid-story gives the output the page shows."""
    result = doctest.testfile(
        str(DOCS / "embedding.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted >= 10
    assert result.failed == 0


def test_every_recipe_file_is_included_in_the_cookbook() -> None:
    """Each policy in docs/cookbook/ is shown on the cookbook page, so none is orphaned."""
    page = (DOCS / "cookbook.md").read_text(encoding="utf-8")
    included = set(re.findall(r'--8<-- "cookbook/([^"]+)"', page))
    # A recipe's scenario suite (<recipe>_test.yaml) is named in the text and run by the tests.
    assert included == {p.name for p in COOKBOOK.glob("*.yaml") if not p.stem.endswith("_test")}


@pytest.mark.parametrize(
    "page", ["index.md", "tutorial.md", "cookbook.md", "embedding.md", "points.md", "fuzzing.md"]
)
def test_every_hand_written_page_is_in_the_nav(page: str) -> None:
    """mkdocs.yml lists each hand-written page (a page left out of the nav fails --strict)."""
    assert f": {page}" in (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")


def test_the_points_page_examples_are_valid_points_sections() -> None:
    """Each YAML example of the points page validates and cross-checks clean."""
    page = (DOCS / "points.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", page, flags=re.DOTALL)

    assert len(blocks) == 17
    for block in blocks:
        assert findings(block) == []


def test_the_cli_page_scenario_example_passes_against_the_bundled_retail_policy(
    tmp_path: Path,
) -> None:
    """The scenario file shown in docs/cli.md is run against retail.yaml and every check passes."""
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```yaml\n(memberkit_test: 1.*?)```", page, flags=re.DOTALL)
    assert "policy: retail.yaml" in example
    (tmp_path / "retail.yaml").write_bytes(RETAIL.read_bytes())
    scenario = tmp_path / "retail_test.yaml"
    scenario.write_text(example, encoding="utf-8")
    suite = run_file(scenario)
    checks = [c for s in suite.scenarios for c in s.checks]
    assert [(c.kind, c.passed) for c in checks if not c.passed] == []
    assert len(checks) == 8
    assert (suite.passed, suite.failed) == (1, 0)
