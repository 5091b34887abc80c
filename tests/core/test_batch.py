"""Batch replay: a JSON-lines file of many members' events to one state a member, on N processes."""

from __future__ import annotations

import json
import pickle
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.builders import at, policy

import memberkit
from memberkit import BatchReport, Policy, replay_batch

RETAIL = memberkit.load_policy(Path(memberkit.__file__).parent / "examples" / "retail.yaml")


def _line(member: str, **fields: Any) -> str:
    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    return json.dumps({"member": member, **{k: plain(v) for k, v in fields.items()}})


def _buy(member: str, event_id: str, when: datetime, amount: str = "100") -> str:
    lines = [{"id": "l1", "category": "shoes", "amount": amount}]
    return _line(member, type="purchase", id=event_id, at=when, currency="CNY", lines=lines)


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _states(path: Path) -> dict[str, memberkit.MemberState]:
    states = [memberkit.state_from_json(line) for line in path.read_text("utf-8").splitlines()]
    return {state.member_id: state for state in states}


def _reference(
    member: str, events: list[str], joined: datetime | None = None
) -> memberkit.MemberState:
    parsed = []
    for text in events:
        data = json.loads(text)
        del data["member"]
        parsed.append(memberkit.parse_event(data))
    start = joined or min(e.at for e in parsed)
    return memberkit.replay(RETAIL, memberkit.new_member(member, start), parsed)


def test_each_member_gets_the_state_replay_gives(tmp_path: Path) -> None:
    """Interleaved lines of two members give each the state ``replay`` gives their own events."""
    a = [_buy("a", "a1", at(2026, 1, 5)), _buy("a", "a2", at(2026, 2, 5), "300")]
    b = [_buy("b", "b1", at(2026, 1, 7), "50")]
    events = _write(tmp_path / "e.jsonl", [a[0], b[0], a[1]])
    report = replay_batch(RETAIL, events, tmp_path / "s.jsonl")
    assert report == BatchReport(written=2, skipped=0, events=3, problems=())
    states = _states(tmp_path / "s.jsonl")
    assert states == {"a": _reference("a", a), "b": _reference("b", b)}


def test_states_are_written_in_the_order_members_first_appear(tmp_path: Path) -> None:
    """The output lists members by their first line, so it is the same with any worker count."""
    lines = [_buy(m, f"{m}1", at(2026, 1, 5)) for m in ("z", "a", "m")]
    replay_batch(RETAIL, _write(tmp_path / "e.jsonl", lines), tmp_path / "s.jsonl", workers=2)
    ids = [
        json.loads(line)["member_id"] for line in (tmp_path / "s.jsonl").read_text().splitlines()
    ]
    assert ids == ["z", "a", "m"]


def test_events_out_of_time_order_are_applied_in_time_order(tmp_path: Path) -> None:
    """Like ``replay``, a member's events are sorted by time, whatever order the file has."""
    late, early = _buy("a", "a2", at(2026, 3, 1), "900"), _buy("a", "a1", at(2026, 1, 1))
    replay_batch(RETAIL, _write(tmp_path / "e.jsonl", [late, early]), tmp_path / "s.jsonl")
    state = _states(tmp_path / "s.jsonl")["a"]
    assert [order.id for order in state.orders] == ["a1", "a2"]


def test_a_member_line_sets_joined_birthday_and_tags(tmp_path: Path) -> None:
    """A line with no type gives the member's joining date (local midnight), birthday and tags."""
    lines = [
        _buy("a", "a1", at(2026, 3, 1)),
        _line("a", joined="2025-06-01", birthday="1990-08-03", tags=["vip"]),
    ]
    replay_batch(RETAIL, _write(tmp_path / "e.jsonl", lines), tmp_path / "s.jsonl")
    state = _states(tmp_path / "s.jsonl")["a"]
    assert state.joined_at == at(2025, 6, 1, 0, 0)
    assert (state.birthday, state.tags) == (datetime(1990, 8, 3).date(), ("vip",))


def test_as_of_advances_every_member(tmp_path: Path) -> None:
    """With ``as_of`` each state is brought to that moment, as ``replay(..., as_of=)`` does."""
    lines = [_buy("a", "a1", at(2026, 1, 5))]
    moment = at(2027, 6, 1)
    replay_batch(RETAIL, _write(tmp_path / "e.jsonl", lines), tmp_path / "s.jsonl", as_of=moment)
    expected = memberkit.replay(
        RETAIL,
        memberkit.new_member("a", at(2026, 1, 5)),
        [memberkit.parse_event({k: v for k, v in json.loads(lines[0]).items() if k != "member"})],
        as_of=moment,
    )
    assert _states(tmp_path / "s.jsonl")["a"] == expected


