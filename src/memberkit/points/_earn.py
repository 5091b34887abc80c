"""Working out what an order, an activity or a tier upgrade earns, rule by rule.

The same function answers the checkout quote and credits the points on ``apply``, so the two
never disagree. Each contribution keeps its split over the order's lines (``""`` is the order
level: fixed bonuses, shipping and tax), which is what a later refund takes back line by line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from .._errors import EventError
from .._events import Activity, Line, Purchase, Redemption
from .._evolve import replace
from .._facts import event_values, facts_at, line_values, member_values, order_values
from .._money import Money
from .._program import ProgramInfo
from .._reasons import Reason
from .._state import MemberState
from ..rules import Facts
from ._compile import CompiledCap, CompiledCurrency, CompiledPoints, CompiledRule
from ._periods import cap_span, period_name
from ._rounding import ORDER_LEVEL, Rounder, allocate, line_of, share_key
from ._state import CapUse

__all__ = ["Contribution", "earn_activity", "earn_purchase", "earn_redemption", "earn_upgrade"]

Points = int | Decimal


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one rule adds to one currency, split over lines (``""`` is the order level)."""

    rule: CompiledRule
    currency: str
    kind: str
    """earn (a rate or fixed rule) or bonus (a multiplier's extra part, an upgrade bonus)."""
    points: Points
    lines: tuple[tuple[str, Points], ...]
    factor: Decimal | None = None
    reached: int = 0
    """For a milestone: the count the event reached (0 for other rules)."""
    raise_paid: int = 0
    """For a milestone paid: how far the period's highest paid count rises."""

    @property
    def counts_only(self) -> bool:
        """A milestone event that earns nothing: only the period's count moves."""
        return self.kind == "count"

    def reason(self, currency: CompiledCurrency) -> Reason:
        """What the rule added, as the quote and the booking both explain it."""
        if self.factor is not None and self.factor == 0:
            # A class that earns nothing says so, rather than "+-1,200".
            return Reason.of(
                "points.earns_nothing",
                self.rule.path,
                rule=self.rule.name,
                points=-self.points,
                currency=currency.name,
            )
        if self.factor is not None and self.factor < 1:
            return Reason.of(
                "points.reduced",
                self.rule.path,
                rule=self.rule.name,
                factor=self.factor,
                points=-self.points,
                currency=currency.name,
            )
        if self.rule.milestone is not None:
            return Reason.of(
                "points.milestone",
                self.rule.path,
                rule=self.rule.name,
                count=self.reached,
                per=period_name(self.rule.milestone.per),
                points=self.points,
                currency=currency.name,
            )
        if self.factor is not None:
            return Reason.of(
                "points.multiplied",
                self.rule.path,
                rule=self.rule.name,
                factor=self.factor,
                points=self.points,
                currency=currency.name,
            )
        return Reason.of(
            "points.earned",
            self.rule.path,
            rule=self.rule.name,
            points=self.points,
            currency=currency.name,
        )


def _uses(state: MemberState, key: str, span: tuple[datetime, datetime] | None) -> list[CapUse]:
    """The cap uses of ``key`` (a rule id or a currency's cap key) inside ``span``.

    Uses are recorded in event time order (``apply`` refuses older events), so the search runs
    back from the latest and stops at the start of the period instead of reading the history.
    """
    if span is None:
        return [u for u in state.points.cap_uses if u.rule == key]
    start, end = span
    found: list[CapUse] = []
    for u in reversed(state.points.cap_uses):
        if u.at < start:
            break
        if u.rule == key and u.at < end:
            found.append(u)
    return found


def _room(
    cap: CompiledCap, rule: CompiledRule, state: MemberState, local_at: datetime
) -> Decimal | None:
    """Points the rule may still earn under ``cap`` (None: no points limit), 0 when used up."""
    if cap.per == "event":
        # A maximum per transaction: every event starts with the whole cap.
        return cap.points
    count, used = _used(state, rule.id, cap_span(cap.per, local_at))
    if cap.count is not None and count >= cap.count:
        return Decimal(0)
    if cap.points is None:
        return None
    return max(Decimal(0), cap.points - used)


def _member_room(cap: CompiledCap, key: str, state: MemberState, local_at: datetime) -> Decimal:
    """Points of a currency the member may still earn in the cap's period, from all rules."""
    assert cap.points is not None
    if cap.per == "event":
        return cap.points
    return cap.points - _used(state, key, cap_span(cap.per, local_at))[1]


