"""Diff impact throughput: members replayed under two policies per second, streaming a JSONL file.

Run: python benchmarks/bench_diff.py [MEMBERS] [--memory]

The sample is the demo's seeded synthetic members written as JSONL (the shape `memberkit diff
--members` reads); the pair is examples/diff/old.yaml and new.yaml. Memory stays flat because
only counters and a few examples are kept (tracemalloc peak is printed).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from memberkit.cli._diff import read_sample
from memberkit.demo._synth import synthetic_members
from memberkit.policy import load_policy
from memberkit.testing._impact import measure

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 12, 31, 23, 59, 59, tzinfo=TZ)


def write_sample(path: Path, count: int) -> None:
    """Synthetic members as JSONL, without their redemptions (the pair declares no redeem rules)."""
    with path.open("w", encoding="utf-8") as out:
        for m in synthetic_members(count, year=2026, tz=TZ):
            events = [json.loads(e.model_dump_json()) for e in m.events if e.type != "redemption"]
            row = {"id": m.member_id, "joined": m.joined_at.isoformat(), "events": events}
            out.write(json.dumps(row) + "\n")


def _run(old: object, new: object, sample: Path) -> tuple[object, float]:
    start = time.perf_counter()
    impact = measure(old, new, read_sample(str(sample), TZ), AS_OF)  # type: ignore[arg-type]
    return impact, time.perf_counter() - start


def main() -> None:
    """Time one diff impact run over the sample; with --memory, a second traced run for the peak."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 2000
    old = load_policy(ROOT / "examples" / "diff" / "old.yaml")
    new = load_policy(ROOT / "examples" / "diff" / "new.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.jsonl"
        write_sample(sample, count)
        impact, elapsed = _run(old, new, sample)
        print(
            f"{impact.members} members in {elapsed:.2f}s ({impact.members / elapsed:,.0f} members/s), "  # type: ignore[attr-defined]
            f"{impact.changed} changed, {impact.errors} errors"  # type: ignore[attr-defined]
        )
        if "--memory" in sys.argv:
            # tracemalloc slows Python several times over, so the peak is measured on its own run.
            tracemalloc.start()
            _run(old, new, sample)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"peak traced memory {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
