"""Using a benefit: a BenefitUse event applied to the member state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.benefits.builders import benefits_policy, codes, member, use, used
from tests.builders import SHANGHAI, at

import memberkit
from memberkit import EventError
from memberkit._paths import format_path
from memberkit._state import state_from_json, state_to_json
from memberkit.benefits import BenefitUseRecord, check_benefit

POLICY = benefits_policy(
    """
- id: birthday-gift
  name: {zh_Hans: 生日礼, en: Birthday gift}
  tiers: [silver, gold, platinum]
  when: {birthday: month}
  quota: {count: 1, per: year}
- id: birthday-cake
  when: {birthday: day}
- id: birthday-week
  when: {birthday: week}
- id: monthly-gift
  quota: {count: 1, per: month}
- id: weekly-gift
  quota: {count: 1, per: week}
- id: daily-gift
  quota: {count: 1, per: day}
- id: anniversary-gift
  quota: {count: 1, per: membership_year}
- id: coupon-credit
  quota: {value: 50, per: month}
- id: lounge
  tiers: [platinum]
  quota: {count: 2, per: year, carry_over: 1}
"""
)


def apply(
    state: memberkit.MemberState, event: memberkit.Event
) -> tuple[memberkit.MemberState, memberkit.Outcome]:
    return memberkit.apply(POLICY, state, event)


# --- accepting and refusing ---------------------------------------------------------------------


def test_an_accepted_use_is_recorded_and_says_what_is_left() -> None:
    """The use is stored and the outcome reports the count left after it."""
    state, outcome = apply(member(), use("u1", at(2026, 3, 1), "monthly-gift"))
    assert state.benefits.uses == (BenefitUseRecord("u1", "monthly-gift", at(2026, 3, 1)),)
    assert codes(outcome.reasons) == ["benefit.used", "benefit.uses_left"]
    assert outcome.reasons[1].params["remaining"] == 0


def test_a_use_over_quota_is_refused_and_leaves_the_state_unchanged() -> None:
    """A second monthly gift in March is refused with the quota reason; the state is as before."""
    state = used(POLICY, member(), use("u1", at(2026, 3, 1), "monthly-gift"))
    after, outcome = apply(state, use("u2", at(2026, 3, 31, 23, 59), "monthly-gift"))
    assert outcome.refused
    assert codes(outcome.reasons) == ["benefit.quota_used"]
    assert after is state


def test_a_refused_use_may_be_retried_once_entitled() -> None:
    """The refused event id was not recorded, so the same request succeeds next month."""
    state = used(POLICY, member(), use("u1", at(2026, 3, 1), "monthly-gift"))
    state, _ = apply(state, use("u2", at(2026, 3, 2), "monthly-gift"))
    _, outcome = apply(state, use("u2", at(2026, 4, 1), "monthly-gift"))
    assert outcome.accepted


def test_a_use_outside_the_tier_is_refused() -> None:
    """Only platinum members may use the lounge."""
    _, outcome = apply(member("gold"), use("u1", at(2026, 3, 1), "lounge"))
    assert codes(outcome.reasons) == ["benefit.not_in_tier"]


def test_applying_the_same_use_twice_changes_nothing() -> None:
    """A repeated use event is a duplicate and does not take a second use."""
    event = use("u1", at(2026, 3, 1), "monthly-gift")
    state = used(POLICY, member(), event)
    again, outcome = apply(state, event)
    assert outcome.duplicate
    assert again.benefits.uses == state.benefits.uses


def test_an_unknown_benefit_is_an_event_error_with_a_suggestion() -> None:
    """A misspelt benefit id in a use names the benefit it probably meant."""
    with pytest.raises(EventError, match="did you mean 'monthly-gift'") as info:
        apply(member(), use("u1", at(2026, 3, 1), "montly-gift"))
    assert (info.value.field, info.value.code) == ("benefit", "unknown_benefit")


def test_a_value_capped_use_needs_a_value() -> None:
    """Using a money-capped benefit without saying how much is a malformed request."""
    with pytest.raises(EventError, match="capped by value"):
        apply(member(), use("u1", at(2026, 3, 1), "coupon-credit"))


def test_a_value_finer_than_the_currency_is_an_error() -> None:
    """A use of 10.005 CNY cannot be taken from a cap kept in fen."""
    with pytest.raises(EventError, match="decimals"):
        apply(member(), use("u1", at(2026, 3, 1), "coupon-credit", value="10.005"))


def test_a_value_use_larger_than_what_is_left_is_refused() -> None:
    """With 20 of 50 left, a use of 30 is refused saying both amounts."""
    state = used(POLICY, member(), use("u1", at(2026, 3, 1), "coupon-credit", value="30"))
    _, outcome = apply(state, use("u2", at(2026, 3, 2), "coupon-credit", value="30"))
    (reason,) = outcome.reasons
    assert reason.code == "benefit.value_exceeded"
    assert reason.params["requested"] == memberkit.Money(Decimal(30), "CNY")
    assert reason.params["remaining"] == memberkit.Money(Decimal(20), "CNY")


def test_value_uses_add_up_to_the_cap_exactly() -> None:
    """Uses of 30 and 20 spend a cap of 50 to the fen."""
    state = used(
        POLICY,
        member(),
        use("u1", at(2026, 3, 1), "coupon-credit", value="30"),
        use("u2", at(2026, 3, 2), "coupon-credit", value="20.00"),
    )
    assert check_benefit(POLICY, state, "coupon-credit", at(2026, 3, 3)).remaining == Decimal(0)


# --- period boundaries in the programme's timezone ------------------------------------------------

JOINED = at(2025, 3, 10, 15)


@pytest.mark.parametrize(
    ("benefit", "last", "first"),
    [
        ("monthly-gift", at(2026, 1, 31, 23, 59), at(2026, 2, 1, 0, 1)),
        ("monthly-gift", at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 1)),
        ("weekly-gift", at(2026, 3, 15, 23, 59), at(2026, 3, 16, 0, 1)),  # Sunday → Monday
        ("daily-gift", at(2026, 3, 15, 23, 59), at(2026, 3, 16, 0, 1)),
        ("anniversary-gift", at(2026, 3, 9, 23, 59), at(2026, 3, 10, 0, 1)),
    ],
)
def test_a_quota_renews_at_local_midnight(benefit: str, last: datetime, first: datetime) -> None:
    """A use at 23:59 on a period's last day does not block one at 00:01 on the next first day."""
    state = used(POLICY, member(joined=JOINED), use("u1", last, benefit))
    _, outcome = apply(state, use("u2", first, benefit))
    assert outcome.accepted


