"""Benefits: who is entitled to what, when, how often, and why (not).

``check_benefit(policy, state, benefit_id, as_of, context)`` answers one benefit at checkout;
``entitlements(policy, state, as_of)`` lists every benefit; ``benefit_window`` says when a
benefit opens and closes (the birthday month, a validity period). Using a benefit is a ``BenefitUse``
event applied with ``memberkit.apply``; quotas are worked out from the recorded uses.
"""

from ._decisions import BenefitDecision, BenefitWindow, Entitlements, QuotaStatus
from ._model import BenefitSpec, BenefitsSection, BenefitValue, QuotaSpec, ValiditySpec
from ._query import benefit_window, check_benefit, entitlements
from ._state import BenefitState, BenefitUseRecord

__all__ = [
    "BenefitDecision",
    "BenefitSpec",
    "BenefitState",
    "BenefitUseRecord",
    "BenefitValue",
    "BenefitWindow",
    "BenefitsSection",
    "Entitlements",
    "QuotaSpec",
    "QuotaStatus",
    "ValiditySpec",
    "benefit_window",
    "check_benefit",
    "entitlements",
]
