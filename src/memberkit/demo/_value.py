"""The demo's member-value section: the purchase and spend models fitted on the population.

Two fits. The first stops 26 weeks before the report's day and is checked against what the members
then bought (the holdout report, a table and a chart). The second uses everything up to the day
and gives each member's P(alive) and 52-week CLV (10% a year discount, 4-week steps): how much
value the programme holds, how concentrated it is, and how many valuable members look lost
(the win-back list: CLV in the top fifth and P(alive) < 0.5). The model and the time unit are the
policy's (``lifecycle.value.model``, ``lifecycle.summary``); without them BG/NBD in days.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Literal

from .._compiled import Policy
from .._errors import ModelError
from .._money import Money
from .._state import MemberState
from ..lifecycle import (
    HoldoutReport,
    MemberSummary,
    PurchaseModel,
    customer_lifetime_value,
    fit_purchases,
    gamma_gamma_expected_spend,
    gamma_gamma_fit,
    holdout_report,
    summarise_transactions,
)
from ..lifecycle._fit import ModelName
from ..lifecycle._transactions import Unit

__all__ = ["OrderRow", "ValueFigures", "ValueInput", "value_figures", "value_inputs"]

HOLDOUT_WEEKS = 26
HORIZON_WEEKS = 52
DISCOUNT_RATE = Decimal("0.10")
MIN_MEMBERS = 50

OrderRow = tuple[str, datetime, Decimal]
"""(member id, when, net amount) of an order not fully refunded."""


@dataclass(frozen=True, slots=True)
class ValueFigures:
    """The population's value under models fitted on it."""

    holdout: HoldoutReport | None
    model: PurchaseModel
    members: int
    clv_total: Money
    top_fifth_share: Decimal
    """The share of all CLV held by the most valuable fifth of the members."""
    win_back: int
    """Members in the most valuable fifth whose P(alive) is below 0.5."""
    mean_p_alive: Decimal
    horizon_weeks: int = HORIZON_WEEKS


@dataclass(frozen=True, slots=True)
class ValueInput:
    """One member's purchase history as the value section reads it, made where the member is
    replayed so that only these few numbers, not the orders, wait for the fit."""

    whole: MemberSummary
    """(x, t_x, T) and the mean repeat spend up to the report's day."""
    calibration: MemberSummary | None
    """(x, t_x, T) up to the holdout cut and the purchases after it; None when the member's
    first purchase is after the cut."""


@dataclass(frozen=True, slots=True)
class _Settings:
    """What the value section reads of the policy at the report's day."""

    unit: Unit
    same_day: Literal["merge", "keep"]
    model: ModelName
    per: int
    tz: tzinfo
    today: date
    cut: date
    currency: str


def _settings(policy: Policy, as_of: datetime) -> _Settings:
    program = policy.at(as_of)
    section = program.lifecycle
    unit: Unit = "weeks" if section is not None and section.unit == "weeks" else "days"
    tz = program.info.tz
    today: date = as_of.astimezone(tz).date()
    return _Settings(
        unit=unit,
        same_day="keep" if section is not None and section.same_day == "keep" else "merge",
        model=section.value.model if section is not None and section.value else "bgnbd",
        per=7 if unit == "weeks" else 1,
        tz=tz,
        today=today,
        cut=today - timedelta(days=7 * HOLDOUT_WEEKS),
        currency=program.info.currency,
    )


def _rows(states: Iterable[MemberState], as_of: datetime) -> Iterator[OrderRow]:
    for state in sorted(states, key=lambda s: s.member_id):
        for order in sorted(state.orders, key=lambda o: o.at):
            if order.at <= as_of and not order.fully_refunded:
                yield state.member_id, order.at, order.net_amount


def value_inputs(
    policy: Policy, as_of: datetime, orders: Sequence[OrderRow]
) -> Iterator[ValueInput]:
    """The value section's input of each member in ``orders`` (rows ordered by member, then
    time) who bought up to ``as_of``; the rows of one member give that member's input alone."""
    settings = _settings(policy, as_of)

    def summaries(end: date, holdout_end: date | None) -> Iterator[MemberSummary]:
        return summarise_transactions(
            iter(orders),
            calibration_end=end,
            holdout_end=holdout_end,
            unit=settings.unit,
            same_day=settings.same_day,
            tz=settings.tz,
        )

    # Every member bought by the cut bought by the day too: the calibration summaries are a
    # subsequence of the whole ones, in the same member order.
    calibration = summaries(settings.cut, settings.today)
    pending = next(calibration, None)
    for whole in summaries(settings.today, None):
        matched = None
        if pending is not None and pending.member == whole.member:
            matched, pending = pending, next(calibration, None)
        yield ValueInput(whole, matched)


