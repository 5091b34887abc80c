"""Cross-checks of the `tiers:` section: every mistake at its path, with a code."""

from __future__ import annotations

import pytest
from tests.builders import policy

import memberkit
from memberkit import PolicyError


def issues(body: str) -> list[str]:
    """Each issue of a policy whose tiers section is ``body``, as `path: message [code]`."""
    with pytest.raises(PolicyError) as caught:
        policy("tiers:\n" + body)
    return [f"{i.path}: {i.message} [{i.code}]" for i in caught.value.issues]


def test_a_ladder_that_does_not_rise_is_located_at_the_threshold() -> None:
    """A tier asking no more than the one below is reported at its threshold with line:col."""
    body = (
        "  ladder:\n"
        "    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 20000}}\n"
        "    - {id: platinum, qualify: {spend: 8000}}\n"
    )
    with pytest.raises(PolicyError) as caught:
        policy("tiers:\n" + body, source="retail.yaml")
    assert str(caught.value.issues[0]) == (
        "retail.yaml:7:39: tiers.ladder[2].qualify.spend: 8000 is not above the previous "
        "tier's 20000; a ladder must rise [ladder_order]"
    )


def test_retain_above_qualify_is_refused_until_acknowledged() -> None:
    """Keeping a tier taking more than reaching it is refused, saying how to confirm it."""
    body = "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {spend: 100}, retain: {spend: 200}}\n"
    assert issues(body) == [
        "tiers.ladder[1].retain.spend: keeping the tier takes 200, more than reaching it (100); "
        "if the programme's terms say so, add acknowledge: [retain_above_qualify] to this tier "
        "[retain_above_qualify]"
    ]


