"""Programme KPIs over a population, in one streaming pass (memory constant in the members).

Every KPI is over a period ``[start, end)`` of aware instants; months and join cohorts are local
calendar months of the programme's timezone. The definitions (window, numerator, denominator) are
in ``docs/lifecycle.md``; each is repeated on its field below.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from .._decision import Explained
from .._errors import EventError
from .._limits import memberkit_context
from .._money import Money
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ._access import aware, lifecycle_of, tier_held_at
from ._fit import MODEL_NAMES
from ._member_value import UNIT_NAMES, value_of

if TYPE_CHECKING:
    from .._compiled import Policy

__all__ = [
    "CohortRetention",
    "MonthActivity",
    "PointsFlows",
    "ProgrammeKpis",
    "Rate",
    "ValueKpis",
    "programme_kpis",
]

Points = int | Decimal


@dataclass(frozen=True, slots=True)
class Rate:
    """A share: numerator ÷ denominator, None when the denominator is 0."""

    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        """The share as an exact decimal (None with nothing to divide by)."""
        if self.denominator == 0:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)


@dataclass(frozen=True, slots=True)
class MonthActivity:
    """Monthly active rate of one local calendar month (clipped to the period).

    numerator: members who purchased (an order not refunded in full) or had an activity in the
    month; denominator: members who had joined before the month (or the period) ended.
    """

    month: date
    """The first day of the month."""
    rate: Rate


@dataclass(frozen=True, slots=True)
class CohortRetention:
    """Retention of one join cohort: the members who joined in ``month`` and bought in the period."""

    month: date
    rate: Rate


@dataclass(frozen=True, slots=True)
class PointsFlows:
    """Points of one currency that moved in the period, and what is outstanding at its end.

    Read from the journals only. Flows are positive numbers: ``issued`` = earn + bonus credits;
    ``reversed`` = reverse debits; ``redeemed`` = redeem debits less redeem_cancel credits;
    ``expired`` = expire debits; transfers and adjustments (signed) as recorded. ``outstanding``
    is every journal entry before the end added up (the liability in points). ``breakage`` =
    expired ÷ (redeemed + expired): the share of the points leaving the liability in the period
    that left unused (None when none left).
    """

    currency: str
    issued: Points
    reversed: Points
    redeemed: Points
    expired: Points
    transferred_in: Points
    transferred_out: Points
    adjusted: Points
    outstanding: Points

    @property
    def breakage(self) -> Decimal | None:
        """expired ÷ (redeemed + expired) over the period."""
        leaving = self.redeemed + self.expired
        if leaving == 0:
            return None
        return Decimal(self.expired) / Decimal(leaving)


AT_RISK_BELOW = Decimal("0.5")
"""A member whose P(alive) is below this is counted at risk (the win-back pool)."""


@dataclass(frozen=True, slots=True)
class ValueKpis:
    """What the members are worth at the period's end, under the policy's purchase model.

    Each member with a purchase before the end is valued as ``member_value`` values them at the
    period's last moment (P(alive), and with ``lifecycle.value`` the purchases expected and the
    CLV over ``horizon`` in ``unit``). Every figure is a sum over members, so partial results
    add up. ``at_risk``: members whose P(alive) is below 0.5; ``clv_at_risk``: their CLV added
    up, the value a win-back campaign is after.
    """

    model: str
    """bgnbd, mbgnbd or pareto_nbd"""
    unit: str
    """the unit of ``horizon`` (the policy's ``lifecycle.summary.unit``)"""
    horizon: float | None
    """the period of ``expected_purchases`` and ``clv`` (None with ``lifecycle.bgnbd``)"""
    valued: int
    """members with at least one purchase before the end"""
    p_alive_sum: Decimal
    """Σ P(alive) over the valued members (each to four places)"""
    at_risk: int
    """valued members whose P(alive) is below 0.5"""
    expected_purchases: Decimal | None
    """Σ purchases expected over ``horizon`` (None with ``lifecycle.bgnbd``)"""
    clv: Money | None
    """Σ CLV over ``horizon`` in the programme's currency (None without ``value.spend``)"""
    clv_at_risk: Money | None
    """Σ CLV of the members at risk"""

    @property
    def mean_p_alive(self) -> Decimal | None:
        """The valued members' mean P(alive) (None with nobody valued)."""
        if not self.valued:
            return None
        return (self.p_alive_sum / self.valued).quantize(Decimal("0.0001"))


@dataclass(frozen=True, slots=True)
class ProgrammeKpis(Explained):
    """The programme's KPIs over ``[start, end)``."""

    start: datetime
    end: datetime
    members: int
    """Members who had joined before the end."""
    monthly_active: tuple[MonthActivity, ...]
    repurchase: Rate
    """numerator: members with two or more purchase occasions in the period; denominator:
    members with at least one."""
    member_sales: Money
    """Net amount (after refunds) of the members' orders placed in the period."""
    total_sales: Money | None
    """All sales in the period, members or not, as the host passed them in."""
    cohorts: tuple[CohortRetention, ...]
    tiers: tuple[tuple[str | None, int], ...]
    """Members by tier in force at the end (ladder order, then other ids, then no tier: None)."""
    points: tuple[PointsFlows, ...]
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
    value: ValueKpis | None = None
    """The members' value at the end, when the policy has ``lifecycle.value`` (or ``bgnbd``)."""

    @property
    def member_share_of_sales(self) -> Decimal | None:
        """member_sales ÷ total_sales; None when the total was not given or is 0."""
        if self.total_sales is None or self.total_sales.amount == 0:
            return None
        return self.member_sales.amount / self.total_sales.amount


def _month(day: date) -> date:
    return day.replace(day=1)


_FLOW = {
    "earn": "issued",
    "bonus": "issued",
    "reverse": "reversed",
    "redeem": "redeemed",
    "redeem_cancel": "redeemed",
    "expire": "expired",
    "transfer_in": "transferred_in",
    "transfer_out": "transferred_out",
    "adjust": "adjusted",
}
# Debits are recorded negative; flows are reported as positive amounts moved.
_SIGN = {
    "issued": 1,
    "reversed": -1,
    "redeemed": -1,
    "expired": -1,
    "transferred_in": 1,
    "transferred_out": -1,
    "adjusted": 1,
}


def _currency_name(policy: Policy, moment: datetime, currency: str) -> LocalizedText:
    """A points currency's display name (its id when the policy has no points section)."""
    points = policy.at(moment).points
    for compiled in points.currencies if points is not None else ():
        if compiled.id == currency:
            return compiled.name
    return LocalizedText({"en": currency})


@memberkit_context
def programme_kpis(
    policy: Policy,
    states: Iterable[MemberState],
    start: datetime,
    end: datetime,
    *,
    total_sales: Decimal | Money | None = None,
) -> ProgrammeKpis:
    """Every programme KPI over ``[start, end)``, in one pass over ``states``."""
    aware(start, "start")
    aware(end, "end")
    if end <= start:
        raise EventError("-", "the period ends before it starts", field="end", code="bad_period")
    compiled = lifecycle_of(policy, end)
    info = compiled.info
    tz = info.tz
    merge = compiled.same_day == "merge"
    first_month = _month(start.astimezone(tz).date())
    months: list[tuple[date, datetime]] = []  # (month, instant it ends, clipped to the period)
    month = first_month
    while True:
        month_start = datetime.combine(month, datetime.min.time(), tz)
        if month_start >= end:
            break
        month_end = datetime.combine(month + relativedelta(months=1), datetime.min.time(), tz)
        months.append((month, min(month_end, end)))
        month = month + relativedelta(months=1)
    month_members: Counter[date] = Counter()
    month_active: Counter[date] = Counter()
    cohort_size: Counter[date] = Counter()
    cohort_kept: Counter[date] = Counter()
    tiers: Counter[str | None] = Counter()
    flows: dict[str, dict[str, Points]] = defaultdict(lambda: dict.fromkeys(_SIGN, 0))
    outstanding: dict[str, Points] = defaultdict(int)
    members = buyers = repeaters = 0
    sales = Decimal(0)
    # Member value at the period's last moment (the period is [start, end)).
    last = end - timedelta(microseconds=1)
    valuing = compiled.value is not None or compiled.bgnbd is not None
    valued = at_risk = 0
    p_alive_sum = expected_sum = clv_sum = clv_at_risk = Decimal(0)
    for state in states:
        if state.joined_at >= end:
            continue
        folded = state.folded.orders_before if state.folded is not None else None
        if folded is not None and folded > start:
            # The member's records before this moment are folded into totals (the policy's
            # horizons, program.refund_days): a period before it cannot be counted per month.
            raise EventError(
                "-",
                f"the period starts on {start.isoformat()}, but member {state.member_id!r} keeps "
                f"orders from {folded.isoformat()} on (older ones are folded by the policy's "
                "horizons); start the period later, or replay the members' events first",
                field="start",
                code="period_before_history",
            )
        members += 1
        for month, month_end in months:
            if state.joined_at < month_end:
                month_members[month] += 1
        active_months: set[date] = set()
        days: set[date] = set()
        orders = 0
        for order in state.orders:
            if not start <= order.at < end:
                continue
            sales += order.net_amount
            if order.fully_refunded:
                continue
            local = order.at.astimezone(tz).date()
            active_months.add(_month(local))
            days.add(local)
            orders += 1
        for act in state.activities:
            if start <= act.at < end:
                active_months.add(_month(act.at.astimezone(tz).date()))
        for month in active_months:
            month_active[month] += 1
        occasions = len(days) if merge else orders
        if occasions:
            buyers += 1
            if occasions >= 2:
                repeaters += 1
        cohort = _month(state.joined_at.astimezone(tz).date())
        cohort_size[cohort] += 1
        if occasions:
            cohort_kept[cohort] += 1
        # The tier at the period's end, after the reviews due by then (not the last recorded).
        tiers[tier_held_at(policy, state, end)] += 1
        worth = value_of(compiled, state, last) if valuing else None
        if worth is not None:
            valued += 1
            p_alive_sum += worth.p_alive
            risky = worth.p_alive < AT_RISK_BELOW
            at_risk += risky
            expected_sum += worth.expected_purchases or 0
            if worth.clv is not None:
                clv_sum += worth.clv.amount
                clv_at_risk += worth.clv.amount if risky else 0
        for entry in state.points.journal:
            if entry.at >= end:
                continue
            outstanding[entry.currency] += entry.points
            if entry.at < start:
                continue
            flow = _FLOW.get(entry.kind)
            if flow is not None:
                flows[entry.currency][flow] += _SIGN[flow] * entry.points
    total: Money | None
    if total_sales is None:
        total = None
    elif isinstance(total_sales, Money):
        total = total_sales
    else:
        total = Money(total_sales, info.currency)
    ladder = {tier: i for i, tier in enumerate(compiled.tier_ids)}
    tier_order = sorted(
        tiers.items(),
        key=lambda kv: (kv[0] is None, ladder.get(kv[0] or "", len(ladder)), kv[0] or ""),
    )
    points = tuple(
        PointsFlows(
            currency=currency,
            outstanding=outstanding[currency],
            **flows[currency],
        )
        for currency in sorted(outstanding)
    )
    repurchase = Rate(repeaters, buyers)
    member_sales = Money(sales, info.currency)
    reasons = [
        Reason.of(
            "lifecycle.kpi_members",
            "",
            members=members,
            start=start.astimezone(tz),
            # The period is [start, end): its last instant is a moment before ``end``.
            last=(end - timedelta(microseconds=1)).astimezone(tz),
        ),
        Reason.of(
            "lifecycle.kpi_repurchase",
            "",
            repeaters=repeaters,
            buyers=buyers,
            rate=repurchase.value if repurchase.value is not None else Decimal(0),
        ),
        Reason.of("lifecycle.kpi_member_sales", "", member_sales=member_sales, total_sales=total),
    ]
    reasons += [
        Reason.of(
            "lifecycle.kpi_points",
            "",
            currency=_currency_name(policy, end, flow.currency),
            issued=flow.issued,
            redeemed=flow.redeemed,
            expired=flow.expired,
            outstanding=flow.outstanding,
        )
        for flow in points
    ]
    value: ValueKpis | None = None
    if valuing:
        spec = compiled.value
        has_clv = spec is not None and spec.spend is not None
        value = ValueKpis(
            model=spec.model if spec is not None else "bgnbd",
            unit="weeks" if compiled.unit == "weeks" else "days",
            horizon=spec.horizon if spec is not None else None,
            valued=valued,
            p_alive_sum=p_alive_sum,
            at_risk=at_risk,
            expected_purchases=expected_sum if spec is not None else None,
            clv=Money(clv_sum, info.currency) if has_clv else None,
            clv_at_risk=Money(clv_at_risk, info.currency) if has_clv else None,
        )
        reasons += _value_reasons(value)
    return ProgrammeKpis(
        start=start,
        end=end,
        members=members,
        monthly_active=tuple(
            MonthActivity(month, Rate(month_active[month], month_members[month]))
            for month, _ in months
        ),
        repurchase=repurchase,
        member_sales=member_sales,
        total_sales=total,
        cohorts=tuple(
            CohortRetention(month, Rate(cohort_kept[month], cohort_size[month]))
            for month in sorted(cohort_size)
        ),
        tiers=tuple(tier_order),
        points=points,
        reasons=tuple(reasons),
        default_locale=info.locale,
        value=value,
    )


def _value_reasons(value: ValueKpis) -> list[Reason]:
    """The value KPIs in words: how many valued, how likely active, at risk, expected and CLV."""
    reasons = [
        Reason.of(
            "lifecycle.kpi_value",
            "",
            members=value.valued,
            model=MODEL_NAMES[value.model],
            mean_p_alive=value.mean_p_alive if value.mean_p_alive is not None else Decimal(0),
            at_risk=value.at_risk,
        )
    ]
    if value.horizon is None or value.expected_purchases is None:
        return reasons
    horizon = Decimal(repr(value.horizon)).normalize()
    unit = UNIT_NAMES[value.unit]
    reasons.append(
        Reason.of(
            "lifecycle.kpi_expected_purchases",
            "",
            expected=value.expected_purchases,
            horizon=horizon,
            unit=unit,
        )
    )
    if value.clv is not None and value.clv_at_risk is not None:
        reasons.append(
            Reason.of(
                "lifecycle.kpi_clv",
                "",
                clv=value.clv,
                clv_at_risk=value.clv_at_risk,
                horizon=horizon,
                unit=unit,
            )
        )
    return reasons
