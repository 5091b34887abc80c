"""Policy versions: selection by event time, replay across versions, the notice-period lint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.builders import at, member

import memberkit
from memberkit import BenefitUse, PolicyError, parse_event
from memberkit.benefits import check_benefit

HEAD = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en, notice_days: 30}
benefits:
  - {id: gift, quota: {count: 2, per: year}}
  - {id: ship}
"""


def versioned(versions: str) -> memberkit.Policy:
    """A policy with two benefits followed by the given ``versions:`` block."""
    return memberkit.parse_policy(HEAD + "versions:\n" + versions, source="v.yaml")


def issues(versions: str) -> list[memberkit.PolicyIssue]:
    """What validate says about the policy with these versions."""
    return memberkit.validate_policy(HEAD + "versions:\n" + versions, source="v.yaml")


MORE_GIFTS = """  - effective_from: 2026-07-01
    announced: 2026-06-25
    benefits:
      - {id: gift, quota: {count: 3, per: year}}
      - {id: ship}
"""

FEWER_GIFTS = """  - effective_from: 2026-07-01
    announced: 2026-06-25
    benefits:
      - {id: gift, quota: {count: 1, per: year}}
      - {id: ship}
"""


def use(event_id: str, when: datetime) -> BenefitUse:
    """A use of the gift benefit."""
    event = parse_event({"type": "benefit_use", "id": event_id, "at": when, "benefit": "gift"})
    assert isinstance(event, BenefitUse)
    return event


def test_each_version_is_compiled_with_its_start() -> None:
    """A policy with one version compiles two editions, the second starting at local midnight."""
    policy = versioned(MORE_GIFTS)
    assert len(policy.versions) == 2
    assert policy.versions[1].effective_from == at(2026, 7, 1, 0, 0)


def test_the_version_in_force_is_chosen_by_time() -> None:
    """Just before the start the first edition decides; from the start the new one does."""
    policy = versioned(MORE_GIFTS)
    start = at(2026, 7, 1, 0, 0)
    before = check_benefit(policy, member(), "gift", start - timedelta(seconds=1))
    after = check_benefit(policy, member(), "gift", start)
    assert (before.remaining, after.remaining) == (2, 3)


def test_a_date_time_start_keeps_its_offset() -> None:
    """effective_from written with an offset is that exact moment."""
    policy = versioned(MORE_GIFTS.replace("2026-07-01\n", '"2026-07-01T08:00:00+00:00"\n'))
    assert policy.versions[1].effective_from == datetime(2026, 7, 1, 8, tzinfo=UTC)


def test_replay_crosses_a_version_change() -> None:
    """Uses under the old edition count against the new edition's larger quota in the same year."""
    policy = versioned(MORE_GIFTS)
    state = memberkit.replay(
        policy, member(), [use("u1", at(2026, 3, 1)), use("u2", at(2026, 5, 1))]
    )
    refused = memberkit.apply(policy, state, use("u3", at(2026, 6, 1)))[1]
    state, allowed = memberkit.apply(policy, state, use("u4", at(2026, 8, 1)))
    assert (refused.refused, allowed.accepted) == (True, True)


def test_a_gain_needs_no_notice() -> None:
    """A version that only gives members more may start the day after it is announced."""
    assert issues(MORE_GIFTS) == []


def test_a_loss_without_enough_notice_is_flagged_at_the_version() -> None:
    """A lower quota six days after its announcement is flagged at versions[0].effective_from."""
    found = issues(FEWER_GIFTS)
    assert [(i.path, i.code, i.line) for i in found] == [
        ("versions[0].effective_from", "short_notice", 7)
    ]
    assert "benefits[0].quota.count goes from 2 to 1" in found[0].message
    assert "2026-07-25 at the earliest" in found[0].message


def test_a_loss_with_enough_notice_passes() -> None:
    """The same lower quota announced 30 days ahead is valid."""
    assert issues(FEWER_GIFTS.replace("2026-06-25", "2026-06-01")) == []


def test_a_removed_benefit_is_a_loss() -> None:
    """Dropping a benefit without notice is flagged, naming it."""
    text = """  - effective_from: 2026-07-01
    announced: 2026-06-25
    benefits:
      - {id: gift, quota: {count: 2, per: year}}
"""
    (issue,) = issues(text)
    assert "removes 'ship' from benefits" in issue.message


