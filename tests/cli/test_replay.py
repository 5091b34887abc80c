"""`memberkit replay`: states written, located problems on stderr, resume, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import memberkit
from memberkit.cli import main

RETAIL = str(Path(memberkit.__file__).parent / "examples" / "retail.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; returns exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _buy(member: str, event_id: str, day: int) -> str:
    return json.dumps(
        {
            "member": member,
            "type": "purchase",
            "id": event_id,
            "at": f"2026-03-{day:02d}T10:00:00+08:00",
            "currency": "CNY",
            "lines": [{"id": "l1", "category": "shoes", "amount": "120"}],
        }
    )


@pytest.fixture
def events(tmp_path: Path) -> Path:
    """Three members' purchases, interleaved."""
    path = tmp_path / "events.jsonl"
    lines = [_buy("a", "a1", 1), _buy("b", "b1", 2), _buy("a", "a2", 3), _buy("c", "c1", 4)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_replay_writes_one_state_a_member_and_a_summary(events: Path, tmp_path: Path) -> None:
    """Exit 0; one state line a member; the summary on stdout and nothing on stderr."""
    out = tmp_path / "states.jsonl"
    code, stdout, stderr = run("replay", RETAIL, str(events), "--out", str(out), "--workers", "2")
    assert (code, stderr) == (0, "")
    assert stdout == f"3 members written to {out}, 4 events, 0 problem lines\n"
    states = [memberkit.state_from_json(line) for line in out.read_text().splitlines()]
    assert [s.member_id for s in states] == ["a", "b", "c"]
    assert [o.id for o in states[0].orders] == ["a1", "a2"]


def test_a_bad_line_is_located_on_stderr_and_exits_1(events: Path, tmp_path: Path) -> None:
    """The bad line is named EVENTS:LINE with its event id; the other members are written."""
    with events.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"member": "b", "type": "refund", "id": "r9", "at": "x"}) + "\n")
    out = tmp_path / "states.jsonl"
    code, stdout, stderr = run("replay", RETAIL, str(events), "--out", str(out))
    assert code == 1
    assert stderr.startswith(f"{events}:5: member 'b' event 'r9': ")
    assert stderr.endswith("[invalid_event]\n")
    assert stdout.startswith("2 members written")
    assert len(out.read_text().splitlines()) == 2


def test_resume_finishes_a_cut_output(events: Path, tmp_path: Path) -> None:
    """--resume after a cut keeps the complete lines and writes the same file as one run."""
    whole, cut = tmp_path / "whole.jsonl", tmp_path / "cut.jsonl"
    run("replay", RETAIL, str(events), "--out", str(whole))
    cut.write_bytes(whole.read_bytes()[:-10])
    code, stdout, _ = run("replay", RETAIL, str(events), "--out", str(cut), "--resume")
    assert code == 0
    assert stdout == f"1 members written to {cut}, 2 already written, 1 events, 0 problem lines\n"
    assert cut.read_bytes() == whole.read_bytes()


def test_progress_goes_to_stderr_only(events: Path, tmp_path: Path) -> None:
    """--progress draws the bar on stderr; stdout holds only the summary."""
    code, stdout, stderr = run(
        "replay", RETAIL, str(events), "--out", str(tmp_path / "s.jsonl"), "--progress"
    )
    assert code == 0
    assert "3/3 members" in stderr
    assert stdout.count("\n") == 1


def test_as_of_advances_every_member(events: Path, tmp_path: Path) -> None:
    """--as-of DATE brings every state to the end of that day in the programme's timezone."""
    out = tmp_path / "s.jsonl"
    code, _, _ = run("replay", RETAIL, str(events), "--out", str(out), "--as-of", "2027-01-31")
    assert code == 0
    state = memberkit.state_from_json(out.read_text().splitlines()[0])
    assert state.advanced_to is not None
    assert state.advanced_to.isoformat() == "2027-01-31T23:59:59+08:00"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("missing.jsonl",), "cannot use missing.jsonl"),
        (("EVENTS", "--as-of", "soon"), "--as-of 'soon'"),
    ],
)
def test_usage_errors_exit_2(
    events: Path, tmp_path: Path, argv: tuple[str, ...], message: str
) -> None:
    """An unreadable events file or a bad --as-of is a usage error, said on stderr."""
    args = [str(events) if a == "EVENTS" else a for a in argv]
    code, _, stderr = run("replay", RETAIL, *args, "--out", str(tmp_path / "s.jsonl"))
    assert code == 2
    assert message in stderr


def test_zero_workers_is_a_usage_error(
    events: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--workers 0 is refused by the parser (exit 2) before anything is read."""
    code, _, _ = run("replay", RETAIL, str(events), "--out", str(tmp_path / "s"), "--workers", "0")
    assert code == 2
    assert "--workers: at least 1" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_an_unreadable_policy_exits_2_and_an_invalid_one_1(events: Path, tmp_path: Path) -> None:
    """A policy that cannot be read is usage (2); one that does not validate is a finding (1)."""
    out = str(tmp_path / "s.jsonl")
    assert run("replay", str(tmp_path / "nope.yaml"), str(events), "--out", out)[0] == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("memberkit: 1\nprogram: {id: x}\n", encoding="utf-8")
    code, _, stderr = run("replay", str(bad), str(events), "--out", out)
    assert code == 1
    assert f"{bad}:2:" in stderr
