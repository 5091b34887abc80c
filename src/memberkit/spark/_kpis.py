"""Programme KPIs and audiences as Spark work over the states table.

Every figure of :func:`memberkit.programme_kpis` is a sum over members (counts, numerators and
denominators of rates, amounts, points). So each member's share is computed where the member's
state is, by ``programme_kpis`` itself on that one member, flattened to ``(metric, key, value)``
rows, and Spark adds the rows up by ``(metric, key)``. The single-machine result flattened by
:func:`kpi_rows` is the same table, to the last point.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as sf
from pyspark.sql.types import StringType, StructField, StructType

from .._state import state_from_json
from ._night import POINTS, _require

if TYPE_CHECKING:
    from pyspark.broadcast import Broadcast

    from .._compiled import Policy
    from ..lifecycle import ProgrammeKpis

__all__ = [
    "AUDIENCE_COLUMNS",
    "KPI_COLUMNS",
    "audience_members",
    "kpi_rows",
    "programme_kpis_table",
]

KPI_COLUMNS = StructType(
    [
        StructField("metric", StringType(), False),
        StructField("key", StringType(), True),
        StructField("value", POINTS, True),
    ]
)
"""The KPI table: a metric, what it is of (a month, a tier, a currency; null for none), a value."""

AUDIENCE_COLUMNS = StructType(
    [
        StructField("member_id", StringType(), False),
        StructField("audience", StringType(), False),
        StructField("stage", StringType(), True),
    ]
)
"""An audience's members, with the lifecycle stage each is in."""

KpiRow = tuple[str, str | None, Decimal]

_FLOWS = (
    "issued",
    "reversed",
    "redeemed",
    "expired",
    "transferred_in",
    "transferred_out",
    "adjusted",
    "outstanding",
)


def kpi_rows(kpis: ProgrammeKpis) -> list[KpiRow]:
    """The KPI table of a ``programme_kpis`` result, sorted: what the Spark job writes.

    Rates appear as their two counts (``monthly_active`` over ``monthly_members``,
    ``repeat_buyers`` over ``buyers``, ``cohort_kept`` over ``cohort_members``), so they add up
    over members and partitions; a reader divides. With a purchase model in the policy the
    members' value at the period's end is there too (``value_members``, ``value_p_alive_sum``,
    ``value_at_risk``, ``value_expected_purchases``, ``value_clv``, ``value_clv_at_risk``).
    """
    rows: list[KpiRow] = [
        ("members", None, Decimal(kpis.members)),
        ("buyers", None, Decimal(kpis.repurchase.denominator)),
        ("repeat_buyers", None, Decimal(kpis.repurchase.numerator)),
        ("member_sales", kpis.member_sales.currency, kpis.member_sales.amount),
    ]
    for month in kpis.monthly_active:
        rows.append(("monthly_members", month.month.isoformat(), Decimal(month.rate.denominator)))
        rows.append(("monthly_active", month.month.isoformat(), Decimal(month.rate.numerator)))
    for cohort in kpis.cohorts:
        rows.append(("cohort_members", cohort.month.isoformat(), Decimal(cohort.rate.denominator)))
        rows.append(("cohort_kept", cohort.month.isoformat(), Decimal(cohort.rate.numerator)))
    rows += [("tier_members", tier, Decimal(count)) for tier, count in kpis.tiers]
    rows += [
        (f"points_{name}", flow.currency, Decimal(getattr(flow, name)))
        for flow in kpis.points
        for name in _FLOWS
    ]
    value = kpis.value
    if value is not None:
        # Member value at the period's end: sums over the valued members, keyed by the model
        # (money by its currency); a mean P(alive) is value_p_alive_sum over value_members.
        rows += [
            ("value_members", value.model, Decimal(value.valued)),
            ("value_p_alive_sum", value.model, value.p_alive_sum),
            ("value_at_risk", value.model, Decimal(value.at_risk)),
        ]
        if value.expected_purchases is not None:
            rows.append(("value_expected_purchases", value.model, value.expected_purchases))
        for metric, money in (("value_clv", value.clv), ("value_clv_at_risk", value.clv_at_risk)):
            if money is not None:
                rows.append((metric, money.currency, money.amount))
    return sorted(rows, key=lambda row: (row[0], row[1] or ""))


def programme_kpis_table(
    policy: Policy, states: DataFrame, start: datetime, end: datetime
) -> DataFrame:
    """The KPI table of the members in ``states`` over ``[start, end)``, summed by Spark.

    ``states`` has a ``state`` column (``state_to_json``), such as ``replay_members(...).states``.
    Equal to ``kpi_rows(programme_kpis(policy, members, start, end))``. Raises what
    ``programme_kpis`` raises for the period (checked on the driver first).
    """
    from ..lifecycle import programme_kpis

    _require(states, ("state",), "states")
    # The empty population gives every month of the period, and checks the period.
    skeleton = kpi_rows(programme_kpis(policy, [], start, end))
    spark = states.sparkSession
    shared = spark.sparkContext.broadcast(policy)

    def shares(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        yield from _shares(shared, start, end, batches)

    parts = states.select("state").mapInPandas(shares, schema=KPI_COLUMNS)
    base = spark.createDataFrame(skeleton, schema=KPI_COLUMNS)
    return (
        parts.unionByName(base)
        .groupBy("metric", "key")
        .agg(sf.sum("value").cast(POINTS).alias("value"))
        .orderBy("metric", sf.coalesce(sf.col("key"), sf.lit("")))
    )


def audience_members(
    policy: Policy, states: DataFrame, audience_id: str, as_of: datetime
) -> DataFrame:
    """The members of ``states`` the audience selects at ``as_of`` (:data:`AUDIENCE_COLUMNS`).

    The same members as ``select_audience``; an unknown audience is refused on the driver.
    """
    from ..lifecycle import select_audience

    _require(states, ("state",), "states")
    select_audience(policy, [], audience_id, as_of)  # refuses an unknown id or a naive moment
    shared = states.sparkSession.sparkContext.broadcast(policy)

    def chosen(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        yield from _chosen(shared, audience_id, as_of, batches)

    return states.select("state").mapInPandas(chosen, schema=AUDIENCE_COLUMNS)


# --- in the Python workers --------------------------------------------------------------------


def _shares(
    shared: Broadcast[Policy], start: datetime, end: datetime, batches: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    from ..lifecycle import programme_kpis

    policy = shared.value
    names = [f.name for f in KPI_COLUMNS.fields]
    for batch in batches:
        rows: list[KpiRow] = []
        for text in batch["state"]:
            rows += kpi_rows(programme_kpis(policy, [state_from_json(text)], start, end))
        yield pd.DataFrame(rows, columns=names)


def _chosen(
    shared: Broadcast[Policy], audience_id: str, as_of: datetime, batches: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    from ..lifecycle import select_audience

    policy = shared.value
    names = [f.name for f in AUDIENCE_COLUMNS.fields]
    for batch in batches:
        states = [state_from_json(text) for text in batch["state"]]
        rows = [
            (member.member_id, member.audience, member.stage)
            for member in select_audience(policy, states, audience_id, as_of)
        ]
        yield pd.DataFrame(rows, columns=names)
