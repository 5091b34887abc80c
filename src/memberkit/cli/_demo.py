"""``memberkit demo``: the bundled example programme at work."""

from __future__ import annotations

import argparse
from importlib import resources
from typing import Any, TextIO

from ..policy import parse_policy

__all__ = ["add_demo_parser", "bundled_example", "run_demo"]


def bundled_example(name: str = "retail") -> tuple[str, bytes]:
    """The source name and text of a bundled example programme."""
    ref = resources.files("memberkit") / "examples" / f"{name}.yaml"
    return f"examples/{name}.yaml", ref.read_bytes()


def add_demo_parser(sub: Any) -> None:
    """Register the demo subcommand."""
    demo = sub.add_parser("demo", help="run the bundled retail programme on synthetic members")
    demo.add_argument("--members", type=int, default=2000, metavar="N")
    demo.add_argument("--locale", default=None)
    demo.add_argument("--format", choices=("text", "json"), default="text")


def run_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Validate the bundled example programme and summarise it."""
    source, text = bundled_example()
    policy = parse_policy(text, source=source)
    info = policy.info
    out.write(
        f"{source}: ok — programme {info.id} ({info.name.get(args.locale or info.locale)}), "
        f"{info.currency}, {info.timezone}\n"
    )
    return 0
