"""A benefit window of N days starting on the birthday, N set by tier (3 days silver, 14 gold)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.benefits.builders import benefits_policy, codes, findings, member, section, use, used
from tests.builders import at

import memberkit
from memberkit.benefits import check_benefit

TREAT = (
    "- id: treat\n"
    "  name: {zh_Hans: 生日礼遇, en: Birthday treat}\n"
    "  birthday_days: {by_tier: {silver: 3, gold: 14}}\n"
    "  quota: {count: 1, per: year}\n"
)
MARCH_15 = date(1990, 3, 15)


@pytest.mark.parametrize(
    ("tier", "birthday", "day", "allowed"),
    [
        ("silver", MARCH_15, date(2026, 3, 14), False),
        ("silver", MARCH_15, date(2026, 3, 15), True),
        ("silver", MARCH_15, date(2026, 3, 17), True),  # 15, 16, 17: three days
        ("silver", MARCH_15, date(2026, 3, 18), False),
        ("gold", MARCH_15, date(2026, 3, 28), True),  # 15 to 28: fourteen days
        ("gold", MARCH_15, date(2026, 3, 29), False),
        # A 30 December birthday's gold window runs to 12 January of the next year.
        ("gold", date(1990, 12, 30), date(2027, 1, 12), True),
        ("gold", date(1990, 12, 30), date(2027, 1, 13), False),
        # 29 February in a common year starts on 28 February (program.leap_birthday: feb28).
        ("silver", date(1992, 2, 29), date(2027, 3, 2), True),
        ("silver", date(1992, 2, 29), date(2027, 3, 3), False),
    ],
)
def test_the_window_opens_on_the_birthday_for_the_tiers_days(
    tier: str, birthday: date, day: date, allowed: bool
) -> None:
    """The benefit applies from the birthday for the days of the member's tier, then closes."""
    policy = benefits_policy(TREAT)
    state = member(tier, birthday=birthday)
    decision = check_benefit(policy, state, "treat", at(day.year, day.month, day.day))
    assert decision.allowed is allowed


def test_a_leap_birthday_follows_the_programme_rule() -> None:
    """Under leap_birthday: mar1 the silver window of a 29 Feb birthday is 1 to 3 March."""
    policy = benefits_policy(TREAT, leap_birthday="mar1")
    state = member("silver", birthday=date(1992, 2, 29))
    assert not check_benefit(policy, state, "treat", at(2027, 2, 28)).allowed
    assert check_benefit(policy, state, "treat", at(2027, 3, 3)).allowed


def test_outside_the_window_the_refusal_names_the_next_one() -> None:
    """On 18 March a silver member is told the window is 15 to 17 March of the next year."""
    policy = benefits_policy(TREAT)
    decision = check_benefit(policy, member("silver", birthday=MARCH_15), "treat", at(2026, 3, 18))
    assert codes(decision.reasons) == ["benefit.outside_birthday_window"]
    assert decision.explain("en") == (
        "Birthday treat is for the 3 days from the birthday: Mar 15, 2027 to Mar 17, 2027."
    )
    assert (
        decision.explain("zh_Hans") == "生日礼遇限生日起 3 天内使用：2027年3月15日至2027年3月17日。"
    )
    assert (
        decision.explain("zh_Hant") == "生日礼遇限生日起 3 天內使用：2027年3月15日至2027年3月17日。"
    )


def test_inside_the_window_the_answer_says_which() -> None:
    """On 20 March a gold member is inside the 14-day window, and the answer says so."""
    policy = benefits_policy(TREAT)
    decision = check_benefit(policy, member("gold", birthday=MARCH_15), "treat", at(2026, 3, 20))
    assert codes(decision.reasons)[:2] == ["benefit.allowed", "benefit.in_birthday_window"]
    assert decision.reasons[1].params["end"] == date(2026, 3, 28)


def test_a_tier_without_days_does_not_have_the_benefit() -> None:
    """A basic member has no window, so no benefit: refused for the tier, not the date."""
    policy = benefits_policy(TREAT)
    decision = check_benefit(policy, member("basic", birthday=MARCH_15), "treat", at(2026, 3, 15))
    assert codes(decision.reasons) == ["benefit.not_in_tier"]
    assert decision.reasons[0].path == "benefits[0].birthday_days"


def test_without_a_birthday_on_file_the_benefit_is_refused() -> None:
    """A member who gave no birthday is told the benefit needs one."""
    policy = benefits_policy(TREAT)
    decision = check_benefit(policy, member("gold"), "treat", at(2026, 3, 15))
    assert codes(decision.reasons) == ["benefit.no_birthday"]


def test_one_use_in_the_window_spends_the_yearly_quota() -> None:
    """Used on the birthday, the treat is refused the next day for its quota, not its window."""
    policy = benefits_policy(TREAT)
    state = used(policy, member("gold", birthday=MARCH_15), use("u1", at(2026, 3, 15), "treat"))
    _, outcome = memberkit.apply(policy, state, use("u2", at(2026, 3, 16), "treat"))
    assert codes(outcome.reasons) == ["benefit.quota_used"]


def test_a_plain_number_is_the_same_window_for_everyone() -> None:
    """birthday_days: 7 gives every member the seven days from the birthday."""
    policy = benefits_policy("- {id: cake, birthday_days: 7}\n")
    state = member(birthday=MARCH_15)
    assert check_benefit(policy, state, "cake", at(2026, 3, 21)).allowed
    assert not check_benefit(policy, state, "cake", at(2026, 3, 22)).allowed


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        ("- {id: t, birthday_days: {by_tier: {gld: 3}}}\n", "unknown_tier", "gld"),
        (
            "- {id: t, tiers: [silver, gold], birthday_days: {by_tier: {gold: 14}}}\n",
            "missing_value",
            "tiers",
        ),
        (
            "- {id: t, tiers: [gold], birthday_days: {by_tier: {silver: 3, gold: 14}}}\n",
            "tier_not_granted",
            "silver",
        ),
    ],
)
def test_a_window_naming_tiers_wrongly_is_a_finding(body: str, code: str, path: str) -> None:
    """Unknown tiers, tiers without days and days for tiers without the benefit are refused."""
    (finding,) = findings(body)
    assert finding.code == code
    assert path in finding.path


@pytest.mark.parametrize("days", ["0", "367", "{}"])
def test_a_window_of_no_days_is_refused(days: str) -> None:
    """A window needs between 1 and 366 days, given as a number or by tier."""
    with pytest.raises(ValueError, match="birthday_days"):
        section(f"- {{id: t, birthday_days: {days}}}\n")


def test_the_window_query_finds_the_tiers_days() -> None:
    """Asked on 1 March, a gold member's treat opens on 15 March and closes on 28 March."""
    from memberkit.benefits import benefit_window

    policy = benefits_policy(TREAT)
    window = benefit_window(policy, member("gold", birthday=MARCH_15), "treat", at(2026, 3, 1))
    assert (window.opens, window.closes) == (date(2026, 3, 15), date(2026, 3, 28))
