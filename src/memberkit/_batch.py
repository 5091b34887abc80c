"""Batch replay: many members' events from a JSON-lines file to one state a member, on N processes.

The input (``EVENTS.jsonl``) holds one JSON object a line:

- an **event line** is an event as :func:`parse_event` reads it, plus ``"member"``, the member's
  id: ``{"member": "m1", "type": "purchase", "id": "o-1", "at": "...", ...}``;
- a **member line** (optional, at most one a member) has ``"member"`` and none of ``"type"``,
  ``"id"``, ``"at"``, and may give ``"joined"`` (a date-time with an offset, or a bare date: local
  midnight in the programme's timezone), ``"birthday"`` (``YYYY-MM-DD``), ``"birth_year"``
  (``1990``: with the birthday's month and day it gives the member's ``age`` in conditions; the
  birthday's own year is never read as one) and ``"tags"``, checked as :func:`new_member` checks
  them. A member without one joined at their earliest event.

Lines of different members may interleave. Each member's events are replayed exactly as
:func:`replay` replays them (sorted by ``at``, stable for equal times, so events out of time
order in the file are applied in time order), then advanced to ``as_of`` when given.

The output (``STATES.jsonl``) holds one line a member, :func:`state_to_json` of the final state,
in the order of each member's first line in the input, whatever the number of workers. A line is
written whole, and a member counts as written once its line ends with a newline; so with
``resume`` an output cut short (a crash, a kill) keeps every complete line, drops a last line
without its newline, and only the members not written yet are replayed and appended.

Each invalid line (not JSON, not an event, an event the engine refuses, a member line with a bad
or unknown field) is reported with its line number and event id; that member's state is not
written (it would be wrong), and the other members go on. The whole file is read into memory
once, grouped by member; members are spread over worker processes, each of which rebuilds the
policy from its pickle.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ._compiled import Policy
from ._compiled_base import did_you_mean_key
from ._engine import replay
from ._errors import EventError, MemberkitError, StateError
from ._events import Event, _from_json, parse_event
from ._limits import MAX_EVENT_BYTES, MAX_YEAR, MIN_YEAR, year_problem
from ._pool import in_order
from ._state import MemberState, new_member, read_birth_year, state_to_json

__all__ = ["BatchProblem", "BatchReport", "replay_batch"]


@dataclass(frozen=True, slots=True)
class BatchProblem:
    """A line of the events file that could not be used; its member's state is not written."""

    source: str
    line: int
    """1-based line number in the events file."""
    member: str
    """The member the line belongs to ("?" when the line does not say)."""
    event_id: str
    """The event's id ("?" when the line is not an event, "-" for a member line)."""
    message: str
    code: str

    def __str__(self) -> str:
        return (
            f"{self.source}:{self.line}: member {self.member!r} event {self.event_id!r}: "
            f"{self.message} [{self.code}]"
        )


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What one batch replay did."""

    written: int
    """Members whose state this run wrote."""
    skipped: int
    """Members already written by an earlier run (``resume``), not replayed again."""
    events: int
    """Events replayed for the members written."""
    problems: tuple[BatchProblem, ...]
    """Every line that could not be used, in line order."""

    @property
    def ok(self) -> bool:
        """True when every line was used."""
        return not self.problems


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each member, ``total`` counting the resumed ones."""