def value_figures(
    policy: Policy,
    states: list[MemberState],
    as_of: datetime,
    *,
    orders: list[OrderRow] | None = None,
    summaries: Iterable[ValueInput] | None = None,
) -> ValueFigures | None:
    """Fit, check and value the population; None when it is too small to fit.

    The purchase history comes from ``summaries`` (each member's ``value_inputs`` for this
    policy and ``as_of``, made as the member was replayed, in any order) when given, else from
    ``orders`` (as the replay saw them), else from the states, which hold only the orders the
    policy's horizons keep. Every source is made into the members' summaries first, so all
    three are fitted the same way.
    """
    if sum((bool(states), orders is not None, summaries is not None)) > 1:
        raise ModelError("the value section reads one of states, orders or member summaries")
    if summaries is None:
        rows: list[OrderRow] = list(_rows(states, as_of)) if orders is None else orders
        try:
            summaries = list(value_inputs(policy, as_of, rows))
        except (ModelError, ArithmeticError):
            return None
    settings = _settings(policy, as_of)
    inputs = sorted(summaries, key=lambda i: i.whole.member)
    calibration = [i.calibration for i in inputs if i.calibration is not None]
    everyone = [i.whole for i in inputs]
    wrong = {s.unit for s in everyone} - {settings.unit}
    if wrong:
        # Summaries made for another policy would be fitted in the wrong unit, silently.
        raise ModelError(
            f"the member summaries are in {', '.join(sorted(wrong))}; the policy summarises in "
            f"{settings.unit}"
        )
    holdout = None
    try:
        if len(calibration) >= MIN_MEMBERS:
            fit = fit_purchases([s.triple for s in calibration], model=settings.model)
            holdout = holdout_report(calibration, PurchaseModel.from_fit(fit, settings.unit))
    except (ModelError, ArithmeticError):
        holdout = None  # the check is left out; the value figures below do not depend on it
    try:
        if len(everyone) < MIN_MEMBERS:
            return None
        model = PurchaseModel.from_fit(
            fit_purchases([s.triple for s in everyone], model=settings.model), settings.unit
        )
        repeaters = [(s.x, s.mean_repeat_amount) for s in everyone if s.mean_repeat_amount]
        spend = gamma_gamma_fit(repeaters)
    except (ModelError, ArithmeticError):
        return None
    currency = settings.currency
    per = settings.per
    values: list[tuple[Money, float]] = []
    try:
        for s in everyone:
            mean = s.mean_repeat_amount if s.mean_repeat_amount else None
            per_purchase = gamma_gamma_expected_spend(
                s.x if mean else 0, mean, p=spend.p, q=spend.q, gamma=spend.gamma
            )
            clv = customer_lifetime_value(
                model,
                s.x,
                s.t_x,
                s.T,
                spend=per_purchase,
                currency=currency,
                horizon=HORIZON_WEEKS * 7 / per,
                discount_rate=DISCOUNT_RATE,
                step=28 / per,
            )
            values.append((clv, model.p_alive(s.x, s.t_x, s.T)))
    except (ModelError, ArithmeticError):
        return None  # parameters at a boundary the closed forms cannot reach
    values.sort(key=lambda v: v[0].amount, reverse=True)
    total = sum((v[0].amount for v in values), Decimal(0))
    top = values[: max(1, len(values) // 5)]
    top_total = sum((v[0].amount for v in top), Decimal(0))
    return ValueFigures(
        holdout=holdout,
        model=model,
        members=len(values),
        clv_total=Money(total, currency).quantize(),
        top_fifth_share=(top_total / total).quantize(Decimal("0.001")) if total else Decimal(0),
        win_back=sum(1 for _, p in top if p < 0.5),
        mean_p_alive=Decimal(repr(sum(p for _, p in values) / len(values))).quantize(
            Decimal("0.001")
        ),
    )