def test_an_acknowledged_stricter_retention_loads_and_is_applied() -> None:
    """With the acknowledgement, 150 reaches gold but does not keep it at the review."""
    from tests.builders import at, member, purchase

    p = policy(
        "tiers:\n  window: calendar_year\n  ladder:\n    - {id: basic}\n"
        "    - {id: gold, qualify: {spend: 100}, retain: {spend: 200}, "
        "acknowledge: [retain_above_qualify]}\n"
    )
    state, _ = memberkit.apply(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", "150")))
    assert memberkit.tier_of(p, state, at(2026, 12, 31)).tier == "gold"
    assert memberkit.tier_of(p, state, at(2027, 1, 1, 0, 0)).tier == "basic"


@pytest.mark.parametrize(
    "tier",
    [
        "{id: gold, qualify: {spend: 200}, retain: {spend: 100}, acknowledge: [retain_above_qualify]}",
        "{id: gold, qualify: {spend: 200}, acknowledge: [retain_above_qualify]}",
    ],
)
def test_an_acknowledgement_with_nothing_to_acknowledge_is_refused(tier: str) -> None:
    """No key is accepted and then ignored: an acknowledgement must match a finding."""
    found = issues("  ladder:\n    - {id: basic}\n    - " + tier + "\n")
    assert [f.split(": ")[0] for f in found] == ["tiers.ladder[1].acknowledge"]
    assert found[0].endswith("[no_effect]")


@pytest.mark.parametrize(
    ("inclusive", "spent", "kept"),
    [
        ("true", "2000", True),
        ("{qualify: true, retain: false}", "2000", False),
        ("{qualify: true, retain: false}", "2000.01", True),
        ("false", "2000", False),
    ],
)
def test_reach_at_or_above_keep_only_above(inclusive: str, spent: str, kept: bool) -> None:
    """>= to reach and > to keep: exactly 2,000 reaches gold, and keeps it only if inclusive."""
    from tests.builders import at, member, purchase

    p = policy(
        "tiers:\n  window: calendar_year\n  ladder:\n    - {id: basic}\n"
        f"    - {{id: gold, qualify: {{spend: 2000}}, inclusive: {inclusive}}}\n"
    )
    state, _ = memberkit.apply(p, member(), purchase("o1", at(2026, 3, 1), ("l1", "x", spent)))
    reached = memberkit.tier_of(p, state, at(2026, 3, 2)).tier == "gold"
    assert reached == (inclusive != "false")
    if reached:
        # The 2026 spend is reviewed on 1 Jan 2027 against the retain comparison.
        review = memberkit.tier_of(p, state, at(2027, 1, 1, 0, 0)).tier
        assert (review == "gold") == kept


def test_unknown_measure_suggests_the_nearest() -> None:
    """A misspelt measure name says which one was meant."""
    body = "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {any: [{spnd: 100}]}}\n"
    assert issues(body) == [
        "tiers.ladder[1].qualify.any[0].spnd: unknown measure 'spnd'; did you mean 'spend'? "
        "[unknown_measure]"
    ]


def test_money_threshold_with_too_many_decimals() -> None:
    """A spend threshold has at most the currency's decimals (two for CNY)."""
    body = "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {spend: 99.999}}\n"
    assert issues(body) == [
        "tiers.ladder[1].qualify.spend: 99.999 has more decimals than CNY allows (2) "
        "[too_many_decimals]"
    ]


def test_order_thresholds_are_whole_numbers() -> None:
    """Half an order cannot be placed."""
    body = "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {orders: 2.5}}\n"
    assert issues(body) == [
        "tiers.ladder[1].qualify.orders: 2.5 is not a whole number of orders [not_whole]"
    ]


def test_duplicate_tier_ids_across_ladder_and_paid() -> None:
    """A paid tier may not reuse a ladder id."""
    body = "  ladder:\n    - {id: basic}\n  paid:\n    - {id: basic}\n"
    assert issues(body) == [
        "tiers.paid[0].id: tier id 'basic' is already used by tiers.ladder[0] [duplicate_id]"
    ]


def test_the_base_tier_takes_no_threshold() -> None:
    """Every member starts in the first tier, so it cannot have a qualify threshold."""
    body = "  ladder:\n    - {id: basic, qualify: {spend: 1}}\n"
    assert issues(body) == [
        "tiers.ladder[0].qualify: the first tier is where every member starts; it takes no "
        "'qualify' [base_threshold]"
    ]


def test_a_rolling_window_needs_a_review_date() -> None:
    """A rolling window has no end to review at, so end_of_window is refused."""
    body = "  window: {rolling_months: 12}\n  ladder:\n    - {id: basic}\n"
    assert issues(body) == [
        "tiers.review: a rolling_months window has no end to review at; use anniversary, "
        "monthly or {fixed: MM-DD} [review_window]"
    ]


def test_a_window_form_that_does_not_exist() -> None:
    """An unknown window says which forms exist."""
    found = issues("  window: yearly\n  ladder:\n    - {id: basic}\n")
    assert len(found) == 1
    assert found[0].startswith("tiers.window: 'yearly' is not one of 'calendar_year'")
    assert found[0].endswith("[unknown_value]")


def test_nested_threshold_problems_are_all_reported() -> None:
    """Every bad leaf in an all/any tree is reported at its own path."""
    body = (
        "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {any: [{spend: -1}, {all: []}]}}\n"
    )
    found = issues(body)
    assert [f.split(":")[0] for f in found] == [
        "tiers.ladder[1].qualify.any[0].spend",
        "tiers.ladder[1].qualify.any[1].all",
    ]


def test_a_measure_missing_its_currency() -> None:
    """A points measure must say which currency it reads."""
    found = issues("  measures: {growth: {of: points}}\n  ladder:\n    - {id: basic}\n")
    assert found == [
        "tiers.measures.growth: a points measure names its currency, e.g. {of: points, "
        "currency: growth} [invalid_value]"
    ]


def test_both_example_policies_load() -> None:
    """The shipped retail and e-commerce ladders are valid policies."""
    from pathlib import Path

    folder = Path(memberkit.__file__).parent / "examples"
    retail = memberkit.load_policy(folder / "retail.yaml")
    shop = memberkit.load_policy(folder / "ecommerce.yaml")
    assert [t.id for t in retail.versions[0].tiers.ladder] == [
        "basic",
        "silver",
        "gold",
        "platinum",
    ]  # type: ignore[union-attr]
    assert [t.id for t in shop.versions[0].tiers.ladder] == ["silver", "gold", "diamond"]  # type: ignore[union-attr]


def test_a_misspelt_downgrade_key_gets_one_clear_message() -> None:
    """The mapping form of downgrade reports the unknown key and its nearest spelling only."""
    assert issues("  ladder:\n    - {id: basic}\n  downgrade: {max_step: 1}\n") == [
        "tiers.downgrade.max_step: unknown key 'max_step'; did you mean 'max_steps'? [unknown_key]"
    ]


def test_a_fixed_review_date_must_be_a_day_of_the_year() -> None:
    """30 February is no review date."""
    assert issues("  ladder:\n    - {id: basic}\n  review: {fixed: '02-30'}\n") == [
        "tiers.review.fixed: '02-30' is not a day of the year written MM-DD, e.g. \"02-28\" "
        "[invalid_value]"
    ]


def test_a_points_measure_reads_a_declared_currency() -> None:
    """A growth measure naming a currency the points section lacks suggests the nearest."""
    body = (
        "  measures: {growth: {of: points, currency: grwth}}\n"
        "  ladder:\n    - {id: basic}\n    - {id: gold, qualify: {growth: 100}}\n"
        "points:\n  currencies:\n    - {id: points}\n    - {id: growth, spendable: false}\n"
    )
    assert issues(body) == [
        "tiers.measures.growth.currency: unknown points currency 'grwth'; did you mean "
        "'growth'? [unknown_currency]"
    ]


def _ladder(review: str, window: str = "{rolling_months: 12}", validity: str = "") -> str:
    return (
        f"tiers:\n  window: {window}\n  review: {review}\n  ladder:\n    - {{id: basic}}\n"
        f"    - {{id: gold, qualify: {{spend: 5000}}, retain: {{spend: 3000}}{validity}}}\n"
        f"    - {{id: platinum, qualify: {{spend: 20000}}, retain: {{spend: 15000}}{validity}}}\n"
    )


def test_reviews_on_the_anniversary_of_the_first_upgrade_not_moved_by_later_ones() -> None:
    """Gold on 10 Apr 2026, platinum on 1 Aug: the review is on 10 Apr each year."""
    from tests.builders import at, member, purchase

    p = policy(_ladder("{anniversary: first_upgrade}"))
    state = member()
    assert memberkit.due_moments(p, state, at(2026, 1, 1), at(2027, 12, 31)) == ()
    state, _ = memberkit.apply(p, state, purchase("o1", at(2026, 4, 10), ("l1", "x", "5000")))
    state, _ = memberkit.apply(p, state, purchase("o2", at(2026, 8, 1), ("l1", "x", "15000")))
    assert memberkit.tier_of(p, state, at(2026, 8, 2)).tier == "platinum"
    assert memberkit.due_moments(p, state, at(2026, 8, 2), at(2028, 1, 1)) == (
        at(2027, 4, 10, 0, 0),
    )


def test_reviewed_only_when_the_status_expires() -> None:
    """review: validity_end: no review on the window; gold reviewed at the end of its 12 months."""
    from tests.builders import at, member, purchase

    p = policy(_ladder("validity_end", validity=", validity: {months_from_upgrade: 12}"))
    state, _ = memberkit.apply(p, member(), purchase("o1", at(2026, 4, 10), ("l1", "x", "5000")))
    # Valid through 9 Apr 2027: reviewed then on the 12 months before (5,000 >= 3,000 keeps
    # gold for 12 more months); a year later nothing was spent and gold is lost.
    moments = memberkit.due_moments(p, state, at(2026, 4, 11), at(2028, 12, 31))
    assert moments == (at(2027, 4, 10, 0, 0), at(2028, 4, 10, 0, 0))
    assert memberkit.tier_of(p, state, at(2027, 4, 10, 0, 0)).tier == "gold"
    assert memberkit.tier_of(p, state, at(2028, 4, 10, 0, 0)).tier == "basic"


def test_validity_end_reviews_need_a_validity_on_every_tier() -> None:
    """A tier without a validity would never be reviewed: refused at the tier."""
    found = issues(_ladder("validity_end").removeprefix("tiers:\n"))
    assert [f.split(": ")[0] for f in found] == ["tiers.ladder[1]", "tiers.ladder[2]"]
    assert all(f.endswith("[no_validity]") for f in found)
