"""memberkit: membership and loyalty programmes as YAML policies, compiled to typed functions.

>>> import memberkit
>>> policy = memberkit.parse_policy('''
... memberkit: 1
... program: {id: demo, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}
... ''', source="demo.yaml")
>>> policy.info.currency_decimals
2

Names are imported on first use (PEP 562): ``import memberkit`` loads none of the engine, the
pydantic models or the optional parts, so a command that needs only the policy loader (``memberkit
validate``) starts fast. ``from memberkit import X`` works for every name in ``__all__``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._agenda import (
        due_moments,
    )
    from ._batch import (
        BatchProblem,
        BatchReport,
        replay_batch,
    )
    from ._compiled import (
        Policy,
    )
    from ._engine import (
        Outcome,
        advance,
        apply,
        apply_late,
        replay,
    )
    from ._errors import (
        AsOfError,
        EventConflict,
        EventError,
        MemberkitError,
        PolicyError,
        PolicyIssue,
        StateError,
    )
    from ._events import (
        Activity,
        Adjustment,
        BenefitUse,
        Event,
        FlagUpdate,
        Line,
        Opening,
        PointsExtension,
        ProfileUpdate,
        Purchase,
        Redemption,
        RedemptionCancel,
        Refund,
        RefundLine,
        Tender,
        TierGrant,
        Transfer,
        parse_event,
        parse_events,
    )
    from ._money import (
        Money,
    )
    from ._reasons import (
        LocalizedText,
        Reason,
    )
    from ._state import (
        MemberState,
        new_member,
        state_from_json,
        state_to_json,
    )
    from .benefits import (
        BenefitDecision,
        BenefitWindow,
        Entitlements,
        benefit_window,
        check_benefit,
        entitlements,
    )
    from .lifecycle import (
        AudienceMember,
        LifecycleStage,
        ProgrammeKpis,
        RfmScore,
        bgnbd_expected_purchases,
        bgnbd_fit,
        bgnbd_p_alive,
        lifecycle_stage,
        programme_kpis,
        rfm_scores,
        select_audience,
    )
    from .points import (
        Balance,
        ExpiredPoints,
        ExpiringPoints,
        HeldLot,
        HeldLots,
        PointsQuote,
        RedemptionCheck,
        balance,
        discount_for_points,
        expired,
        expiring,
        held_lots,
        max_redeemable,
        points_for_discount,
        quote_points,
        redemption_check,
    )
    from .policy import (
        load_policy,
        parse_policy,
        policy_json_schema,
        validate_policy,
    )
    from .tiers import (
        TierDecision,
        TierProgress,
        progress,
        tier_of,
    )

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "Activity": "._events",
    "Adjustment": "._events",
    "AsOfError": "._errors",
    "AudienceMember": ".lifecycle",
    "Balance": ".points",
    "BatchProblem": "._batch",
    "BatchReport": "._batch",
    "BenefitDecision": ".benefits",
    "BenefitUse": "._events",
    "BenefitWindow": ".benefits",
    "Entitlements": ".benefits",
    "Event": "._events",
    "EventConflict": "._errors",
    "EventError": "._errors",
    "ExpiredPoints": ".points",
    "ExpiringPoints": ".points",
    "HeldLot": ".points",
    "HeldLots": ".points",
    "FlagUpdate": "._events",
    "LifecycleStage": ".lifecycle",
    "Line": "._events",
    "LocalizedText": "._reasons",
    "MemberState": "._state",
    "MemberkitError": "._errors",
    "Money": "._money",
    "Opening": "._events",
    "Outcome": "._engine",
    "PointsExtension": "._events",
    "PointsQuote": ".points",
    "Policy": "._compiled",
    "PolicyError": "._errors",
    "PolicyIssue": "._errors",
    "ProfileUpdate": "._events",
    "ProgrammeKpis": ".lifecycle",
    "Purchase": "._events",
    "Reason": "._reasons",
    "Redemption": "._events",
    "RedemptionCancel": "._events",
    "RedemptionCheck": ".points",
    "Refund": "._events",
    "RefundLine": "._events",
    "RfmScore": ".lifecycle",
    "StateError": "._errors",
    "Tender": "._events",
    "TierDecision": ".tiers",
    "TierGrant": "._events",
    "TierProgress": ".tiers",
    "Transfer": "._events",
    "advance": "._engine",
    "apply": "._engine",
    "apply_late": "._engine",
    "balance": ".points",
    "benefit_window": ".benefits",
    "bgnbd_expected_purchases": ".lifecycle",
    "bgnbd_fit": ".lifecycle",
    "bgnbd_p_alive": ".lifecycle",
    "check_benefit": ".benefits",
    "discount_for_points": ".points",
    "due_moments": "._agenda",
    "entitlements": ".benefits",
    "expired": ".points",
    "expiring": ".points",
    "held_lots": ".points",
    "lifecycle_stage": ".lifecycle",
    "load_policy": ".policy",
    "max_redeemable": ".points",
    "new_member": "._state",
    "points_for_discount": ".points",
    "parse_event": "._events",
    "parse_events": "._events",
    "parse_policy": ".policy",
    "policy_json_schema": ".policy",
    "programme_kpis": ".lifecycle",
    "progress": ".tiers",
    "quote_points": ".points",
    "redemption_check": ".points",
    "replay": "._engine",
    "replay_batch": "._batch",
    "rfm_scores": ".lifecycle",
    "select_audience": ".lifecycle",
    "state_from_json": "._state",
    "state_to_json": "._state",
    "tier_of": ".tiers",
    "validate_policy": ".policy",
}
"""Where each public name lives: the facade's one table, read by ``__getattr__``."""

__all__ = [
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


def _lazy_exports(
    package: str, exports: dict[str, str], public: list[str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` (PEP 562): each public name is imported from
    its module on first use and kept in the package, so importing a package is cheap. Shared by
    the facade and the part packages (it lives here because the facade is always loaded)."""

    def get(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def names() -> list[str]:
        return sorted({*namespace, *public})

    return get, names


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())
