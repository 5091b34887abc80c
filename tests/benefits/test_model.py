"""The `benefits:` section model: shapes accepted, closed vocabulary, mistakes refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from tests.benefits.builders import section

from memberkit.benefits import BenefitsSection, QuotaSpec


def test_a_plain_number_is_the_value_for_everyone() -> None:
    """`value: 0.9` is read as a default value with no per-tier table."""
    (spec,) = section("- {id: discount, value: 0.9}").root
    assert spec.value is not None
    assert spec.value.default == Decimal("0.9")
    assert spec.value.by_tier is None


def test_value_per_tier_keeps_exact_decimals() -> None:
    """Per-tier rates are exact decimals, never floats."""
    (spec,) = section("- {id: discount, value: {by_tier: {silver: 0.95, gold: 0.9}}}").root
    assert spec.value is not None
    assert spec.value.by_tier == {"silver": Decimal("0.95"), "gold": Decimal("0.9")}


def test_a_single_quota_and_a_list_of_quotas_are_both_accepted() -> None:
    """`quota` takes one mapping or a list, and `quotas` always gives a tuple."""
    one, many = section(
        """
- {id: a, quota: {count: 1, per: day}}
- {id: b, quota: [{count: 1, per: day}, {count: 4, per: month}]}
"""
    ).root
    assert [q.per for q in one.quotas] == ["day"]
    assert [q.per for q in many.quotas] == ["day", "month"]


@pytest.mark.parametrize(
    ("quota", "message"),
    [
        ({"per": "year"}, "exactly one of 'count'"),
        ({"count": 1, "value": 5, "per": "year"}, "exactly one of 'count'"),
        ({"count": 2, "per": "lifetime", "carry_over": 1}, "no next period"),
        ({"count": 2, "per": "year", "carry_over": 3}, "cannot exceed"),
        ({"count": 2, "per": "year", "carry_over": "0.5"}, "whole number"),
        ({"count": 2, "per": "fortnight"}, "literal"),
        ({"count": 0, "per": "day"}, "greater than or equal to 1"),
        ({"count": 1, "per": "year", "each": "attr.stay"}, "per: lifetime"),
        ({"value": 5, "per": "year", "by_tier": {"gold": 2}}, "use it with count"),
        ({"count": 2, "per": "year", "by_tier": {"gold": 3}, "carry_over": 1}, "without carry"),
        ({"count": 1, "per": "lifetime", "each": "stay"}, "should match pattern"),
    ],
)
def test_a_malformed_quota_is_refused(quota: dict[str, object], message: str) -> None:
    """Each quota mistake is reported in words that say what to fix."""
    with pytest.raises(ValidationError, match=message):
        QuotaSpec.model_validate(quota)


def test_validity_is_written_with_from_and_until() -> None:
    """`valid: {from, until}` reads both dates as local calendar dates."""
    (spec,) = section('- {id: a, valid: {from: "2026-01-01", until: "2026-12-31"}}').root
    assert spec.valid is not None
    assert (spec.valid.valid_from, spec.valid.until) == (date(2026, 1, 1), date(2026, 12, 31))


def test_an_unknown_key_is_refused() -> None:
    """The vocabulary is closed: a misspelt key is an error, not ignored."""
    with pytest.raises(ValidationError, match="tier"):
        section("- {id: a, tier: [gold]}")


def test_a_condition_is_parsed_by_the_rules_language() -> None:
    """`when` accepts the rules language, including member fields such as the birthday window."""
    (spec,) = section("- {id: gift, when: {birthday: month}}").root
    assert spec.when is not None
    assert spec.when.fields() == frozenset({"birthday"})


def test_a_bad_condition_is_refused_with_the_rules_findings() -> None:
    """An unknown field in `when` fails validation with the parser's message."""
    with pytest.raises(ValidationError, match="unknown field"):
        section("- {id: gift, when: {birthdya: month}}")


def test_the_section_is_a_list_of_benefits() -> None:
    """The section's root is the tuple of benefit specs, in policy order."""
    parsed = BenefitsSection.model_validate([{"id": "a"}, {"id": "b"}])
    assert [spec.id for spec in parsed.root] == ["a", "b"]
