"""The public surface: a sorted, pinned __all__, and a docstring on everything exported."""

from __future__ import annotations

import importlib

import pytest

import memberkit

PACKAGES = [
    "memberkit",
    "memberkit.policy",
    "memberkit.rules",
    "memberkit.i18n",
    "memberkit.tiers",
    "memberkit.points",
    "memberkit.benefits",
    "memberkit.lifecycle",
    "memberkit.testing",
    "memberkit.demo",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_resolves(name: str) -> None:
    """Each package's __all__ is sorted and every name in it exists."""
    module = importlib.import_module(name)
    exported = list(getattr(module, "__all__", []))
    assert exported == sorted(exported)
    for item in exported:
        assert hasattr(module, item), f"{name}.{item}"


@pytest.mark.parametrize("name", PACKAGES)
def test_every_export_has_a_docstring(name: str) -> None:
    """Every exported class and function says what it decides."""
    module = importlib.import_module(name)
    missing = []
    for item in getattr(module, "__all__", []):
        obj = getattr(module, item)
        if (callable(obj) or isinstance(obj, type)) and not (
            getattr(obj, "__doc__", None) or ""
        ).strip():
            missing.append(item)
    assert missing == []


def test_top_level_surface_is_pinned() -> None:
    """The facade exports exactly these names; a change here is an API change to review."""
    assert memberkit.__all__ == EXPECTED


EXPECTED = [
    "Activity",
    "Adjustment",
    "AsOfError",
    "AudienceMember",
    "Balance",
    "BatchProblem",
    "BatchReport",
    "BenefitDecision",
    "BenefitUse",
    "BenefitWindow",
    "Entitlements",
    "Event",
    "EventConflict",
    "EventError",
    "ExpiredPoints",
    "ExpiringPoints",
    "FlagUpdate",
    "HeldLot",
    "HeldLots",
    "LifecycleStage",
    "Line",
    "LocalizedText",
    "MemberState",
    "MemberkitError",
    "Money",
    "Opening",
    "Outcome",
    "PointsExtension",
    "PointsQuote",
    "Policy",
    "PolicyError",
    "PolicyIssue",
    "ProfileUpdate",
    "ProgrammeKpis",
    "Purchase",
    "Reason",
    "Redemption",
    "RedemptionCancel",
    "RedemptionCheck",
    "Refund",
    "RefundLine",
    "RfmScore",
    "StateError",
    "Tender",
    "TierDecision",
    "TierGrant",
    "TierProgress",
    "Transfer",
    "advance",
    "apply",
    "apply_late",
    "balance",
    "benefit_window",
    "bgnbd_expected_purchases",
    "bgnbd_fit",
    "bgnbd_p_alive",
    "check_benefit",
    "discount_for_points",
    "due_moments",
    "entitlements",
    "expired",
    "expiring",
    "held_lots",
    "lifecycle_stage",
    "load_policy",
    "max_redeemable",
    "new_member",
    "parse_event",
    "parse_events",
    "parse_policy",
    "points_for_discount",
    "policy_json_schema",
    "programme_kpis",
    "progress",
    "quote_points",
    "redemption_check",
    "replay",
    "replay_batch",
    "rfm_scores",
    "select_audience",
    "state_from_json",
    "state_to_json",
    "tier_of",
    "validate_policy",
]
