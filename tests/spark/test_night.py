"""The nightly jobs on a local Spark: the same states, stages, errors and KPIs as one machine."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.spark._data import YEAR, Feed, feed

import memberkit
from memberkit.lifecycle import lifecycle_stage, programme_kpis, select_audience
from memberkit.points import balance
from memberkit.tiers import tier_of

MEMBERS = 2000
"""Two thousand members of the demo's synthetic year, two long histories, five bad events."""

SCHEMA = "member_id string, seq long, event string"


def _events(spark: Any, rows: list[tuple[str | None, int, str | None]]) -> Any:
    """The rows as an events DataFrame (through Arrow: no Python stage before the night)."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["member_id", "seq", "event"])
    return spark.createDataFrame(frame, SCHEMA)


@dataclass(frozen=True)
class Night:
    """One night run both ways: Spark's rows, and replay_batch's states and problems."""

    feed: Feed
    as_of: datetime
    spark_states: dict[str, dict[str, Any]]
    spark_errors: list[tuple[int | None, str, str, str, str]]
    states: dict[str, str]
    """replay_batch's state JSON by member."""
    problems: list[tuple[int | None, str, str, str, str]]
    frame: Any
    """Spark's states DataFrame (persisted)."""


def _end_of(year: int, month: int, day: int, policy: memberkit.Policy) -> datetime:
    return datetime(year, month, day, 23, 59, 59, tzinfo=policy.info.tz)


def _collect_states(frame: Any) -> dict[str, dict[str, Any]]:
    from pyspark.sql import functions as sf

    rows = frame.withColumn("next_due", sf.unix_micros("next_due")).collect()
    return {row["member_id"]: row.asDict() for row in rows}


def _collect_errors(frame: Any) -> list[tuple[int | None, str, str, str, str]]:
    rows = frame.collect()
    return sorted((r["seq"], r["member_id"], r["event_id"], r["code"], r["message"]) for r in rows)


