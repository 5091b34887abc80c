"""Programme KPIs over a population, in one streaming pass (memory constant in the members).

Every KPI is over a period ``[start, end)`` of aware instants; months and join cohorts are local
calendar months of the programme's timezone. The definitions (window, numerator, denominator) are
in ``docs/lifecycle.md``; each is repeated on its field below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import add
from typing import TYPE_CHECKING, TypeVar, cast

from dateutil.relativedelta import relativedelta

from .._decision import Explained
from .._errors import EventError
from .._limits import memberkit_context
from .._money import Money
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ._access import aware, lifecycle_of, tier_held_at
from ._compile import CompiledLifecycle
from ._fit import MODEL_NAMES
from ._member_value import UNIT_NAMES, value_of

if TYPE_CHECKING:
    from .._compiled import Policy

__all__ = [
    "CohortRetention",
    "KpiCounts",
    "KpiPeriod",
    "MonthActivity",
    "PointsFlows",
    "ProgrammeKpis",
    "Rate",
    "ValueKpis",
    "kpi_period",
    "kpis_of",
    "member_kpis",
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


@dataclass(frozen=True, slots=True)
class KpiCounts:
    """What a group of members adds to the programme's KPIs over a period.

    Every figure of :class:`ProgrammeKpis` is a sum over members (counts, the numerators and
    denominators of rates, amounts, points), so the counts of two groups added with ``+`` are
    the counts of both: members can be counted where they are (a worker process, a partition)
    and only these totals brought together. ``kpis_of`` turns them into the KPIs.
    """

    members: int = 0
    month_members: Mapping[date, int] = field(default_factory=dict)
    month_active: Mapping[date, int] = field(default_factory=dict)
    cohort_size: Mapping[date, int] = field(default_factory=dict)
    cohort_kept: Mapping[date, int] = field(default_factory=dict)
    buyers: int = 0
    repeaters: int = 0
    sales: Decimal = Decimal(0)
    tiers: Mapping[str | None, int] = field(default_factory=dict)
    flows: Mapping[str, Mapping[str, Points]] = field(default_factory=dict)
    """Per currency, the period's flows by name (as in :class:`PointsFlows`)."""
    outstanding: Mapping[str, Points] = field(default_factory=dict)
    valued: int = 0
    at_risk: int = 0
    p_alive_sum: Decimal = Decimal(0)
    expected_sum: Decimal = Decimal(0)
    clv_sum: Decimal = Decimal(0)
    clv_at_risk: Decimal = Decimal(0)

    @memberkit_context
    def __add__(self, other: KpiCounts) -> KpiCounts:
        """The counts of both groups."""
        return KpiCounts(
            members=self.members + other.members,
            month_members=_added(self.month_members, other.month_members),
            month_active=_added(self.month_active, other.month_active),
            cohort_size=_added(self.cohort_size, other.cohort_size),
            cohort_kept=_added(self.cohort_kept, other.cohort_kept),
            buyers=self.buyers + other.buyers,
            repeaters=self.repeaters + other.repeaters,
            sales=self.sales + other.sales,
            tiers=_added(self.tiers, other.tiers),
            flows={
                currency: _added(self.flows.get(currency, {}), other.flows.get(currency, {}))
                for currency in {**self.flows, **other.flows}
            },
            outstanding=_added(self.outstanding, other.outstanding),
            valued=self.valued + other.valued,
            at_risk=self.at_risk + other.at_risk,
            p_alive_sum=self.p_alive_sum + other.p_alive_sum,
            expected_sum=self.expected_sum + other.expected_sum,
            clv_sum=self.clv_sum + other.clv_sum,
            clv_at_risk=self.clv_at_risk + other.clv_at_risk,
        )


K = TypeVar("K")
N = TypeVar("N", bound=int | Decimal)


def _added(mine: Mapping[K, N], theirs: Mapping[K, N]) -> dict[K, N]:
    """Both mappings' numbers, added key by key (a key in one only keeps its number)."""
    total = dict(mine)
    for key, value in theirs.items():
        total[key] = cast(N, add(total[key], value)) if key in total else value
    return total


@dataclass(frozen=True, slots=True)
class KpiPeriod:
    """The period ``[start, end)`` of a KPI count, checked once, with what every member's count
    reads of the policy (its months, the lifecycle section in force at the end)."""

    policy: Policy
    start: datetime
    end: datetime
    compiled: CompiledLifecycle
    months: tuple[tuple[date, datetime], ...]
    """Each local calendar month of the period and the instant it ends (clipped to the end)."""


