"""The demo report: a population replayed through a policy, with only the sections it runs."""

from __future__ import annotations

import pytest
from tests.builders import SHANGHAI, at, policy

import memberkit
from memberkit.cli._demo import bundled_example
from memberkit.demo import DemoReport, build_report, synthetic_members
from memberkit.demo import _report as demo_report

BENEFITS = """
benefits:
  - {id: gift, quota: {count: 1, per: year}}
"""


def _report(body: str = "", count: int = 40) -> DemoReport:
    return build_report(
        policy(body),
        synthetic_members(count, year=2026, tz=SHANGHAI),
        count=count,
        as_of=at(2026, 12, 31, 23, 59),
    )


def test_every_generated_event_is_counted() -> None:
    """The events of the report add up to the events the population holds."""
    members = list(synthetic_members(40, year=2026, tz=SHANGHAI))
    report = _report()
    assert report.events == sum(len(m.events) for m in members)
    assert sum(report.events_by_type.values()) == report.events


def test_the_population_is_valid_input_for_the_bundled_programme() -> None:
    """Replayed through the retail programme, no synthetic event is rejected as bad input."""
    source, text = bundled_example()
    report = build_report(
        memberkit.parse_policy(text, source=source),
        synthetic_members(60, year=2026, tz=SHANGHAI, rewards=("tote-bag",)),
        count=60,
        as_of=at(2026, 12, 31, 23, 59),
    )
    assert report.errors == {}


def test_sections_of_parts_the_policy_lacks_are_left_out() -> None:
    """A programme without tiers or points reports neither."""
    report = _report()
    assert (report.tiers, report.points) == (None, None)


def test_a_programme_with_benefits_reports_their_uses() -> None:
    """Declaring benefits adds the benefits section, even when nobody used one."""
    assert _report(BENEFITS).benefit_uses == {}


def test_progress_is_reported_for_every_member() -> None:
    """The progress callback is called once per member, ending at the total."""
    calls: list[tuple[int, int]] = []
    build_report(
        policy(),
        synthetic_members(5, year=2026, tz=SHANGHAI),
        count=5,
        as_of=at(2026, 12, 31),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(n, 5) for n in range(1, 6)]


def _retail_report(count: int = 80) -> DemoReport:
    source, text = bundled_example()
    return build_report(
        memberkit.parse_policy(text, source=source),
        synthetic_members(
            count, year=2026, tz=SHANGHAI, rewards=("tote-bag",), birthday_benefit="birthday-gift"
        ),
        count=count,
        as_of=at(2026, 12, 31, 23, 59),
    )


def test_the_retail_report_has_every_parts_section() -> None:
    """The retail programme runs every part, so tiers, points, benefits and lifecycle appear."""
    report = _retail_report()
    assert report.tiers is not None
    assert report.points is not None
    assert report.benefit_uses is not None
    assert (report.stages, report.segments, report.kpis) != (None, None, None)


def test_every_member_is_in_one_tier_one_stage_and_one_segment() -> None:
    """Tier, stage and segment counts each add up to the population."""
    report = _retail_report()
    assert report.tiers is not None
    assert report.stages is not None
    assert report.segments is not None
    assert sum(report.tiers.values()) == report.members
    assert sum(report.stages.values()) == report.members
    assert sum(report.segments.values()) == report.members


def test_the_points_figures_agree_with_the_programme_kpis() -> None:
    """Issued, redeemed, expired and outstanding match the lifecycle KPIs of the same year."""
    report = _retail_report()
    assert report.points is not None
    assert report.kpis is not None
    mine = {f.currency: (f.issued, f.redeemed, f.expired, f.outstanding) for f in report.points}
    theirs = {
        f.currency: (f.issued, f.redeemed, f.expired, f.outstanding) for f in report.kpis.points
    }
    assert mine == theirs


def test_the_explained_members_hold_different_tiers() -> None:
    """The three examples are picked one per tier, so no two share a tier."""
    tiers = [example.tier for example in _retail_report().examples]
    assert len(tiers) == 3
    assert len(set(tiers)) == 3


def test_stages_are_listed_along_the_journey_not_in_rule_order() -> None:
    """The retail programme tries won_back first, but the report lists new … churned, won_back."""
    report = _retail_report(20)
    assert report.stages is not None
    assert list(report.stages) == ["new", "growing", "mature", "dormant", "churned", "won_back"]


def test_a_report_replayed_in_two_processes_equals_one_replayed_in_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Members spread over two worker processes, handed over 16 at a time, give the same
    report, field for field."""
    monkeypatch.setattr(demo_report, "FED_PER_WORKER", 8)
    source, text = bundled_example()
    retail = memberkit.parse_policy(text, source=source)

    def report(workers: int) -> DemoReport:
        return build_report(
            retail,
            synthetic_members(60, year=2026, tz=SHANGHAI, rewards=("tote-bag",)),
            count=60,
            as_of=at(2026, 12, 31, 23, 59),
            workers=workers,
        )

    assert report(2) == report(1)


def test_a_process_hands_back_only_the_states_of_possible_examples() -> None:
    """Of the members one process replays, only the first of each tier with enough events to be
    explained comes back with its state; every other member comes back as counts alone."""
    source, text = bundled_example()
    retail = memberkit.parse_policy(text, source=source)
    as_of = at(2026, 12, 31, 23, 59)
    members = synthetic_members(40, year=2026, tz=SHANGHAI, rewards=("tote-bag",))
    sent: set[str | None] = set()
    replayed = [
        demo_report._member(retail, as_of, at(2026, 1, 1), None, sent, member) for member in members
    ]
    handed = [tier for _, _, _, state, tier in replayed if state is not None]
    eligible = {tier for _, events, _, _, tier in replayed if events >= demo_report.EXAMPLE_EVENTS}
    assert len(handed) == len(set(handed))
    assert set(handed) == eligible
    assert len(handed) < len(replayed)