@pytest.fixture(scope="module")
def night(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Night:
    """The year's night for every member, on Spark and with replay_batch on one machine."""
    from memberkit.spark import replay_members

    data = feed(MEMBERS)
    policy = data.policy
    as_of = _end_of(YEAR, 12, 31, policy)
    work = tmp_path_factory.mktemp("night")
    data.write_jsonl(work / "events.jsonl")
    report = memberkit.replay_batch(
        policy, work / "events.jsonl", work / "states.jsonl", as_of=as_of
    )
    states = {}
    for line in (work / "states.jsonl").read_text(encoding="utf-8").splitlines():
        states[json.loads(line)["member_id"]] = line
    problems = sorted((p.line, p.member, p.event_id, p.code, p.message) for p in report.problems)
    events = _events(spark, data.rows)
    result = replay_members(policy, events, as_of=as_of)
    result.rows.persist()
    return Night(
        data,
        as_of,
        _collect_states(result.states),
        _collect_errors(result.errors),
        states,
        problems,
        result.states,
    )


def test_every_state_equals_replay_batch(night: Night) -> None:
    """Every member's state from Spark is replay_batch's state, byte for byte."""
    assert len(night.states) == MEMBERS + 2 - 5
    assert {m: row["state"] for m, row in night.spark_states.items()} == night.states
    assert {row["status"] for row in night.spark_states.values()} == {"replayed"}


def test_long_histories_are_replayed_whole(night: Night) -> None:
    """The members with hundreds of events come out with every event applied."""
    counts = {m: row["events"] for m, row in night.spark_states.items() if m.startswith("long-")}
    assert counts == {"long-0": 624, "long-1": 624}


def test_bad_events_are_error_rows_like_batch_problems(night: Night) -> None:
    """Each bad event is an error row with the line, member, event id, code and message of
    replay_batch's problem, and its member has no state in either."""
    assert night.spark_errors == night.problems
    assert [(error[1], error[3]) for error in night.spark_errors] == [
        ("M000000", "invalid_event"),
        ("M000001", "invalid_event"),
        ("M000002", "unknown_order"),
        ("M000003", "invalid_event"),
        ("M000004", "invalid_json"),
    ]
    assert {m for _, m, *_ in night.spark_errors}.isdisjoint(night.spark_states)


def test_typed_columns_are_the_queries_at_the_night(night: Night) -> None:
    """tier, balances, stage and next due moment are what the single-machine queries answer."""
    policy, as_of = night.feed.policy, night.as_of
    for member, text in night.states.items():
        state = memberkit.state_from_json(text)
        row = night.spark_states[member]
        assert row["tier"] == tier_of(policy, state, as_of).tier
        assert row["stage"] == lifecycle_stage(policy, state, as_of).stage
        for currency in ("points", "growth"):
            held = balance(policy, state, as_of, currency)
            assert (row["available"][currency], row["pending"][currency]) == (
                held.available,
                held.pending,
            )
        due = memberkit.due_moments(policy, state, as_of, as_of.replace(year=YEAR + 10), limit=1)
        assert row["next_due"] == (round(due[0].timestamp() * 1_000_000) if due else None)


def test_kpi_table_equals_programme_kpis(night: Night) -> None:
    """The KPI table Spark adds up is programme_kpis over the same members, to the last point."""
    from memberkit.spark import kpi_rows, programme_kpis_table

    policy = night.feed.policy
    start = datetime(YEAR, 1, 1, tzinfo=policy.info.tz)
    end = datetime(YEAR + 1, 1, 1, tzinfo=policy.info.tz)
    one = programme_kpis(policy, map(memberkit.state_from_json, night.states.values()), start, end)
    table = programme_kpis_table(policy, night.frame, start, end).collect()
    assert [(r["metric"], r["key"], r["value"]) for r in table] == kpi_rows(one)
    assert one.members == MEMBERS + 2 - 5


@pytest.mark.parametrize("audience", ["points-expiring", "win-back"])
def test_audience_equals_select_audience(night: Night, audience: str) -> None:
    """An audience selected by Spark is select_audience's members, with the same stages."""
    from memberkit.spark import audience_members

    policy, as_of = night.feed.policy, night.as_of
    states = map(memberkit.state_from_json, night.states.values())
    one = sorted(
        (m.member_id, m.audience, m.stage) for m in select_audience(policy, states, audience, as_of)
    )
    got = sorted(tuple(r) for r in audience_members(policy, night.frame, audience, as_of).collect())
    assert got == one
    assert one  # the generated year gives every audience members


def _at(event: str) -> datetime | None:
    try:
        data = json.loads(event)
    except ValueError:
        return None
    return datetime.fromisoformat(data["at"]) if "at" in data else None


def test_incremental_nights_and_a_rerun(spark: Any, night: Night) -> None:
    """Yesterday's states plus today's events give the one-pass year; re-running a night on its
    own output changes nothing (every event is a duplicate by id)."""
    from memberkit.spark import replay_members

    policy = night.feed.policy
    chosen = {f"M{n:06d}" for n in range(5, 205)} | {"long-0"}
    rows = [row for row in night.feed.rows if row[0] in chosen]
    cut = datetime(YEAR, 12, 1, tzinfo=policy.info.tz)
    before = [r for r in rows if (_at(r[2]) or cut) < cut or _at(r[2]) is None]
    december = [r for r in rows if r not in before]
    assert december
    assert len(before) > len(december)
    first = replay_members(policy, _events(spark, before), as_of=_end_of(YEAR, 11, 30, policy))
    yesterday = first.states.select("member_id", "state").persist()
    today = _events(spark, december)
    second = replay_members(policy, today, as_of=night.as_of, states=yesterday).rows.persist()
    rows = second.collect()
    assert [r for r in rows if r["kind"] == "error"] == []
    got = {r["member_id"]: r["state"] for r in rows if r["kind"] == "state"}
    assert got == {m: night.states[m] for m in chosen}
    states = second.where("kind = 'state'").select("member_id", "state")
    again = replay_members(policy, today, as_of=night.as_of, states=states).rows.collect()
    assert [r for r in again if r["kind"] == "error"] == []
    assert {r["member_id"]: r["state"] for r in again if r["kind"] == "state"} == got


def test_a_stored_member_with_a_bad_event_keeps_yesterdays_state(spark: Any, night: Night) -> None:
    """A stored member whose night has a bad event keeps the stored state, with an error row."""
    from memberkit.spark import replay_members

    stored = night.states["M000010"]
    bad = '{"type": "activity", "id": "late", "at": "2026-01-05T10:00:00+08:00", "kind": "checkin"}'
    result = replay_members(
        night.feed.policy,
        _events(spark, [("M000010", 1, bad)]),
        as_of=night.as_of,
        states=spark.createDataFrame([("M000010", stored)], "member_id string, state string"),
    )
    [row] = result.states.collect()
    assert (row["status"], row["state"], row["events"]) == ("kept", stored, 0)
    [error] = result.errors.collect()
    assert (error["member_id"], error["seq"], error["event_id"], error["code"]) == (
        "M000010",
        1,
        "late",
        "out_of_order",
    )


def test_a_row_without_member_is_an_error_row(spark: Any, night: Night) -> None:
    """An event row with no member id becomes an error row, not a failed job."""
    from memberkit.spark import replay_members

    event = '{"type": "activity", "id": "a1", "at": "2026-01-05T10:00:00+08:00", "kind": "checkin"}'
    result = replay_members(
        night.feed.policy, _events(spark, [(None, 7, event)]), as_of=night.as_of
    )
    assert result.states.count() == 0
    assert [tuple(r) for r in result.errors.collect()] == [
        ("?", 7, "?", "no_member", "the row has no member_id")
    ]


def test_a_null_event_is_an_error_row(spark: Any, night: Night) -> None:
    """An event row whose JSON is null is an error row (not JSON), not a failed job."""
    from memberkit.spark import replay_members

    result = replay_members(
        night.feed.policy, _events(spark, [("m1", 3, None)]), as_of=night.as_of
    ).rows.collect()
    assert [(r["kind"], r["member_id"], r["seq"], r["code"]) for r in result] == [
        ("error", "m1", 3, "invalid_json")
    ]


def test_a_frame_without_a_column_is_refused_before_any_job(spark: Any, night: Night) -> None:
    """An events DataFrame without ``seq`` is refused on the driver, naming the column."""
    from memberkit.spark import replay_members

    frame = spark.createDataFrame([("m1", "{}")], "member_id string, event string")
    with pytest.raises(memberkit.EventError, match="no column 'seq'"):
        replay_members(night.feed.policy, frame, as_of=night.as_of)


def test_a_naive_night_is_refused(spark: Any, night: Night) -> None:
    """The night's moment must carry an offset: a naive moment is refused."""
    from memberkit.spark import replay_members

    frame = spark.createDataFrame([("m1", 1, "{}")], SCHEMA)
    with pytest.raises(memberkit.EventError, match="no timezone offset"):
        replay_members(night.feed.policy, frame, as_of=datetime(YEAR, 12, 31))


@pytest.mark.parametrize(
    ("event", "line"),
    [
        ('{"type": "x"}', b'{"member": "m1", "type": "x"}'),
        ("  { }", b'{"member": "m1"}'),
        ("[1]", b"[1]"),
        ('{"type": ', b'{"member": "m1", "type":'),
    ],
)
def test_event_line_adds_the_member_first(spark: Any, event: str, line: bytes) -> None:
    """An event's JSON becomes the JSON-lines line with the member as its first key."""
    from memberkit.spark import event_line

    assert event_line("m1", event) == line


def test_kpi_rows_count_rates_as_two_sums(spark: Any) -> None:
    """kpi_rows gives each rate's numerator and denominator as rows that add up over members."""
    from memberkit.spark import kpi_rows

    policy = feed(0, long=0).policy
    start = datetime(YEAR, 1, 1, tzinfo=policy.info.tz)
    rows = kpi_rows(programme_kpis(policy, [], start, datetime(YEAR, 3, 1, tzinfo=policy.info.tz)))
    assert rows == sorted(rows, key=lambda r: (r[0], r[1] or ""))
    assert ("monthly_members", "2026-02-01", Decimal(0)) in rows
    assert [r for r in rows if r[0] == "members"] == [("members", None, Decimal(0))]


# 1 point a yuan, doubled for members under 26 on the day of the order.
YOUTH = """memberkit: 1
program: {id: youth, currency: CNY, timezone: Asia/Shanghai, locale: en}
points:
  pending: immediate
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: youth, when: {age: {"<": 26}}, multiply: 2}
"""


def test_a_member_rows_birth_year_gives_the_age_conditions_read(spark: Any) -> None:
    """A member row's birth year decides an age condition; a bad one is an error row on its seq.

    By hand: y1 (born 15 Jun 2000) is 25 on 14 Jun 2026, so ¥100 earns 200; n1 gives no birth
    year, so no age and 100; b1's birth year is no year: an error row, no state, others go on.
    """
    from memberkit.spark import replay_members

    policy = memberkit.parse_policy(YOUTH)
    buy = json.dumps(
        {
            "type": "purchase",
            "id": "o1",
            "at": "2026-06-14T10:00:00+08:00",
            "currency": "CNY",
            "lines": [{"id": "l", "category": "c", "amount": "100"}],
        }
    )
    profile = {"joined": "2026-01-01", "birthday": "2000-06-15"}
    rows = [
        ("y1", 1, json.dumps({**profile, "birth_year": 2000})),
        ("y1", 2, buy),
        ("n1", 1, json.dumps(profile)),
        ("n1", 2, buy),
        ("b1", 1, json.dumps({**profile, "birth_year": "19x0"})),
        ("b1", 2, buy),
    ]
    night = replay_members(
        policy, _events(spark, rows), as_of=datetime(2026, 6, 30, tzinfo=policy.info.tz)
    )
    states = {r["member_id"]: r for r in night.states.collect()}
    assert {m: list(r["available"].values()) for m, r in states.items()} == {
        "y1": [Decimal(200)],
        "n1": [Decimal(100)],
    }
    assert memberkit.state_from_json(states["y1"]["state"]).birth_year == 2000
    [error] = night.errors.collect()
    assert (error["member_id"], error["seq"], error["event_id"], error["code"]) == (
        "b1",
        1,
        "-",
        "invalid_member",
    )
    assert error["message"].startswith('"birth_year" is a whole number')


def test_the_kpi_table_carries_the_members_value_as_sums(spark: Any) -> None:
    """With a purchase model the KPI table has the value rows, Spark's sums equal programme_kpis
    on one machine, and the rows of two members are the rows of each added up."""
    from datetime import timedelta

    from tests.lifecycle.test_member_value import AS_OF, POLICY, busy_now, busy_then_quiet

    from memberkit.spark import kpi_rows, programme_kpis_table

    members = [busy_then_quiet(), busy_now()]
    start, end = AS_OF - timedelta(days=365), AS_OF + timedelta(microseconds=1)
    both = kpi_rows(programme_kpis(POLICY, members, start, end))
    value_rows = {(metric, key): v for metric, key, v in both if metric.startswith("value_")}
    assert set(value_rows) == {
        ("value_members", "mbgnbd"),
        ("value_p_alive_sum", "mbgnbd"),
        ("value_at_risk", "mbgnbd"),
        ("value_expected_purchases", "mbgnbd"),
        ("value_clv", "CNY"),
        ("value_clv_at_risk", "CNY"),
    }
    assert (value_rows["value_members", "mbgnbd"], value_rows["value_at_risk", "mbgnbd"]) == (2, 1)
    each = [kpi_rows(programme_kpis(POLICY, [m], start, end)) for m in members]
    summed: dict[tuple[str, str | None], Decimal] = {}
    for rows in each:
        for metric, key, v in rows:
            summed[metric, key] = summed.get((metric, key), Decimal(0)) + v
    assert summed == {(metric, key): v for metric, key, v in both}
    frame = spark.createDataFrame(
        [(memberkit.state_to_json(m),) for m in members],
        schema="state string",  # type: ignore[arg-type]
    )
    table = programme_kpis_table(POLICY, frame, start, end).collect()
    assert [(r["metric"], r["key"], r["value"]) for r in table] == both
