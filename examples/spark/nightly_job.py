"""The nightly job on Spark: events from Parquet in, states, errors and KPIs as Parquet out.

One command on a machine with Java 17+ and ``pip install -e '.[spark]'``::

    python examples/spark/nightly_job.py --generate 2000 --out /tmp/memberkit-night

``--generate N`` first writes ``OUT/events.parquet``: the demo's synthetic year of N members for
the bundled retail programme (what ``memberkit demo`` replays). Without it, ``--events`` names
your Parquet events: columns ``member_id`` (string), ``seq`` (long) and ``event`` (the event as
JSON). ``--states`` names yesterday's states (``OUT/states`` of the previous night) for an
incremental night. The night's moment is an argument (``--as-of``), never the clock.

Writes ``OUT/states``, ``OUT/errors`` and ``OUT/kpis`` (Parquet directories) and prints what it
did, with the members and events per second of the night.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import memberkit

DEMO_YEAR = 2026


def generate(policy: memberkit.Policy, members: int, path: Path) -> int:
    """The demo's synthetic members as a Parquet events table; returns the number of rows."""
    import pandas as pd

    from memberkit.demo._synth import synthetic_members

    program = policy.versions[0]
    rewards = tuple(
        reward.id
        for currency in (program.points.currencies if program.points else ())
        if currency.redeem is not None
        for reward in currency.redeem.rewards
    )
    rows: list[tuple[str, int, str]] = []
    population = synthetic_members(members, year=DEMO_YEAR, tz=policy.info.tz, rewards=rewards)
    for member in population:
        # A member line first: when the member joined (and their birthday), as replay_batch reads.
        head = {"joined": member.joined_at.isoformat()}
        if member.birthday is not None:
            head["birthday"] = member.birthday.isoformat()
        rows.append((member.member_id, len(rows) + 1, json.dumps(head)))
        rows += [
            (member.member_id, len(rows) + 1 + n, event.model_dump_json(exclude_none=True))
            for n, event in enumerate(member.events)
        ]
    frame = pd.DataFrame(rows, columns=["member_id", "seq", "event"])
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return len(frame)


def main(argv: list[str] | None = None) -> int:
    """Run one night; returns the exit code (0: done, 1: done with error rows)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the outputs")
    parser.add_argument("--events", type=Path, help="Parquet events (default: OUT/events.parquet)")
    parser.add_argument("--generate", type=int, metavar="N", help="first write N demo members")
    parser.add_argument("--states", type=Path, help="yesterday's states (Parquet), if any")
    parser.add_argument("--policy", type=Path, help="policy YAML (default: the bundled retail)")
    parser.add_argument(
        "--as-of",
        default=f"{DEMO_YEAR}-12-31T23:59:59+08:00",
        help="the night's moment, with an offset (default: %(default)s)",
    )
    parser.add_argument(
        "--kpi-start",
        default=f"{DEMO_YEAR}-01-01T00:00:00+08:00",
        help="start of the KPI period (default: %(default)s)",
    )
    parser.add_argument("--master", default="local[2]", help="Spark master (default: %(default)s)")
    parser.add_argument("--partitions", type=int, help="tasks for the night (default: 4 a core)")
    args = parser.parse_args(argv)

    if args.policy is not None:
        policy = memberkit.load_policy(args.policy)
    else:
        from memberkit.cli._demo import bundled_example

        source, text = bundled_example()
        policy = memberkit.parse_policy(text, source=source)
    as_of = datetime.fromisoformat(args.as_of)
    kpi_start = datetime.fromisoformat(args.kpi_start)
    events_path = args.events or args.out / "events.parquet"
    if args.generate:
        rows = generate(policy, args.generate, events_path)
        print(f"generated {args.generate} members, {rows} rows: {events_path}")

    # The Python workers run this interpreter, which has memberkit installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from memberkit.spark import programme_kpis_table, replay_members

    started = time.perf_counter()
    spark = (
        SparkSession.builder.master(args.master)
        .appName("memberkit-night")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(
        f"spark {spark.version} on {args.master}: session in {time.perf_counter() - started:.1f} s"
    )

    events = spark.read.parquet(str(events_path))
    states = spark.read.parquet(str(args.states)) if args.states else None
    night = replay_members(policy, events, as_of=as_of, states=states, partitions=args.partitions)
    night.rows.persist()  # states and errors are both written from one replay

    started = time.perf_counter()
    night.states.write.mode("overwrite").parquet(str(args.out / "states"))
    night.errors.write.mode("overwrite").parquet(str(args.out / "errors"))
    seconds = time.perf_counter() - started
    written = spark.read.parquet(str(args.out / "states"))
    members = written.count()
    applied = written.agg({"events": "sum"}).collect()[0][0] or 0
    errors = spark.read.parquet(str(args.out / "errors")).count()
    print(
        f"night {as_of.isoformat()}: {members} states, {applied} events, {errors} error rows "
        f"in {seconds:.1f} s ({members / seconds:,.0f} members/s, {applied / seconds:,.0f} events/s)"
    )

    started = time.perf_counter()
    kpis = programme_kpis_table(policy, written, kpi_start, as_of)
    kpis.write.mode("overwrite").parquet(str(args.out / "kpis"))
    print(
        f"kpis [{kpi_start.isoformat()}, {as_of.isoformat()}) in {time.perf_counter() - started:.1f} s"
    )
    for row in (
        spark.read.parquet(str(args.out / "kpis"))
        .where("metric in ('members', 'buyers', 'repeat_buyers', 'member_sales')")
        .orderBy("metric")
        .collect()
    ):
        print(f"  {row['metric']:<14} {row['key'] or '':<6} {row['value'].normalize():f}")
    print(f"wrote {args.out / 'states'}, {args.out / 'errors'}, {args.out / 'kpis'}")
    spark.stop()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
