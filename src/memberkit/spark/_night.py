"""The night on Spark: every member's events replayed, or their stored state brought forward.

One grouped pass: the events (and yesterday's states, when given) are grouped by member id, and
each group goes to one call of :func:`memberkit._batch.replay_member`, the very function the
single-machine ``replay_batch`` runs, so a member's state and errors are the same on one machine
and on a cluster. The policy is broadcast once and unpickled once per Python worker.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as sf
from pyspark.sql.types import (
    DecimalType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from .._batch import BatchProblem, _Task, replay_member
from .._errors import EventError, MemberkitError, StateError
from .._state import MemberState, state_from_json, state_to_json

if TYPE_CHECKING:
    from pyspark.broadcast import Broadcast

    from .._compiled import Policy

__all__ = ["ERROR_COLUMNS", "MEMBER_STATE_COLUMNS", "Night", "event_line", "replay_members"]

POINTS = DecimalType(38, 9)
"""Points and amounts in Spark: exact decimals, 9 places (more than any currency or points)."""

MEMBER_STATE_COLUMNS = StructType(
    [
        StructField("member_id", StringType(), False),
        StructField("status", StringType(), False),
        StructField("state", StringType(), False),
        StructField("events", LongType(), False),
        StructField("tier", StringType(), True),
        StructField("available", MapType(StringType(), POINTS), True),
        StructField("pending", MapType(StringType(), POINTS), True),
        StructField("stage", StringType(), True),
        StructField("next_due", TimestampType(), True),
    ]
)
"""The states table: the member's state as JSON (``state_to_json``) and typed columns read from
it at the night's moment. ``status`` is ``replayed`` (the night's events applied, or a stored
state brought forward) or ``kept`` (a stored state whose night had errors, kept as it was)."""

ERROR_COLUMNS = StructType(
    [
        StructField("member_id", StringType(), False),
        StructField("seq", LongType(), True),
        StructField("event_id", StringType(), False),
        StructField("code", StringType(), False),
        StructField("message", StringType(), False),
    ]
)
"""The errors table: one row per event (or member line) that could not be used."""

_ROWS = StructType(
    [StructField("kind", StringType(), False)]
    + [
        StructField(f.name, f.dataType, True)
        for f in [*MEMBER_STATE_COLUMNS.fields, *ERROR_COLUMNS.fields]
        if f.name != "member_id"
    ]
    + [StructField("member_id", StringType(), True)]
)
_ROW_NAMES = [f.name for f in _ROWS.fields]

DUE_HORIZON = timedelta(days=3660)
"""How far ahead ``next_due`` looks for the next moment time alone changes the member."""


@dataclass(frozen=True)
class Night:
    """The result of a night: one DataFrame of rows, seen as states and as errors.

    Both views read ``rows``; persist it (``night.rows.persist()``) before writing both, so the
    members are replayed once.
    """

    rows: DataFrame

    @property
    def states(self) -> DataFrame:
        """One row per member with a state (:data:`MEMBER_STATE_COLUMNS`)."""
        names = [f.name for f in MEMBER_STATE_COLUMNS.fields]
        return self.rows.where(sf.col("kind") == "state").select(*names)

    @property
    def errors(self) -> DataFrame:
        """One row per unusable event or member line (:data:`ERROR_COLUMNS`)."""
        names = [f.name for f in ERROR_COLUMNS.fields]
        return self.rows.where(sf.col("kind") == "error").select(*names)


def event_line(member_id: str, event: str) -> bytes:
    """The JSON-lines line ``replay_batch`` reads for this member and event JSON text.

    The member is added as the object's first key; text that is not an object is kept as it is
    (and reported as such).
    """
    body = event.strip()
    if not body.startswith("{"):
        return body.encode("utf-8")
    head = '{"member": ' + json.dumps(member_id)
    rest = body[1:].lstrip()
    return (head + (rest if rest.startswith("}") else ", " + rest)).encode("utf-8")


def replay_members(
    policy: Policy,
    events: DataFrame,
    *,
    as_of: datetime,
    states: DataFrame | None = None,
    partitions: int | None = None,
) -> Night:
    """Replay each member's events, or bring their stored state forward, to ``as_of``.

    ``events`` has the columns ``member_id`` (string), ``seq`` (long: the order the events
    arrived in, unique per member; it breaks ties between equal times and names the event in
    errors) and ``event`` (string: the event as JSON, as ``parse_event`` reads it, or a member
    line: ``joined``, ``birthday``, ``birth_year``, ``tags``, as ``replay_batch`` reads it). ``states`` (optional) holds yesterday's ``member_id`` and
    ``state`` (``state_to_json``). A member with a stored state and no event is brought forward
    all the same. Raises ``EventError`` for a naive ``as_of`` or a missing column; problems in
    the events become error rows, never a failed job.

    The members are spread by a hash of their id over ``partitions`` tasks (default: four per
    core of the cluster, ``defaultParallelism``). The number is explicit because the work is in
    the replay, not in the bytes: Spark's adaptive execution would otherwise merge a few
    megabytes of events into one task on one core.
    """
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise EventError("-", "as_of has no timezone offset", field="as_of", code="naive_datetime")
    _require(events, ("member_id", "seq", "event"), "events")
    spark = events.sparkSession
    if partitions is None:
        partitions = 4 * spark.sparkContext.defaultParallelism
    if partitions < 1:
        raise EventError(
            "-", "partitions must be at least 1", field="partitions", code="bad_partitions"
        )
    shared = spark.sparkContext.broadcast(policy)
    member = sf.col("member_id")
    grouped = (
        events.select("member_id", "seq", "event").repartition(partitions, member).groupBy(member)
    )
    if states is None:

        def one(frame: pd.DataFrame) -> pd.DataFrame:
            return _rows(shared, as_of, frame, None)

        rows = grouped.applyInPandas(one, schema=_ROWS)
    else:
        _require(states, ("member_id", "state"), "states")

        def both(frame: pd.DataFrame, stored: pd.DataFrame) -> pd.DataFrame:
            return _rows(shared, as_of, frame, stored)

        stored = states.select("member_id", "state").repartition(partitions, member)
        cogrouped = grouped.cogroup(stored.groupBy(member))
        rows = cogrouped.applyInPandas(both, schema=_ROWS)
    return Night(rows)


def _require(frame: DataFrame, names: Iterable[str], what: str) -> None:
    missing = [name for name in names if name not in frame.columns]
    if missing:
        error = EventError if what == "events" else StateError
        message = f"the {what} DataFrame has no column {', '.join(map(repr, missing))}"
        if error is StateError:
            raise StateError(f"{message} (columns: {', '.join(frame.columns)})")
        raise EventError(
            "-", f"{message} (columns: {', '.join(frame.columns)})", field=what, code="no_column"
        )


# --- in the Python workers --------------------------------------------------------------------


def _rows(
    shared: Broadcast[Policy],
    as_of: datetime,
    frame: pd.DataFrame,
    stored: pd.DataFrame | None,
) -> pd.DataFrame:
    """One member's rows: a state row, or error rows, or both (a stored state kept)."""
    policy = shared.value
    member = _member_of(frame, stored)
    out: list[dict[str, Any]] = []
    if member is None:
        # (A row without a member id cannot be grouped with anyone's history.)
        return _frame(
            [_error("?", seq, "?", "no_member", "the row has no member_id") for seq in frame["seq"]]
        )
    start: MemberState | None = None
    if stored is not None and len(stored):
        start, problem = _stored(member, list(stored["state"]))
        if problem is not None:
            out.append(_error(member, None, "-", "invalid_state", problem))
            return _frame(out)
    ordered = frame.sort_values(["seq", "event"], kind="stable")
    task = _Task(
        member,
        [
            # Each line as the events file holds it, newline included, so even the position
            # in a JSON error message is the batch's.
            (_seq(seq), event_line(member, event if isinstance(event, str) else "") + b"\n")
            for seq, event in zip(ordered["seq"], ordered["event"], strict=True)
        ],
    )
    state, problems, count = replay_member(policy, task, as_of, "events", start)
    out += [_problem(p) for p in problems]
    status = "replayed"
    if state is None and start is not None:
        # A stored member whose night failed keeps yesterday's state, so they are not lost;
        # tomorrow's run with the corrected events applies them.
        state, status, count = start, "kept", 0
    if state is not None:
        try:
            out.append(_state_row(policy, state, as_of, status, count))
        except MemberkitError as exc:
            out.append(_error(member, None, "-", getattr(exc, "code", "invalid_state"), str(exc)))
    return _frame(out)


