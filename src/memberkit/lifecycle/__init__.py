"""Lifecycle: stages, RFM segments, member value, programme KPIs and audiences.

``lifecycle_stage(policy, state, as_of)`` says which stage a member is in and which rule held;
``rfm_scores`` scores a population; the purchase models BG/NBD (Fader, Hardie & Lee 2005),
MBG/NBD (Batislam et al. 2007) and Pareto/NBD (Schmittlein et al. 1987) give P(alive) and
expected purchases, the gamma-gamma model expected spend, and ``customer_lifetime_value`` /
``member_value`` the worth of a member in the programme's currency; ``summarise_transactions``
and ``holdout_report`` check a model on the programme's own data; ``programme_kpis`` streams
the programme's KPIs over member states; ``select_audience`` streams the members an audience
invites.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_exports

if TYPE_CHECKING:
    from .._errors import (
        ModelError,
    )
    from ._audiences import (
        AudienceMember,
        select_audience,
    )
    from ._bgnbd import (
        bgnbd_conditional_p_purchases,
        bgnbd_expected_purchases,
        bgnbd_log_likelihood,
        bgnbd_p_alive,
        bgnbd_p_purchases,
    )
    from ._fit import (
        BgNbdFit,
        ParetoNbdFit,
        bgnbd_fit,
        fit_purchases,
        pareto_nbd_fit,
    )
    from ._holdout import (
        HoldoutBucket,
        HoldoutReport,
        holdout_report,
    )
    from ._holdout_render import (
        holdout_svg,
        holdout_text,
    )
    from ._kpis import (
        CohortRetention,
        MonthActivity,
        PointsFlows,
        ProgrammeKpis,
        Rate,
        ValueKpis,
        programme_kpis,
    )
    from ._mbgnbd import (
        mbgnbd_conditional_p_purchases,
        mbgnbd_expected_purchases,
        mbgnbd_log_likelihood,
        mbgnbd_p_alive,
        mbgnbd_p_purchases,
    )
    from ._member_value import (
        MemberValue,
        member_value,
    )
    from ._model import (
        AudienceSpec,
        BgNbdParams,
        LifecycleSection,
        RfmSection,
        SegmentSpec,
        SpendParams,
        StageSpec,
        SummarySpec,
        ValueSpec,
        WindowSpec,
    )
    from ._pareto import (
        pareto_nbd_conditional_p_purchases,
        pareto_nbd_expected_purchases,
        pareto_nbd_log_likelihood,
        pareto_nbd_p_alive,
        pareto_nbd_p_purchases,
    )
    from ._rfm import (
        RfmInput,
        RfmScore,
        ntile_scores,
        rfm_inputs,
        rfm_scores,
    )
    from ._special import (
        hyp2f1,
        log_hyp2f1,
    )
    from ._spend import (
        GammaGammaFit,
        gamma_gamma_expected_spend,
        gamma_gamma_fit,
        gamma_gamma_log_likelihood,
    )
    from ._stages import (
        LifecycleStage,
        lifecycle_stage,
    )
    from ._state_summaries import summarise_states
    from ._summaries import (
        BgNbdSummary,
        PurchaseFigures,
        bgnbd_summary,
        figures,
        occasions,
    )
    from ._transactions import (
        MemberSummary,
        summarise_transactions,
    )
    from ._value import (
        PurchaseModel,
        customer_lifetime_value,
    )
    from ._vocabulary import (
        AUDIENCE_FIELDS,
        LIFECYCLE_FIELDS,
        RFM_FIELDS,
        STAGE_FIELDS,
    )


# Plain sorted() order, as tests/test_exported_members.py pins it (not ruff's isort-style).
__all__ = [  # noqa: RUF022
    "AUDIENCE_FIELDS",
    "AudienceMember",
    "AudienceSpec",
    "BgNbdFit",
    "BgNbdParams",
    "BgNbdSummary",
    "CohortRetention",
    "GammaGammaFit",
    "HoldoutBucket",
    "HoldoutReport",
    "LIFECYCLE_FIELDS",
    "LifecycleSection",
    "LifecycleStage",
    "MemberSummary",
    "MemberValue",
    "ModelError",
    "MonthActivity",
    "ParetoNbdFit",
    "PointsFlows",
    "ProgrammeKpis",
    "PurchaseFigures",
    "PurchaseModel",
    "RFM_FIELDS",
    "Rate",
    "RfmInput",
    "RfmScore",
    "RfmSection",
    "STAGE_FIELDS",
    "SegmentSpec",
    "SpendParams",
    "StageSpec",
    "SummarySpec",
    "ValueKpis",
    "ValueSpec",
    "WindowSpec",
    "bgnbd_conditional_p_purchases",
    "bgnbd_expected_purchases",
    "bgnbd_fit",
    "bgnbd_log_likelihood",
    "bgnbd_p_alive",
    "bgnbd_p_purchases",
    "bgnbd_summary",
    "customer_lifetime_value",
    "figures",
    "fit_purchases",
    "gamma_gamma_expected_spend",
    "gamma_gamma_fit",
    "gamma_gamma_log_likelihood",
    "holdout_report",
    "holdout_svg",
    "holdout_text",
    "hyp2f1",
    "lifecycle_stage",
    "log_hyp2f1",
    "mbgnbd_conditional_p_purchases",
    "mbgnbd_expected_purchases",
    "mbgnbd_log_likelihood",
    "mbgnbd_p_alive",
    "mbgnbd_p_purchases",
    "member_value",
    "ntile_scores",
    "occasions",
    "pareto_nbd_conditional_p_purchases",
    "pareto_nbd_expected_purchases",
    "pareto_nbd_fit",
    "pareto_nbd_log_likelihood",
    "pareto_nbd_p_alive",
    "pareto_nbd_p_purchases",
    "programme_kpis",
    "rfm_inputs",
    "rfm_scores",
    "select_audience",
    "summarise_states",
    "summarise_transactions",
]


_EXPORTS: dict[str, str] = {
    "AUDIENCE_FIELDS": "._vocabulary",
    "AudienceMember": "._audiences",
    "AudienceSpec": "._model",
    "BgNbdFit": "._fit",
    "BgNbdParams": "._model",
    "BgNbdSummary": "._summaries",
    "CohortRetention": "._kpis",
    "GammaGammaFit": "._spend",
    "HoldoutBucket": "._holdout",
    "HoldoutReport": "._holdout",
    "LIFECYCLE_FIELDS": "._vocabulary",
    "LifecycleSection": "._model",
    "LifecycleStage": "._stages",
    "MemberSummary": "._transactions",
    "MemberValue": "._member_value",
    "ModelError": ".._errors",
    "MonthActivity": "._kpis",
    "ParetoNbdFit": "._fit",
    "PointsFlows": "._kpis",
    "ProgrammeKpis": "._kpis",
    "PurchaseFigures": "._summaries",
    "PurchaseModel": "._value",
    "RFM_FIELDS": "._vocabulary",
    "Rate": "._kpis",
    "RfmInput": "._rfm",
    "RfmScore": "._rfm",
    "RfmSection": "._model",
    "STAGE_FIELDS": "._vocabulary",
    "SegmentSpec": "._model",
    "SpendParams": "._model",
    "StageSpec": "._model",
    "SummarySpec": "._model",
    "ValueKpis": "._kpis",
    "ValueSpec": "._model",
    "WindowSpec": "._model",
    "bgnbd_conditional_p_purchases": "._bgnbd",
    "bgnbd_expected_purchases": "._bgnbd",
    "bgnbd_fit": "._fit",
    "bgnbd_log_likelihood": "._bgnbd",
    "bgnbd_p_alive": "._bgnbd",
    "bgnbd_p_purchases": "._bgnbd",
    "bgnbd_summary": "._summaries",
    "customer_lifetime_value": "._value",
    "figures": "._summaries",
    "fit_purchases": "._fit",
    "gamma_gamma_expected_spend": "._spend",
    "gamma_gamma_fit": "._spend",
    "gamma_gamma_log_likelihood": "._spend",
    "holdout_report": "._holdout",
    "holdout_svg": "._holdout_render",
    "holdout_text": "._holdout_render",
    "hyp2f1": "._special",
    "lifecycle_stage": "._stages",
    "log_hyp2f1": "._special",
    "mbgnbd_conditional_p_purchases": "._mbgnbd",
    "mbgnbd_expected_purchases": "._mbgnbd",
    "mbgnbd_log_likelihood": "._mbgnbd",
    "mbgnbd_p_alive": "._mbgnbd",
    "mbgnbd_p_purchases": "._mbgnbd",
    "member_value": "._member_value",
    "ntile_scores": "._rfm",
    "occasions": "._summaries",
    "pareto_nbd_conditional_p_purchases": "._pareto",
    "pareto_nbd_expected_purchases": "._pareto",
    "pareto_nbd_fit": "._fit",
    "pareto_nbd_log_likelihood": "._pareto",
    "pareto_nbd_p_alive": "._pareto",
    "pareto_nbd_p_purchases": "._pareto",
    "programme_kpis": "._kpis",
    "rfm_inputs": "._rfm",
    "rfm_scores": "._rfm",
    "select_audience": "._audiences",
    "summarise_states": "._state_summaries",
    "summarise_transactions": "._transactions",
}
"""Where each name lives; imported on first use (PEP 562), so importing the package is cheap."""


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())
