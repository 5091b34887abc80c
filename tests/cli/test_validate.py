"""`memberkit validate`: exit codes, located messages, JSON output, hostile files."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from memberkit.cli import main
from memberkit.policy._yaml import Located

GOLDEN = Path(__file__).parents[1] / "policy" / "golden"
EXAMPLES = Path(__file__).parents[2] / "src" / "memberkit" / "examples"


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("billion_laughs", "too_large"),
        ("python_tag", "yaml_tag"),
        ("duplicate_key", "duplicate_key"),
        ("unclosed_bracket", "yaml_syntax"),
        ("binary", "not_text"),
        ("deep_nesting", "too_deep"),
    ],
)
def test_a_hostile_file_exits_1_with_a_located_message(name: str, code: str) -> None:
    """Each hostile policy is refused with file:line:col and its code, and no traceback."""
    path = GOLDEN / f"{name}.yaml"
    status, out, err = run("validate", str(path))
    assert status == 1
    assert out == ""
    lines = err.splitlines()
    assert lines
    assert all(line.startswith(f"{path}:") and line.endswith("]") for line in lines)
    assert f"[{code}]" in err
    assert "Traceback" not in err


def test_the_deep_nesting_file_is_really_five_thousand_deep() -> None:
    """The hostile nesting case nests 5,000 lists, far past Python's recursion limit."""
    assert (GOLDEN / "deep_nesting.yaml").read_text().count("[") >= 5000


def test_a_valid_policy_exits_0() -> None:
    """The bundled example validates cleanly."""
    status, out, err = run("validate", str(EXAMPLES / "retail.yaml"))
    assert (status, err) == (0, "")
    assert out.endswith(": ok\n")


def test_several_files_report_each_and_fail_if_any_fails() -> None:
    """One bad file among good ones makes the run fail; the good one is still reported ok."""
    status, out, err = run(
        "validate", str(EXAMPLES / "retail.yaml"), str(GOLDEN / "unknown_timezone.yaml")
    )
    assert status == 1
    assert "retail.yaml: ok" in out
    assert "did you mean 'Asia/Shanghai'?" in err


def test_json_output_lists_every_issue_with_its_location() -> None:
    """--format json gives each file's validity and its issues as data."""
    status, out, _ = run("validate", "--format", "json", str(GOLDEN / "many_problems.yaml"))
    assert status == 1
    report = json.loads(out)
    (entry,) = report["files"]
    assert entry["valid"] is False
    assert [(i["line"], i["column"], i["code"]) for i in entry["issues"]] == [
        (3, 7, "bad_format"),
        (4, 13, "bad_format"),
        (6, 16, "out_of_range"),
        (7, 1, "unknown_key"),
    ]


def test_no_arguments_is_a_usage_error() -> None:
    """validate without a file exits 2."""
    assert run("validate")[0] == 2


def test_schema_prints_the_json_schema() -> None:
    """`memberkit schema` prints a JSON Schema that names the program section."""
    status, out, _ = run("schema")
    assert status == 0
    schema = json.loads(out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "program" in schema["properties"]


def test_an_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    """A path that does not exist exits 2 and says the file cannot be read, without a fake 0:0."""
    missing = tmp_path / "nope.yaml"
    status, _, err = run("validate", str(missing))
    assert status == 2
    assert err == f"{missing}: cannot read the file: No such file or directory [io]\n"


def _policy_dir(tmp_path: Path) -> Path:
    """A repository of policies as the README recommends: each policy beside its scenario file."""
    for name in ("minimal.yaml", "minimal_test.yaml", "retail.yaml", "retail_test.yaml"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    return tmp_path


def test_scenario_files_beside_policies_are_checked_as_scenario_files(tmp_path: Path) -> None:
    """`validate *.yaml` with *_test.yaml beside the policies gives no bogus policy errors."""
    folder = _policy_dir(tmp_path)
    names = sorted(str(p) for p in folder.glob("*.yaml"))
    status, out, err = run("validate", *names)
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"{folder / 'minimal.yaml'}: ok",
        f"{folder / 'minimal_test.yaml'}: ok (1 scenario)",
        f"{folder / 'retail.yaml'}: ok",
        f"{folder / 'retail_test.yaml'}: ok (8 scenarios)",
    ]


def test_a_directory_is_walked_and_other_yaml_is_skipped(tmp_path: Path) -> None:
    """validate DIR checks every policy and scenario file under it and skips other YAML."""
    folder = _policy_dir(tmp_path)
    (folder / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "broken.yaml").write_text("memberkit: [\n", encoding="utf-8")
    status, out, err = run("validate", str(folder))
    assert (status, err) == (0, "")
    assert f"{folder / 'mkdocs.yml'}: skipped (not a memberkit policy or scenario file)\n" in out
    assert out.count(": ok") == 4


def test_a_broken_scenario_file_is_reported_as_a_scenario_file(tmp_path: Path) -> None:
    """A scenario file's own mistake is reported with its location, not as policy keys."""
    folder = _policy_dir(tmp_path)
    (folder / "minimal_test.yaml").write_text(
        "memberkit_test: 1\nscenarios:\n  - name: x\n    membr: {id: m1}\n", encoding="utf-8"
    )
    status, _, err = run("validate", str(folder))
    assert status == 1
    assert "membr: unknown key 'membr'; did you mean 'member'?" in err
    assert "required key 'memberkit'" not in err


def test_the_policy_a_scenario_file_tests_is_checked_too(tmp_path: Path) -> None:
    """Naming only a scenario file also checks its policy, and a missing policy is an issue."""
    (tmp_path / "lonely_test.yaml").write_bytes((EXAMPLES / "minimal_test.yaml").read_bytes())
    status, _, err = run("validate", str(tmp_path / "lonely_test.yaml"))
    assert status == 1
    assert "the policy this scenario file tests" in err
    assert "lonely.yaml, does not exist [missing_policy]" in err


def test_json_names_the_kind_of_each_file(tmp_path: Path) -> None:
    """--format json says whether each file was a policy, a scenario file, or skipped."""
    folder = _policy_dir(tmp_path)
    (folder / "other.yaml").write_text("a: 1\n", encoding="utf-8")
    status, out, _ = run("validate", str(folder), "--format", "json")
    assert status == 0
    kinds = {Path(f["source"]).name: f["kind"] for f in json.loads(out)["files"]}
    assert kinds == {
        "minimal.yaml": "policy",
        "minimal_test.yaml": "scenario",
        "other.yaml": "skipped",
        "retail.yaml": "policy",
        "retail_test.yaml": "scenario",
    }


@pytest.mark.parametrize("name", ["retail.yaml", "minimal.yaml"])
def test_a_policy_file_is_read_as_yaml_once(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validating a policy parses its YAML once: the read that tells its kind is the one checked."""
    import memberkit.cli._validate as validate
    import memberkit.policy._load as load

    reads: list[str] = []

    def counting(read: Callable[[str | bytes, str], Located]) -> Callable[..., Located]:
        def inner(text: str | bytes, source: str) -> Located:
            reads.append(source)
            return read(text, source)

        return inner

    monkeypatch.setattr(validate, "_read_policy_yaml", counting(validate._read_policy_yaml))
    monkeypatch.setattr(load, "read_yaml", counting(load.read_yaml))
    path = str(EXAMPLES / name)
    assert run("validate", path) == (0, f"{path}: ok\n", "")
    assert reads == [path]
