"""Expiry: fixed dates, rolling months to month end, inactivity, protected tiers, extensions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from tests.builders import activity, at, purchase
from tests.points.builders import applied, event, member, points_policy, total

import memberkit
from memberkit.tiers._state import TierChange, TierState

BASE = "earn:\n  - {id: base, per: 1 CNY, points: 1}\n"


@pytest.mark.parametrize(
    ("earned", "last_day"),
    [
        (at(2026, 1, 1, 0, 0), date(2027, 12, 31)),
        (at(2026, 12, 31, 23, 59), date(2027, 12, 31)),
        (at(2027, 1, 1, 0, 1), date(2028, 12, 31)),
    ],
)
def test_fixed_date_expiry_at_a_year_boundary(earned: datetime, last_day: date) -> None:
    """Points earned in year Y (Shanghai time) are valid until 31 Dec of Y+1."""
    policy = points_policy(BASE + 'expiry: {fixed: "12-31", years_after_earning: 1}\n')
    state = applied(policy, member(), purchase("o1", earned))
    assert memberkit.balance(policy, state, earned).schedule == ((last_day, 100),)


def test_fixed_date_points_expire_at_local_midnight() -> None:
    """At 23:59 on 31 Dec of Y+1 the points are still there; at 00:00 on 1 Jan they are gone."""
    policy = points_policy(BASE + 'expiry: {fixed: "12-31", years_after_earning: 1}\n')
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1)))
    assert memberkit.balance(policy, state, at(2027, 12, 31, 23, 59)).available == 100
    assert memberkit.balance(policy, state, at(2028, 1, 1, 0, 0)).available == 0


@pytest.mark.parametrize(
    ("earned", "months", "last_day"),
    [
        (at(2027, 1, 31), 1, date(2027, 2, 28)),
        (at(2028, 1, 31), 1, date(2028, 2, 29)),
        (at(2028, 2, 29), 12, date(2029, 2, 28)),
        (at(2028, 2, 29), 1, date(2028, 3, 31)),
        (at(2027, 1, 15), 1, date(2027, 2, 28)),
    ],
)
def test_month_end_expiry_from_31_jan_and_29_feb(
    earned: datetime, months: int, last_day: date
) -> None:
    """Rolling expiry rounded to month end lands on the last day of the target month."""
    policy = points_policy(BASE + f"expiry: {{rolling_months: {months}, round_to: month_end}}\n")
    state = applied(policy, member(), purchase("o1", earned))
    assert memberkit.balance(policy, state, earned).schedule == ((last_day, 100),)


def test_rolling_expiry_without_rounding_keeps_the_day() -> None:
    """31 Jan plus one month is 28 Feb (dateutil month arithmetic)."""
    policy = points_policy(BASE + "expiry: {rolling_months: 1}\n")
    state = applied(policy, member(), purchase("o1", at(2027, 1, 31)))
    assert memberkit.balance(policy, state, at(2027, 2, 1)).schedule == ((date(2027, 2, 28), 100),)


def test_quarter_end_rounding() -> None:
    """Rolling 1 month from 10 Jan rounded to quarter end lands on 31 Mar."""
    policy = points_policy(BASE + "expiry: {rolling_months: 1, round_to: quarter_end}\n")
    state = applied(policy, member(), purchase("o1", at(2027, 1, 10)))
    assert memberkit.balance(policy, state, at(2027, 1, 10)).schedule == ((date(2027, 3, 31), 100),)


def test_expiry_is_journaled_when_time_passes() -> None:
    """Advancing past the expiry date writes an expire entry and leaves nothing available."""
    policy = points_policy(BASE + "expiry: {rolling_months: 1}\n")
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1)))
    state, reasons = memberkit.advance(policy, state, at(2026, 5, 1))
    assert [(e.kind, e.points) for e in state.points.journal] == [("earn", 100), ("expire", -100)]
    assert [r.code for r in reasons] == ["points.expired"]


def test_inactivity_expiry_and_reset() -> None:
    """All points expire after 6 months without a purchase; a purchase in between resets the clock."""
    policy = points_policy(BASE + "expiry: {inactivity_months: 6}\n")
    idle = applied(policy, member(), purchase("o1", at(2026, 1, 10)))
    assert memberkit.balance(policy, idle, at(2026, 7, 11)).available == 0
    busy = applied(policy, idle, purchase("o2", at(2026, 6, 1)))
    assert memberkit.balance(policy, busy, at(2026, 7, 11)).available == 200
    assert memberkit.balance(policy, busy, at(2026, 12, 2)).available == 0


def test_inactivity_counts_the_stated_activities() -> None:
    """A check-in resets the clock when the policy says check-ins count as activity."""
    policy = points_policy(BASE + "expiry: {inactivity_months: 6, activity: [purchase, checkin]}\n")
    state = applied(
        policy, member(), purchase("o1", at(2026, 1, 10)), activity("c1", at(2026, 6, 1), "checkin")
    )
    assert memberkit.balance(policy, state, at(2026, 7, 11)).available == 100


def test_no_expiry_while_a_protected_tier_is_held() -> None:
    """Platinum members keep points past their date; they expire when platinum ends."""
    policy = points_policy(BASE + "expiry: {rolling_months: 1, never_while_tier: [platinum]}\n")
    state = member("platinum")
    state = applied(policy, state, purchase("o1", at(2026, 3, 1)))
    assert memberkit.balance(policy, state, at(2026, 6, 1)).available == 100
    lapsed = state.evolve(
        tiers=TierState((*state.tiers.history, TierChange(at(2026, 7, 1), "gold", "downgrade")))
    )
    assert memberkit.balance(policy, lapsed, at(2026, 7, 2)).available == 0


def test_expiring_lists_what_expires_within_the_window() -> None:
    """expiring() lists points whose last day falls in the window, with a reminder text."""
    policy = points_policy(BASE + 'expiry: {fixed: "12-31", years_after_earning: 1}\n')
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "1200")))
    soon = memberkit.expiring(policy, state, at(2027, 12, 1), 31)
    later = memberkit.expiring(policy, state, at(2027, 11, 1), 29)
    assert (soon.points, soon.items) == (1200, ((date(2027, 12, 31), 1200),))
    assert later.points == 0
    assert soon.explain("zh_Hans") == "1,200 积分有效期至 2027年12月31日，之后过期"


def test_expiry_extension_on_upgrade() -> None:
    """An upgrade pushes the expiry of held points back by the stated months."""
    from memberkit._context import ApplyContext
    from memberkit.points._engine import on_tier_change

    policy = points_policy(BASE + "expiry: {rolling_months: 1, extend_on_upgrade_months: 3}\n")
    state = applied(policy, member(), purchase("o1", at(2026, 3, 1)))
    upgrade = event("adjustment", "x", at(2026, 3, 5), points=1, reason="probe")
    ctx = ApplyContext(policy.versions[0], upgrade, at(2026, 3, 5), state)
    moved, reasons = on_tier_change(ctx, state, "basic", "gold")
    assert memberkit.balance(policy, moved, at(2026, 3, 5)).schedule == ((date(2026, 7, 1), 100),)
    assert [r.code for r in reasons] == ["points.expiry_extended"]


def test_upgrade_bonus() -> None:
    """Reaching gold earns the upgrade bonus once; a downgrade earns nothing."""
    from memberkit._context import ApplyContext
    from memberkit.points._engine import on_tier_change

    policy = points_policy(
        "earn:\n  - {id: welcome-gold, on: tier_upgrade, when: {tier: gold}, points: 1000}\n"
    )
    state = member()
    probe = event("adjustment", "u1", at(2026, 3, 5), points=1, reason="probe")
    ctx = ApplyContext(policy.versions[0], probe, at(2026, 3, 5), state)
    up, _ = on_tier_change(ctx, state, "silver", "gold")
    down, _ = on_tier_change(ctx, state, "platinum", "gold")
    assert (total(up), total(down)) == (1000, 0)


def _loaded(points: str) -> memberkit.Policy:
    """A whole policy with this points section, through the loader."""
    head = "memberkit: 1\nprogram: {id: p, currency: CNY, timezone: Asia/Shanghai}\npoints:\n"
    return memberkit.parse_policy(head + "".join(f"  {line}\n" for line in points.splitlines()))


def test_a_redemption_resets_inactivity_when_listed() -> None:
    """With activity: [purchase, redemption], spending points keeps the rest from expiring."""
    body = (
        BASE
        + "pending: immediate\nredeem: {points_per_unit: 100}\n"
        + "expiry: {inactivity_months: 6, activity: [purchase, redemption]}\n"
    )
    policy = points_policy(body)
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 1, 10), ("l1", "general", "500")),
        event("redemption", "r1", at(2026, 6, 1), points=100),
    )
    assert memberkit.balance(policy, state, at(2026, 7, 11)).available == 400
    assert memberkit.balance(policy, state, at(2026, 12, 2)).available == 0


def test_a_redemption_does_not_reset_inactivity_unless_listed() -> None:
    """With the default activity (purchase), a redemption leaves the clock where it was."""
    policy = points_policy(
        BASE
        + "pending: immediate\nredeem: {points_per_unit: 100}\nexpiry: {inactivity_months: 6}\n"
    )
    state = applied(
        policy,
        member(),
        purchase("o1", at(2026, 1, 10), ("l1", "general", "500")),
        event("redemption", "r1", at(2026, 6, 1), points=100),
    )
    assert memberkit.balance(policy, state, at(2026, 7, 11)).available == 0


@pytest.mark.parametrize("fixed", ["02-29", "02-30", "02-31", "04-31", "13-01", "00-10", "12-00"])
def test_a_fixed_day_not_in_every_year_is_refused_at_load(fixed: str) -> None:
    """expiry.fixed must be a day every year has; the issue points at the value."""
    with pytest.raises(memberkit.PolicyError) as caught:
        _loaded(BASE + f'expiry: {{fixed: "{fixed}"}}\n')
    (issue,) = caught.value.issues
    assert issue.path == "points.expiry.fixed"
    assert "is not a day every year has" in issue.message


@pytest.mark.parametrize(
    ("expiry", "key"),
    [
        ("{inactivity_months: 12, round_to: month_end}", "round_to"),
        ('{fixed: "12-31", round_to: quarter_end}', "round_to"),
        ("{rolling_months: 12, years_after_earning: 2}", "years_after_earning"),
        ("{rolling_months: 12, activity: [purchase]}", "activity"),
    ],
)
def test_an_expiry_key_without_effect_is_refused(expiry: str, key: str) -> None:
    """A key the chosen expiry style ignores is refused at that key, saying to remove it."""
    with pytest.raises(memberkit.PolicyError) as caught:
        _loaded(BASE + f"expiry: {expiry}\n")
    (issue,) = caught.value.issues
    assert issue.path == f"points.expiry.{key}"
    assert "remove it" in issue.message
    assert issue.code == "no_effect"


@pytest.mark.parametrize(
    ("word", "says"),
    [
        ("purchse", "did you mean 'purchase'?"),
        ("refund", "does not count as activity"),
        ("transfer", "does not count as activity"),
        ("opening", "does not count as activity"),
        ("flag", "does not count as activity"),
        ("check in", "should match pattern"),
    ],
)
def test_an_activity_that_cannot_reset_inactivity_is_refused(word: str, says: str) -> None:
    """expiry.activity lists purchase, redemption or activity kinds; a typo or refund is refused."""
    with pytest.raises(memberkit.PolicyError) as caught:
        _loaded(BASE + f"expiry: {{inactivity_months: 6, activity: [purchase, '{word}']}}\n")
    (issue,) = caught.value.issues
    assert issue.path == "points.expiry.activity[1]"
    assert says in issue.message


def test_a_custom_activity_kind_near_purchase_is_its_own_kind() -> None:
    """purchase_online is an activity kind of its own, not a misspelt purchase."""
    assert _loaded(BASE + "expiry: {inactivity_months: 6, activity: [purchase_online]}\n")


@pytest.mark.parametrize(
    "key",
    [
        "extend_on_upgrade_months: 6",
        "extensions: [{id: c, expiring_from: 2026-01-01, expiring_to: 2026-06-30, months: 3}]",
        "paid_extension: {max_months: 12}",
    ],
)
def test_an_extension_is_refused_with_inactivity_expiry(key: str) -> None:
    """Extensions move last valid days, which points under inactivity expiry do not have."""
    with pytest.raises(memberkit.PolicyError) as caught:
        _loaded(BASE + f"expiry: {{inactivity_months: 12, {key}}}\n")
    (issue,) = caught.value.issues
    assert issue.path == f"points.expiry.{key.split(':')[0]}"
    assert issue.code == "no_effect"


def test_pending_days_and_until_together_are_refused() -> None:
    """pending: {days: 3, until: delivered} would ignore the days; it is refused."""
    with pytest.raises(memberkit.PolicyError, match="not both"):
        _loaded(BASE + "pending: {days: 3, until: delivered}\n")


def test_a_misspelt_purchase_in_on_is_refused() -> None:
    """on: purchse would earn on an activity nobody sends; it is refused with a suggestion."""
    with pytest.raises(memberkit.PolicyError, match="did you mean 'purchase'"):
        _loaded("earn:\n  - {id: base, on: purchse, points: 1}\n")


@pytest.mark.parametrize(
    ("last_day", "expected"),
    [("anniversary", date(2027, 3, 15)), ("day_before", date(2027, 3, 14))],
)
def test_rolling_expiry_ends_on_the_anniversary_or_the_day_before(
    last_day: str, expected: date
) -> None:
    """Earned 15 Mar 2026, 12 months: valid through 15 Mar 2027, or through 14 Mar as stated."""
    policy = points_policy(BASE + f"expiry: {{rolling_months: 12, last_day: {last_day}}}\n")
    state = applied(policy, member(), purchase("o1", at(2026, 3, 15)))
    assert memberkit.balance(policy, state, at(2026, 3, 16)).schedule == ((expected, 100),)


def test_last_day_without_rolling_months_is_refused() -> None:
    """last_day has nothing to move with fixed expiry."""
    with pytest.raises(Exception, match="'last_day' applies to rolling_months only"):
        points_policy(BASE + 'expiry: {fixed: "12-31", last_day: day_before}\n')


HELD = BASE + "expiry: {rolling_months: 12, extend_while_tier: {tiers: [gold], months: 12}}\n"


def test_points_reaching_their_date_while_gold_is_held_live_a_year_longer() -> None:
    """Earned 1 Mar 2026: due 1 Mar 2027; gold then, so valid to 1 Mar 2028, and so on."""
    policy = points_policy(HELD)
    state = applied(policy, member("gold"), purchase("o1", at(2026, 3, 1)))
    later, reasons = memberkit.advance(policy, state, at(2029, 3, 2))
    assert [r.code for r in reasons] == ["points.extended_while_tier"] * 3
    [lot] = [lot for lot in later.points.lots if lot.currency == "points"]
    assert lot.expires_at == at(2030, 3, 2, 0, 0)
    # Gold held as far as the history tells: pushed at every date, so no day is forecast, and
    # the balance says why.
    held = memberkit.balance(policy, later, at(2029, 3, 2))
    assert held.schedule == ()
    assert "points.protected_by_tier" in [r.code for r in held.reasons]


def test_points_reaching_their_date_without_the_tier_expire() -> None:
    """A silver member's points expire on their date as usual."""
    policy = points_policy(HELD)
    state = applied(policy, member("silver"), purchase("o1", at(2026, 3, 1)))
    assert memberkit.balance(policy, state, at(2027, 3, 2)).available == 0


