"""memberkit: membership and loyalty programmes as YAML policies, compiled to typed functions.

>>> import memberkit
>>> policy = memberkit.parse_policy('''
... memberkit: 1
... program: {id: demo, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}
... ''', source="demo.yaml")
>>> policy.info.currency_decimals
2
"""

from ._agenda import due_moments
from ._compiled import Policy
from ._engine import Outcome, advance, apply, apply_late, replay
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
    Line,
    PointsExtension,
    ProfileUpdate,
    Purchase,
    Redemption,
    RedemptionCancel,
    Refund,
    RefundLine,
    TierGrant,
    Transfer,
    parse_event,
    parse_events,
)
from ._money import Money
from ._reasons import LocalizedText, Reason
from ._state import MemberState, new_member, state_from_json, state_to_json
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
    expired,
    expiring,
    held_lots,
    max_redeemable,
    quote_points,
    redemption_check,
)
from .policy import load_policy, parse_policy, policy_json_schema, validate_policy
from .tiers import TierDecision, TierProgress, progress, tier_of

__version__ = "0.1.0"

__all__ = [
    "Activity",
    "Adjustment",
    "AsOfError",
    "AudienceMember",
    "Balance",
    "BenefitDecision",
    "BenefitUse",
    "BenefitWindow",
    "Entitlements",
    "Event",
    "EventConflict",
    "EventError",
    "ExpiredPoints",
    "ExpiringPoints",
    "HeldLot",
    "HeldLots",
    "LifecycleStage",
    "Line",
    "LocalizedText",
    "MemberState",
    "MemberkitError",
    "Money",
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
    "policy_json_schema",
    "programme_kpis",
    "progress",
    "quote_points",
    "redemption_check",
    "replay",
    "rfm_scores",
    "select_audience",
    "state_from_json",
    "state_to_json",
    "tier_of",
    "validate_policy",
]
