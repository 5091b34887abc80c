"""How long the README's main job takes: `memberkit demo` split into its stages.

Run ``python benchmarks/bench_demo.py [MEMBERS]`` (2000 by default, the demo's default). Prints
the time to generate the synthetic population, to replay it into the report, and events per
second of the replay; asserts nothing.
"""

from __future__ import annotations

import io
import sys
import time

from memberkit.cli import main
from memberkit.cli._demo import BIRTHDAY_BENEFIT, DEMO_YEAR, SEED, bundled_example
from memberkit.demo import synthetic_members
from memberkit.policy import parse_policy


def run(members: int) -> None:
    """Time population generation alone, then the whole command."""
    source, text = bundled_example()
    policy = parse_policy(text, source=source)
    started = time.perf_counter()
    population = list(
        synthetic_members(
            members,
            year=DEMO_YEAR,
            tz=policy.info.tz,
            seed=SEED,
            rewards=("tote-bag",),
            birthday_benefit=BIRTHDAY_BENEFIT,
        )
    )
    generated = time.perf_counter() - started
    events = sum(len(m.events) for m in population)
    started = time.perf_counter()
    main(["demo", "--members", str(members)], stdout=io.StringIO(), stderr=io.StringIO())
    whole = time.perf_counter() - started
    print(f"members {members:,}, events {events:,}")
    print(f"generate population: {generated:.2f}s")
    print(f"memberkit demo (generate + replay + report): {whole:.2f}s")
    print(f"replay and report: {events / max(whole - generated, 1e-9):,.0f} events/s")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
