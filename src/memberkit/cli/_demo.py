"""``memberkit demo``: the bundled retail programme replayed over a year of synthetic members.

The report goes to stdout (stable for a given ``--members``: the population is seeded); the
progress bar and the elapsed time go to stderr, the bar only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from decimal import Decimal
from importlib import resources
from typing import Any, TextIO

from .._compiled import Policy
from .._state import MemberState
from ..benefits import entitlements
from ..demo import DemoReport, build_report, synthetic_members
from ..policy import parse_policy

__all__ = ["DEMO_YEAR", "add_demo_parser", "bundled_example", "run_demo"]

DEMO_YEAR = 2026
SEED = 2026


def bundled_example(name: str = "retail") -> tuple[str, bytes]:
    """The source name and text of a bundled example programme."""
    ref = resources.files("memberkit") / "examples" / f"{name}.yaml"
    return f"examples/{name}.yaml", ref.read_bytes()


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1 member")
    return value


def add_demo_parser(sub: Any) -> None:
    """Register the demo subcommand."""
    demo = sub.add_parser(
        "demo",
        help="run the bundled retail programme on a year of synthetic members",
        description="Replay a year of deterministic synthetic member activity through the "
        "bundled 普通/银卡/金卡/白金 retail programme and print a report.",
    )
    demo.add_argument(
        "--members", type=_positive, default=2000, metavar="N", help="members (default 2000)"
    )
    demo.add_argument(
        "--locale", default=None, help="locale of names and explanations (default: programme's)"
    )
    demo.add_argument("--format", choices=("text", "json"), default="text")


class _Bar:
    """A one-line progress bar redrawn in place on a terminal; silent otherwise."""

    def __init__(self, err: TextIO, total: int) -> None:
        self.err = err
        self.total = total
        self.shown = -1
        self.live = bool(getattr(err, "isatty", lambda: False)())

    def __call__(self, done: int, total: int) -> None:
        if not self.live:
            return
        percent = done * 100 // max(total, 1)
        if percent == self.shown:
            return
        self.shown = percent
        filled = percent * 30 // 100
        self.err.write(f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} members")
        if done == total:
            self.err.write("\n")
        self.err.flush()


def run_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Replay the synthetic year through the bundled programme and print the report."""
    started = time.perf_counter()
    source, text = bundled_example()
    policy = parse_policy(text, source=source)
    info = policy.info
    locale = args.locale or info.locale
    as_of = datetime(DEMO_YEAR, 12, 31, 23, 59, 59, tzinfo=info.tz)
    population = synthetic_members(
        args.members, year=DEMO_YEAR, tz=info.tz, seed=SEED, currency=info.currency
    )
    report = build_report(
        policy, population, count=args.members, as_of=as_of, progress=_Bar(err, args.members)
    )
    explained = [
        (example.member_id, texts)
        for example in report.examples
        if (texts := _explain(policy, example.state, as_of, locale))
    ]
    if args.format == "json":
        out.write(json.dumps(_as_json(report, explained), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(_as_text(policy, report, explained, locale))
    err.write(f"memberkit demo: {report.members} members in {time.perf_counter() - started:.1f}s\n")
    return 0


def _explain(policy: Policy, state: MemberState, as_of: datetime, locale: str) -> list[str]:
    """What the programme says about one member at ``as_of``, in ``locale``."""
    lines: list[str] = []
    if policy.document.benefits is not None:
        lines.append(entitlements(policy, state, as_of).explain(locale))
    return [line for line in lines if line]


def _number(value: int | Decimal) -> str:
    return f"{value:,}"


def _as_text(
    policy: Policy, report: DemoReport, explained: list[tuple[str, list[str]]], locale: str
) -> str:
    info = policy.info
    lines = [
        f"memberkit demo — {info.name.get(locale)} ({info.id}), {info.currency}, {info.timezone}",
        f"{report.members:,} synthetic members, one year of activity up to "
        f"{report.as_of.date().isoformat()} (seed {SEED})",
        "",
        "Events",
    ]
    width = max((len(k) for k in report.events_by_type), default=0)
    lines += [f"  {kind:<{width}}  {n:>9,}" for kind, n in report.events_by_type.items()]
    lines.append(
        f"  {report.events:,} events: {report.accepted:,} applied, {report.refused:,} refused"
        + (f", {sum(report.errors.values()):,} rejected as bad input" if report.errors else "")
    )
    for code, n in report.refusals_by_reason.items():
        lines.append(f"    refused: {code} × {n:,}")
    for code, n in report.errors.items():
        lines.append(f"    rejected: {code} × {n:,}")
    if report.tiers is not None:
        lines += ["", f"Tiers at {report.as_of.date().isoformat()}"]
        for tier, n in report.tiers.items():
            share = 100 * n / max(report.members, 1)
            lines.append(f"  {tier:<12} {n:>7,}  {share:5.1f}%")
    if report.tier_movements:
        lines += ["", f"Tier movements in {report.as_of.year}"]
        lines += [f"  {move:<24} {n:>7,}" for move, n in report.tier_movements.items()]
    if report.points is not None:
        lines += ["", "Points"]
        lines += [f"  {kind:<14} {_number(n):>12}" for kind, n in report.points.items()]
    if report.benefit_uses is not None:
        lines += ["", "Benefits used"]
        lines += [f"  {b:<20} {n:>7,}" for b, n in report.benefit_uses.items()] or ["  (none)"]
    if explained:
        lines += ["", f"Members explained ({locale})"]
        for member_id, texts in explained:
            lines.append(f"  {member_id}")
            for text in texts:
                lines += [f"    {line}" for line in text.splitlines()]
    return "\n".join(lines) + "\n"


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _as_json(report: DemoReport, explained: list[tuple[str, list[str]]]) -> dict[str, object]:
    data: dict[str, object] = {
        "programme": report.programme,
        "as_of": report.as_of.isoformat(),
        "members": report.members,
        "events": report.events,
        "events_by_type": report.events_by_type,
        "accepted": report.accepted,
        "refused": report.refused,
        "refusals_by_reason": report.refusals_by_reason,
        "errors": report.errors,
    }
    for key in ("tiers", "tier_movements", "points", "benefit_uses"):
        value = getattr(report, key)
        if value is not None:
            data[key] = _plain(value)
    data["explained"] = [{"member_id": m, "text": texts} for m, texts in explained]
    return data
