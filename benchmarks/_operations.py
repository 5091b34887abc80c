"""The rows of issue 15's table: each operation timed in memberkit and, where there is an honest
equivalent, hand-written and in the peers.

Every engine gets its inputs in its own form, prepared once outside the timing: memberkit an
event and a member state, the hand-written code plain values, the peers a context dict. The
ratio column is memberkit's rate divided by the hand-written code's (1 would be as fast as
code written for this one programme by hand; the issue's goals are 0.10 and 0.25).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import memberkit

from . import _handwritten as hand
from ._peers import PEERS, Peer, condition_context, points_context, tier_context
from ._timing import Size, duration, median_seconds, per_call, rate, ratio
from ._workload import (
    RETAIL_PATH,
    SHANGHAI,
    long_member_events,
    member,
    population,
    purchase,
    retail,
    rules_policy,
)

NOT_INSTALLED = "not installed"
NA = "n/a"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table; every cell already written out."""

    operation: str
    memberkit: str
    handwritten: str = NA
    peers: tuple[str, ...] = (NA,) * len(PEERS)
    ratio: str = NA
    goal: str = ""


def _peer_cells(
    size: Size, build: Callable[[Peer], Callable[[], object] | None]
) -> tuple[tuple[str, ...], list[float | None]]:
    cells: list[str] = []
    seconds: list[float | None] = []
    for peer in PEERS:
        if peer.version() is None:
            cells.append(NOT_INSTALLED)
            seconds.append(None)
            continue
        run = build(peer)
        if run is None:
            cells.append(NOT_INSTALLED)
            seconds.append(None)
            continue
        took = per_call(run, size)
        cells.append(rate(took))
        seconds.append(took)
    return tuple(cells), seconds


def _with_peer_ratios(
    peers: tuple[str, ...], seconds: list[float | None], hand_s: float
) -> tuple[str, ...]:
    return tuple(
        cell if took is None else f"{cell} ({ratio(1 / took, 1 / hand_s)})"
        for cell, took in zip(peers, seconds, strict=True)
    )


