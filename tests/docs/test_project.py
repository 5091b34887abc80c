"""What users look for in a project: licence, changelog, compatibility, hooks, the service recipe."""

from __future__ import annotations

import importlib.metadata
import io
import re
import shutil
import tomllib
from pathlib import Path

import pytest
import yaml

from memberkit._state import STATE_FORMAT
from memberkit.cli import main

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "src" / "memberkit" / "examples"


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_file_is_the_mit_licence_pyproject_names() -> None:
    """LICENSE holds the MIT text, and pyproject names it with the SPDX string and license-files."""
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_the_installed_metadata_carries_the_licence_expression() -> None:
    """The installed distribution says `License-Expression: MIT` and ships the LICENSE file."""
    metadata = importlib.metadata.metadata("memberkit")
    assert metadata["License-Expression"] == "MIT"
    assert "LICENSE" in (metadata.get_all("License-File") or [])


def test_the_build_backend_understands_the_spdx_licence() -> None:
    """setuptools reads `license = "MIT"` and license-files from version 77 on."""
    build = _pyproject()["build-system"]
    assert isinstance(build, dict)
    assert "setuptools>=77" in build["requires"]


def test_the_changelog_has_an_entry_for_this_version() -> None:
    """CHANGELOG.md keeps an Unreleased section and one for the version in pyproject."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    assert "## [Unreleased]" in text
    assert re.search(
        rf"^## \[{re.escape(str(project['version']))}\] - \d{{4}}-\d\d-\d\d$", text, re.M
    )


def test_the_compatibility_page_covers_both_formats_and_is_in_the_nav() -> None:
    """docs/compatibility.md states what `memberkit: 1` and the state format promise."""
    page = (ROOT / "docs" / "compatibility.md").read_text(encoding="utf-8")
    assert "## The policy format: `memberkit: 1`" in page
    assert "## The member state format" in page
    assert f"with a `format` field (currently `{STATE_FORMAT}`)" in page
    assert ": compatibility.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def _hooks() -> dict[str, dict[str, object]]:
    data = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in data}


def test_the_pre_commit_hooks_run_validate_and_test() -> None:
    """The hook definitions run `memberkit validate` and `memberkit test`, installed from Python."""
    hooks = _hooks()
    assert sorted(hooks) == ["memberkit-test", "memberkit-validate"]
    assert hooks["memberkit-validate"]["entry"] == "memberkit validate"
    assert hooks["memberkit-test"]["entry"] == "memberkit test"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert re.search(str(hook["files"]), "policies/retail.yaml")


def _run_hook(hook: dict[str, object], repo: Path) -> int:
    entry = str(hook["entry"]).split()
    assert entry[0] == "memberkit"
    args = [str(repo / a) for a in hook.get("args", [])]  # type: ignore[union-attr]
    return main([*entry[1:], *args], stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("hook_id", ["memberkit-test", "memberkit-validate"])
def test_each_hook_passes_on_a_repository_of_good_policies(tmp_path: Path, hook_id: str) -> None:
    """On a repository holding the bundled policies beside their scenario files, each hook passes."""
    shutil.copytree(EXAMPLES, tmp_path / "policies", ignore=shutil.ignore_patterns("__*"))
    assert _run_hook(_hooks()[hook_id], tmp_path) == 0


@pytest.mark.parametrize("hook_id", ["memberkit-test", "memberkit-validate"])
def test_each_hook_fails_on_a_broken_policy(tmp_path: Path, hook_id: str) -> None:
    """A policy with an unknown key makes both hooks fail the commit."""
    shutil.copytree(EXAMPLES, tmp_path / "policies", ignore=shutil.ignore_patterns("__*"))
    broken = tmp_path / "policies" / "minimal.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    assert _run_hook(_hooks()[hook_id], tmp_path) == 1


def test_the_service_readme_gives_the_postgresql_recipe_it_promises() -> None:
    """The service README's PostgreSQL section exists, with the table the store really creates."""
    readme = (ROOT / "examples" / "service" / "README.md").read_text(encoding="utf-8")
    storage = (ROOT / "examples" / "service" / "memberkit_service" / "storage.py").read_text(
        encoding="utf-8"
    )
    conftest = (ROOT / "examples" / "service" / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert "see [PostgreSQL](#postgresql) below" in readme
    assert "\n## PostgreSQL\n" in readme
    tables = re.findall(r'"""\n(CREATE TABLE.*?)\n"""', storage, flags=re.DOTALL)
    assert len(tables) == 3
    shown = readme.replace("\n   ", "\n").replace(");", ")")
    for table in tables:
        assert table.strip() in shown, table
    assert "MEMBERKIT_DATABASE_URL=postgresql://" in readme
    for variable in ("MEMBERKIT_PG_URL", "MEMBERKIT_REQUIRE_PG"):
        assert variable in readme
        assert f'"{variable}"' in conftest
