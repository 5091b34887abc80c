"""Benefits: who is entitled to what, when, how often, and why (not).

``check_benefit(policy, state, benefit_id, as_of, context)`` answers one benefit at checkout;
``entitlements(policy, state, as_of)`` lists every benefit; ``benefit_window`` says when a
benefit opens and closes (the birthday month, a validity period). Using a benefit is a ``BenefitUse``
event applied with ``memberkit.apply``; quotas are worked out from the recorded uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_exports

if TYPE_CHECKING:
    from ._decisions import (
        BenefitDecision,
        BenefitWindow,
        Entitlements,
        QuotaStatus,
    )
    from ._model import (
        BenefitSpec,
        BenefitsSection,
        BenefitValue,
        QuotaSpec,
        ValiditySpec,
    )
    from ._query import (
        benefit_window,
        check_benefit,
        entitlements,
    )
    from ._state import (
        BenefitState,
        BenefitUseRecord,
    )


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


_EXPORTS: dict[str, str] = {
    "BenefitDecision": "._decisions",
    "BenefitSpec": "._model",
    "BenefitState": "._state",
    "BenefitUseRecord": "._state",
    "BenefitValue": "._model",
    "BenefitWindow": "._decisions",
    "BenefitsSection": "._model",
    "Entitlements": "._decisions",
    "QuotaSpec": "._model",
    "QuotaStatus": "._decisions",
    "ValiditySpec": "._model",
    "benefit_window": "._query",
    "check_benefit": "._query",
    "entitlements": "._query",
}
"""Where each name lives; imported on first use (PEP 562), so importing the package is cheap."""


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())