def _used(
    state: MemberState, key: str, span: tuple[datetime, datetime] | None
) -> tuple[int, Decimal]:
    """How many uses of ``key`` in ``span`` earned points, and the points they earned.

    A lifetime cap (``span`` None) counts the uses the state folded too.
    """
    uses = [u for u in _uses(state, key, span) if u.points > 0]
    count, used = len(uses), sum((Decimal(u.points) for u in uses), Decimal(0))
    if span is None and state.folded is not None:
        for folded_key, folded_count, folded_points in state.folded.cap_uses:
            if folded_key == key:
                count += folded_count
                used += Decimal(folded_points)
    return count, used


def _milestone_marks(rule: CompiledRule, state: MemberState, local_at: datetime) -> tuple[int, int]:
    """(events counted so far in the milestone's period, the highest count paid in it)."""
    assert rule.milestone is not None
    span = cap_span(rule.milestone.per, local_at)
    counted: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    for u in _uses(state, rule.count_key, span):
        counted += Decimal(u.points)
    for u in _uses(state, rule.paid_key, span):
        paid += Decimal(u.points)
    if span is None and state.folded is not None:
        for key, _, points in state.folded.cap_uses:
            if key == rule.count_key:
                counted += Decimal(points)
            elif key == rule.paid_key:
                paid += Decimal(points)
    return int(counted), int(paid)


def _whole_steps(
    rule: CompiledRule, bases: list[tuple[str, Decimal]], per_line: bool
) -> list[tuple[str, Decimal]]:
    """Raw points of ``steps: whole``: ``points`` for each full ``per`` of the base.

    The steps are counted where the policy rounds: on each line (``round: per_line``) or on the
    event's whole base, then spread over the lines in proportion, the last taking the remainder,
    so the parts add up to whole steps exactly.
    """
    if not per_line:
        return _steps_spread(rule, bases)
    # Per line of the order: the shares of a line paid by several tenders count together.
    by_line: dict[str, list[tuple[str, Decimal]]] = {}
    for key, b in bases:
        by_line.setdefault(line_of(key), []).append((key, b))
    return [part for parts in by_line.values() for part in _steps_spread(rule, parts)]


def _steps_spread(
    rule: CompiledRule, bases: list[tuple[str, Decimal]]
) -> list[tuple[str, Decimal]]:
    """Whole steps on the bases together, spread over them in proportion, the last taking the
    remainder, so the parts add up to whole steps exactly."""
    whole = sum((b for _, b in bases), Decimal(0))
    if whole <= 0:
        return [(line, Decimal(0)) for line, _ in bases]
    total = (whole / rule.per).to_integral_value(ROUND_FLOOR) * rule.points
    parts = [(line, total * b / whole) for line, b in bases[:-1]]
    given = sum((v for _, v in parts), Decimal(0))
    return [*parts, (bases[-1][0], total - given)]


def _earned_on(
    rule: CompiledRule, bases: list[tuple[str, Decimal]], per_line: bool
) -> list[tuple[str, Decimal]]:
    """A rate rule's raw points on each base (spend or quantity): whole steps or pro rata."""
    if not bases:
        return []
    if rule.whole:
        return _whole_steps(rule, bases, per_line)
    rate = rule.points / rule.per
    return [(line, b * rate) for line, b in bases]


