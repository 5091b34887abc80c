"""Loading a large policy: parse, validate and compile a generated 500-rule programme.

Usage: python benchmarks/bench_load.py [RULES]   (default 500)

The policy is the bundled retail programme's shape with RULES earning rules, each with a
condition (dates, channels, categories), a multiplier or points, names in three locales and a
cap on some: what a large real programme accumulates over years of campaigns. Times are the
median and the best of twenty, for the whole ``parse_policy`` and for the YAML step alone, with
libyaml's C parser and with the pure-Python one (``memberkit.policy._yaml.C_LOADER``): on a
shared machine the best is what the code costs, the median what a caller meets.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import yaml

import memberkit
from memberkit.policy import _yaml

HEAD = """memberkit: 1
program:
  id: big
  name: {zh_Hans: 大型计划, zh_Hant: 大型計劃, en: Big programme}
  currency: CNY
  timezone: Asia/Shanghai
  locale: zh_Hans
tiers:
  window: calendar_year
  measures:
    spend: {of: spend, where: {not: {category: [gift_card]}}}
  ladder:
    - {id: basic, name: {zh_Hans: 普通会员, zh_Hant: 普通會員, en: Member}}
    - {id: silver, name: 银卡会员, qualify: {any: [{spend: 2000}, {orders: 6}]}}
    - {id: gold, name: 金卡会员, qualify: {spend: 8000}, retain: {spend: 6000}}
points:
  earn:
    - {id: base, name: {zh_Hans: 消费积分, zh_Hant: 消費積分, en: Purchase points}, per: 1 CNY, points: 1, except: {category: [gift_card]}}
"""

CHANNELS = ("app", "store", "web", "mini_program")
CATEGORIES = ("apparel", "beauty", "food", "home", "electronics")


def policy_text(rules: int) -> str:
    """A policy with ``rules`` earning rules besides the base rule."""
    lines = [HEAD]
    for n in range(rules - 1):
        month, day = n % 12 + 1, n % 28 + 1
        channel = CHANNELS[n % len(CHANNELS)]
        category = CATEGORIES[n % len(CATEGORIES)]
        lines.append(
            f"    # 活动 {n}：{month} 月 {day} 日 {channel} 渠道 {category} 类目加倍。\n"
            f"    - id: campaign-{n}\n"
            f"      name: {{zh_Hans: 活动{n}, zh_Hant: 活動{n}, en: Campaign {n}}}\n"
            f'      when: {{date: "2026-{month:02d}-{day:02d}", channel: [{channel}], '
            f"category: [{category}]}}\n"
            + (
                f"      multiply: {1 + (n % 4) / 2}\n"
                if n % 2
                else f"      on: purchase\n      points: {10 + n % 50}\n"
                f"      cap: {{count: 1, per: day}}\n"
            )
        )
    return "".join(lines)


def timed(work: Callable[[], object], runs: int = 20) -> tuple[float, float]:
    """The median and the fastest of ``runs`` timings of ``work()``, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, min(times) * 1000


def main() -> None:
    """Print the table."""
    rules = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    text = policy_text(rules)
    memberkit.parse_policy(text, source="big.yaml")  # warm: imports, pydantic schemas
    print(f"loading a {rules}-rule policy ({len(text.encode()):,} bytes), ms: median (best) of 20")
    print(f"libyaml available: {yaml.__with_libyaml__}")
    print(f"{'parser':<12} {'read_yaml':>16} {'parse_policy':>16}")
    saved = _yaml.C_LOADER
    for name, loader in (("libyaml", saved), ("pure Python", None)):
        if name == "libyaml" and loader is None:
            continue
        _yaml.C_LOADER = loader
        try:
            read = timed(lambda: _yaml.read_yaml(text, "big.yaml"))
            whole = timed(lambda: memberkit.parse_policy(text, source="big.yaml"))
        finally:
            _yaml.C_LOADER = saved
        cells = [f"{median:.1f} ({fastest:.1f})" for median, fastest in (read, whole)]
        print(f"{name:<12} {cells[0]:>16} {cells[1]:>16}")


if __name__ == "__main__":
    main()