def kpi_period(policy: Policy, start: datetime, end: datetime) -> KpiPeriod:
    """The period ``[start, end)`` checked (aware, not empty), for ``member_kpis``."""
    aware(start, "start")
    aware(end, "end")
    if end <= start:
        raise EventError("-", "the period ends before it starts", field="end", code="bad_period")
    compiled = lifecycle_of(policy, end)
    tz = compiled.info.tz
    months: list[tuple[date, datetime]] = []
    month = _month(start.astimezone(tz).date())
    while True:
        month_start = datetime.combine(month, datetime.min.time(), tz)
        if month_start >= end:
            break
        month_end = datetime.combine(month + relativedelta(months=1), datetime.min.time(), tz)
        months.append((month, min(month_end, end)))
        month = month + relativedelta(months=1)
    return KpiPeriod(policy, start, end, compiled, tuple(months))


@memberkit_context
def member_kpis(period: KpiPeriod, state: MemberState) -> KpiCounts:
    """What one member adds to the programme's KPIs over ``period`` (nothing when the member
    joined after it); ``programme_kpis`` is these counts added up over the members."""
    start, end, compiled = period.start, period.end, period.compiled
    if state.joined_at >= end:
        return KpiCounts()
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
    tz = compiled.info.tz
    active_months: set[date] = set()
    days: set[date] = set()
    orders = 0
    sales = Decimal(0)
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
    occasions = len(days) if compiled.same_day == "merge" else orders
    cohort = _month(state.joined_at.astimezone(tz).date())
    flows: dict[str, dict[str, Points]] = {}
    outstanding: dict[str, Points] = {}
    for entry in state.points.journal:
        if entry.at >= end:
            continue
        outstanding[entry.currency] = outstanding.get(entry.currency, 0) + entry.points
        if entry.at < start:
            continue
        flow = _FLOW.get(entry.kind)
        if flow is not None:
            moved = flows.setdefault(entry.currency, dict.fromkeys(_SIGN, 0))
            moved[flow] += _SIGN[flow] * entry.points
    # The tier at the period's end, after the reviews due by then (not the last recorded).
    tier = tier_held_at(period.policy, state, end)
    valuing = compiled.value is not None or compiled.bgnbd is not None
    # Member value at the period's last moment (the period is [start, end)).
    worth = value_of(compiled, state, end - timedelta(microseconds=1)) if valuing else None
    risky = worth is not None and worth.p_alive < AT_RISK_BELOW
    clv = worth.clv.amount if worth is not None and worth.clv is not None else Decimal(0)
    return KpiCounts(
        members=1,
        month_members={
            month: 1 for month, month_end in period.months if state.joined_at < month_end
        },
        month_active=dict.fromkeys(active_months, 1),
        cohort_size={cohort: 1},
        cohort_kept={cohort: 1} if occasions else {},
        buyers=1 if occasions else 0,
        repeaters=1 if occasions >= 2 else 0,
        sales=sales,
        tiers={tier: 1},
        flows=flows,
        outstanding=outstanding,
        valued=1 if worth is not None else 0,
        at_risk=1 if risky else 0,
        p_alive_sum=worth.p_alive if worth is not None else Decimal(0),
        expected_sum=(worth.expected_purchases or Decimal(0)) if worth is not None else Decimal(0),
        clv_sum=clv,
        clv_at_risk=clv if risky else Decimal(0),
    )


@memberkit_context
def programme_kpis(
    policy: Policy,
    states: Iterable[MemberState],
    start: datetime,
    end: datetime,
    *,
    total_sales: Decimal | Money | None = None,
) -> ProgrammeKpis:
    """Every programme KPI over ``[start, end)``, in one pass over ``states``: each member's
    ``member_kpis`` added up."""
    period = kpi_period(policy, start, end)
    counts = KpiCounts()
    for state in states:
        counts += member_kpis(period, state)
    return kpis_of(period, counts, total_sales=total_sales)


@memberkit_context
def kpis_of(
    period: KpiPeriod, counts: KpiCounts, *, total_sales: Decimal | Money | None = None
) -> ProgrammeKpis:
    """The programme's KPIs over ``period`` from the members' counts added up."""
    policy, start, end, compiled = period.policy, period.start, period.end, period.compiled
    info = compiled.info
    tz = info.tz
    valuing = compiled.value is not None or compiled.bgnbd is not None
    members, buyers, repeaters, sales = (
        counts.members,
        counts.buyers,
        counts.repeaters,
        counts.sales,
    )
    tiers = counts.tiers
    valued, at_risk, p_alive_sum = counts.valued, counts.at_risk, counts.p_alive_sum
    expected_sum, clv_sum, clv_at_risk = counts.expected_sum, counts.clv_sum, counts.clv_at_risk
    months = period.months
    month_active, month_members = counts.month_active, counts.month_members
    cohort_size, cohort_kept = counts.cohort_size, counts.cohort_kept
    outstanding = counts.outstanding
    flows = counts.flows
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
            **flows.get(currency, dict.fromkeys(_SIGN, 0)),
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
            MonthActivity(month, Rate(month_active.get(month, 0), month_members.get(month, 0)))
            for month, _ in months
        ),
        repurchase=repurchase,
        member_sales=member_sales,
        total_sales=total,
        cohorts=tuple(
            CohortRetention(month, Rate(cohort_kept.get(month, 0), cohort_size[month]))
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
