"""The command as a whole: `python -m memberkit`, help on every option, output paths, locales."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

import pytest

from memberkit.cli import main
from memberkit.cli._main import _parser

EXAMPLES = Path(__file__).parents[2] / "src" / "memberkit" / "examples"
RETAIL = str(EXAMPLES / "retail.yaml")
MINIMAL = str(EXAMPLES / "minimal.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_python_dash_m_memberkit_runs_the_command() -> None:
    """`python -m memberkit --version` prints the version, like the `memberkit` script."""
    done = subprocess.run(
        [sys.executable, "-m", "memberkit", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("memberkit ")


@pytest.mark.parametrize("module", ["memberkit", "memberkit.cli"])
def test_the_process_entry_gives_main_s_exit_code_and_words(module: str, tmp_path: Path) -> None:
    """`python -m` on a broken and a valid policy exits and prints as `main` does in-process."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("memberkit: 1\nprogram: {currency: XYZ}\n", encoding="utf-8")
    for path in (str(broken), MINIMAL):
        done = subprocess.run(
            [sys.executable, "-m", module, "validate", path],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stdout, done.stderr) == run("validate", path)


def test_the_process_entry_freezes_the_heap_after_the_command() -> None:
    """`run_process` runs the command, then hides what it built from the shutdown's collections."""
    code = (
        "import gc, io, sys\n"
        "from memberkit.cli._main import run_process\n"
        f"sys.argv = ['memberkit', 'validate', {MINIMAL!r}]\n"
        "sys.stdout = io.StringIO()\n"
        "assert gc.get_freeze_count() == 0\n"
        "assert run_process() == 0\n"
        "assert sys.stdout.getvalue().endswith(': ok\\n')\n"
        "assert gc.get_freeze_count() > 0\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_option_of_every_subcommand_has_help(command: str) -> None:
    """Each argument and option of each subcommand says what it is for in --help."""
    sub = _subcommands()[command]
    undocumented = [
        action.dest
        for action in sub._actions
        if not isinstance(action, argparse._HelpAction) and not action.help
    ]
    assert undocumented == []


@pytest.mark.parametrize("fmt", ["html", "json", "text"])
def test_diff_to_a_missing_directory_is_a_usage_error_without_traceback(
    tmp_path: Path, fmt: str
) -> None:
    """`diff --output /missing/dir/x.html` exits 2 and says the directory does not exist."""
    target = tmp_path / "missing" / "dir" / "x.html"
    code, out, err = run("diff", RETAIL, MINIMAL, "--format", fmt, "--output", str(target))
    assert code == 2
    assert out == ""
    assert err == (
        f"memberkit diff: cannot write {target}: the directory {target.parent} does not exist\n"
    )


def test_diff_to_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    """An --output that names a directory is refused in plain words, exit 2."""
    code, _, err = run("diff", RETAIL, MINIMAL, "--output", str(tmp_path))
    assert code == 2
    assert err == f"memberkit diff: cannot write {tmp_path}: it is a directory\n"


def test_diff_writes_the_report_where_output_says(tmp_path: Path) -> None:
    """A writable --output receives the report and stdout stays empty."""
    target = tmp_path / "report.html"
    code, out, _ = run("diff", RETAIL, MINIMAL, "--format", "html", "--output", str(target))
    assert code == 1
    assert out == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_an_unshipped_locale_is_said_on_stderr() -> None:
    """`demo --locale fr` runs in the programme's locale and says so on stderr, not silently."""
    code, out, err = run("demo", "--members", "3", "--locale", "fr")
    assert code == 0
    assert "no texts in locale 'fr'" in err
    assert "showing the programme's locale, zh_Hans" in err
    assert out
