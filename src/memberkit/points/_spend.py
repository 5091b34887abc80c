"""Spending points: redemptions as money (at a rate or by a denomination table), as a discount
asked, or on catalogue rewards, within the redemption limits. Not enough points, or a rule not
met, is a refusal with reasons (``Refused``). Cancels are in ``_cancel``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from operator import attrgetter

from .._context import ApplyContext, Refused
from .._errors import EventError
from .._events import Redemption
from .._evolve import replace
from .._facts import facts_at, member_values
from .._limits import MAX_EVENT_POINTS
from .._money import Money
from .._program import ProgramInfo, localized
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ..rules import Predicate, clause_reason, culprits
from ._compile import CompiledCurrency, CompiledPoints, resolve_currency, unknown
from ._denominations import Combination, combine, parts_reason
from ._ledger import available, insufficient, spend, with_currencies
from ._model import RedeemSpec
from ._state import JournalEntry, Lot, RedemptionRecord

Points = int | Decimal

__all__ = ["choose", "order_room", "pays_money", "redeem", "rows_taken"]


def _order_limit(redeem: RedeemSpec, event: Redemption) -> Decimal | None:
    """The most money points may pay towards the event's order (None: no limit)."""
    if redeem.max_share_of_order is None:
        return None
    if event.order_amount is None:
        raise EventError(
            event.id,
            "this programme limits the share of an order paid with points; give order_amount",
            field="order_amount",
            code="missing_order_amount",
        )
    return event.order_amount * redeem.max_share_of_order


def _need_order_amount(event: Redemption, key: str) -> Decimal:
    if event.order_amount is None:
        raise EventError(
            event.id,
            f"this programme's redeem.{key} needs the order's total; give order_amount",
            field="order_amount",
            code="missing_order_amount",
        )
    return event.order_amount


def pays_money(redeem: RedeemSpec) -> bool:
    """Whether points of this currency pay towards an order (by a rate or a table)."""
    return bool(redeem.denominations) or redeem.points_per_unit is not None


def order_room(redeem: RedeemSpec, state: MemberState, order: str | None, currency: str) -> int:
    """Points the order may still take under ``max_points_per_order`` (a large number: no limit)."""
    if redeem.max_points_per_order is None:
        return MAX_EVENT_POINTS
    used = (
        sum(
            r.points
            for r in state.points.redemptions
            if r.order == order and r.currency == currency and not r.cancelled
        )
        if order is not None
        else 0
    )
    return max(0, redeem.max_points_per_order - used)


def choose(
    redeem: RedeemSpec, points: int, money: Decimal | None
) -> tuple[int, Combination | None]:
    """The most points, at most ``points``, paying at most ``money``: by the table (rows as
    ``combine`` says) or the rate, in whole steps.

    A redemption of the points chosen takes the same rows when its money budget is ``money``
    (see ``_denominations``).
    """
    if redeem.denominations:
        found = combine(
            redeem.denominations,
            points,
            money,
            largest_first=redeem.combine == "largest_first",
        )
        return found.points, found
    assert redeem.points_per_unit is not None
    if money is not None:
        points = min(points, int(money * redeem.points_per_unit))
    return points - points % redeem.step, None