def test_a_version_inherits_the_sections_it_does_not_name() -> None:
    """A version with only a note keeps the benefits of the edition before it."""
    policy = versioned("  - {effective_from: 2026-07-01, announced: 2026-06-01, note: same}\n")
    assert policy.versions[1].benefits == policy.versions[0].benefits


def test_versions_out_of_order_are_refused() -> None:
    """A version starting before the one listed above it is an error at its effective_from."""
    text = MORE_GIFTS + MORE_GIFTS.replace("2026-07-01", "2026-06-30")
    found = [(i.path, i.code) for i in issues(text)]
    assert ("versions[1].effective_from", "version_order") in found


def test_an_announcement_after_the_start_is_refused() -> None:
    """A version cannot be announced after it takes effect."""
    found = [(i.path, i.code) for i in issues(MORE_GIFTS.replace("2026-06-25", "2026-07-02"))]
    assert found == [("versions[0].announced", "announced_late")]


def test_a_naive_start_is_refused() -> None:
    """A date-time without an offset would mean a different moment on every server."""
    with pytest.raises(PolicyError) as caught:
        versioned(MORE_GIFTS.replace("2026-07-01\n", '"2026-07-01T00:00:00"\n'))
    assert "no timezone offset" in str(caught.value)


def test_a_mistake_inside_a_version_is_located_there() -> None:
    """A benefit naming an unknown tier inside a version is reported at its line in the version."""
    text = """  - effective_from: 2026-07-01
    announced: 2026-06-01
    benefits:
      - {id: gift, tiers: [gold]}
"""
    (issue,) = issues(text)
    assert (issue.path, issue.code, issue.line) == (
        "versions[0].benefits[0].tiers[0]",
        "unknown_tier",
        10,
    )


TIERED = """memberkit: 1
program: {id: t, currency: CNY, timezone: Asia/Shanghai, locale: en, notice_days: 30}
tiers:
  window: calendar_year
  ladder:
    - {id: basic}
    - {id: silver, qualify: {spend: 2000}}
versions:
  - effective_from: 2027-01-01
    announced: 2026-12-20
    tiers:
      window: calendar_year
      ladder:
        - {id: basic}
        - {id: silver, qualify: {spend: SPEND}}
"""


def test_a_higher_tier_threshold_needs_notice() -> None:
    """Raising silver's spend threshold eleven days ahead is flagged; lowering it is not."""
    (issue,) = memberkit.validate_policy(TIERED.replace("SPEND", "3000"), source="t.yaml")
    assert "tiers.ladder[1].qualify.spend goes from 2000 to 3000" in issue.message
    assert memberkit.validate_policy(TIERED.replace("SPEND", "1000"), source="t.yaml") == []


def test_a_tier_decision_uses_the_version_in_force() -> None:
    """2,500 spent makes silver under the first edition but not under the stricter second one."""
    text = TIERED.replace("SPEND", "3000").replace("2026-12-20", "2026-11-01")
    policy = memberkit.parse_policy(text, source="t.yaml")
    from tests.builders import purchase

    early = memberkit.replay(
        policy, member(), [purchase("o1", at(2026, 3, 1), ("l1", "x", "2500"))]
    )
    late = memberkit.replay(policy, member(), [purchase("o1", at(2027, 3, 1), ("l1", "x", "2500"))])
    assert (
        memberkit.tiers.tier_of(policy, early, at(2026, 3, 2)).tier,
        memberkit.tiers.tier_of(policy, late, at(2027, 3, 2)).tier,
    ) == ("silver", "basic")


def test_a_quoted_effective_date_is_a_local_date() -> None:
    """effective_from: "2027-01-01" (quoted) is local midnight, as the bare date is, not a crash."""
    text = (
        "memberkit: 1\nprogram: {id: p, currency: CNY, timezone: Asia/Shanghai}\n"
        "versions:\n"
        '  - {effective_from: "2027-01-01T00:00:00+00:00", announced: 2026-01-01}\n'
        '  - {effective_from: "2028-01-01", announced: 2026-01-01}\n'
    )
    policy = memberkit.parse_policy(text)
    assert len(policy.versions) == 3
