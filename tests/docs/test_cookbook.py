"""The cookbook's recipes: each is a valid policy that does what its section promises."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from tests.builders import activity, at, member, purchase
from tests.docs.builders import COOKBOOK, recipe

import memberkit
from memberkit.benefits import check_benefit
from memberkit.points import balance, points_for_discount, quote_points
from memberkit.testing import run_file
from memberkit.tiers import tier_of

RECIPES = sorted(COOKBOOK.glob("*.yaml"))
SUITES = sorted((COOKBOOK / "scenarios").glob("*_test.yaml"))


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.stem)
def test_every_recipe_loads(path: object) -> None:
    """Each recipe file is a valid policy."""
    assert memberkit.load_policy(str(path)).info.id


def test_the_birthday_gift_is_offered_in_the_birthday_month() -> None:
    """A member born on 14 March may take the birthday gift on 31 March."""
    policy = memberkit.load_policy(str(recipe("birthday-month")))
    member = memberkit.new_member("m", at(2026, 1, 1), birthday=date(1990, 3, 14))
    assert check_benefit(policy, member, "birthday-gift", at(2026, 3, 31)).allowed


def test_the_birthday_gift_is_not_offered_outside_the_month() -> None:
    """The same member may not take it on 1 April."""
    policy = memberkit.load_policy(str(recipe("birthday-month")))
    member = memberkit.new_member("m", at(2026, 1, 1), birthday=date(1990, 3, 14))
    assert not check_benefit(policy, member, "birthday-gift", at(2026, 4, 1)).allowed


def test_a_leap_day_birthday_is_in_february_of_a_common_year() -> None:
    """A 29 February birthday makes February the birthday month in 2026."""
    policy = memberkit.load_policy(str(recipe("birthday-month")))
    member = memberkit.new_member("m", at(2026, 1, 1), birthday=date(1996, 2, 29))
    assert check_benefit(policy, member, "birthday-gift", at(2026, 2, 28)).allowed


def _load(name: str) -> memberkit.Policy:
    return memberkit.load_policy(str(recipe(name)))


def _spend(policy: memberkit.Policy, *orders: tuple[str, datetime, str]) -> memberkit.MemberState:
    state = member()
    for order_id, when, amount in orders:
        state, _ = memberkit.apply(
            policy, state, purchase(order_id, when, ("l1", "general", amount))
        )
    return state


def test_the_spend_ladder_upgrades_at_the_threshold() -> None:
    """¥2,000 spent in the year makes the member silver at once."""
    policy = _load("spend-ladder")
    state = _spend(policy, ("o1", at(2026, 3, 1), "2000"))
    assert tier_of(policy, state, at(2026, 3, 2)).tier == "silver"


def test_the_spend_ladder_moves_gold_down_one_step_at_the_review() -> None:
    """Gold reached in 2026 with nothing spent in 2027 becomes silver at the review of 2028."""
    policy = _load("spend-ladder")
    state = _spend(policy, ("o1", at(2026, 3, 1), "8000"))
    assert tier_of(policy, state, at(2027, 6, 1)).tier == "gold"
    assert tier_of(policy, state, at(2028, 1, 2)).tier == "silver"


def test_the_growth_ladder_counts_only_the_last_twelve_months() -> None:
    """Growth from 13 months ago no longer holds gold after the monthly review."""
    policy = _load("growth-value-ladder")
    state = _spend(policy, ("o1", at(2026, 1, 10), "1200"))
    assert tier_of(policy, state, at(2026, 1, 11)).tier == "gold"
    assert tier_of(policy, state, at(2027, 2, 2)).tier == "silver"


def test_growth_value_cannot_be_spent() -> None:
    """Redeeming growth value is refused: the currency is not spendable."""
    policy = _load("growth-value-ladder")
    state = _spend(policy, ("o1", at(2026, 1, 10), "1200"))
    redemption = memberkit.parse_event(
        {
            "type": "redemption",
            "id": "r1",
            "at": at(2026, 1, 11),
            "currency": "growth",
            "points": 100,
        }
    )
    _, outcome = memberkit.apply(policy, state, redemption)
    assert outcome.refused
    assert [r.code for r in outcome.reasons] == ["points.not_redeemable"]


def test_a_paid_tier_is_held_for_its_months_then_lapses() -> None:
    """PLUS bought on 1 March 2026 is in force in June and gone in April 2027."""
    policy = _load("paid-tier")
    grant = memberkit.parse_event(
        {"type": "tier_grant", "id": "g1", "at": at(2026, 3, 1), "tier": "plus", "reason": "paid"}
    )
    state, _ = memberkit.apply(policy, member(), grant)
    assert tier_of(policy, state, at(2026, 6, 1)).tier == "plus"
    assert tier_of(policy, state, at(2027, 4, 1)).tier == "basic"


def test_points_earned_in_a_year_last_until_the_end_of_the_next() -> None:
    """Points from March 2026 are held on 31 Dec 2027 and gone on 1 Jan 2028."""
    policy = _load("fixed-date-expiry")
    state = _spend(policy, ("o1", at(2026, 3, 1), "100"))
    assert balance(policy, state, at(2027, 12, 31, 23)).available == 100
    assert balance(policy, state, at(2028, 1, 1, 1)).available == 0


def test_points_lapse_after_twelve_months_without_a_purchase() -> None:
    """Points from 1 March 2026 are gone by April 2027 when nothing was bought since."""
    policy = _load("inactivity-expiry")
    state = _spend(policy, ("o1", at(2026, 3, 1), "100"))
    assert balance(policy, state, at(2027, 2, 1)).available == 100
    assert balance(policy, state, at(2027, 4, 1)).available == 0


def test_a_purchase_restarts_the_inactivity_clock() -> None:
    """A purchase in February 2027 keeps the March 2026 points alive in April 2027."""
    policy = _load("inactivity-expiry")
    state = _spend(policy, ("o1", at(2026, 3, 1), "100"), ("o2", at(2027, 2, 1), "10"))
    assert balance(policy, state, at(2027, 4, 1)).available == 110


@pytest.mark.parametrize(
    ("when", "channel", "points"),
    [
        (at(2026, 11, 11, 9), "app", 200),
        (at(2026, 11, 11, 9), "store", 100),
        (at(2026, 11, 12), "app", 100),
    ],
)
def test_double_points_day_doubles_only_app_orders_on_the_day(
    when: datetime, channel: str, points: int
) -> None:
    """A ¥100 order earns 200 in the app on 11.11 and 100 otherwise."""
    policy = _load("double-points-day")
    order = purchase("o1", when, ("l1", "general", "100"), channel=channel)
    assert quote_points(policy, member(), order).total() == points


def test_referrals_earn_until_the_yearly_cap() -> None:
    """Eleven referrals in 2026 earn 3,000 points: the eleventh is over the cap."""
    policy = _load("referral-cap")
    state = member()
    for n in range(11):
        state, _ = memberkit.apply(policy, state, activity(f"r{n}", at(2026, 3, 1 + n), "referral"))
    assert balance(policy, state, at(2026, 4, 1)).available == 3000


def test_the_referral_cap_renews_with_the_year() -> None:
    """A referral in January 2027 earns again after ten in 2026."""
    policy = _load("referral-cap")
    state = member()
    for n in range(10):
        state, _ = memberkit.apply(policy, state, activity(f"r{n}", at(2026, 3, 1 + n), "referral"))
    state, _ = memberkit.apply(policy, state, activity("r-next", at(2027, 1, 5), "referral"))
    assert balance(policy, state, at(2027, 1, 6)).available == 3300


def test_the_hotel_recipe_gives_one_welcome_gift_per_stay() -> None:
    """A platinum member's second gift on the same stay is refused; another stay has one."""
    policy = _load("hotel-nights")
    state, _ = memberkit.apply(
        policy, member(), activity("s1", at(2026, 2, 1), "stay", attributes={"nights": 50})
    )
    gift = {"type": "benefit_use", "benefit": "welcome-gift", "attributes": {"stay": "R1"}}
    state, first = memberkit.apply(
        policy, state, memberkit.parse_event({**gift, "id": "g1", "at": at(2026, 2, 2)})
    )
    _, second = memberkit.apply(
        policy, state, memberkit.parse_event({**gift, "id": "g2", "at": at(2026, 2, 3)})
    )
    other = check_benefit(policy, state, "welcome-gift", at(2026, 3, 1), {"attr.stay": "R2"})
    assert (first.accepted, second.refused, other.allowed) == (True, True, True)


