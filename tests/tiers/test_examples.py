"""Scenarios on the two shipped ladders: retail (calendar-year spend or orders) and e-commerce
(rolling 12-month growth value with soft landing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.builders import activity, at, purchase, refund, state_on
from tests.tiers.builders import with_growth

import memberkit
from memberkit import Policy

EXAMPLES = Path(memberkit.__file__).parent / "examples"


@pytest.fixture(scope="module")
def retail() -> Policy:
    """The retail example programme."""
    return memberkit.load_policy(EXAMPLES / "retail.yaml")


@pytest.fixture(scope="module")
def shop() -> Policy:
    """The e-commerce example programme."""
    return memberkit.load_policy(EXAMPLES / "ecommerce.yaml")


def spend(event_id: str, when: object, amount: str) -> memberkit.Purchase:
    """A one-line purchase."""
    return purchase(event_id, when, ("l1", "general", amount))  # type: ignore[arg-type]


def test_retail_year_of_a_growing_member(retail: Policy) -> None:
    """Silver in spring, gold in autumn, gold kept through next year, silver after a quiet year."""
    events = [
        spend("o1", at(2026, 4, 1), "2500"),
        spend("o2", at(2026, 10, 1), "6000"),
        spend("o3", at(2027, 6, 1), "6000"),
    ]
    joined = memberkit.new_member("m", at(2026, 1, 1, 0))
    for when, tier in (
        (at(2026, 5, 1), "silver"),
        (at(2026, 11, 1), "gold"),
        (at(2028, 6, 1), "gold"),
        (at(2029, 6, 1), "silver"),
    ):
        state = state_on(retail, events, when, joined)
        assert memberkit.tier_of(retail, state, when).tier == tier


def test_retail_orders_path_and_progress_text(retail: Policy) -> None:
    """Eighteen orders of a silver member leave two orders or the rest of 8,000 to gold."""
    events = [spend(f"o{i}", at(2026, 3, 1 + i), "100") for i in range(18)]
    state = memberkit.replay(retail, memberkit.new_member("m", at(2026, 1, 1, 0)), events)
    text = memberkit.progress(retail, state, at(2026, 6, 1)).explain()
    assert text.splitlines()[0] == "再消费 ¥6,200.00或再下 2 单即可升级为金卡会员。"


def test_retail_refund_after_upgrade_waits_for_the_review(retail: Policy) -> None:
    """The retail programme demotes for refunds at the review only."""
    events = [spend("o1", at(2026, 6, 1), "8000"), refund("r1", at(2026, 6, 5), "o1")]
    state = memberkit.replay(retail, memberkit.new_member("m", at(2026, 1, 1, 0)), events)
    assert memberkit.tier_of(retail, state, at(2026, 12, 31)).tier == "gold"
    # Soft landing: the review moves the member one step, to silver, not to the figures' basic.
    assert memberkit.tier_of(retail, state, at(2027, 1, 1)).tier == "silver"


def test_shop_growth_value_upgrades_and_lands_softly(shop: Policy) -> None:
    """5,000 growth value gives diamond; a year later diamond drops one step a month."""
    state = with_growth(memberkit.new_member("m", at(2026, 1, 1, 0)), (at(2026, 3, 10), 5200))
    state, _ = memberkit.apply(shop, state, activity("a1", at(2026, 3, 10, 13), "checkin"))
    assert state.tiers.current == "diamond"
    assert memberkit.tier_of(shop, state, at(2027, 3, 1)).tier == "diamond"
    # The rolling window loses the March 2026 growth value on 10 March 2027; the April review acts.
    assert memberkit.tier_of(shop, state, at(2027, 4, 1)).tier == "gold"
    assert memberkit.tier_of(shop, state, at(2027, 5, 1)).tier == "silver"


def test_shop_retains_diamond_on_the_lower_threshold(shop: Policy) -> None:
    """4,000 growth value in the last 12 months keeps diamond at the monthly review."""
    state = with_growth(
        memberkit.new_member("m", at(2026, 1, 1, 0)),
        (at(2026, 1, 10), 5000),
        (at(2026, 12, 10), 4000),
    )
    state, _ = memberkit.apply(shop, state, activity("a1", at(2026, 1, 10, 13), "checkin"))
    assert memberkit.tier_of(shop, state, at(2027, 6, 1)).tier == "diamond"
    assert memberkit.tier_of(shop, state, at(2028, 1, 1)).tier == "gold"


def test_shop_progress_names_growth_value(shop: Policy) -> None:
    """Progress speaks of growth value in each locale."""
    state = with_growth(memberkit.new_member("m", at(2026, 1, 1, 0)), (at(2026, 2, 1), 300))
    result = memberkit.progress(shop, state, at(2026, 2, 2))
    assert result.explain("zh_Hans").splitlines()[0] == "再获得 700 成长值即可升级为金卡会员。"
    assert result.explain("en").splitlines()[0] == "To reach Gold: 700 more growth value."


def test_shop_purchases_earn_growth_value_that_upgrades(shop: Policy) -> None:
    """Purchases earn growth value through the points part, and the tier follows at once."""
    member = memberkit.new_member("m", at(2026, 1, 1, 0))
    state = memberkit.replay(
        shop,
        member,
        [
            spend("o1", at(2026, 2, 1), "600"),
            purchase("o2", at(2026, 2, 2), ("l1", "gift_card", "5000"), ("l2", "shoes", "400")),
        ],
    )
    assert state.tiers.tier_at(at(2026, 2, 1, 13)) == "silver"
    assert state.tiers.current == "gold"
    assert memberkit.tier_of(shop, state, at(2026, 2, 3)).figures["growth"] == 1000


def test_shop_refund_takes_growth_value_back_at_the_next_review(shop: Policy) -> None:
    """A refund reverses the growth value; the next monthly review moves the member down."""
    member = memberkit.new_member("m", at(2026, 1, 1, 0))
    state = memberkit.replay(
        shop, member, [spend("o1", at(2026, 2, 1), "1000"), refund("r1", at(2026, 2, 3), "o1")]
    )
    assert state.tiers.current == "gold"
    assert memberkit.tier_of(shop, state, at(2026, 3, 1)).tier == "silver"
