"""The rules package's public surface."""

from __future__ import annotations

import memberkit.rules


def test_rules_surface_is_pinned() -> None:
    """memberkit.rules exports exactly these names; a change here is an API change to review."""
    assert memberkit.rules.__all__ == [
        "All",
        "Any",
        "Compare",
        "Condition",
        "EVENT_FIELDS",
        "FIELD_LABELS",
        "Facts",
        "FieldType",
        "MEMBER_FIELDS",
        "Not",
        "Predicate",
        "TIME_FIELDS",
        "TRUE",
        "Trace",
        "Vocabulary",
        "clause_reason",
        "compile_condition",
        "culprits",
        "field_label",
        "parse_condition",
    ]


def test_standard_vocabularies_keep_their_names() -> None:
    """The standard field names are a contract with every policy already written."""
    assert set(memberkit.rules.EVENT_FIELDS) == {
        "kind", "amount", "currency", "category", "sku", "channel", "store", "payment_method",
        "payment_methods", "tags", "quantity",
    }  # fmt: skip
    assert set(memberkit.rules.MEMBER_FIELDS) == {
        "tier", "member_tags", "days_since_join", "birthday", "segment", "joined",
        "tenure_years", "tenure_months", "age", "flag", "figure.<name>", "tier_reached_by",
    }  # fmt: skip
    assert set(memberkit.rules.TIME_FIELDS) == {
        "date",
        "datetime",
        "weekday",
        "time",
        "month",
        "day",
    }
