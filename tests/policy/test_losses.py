"""What a section change takes away from members, decided structurally on plain data."""

from __future__ import annotations

import pytest

from memberkit.policy._losses import losses

TABLE = [
    # (section, old, new, a loss is expected)
    (
        "tiers",
        {"ladder": [{"id": "gold", "qualify": {"spend": "8000"}}]},
        {"ladder": [{"id": "gold", "qualify": {"spend": "9000"}}]},
        True,
    ),
    (
        "tiers",
        {"ladder": [{"id": "gold", "qualify": {"spend": "8000"}}]},
        {"ladder": [{"id": "gold", "qualify": {"spend": "7000"}}]},
        False,
    ),
    (
        "points",
        {"earn": [{"id": "base", "points": 1}]},
        {"earn": [{"id": "base", "points": 2}]},
        False,
    ),
    (
        "points",
        {"earn": [{"id": "bonus", "multiply": {"by_tier": {"gold": "1.5"}}}]},
        {"earn": [{"id": "bonus", "multiply": {"by_tier": {"gold": "1.2"}}}]},
        True,
    ),
    ("points", {"expiry": {"rolling_months": 24}}, {"expiry": {"rolling_months": 12}}, True),
    ("points", {"pending_days": 7}, {"pending_days": 14}, True),
    ("points", {"redeem": {"min_points": 100}}, {"redeem": {"min_points": 50}}, False),
    (
        "benefits",
        [{"id": "a", "tiers": ["silver", "gold"]}],
        [{"id": "a", "tiers": ["gold"]}],
        True,
    ),
    ("benefits", [{"id": "a", "tiers": ["gold"]}], [{"id": "a", "tiers": None}], False),
    ("benefits", [{"id": "a", "tiers": None}], [{"id": "a", "tiers": ["gold"]}], True),
    ("benefits", [{"id": "a", "when": None}], [{"id": "a", "when": "channel in app"}], True),
    ("benefits", [{"id": "a", "quota": {"count": 1}}], [{"id": "a", "quota": None}], False),
    (
        "benefits",
        [{"id": "a", "valid": {"until": "2026-12-31"}}],
        [{"id": "a", "valid": {"until": "2026-06-30"}}],
        True,
    ),
    (
        "benefits",
        [{"id": "a", "value": {"default": "0.9"}}],
        [{"id": "a", "value": {"default": "0.95"}}],
        False,
    ),
    ("benefits", [{"id": "a"}, {"id": "b"}], [{"id": "b"}, {"id": "a"}], False),
    ("points", {"pending": {"days": 7}}, {"pending": {"days": 14}}, True),
    (
        "points",
        {"earn": [{"id": "base", "per": "1 CNY"}]},
        {"earn": [{"id": "base", "per": "2 CNY"}]},
        True,
    ),
    (
        "points",
        {"expiry": {"never_while_tier": ["gold", "platinum"]}},
        {"expiry": {"never_while_tier": ["platinum"]}},
        True,
    ),
    ("points", {"redeem": {"step": 100}}, {"redeem": {"step": 50}}, False),
    ("tiers", {"downgrade": {"max_steps": 1}}, {"downgrade": {"max_steps": 2}}, True),
    ("lifecycle", {"stages": [{"id": "new", "when": "a"}]}, {"stages": []}, False),
    ("points", {"earn": []}, {"earn": [], "earn_cap": {"points": 5000, "per": "day"}}, True),
    ("points", {"earn_cap": {"points": 5000}}, {"earn_cap": {"points": 4000}}, True),
    ("points", {"earn_cap": {"points": 5000}}, {}, False),
    (
        "points",
        {"transfer": {"max_in_per_year": 300}},
        {"transfer": {"max_in_per_year": 200}},
        True,
    ),
    ("points", {"transfer": {}}, {"transfer": {"receive_tiers": ["gold"]}}, True),
    (
        "points",
        {"transfer": {"receive_tiers": ["silver", "gold"]}},
        {"transfer": {"receive_tiers": ["gold"]}},
        True,
    ),
    (
        "points",
        {"expiry": {"paid_extension": {"max_months": 12}}},
        {"expiry": {"paid_extension": {"max_months": 6}}},
        True,
    ),
    (
        "points",
        {"expiry": {"extensions": [{"id": "winter", "months": 3}, {"id": "spring", "months": 1}]}},
        {"expiry": {"extensions": [{"id": "spring", "months": 1}]}},
        True,
    ),
    (
        "points",
        {"expiry": {"extend_on_upgrade_months": 3}},
        {"expiry": {"extend_on_upgrade_months": 6}},
        False,
    ),
]


@pytest.mark.parametrize(("section", "old", "new", "lost"), TABLE)
def test_losses_follow_the_business_direction(
    section: str, old: object, new: object, lost: bool
) -> None:
    """Each change is a loss exactly when it moves against the member."""
    assert bool(losses(section, old, new)) is lost


def test_a_loss_names_the_path_of_the_rule() -> None:
    """The loss carries the policy path of the changed number."""
    (loss,) = losses(
        "points", {"earn": [{"id": "x", "points": 2}]}, {"earn": [{"id": "x", "points": 1}]}
    )
    assert loss.path == ("points", "earn", 0, "points")


def test_removing_a_section_is_a_loss() -> None:
    """A version that drops a whole section takes it from members."""
    assert losses("benefits", [{"id": "a"}], None)[0].what == "removes the whole benefits section"