@pytest.mark.parametrize(
    ("benefit", "first", "second"),
    [
        ("monthly-gift", at(2026, 2, 1, 0, 1), at(2026, 2, 28, 23, 59)),
        ("weekly-gift", at(2026, 3, 16, 0, 1), at(2026, 3, 22, 23, 59)),
        ("anniversary-gift", at(2026, 3, 10, 0, 1), at(2027, 3, 9, 23, 59)),
    ],
)
def test_a_quota_holds_until_the_period_ends(
    benefit: str, first: datetime, second: datetime
) -> None:
    """Two uses inside one period, at its first and last minutes, exceed a quota of one."""
    state = used(POLICY, member(joined=JOINED), use("u1", first, benefit))
    _, outcome = apply(state, use("u2", second, benefit))
    assert outcome.refused


def test_the_month_boundary_is_shanghai_midnight_not_utc() -> None:
    """16:01 UTC on 31 Jan is 00:01 on 1 Feb in Shanghai, so the February gift is available."""
    state = used(
        POLICY, member(), use("u1", datetime(2026, 1, 31, 15, 59, tzinfo=UTC), "monthly-gift")
    )
    _, outcome = apply(state, use("u2", datetime(2026, 1, 31, 16, 1, tzinfo=UTC), "monthly-gift"))
    assert outcome.accepted


def test_the_reset_date_is_the_next_local_first_of_month() -> None:
    """A refusal at 23:59 on 31 Jan says the gift renews on 1 Feb."""
    state = used(POLICY, member(), use("u1", at(2026, 1, 5), "monthly-gift"))
    _, outcome = apply(state, use("u2", at(2026, 1, 31, 23, 59), "monthly-gift"))
    assert outcome.reasons[0].params["resets"] == date(2026, 2, 1)


# --- birthdays ----------------------------------------------------------------------------------