def replay_batch(
    policy: Policy,
    events: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    workers: int = 1,
    as_of: datetime | None = None,
    resume: bool = False,
    progress: Progress | None = None,
) -> BatchReport:
    """Replay every member of a JSON-lines events file and write one state a member to ``out``.

    ``workers`` processes share the members (1 runs in this process). With ``resume`` the
    members ``out`` already holds a complete line for are skipped and the others appended;
    otherwise ``out`` is overwritten. Raises ``OSError`` when a file cannot be read or written,
    ``EventError`` for a naive ``as_of``, ``StateError`` when ``out`` holds a complete line that
    is not a member state, ``ValueError`` for fewer than one worker; problems in the events file
    are returned, never raised.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if as_of is not None and (as_of.tzinfo is None or as_of.utcoffset() is None):
        raise EventError("-", "as_of has no timezone offset", field="as_of", code="naive_datetime")
    source = os.fspath(events)
    tasks, problems = _read_events(source)
    target = Path(out)
    done = _written_members(target) if resume else set()
    todo = [task for task in tasks if task.member not in done]
    skipped = len(tasks) - len(todo)
    total = len(tasks)
    written = replayed = 0
    if progress is not None:
        progress(skipped, total)
    with target.open("ab" if resume else "wb") as sink:
        for count, (_, state, found, events_count) in enumerate(
            _results(policy, todo, as_of, source, workers), start=skipped + 1
        ):
            problems += found
            if state is not None:
                # One write of a whole line, flushed: a later resume trusts every complete line.
                sink.write(state.encode() + b"\n")
                sink.flush()
                written += 1
                replayed += events_count
            if progress is not None:
                progress(count, total)
    problems.sort(key=lambda p: (p.line, p.member))
    return BatchReport(written, skipped, replayed, tuple(problems))


# --- reading the events file ------------------------------------------------------------------


@dataclass(slots=True)
class _Task:
    """One member's lines, as the file holds them, for a worker to parse and replay."""

    member: str
    lines: list[tuple[int, bytes]]
    broken: bool = False
    """A line of this member was unreadable already: validate the rest, write no state."""


_FIRST_KEY = re.compile(rb'^\s*\{\s*"member"\s*:\s*"([^"\\\x00-\x1f]*)"\s*[,}]')
"""The member id when it is the object's first key and plain text: found without parsing the
line, which the worker parses anyway. Any other line is parsed here to find its member."""
_ANY_MEMBER = re.compile(rb'"member"\s*:\s*"([^"\\\x00-\x1f]*)"')
"""A best guess at the member of a line that is not JSON, so that member is not written."""


