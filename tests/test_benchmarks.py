"""The benchmark harness (benchmarks/, ``python -m benchmarks``) on tiny inputs.

Two things are checked, never a timing: that the hand-written Python and the peer expressions
the table compares memberkit with make the same decisions as memberkit (so the ratios compare
like with like), and that every part of the harness runs and writes its table.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

import memberkit

ROOT = Path(__file__).resolve().parent.parent


def _package() -> ModuleType:
    # benchmarks/ is a package at the repository root, not installed: load it from its path.
    if "benchmarks" not in sys.modules:
        folder = ROOT / "benchmarks"
        spec = importlib.util.spec_from_file_location(
            "benchmarks", folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["benchmarks"] = module
        spec.loader.exec_module(module)
    return sys.modules["benchmarks"]


_package()
hand = importlib.import_module("benchmarks._handwritten")
work = importlib.import_module("benchmarks._workload")
peers = importlib.import_module("benchmarks._peers")
timing = importlib.import_module("benchmarks._timing")
growth = importlib.import_module("benchmarks._growth")
operations = importlib.import_module("benchmarks._operations")
run = importlib.import_module("benchmarks.run")
rules_bench = importlib.import_module("benchmarks.bench_rules")

SH = work.SHANGHAI
TINY = timing.Size(
    "tiny",
    budget=0.0001,
    repeat=1,
    population=2,
    demo_members=(2, 3),
    growth=(10,),
    growth_guard=60.0,
    years=(1,),
    starts=1,
)


def _lines(order: memberkit.Purchase) -> list[tuple[str, Decimal]]:
    return [(line.category, line.amount) for line in order.lines]


def _members() -> list[tuple[memberkit.MemberState, hand.PlainTierBook, list[memberkit.Event]]]:
    """Members with 0 to 230 mixed events behind them (basic to platinum, refunds included)."""
    policy = work.retail()
    out = []
    for count in (0, 9, 40, 120, 230):
        events = work.long_member_events(count)
        state, book = hand.prepare_book(policy, work.member(), events)
        out.append((state, book, events))
    return out


MEMBERS = _members()


def test_workload_events_are_all_accepted() -> None:
    """The long member's purchases, refunds, redemptions and activities are all accepted."""
    policy = work.retail()
    state = work.member()
    kinds = set()
    for event in work.long_member_events(120):
        state, outcome = memberkit.apply(policy, state, event)
        assert outcome.accepted, (event.id, outcome.explain("en"))
        kinds.add(event.type)
    assert kinds == {"purchase", "refund", "redemption", "activity"}


@pytest.mark.parametrize("basket", range(5))
@pytest.mark.parametrize("channel", ["app", "store"])
def test_hand_written_quote_equals_memberkit(basket: int, channel: str) -> None:
    """The hand-written earn rules give memberkit's points and growth points for every member."""
    policy = work.retail()
    for state, _book, events in MEMBERS:
        clock = state.clock or state.joined_at
        for at in (clock + timedelta(days=2), datetime(2026, 11, 11, 15, tzinfo=SH)):
            if at <= clock:
                continue
            order = work.purchase("q", at, basket, channel)
            plain = hand.prepare_member(policy, state, events, at)
            quote = memberkit.quote_points(policy, state, order)
            assert hand.quote_points(plain, _lines(order), at, channel) == dict(quote.totals)


@pytest.mark.parametrize(
    ("birthday_month", "orders", "bonus"),
    [
        (1, 0, {"birthday-double"}),  # January birthday, first order of January
        (1, 2, set()),  # January birthday, but January already has orders
        (2, 0, set()),
        (2, 5, {"upgrade-gift"}),  # the sixth order of the year reaches silver
    ],
)
def test_hand_written_quote_birthday_and_upgrade(
    birthday_month: int, orders: int, bonus: set[str]
) -> None:
    """The birthday-month first order doubles and the order that upgrades earns the gift, in both."""
    policy = work.retail()
    state = memberkit.new_member(
        "b", work.START - timedelta(days=1), birthday=date(1990, birthday_month, 5)
    )
    events = [work.purchase(f"s{i}", work.START + timedelta(days=i), 1) for i in range(orders)]
    state = memberkit.replay(policy, state, events)
    seen: set[str] = set()
    for k, basket in enumerate((0, 3, 1)):
        at = work.START + timedelta(days=10 + k)
        order = work.purchase(f"q{k}", at, basket)
        quote = memberkit.quote_points(policy, state, order)
        seen.update(line.rule for line in quote.lines)
        plain = hand.prepare_member(policy, state, events, at)
        assert hand.quote_points(plain, _lines(order), at, "app") == dict(quote.totals)
    assert seen & {"birthday-double", "upgrade-gift"} == bonus