def test_an_invalid_line_is_located_and_the_other_members_go_on(tmp_path: Path) -> None:
    """A bad event names its line and id; its member is not written; the others are."""
    lines = [
        _buy("a", "a1", at(2026, 1, 5)),
        _line("b", type="purchase", id="b1", at="2026-01-05T10:00:00", currency="CNY", lines=[]),
        _buy("c", "c1", at(2026, 1, 5)),
        "{not json",
        _line("a", type="refund", id="a2", at=at(2026, 1, 9), order="nope"),
    ]
    report = replay_batch(RETAIL, _write(tmp_path / "e.jsonl", lines), tmp_path / "s.jsonl")
    assert [(p.line, p.member, p.event_id, p.code) for p in report.problems] == [
        (2, "b", "b1", "invalid_event"),
        (4, "?", "?", "invalid_json"),
        (5, "a", "a2", "unknown_order"),
    ]
    assert str(report.problems[0]).startswith(f"{tmp_path / 'e.jsonl'}:2: member 'b' event 'b1': ")
    assert list(_states(tmp_path / "s.jsonl")) == ["c"]
    assert not report.ok


def test_a_line_without_a_member_is_reported(tmp_path: Path) -> None:
    """An event that does not name its member cannot be placed, and says how to fix it."""
    text = json.dumps({"type": "activity", "id": "x1", "at": "2026-01-05T10:00:00+08:00"})
    report = replay_batch(RETAIL, _write(tmp_path / "e.jsonl", [text]), tmp_path / "s.jsonl")
    assert [(p.line, p.event_id, p.code) for p in report.problems] == [(1, "x1", "no_member")]
    assert 'add "member"' in report.problems[0].message


def test_an_unparsable_line_with_a_member_stops_that_member(tmp_path: Path) -> None:
    """A line cut in the middle still names its member, whose state would be wrong: not written."""
    lines = [_buy("a", "a1", at(2026, 1, 5)), _buy("a", "a2", at(2026, 1, 6))[:40]]
    report = replay_batch(RETAIL, _write(tmp_path / "e.jsonl", lines), tmp_path / "s.jsonl")
    assert [(p.line, p.member) for p in report.problems] == [(2, "a")]
    assert report.written == 0


def test_resume_redoes_a_truncated_last_line_and_keeps_the_rest(tmp_path: Path) -> None:
    """An output cut mid-line keeps its complete lines; resume replays only what is missing."""
    lines = [_buy(m, f"{m}1", at(2026, 1, 5)) for m in ("a", "b", "c")]
    events = _write(tmp_path / "e.jsonl", lines)
    whole = tmp_path / "whole.jsonl"
    replay_batch(RETAIL, events, whole)
    cut = tmp_path / "cut.jsonl"
    text = whole.read_bytes()
    first_end = text.index(b"\n") + 1
    cut.write_bytes(text[: first_end + 25])  # member a complete, member b cut short
    report = replay_batch(RETAIL, events, cut, resume=True)
    assert (report.written, report.skipped) == (2, 1)
    assert cut.read_bytes() == whole.read_bytes()


def test_resume_refuses_an_output_that_is_not_states(tmp_path: Path) -> None:
    """A complete line that is not a member state means the wrong file: nothing is appended."""
    events = _write(tmp_path / "e.jsonl", [_buy("a", "a1", at(2026, 1, 5))])
    wrong = _write(tmp_path / "s.jsonl", ['{"hello": 1}'])
    with pytest.raises(memberkit.StateError, match=r"s\.jsonl:1: not a member state"):
        replay_batch(RETAIL, events, wrong, resume=True)
    assert wrong.read_text() == '{"hello": 1}\n'


def test_without_resume_the_output_is_overwritten(tmp_path: Path) -> None:
    """A second run without ``resume`` starts the output afresh."""
    events = _write(tmp_path / "e.jsonl", [_buy("a", "a1", at(2026, 1, 5))])
    out = tmp_path / "s.jsonl"
    replay_batch(RETAIL, events, out)
    first = out.read_bytes()
    replay_batch(RETAIL, events, out)
    assert out.read_bytes() == first


def test_progress_is_told_every_member(tmp_path: Path) -> None:
    """The progress callback hears (done, total) from the start to the last member."""
    lines = [_buy(m, f"{m}1", at(2026, 1, 5)) for m in ("a", "b")]
    heard: list[tuple[int, int]] = []
    replay_batch(
        RETAIL,
        _write(tmp_path / "e.jsonl", lines),
        tmp_path / "s.jsonl",
        progress=lambda done, total: heard.append((done, total)),
    )
    assert heard == [(0, 2), (1, 2), (2, 2)]


