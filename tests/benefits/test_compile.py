"""Cross-checks of the benefits section, and what compilation resolves once."""

from __future__ import annotations

from decimal import Decimal

from tests.benefits.builders import benefits_policy, findings

from memberkit._paths import format_path


def _where(body: str, **kw: object) -> list[tuple[str, str]]:
    return [(format_path(f.path), f.code) for f in findings(body, **kw)]  # type: ignore[arg-type]


def test_an_unknown_tier_is_located_with_a_suggestion() -> None:
    """A misspelt tier id is reported at its list item, with the nearest declared tier."""
    (finding,) = findings("- {id: a, tiers: [gold, platnum]}")
    assert format_path(finding.path) == "benefits[0].tiers[1]"
    assert finding.code == "unknown_tier"
    assert "did you mean 'platinum'?" in finding.message


def test_an_unknown_tier_in_a_value_table_is_reported() -> None:
    """Keys of value.by_tier must be declared tiers."""
    assert _where("- {id: a, value: {by_tier: {gld: 0.9}}}") == [
        ("benefits[0].value.by_tier.gld", "unknown_tier")
    ]


def test_a_tier_named_in_a_condition_must_exist() -> None:
    """`when: {tier: ...}` is checked against the ladder too."""
    assert _where("- {id: a, when: {tier: [gold, diamond]}}") == [
        ("benefits[0].when.tier", "unknown_tier")
    ]


def test_a_duplicate_benefit_id_is_reported_at_the_second() -> None:
    """Two benefits cannot share an id; the later one is flagged."""
    assert _where("- {id: a}\n- {id: b}\n- {id: a}") == [("benefits[2].id", "duplicate_id")]


def test_a_value_cap_finer_than_the_currency_is_reported() -> None:
    """A money cap with more decimals than the currency has is an error (CNY has 2)."""
    assert _where("- {id: a, quota: {value: 10.005, per: month}}") == [
        ("benefits[0].quota.value", "too_many_decimals")
    ]


def test_a_value_cap_in_yen_must_be_whole() -> None:
    """JPY has no minor unit, so a cap of 10.5 is refused."""
    assert _where("- {id: a, quota: [{value: 10.5, per: month}]}", currency="JPY") == [
        ("benefits[0].quota[0].value", "too_many_decimals")
    ]


def test_a_validity_window_that_ends_before_it_starts_is_reported() -> None:
    """valid.from after valid.until is an error at until."""
    assert _where('- {id: a, valid: {from: "2026-12-31", until: "2026-01-01"}}') == [
        ("benefits[0].valid.until", "bad_range")
    ]


def test_a_granted_tier_without_a_value_is_reported() -> None:
    """A tier in `tiers` needs a value when the benefit has a per-tier value and no default."""
    assert _where("- {id: a, tiers: [silver, gold], value: {by_tier: {gold: 0.9}}}") == [
        ("benefits[0].tiers[0]", "missing_value")
    ]


def test_a_value_for_a_tier_without_the_benefit_is_reported() -> None:
    """A per-tier value for a tier the benefit does not grant is a mistake."""
    assert _where("- {id: a, tiers: [gold], value: {by_tier: {gold: 0.9, silver: 0.95}}}") == [
        ("benefits[0].value.by_tier.silver", "tier_not_granted")
    ]


def test_a_tier_reference_without_any_ladder_says_so() -> None:
    """With no tiers declared, naming one explains that the policy has none."""
    (finding,) = findings("- {id: a, tiers: [gold]}", tiers=())
    assert "declares no tiers" in finding.message


def test_a_valid_section_has_no_findings() -> None:
    """The issue's example section passes every cross-check."""
    assert (
        findings(
            """
- {id: free-shipping, name: {zh_Hans: 包邮, en: Free shipping}, tiers: [gold, platinum]}
- id: discount
  value: {by_tier: {silver: 0.95, gold: 0.9, platinum: 0.85}}
  when: {not: {category: [gift_card]}}
- {id: lounge, tiers: [platinum], quota: {count: 2, per: year, carry_over: 1}}
- {id: credit, quota: {value: 50, per: month}, valid: {from: "2026-01-01", until: "2026-12-31"}}
"""
        )
        == []
    )


def test_the_tiers_of_a_value_table_hold_the_benefit() -> None:
    """Without `tiers`, the tiers given a value are those that hold the benefit."""
    policy = benefits_policy("- {id: discount, value: {by_tier: {gold: 0.9, silver: 0.95}}}")
    benefits = policy.versions[0].benefits
    assert benefits is not None
    compiled = benefits.by_id["discount"]
    assert compiled.tiers == frozenset({"silver", "gold"})
    assert compiled.tier_order == ("silver", "gold")
    assert compiled.value_for("gold") == Decimal("0.9")


def test_a_benefit_without_tiers_or_values_is_for_everyone() -> None:
    """No `tiers` and no per-tier value means every member holds the benefit."""
    policy = benefits_policy("- {id: welcome, value: 5}")
    benefits = policy.versions[0].benefits
    assert benefits is not None
    assert benefits.by_id["welcome"].tiers is None
