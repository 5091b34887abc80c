"""The bundled example programmes: each loads, and the minimal and retail ones keep their promises."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest
from tests.builders import at, member, purchase

import memberkit
from memberkit.benefits import check_benefit
from memberkit.points import balance

EXAMPLES = sorted(
    p.name
    for p in resources.files("memberkit").joinpath("examples").iterdir()
    # X_test.yaml beside X.yaml is a scenario file for `memberkit test`, not a policy.
    if p.name.endswith(".yaml") and not p.name.endswith("_test.yaml")
)


def _example(name: str) -> memberkit.Policy:
    text = resources.files("memberkit").joinpath("examples", name).read_bytes()
    return memberkit.parse_policy(text, source=f"examples/{name}")


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_bundled_example_is_a_valid_policy(name: str) -> None:
    """Each YAML file under memberkit/examples loads without issues."""
    assert _example(name).info.id


def test_the_minimal_programme_earns_a_point_per_yuan() -> None:
    """A ¥128.50 order earns 128 points (rounded down), available at once."""
    policy = _example("minimal.yaml")
    state, _ = memberkit.apply(
        policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "tea", "128.50"))
    )
    assert balance(policy, state, at(2026, 3, 1, 13)).available == 128


def test_the_minimal_programme_redeems_a_hundred_points_for_a_yuan() -> None:
    """Redeeming 100 points leaves the rest of the balance."""
    policy = _example("minimal.yaml")
    state, _ = memberkit.apply(
        policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "tea", "300"))
    )
    redemption = memberkit.parse_event(
        {"type": "redemption", "id": "r1", "at": at(2026, 3, 2), "points": 100}
    )
    state, outcome = memberkit.apply(policy, state, redemption)
    assert outcome.accepted
    assert balance(policy, state, at(2026, 3, 3)).available == 200


def test_the_retail_birthday_gift_needs_silver() -> None:
    """A basic member in their birthday month is not entitled to the retail birthday gift."""
    policy = _example("retail.yaml")
    state = member(birthday=date(1990, 3, 14))
    assert not check_benefit(policy, state, "birthday-gift", at(2026, 3, 20)).allowed


def test_the_retail_birthday_gift_is_given_to_silver_in_the_birthday_month() -> None:
    """After ¥2,000 of spend the same member may take the gift in March."""
    policy = _example("retail.yaml")
    state, _ = memberkit.apply(
        policy,
        member(birthday=date(1990, 3, 14)),
        purchase("o1", at(2026, 3, 1), ("l1", "apparel", "2000")),
    )
    assert check_benefit(policy, state, "birthday-gift", at(2026, 3, 20)).allowed


def test_retail_silver_has_two_shipping_vouchers_a_month() -> None:
    """A silver member has two free-shipping vouchers in the month."""
    policy = _example("retail.yaml")
    state, _ = memberkit.apply(
        policy, member(), purchase("o1", at(2026, 3, 1), ("l1", "apparel", "2000"))
    )
    decision = check_benefit(policy, state, "shipping-voucher", at(2026, 3, 2))
    assert (decision.allowed, decision.remaining) == (True, 2)
