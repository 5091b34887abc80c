"""Issue 15's table from one command: memberkit against hand-written Python, zen-engine and CEL.

Run from the repository root, after ``pip install -e '.[bench]'`` (the peers):

    python -m benchmarks --size full --out docs/performance-table.md

``--size small`` does the same work on small inputs in well under a minute (CI runs it to prove
the harness works; its figures are not the ones to quote). The markdown goes to standard output
and, with ``--out``, to that file, which docs/performance.md includes. Nothing here asserts a
timing: the figures are printed for a person to read.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ._growth import PerEvent, StateSize, per_event, runs_for, state_size
from ._operations import (
    Row,
    batch_row,
    condition_row,
    demo_row,
    load_row,
    prepared,
    quote_row,
    replay_row,
    start_up_rows,
    tier_row,
)
from ._peers import PEERS
from ._timing import SIZES, Size, duration

KB = 1024


def cpu_model() -> str:
    """The processor's model name as the kernel reports it (or the platform's guess)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    """Lines naming the machine and the versions the figures belong to."""
    import yaml

    libyaml = "with libyaml" if getattr(yaml, "__with_libyaml__", False) else "without libyaml"
    peers = ", ".join(f"{p.distribution} {p.version() or 'not installed'}" for p in PEERS)
    return [
        f"- machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
        f"- memberkit {_version('memberkit')}; pydantic {_version('pydantic')}, "
        f"PyYAML {_version('PyYAML')} ({libyaml})",
        f"- peers: {peers}",
    ]


def main_table(rows: Sequence[Row]) -> list[str]:
    """The operations table in markdown."""
    peers = " | ".join(p.label for p in PEERS)
    out = [
        f"| operation | memberkit | hand-written Python | {peers} | memberkit ÷ hand-written | goal |",
        "|---|---:|---:|" + "---:|" * len(PEERS) + "---:|---|",
    ]
    for row in rows:
        cells = [row.operation, row.memberkit, row.handwritten, *row.peers, row.ratio, row.goal]
        out.append("| " + " | ".join(cells) + " |")
    return out


def growth_table(rows: Sequence[PerEvent]) -> list[str]:
    """The per-event cost table in markdown."""
    out = [
        "| events per member | first 10%, per event | last 10%, per event | last ÷ first | "
        "tenths 2–10, per event | whole run | state JSON after |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        first = duration(r.first) if r.first is not None else "n/a"
        if r.stopped_after is not None:
            out.append(
                f"| {r.events:,} | {first} | > {duration(r.total)} (stopped after "
                f"{r.stopped_after:,} events) | n/a | n/a | > {duration(r.total)} | n/a |"
            )
            continue
        assert r.first is not None
        assert r.last is not None
        assert r.state_bytes is not None
        assert r.tenths is not None
        later = r.tenths[1:]
        out.append(
            f"| {r.events:,} | {first} | {duration(r.last)} | {r.last / r.first:.2f} | "
            f"{duration(min(later))} – {duration(max(later))} | "
            f"{duration(r.total)} | {r.state_bytes / KB:,.1f} KB |"
        )
    return out


def size_table(rows: Sequence[StateSize]) -> list[str]:
    """The state size table in markdown."""
    out = [
        "| weekly purchases for | events | state JSON | `state_to_json` | `state_from_json` | replay |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    out.extend(
        f"| {r.years} year{'s' if r.years > 1 else ''} | {r.events:,} | {r.json_bytes / KB:,.1f} KB | "
        f"{duration(r.to_json)} | {duration(r.from_json)} | {duration(r.replay)} |"
        for r in rows
    )
    return out


def _step(label: str, run: Callable[[], object], log: Callable[[str], None]) -> object:
    started = time.perf_counter()
    result = run()
    log(f"  {label}: {time.perf_counter() - started:.1f} s")
    return result


def report(size: Size, log: Callable[[str], None]) -> str:
    """Run every benchmark at ``size`` and write the markdown."""
    began = time.perf_counter()
    rows: list[Row] = []
    rows.append(_step("replay", lambda: replay_row(size), log))
    ready = prepared()
    rows.append(_step("quote_points", lambda: quote_row(size, ready), log))
    rows.append(_step("tier_of", lambda: tier_row(size, ready), log))
    rows.append(_step("condition", lambda: condition_row(size), log))
    rows.append(_step("500-rule policy", lambda: load_row(size), log))
    rows.extend(_step("start-up", lambda: start_up_rows(size), log))
    rows.append(_step("demo", lambda: demo_row(size), log))
    rows.append(_step("batch replay", lambda: batch_row(size), log))
    growth = [
        _step(f"growth {n}", lambda n=n: per_event(n, size.growth_guard, runs_for(n)), log)
        for n in size.growth
    ]
    sizes = [_step(f"state {y}y", lambda y=y: state_size(y, size), log) for y in size.years]
    took = time.perf_counter() - began
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"<!-- generated by `python -m benchmarks --size {size.name}`; do not edit by hand -->",
        "",
        f"Size `{size.name}`, run {when}, {took:,.0f} s in all.",
        "",
        *machine(),
        "",
        *main_table(rows),
        "",
        "Rates are the median of several repetitions. A peer's cell gives its rate and, in "
        "brackets, its rate ÷ the hand-written code's. Start-up rows give wall time of a fresh "
        "process; the hand-written column there is the bare interpreter.",
        "",
        "**Per-event cost as one member's history grows** (mixed events applied one at a time, "
        "each timed in CPU time of the process; each tenth of the events keeps its least over "
        "the runs: 5 runs up to 100 events, 3 up to 1,000, 2 beyond; a run is stopped after "
        f"{size.growth_guard:.0f} s):",
        "",
        *growth_table(growth),
        "",
        "**Member state after years of weekly purchases** (retail example; goal ≤ 30 KB at 10 years):",
        "",
        *size_table(sizes),
        "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, run, print the markdown and write it to ``--out``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--out", type=Path, help="also write the markdown to this file")
    args = parser.parse_args(argv)
    text = report(SIZES[args.size], lambda line: print(line, file=sys.stderr, flush=True))
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