def _member_of(frame: pd.DataFrame, stored: pd.DataFrame | None) -> str | None:
    for side in (frame, stored):
        if side is not None and len(side):
            value = side["member_id"].iloc[0]
            return value if isinstance(value, str) and value.strip() else None
    return None


def _seq(value: object) -> int:
    return int(value) if value is not None and not pd.isna(value) else 0  # type: ignore[call-overload]


def _stored(member: str, texts: list[str]) -> tuple[MemberState | None, str | None]:
    if len(texts) > 1:
        return None, f"{len(texts)} stored states for the member; keep one a member"
    try:
        state = state_from_json(texts[0])
    except MemberkitError as exc:
        return None, str(exc)
    if state.member_id != member:
        return None, f"the stored state is member {state.member_id!r}'s"
    return state, None


def _error(member: str, seq: object, event_id: str, code: str, message: str) -> dict[str, Any]:
    return {
        "kind": "error",
        "member_id": member,
        "seq": None if seq is None else _seq(seq),
        "event_id": event_id,
        "code": code,
        "message": message,
    }


def _problem(problem: BatchProblem) -> dict[str, Any]:
    return _error(problem.member, problem.line, problem.event_id, problem.code, problem.message)


def _state_row(
    policy: Policy, state: MemberState, as_of: datetime, status: str, count: int
) -> dict[str, Any]:
    """The state and what the night's reports read from it, all at ``as_of``."""
    from .._agenda import due_moments
    from ..lifecycle import lifecycle_stage
    from ..points import balance
    from ..tiers import tier_of

    program = policy.at(as_of)
    available: dict[str, Decimal] | None = None
    pending: dict[str, Decimal] | None = None
    if program.points is not None:
        available, pending = {}, {}
        for currency in program.points.currencies:
            held = balance(policy, state, as_of, currency.id)
            available[currency.id] = Decimal(held.available)
            pending[currency.id] = Decimal(held.pending)
    due = due_moments(policy, state, as_of, as_of + DUE_HORIZON, limit=1)
    return {
        "kind": "state",
        "member_id": state.member_id,
        "status": status,
        "state": state_to_json(state),
        "events": count,
        "tier": tier_of(policy, state, as_of).tier if program.tiers is not None else None,
        "available": available,
        "pending": pending,
        "stage": (
            lifecycle_stage(policy, state, as_of).stage if program.lifecycle is not None else None
        ),
        "next_due": due[0] if due else None,
    }


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    # Object columns keep None as None (pandas would make a missing map or number a float NaN);
    # aware moments go as UTC instants, which is what Spark's timestamps are.
    due = [row.get("next_due") for row in rows]
    frame = pd.DataFrame(
        [[row.get(name) for name in _ROW_NAMES] for row in rows], columns=_ROW_NAMES, dtype=object
    )
    frame["next_due"] = pd.to_datetime(pd.Series(due, dtype=object), utc=True)
    return frame