def test_hand_written_tier_of_equals_memberkit() -> None:
    """The hand-written tier_of gives memberkit's tier, spend and order count."""
    policy = work.retail()
    for state, book, _events in MEMBERS:
        for days in (0, 1, 40):
            at = (state.clock or state.joined_at) + timedelta(days=days)
            decision = memberkit.tier_of(policy, state, at)
            expected = (decision.tier, decision.figures["spend"], int(decision.figures["orders"]))
            assert hand.tier_of(book, at) == expected


def _fact_variants() -> list[memberkit.rules.Facts]:
    from memberkit.rules import Facts

    base = rules_bench.FACTS
    at = base.at
    values = dict(base.values)
    variants = [base]
    for key, value in (
        ("channel", "store"),
        ("amount", Decimal("99.99")),
        ("amount", Decimal(100)),
        ("category", frozenset({"food", "tobacco"})),
        ("attr.nights", 1),
    ):
        variants.append(Facts(at, {**values, key: value}))
    moments = (
        at.replace(hour=10, minute=0),
        at.replace(hour=22, minute=0),
        at.replace(hour=22, minute=1),
        at.replace(hour=9, minute=59),
        at + timedelta(days=1),  # Sunday
        at + timedelta(days=2),  # Monday
    )
    variants.extend(Facts(moment, values) for moment in moments)
    return variants


def _predicate() -> memberkit.rules.Predicate:
    from memberkit.rules import (
        EVENT_FIELDS,
        MEMBER_FIELDS,
        TIME_FIELDS,
        compile_condition,
        parse_condition,
    )

    parsed, findings = parse_condition(
        rules_bench.CONDITION, vocabulary=EVENT_FIELDS | MEMBER_FIELDS | TIME_FIELDS
    )
    assert parsed is not None, findings
    return compile_condition(parsed, SH)


def test_hand_written_condition_equals_memberkit() -> None:
    """The hand-written condition agrees with the compiled one on each clause's edge."""
    predicate = _predicate()
    answers = []
    for facts in _fact_variants():
        answers.append(predicate(facts))
        assert hand.condition(facts.at, facts.values) == answers[-1], facts
    assert True in answers
    assert False in answers


@pytest.mark.parametrize("peer", peers.PEERS, ids=lambda p: p.label)
def test_peer_points_equal_hand_written(peer: peers.Peer) -> None:
    """A peer's earn expression gives the hand-written points (orders that upgrade left out)."""
    evaluate = peer.compile(peer.points)
    if evaluate is None:
        pytest.skip(f"{peer.distribution} is not installed (pip install -e '.[bench]')")
    policy = work.retail()
    for state, _book, events in MEMBERS[2:]:
        clock = state.clock or state.joined_at
        for at in (clock + timedelta(days=2), datetime(2026, 11, 11, 15, tzinfo=SH)):
            if at <= clock:
                continue
            plain = hand.prepare_member(policy, state, events, at)
            for basket in range(5):
                for channel in ("app", "store"):
                    lines = _lines(work.purchase("q", at, basket, channel))
                    eligible = sum((a for c, a in lines if c != "gift_card"), Decimal(0))
                    reached = hand.qualifying_tier(plain.spend + eligible, plain.orders + 1)
                    if hand.RANK[reached] > hand.RANK[plain.tier]:
                        continue  # the peers leave the upgrade gift out
                    context = peers.points_context(peer, plain, lines, at, channel)
                    expected = hand.quote_points(plain, lines, at, channel)["points"]
                    assert evaluate(context) == expected