def test_the_birthday_gift_is_allowed_in_the_birthday_month_once_a_year() -> None:
    """A gold member born in March gets one gift in March, then is refused until next year."""
    state = used(
        POLICY,
        member("gold", birthday=date(1990, 3, 20)),
        use("u1", at(2026, 3, 2), "birthday-gift"),
    )
    _, outcome = apply(state, use("u2", at(2026, 3, 30), "birthday-gift"))
    assert codes(outcome.reasons) == ["benefit.quota_used"]
    assert outcome.reasons[0].params["resets"] == date(2027, 1, 1)


def test_the_birthday_gift_is_refused_outside_the_birthday_month() -> None:
    """In April the month condition fails and the reason names the birthday clause."""
    decision = check_benefit(
        POLICY, member("gold", birthday=date(1990, 3, 20)), "birthday-gift", at(2026, 4, 1)
    )
    (reason,) = decision.reasons
    assert (reason.code, reason.path) == ("benefit.condition_failed", "benefits[0].when.birthday")


def test_a_birthday_set_after_joining_opens_the_gift() -> None:
    """A member without a birthday is refused; after a profile update in their month, allowed."""
    state = member("gold")
    assert not check_benefit(POLICY, state, "birthday-gift", at(2026, 3, 1)).allowed
    profile = memberkit.parse_event(
        {"type": "profile", "id": "p1", "at": at(2026, 3, 1), "birthday": "1990-03-20"}
    )
    state, _ = apply(state, profile)
    _, outcome = apply(state, use("u1", at(2026, 3, 2), "birthday-gift"))
    assert outcome.accepted


@pytest.mark.parametrize(
    ("rule", "day", "allowed"),
    [
        ("feb28", at(2027, 2, 28), True),
        ("feb28", at(2027, 3, 1), False),
        ("mar1", at(2027, 2, 28), False),
        ("mar1", at(2027, 3, 1), True),
        ("feb28", at(2028, 2, 29), True),
        ("mar1", at(2028, 2, 29), True),
        ("feb28", at(2028, 2, 28), False),
        ("mar1", at(2028, 3, 1), False),
    ],
)
def test_a_29_february_birthday_follows_the_programme_rule(
    rule: str, day: datetime, allowed: bool
) -> None:
    """A leap-day birthday falls per the policy rule in common years and on 29 Feb in leap years."""
    policy = benefits_policy("- {id: cake, when: {birthday: day}}", leap_birthday=rule)  # type: ignore[arg-type]
    state = member(birthday=date(2000, 2, 29))
    assert check_benefit(policy, state, "cake", day).allowed is allowed


def test_a_29_february_birthday_month_is_march_under_the_mar1_rule() -> None:
    """Under mar1, a leap-day member's birthday month in a common year is March."""
    policy = benefits_policy("- {id: gift, when: {birthday: month}}", leap_birthday="mar1")
    state = member(birthday=date(2000, 2, 29))
    assert not check_benefit(policy, state, "gift", at(2027, 2, 10)).allowed
    assert check_benefit(policy, state, "gift", at(2027, 3, 10)).allowed


def test_the_birthday_week_runs_monday_to_sunday() -> None:
    """A Wednesday birthday opens the week from the Monday before to the Sunday after."""
    state = member(birthday=date(1990, 3, 18))  # 18 Mar 2026 is a Wednesday
    allowed = [
        check_benefit(POLICY, state, "birthday-week", at(2026, 3, d)).allowed for d in range(15, 24)
    ]
    assert allowed == [False, True, True, True, True, True, True, True, False]


# --- serialisation and replay -------------------------------------------------------------------


def test_a_state_with_benefit_uses_survives_a_json_round_trip() -> None:
    """Uses, including value uses, come back identical from JSON."""
    state = used(
        POLICY,
        member("platinum"),
        use("u1", at(2026, 3, 1), "coupon-credit", value="12.50"),
        use("u2", at(2026, 3, 2), "lounge"),
    )
    back = state_from_json(state_to_json(state))
    assert back == state
    assert back.benefits.uses[0].value == Decimal("12.50")


_KINDS = ("monthly-gift", "weekly-gift", "daily-gift", "coupon-credit", "lounge", "birthday-gift")


@st.composite
def _uses(draw: st.DrawFn) -> list[memberkit.BenefitUse]:
    start = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    offsets = draw(st.lists(st.integers(0, 60 * 24 * 500), min_size=1, max_size=25))
    events = []
    for i, minutes in enumerate(sorted(offsets)):
        benefit = draw(st.sampled_from(_KINDS))
        value = str(draw(st.integers(1, 40))) if benefit == "coupon-credit" else None
        events.append(
            use(
                f"e{i}",
                start + timedelta(minutes=minutes),
                benefit,
                **({"value": value} if value else {}),
            )
        )
    return events