def replay_row(size: Size) -> Row:
    """Mixed retail events (the demo's population) replayed on one core."""
    policy = retail()
    pairs = list(population(size.population))
    events = sum(len(e) for _, e in pairs)
    seconds = median_seconds(
        lambda: [memberkit.replay(policy, state, evs) for state, evs in pairs], min(size.repeat, 3)
    )
    return Row(
        f"replay, mixed retail events, one core ({size.population} members, {events:,} events)",
        f"{events / seconds:,.0f} events/s",
        goal="≥ 100,000 events/s",
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    """A member with 100 mixed events behind them, in memberkit's form and in plain form."""

    state: memberkit.MemberState
    book: hand.PlainTierBook
    events: list[memberkit.Event]
    at: datetime


def prepared() -> Prepared:
    """The member the quote and tier rows ask about, one day after their last event."""
    policy = retail()
    events = long_member_events(100)
    state, book = hand.prepare_book(policy, member(), events)
    assert state.clock is not None
    return Prepared(state, book, events, state.clock + timedelta(days=1))


def quote_row(size: Size, ready: Prepared) -> Row:
    """``quote_points`` for a two-line app order against the hand-written earn rules."""
    policy = retail()
    order = purchase("quote", ready.at, 0, "app")
    plain = hand.prepare_member(policy, ready.state, ready.events, ready.at)
    lines = [(line.category, line.amount) for line in order.lines]
    mk = per_call(lambda: memberkit.quote_points(policy, ready.state, order), size)
    hw = per_call(lambda: hand.quote_points(plain, lines, order.at, order.channel), size)

    def build(peer: Peer) -> Callable[[], object] | None:
        evaluate = peer.compile(peer.points)
        if evaluate is None:
            return None
        context = points_context(peer, plain, lines, order.at, order.channel)
        return lambda: evaluate(context)

    peers, peer_s = _peer_cells(size, build)
    return Row(
        "`quote_points` (retail earn rules, two-line order)",
        rate(mk),
        rate(hw),
        _with_peer_ratios(peers, peer_s, hw),
        ratio(1 / mk, 1 / hw),
        "ratio ≥ 0.10",
    )


def tier_row(size: Size, ready: Prepared) -> Row:
    """``tier_of`` on a prepared member: the tier in force and the window's figures."""
    policy = retail()
    at = ready.at
    mk = per_call(lambda: memberkit.tier_of(policy, ready.state, at), size)
    hw = per_call(lambda: hand.tier_of(ready.book, at), size)
    local = at.astimezone(SHANGHAI)
    start = datetime(local.year, 1, 1, tzinfo=SHANGHAI)

    def build(peer: Peer) -> Callable[[], object] | None:
        figures = peer.compile(peer.figures)
        ladder = peer.compile(peer.ladder)
        if figures is None or ladder is None:
            return None
        context = tier_context(peer, ready.book, start, at)
        return lambda: ladder(figures(context))

    peers, peer_s = _peer_cells(size, build)
    return Row(
        f"`tier_of` on a prepared member ({len(ready.book.order_at)} orders)",
        rate(mk),
        rate(hw),
        _with_peer_ratios(peers, peer_s, hw),
        ratio(1 / mk, 1 / hw),
        "ratio ≥ 0.10",
    )


def condition_row(size: Size) -> Row:
    """bench_rules' six-clause condition, compiled, against the same decision by hand."""
    from memberkit.rules import (
        EVENT_FIELDS,
        MEMBER_FIELDS,
        TIME_FIELDS,
        compile_condition,
        parse_condition,
    )

    from .bench_rules import CONDITION, FACTS

    parsed, findings = parse_condition(
        CONDITION, vocabulary=EVENT_FIELDS | MEMBER_FIELDS | TIME_FIELDS
    )
    assert parsed is not None, findings
    predicate = compile_condition(parsed, SHANGHAI)
    mk = per_call(lambda: predicate(FACTS), size)
    hw = per_call(lambda: hand.condition(FACTS.at, FACTS.values), size)

    def build(peer: Peer) -> Callable[[], object] | None:
        evaluate = peer.compile(peer.condition)
        if evaluate is None:
            return None
        context = condition_context(peer, FACTS.at, FACTS.values)
        return lambda: evaluate(context)

    peers, peer_s = _peer_cells(size, build)
    return Row(
        "rules language alone (six-clause condition)",
        rate(mk),
        rate(hw),
        _with_peer_ratios(peers, peer_s, hw),
        ratio(1 / mk, 1 / hw),
        "ratio ≥ 0.25",
    )


def load_row(size: Size) -> Row:
    """Parsing, checking and compiling a 500-rule policy from its text."""
    text = rules_policy(500)
    seconds = median_seconds(
        lambda: memberkit.parse_policy(text, source="500-rules.yaml"), size.repeat
    )
    return Row("loading a 500-rule policy", duration(seconds), goal="< 30 ms")


def _process(
    argv: list[str], timeout: float = 600.0, env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )
    return time.perf_counter() - started, done


def _start_up(argv: list[str], size: Size) -> float:
    """The median wall time of fresh processes, with compiled bytecode cached as an installed
    package has it: the first run writes it (to a temporary folder) and is not counted. Under
    PYTHONDONTWRITEBYTECODE every run would compile each module from source again."""
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        _process(argv, env=env)
        samples = sorted(_process(argv, env=env)[0] for _ in range(size.starts))
    return samples[len(samples) // 2]


def start_up_rows(size: Size) -> list[Row]:
    """Fresh processes: ``import memberkit`` and ``memberkit validate`` on the retail example,
    next to the interpreter starting and doing nothing (the hand-written column)."""
    bare = _start_up([sys.executable, "-c", "pass"], size)
    imported = _start_up([sys.executable, "-c", "import memberkit"], size)
    validate = _start_up([sys.executable, "-m", "memberkit", "validate", str(RETAIL_PATH)], size)
    return [
        Row(
            "`import memberkit` (fresh process)",
            duration(imported),
            f"{duration(bare)} (bare `python`)",
            goal="< 0.15 s",
        ),
        Row(
            "`memberkit validate` retail.yaml (fresh process)",
            duration(validate),
            f"{duration(bare)} (bare `python`)",
            goal="< 0.15 s",
        ),
    ]


_DEMO = """
import os, resource, sys
from memberkit.cli import main
with open(os.devnull, "w", encoding="utf-8") as out:
    code = main(["demo", "--members", sys.argv[1]], stdout=out)
print(
    code,
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
)
"""


def demo(members: int) -> tuple[float, float, float]:
    """Wall seconds and peak resident megabytes of ``memberkit demo --members N``: of the
    command's process and of its largest worker process (0 when it ran in one process)."""
    seconds, done = _process([sys.executable, "-c", _DEMO, str(members)])
    code, peak_kib, worker_kib = done.stdout.split()
    if code != "0":
        raise RuntimeError(f"memberkit demo exited {code}: {done.stderr[-500:]}")
    return seconds, int(peak_kib) / 1024, int(worker_kib) / 1024


def _peaks(main_mb: float, worker_mb: float) -> str:
    return f"{main_mb:,.0f} MB" + (f" + {worker_mb:,.0f} MB a worker" if worker_mb else "")


def demo_row(size: Size) -> Row:
    """``memberkit demo`` at two sizes (its default workers): time at the larger, peak memory
    of the command and of a worker at both."""
    small, large = size.demo_members
    _, small_mb, small_worker = demo(small)
    seconds, large_mb, large_worker = demo(large)
    return Row(
        f"`memberkit demo --members {large:,}`",
        f"{seconds:,.1f} s, {_peaks(large_mb, large_worker)} peak "
        f"({small:,} members: {_peaks(small_mb, small_worker)})",
        goal="< 4 s, memory flat in members",
    )


def has_replay_command() -> bool:
    """Whether this memberkit's command line has a ``replay`` command."""
    _, done = _process([sys.executable, "-m", "memberkit", "replay", "--help"], timeout=60)
    return done.returncode == 0


def batch_row(size: Size) -> Row:
    """``memberkit replay --workers 2`` against ``--workers 1``, when the command exists."""
    label = "batch replay, 2 workers vs 1"
    if not has_replay_command():
        return Row(label, "n/a (no `memberkit replay` command)", goal="≥ 1.8×")
    pairs = list(population(size.population * 5))
    with tempfile.TemporaryDirectory() as folder:
        events = Path(folder) / "events.jsonl"
        with events.open("w", encoding="utf-8") as out:
            # A member line (id, joined, birthday), then that member's events, each naming it.
            for state, evs in pairs:
                head = {"member": state.member_id, "joined": state.joined_at.isoformat()}
                if state.birthday is not None:
                    head["birthday"] = state.birthday.isoformat()
                out.write(json.dumps(head) + "\n")
                for event in evs:
                    data = json.loads(event.model_dump_json(exclude_none=True))
                    out.write(json.dumps({"member": state.member_id, **data}) + "\n")
        times = []
        for workers in (1, 2):
            argv = [
                sys.executable, "-m", "memberkit", "replay", str(RETAIL_PATH), str(events),
                "--out", os.path.join(folder, f"out{workers}.jsonl"), "--workers", str(workers),
            ]  # fmt: skip
            took, done = _process(argv)
            if done.returncode != 0:
                first = (done.stderr.strip().splitlines() or ["?"])[0][:80]
                return Row(label, f"failed: {first}", goal="≥ 1.8×")
            times.append(took)
    return Row(
        label,
        f"{times[0] / times[1]:.2f}× ({duration(times[0])} → {duration(times[1])})",
        goal="≥ 1.8×",
    )