@pytest.mark.parametrize("peer", peers.PEERS, ids=lambda p: p.label)
def test_peer_tier_equals_hand_written(peer: peers.Peer) -> None:
    """A peer's figures and ladder give the hand-written figures and the tier they qualify for."""
    figures = peer.compile(peer.figures)
    ladder = peer.compile(peer.ladder)
    if figures is None or ladder is None:
        pytest.skip(f"{peer.distribution} is not installed (pip install -e '.[bench]')")
    for state, book, _events in MEMBERS:
        at = (state.clock or state.joined_at) + timedelta(days=1)
        start = datetime(at.astimezone(SH).year, 1, 1, tzinfo=SH)
        found = figures(peers.tier_context(peer, book, start, at))
        _tier, spend, orders = hand.tier_of(book, at)
        # CEL adds binary doubles: the sum may be off in the last place, never by a cent.
        assert abs(Decimal(str(found["spend"])) - spend) < Decimal("0.005")
        assert found["orders"] == orders
        assert ladder(found) == hand.qualifying_tier(spend, orders)


@pytest.mark.parametrize("peer", peers.PEERS, ids=lambda p: p.label)
def test_peer_condition_equals_memberkit(peer: peers.Peer) -> None:
    """A peer's condition agrees with memberkit's compiled one on each clause's edge."""
    evaluate = peer.compile(peer.condition)
    if evaluate is None:
        pytest.skip(f"{peer.distribution} is not installed (pip install -e '.[bench]')")
    predicate = _predicate()
    for facts in _fact_variants():
        assert evaluate(peers.condition_context(peer, facts.at, facts.values)) == predicate(facts)


def test_per_event_reports_first_and_last_tenth() -> None:
    """A growth run of ten events reports both tenths, their runs and the state size."""
    row = growth.per_event(10, guard=60.0, runs=2)
    assert row.stopped_after is None
    assert row.first is not None
    assert row.last is not None
    assert row.state_bytes is not None
    assert row.state_bytes > 0
    table = run.growth_table([row])
    assert table[-1].startswith("| 10 |")


def test_per_event_guard_stops_the_run() -> None:
    """A run past its time guard stops and says so instead of hanging."""
    row = growth.per_event(30, guard=0.0, runs=1)
    assert row.stopped_after == 1
    assert row.last is None
    assert "(stopped after 1 events)" in run.growth_table([row])[-1]


def test_state_size_measures_the_json() -> None:
    """A year of weekly purchases gives 52 events and a state whose JSON size is reported."""
    row = growth.state_size(1, TINY)
    assert row.events == 52
    assert row.json_bytes == len(
        memberkit.state_to_json(
            memberkit.replay(work.retail(), work.member(), work.weekly_purchases(1))
        ).encode()
    )
    assert "| 1 year | 52 |" in run.size_table([row])[-1]


def test_rows_render_one_cell_per_column() -> None:
    """Each decision row fills every column of the table, the ratio included."""
    ready = operations.prepared()
    rows = [
        operations.quote_row(TINY, ready),
        operations.tier_row(TINY, ready),
        operations.condition_row(TINY),
        operations.load_row(TINY),
    ]
    table = run.main_table(rows)
    columns = table[0].count("|")
    assert all(line.count("|") == columns for line in table)
    assert all(row.ratio != operations.NA for row in rows[:3])
    assert rows[3].ratio == operations.NA


def test_replay_row_counts_the_population() -> None:
    """The replay row names how many members and events it replayed."""
    row = operations.replay_row(TINY)
    events = sum(len(evs) for _, evs in work.population(2))
    assert f"(2 members, {events:,} events)" in row.operation
    assert row.memberkit.endswith("events/s")


def test_rules_policy_loads_with_every_rule() -> None:
    """The 500-rule policy the loading row times is valid and has 500 earn rules."""
    text = work.rules_policy(500)
    assert text.split("  earn:\n")[1].count("    - {id: ") == 500
    memberkit.parse_policy(text, source="500-rules.yaml")


def test_machine_names_python_and_versions() -> None:
    """The table's heading names the Python and memberkit versions and each peer."""
    lines = run.machine()
    assert any(line.startswith("- Python 3.") for line in lines)
    assert any("memberkit 0." in line for line in lines)
    assert all(p.distribution in lines[-1] for p in peers.PEERS)
