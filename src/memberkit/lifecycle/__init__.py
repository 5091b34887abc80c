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

from .._errors import ModelError
from ._audiences import AudienceMember, select_audience
from ._bgnbd import (
    bgnbd_conditional_p_purchases,
    bgnbd_expected_purchases,
    bgnbd_log_likelihood,
    bgnbd_p_alive,
    bgnbd_p_purchases,
)
from ._fit import BgNbdFit, ParetoNbdFit, bgnbd_fit, fit_purchases, pareto_nbd_fit
from ._holdout import HoldoutBucket, HoldoutReport, holdout_report
from ._holdout_render import holdout_svg, holdout_text
from ._kpis import CohortRetention, MonthActivity, PointsFlows, ProgrammeKpis, Rate, programme_kpis
from ._mbgnbd import (
    mbgnbd_conditional_p_purchases,
    mbgnbd_expected_purchases,
    mbgnbd_log_likelihood,
    mbgnbd_p_alive,
    mbgnbd_p_purchases,
)
from ._member_value import MemberValue, member_value
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
from ._rfm import RfmInput, RfmScore, ntile_scores, rfm_inputs, rfm_scores
from ._special import hyp2f1, log_hyp2f1
from ._spend import (
    GammaGammaFit,
    gamma_gamma_expected_spend,
    gamma_gamma_fit,
    gamma_gamma_log_likelihood,
)
from ._stages import LifecycleStage, lifecycle_stage
from ._summaries import BgNbdSummary, PurchaseFigures, bgnbd_summary, figures, occasions
from ._transactions import MemberSummary, summarise_transactions
from ._value import PurchaseModel, customer_lifetime_value
from ._vocabulary import AUDIENCE_FIELDS, LIFECYCLE_FIELDS, RFM_FIELDS, STAGE_FIELDS

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
    "summarise_transactions",
]
