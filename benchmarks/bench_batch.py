"""Batch replay: members per second with 1 and N worker processes, and bulk event validation.

Usage: python benchmarks/bench_batch.py [MEMBERS] [--workers N]   (defaults: 2000 members, 2)

The events file is the demo's seeded synthetic year (src/memberkit/demo/_synth.py) for the
bundled retail programme, written as JSON lines with a member line each. Each run is timed end
to end (reading, validating, replaying, writing), best of three; the ratio is 1 worker's time
over N workers'. ``cpu bound`` is the speed-up the CPU times allow with a free core per worker
(the main process's CPU counted as serial): on a machine shared with other jobs the measured
speed-up falls below it, and the gap is other jobs' use of the cores. The second table times the validation of every event line one by one
(``parse_event``) against one pydantic call per member (what the batch does).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from pydantic import TypeAdapter

import memberkit
from memberkit._events import Event
from memberkit.cli._demo import bundled_example
from memberkit.demo._synth import synthetic_members


def write_events(path: Path, members: int) -> tuple[memberkit.Policy, int]:
    """The demo's synthetic members as an events file; returns the policy and the event count."""
    source, text = bundled_example()
    policy = memberkit.parse_policy(text, source=source)
    program = policy.versions[0]
    rewards = tuple(
        reward.id
        for currency in (program.points.currencies if program.points else ())
        if currency.redeem is not None
        for reward in currency.redeem.rewards
    )
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for member in synthetic_members(members, year=2026, tz=policy.info.tz, rewards=rewards):
            head = {"member": member.member_id, "joined": member.joined_at.isoformat()}
            if member.birthday is not None:
                head["birthday"] = member.birthday.isoformat()
            out.write(json.dumps(head) + "\n")
            for event in member.events:
                data = json.loads(event.model_dump_json(exclude_none=True))
                out.write(json.dumps({"member": member.member_id, **data}) + "\n")
                count += 1
    return policy, count


def cpu(who: int) -> float:
    """CPU seconds (user + system) used so far by this process or its finished children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def best(runs: int, work: object) -> float:
    """The fastest of ``runs`` timings of ``work()`` in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    """Print the two tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("members", nargs="?", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.jsonl"
        policy, count = write_events(events, args.members)
        out = Path(tmp) / "states.jsonl"
        print(
            f"batch replay: {args.members} members, {count} events, retail programme; "
            f"python {platform.python_version()}, {os.cpu_count()} cpus; best of {args.runs}"
        )
        print(
            f"{'workers':>8} {'seconds':>9} {'members/s':>10} {'events/s':>10} {'speed-up':>9}"
            f" {'cpu main':>9} {'cpu workers':>12} {'cpu bound':>10}"
        )
        base = base_cpu = 0.0
        for workers in sorted({1, args.workers}):
            main_before, children_before = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
            seconds = best(
                args.runs,
                lambda w=workers: memberkit.replay_batch(policy, events, out, workers=w),
            )
            main_cpu = (cpu(resource.RUSAGE_SELF) - main_before) / args.runs
            worker_cpu = (cpu(resource.RUSAGE_CHILDREN) - children_before) / args.runs
            base = base or seconds
            base_cpu = base_cpu or main_cpu + worker_cpu
            # What the wall-clock speed-up would be with a free core per worker: the one-process
            # CPU time over the main process's CPU time (counted as if all serial) plus one
            # worker's share. On a shared machine the measured speed-up falls below it.
            bound = base_cpu / (main_cpu + worker_cpu / workers)
            print(
                f"{workers:>8} {seconds:>9.2f} {args.members / seconds:>10,.0f} "
                f"{count / seconds:>10,.0f} {base / seconds:>8.2f}x"
                f" {main_cpu:>9.2f} {worker_cpu:>12.2f} {bound:>9.2f}x"
            )
        datas = []
        for raw in events.read_text(encoding="utf-8").splitlines():
            data = json.loads(raw)
            data.pop("member")
            if "type" in data:
                datas.append(data)
        one = best(args.runs, lambda: [memberkit.parse_event(d) for d in datas])
        one_adapter = TypeAdapter(Event)
        each = best(args.runs, lambda: [one_adapter.validate_python(d) for d in datas])
        bulk_adapter = TypeAdapter(list[Event])
        bulk = best(args.runs, lambda: bulk_adapter.validate_python(datas))
        print()
        print(f"validation of {len(datas)} events: {'how':<28} {'µs/event':>9}")
        print(f"{'':>34}{'parse_event, one by one':<28} {one / len(datas) * 1e6:>9.1f}")
        print(f"{'':>34}{'TypeAdapter(Event), each':<28} {each / len(datas) * 1e6:>9.1f}")
        print(f"{'':>34}{'TypeAdapter(list[Event])':<28} {bulk / len(datas) * 1e6:>9.1f}")


if __name__ == "__main__":
    main()