def test_extension_while_held_reads_the_tier_at_the_date() -> None:
    """Gold lost before the date: the points expire then; gold held then, they are pushed."""
    policy = points_policy(HELD)
    lost = member("gold").evolve(
        tiers=TierState(
            (
                TierChange(at(2026, 1, 1, 0, 0), "gold", "initial"),
                TierChange(at(2027, 1, 1, 0, 0), "silver", "review"),
            )
        )
    )
    state = applied(policy, lost, purchase("o1", at(2026, 3, 1)))
    assert memberkit.balance(policy, state, at(2027, 3, 2)).available == 0


def test_extend_while_tier_and_never_while_tier_are_not_both_given() -> None:
    """The two answer the same question differently; the policy gives one."""
    with pytest.raises(Exception, match="give one of never_while_tier"):
        points_policy(
            BASE + "expiry: {rolling_months: 12, never_while_tier: [gold], "
            "extend_while_tier: {tiers: [platinum]}}\n"
        )


@pytest.mark.parametrize(
    ("joined", "earned", "years", "last_day"),
    [
        # Joined 15 Mar 2026: card years run 15 Mar - 14 Mar.
        (at(2026, 3, 15, 0, 0), at(2026, 3, 15), 0, date(2027, 3, 14)),
        (at(2026, 3, 15, 0, 0), at(2027, 3, 14, 23, 0), 0, date(2027, 3, 14)),
        (at(2026, 3, 15, 0, 0), at(2027, 3, 15), 0, date(2028, 3, 14)),
        (at(2026, 3, 15, 0, 0), at(2026, 12, 1), 1, date(2028, 3, 14)),
        # Joined 29 Feb 2028: the card year ends on 27 Feb in common years.
        (at(2028, 2, 29, 0, 0), at(2028, 6, 1), 0, date(2029, 2, 27)),
    ],
)
def test_card_year_expiry_runs_from_the_joining_day(
    joined: datetime, earned: datetime, years: int, last_day: date
) -> None:
    """Points last to the end of the card year N card years after the one they were earned in."""
    policy = points_policy(BASE + f"expiry: {{card_years: {years}}}\n")
    state = applied(policy, member(joined=joined), purchase("o1", earned))
    assert memberkit.balance(policy, state, earned).schedule == ((last_day, 100),)


def test_two_expiry_styles_are_refused_together() -> None:
    """card_years and rolling_months cannot both say how long points last."""
    with pytest.raises(
        Exception, match="give exactly one of 'rolling_months', 'fixed', 'card_years'"
    ):
        points_policy(BASE + "expiry: {card_years: 1, rolling_months: 12}\n")