@given(_uses())
def test_replay_equals_applying_step_by_step(events: list[memberkit.BenefitUse]) -> None:
    """Replaying a history gives the state that applying its events one by one gives."""
    start = member("platinum", birthday=date(1990, 6, 1), joined=at(2025, 12, 1))
    stepped = start
    for event in events:
        stepped, _ = memberkit.apply(POLICY, stepped, event)
    assert memberkit.replay(POLICY, start, events) == stepped


@given(_uses())
def test_accepted_uses_never_exceed_a_quota(events: list[memberkit.BenefitUse]) -> None:
    """However uses arrive, no month holds more than one monthly gift or more than 50 of credit."""
    state = member("platinum", joined=at(2025, 12, 1))
    for event in events:
        state, _ = memberkit.apply(POLICY, state, event)
    per_month: dict[tuple[str, int, int], Decimal] = {}
    for record in state.benefits.uses:
        local = record.at.astimezone(SHANGHAI)
        key = (record.benefit, local.year, local.month)
        per_month[key] = per_month.get(key, Decimal(0)) + (record.value or Decimal(1))
    assert all(total <= 1 for (b, _, _), total in per_month.items() if b == "monthly-gift")
    assert all(total <= 50 for (b, _, _), total in per_month.items() if b == "coupon-credit")


PER_STAY = benefits_policy(
    """
- id: welcome-gift
  tiers: [gold, platinum]
  quota: {count: 1, per: lifetime, each: attr.stay}
"""
)


def test_a_quota_for_each_stay_counts_each_stay_apart() -> None:
    """One gift per stay: a second on the same stay is refused, the first on another accepted."""
    state = used(
        PER_STAY,
        member("gold"),
        use("g1", at(2026, 3, 1), "welcome-gift", attributes={"stay": "R1"}),
    )
    _, again = memberkit.apply(
        PER_STAY, state, use("g2", at(2026, 3, 2), "welcome-gift", attributes={"stay": "R1"})
    )
    _, other = memberkit.apply(
        PER_STAY, state, use("g3", at(2026, 3, 2), "welcome-gift", attributes={"stay": "R2"})
    )
    assert (again.refused, other.accepted) == (True, True)


def test_a_use_of_a_per_stay_quota_without_the_stay_is_an_event_error() -> None:
    """The use must say which stay it is for."""
    with pytest.raises(EventError) as caught:
        memberkit.apply(PER_STAY, member("gold"), use("g1", at(2026, 3, 1), "welcome-gift"))
    assert caught.value.code == "missing_attribute"


def test_the_stay_a_use_was_for_survives_the_json_round_trip() -> None:
    """The recorded key comes back from JSON, so the stay stays used."""
    state = used(
        PER_STAY,
        member("gold"),
        use("g1", at(2026, 3, 1), "welcome-gift", attributes={"stay": "R1"}),
    )
    back = state_from_json(state_to_json(state))
    assert back.benefits.uses[0].keys == (("stay", "R1"),)
    decision = check_benefit(PER_STAY, back, "welcome-gift", at(2026, 3, 5), {"attr.stay": "R1"})
    assert not decision.allowed


BY_TIER = benefits_policy(
    """
- id: lounge
  tiers: [gold, platinum]
  quota: {count: 2, per: year, by_tier: {platinum: 4}}
"""
)


@pytest.mark.parametrize(("tier", "limit"), [("gold", 2), ("platinum", 4)])
def test_a_quota_by_tier_gives_each_tier_its_uses(tier: str, limit: int) -> None:
    """Platinum has the four uses by_tier lists; gold, not listed, the count of two."""
    decision = check_benefit(BY_TIER, member(tier), "lounge", at(2026, 3, 1))
    assert [q.limit for q in decision.quotas] == [limit]


def test_a_quota_by_tier_names_known_tiers() -> None:
    """An unknown tier in by_tier is reported at its path."""
    from tests.benefits.builders import findings

    found = findings("- {id: lounge, quota: {count: 2, per: year, by_tier: {platinnum: 4}}}")
    assert [format_path(f.path) for f in found] == ["benefits[0].quota.by_tier.platinnum"]