def _discount_points(
    redeem: RedeemSpec,
    state: MemberState,
    event: Redemption,
    currency: CompiledCurrency,
    path: str,
    balance: Points,
    money: str,
) -> tuple[int, list[Reason]]:
    """The points a redemption asking for ``event.discount`` takes, and why it takes fewer."""
    assert event.discount is not None
    if not pays_money(redeem):
        raise EventError(
            event.id,
            "this currency's points pay no discount (its redeem gives neither points_per_unit "
            "nor denominations); redeem a reward instead",
            field="discount",
            code="no_discount",
        )
    limit = _order_limit(redeem, event)
    wanted = event.discount if limit is None else min(event.discount, limit)
    room = order_room(redeem, state, event.order, currency.id)
    cap = min(int(balance), room)
    amount, _ = choose(redeem, cap, wanted)
    # Why less than the discount was made: each limit that bound is named.
    notes: list[Reason] = []
    free, _ = choose(redeem, MAX_EVENT_POINTS, event.discount)
    if limit is not None and limit < event.discount:
        notes.append(
            Reason.of(
                "points.capped_by_order_share",
                f"{path}.max_share_of_order",
                limit=Money(limit, money),
            )
        )
    if room < free and room <= balance:
        notes.append(
            Reason.of(
                "points.capped_by_order_max",
                f"{path}.max_points_per_order",
                maximum=redeem.max_points_per_order,
                room=room,
                currency=currency.name,
            )
        )
    elif balance < free:
        notes.append(
            Reason.of(
                "points.capped_by_balance",
                path,
                available=balance,
                currency=currency.name,
            )
        )
    return amount, notes


def _payment(
    redeem: RedeemSpec, event: Redemption, amount: int, path: str, currency: str, decimals: int
) -> tuple[Decimal | None, Combination | None, list[Reason]]:
    """What a payment of ``amount`` points pays, the table rows it takes, and what it breaks."""
    failures: list[Reason] = []
    value: Decimal | None = None
    combination: Combination | None = None
    pays = pays_money(redeem)
    limit = _order_limit(redeem, event) if pays else None
    budget = _budget(event, limit)
    if redeem.denominations:
        largest_first = redeem.combine == "largest_first"
        combination = combine(redeem.denominations, amount, budget, largest_first=largest_first)
        if combination.points != amount:
            unbounded = combine(redeem.denominations, amount, largest_first=largest_first)
            if limit is not None and unbounded.points == amount:
                # The table makes the amount, but only with money over the share allowed.
                failures.append(_over_share(path, unbounded.value, limit, redeem, currency))
            elif largest_first:
                failures.append(
                    Reason.of(
                        "points.not_combinable",
                        f"{path}.denominations",
                        points=amount,
                        nearest=unbounded.points,
                        allowed=tuple(d.points for d in redeem.denominations),
                    )
                )
            else:
                failures.append(
                    Reason.of(
                        "points.not_a_denomination",
                        f"{path}.denominations",
                        points=amount,
                        allowed=tuple(d.points for d in redeem.denominations),
                    )
                )
            combination = None
        else:
            value = combination.value
    elif redeem.points_per_unit is not None:
        quantum = Decimal(1).scaleb(-decimals)
        value = (Decimal(amount) / redeem.points_per_unit).quantize(quantum, ROUND_FLOOR)
        if limit is not None and value > limit:
            failures.append(_over_share(path, value, limit, redeem, currency))
    if amount % redeem.step:
        failures.append(
            Reason.of("points.not_a_step", f"{path}.step", points=amount, step=redeem.step)
        )
    if pays and redeem.min_order_amount is not None:
        order_amount = _need_order_amount(event, "min_order_amount")
        if order_amount < redeem.min_order_amount:
            failures.append(
                Reason.of(
                    "points.redeem_below_min_order",
                    f"{path}.min_order_amount",
                    amount=Money(order_amount, currency),
                    minimum=Money(redeem.min_order_amount, currency),
                )
            )
    if pays and redeem.points_or_cash:
        order_amount = _need_order_amount(event, "points_or_cash")
        # Points or cash, not both: a payment that leaves part of the order to cash is refused.
        if value is not None and value != order_amount:
            failures.append(
                Reason.of(
                    "points.not_whole_order",
                    f"{path}.points_or_cash",
                    value=Money(value, currency),
                    amount=Money(order_amount, currency),
                )
            )
    return value, combination, failures


def _budget(event: Redemption, limit: Decimal | None) -> Decimal | None:
    # Rows are taken within the money the order allows and, for a discount asked, within it:
    # the same budget the points were chosen with, so the same rows are taken.
    if event.discount is None:
        return limit
    return event.discount if limit is None else min(limit, event.discount)