def test_a_naive_as_of_and_zero_workers_are_refused(tmp_path: Path) -> None:
    """The arguments are checked before anything is read or written."""
    with pytest.raises(memberkit.EventError, match="as_of has no timezone offset"):
        replay_batch(RETAIL, tmp_path / "e", tmp_path / "s", as_of=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="at least 1"):
        replay_batch(RETAIL, tmp_path / "e", tmp_path / "s", workers=0)
    assert not (tmp_path / "s").exists()


# --- Policy pickles: how it reaches a worker process -------------------------------------------


def test_a_policy_round_trips_through_pickle_and_decides_the_same() -> None:
    """The unpickled policy (rebuilt from its document) quotes and ranks exactly as the original."""
    copy = pickle.loads(pickle.dumps(RETAIL))
    assert isinstance(copy, Policy)
    assert copy.source == RETAIL.source
    assert copy.document.model_dump() == RETAIL.document.model_dump()
    events = [json.loads(_buy("a", f"a{i}", at(2026, 1, 5 + i), "2500")) for i in range(3)]
    parsed = [memberkit.parse_event({k: v for k, v in e.items() if k != "member"}) for e in events]
    start = memberkit.new_member("a", at(2026, 1, 1))
    one = memberkit.replay(RETAIL, start, parsed)
    two = memberkit.replay(copy, start, parsed)
    assert one == two
    moment = at(2026, 2, 1)
    assert memberkit.tier_of(copy, two, moment) == memberkit.tier_of(RETAIL, one, moment)
    quote_of = parsed[0].model_copy(update={"id": "q", "at": moment})
    assert memberkit.quote_points(copy, two, quote_of) == memberkit.quote_points(
        RETAIL, one, quote_of
    )


