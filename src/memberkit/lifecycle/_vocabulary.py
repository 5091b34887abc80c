"""The fields lifecycle conditions read: stage rules, RFM segments and audiences.

Every figure is worked out in the programme's timezone from the member's orders (fully refunded
orders do not count as purchases) and activities, as of the moment asked about. A figure that
cannot be known (no purchase yet, fewer than two purchases for a gap) is missing, and a missing
value makes its comparison false: unknown is not evidence.
"""

from __future__ import annotations

from types import MappingProxyType

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
p_alive                NUMBER  BG/NBD probability the member is still active, 0..1
                               (only when the policy gives ``lifecycle.bgnbd``)
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
"""What an RFM segment's ``when:`` may test: the scores (1..n, n best), ``fm`` = (f + m) ÷ 2 and
``rfm`` the three digits as text (``"545"``), for segments given as score cells."""

AUDIENCE_FIELDS: MappingProxyType[str, FieldType] = MappingProxyType(
    dict(STAGE_FIELDS)
    | {
        "stage": FieldType.TEXT,
        "months_to_birthday": FieldType.NUMBER,
        "points_expiring": FieldType.NUMBER,
    }
)
"""What an audience's ``when:`` may test: the stage fields, plus ``stage`` (the lifecycle stage
id), ``months_to_birthday`` (0 in the birthday month, 1 the month before...) and
``points_expiring`` (points that expire within the audience's ``expiring_within_days``)."""