def rows_taken(redeem: RedeemSpec, event: Redemption, amount: int) -> Combination | None:
    """The table rows a redemption of ``amount`` points takes (None without a table)."""
    if not redeem.denominations:
        return None
    budget = _budget(event, _order_limit(redeem, event))
    return combine(
        redeem.denominations,
        amount,
        budget,
        largest_first=redeem.combine == "largest_first",
    )


def _over_share(
    path: str, value: Decimal, limit: Decimal, redeem: RedeemSpec, currency: str
) -> Reason:
    return Reason.of(
        "points.over_order_share",
        f"{path}.max_share_of_order",
        value=Money(value, currency),
        limit=Money(limit, currency),
        share=redeem.max_share_of_order,
    )


_ID = attrgetter("id")


def _expiries(
    lots: tuple[Lot, ...], taken: tuple[tuple[str, Points], ...]
) -> tuple[datetime | None, ...]:
    """The expiry of each lot a redemption took from (the last lot of its id), found by a search
    kept in C rather than a dict of every lot."""
    ids = list(map(_ID, lots))
    ids.reverse()
    last = len(ids) - 1
    return tuple(lots[last - ids.index(lot_id)].expires_at for lot_id, _ in taken)


def _limits(
    redeem: RedeemSpec,
    state: MemberState,
    event: Redemption,
    amount: int,
    currency: CompiledCurrency,
    path: str,
    balance: Points,
) -> list[Reason]:
    """The limits every redemption meets: per order, minimum, balances."""
    failures: list[Reason] = []
    if redeem.max_points_per_order is not None:
        room = order_room(redeem, state, event.order, currency.id)
        if amount > room:
            failures.append(
                Reason.of(
                    "points.over_order_max",
                    f"{path}.max_points_per_order",
                    points=amount,
                    used=redeem.max_points_per_order - room,
                    maximum=redeem.max_points_per_order,
                    currency=currency.name,
                )
            )
    if amount < redeem.min_points:
        failures.append(
            Reason.of(
                "points.below_min_redeem",
                f"{path}.min_points",
                points=amount,
                minimum=redeem.min_points,
            )
        )
    if balance < redeem.min_balance:
        failures.append(
            Reason.of(
                "points.below_min_balance",
                f"{path}.min_balance",
                minimum=redeem.min_balance,
                available=balance,
                currency=currency.name,
            )
        )
    first = not any(
        r.currency == currency.id and not r.cancelled for r in state.points.redemptions
    ) and not any(
        c == currency.id and n for c, n in (state.folded.redemptions if state.folded else ())
    )
    if first and balance < redeem.first_min_points:
        failures.append(
            Reason.of(
                "points.first_redemption_min",
                f"{path}.first_min_points",
                minimum=redeem.first_min_points,
                available=balance,
                currency=currency.name,
            )
        )
    if balance < amount:
        failures.append(insufficient(path, amount, balance, currency))
    return failures


def _unmet(
    condition: Predicate,
    state: MemberState,
    event: Redemption,
    info: ProgramInfo,
    path: str,
    reward: LocalizedText,
) -> list[Reason]:
    """Why the member does not meet a reward's condition at the redemption (empty if they do)."""
    local = info.local(event.at)
    member = member_values(
        state,
        local,
        tier=state.tiers.tier_at(event.at),
        leap_rule=info.leap_birthday,
        figures=info.figures,
    )
    facts = facts_at(local, member)
    if condition(facts):
        return []
    labels = {f.field: f.measure.label for f in info.figures}
    return [
        Reason.of(
            "points.reward_condition",
            path,
            reward=reward,
            clause=clause_reason(leaf, wanted, path, labels=labels),
        )
        for leaf, wanted in culprits(condition.trace(facts), True)
    ] or [Reason.of("points.reward_condition_unmet", path, reward=reward)]


