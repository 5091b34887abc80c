"""The cookbook's recipes: each is a valid policy that does what its section promises."""

from __future__ import annotations

from datetime import date

import pytest
from tests.builders import at
from tests.docs.builders import COOKBOOK, recipe

import memberkit
from memberkit.benefits import check_benefit


@pytest.mark.parametrize("path", sorted(COOKBOOK.glob("*.yaml")), ids=lambda p: p.stem)
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
