"""How fast lifecycle decisions run over a population: stages and RFM for 100,000 members.

Run ``python benchmarks/bench_lifecycle.py [members]``. Members are synthetic (a seeded
``random.Random``), each with 0–12 orders over two years, scored against the retail example's
lifecycle section. Prints figures; asserts nothing.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import memberkit
from memberkit._state import LineRecord, MemberState, OrderRecord
from memberkit.lifecycle import bgnbd_fit, bgnbd_summary, lifecycle_stage, rfm_inputs, rfm_scores

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 6, 1, 12, tzinfo=SHANGHAI)
RETAIL = Path(memberkit.__file__).parent / "examples" / "retail.yaml"


def members(n: int, seed: int = 7) -> list[MemberState]:
    """``n`` synthetic members, built directly as states."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        joined = AS_OF - timedelta(days=rng.randint(1, 900))
        orders = []
        for k in range(rng.choice((0, 1, 1, 2, 3, 5, 8, 12))):
            at = joined + timedelta(days=rng.randint(0, (AS_OF - joined).days), hours=k)
            amount = Decimal(rng.randint(20, 2000))
            line = LineRecord(id="l1", sku="s", category="c", quantity=1, amount=amount)
            orders.append(OrderRecord(id=f"{i}-{k}", at=at, currency="CNY", lines=(line,)))
        orders.sort(key=lambda o: o.at)
        out.append(memberkit.new_member(f"m{i}", joined).evolve(orders=tuple(orders)))
    return out


def main() -> None:
    """Time stages, RFM and a BG/NBD fit over the population."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    policy = memberkit.load_policy(RETAIL)
    states = members(n)
    start = time.perf_counter()
    stages: dict[str | None, int] = {}
    for state in states:
        stage = lifecycle_stage(policy, state, AS_OF).stage
        stages[stage] = stages.get(stage, 0) + 1
    stage_s = time.perf_counter() - start
    print(f"lifecycle_stage: {n} members in {stage_s:.2f}s ({n / stage_s:,.0f}/s)")
    print("  stages:", dict(sorted(stages.items(), key=lambda kv: str(kv[0]))))
    start = time.perf_counter()
    inputs = list(rfm_inputs(policy, states, AS_OF))
    inputs_s = time.perf_counter() - start
    start = time.perf_counter()
    scored = rfm_scores(policy, inputs, AS_OF)
    score_s = time.perf_counter() - start
    print(f"rfm_inputs: {n} members in {inputs_s:.2f}s; rfm_scores: {score_s:.2f}s")
    segments: dict[str | None, int] = {}
    for item in scored:
        segments[item.segment] = segments.get(item.segment, 0) + 1
    print("  segments:", dict(sorted(segments.items(), key=lambda kv: str(kv[0]))))
    start = time.perf_counter()
    summaries = [bgnbd_summary(s, AS_OF, SHANGHAI, unit="weeks") for s in states]
    # Fitting on a sample is the usual practice; the cost grows with distinct summaries.
    rows = [(x.x, x.t_x, x.T) for x in summaries if x is not None][:20_000]
    fit = bgnbd_fit(rows)
    fit_s = time.perf_counter() - start
    print(
        f"bgnbd_fit: {len(rows)} summaries in {fit_s:.2f}s -> r={fit.r:.3f} alpha={fit.alpha:.3f} "
        f"a={fit.a:.3f} b={fit.b:.3f} ({fit.iterations} iterations)"
    )


if __name__ == "__main__":
    main()
