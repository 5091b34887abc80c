"""``memberkit replay POLICY EVENTS.jsonl --out STATES.jsonl``: every member's state, in bulk.

A thin shell over :func:`memberkit.replay_batch`. Problems in the events file go to stderr, one
located line each (``EVENTS.jsonl:LINE: member 'm1' event 'o-3': ... [code]``); the summary goes
to stdout; the progress bar goes to stderr, only on a terminal or with ``--progress``.
Exit codes: 0 every member written, 1 a line could not be used (or the policy is invalid),
2 usage: an unreadable policy or events file, an unwritable output, a bad ``--as-of``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any, TextIO

from .._batch import replay_batch
from .._errors import PolicyError, StateError
from ..policy import load_policy
from ._options import at_least_one

__all__ = ["add_replay_parser", "run_replay"]

OK, FINDINGS, USAGE = 0, 1, 2


def add_replay_parser(sub: Any) -> None:
    """Register the replay subcommand."""
    replay = sub.add_parser(
        "replay",
        help="replay a JSON-lines file of many members' events; one state a member",
        description="Replay every member of EVENTS.jsonl (one event a line, each naming its "
        '"member") and write one state a member to STATES.jsonl, members spread over worker '
        "processes. Exit 0 every member written, 1 a line could not be used (reported as "
        "EVENTS:LINE on stderr; the other members are written), 2 usage or unreadable files.",
    )
    replay.add_argument("policy", metavar="POLICY", help="the policy file")
    replay.add_argument("events", metavar="EVENTS.jsonl", help="one JSON event a line")
    replay.add_argument(
        "--out", required=True, metavar="STATES.jsonl", help="where the states are written"
    )
    replay.add_argument(
        "--workers",
        type=at_least_one("worker"),
        default=1,
        metavar="N",
        help="worker processes (default 1: replay in this process)",
    )
    replay.add_argument(
        "--as-of",
        dest="as_of",
        metavar="DATE",
        default=None,
        help="advance every member to this moment: a date (end of that day, programme "
        "timezone) or a date-time with an offset (default: each member's last event)",
    )
    replay.add_argument(
        "--resume",
        action="store_true",
        help="keep the members STATES.jsonl already holds a complete line for; replay the rest",
    )
    replay.add_argument(
        "--progress",
        action="store_true",
        help="draw the progress bar on stderr even when it is not a terminal",
    )


class _Bar:
    """A one-line progress bar on stderr: members done, the share, and members per second."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        self.shown = -1
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent == self.shown and done != total:
            return
        self.shown = percent
        filled = percent * 30 // 100
        rate = done / max(time.perf_counter() - self.started, 1e-9)
        self.err.write(
            f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} members, {rate:,.0f}/s"
        )
        if done == total:
            self.err.write("\n")
        self.err.flush()


def run_replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Replay the events file and write the states; returns the exit code."""
    from ._diff import parse_as_of

    try:
        policy = load_policy(args.policy)
    except PolicyError as exc:
        err.write(f"{exc}\n")
        # A policy that cannot be read at all is a usage error, like a missing events file.
        return USAGE if any(issue.code == "io" for issue in exc.issues) else FINDINGS
    as_of = None
    if args.as_of is not None:
        try:
            as_of = parse_as_of(args.as_of, policy.info.tz)
        except ValueError as exc:
            err.write(f"memberkit replay: --as-of {args.as_of!r}: {exc}\n")
            return USAGE
    live = args.progress or bool(getattr(err, "isatty", lambda: False)())
    try:
        report = replay_batch(
            policy,
            args.events,
            args.out,
            workers=args.workers,
            as_of=as_of,
            resume=args.resume,
            progress=_Bar(err) if live else None,
        )
    except OSError as exc:
        name = exc.filename if exc.filename is not None else args.out
        err.write(f"memberkit replay: cannot use {name}: {exc.strerror or exc}\n")
        return USAGE
    except StateError as exc:
        err.write(f"memberkit replay: {exc}\n")
        return USAGE
    for problem in report.problems:
        err.write(f"{problem}\n")
    skipped = f", {report.skipped} already written" if report.skipped else ""
    out.write(
        f"{report.written} members written to {args.out}{skipped}, {report.events} events, "
        f"{len(report.problems)} problem lines\n"
    )
    return OK if report.ok else FINDINGS