def test_the_airline_recipe_needs_spend_with_the_miles() -> None:
    """50,000 miles make gold only with US$6,000 of fares."""
    policy = _load("airline-segments-or-miles")
    flight = {"segments": 10, "distance": 50000}
    short, _ = memberkit.apply(
        policy,
        member(),
        activity("f1", at(2026, 3, 1), "flight", attributes={**flight, "fare": 5000}),
    )
    enough, _ = memberkit.apply(
        policy,
        member(),
        activity("f1", at(2026, 3, 1), "flight", attributes={**flight, "fare": 6000}),
    )
    assert tier_of(policy, short, at(2026, 3, 2)).tier == "member"
    assert tier_of(policy, enough, at(2026, 3, 2)).tier == "gold"


@pytest.mark.parametrize("path", SUITES, ids=lambda p: p.stem)
def test_the_recipe_suites_pass_with_full_coverage(path: Path) -> None:
    """Each recipe's scenario suite passes, and every rule of the recipe is exercised."""
    suite = run_file(path)
    assert (suite.failed, suite.coverage().missed) == (0, ())


def test_the_voucher_table_quote_is_what_a_payment_books() -> None:
    """¥300 off a ¥1,000 order with 12,000 points: 4,500 points pay ¥280, and booking agrees."""
    policy = _load("department-store-vouchers")
    state, _ = memberkit.apply(
        policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "coat", "12000"))
    )
    quote = points_for_discount(
        policy, state, Decimal(300), at(2026, 3, 2), order_amount=Decimal(1000), order="o2"
    )
    assert (quote.points, quote.value, quote.left_value) == (4500, Decimal(280), Decimal(20))
    assert quote.parts == ((3000, Decimal(200), 1), (1500, Decimal(80), 1))


def test_the_card_year_recipe_keeps_or_voids_by_the_balance() -> None:
    """1,200 points at the card year's end are kept; 800 are void that very midnight."""
    policy = _load("card-year")
    joined = at(2026, 3, 1, 0, 0)
    for spent, kept in (("1200", 1200), ("800", 0)):
        state = memberkit.new_member("m", joined)
        state, _ = memberkit.apply(
            policy, state, purchase("o1", at(2026, 4, 1), ("l1", "x", spent))
        )
        assert balance(policy, state, at(2027, 3, 1, 0, 0)).available == kept


def test_hotel_stays_earn_whole_dollars_only() -> None:
    """US$123.45 earns 1,230 base points (12,345 cents hold 123 full dollars), quoted as booked."""
    policy = _load("hotel-stays-milestones")
    order = memberkit.parse_event(
        {
            "type": "purchase",
            "id": "s1",
            "at": at(2026, 3, 2),
            "currency": "USD",
            "lines": [{"id": "room", "category": "room", "amount": "123.45"}],
        }
    )
    assert quote_points(policy, member(), order).total() == 1230
