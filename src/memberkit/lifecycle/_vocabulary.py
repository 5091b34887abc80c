"""The fields lifecycle conditions read: stage rules, RFM segments and audiences.

Every figure is worked out in the programme's timezone from the member's orders (fully refunded
orders do not count as purchases) and activities, as of the moment asked about. A figure that
cannot be known (no purchase yet, fewer than two purchases for a gap) is missing, and a missing
value makes its comparison false: unknown is not evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .._reasons import LocalizedText
from ..rules import MEMBER_FIELDS, TIME_FIELDS, FieldType

__all__ = ["AUDIENCE_FIELDS", "LIFECYCLE_FIELDS", "RFM_FIELDS", "STAGE_FIELDS"]

LIFECYCLE_FIELDS: MappingProxyType[str, FieldType] = MappingProxyType(
    {
        "recency_days": FieldType.NUMBER,
        "activity_recency_days": FieldType.NUMBER,
        "frequency": FieldType.NUMBER,
        "monetary": FieldType.NUMBER,
        "purchases": FieldType.NUMBER,
        "median_gap_days": FieldType.NUMBER,
        "recency_gap_ratio": FieldType.NUMBER,
        "max_gap_days": FieldType.NUMBER,
        "was_churned": FieldType.BOOL,
        "p_alive": FieldType.NUMBER,
        "expected_purchases": FieldType.NUMBER,
        "clv": FieldType.NUMBER,
        "tier_rank": FieldType.NUMBER,
    }
)
"""Figures of a member's purchase history at a moment.

=====================  ======  ===========================================================
field                  type    meaning
=====================  ======  ===========================================================
recency_days           NUMBER  whole local days since the last purchase (missing if none)
activity_recency_days  NUMBER  whole local days since the last purchase or activity
frequency              NUMBER  purchase occasions in the window (``lifecycle.window``)
monetary               NUMBER  net spend (after refunds) of the orders in the window
purchases              NUMBER  purchase occasions ever, up to the moment
median_gap_days        NUMBER  median days between consecutive purchase occasions
                               (missing with fewer than two)
recency_gap_ratio      NUMBER  recency_days ÷ median_gap_days: 3 means "three usual gaps
                               without buying" (missing when the median is missing or 0)
max_gap_days           NUMBER  the longest gap between consecutive purchase occasions
was_churned            BOOL    a gap of ``churn_gap_days`` or more lies between two past
                               purchase occasions: the member lapsed once and came back
p_alive                NUMBER  probability the member is still active, 0..1 (BG/NBD,
                               MBG/NBD or Pareto/NBD: only when the policy gives
                               ``lifecycle.bgnbd`` or ``lifecycle.value``)
expected_purchases     NUMBER  purchases expected in the next ``value.horizon`` (in
                               ``summary.unit``), from ``lifecycle.value``
clv                    NUMBER  customer lifetime value: the discounted spend expected over
                               ``value.horizon``, in the programme's currency (needs
                               ``value.spend``)
tier_rank              NUMBER  the position of the tier in force on the ladder, lowest 0
=====================  ======  ===========================================================

A purchase occasion is one order, or, with ``summary.same_day: merge`` (the default), every order
of one local day taken together.
"""

STAGE_FIELDS: MappingProxyType[str, FieldType] = MappingProxyType(
    dict(LIFECYCLE_FIELDS) | dict(MEMBER_FIELDS) | dict(TIME_FIELDS)
)
"""What a stage's ``when:`` may test: the lifecycle figures, the member fields and the moment."""

RFM_FIELDS: MappingProxyType[str, FieldType] = MappingProxyType(
    {
        "r": FieldType.NUMBER,
        "f": FieldType.NUMBER,
        "m": FieldType.NUMBER,
        "fm": FieldType.NUMBER,
        "rfm": FieldType.TEXT,
    }
)
"""What an RFM segment's ``when:`` may test: the scores (1..n, n best), for segments given as
ranges of scores or as score cells.

=====  ======  ================================================================
field  type    meaning
=====  ======  ================================================================
r      NUMBER  recency score, 1..n (n: bought most recently)
f      NUMBER  frequency score, 1..n (n: buys most often)
m      NUMBER  monetary score, 1..n (n: spends most)
fm     NUMBER  (f + m) ÷ 2
rfm    TEXT    the three scores as digits, e.g. ``"545"``
=====  ======  ================================================================
"""

AUDIENCE_FIELDS: MappingProxyType[str, FieldType] = MappingProxyType(
    dict(STAGE_FIELDS)
    | {
        "stage": FieldType.TEXT,
        "months_to_birthday": FieldType.NUMBER,
        "points_expiring": FieldType.NUMBER,
    }
)
"""What an audience's ``when:`` may test: the stage fields, plus these.

==================  ======  =========================================================
field               type    meaning
==================  ======  =========================================================
stage               TEXT    the member's lifecycle stage id
months_to_birthday  NUMBER  0 in the birthday month, 1 the month before...
points_expiring     NUMBER  points that expire within the audience's
                            ``expiring_within_days``
==================  ======  =========================================================
"""


def _label(zh_hans: str, zh_hant: str, en: str) -> LocalizedText:
    return LocalizedText({"zh_Hans": zh_hans, "zh_Hant": zh_hant, "en": en}, "en")


FIELD_NAMES: Mapping[str, LocalizedText] = MappingProxyType(
    {
        "recency_days": _label("距上次购买天数", "距上次購買天數", "days since the last purchase"),
        "activity_recency_days": _label(
            "距上次活动天数", "距上次活動天數", "days since the last activity"
        ),
        "frequency": _label("统计期内购买次数", "統計期內購買次數", "purchases in the window"),
        "monetary": _label("统计期内消费金额", "統計期內消費金額", "spending in the window"),
        "purchases": _label("累计购买次数", "累計購買次數", "purchases in all"),
        "median_gap_days": _label(
            "购买间隔中位数（天）", "購買間隔中位數（天）", "median days between purchases"
        ),
        "recency_gap_ratio": _label(
            "沉默天数与常规购买间隔之比",
            "沉默天數與常規購買間隔之比",
            "days since the last purchase ÷ the usual gap",
        ),
        "max_gap_days": _label(
            "最长购买间隔（天）", "最長購買間隔（天）", "longest gap between purchases (days)"
        ),
        "was_churned": _label("曾经流失", "曾經流失", "churned before"),
        "p_alive": _label("仍活跃的概率", "仍活躍的機率", "probability still active"),
        "expected_purchases": _label("预计购买次数", "預計購買次數", "expected purchases"),
        "clv": _label("客户终身价值", "客戶終身價值", "customer lifetime value"),
        "tier_rank": _label("等级序号", "等級序號", "tier rank"),
        "r": _label("R 分", "R 分", "R score"),
        "f": _label("F 分", "F 分", "F score"),
        "m": _label("M 分", "M 分", "M score"),
        "fm": _label("F、M 平均分", "F、M 平均分", "average of F and M"),
        "rfm": _label("RFM 分组", "RFM 分組", "RFM cell"),
        "stage": _label("生命周期阶段", "生命週期階段", "lifecycle stage"),
        "months_to_birthday": _label("距生日月份数", "距生日月份數", "months to the birthday"),
        "points_expiring": _label("即将过期积分", "即將過期積分", "points expiring"),
    }
)
"""What each lifecycle field is called, in the shipped locales (for explanations)."""
