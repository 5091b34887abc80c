"""Argument parsing and dispatch for the ``memberkit`` command."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .._errors import MemberkitError

__all__ = ["main", "run_process"]

OK, FINDINGS, USAGE = 0, 1, 2


class _Version(argparse.Action):
    """``--version``: the installed distribution's version, looked up only when asked for
    (importlib.metadata costs more start-up time than the rest of ``memberkit validate``'s parser).
    """

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from importlib.metadata import version

        sys.stdout.write(f"memberkit {version('memberkit')}\n")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's own exit code for usage errors is 2, which is also ours; keep its message.
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: error: {message}\n")


_LIGHT = frozenset({"validate", "schema", "--version"})
"""Commands that need only the policy loader: the others' modules (the engine, the demo, the
scenario runner) are not imported to build their parsers, so these start fast."""
_HEAVY = ("demo", "diff", "explain", "holdout", "replay", "test")


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line (the first word that is not an option);
    ``--version`` before any command counts as a light one (it needs no subcommand's parser)."""
    command = next((word for word in argv if not word.startswith("-")), None)
    if command is None and "--version" in argv:
        return "--version"
    return command


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="memberkit",
        description="Membership and loyalty programmes as YAML policies.",
        epilog="Exit codes: 0 ok, 1 findings, 2 usage error.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    validate = sub.add_parser(
        "validate",
        help="check policy and scenario files; every issue with file:line:col",
        description="Check policies (and scenario files, *_test.yaml, as scenario files) without "
        "running anything. Directories are walked; YAML in them that is not a memberkit file is "
        "skipped. Exit 0 all valid, 1 an invalid file, 2 a missing or unreadable path.",
    )
    validate.add_argument(
        "files", nargs="+", metavar="PATH", help="policy or scenario files, or directories"
    )
    validate.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: 'FILE: ok' or one located issue a line (default); json: every file and issue",
    )

    sub.add_parser(
        "schema",
        help="print the JSON Schema of the policy format",
        description="Print the JSON Schema of the policy format, for editors "
        "(yaml-language-server) and other checkers.",
    )

    if command in _LIGHT:
        # The command is known and light: the other commands are only names here (so a usage
        # error still lists every choice); their options are never parsed in this run.
        for name in _HEAVY:
            sub.add_parser(name)
        return parser

    from ._demo import add_demo_parser
    from ._diff import add_diff_parser
    from ._explain import add_explain_parser
    from ._holdout import add_holdout_parser
    from ._replay import add_replay_parser
    from ._test import add_test_parser

    add_demo_parser(sub)
    add_diff_parser(sub)
    add_explain_parser(sub)
    add_holdout_parser(sub)
    add_replay_parser(sub)
    add_test_parser(sub)
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    words = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(_command_of(words))
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else USAGE
    if args.command is None:
        parser.print_help(out)
        return USAGE
    try:
        if args.command == "validate":
            from ._validate import run_validate

            return run_validate(args.files, args.format, out, err)
        if args.command == "schema":
            from ..policy import policy_json_schema

            out.write(
                json.dumps(policy_json_schema(), indent=2, ensure_ascii=False, sort_keys=True)
            )
            out.write("\n")
            return OK
        if args.command == "demo":
            from ._demo import run_demo

            return run_demo(args, out, err)
        if args.command == "diff":
            from ._diff import run_diff

            return run_diff(args, out, err)
        if args.command == "explain":
            from ._explain import run_explain

            return run_explain(args, out, err)
        if args.command == "holdout":
            from ._holdout import run_holdout

            return run_holdout(args, out, err)
        if args.command == "replay":
            from ._replay import run_replay

            return run_replay(args, out, err)
        if args.command == "test":
            from ._test import run_test

            return run_test(args, out, err)
    except MemberkitError as exc:
        # Any error from user input is reported in its own words, never as a traceback.
        err.write(f"memberkit: {exc}\n")
        return FINDINGS
    parser.print_help(err)
    return USAGE


def run_process() -> int:
    """The ``memberkit`` script and ``python -m memberkit``: ``main`` in a process that ends after.

    The interpreter's last collections at shutdown would walk every object the command built (the
    models' classes and schemas, the compiled policy, the libraries) looking for cycles: about a
    sixth of ``memberkit validate``'s time. The process is ending, so what it holds is frozen out
    of the collector's sight first; modules are still torn down and their objects freed, and only
    what is held in a cycle is left to the operating system, as an exit by ``os._exit`` would.
    ``main`` itself leaves the collector alone: tests and embedders call it in-process.
    """
    code = main()
    gc.freeze()
    return code
