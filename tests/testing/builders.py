"""Builders for the scenario tests: a small benefits policy and scenario files written to disk."""

from __future__ import annotations

from pathlib import Path

POLICY = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en}
benefits:
  - {id: gift, when: {birthday: month}, quota: {count: 1, per: year}}
  - {id: ship, when: {channel: [app]}}
  - {id: lounge, quota: {count: 1, per: lifetime}}
"""

PASSING = """memberkit_test: 1
scenarios:
  - name: gift once a year
    member: {id: m1, joined: 2026-01-01, birthday: 1990-03-15}
    events:
      - {type: benefit_use, id: u1, at: "2026-03-02T10:00:00+08:00", benefit: gift}
    expect:
      - at: 2026-03-01
        benefit: {id: gift, allowed: true, remaining: 1}
      - at: 2026-03-10
        benefit: {id: gift, allowed: false, reason: benefit.quota_used}
"""

WRONG = """memberkit_test: 1
scenarios:
  - name: gift twice (wrong)
    member: {id: m1, joined: 2026-01-01, birthday: 1990-03-15}
    events:
      - {type: benefit_use, id: u1, at: "2026-03-02T10:00:00+08:00", benefit: gift}
    expect:
      - at: 2026-03-10
        benefit: {id: gift, allowed: true}
"""


def write_suite(
    folder: Path, scenarios: str, *, name: str = "policy", policy: str = POLICY
) -> Path:
    """Write ``<name>.yaml`` and ``<name>_test.yaml`` into ``folder``; returns the scenario file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(policy, encoding="utf-8")
    path = folder / f"{name}_test.yaml"
    path.write_text(scenarios, encoding="utf-8")
    return path