def redeem(
    ctx: ApplyContext, points: CompiledPoints, state: MemberState, event: Redemption
) -> tuple[MemberState, list[Reason]]:
    """Spend points on a reward or as payment; refused with every rule it breaks."""
    info = ctx.program.info
    currency = resolve_currency(points, event.currency, event.id)
    redeem = currency.redeem
    if not currency.spendable or redeem is None:
        raise Refused(
            Reason.of(
                "points.not_redeemable",
                currency.path,
                currency=currency.name,
            )
        )
    failures: list[Reason] = []
    value: Decimal | None = None
    combination: Combination | None = None
    reward_name = None
    path = f"{currency.path}.redeem"
    if event.reward is not None:
        index, reward = next(
            ((i, r) for i, r in enumerate(redeem.rewards) if r.id == event.reward), (-1, None)
        )
        if reward is None:
            known = tuple(r.id for r in redeem.rewards)
            raise unknown(event.id, "reward", event.reward, known, "reward")
        amount = reward.points
        reward_name = localized(reward.name, info.locale, reward.id)
        held = state.tiers.tiers_at(event.at)
        # Tiers are named as members know them (金卡会员), paid tiers alongside count too.
        if reward.tiers is not None and not held & frozenset(reward.tiers):
            failures.append(
                Reason.of(
                    "points.reward_tier",
                    f"{path}.rewards[{index}].tiers",
                    reward=reward_name,
                    tier=points.tier_name(state.tiers.tier_at(event.at)),
                    tiers=tuple(points.tier_name(t) for t in reward.tiers),
                )
            )
        condition = currency.reward_condition(reward.id)
        if condition is not None:
            failures.extend(
                _unmet(condition, state, event, info, f"{path}.rewards[{index}].when", reward_name)
            )
    balance = available(state.points, currency.id, event.at)
    notes: list[Reason] = []
    if event.reward is None:
        if event.discount is not None:
            amount, notes = _discount_points(
                redeem, state, event, currency, path, balance, info.currency
            )
            if amount <= 0:
                raise Refused(
                    Reason.of(
                        "points.no_discount_possible",
                        path,
                        discount=Money(event.discount, info.currency),
                        available=balance,
                        currency=currency.name,
                    ),
                    *notes,
                )
        else:
            assert event.points is not None
            amount = event.points
        value, combination, found = _payment(
            redeem, event, amount, path, info.currency, info.currency_decimals
        )
        failures += found
    failures += _limits(redeem, state, event, amount, currency, path, balance)
    if failures:
        raise Refused(*failures)
    lots = state.points.lots
    ps, taken, _ = spend(state.points, currency.id, amount, event.at, redeem.order)
    record = RedemptionRecord(
        event.id,
        event.at,
        currency.id,
        amount,
        taken,
        event.reward or "",
        value,
        until=_expiries(lots, taken),
        order=event.order or "",
    )
    entry = JournalEntry(event.at, event.id, currency.id, "redeem", -amount, event.reward or "")
    redemptions = with_currencies(ps.redemptions, (*ps.redemptions, record), (record.currency,))
    ps = replace(ps, redemptions=redemptions, journal=(*ps.journal, entry))
    reasons: list[Reason] = []
    if reward_name is not None:
        reasons.append(
            Reason.of(
                "points.redeemed_reward",
                path,
                points=amount,
                currency=currency.name,
                reward=reward_name,
            )
        )
    else:
        reasons.append(
            Reason.of(
                "points.redeemed",
                path,
                points=amount,
                currency=currency.name,
                value=Money(value, info.currency) if value is not None else None,
            )
        )
        if combination is not None and redeem.combine == "largest_first":
            reasons.append(parts_reason(path, combination, info.currency))
        if event.discount is not None and value is not None and value < event.discount:
            reasons.append(
                Reason.of(
                    "points.discount_left_over",
                    path,
                    discount=Money(event.discount, info.currency),
                    value=Money(value, info.currency),
                    left=Money(event.discount - value, info.currency),
                )
            )
            reasons += notes
    return state.evolve(points=ps), reasons