def test_spawned_workers_rebuild_the_policy_from_its_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the spawn start method (nothing inherited), workers write what one process writes."""
    import multiprocessing
    import types

    from memberkit import _pool

    spawn = types.SimpleNamespace(get_context=lambda: multiprocessing.get_context("spawn"))
    lines = [_buy(m, f"{m}1", at(2026, 1, 5), "2500") for m in ("a", "b", "c")]
    events = _write(tmp_path / "e.jsonl", lines)
    replay_batch(RETAIL, events, tmp_path / "one.jsonl")
    monkeypatch.setattr(_pool, "multiprocessing", spawn)
    report = replay_batch(RETAIL, events, tmp_path / "two.jsonl", workers=2)
    assert report.written == 3
    assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


# --- the law: batch (two workers) equals per-member replay -------------------------------------

_KIND = st.sampled_from(["buy", "big", "refund", "checkin", "adjust", "redeem"])


@st.composite
def _histories(draw: st.DrawFn) -> dict[str, list[str]]:
    """A few members, each with a short random history (some events refused by the engine)."""
    histories: dict[str, list[str]] = {}
    for m in range(draw(st.integers(min_value=1, max_value=4))):
        member = f"m{m}"
        moment = at(2026, 1, 2)
        lines: list[str] = []
        orders: list[str] = []
        for i, (kind, n) in enumerate(
            draw(st.lists(st.tuples(_KIND, st.integers(1, 40)), max_size=6))
        ):
            moment += timedelta(days=n % 20, hours=n)
            eid = f"{member}-e{i}"
            if kind in ("buy", "big"):
                lines.append(_buy(member, eid, moment, str(n * (900 if kind == "big" else 17))))
                orders.append(eid)
            elif kind == "refund":
                order = orders.pop() if orders else "nope"
                lines.append(_line(member, type="refund", id=eid, at=moment, order=order))
            elif kind == "checkin":
                lines.append(_line(member, type="activity", id=eid, at=moment, kind="checkin"))
            elif kind == "adjust":
                points = n * 20 - 410
                lines.append(
                    _line(member, type="adjustment", id=eid, at=moment, points=points, reason="x")
                )
            else:
                lines.append(
                    _line(
                        member,
                        type="redemption",
                        id=eid,
                        at=moment,
                        points=100 * n,
                        order_amount="100000",
                    )
                )
        if lines:
            histories[member] = draw(st.permutations(lines))
    return histories


@settings(max_examples=25)
@given(_histories(), st.randoms(use_true_random=False))
def test_batch_with_two_workers_equals_replay_of_each_member(
    histories: dict[str, list[str]], rng: Any
) -> None:
    """For random interleaved histories, two workers write exactly the states ``replay`` gives."""
    lines = [line for member_lines in histories.values() for line in member_lines]
    rng.shuffle(lines)
    with tempfile.TemporaryDirectory() as tmp:
        events = _write(Path(tmp) / "e.jsonl", lines)
        report = replay_batch(RETAIL, events, Path(tmp) / "s.jsonl", workers=2)
        states = _states(Path(tmp) / "s.jsonl")
    refused: set[str] = set()
    for member, member_lines in histories.items():
        try:
            expected = _reference(member, member_lines)
        except memberkit.EventError:
            refused.add(member)
            continue
        assert states[member] == expected
    assert set(states) == set(histories) - refused
    assert {p.member for p in report.problems} == refused


# A youth card: 1 point a yuan, doubled for members under 26 on the day of the order.
YOUTH = policy(
    "points:\n"
    "  pending: immediate\n"
    "  earn:\n"
    "    - {id: base, per: 1 CNY, points: 1}\n"
    '    - {id: youth, when: {age: {"<": 26}}, multiply: 2}\n'
)


def _points(state: memberkit.MemberState) -> int:
    return sum(int(entry.points) for entry in state.points.journal)


@pytest.mark.parametrize(
    ("birthday", "birth_year", "day", "expected"),
    [
        # Born 15 Jun 2000: 25 on 14 Jun 2026, so ¥100 earns 100 x 2 = 200.
        ("2000-06-15", 2000, at(2026, 6, 14), 200),
        # 26 from the birthday itself: the base 100 alone.
        ("2000-06-15", 2000, at(2026, 6, 15), 100),
        # A placeholder year in the birthday is not read: birth_year 2000 makes them 25.
        ("1900-06-15", 2000, at(2026, 6, 14), 200),
        # No birth year: the age is unknown, the condition false, 100.
        ("2000-06-15", None, at(2026, 6, 14), 100),
        # No birthday (month and day): unknown as well, 100.
        (None, 2000, at(2026, 6, 14), 100),
    ],
)
def test_a_member_line_birth_year_gives_the_age_conditions_read(
    tmp_path: Path, birthday: str | None, birth_year: int | None, day: datetime, expected: int
) -> None:
    """A member line's ``birth_year`` with the birthday decides an age condition, by hand."""
    profile = {k: v for k, v in (("birthday", birthday), ("birth_year", birth_year)) if v}
    lines = [_line("a", joined="2025-01-01", **profile), _buy("a", "a1", day)]
    report = replay_batch(YOUTH, _write(tmp_path / "e.jsonl", lines), tmp_path / "s.jsonl")
    assert report.ok
    state = _states(tmp_path / "s.jsonl")["a"]
    assert state.birth_year == birth_year
    assert _points(state) == expected


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (1899, '"birth_year" is outside the supported years 1900 to 2999'),
        (3000, '"birth_year" is outside the supported years 1900 to 2999'),
        ("19x0", '"birth_year" is a whole number'),
        (True, '"birth_year" is a whole number'),
        (1990.5, '"birth_year" is a whole number'),
        ([1990], '"birth_year" is a whole number'),
    ],
)
def test_a_bad_birth_year_is_located_and_the_other_members_go_on(
    tmp_path: Path, value: object, says: str
) -> None:
    """A bad birth year names the member line and the field, never the value; others are written."""
    lines = [
        _buy("a", "a1", at(2026, 6, 14)),
        _line("b", joined="2025-01-01", birthday="2000-06-15", birth_year=value),
        _buy("b", "b1", at(2026, 6, 14)),
    ]
    report = replay_batch(YOUTH, _write(tmp_path / "e.jsonl", lines), tmp_path / "s.jsonl")
    assert [(p.line, p.member, p.event_id, p.code) for p in report.problems] == [
        (2, "b", "-", "invalid_member")
    ]
    message = report.problems[0].message
    assert message.startswith(says)
    assert str(value) not in message
    assert list(_states(tmp_path / "s.jsonl")) == ["a"]


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"birthday": "1800-06-15"}, '"birthday" is outside the supported years 1900 to 2999'),
        ({"birthday": 20000615}, '"birthday" is not YYYY-MM-DD'),
        ({"joined": "1800-01-01"}, '"joined" is outside the supported years 1900 to 2999'),
        (
            {"birthyear": 2000},
            "'birthyear' is not a field of a member line; did you mean 'birth_year'?",
        ),
        ({"flags": ["x"]}, "'flags' is not a field of a member line (a member line gives joined,"),
    ],
)
def test_a_bad_member_line_names_its_field(
    tmp_path: Path, fields: dict[str, object], says: str
) -> None:
    """A member line's bad or unknown field is refused on its line, never silently dropped."""
    lines = [_line("b", **{"joined": "2025-01-01", **fields}), _buy("b", "b1", at(2026, 6, 14))]
    report = replay_batch(YOUTH, _write(tmp_path / "e.jsonl", lines), tmp_path / "s.jsonl")
    assert [(p.line, p.code) for p in report.problems] == [(1, "invalid_member")]
    assert report.problems[0].message.startswith(says)
    assert "1800" not in report.problems[0].message
    assert report.written == 0