def _read_events(source: str) -> tuple[list[_Task], list[BatchProblem]]:
    tasks: dict[str, _Task] = {}
    problems: list[BatchProblem] = []
    with open(source, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            member, problem = _member_of(raw, source, number)
            if member is None:
                if problem is not None:
                    problems.append(problem)
                continue
            task = tasks.get(member)
            if task is None:
                task = tasks[member] = _Task(member, [])
            if problem is not None:
                problems.append(problem)
                task.broken = True
            else:
                task.lines.append((number, raw))
    return list(tasks.values()), problems


def _member_of(raw: bytes, source: str, number: int) -> tuple[str | None, BatchProblem | None]:
    """The member a line belongs to, and the problem that makes it unusable here, if any."""
    found = _FIRST_KEY.match(raw) if len(raw) <= MAX_EVENT_BYTES else None
    if found is not None:
        try:
            return found.group(1).decode("utf-8"), None
        except UnicodeDecodeError:
            pass
    try:
        data = _from_json(raw)
    except EventError as exc:
        guess = _ANY_MEMBER.search(raw[:MAX_EVENT_BYTES])
        member = guess.group(1).decode("utf-8", "replace") if guess else None
        return member, BatchProblem(source, number, member or "?", "?", exc.message, exc.code)
    member = data.get("member") if isinstance(data, dict) else None
    if isinstance(member, str) and member.strip():
        return member, None
    shown = str(data.get("id", "?")) if isinstance(data, dict) else "?"
    message = 'a line names its member: add "member": "<member id>"'
    return None, BatchProblem(source, number, "?", shown[:128], message, "no_member")


_MEMBER_KEYS = ("joined", "birthday", "birth_year", "tags")
"""What a member line may give besides ``"member"``: the fields of ``new_member``."""
_EVENT_KEYS = frozenset({"type", "id", "at"})
"""A line with any of these is an event (perhaps one missing its type), never a member line."""
_RESUME_ID = re.compile(rb'^\{"member_id":("(?:[^"\\]|\\.)*")')


def _written_members(target: Path) -> set[str]:
    """The members ``target`` holds a complete line for; cuts off a last line without newline."""
    if not target.exists():
        return set()
    members: set[str] = set()
    keep = 0
    with target.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.endswith(b"\n"):
                break  # cut short while being written: that member is replayed again
            found = _RESUME_ID.match(raw)
            if found is None:
                raise StateError(
                    f"{target}:{number}: not a member state line; cannot resume into this file"
                )
            members.add(json.loads(found.group(1)))
            keep += len(raw)
    with target.open("r+b") as handle:
        handle.truncate(keep)
    return members


# --- replaying members ------------------------------------------------------------------------

_Result = tuple[str, str | None, list[BatchProblem], int]


def _results(
    policy: Policy, tasks: list[_Task], as_of: datetime | None, source: str, workers: int
) -> Iterator[_Result]:
    # Members in input order, the same with any number of workers. Chunks amortise the
    # hand-over per member.
    chunk = max(1, min(64, len(tasks) // (workers * 16)))
    yield from in_order(
        _replay_task,
        (policy, as_of, source),
        tasks,
        workers if len(tasks) > 1 else 1,
        chunksize=chunk,
        window=max(1, len(tasks)),
    )


_EVENTS: TypeAdapter[list[Event]] = TypeAdapter(list[Event])


def _replay_task(policy: Policy, as_of: datetime | None, source: str, task: _Task) -> _Result:
    """Parse, validate and replay one member's lines: (member, state JSON or None, problems, n)."""
    state, problems, count = replay_member(policy, task, as_of, source)
    return task.member, state_to_json(state) if state is not None else None, problems, count


def replay_member(
    policy: Policy,
    task: _Task,
    as_of: datetime | None,
    source: str,
    start: MemberState | None = None,
) -> tuple[MemberState | None, list[BatchProblem], int]:
    """One member's lines replayed on a new member, or on ``start``, a stored state of theirs.

    Returns the state (None when a line could not be used), the problems and the event count.
    Shared by the batch and ``memberkit.spark``, so both refuse and replay alike.
    """
    member = task.member
    problems: list[BatchProblem] = []

    def refuse(number: int, event_id: str, message: str, code: str) -> None:
        problems.append(BatchProblem(source, number, member, event_id, message, code))

    datas: list[dict[str, Any]] = []
    numbers: list[int] = []
    profile: tuple[int, dict[str, Any]] | None = None
    for number, raw in task.lines:
        try:
            data = _from_json(raw)
        except EventError as exc:
            refuse(number, "?", exc.message, exc.code)
            continue
        if not isinstance(data, dict) or data.get("member") != member:
            # (Only a line that names the member twice gets here: the reader grouped it by one.)
            refuse(number, "?", "the line names its member more than once", "no_member")
            continue
        del data["member"]
        if not data.keys() & _EVENT_KEYS:
            if profile is not None:
                refuse(
                    number,
                    "-",
                    f"a second member line (the first is line {profile[0]})",
                    "duplicate_member",
                )
                continue
            profile = (number, data)
            continue
        datas.append(data)
        numbers.append(number)
    events = _validate(datas, numbers, refuse)
    given = _Profile()
    if profile is not None:
        try:
            given = _profile(profile[1], policy.info.tz)
        except ValueError as exc:
            refuse(profile[0], "-", str(exc), "invalid_member")
    if profile is not None and start is not None:
        # The profile of a stored member changes by a profile event, never by a member line.
        refuse(
            profile[0],
            "-",
            "a member line starts a new member, and this member has a stored state",
            "duplicate_member",
        )
    if problems or task.broken or events is None:
        return None, problems, 0
    first = task.lines[0][0] if task.lines else 0
    if start is None:
        joined = given.joined or min((e.at for e in events), default=None)
        if joined is None:
            refuse(first, "-", 'a member line without events needs "joined"', "invalid_member")
            return None, problems, 0
        try:
            start = new_member(
                member,
                joined,
                birthday=given.birthday,
                tags=given.tags,
                birth_year=given.birth_year,
            )
        except StateError as exc:
            # (A joining date from the events is theirs to answer for; the rest is the line's.)
            refuse(profile[0] if profile is not None else first, "-", str(exc), "invalid_member")
            return None, problems, 0
    try:
        state = replay(policy, start, events, as_of=as_of)
    except EventError as exc:
        where = next(
            (n for n, e in zip(numbers, events, strict=True) if e.id == exc.event_id), first
        )
        refuse(where, exc.event_id, exc.message, exc.code)
        return None, problems, 0
    except MemberkitError as exc:
        refuse(first, "-", str(exc), getattr(exc, "code", "invalid_member"))
        return None, problems, 0
    return state, problems, len(events)


def _validate(
    datas: list[dict[str, Any]], numbers: list[int], refuse: Callable[[int, str, str, str], None]
) -> list[Event] | None:
    """The member's events validated in one call; on failure each bad line is named in full."""
    try:
        return _EVENTS.validate_python(datas)
    except ValidationError as exc:
        bad = sorted({int(err["loc"][0]) for err in exc.errors(include_url=False) if err["loc"]})
    for index in bad:
        try:
            parse_event(datas[index])
        except EventError as exc:
            refuse(numbers[index], exc.event_id, exc.message, exc.code)
    return None


@dataclass(frozen=True, slots=True)
class _Profile:
    """What a member line gives, for ``new_member``."""

    joined: datetime | None = None
    birthday: date | None = None
    birth_year: int | None = None
    tags: tuple[str, ...] = ()


def _profile(data: Mapping[str, object], tz: tzinfo) -> _Profile:
    """The fields of a member line; raises ValueError naming the bad or unknown field.

    Personal data (the birthday, the birth year) is named, never shown.
    """
    for key in data:
        if key not in _MEMBER_KEYS:
            shown = key if len(key) <= 40 else f"{key[:40]}..."
            raise ValueError(
                f"{shown!r} is not a field of a member line{did_you_mean_key(key, _MEMBER_KEYS)} "
                f'(a member line gives {", ".join(_MEMBER_KEYS)}; an event line has a "type")'
            )
    joined: datetime | None = None
    raw = data.get("joined")
    if raw is not None:
        if not isinstance(raw, str):
            raise ValueError('"joined" is a date-time with an offset, or a date')
        try:
            if "T" in raw:
                joined = datetime.fromisoformat(raw)
                if joined.tzinfo is None:
                    raise ValueError('"joined" has no timezone offset')
            else:
                joined = datetime.combine(date.fromisoformat(raw), time(0), tzinfo=tz)
        except ValueError as exc:
            raise ValueError(
                f'"joined" is not a date-time with an offset or a date: {exc}'
            ) from None
    birthday: date | None = None
    born = data.get("birthday")
    if born is not None:
        try:
            if not isinstance(born, str):
                raise ValueError
            birthday = date.fromisoformat(born)
        except ValueError:
            # (The birthday is personal data: the message names the field, never the value.)
            raise ValueError('"birthday" is not YYYY-MM-DD') from None
    for when, name in ((joined, "joined"), (birthday, "birthday")):
        if when is not None and year_problem(when) is not None:
            raise ValueError(f'"{name}" is outside the supported years {MIN_YEAR} to {MAX_YEAR}')
    year: int | None = None
    if data.get("birth_year") is not None:
        try:
            year = read_birth_year(data["birth_year"])
        except StateError as exc:
            raise ValueError(str(exc).replace("birth_year", '"birth_year"', 1)) from None
    raw_tags = data.get("tags", [])
    if not isinstance(raw_tags, list) or not all(isinstance(t, str) for t in raw_tags):
        raise ValueError('"tags" is a list of texts')
    return _Profile(joined, birthday, year, tuple(raw_tags))