class _Earner:
    """One evaluation: the member, the moment and the facts, shared by every rule."""

    def __init__(
        self,
        points: CompiledPoints,
        info: ProgramInfo,
        state: MemberState,
        at: datetime,
        tier: str | None,
    ) -> None:
        self.points = points
        self.info = info
        self.state = state
        self.local_at = info.local(at)
        self.tier = tier
        self.alongside = state.tiers.alongside_at(at)
        self.member = member_values(
            state, self.local_at, tier=tier, leap_rule=info.leap_birthday, figures=info.figures
        )
        self.reasons: list[Reason] = []
        self.found: list[Contribution] = []
        self.rounder = Rounder(points)
        # What earlier rules of this same evaluation earned, per currency: the member caps count
        # them before the state records the event.
        self.earned_now: dict[str, Decimal] = {}
        # Raw (unrounded) rate points per currency and line that multipliers act on: ``base``
        # as the rate rules made them, ``grown`` with the multipliers applied so far.
        self.base: dict[str, dict[str, Decimal]] = {}
        self.grown: dict[str, dict[str, Decimal]] = {}
        # The room each cap left before this event, read once: the state does not change
        # during one evaluation (what its earlier rules earned is ``earned_now``).
        self.rooms: dict[tuple[str, str], Decimal | None] = {}

    def room(self, cap: CompiledCap, rule: CompiledRule) -> Decimal | None:
        """``_room`` of ``cap`` for ``rule`` before this event, read once per evaluation."""
        key = (cap.path, rule.id)
        if key not in self.rooms:
            self.rooms[key] = _room(cap, rule, self.state, self.local_at)
        return self.rooms[key]

    def member_room(self, cap: CompiledCap, currency: CompiledCurrency) -> Decimal:
        """``_member_room`` of a currency's cap before this event, read once per evaluation."""
        key = (cap.path, currency.cap_key)
        room = self.rooms.get(key)
        if room is None:
            room = self.rooms[key] = _member_room(cap, currency.cap_key, self.state, self.local_at)
        return room

    def facts(self, values: Mapping[str, object]) -> Facts:
        return facts_at(self.local_at, values, self.member)

    def applies(self, rule: CompiledRule, facts: Facts) -> bool:
        if rule.when is not None and not rule.when(facts):
            return False
        return not (rule.unless is not None and rule.unless(facts))

    def rate(self, rule: CompiledRule, raw: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
        """Record a rate rule's raw points as the base of later multipliers, minimum applied."""
        if rule.min_points is not None and raw:
            whole = sum((v for _, v in raw), Decimal(0))
            if whole < rule.min_points:
                # A short segment still earns the minimum, which multipliers then act on. It is
                # spread over the lines in proportion, the last taking the remainder, so the raw
                # parts add up to the minimum exactly (no 499.99... to round down).
                if whole > 0:
                    parts = [(line, v * rule.min_points / whole) for line, v in raw[:-1]]
                    given = sum((v for _, v in parts), Decimal(0))
                    raw = [*parts, (raw[-1][0], rule.min_points - given)]
                else:
                    raw = [(raw[0][0], rule.min_points)]
                self.reasons.append(
                    Reason.of(
                        "points.minimum_applied",
                        rule.path,
                        rule=rule.name,
                        minimum=rule.min_points,
                    )
                )
        bucket = self.base.setdefault(rule.currency, {})
        grown = self.grown.setdefault(rule.currency, {})
        for line_id, value in raw:
            bucket[line_id] = bucket.get(line_id, Decimal(0)) + value
            grown[line_id] = grown.get(line_id, Decimal(0)) + value
        return raw

    def multiply(
        self, rule: CompiledRule, facts_of: Callable[[str], Facts]
    ) -> tuple[list[tuple[str, Decimal]], Decimal]:
        """A multiplier's raw extra part per line, and its factor for this member."""
        factor = rule.factor_for(self.tier, self.alongside)
        grown = self.grown.setdefault(rule.currency, {})
        raw: list[tuple[str, Decimal]] = []
        for line_id, value in self.base.get(rule.currency, {}).items():
            if factor == 1 or not self.applies(rule, facts_of(line_id)):
                continue
            # Multiply: each factor acts on what the earlier ones made; add: on the base only.
            on = grown[line_id] if self.points.stacking == "multiply" else value
            raw.append((line_id, on * (factor - 1)))
        for line_id, extra_part in raw:
            grown[line_id] += extra_part
        return raw, factor

    def finish(
        self, rule: CompiledRule, kind: str, raw: list[tuple[str, Decimal]], factor: Decimal | None
    ) -> Contribution | None:
        """Round, cap and split one rule's raw points; None when it adds nothing."""
        currency = self.points.by_id[rule.currency]
        total, lines = self.rounder.round(rule.currency, raw)
        capped_any = False
        for cap in rule.caps:
            room = self.room(cap, rule)
            if room is not None and Decimal(total) > room:
                capped = currency.number(room)
                self.reasons.append(
                    Reason.of(
                        "points.capped",
                        cap.path,
                        rule=rule.name,
                        wanted=total,
                        points=capped,
                        per=period_name(cap.per),
                    )
                )
                lines = allocate(capped, [(line, Decimal(p)) for line, p in lines])
                total = capped
                capped_any = True
        earlier = self.earned_now.get(rule.currency, Decimal(0))
        for cap in currency.earn_caps:
            room = self.member_room(cap, currency) - earlier
            if Decimal(total) > room:
                capped = currency.number(max(room, Decimal(0)))
                self.reasons.append(
                    Reason.of(
                        "points.member_capped",
                        cap.path,
                        rule=rule.name,
                        wanted=total,
                        points=capped,
                        limit=cap.points,
                        currency=currency.name,
                        per=period_name(cap.per),
                    )
                )
                lines = allocate(capped, [(line, Decimal(p)) for line, p in lines])
                total = capped
                capped_any = True
        self.rounder.record(rule.currency, raw, lines, capped=capped_any)
        if self.points.per_rule and rule.style != "fixed":
            # Rounded per rule: later multipliers act on what this rule really booked (the
            # floored base), not on its unrounded points.
            booked = dict(lines)
            touched = {line for line, _ in raw} | set(booked)
            buckets = [self.grown.setdefault(rule.currency, {})]
            if rule.style == "rate":
                buckets.append(self.base.setdefault(rule.currency, {}))
            for bucket in buckets:
                for line, value in raw:
                    bucket[line] = bucket.get(line, Decimal(0)) - value
                for line in touched:
                    bucket[line] = bucket.get(line, Decimal(0)) + Decimal(booked.get(line, 0))
        if total == 0:
            return None
        self.earned_now[rule.currency] = earlier + Decimal(total)
        return Contribution(rule, rule.currency, kind, total, lines, factor)

    def milestone(self, rule: CompiledRule) -> None:
        """Count the event towards the rule's milestone and pay the bonus when one is reached."""
        assert rule.milestone is not None
        counted, paid = _milestone_marks(rule, self.state, self.local_at)
        reached = counted + 1
        self.found.append(Contribution(rule, rule.currency, "count", 0, (), reached=reached))
        if not rule.milestone.hits(reached):
            return
        if reached <= paid:
            # A refund lowered the count after this milestone paid: it never pays twice.
            self.reasons.append(
                Reason.of(
                    "points.milestone_paid_before",
                    rule.path,
                    rule=rule.name,
                    count=reached,
                    per=period_name(rule.milestone.per),
                )
            )
            return
        found = self.finish(rule, "earn", [(ORDER_LEVEL, rule.points)], None)
        if found is not None:
            self.found.append(replace(found, reached=reached, raise_paid=reached - paid))

    def contribute(
        self, rule: CompiledRule, kind: str, raw: list[tuple[str, Decimal]], factor: Decimal | None
    ) -> None:
        """Finish a rule that found something to earn on, keeping what it adds."""
        if not raw:
            return
        found = self.finish(rule, kind, raw, factor)
        if found is not None:
            self.found.append(found)


def _base_amount(rule: CompiledRule, line: object) -> Decimal:
    amount: Decimal = getattr(line, "amount", Decimal(0))
    if rule.base == "gross":
        gross = getattr(line, "gross", None)
        if gross is not None:
            return Decimal(gross)
    return amount


def _quantity(attributes: Mapping[str, object], name: str, event_id: str) -> Decimal | None:
    """The event's ``name`` attribute as a non-negative number (None when it has none)."""
    value = attributes.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise EventError(
            event_id,
            f"attribute {name!r} must be a number, not {value!r}",
            field=f"attributes.{name}",
            code="bad_attribute",
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        raise EventError(
            event_id,
            f"attribute {name!r} must be a number of at least 0, not {value!r}",
            field=f"attributes.{name}",
            code="bad_attribute",
        )
    return number


def _first_in_period(rule: CompiledRule, earner: _Earner, order_id: str) -> bool:
    """Whether no other order of the member falls in the rule's ``first_in`` period."""
    assert rule.first_in is not None
    span = cap_span(rule.first_in, earner.local_at)
    assert span is not None
    start, end = span
    # Orders are recorded in time order, so the search runs back from the latest and stops at
    # the start of the period.
    for o in reversed(earner.state.orders):
        if o.at < start:
            return True
        if o.id != order_id and o.at < end and not o.fully_refunded:
            return False
    return True


@dataclass(frozen=True, slots=True)
class _Part:
    """What a rate rule earns on: a line, or the order level (shipping, tax), or one tender's
    share of either when several tenders paid the order."""

    key: str
    line: Line | None
    facts: Facts
    share: Decimal | None = None
    """The share of the line (or order level) this tender paid; None when one method paid all."""

    def scaled(self, value: Decimal) -> Decimal:
        return value if self.share is None else value * self.share


def _parts(
    earner: _Earner, purchase: Purchase, order: dict[str, object], order_facts: Facts
) -> list[_Part]:
    """The lines then the order level, each split into its tenders' shares on a split order."""
    if len(purchase.tenders) <= 1 and len(purchase.lines) == 1:
        only = purchase.lines[0]
        if not only.tags and not only.attributes:
            # The fast path of a one-line order: the line's fields are the order's (its amount,
            # category, sku and quantity are the order's, and it adds no tags or attributes of
            # its own), so every condition reads the same facts on both.
            return [_Part(only.id, only, order_facts), _Part(ORDER_LEVEL, None, order_facts)]
    return _split_parts(earner, purchase, order, order_facts)


def _split_parts(
    earner: _Earner, purchase: Purchase, order: dict[str, object], order_facts: Facts
) -> list[_Part]:
    """``_parts`` for any order: each line's facts built from its own fields."""
    tenders = purchase.tenders if len(purchase.tenders) > 1 else ()
    due = purchase.amount + purchase.shipping + purchase.tax
    split = [(t.method, t.amount / due) for t in tenders]
    parts: list[_Part] = []
    for line in (*purchase.lines, None):
        values = order if line is None else line_values(order, line)
        line_id = ORDER_LEVEL if line is None else line.id
        if not split:
            facts = order_facts if line is None else earner.facts(values)
            parts.append(_Part(line_id, line, facts))
            continue
        for method, share in split:
            # Each tender paid its share of every line: the share earns as that tender does.
            facts = earner.facts({**values, "payment_method": method})
            parts.append(_Part(share_key(line_id, method), line, facts, share))
    return parts


def _purchase_rate(
    rule: CompiledRule,
    earner: _Earner,
    purchase: Purchase,
    line_parts: list[_Part],
    order_parts: list[_Part],
) -> list[tuple[str, Decimal]]:
    """A rate rule's raw points on each line (and the order level) of a purchase."""
    bases: list[tuple[str, Decimal]] = []
    per_line = earner.points.per_line
    if rule.attribute is not None:
        # Lines carry the quantity (a ticket per flight segment); otherwise the order does.
        carried = False
        for part in line_parts:
            assert part.line is not None
            quantity = _quantity(part.line.attributes, rule.attribute, purchase.id)
            carried = carried or quantity is not None
            if quantity is not None and earner.applies(rule, part.facts):
                bases.append((part.key, part.scaled(quantity)))
        if not carried:
            quantity = _quantity(purchase.attributes, rule.attribute, purchase.id)
            if quantity is not None:
                bases += [
                    (p.key, p.scaled(quantity))
                    for p in order_parts
                    if earner.applies(rule, p.facts)
                ]
        return _earned_on(rule, bases, per_line)
    bases = [
        (p.key, p.scaled(_base_amount(rule, p.line)))
        for p in line_parts
        if earner.applies(rule, p.facts)
    ]
    extra = (purchase.shipping if rule.shipping else 0) + (purchase.tax if rule.tax else 0)
    if extra:
        bases += [
            (p.key, p.scaled(Decimal(extra))) for p in order_parts if earner.applies(rule, p.facts)
        ]
    return _earned_on(rule, bases, per_line)


def earn_purchase(
    points: CompiledPoints,
    info: ProgramInfo,
    state: MemberState,
    purchase: Purchase,
    tier: str | None,
) -> tuple[list[Contribution], list[Reason]]:
    """Every rule's contribution to ``purchase``, in policy order, and why rules were skipped."""
    earner = _Earner(points, info, state, purchase.at, tier)
    order = order_values(purchase)
    order_facts = earner.facts(order)
    parts = _parts(earner, purchase, order, order_facts)
    line_parts = [p for p in parts if p.line is not None]
    order_parts = [p for p in parts if p.line is None]
    facts_by_key = {part.key: part.facts for part in parts}
    amount = purchase.amount
    for rule in points.rules:
        if rule.on != "purchase":
            continue
        if rule.min_order is not None and amount < rule.min_order:
            earner.reasons.append(
                Reason.of(
                    "points.below_min_order",
                    rule.path,
                    rule=rule.name,
                    minimum=Money(rule.min_order, info.currency),
                )
            )
            continue
        if rule.first_in is not None and not _first_in_period(rule, earner, purchase.id):
            earner.reasons.append(
                Reason.of(
                    "points.not_first_in_period",
                    rule.path,
                    rule=rule.name,
                    per=period_name(rule.first_in),
                )
            )
            continue
        factor: Decimal | None = None
        kind = "earn"
        if rule.style == "rate":
            raw = earner.rate(rule, _purchase_rate(rule, earner, purchase, line_parts, order_parts))
        elif rule.milestone is not None:
            if earner.applies(rule, order_facts):
                earner.milestone(rule)
            continue
        elif rule.style == "fixed":
            raw = [(ORDER_LEVEL, rule.points)] if earner.applies(rule, order_facts) else []
        else:
            kind = "bonus"
            raw, factor = earner.multiply(rule, lambda key: facts_by_key.get(key, order_facts))
        earner.contribute(rule, kind, raw, factor)
    return earner.found, earner.reasons


def earn_activity(
    points: CompiledPoints,
    info: ProgramInfo,
    state: MemberState,
    activity: Activity,
    tier: str | None,
) -> tuple[list[Contribution], list[Reason]]:
    """What an activity earns: fixed bonuses, rates on its attributes, and their multipliers.

    As on a purchase, multipliers act on what the rate rules earned (miles by distance times a
    fare-class factor), never on fixed bonuses.
    """
    earner = _Earner(points, info, state, activity.at, tier)
    facts = earner.facts(event_values(activity))
    for rule in points.rules:
        if rule.on != activity.kind:
            continue
        factor: Decimal | None = None
        kind = "earn"
        raw: list[tuple[str, Decimal]] = []
        if rule.style == "multiply":
            kind = "bonus"
            raw, factor = earner.multiply(rule, lambda _line: facts)
        elif earner.applies(rule, facts):
            if rule.milestone is not None:
                earner.milestone(rule)
                continue
            if rule.style == "fixed":
                raw = [(ORDER_LEVEL, rule.points)]
            else:
                assert rule.attribute is not None
                quantity = _quantity(activity.attributes, rule.attribute, activity.id)
                if quantity is not None:
                    raw = earner.rate(rule, _earned_on(rule, [(ORDER_LEVEL, quantity)], False))
        earner.contribute(rule, kind, raw, factor)
    return earner.found, earner.reasons


def earn_redemption(
    points: CompiledPoints,
    info: ProgramInfo,
    state: MemberState,
    redemption: Redemption,
    tier: str | None,
) -> tuple[list[Contribution], list[Reason]]:
    """What an accepted redemption earns (rules ``on: redemption``, fixed points).

    An award ticket on a partner may still earn qualifying figures: a rule names the rewards
    whose redemption earns (``rewards``), or earns on every redemption.
    """
    earner = _Earner(points, info, state, redemption.at, tier)
    facts = earner.facts(event_values(redemption))
    for rule in points.rules:
        if rule.on != "redemption" or not earner.applies(rule, facts):
            continue
        if rule.rewards is not None and redemption.reward not in rule.rewards:
            continue
        if rule.milestone is not None:
            earner.milestone(rule)
        else:
            earner.contribute(rule, "earn", [(ORDER_LEVEL, rule.points)], None)
    return earner.found, earner.reasons


def earn_upgrade(
    points: CompiledPoints,
    info: ProgramInfo,
    state: MemberState,
    at: datetime,
    tier: str,
    *,
    earned: bool = True,
) -> tuple[list[Contribution], list[Reason]]:
    """The bonuses reaching ``tier`` earns (rules ``on: tier_upgrade``).

    A tier not earned on the figures (a grant, an opening) pays only the rules saying
    ``on_grant: true``.
    """
    earner = _Earner(points, info, state, at, tier)
    facts = earner.facts({"kind": "tier_upgrade"})
    for rule in points.rules:
        if rule.on != "tier_upgrade" or not (earned or rule.on_grant):
            continue
        if earner.applies(rule, facts):
            earner.contribute(rule, "bonus", [(ORDER_LEVEL, rule.points)], None)
    return earner.found, earner.reasons
