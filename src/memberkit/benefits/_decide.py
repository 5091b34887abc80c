"""Deciding one benefit for one member at one moment: tier, validity, condition, quotas.

Every check runs and every failure is reported, so a refusal says all that stands in the way
(not in the tier *and* out of quota), not only the first thing found.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

from .._facts import facts_at, member_values
from .._money import Money
from .._paths import format_path
from .._program import ProgramInfo
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ..rules import Trace, clause_reason, culprits, field_label
from ._compile import CompiledBenefit, CompiledQuota
from ._decisions import BenefitDecision, QuotaStatus
from ._periods import Span, birthday_window, period_before, period_of
from ._state import BenefitUseRecord

__all__ = ["decide", "quota_reasons"]

_INSTANT = timedelta(microseconds=1)


def decide(
    info: ProgramInfo,
    benefit: CompiledBenefit,
    state: MemberState,
    at: datetime,
    tier: str | None,
    context: Mapping[str, object],
    *,
    requested: Decimal | None = None,
) -> BenefitDecision:
    """Decide ``benefit`` for ``state`` at ``at`` with ``tier`` in force.

    ``context`` holds the event fields a condition may read (channel, category...). ``requested``
    is what a use asks of a value cap; a count quota is always asked for one use, and without a
    use (a query) a quota allows the benefit while anything is left.
    """
    local_at = info.local(at)
    name = benefit.name
    failures: list[Reason] = []

    today = local_at.date()
    if benefit.valid_from is not None and today < benefit.valid_from:
        failures.append(
            Reason.of(
                "benefit.not_yet_valid",
                benefit.valid_path,
                name=name,
                valid_from=benefit.valid_from,
            )
        )
    if benefit.valid_until is not None and today > benefit.valid_until:
        failures.append(
            Reason.of(
                "benefit.expired", benefit.valid_path, name=name, valid_until=benefit.valid_until
            )
        )

    # A paid tier held alongside the ladder (a paid club) entitles as much as the ladder tier.
    alongside = state.tiers.alongside_at(at)
    held = alongside | {tier} if tier is not None else alongside
    if not benefit.held_by(held):
        tiers = tuple(_tier_name(benefit, t) for t in benefit.tier_order)
        if tier is None:
            failures.append(
                Reason.of("benefit.no_tier", benefit.tiers_path, name=name, tiers=tiers)
            )
        else:
            failures.append(
                Reason.of(
                    "benefit.not_in_tier",
                    benefit.tiers_path,
                    name=name,
                    tier=_tier_name(benefit, tier),
                    tiers=tiers,
                )
            )

    window: Reason | None = None
    path = benefit.birthday_path
    days = benefit.days_for(tier, alongside) if path is not None else None
    # A tier with no window has no benefit either; the tier refusal above says so.
    if path is not None and days is not None:
        if state.birthday is None:
            failures.append(Reason.of("benefit.no_birthday", path, name=name))
        else:
            inside, first, last = birthday_window(state.birthday, today, days, info.leap_birthday)
            code = "benefit.in_birthday_window" if inside else "benefit.outside_birthday_window"
            window = Reason.of(code, path, name=name, days=days, start=first, end=last)
            if not inside:
                failures.append(window)

    if benefit.predicate is not None:
        facts = facts_at(
            local_at,
            context,
            member_values(
                state, local_at, tier=tier, leap_rule=info.leap_birthday, figures=info.figures
            ),
        )
        if not benefit.predicate(facts):
            labels = {f.field: f.measure.label for f in info.figures}
            failures.extend(_condition_reasons(benefit, benefit.predicate.trace(facts), labels))

    statuses = tuple(
        _status(info, benefit, quota, state, at, local_at, context, tier, alongside)
        for quota in benefit.quotas
    )
    for quota, status in zip(benefit.quotas, statuses, strict=True):
        left = Decimal(status.remaining)
        need = Decimal(1) if quota.unit == "count" or requested is None else requested
        if left >= need and left > 0:
            continue
        if left > 0:
            failures.append(
                Reason.of(
                    "benefit.value_exceeded",
                    quota.path,
                    name=name,
                    requested=_money(info, need),
                    remaining=_money(info, left),
                )
            )
        else:
            failures.append(_used_up(info, benefit, quota, status))

    value = benefit.value_for(tier, alongside)
    shown: Decimal | Money | None = value
    if value is not None and benefit.value_unit == "money":
        shown = Money(value, info.currency)

    allowed = not failures
    if allowed:
        reasons = [Reason.of("benefit.allowed", benefit.path, name=name)]
        if window is not None:
            reasons.append(window)
        if shown is not None:
            # A discount reads as 九折 / "10% off"; other values as the number or amount itself.
            code = "benefit.discount" if benefit.value_unit == "discount" else "benefit.value"
            reasons.append(Reason.of(code, benefit.value_path, name=name, value=shown))
        reasons.extend(quota_reasons(info, benefit, statuses))
        # "How many uses are left" is the question asked first; with only value caps, how much.
        counts = [s.remaining for s in statuses if s.unit == "count"]
        values = [s.remaining for s in statuses if s.unit == "value"]
        remaining: int | Decimal | None = min(counts or values, default=None)
    else:
        reasons = failures
        remaining = 0
    return BenefitDecision(
        benefit_id=benefit.id,
        name=name,
        allowed=allowed,
        as_of=at,
        tier=tier,
        value=shown if allowed else None,
        remaining=remaining,
        quotas=statuses,
        reasons=tuple(reasons),
        default_locale=info.locale,
    )


def quota_reasons(
    info: ProgramInfo, benefit: CompiledBenefit, statuses: tuple[QuotaStatus, ...]
) -> list[Reason]:
    """What is left of each quota (and what carried over into it), as reasons."""
    out: list[Reason] = []
    for status in statuses:
        name = benefit.name
        count = status.unit == "count"
        if status.carried:
            code = "benefit.carried_over" if count else "benefit.value_carried_over"
            out.append(
                Reason.of(
                    code, status.path, name=name, carried=_amount(info, status, status.carried)
                )
            )
        params: dict[str, object] = {
            "name": name,
            "remaining": _amount(info, status, status.remaining),
            "limit": _amount(info, status, status.limit),
        }
        if status.each is not None and count:
            code = "benefit.uses_left_each"
            params["each"] = status.each
        elif status.period_end is None:
            code = "benefit.uses_left_lifetime" if count else "benefit.value_left_lifetime"
        else:
            code = "benefit.uses_left" if count else "benefit.value_left"
            params["resets"] = status.period_end.date()
        out.append(Reason.of(code, status.path, **params))
    return out


def _used_up(
    info: ProgramInfo, benefit: CompiledBenefit, quota: CompiledQuota, status: QuotaStatus
) -> Reason:
    count = quota.unit == "count"
    params: dict[str, object] = {
        "name": benefit.name,
        "used": _amount(info, status, status.used),
        "limit": _amount(info, status, status.limit),
    }
    if status.each is not None and count:
        code = "benefit.quota_used_each"
        params["each"] = status.each
    elif status.period_end is None:
        code = "benefit.quota_used_lifetime" if count else "benefit.value_used_lifetime"
    else:
        code = "benefit.quota_used" if count else "benefit.value_used"
        params["resets"] = status.period_end.date()
    return Reason.of(code, quota.path, **params)


def _money(info: ProgramInfo, amount: Decimal) -> Money:
    return Money(amount, info.currency)


def _amount(info: ProgramInfo, status: QuotaStatus, amount: int | Decimal) -> int | Money:
    if status.unit == "count":
        return int(amount)
    return Money(Decimal(amount), info.currency)


# --- conditions -------------------------------------------------------------------------------


def _tier_name(benefit: CompiledBenefit, tier: str) -> LocalizedText:
    return benefit.tier_names.get(tier) or LocalizedText({"en": tier})


def _condition_reasons(
    benefit: CompiledBenefit, trace: Trace, labels: Mapping[str, LocalizedText]
) -> list[Reason]:
    reasons: list[Reason] = []
    for leaf, wanted in culprits(trace, True):
        path = format_path((*benefit.when_path, *leaf.path))
        # An unknown age has its own words: which member data it needs.
        if wanted and leaf.actual is None and leaf.field != "age":
            # Nothing said what the field is (no order given): unknown is not evidence.
            reasons.append(
                Reason.of(
                    "benefit.condition_unknown",
                    path,
                    name=benefit.name,
                    field=labels.get(leaf.field or "") or field_label(leaf.field or ""),
                )
            )
            continue
        clause = clause_reason(leaf, wanted, path, tier_names=benefit.tier_names, labels=labels)
        reasons.append(
            Reason.of("benefit.condition_failed", path, name=benefit.name, clause=clause)
        )
    if not reasons:
        # A condition that can never hold (an empty ``any``) has no clause to blame.
        path = format_path(benefit.when_path)
        clause = Reason.of("rule.unmet", path)
        reasons.append(
            Reason.of("benefit.condition_failed", path, name=benefit.name, clause=clause)
        )
    return reasons


# --- quotas -----------------------------------------------------------------------------------


def _taken(quota: CompiledQuota, use: BenefitUseRecord) -> Decimal:
    if quota.unit == "count":
        return Decimal(1)
    return use.value if use.value is not None else Decimal(0)


def _used_in(quota: CompiledQuota, uses: tuple[BenefitUseRecord, ...], span: Span) -> Decimal:
    return sum((_taken(quota, u) for u in uses if span.holds(u.at)), Decimal(0))


def use_key(quota: CompiledQuota, context: Mapping[str, object]) -> str | None:
    """The value of the attribute a quota is counted apart by, as text (None when not given)."""
    if quota.each is None:
        return None
    value = context.get(f"attr.{quota.each}")
    return None if value is None else str(value)


def _status(
    info: ProgramInfo,
    benefit: CompiledBenefit,
    quota: CompiledQuota,
    state: MemberState,
    at: datetime,
    local_at: datetime,
    context: Mapping[str, object],
    tier: str | None,
    alongside: frozenset[str],
) -> QuotaStatus:
    joined = info.local_date(state.joined_at)
    span = period_of(quota.per, local_at, joined, info.leap_birthday)
    # A decision about a past moment ignores uses made after it.
    uses = tuple(u for u in state.benefits.uses if u.benefit == benefit.id and u.at <= at)
    if quota.each is not None:
        # Once per stay: only the uses of this stay count; a query naming no stay asks about
        # a new one.
        key = use_key(quota, context)
        uses = tuple(u for u in uses if key is not None and (quota.each, key) in u.keys)
    used = _used_in(quota, uses, span)
    carried = _carried(info, benefit, quota, state, uses, span, joined)
    # Platinum's four lounge passes where Gold has two: the tier in force now sets the quota.
    limit = quota.limit_for(tier, alongside) + carried
    remaining = max(Decimal(0), limit - used)
    convert = int if quota.unit == "count" else Decimal
    return QuotaStatus(
        per=quota.per,
        unit=quota.unit,
        limit=convert(limit),
        used=convert(used),
        remaining=convert(remaining),
        carried=convert(carried),
        period_start=span.start,
        period_end=span.end,
        path=quota.path,
        each=quota.each,
    )


def _held_at(
    info: ProgramInfo, benefit: CompiledBenefit, state: MemberState, moment: datetime
) -> bool:
    """Whether the member held the benefit at ``moment`` (tier and validity; not conditions)."""
    day = info.local_date(moment)
    if benefit.valid_from is not None and day < benefit.valid_from:
        return False
    if benefit.valid_until is not None and day > benefit.valid_until:
        return False
    return benefit.held_by(state.tiers.tiers_at(moment))


def _carried(
    info: ProgramInfo,
    benefit: CompiledBenefit,
    quota: CompiledQuota,
    state: MemberState,
    uses: tuple[BenefitUseRecord, ...],
    span: Span,
    joined: date,
) -> Decimal:
    """What carried into ``span`` from the period before it.

    Unused quota of a period in which the member held the benefit (at its end) carries over, up to
    ``carry_over``, to the next period only: carried uses are taken first and are not carried
    again. So the carry into a period depends on the one before only while that one had uses.
    """
    if not quota.carry_over:
        return Decimal(0)
    used_before: list[Decimal] = []
    current = span
    while True:
        previous = period_before(quota.per, current, joined, info.leap_birthday)
        # No carry from a period the member was not yet a member in, or did not hold the benefit.
        if (
            previous is None
            or previous.end is None
            or previous.end <= state.joined_at
            or not _held_at(info, benefit, state, previous.end - _INSTANT)
        ):
            carried = Decimal(0)
            break
        used = _used_in(quota, uses, previous)
        if not used:
            carried = min(quota.carry_over, quota.limit)
            break
        used_before.append(used)
        current = previous
    for used in reversed(used_before):
        own_used = max(Decimal(0), used - carried)
        carried = min(quota.carry_over, max(Decimal(0), quota.limit - own_used))
    return carried
