"""Compilation of the `points:` section (its cross-checks live in `_check`, re-exported here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Literal

from .._compiled_base import CheckContext, did_you_mean
from .._errors import EventError
from .._paths import Path, format_path
from .._program import ProgramInfo, localized
from .._reasons import LocalizedText
from ..rules import Predicate, compile_condition
from ._check import DEFAULT_CURRENCY, check_points
from ._model import (
    CapPeriod,
    CurrencySpec,
    EarnRule,
    ExpirySpec,
    MilestoneSpec,
    PendingSpec,
    PointsSection,
    RedeemSpec,
    RulePendingSpec,
    TransferSpec,
)
from ._timed_model import TimedAction, TimedMoments, TimedRule

__all__ = [
    "DEFAULT_CURRENCY",
    "EARN_PATH",
    "PENDING_PATH",
    "REVERSAL_PATH",
    "ROUNDING",
    "CompiledCap",
    "CompiledCurrency",
    "CompiledPoints",
    "CompiledRule",
    "CompiledTimed",
    "check_points",
    "compile_points",
    "resolve_currency",
    "unknown",
]


EARN_PATH = format_path(("points", "earn"))
PENDING_PATH = format_path(("points", "pending"))
REVERSAL_PATH = format_path(("points", "reversal"))
"""Paths of the section's keys that reasons point at."""

_DEFAULT_NAME = {"zh_Hans": "积分", "zh_Hant": "積分", "en": "points"}

ROUNDING = {
    "floor": ROUND_FLOOR,
    "ceil": ROUND_CEILING,
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
}
"""Rounding words of the policy as decimal rounding constants."""


@dataclass(frozen=True, slots=True)
class CompiledCap:
    """One cap of a rule: at most ``points`` and/or ``count`` uses per ``per``."""

    points: Decimal | None
    count: int | None
    per: CapPeriod
    path: str


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """An earning rule ready to evaluate."""

    id: str
    name: LocalizedText
    path: str
    on: str
    style: Literal["rate", "fixed", "multiply"]
    per: Decimal
    points: Decimal
    by_tier: Mapping[str, Decimal]
    factor: Decimal
    when: Predicate | None
    unless: Predicate | None
    base: Literal["net", "gross"]
    shipping: bool
    tax: bool
    currency: str
    caps: tuple[CompiledCap, ...]
    min_order: Decimal | None
    first_in: Literal["day", "week", "month", "year"] | None
    attribute: str | None = None
    """A rate on an event attribute (distance, nights) rather than on spend."""
    min_points: Decimal | None = None
    """The least a rate rule earns on an event it applies to."""
    kept_after: date | None = None
    """A refund dated after this local day leaves what the rule earned (``keep_on_refund_after``)."""

    whole: bool = False
    """A rate counts whole steps of ``per`` only (``steps: whole``)."""
    milestone: MilestoneSpec | None = None
    """The rule earns its points on reaching a count of its events in a period."""
    pending: RulePendingSpec | None = None
    """When the rule's points become spendable, instead of the section's pending."""
    rewards: frozenset[str] | None = None
    """On redemptions: the catalogue rewards whose redemption earns (None: any redemption)."""
    on_grant: bool = False
    """An upgrade bonus also paid when a grant or an opening puts the member in the tier."""

    @property
    def count_key(self) -> str:
        """The cap-use key counting a milestone rule's events (a dot never appears in an id)."""
        return f"milestone.{self.id}"

    @property
    def paid_key(self) -> str:
        """The cap-use key of the milestones paid: its points add up to the highest count paid."""
        return f"milestone.{self.id}.paid"

    def factor_for(self, tier: str | None, alongside: frozenset[str] = frozenset()) -> Decimal:
        """The multiplier for a member of ``tier`` holding paid tiers ``alongside``.

        Among the tiers held that ``by_tier`` lists, the highest multiplier wins (a gold member
        in a paid club earns the better of the two); none listed, the rule's own factor.
        """
        listed = [
            self.by_tier[t] for t in (tier, *alongside) if t is not None and t in self.by_tier
        ]
        return max(listed) if listed else self.factor


@dataclass(frozen=True, slots=True)
class CompiledCurrency:
    """One points currency with its expiry, redemption and transfer rules."""

    id: str
    name: LocalizedText
    decimals: int
    spendable: bool
    expiry: ExpirySpec | None
    redeem: RedeemSpec | None
    transfer: TransferSpec | None
    path: str
    earn_caps: tuple[CompiledCap, ...] = ()
    """Per-member caps across all rules (``count`` is None)."""
    reward_when: tuple[tuple[str, Predicate], ...] = ()
    """(reward id, its member condition ``rewards[].when``) of the rewards that have one."""

    def reward_condition(self, reward: str) -> Predicate | None:
        """The member condition of a catalogue reward, if it has one."""
        return next((p for r, p in self.reward_when if r == reward), None)

    @property
    def cap_key(self) -> str:
        """The key of the currency's cap uses (a dot never appears in a rule id)."""
        return f"currency.{self.id}"

    @property
    def spending_order(self) -> str:
        """The order lots are spent in (the redemption's, default earliest expiry first)."""
        return self.redeem.order if self.redeem is not None else "earliest_expiry"

    @property
    def quantum(self) -> Decimal:
        """The smallest amount of the currency (1 for integer points)."""
        return Decimal(1).scaleb(-self.decimals)

    def number(self, value: Decimal, rounding: str = ROUND_FLOOR) -> int | Decimal:
        """``value`` rounded to the currency's precision: an int for integer points."""
        rounded = value.quantize(self.quantum, rounding=rounding)
        return int(rounded) if self.decimals == 0 else rounded


@dataclass(frozen=True, slots=True)
class CompiledTimed:
    """A timed rule ready to run."""

    id: str
    name: LocalizedText
    path: str
    currency: str
    at: TimedMoments
    when: Predicate | None
    do: TimedAction
    reads_orders: bool = False
    """Whether the condition reads the block's ``orders`` or ``spend``."""

    @property
    def extends(self) -> bool:
        """Whether the rule pushes expiry back (it acts before the moment's expiry)."""
        return self.do.extend_months is not None


def compile_timed(
    rule: TimedRule, path: Path, info: ProgramInfo, default_currency: str
) -> CompiledTimed:
    """Compile one checked rule at load time."""
    return CompiledTimed(
        id=rule.id,
        name=localized(rule.name, info.locale, rule.id),
        path=format_path(path),
        currency=rule.currency or default_currency,
        at=rule.at,
        when=compile_condition(rule.when, info.tz) if rule.when is not None else None,
        do=rule.do,
        reads_orders=bool(rule.figures_read),
    )


@dataclass(frozen=True, slots=True)
class CompiledPoints:
    """The points section compiled for evaluation."""

    section: PointsSection
    currencies: tuple[CompiledCurrency, ...]
    by_id: Mapping[str, CompiledCurrency]
    rules: tuple[CompiledRule, ...]
    stacking: Literal["multiply", "add"]
    rounding: str
    """A decimal rounding constant (ROUND_FLOOR...)."""
    per_line: bool
    pending: PendingSpec
    reversal: Literal["pending_only", "up_to_balance", "negative"]
    tier_order: tuple[str, ...]
    tier_names: Mapping[str, LocalizedText] = field(default_factory=dict)
    """Each declared tier's display name, to name tiers in explanations."""
    per_rule: bool = False
    """Each rule's points are rounded on their own (``round: per_rule``)."""

    shields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per currency, the tiers that keep its points from expiring (``never_while_tier``)."""
    has_campaigns: bool = False
    """Whether any currency declares expiry extension campaigns."""
    extends_while_held: bool = False
    """Whether any currency extends points reaching their date while a tier is held."""
    timed: tuple[CompiledTimed, ...] = ()
    """The timed rules (``points.timed``), in the order written."""

    def __post_init__(self) -> None:
        # Both are read at every agenda moment: worked out once, when the policy is compiled.
        shields = {
            c.id: c.expiry.never_while_tier
            for c in self.currencies
            if c.expiry is not None and c.expiry.never_while_tier
        }
        campaigns = any(c.expiry is not None and c.expiry.extensions for c in self.currencies)
        object.__setattr__(self, "shields", shields)
        object.__setattr__(self, "has_campaigns", campaigns)
        held = any(c.expiry is not None and c.expiry.extend_while_tier for c in self.currencies)
        object.__setattr__(self, "extends_while_held", held)

    def tier_name(self, tier: str | None) -> LocalizedText | str:
        """The display name of ``tier`` (its id when the policy gives none; "—" for no tier)."""
        if tier is None:
            return "—"
        return self.tier_names.get(tier, tier)

    @property
    def default(self) -> CompiledCurrency:
        """The first declared currency (the default target of rules and events)."""
        return self.currencies[0]

    def currency(self, currency_id: str | None) -> CompiledCurrency | None:
        """The currency with this id (the first spendable one when None)."""
        if currency_id is None:
            return next((c for c in self.currencies if c.spendable), self.default)
        return self.by_id.get(currency_id)


def resolve_currency(
    points: CompiledPoints, currency_id: str | None, event_id: str
) -> CompiledCurrency:
    """The currency an event names (the first spendable one when it names none)."""
    found = points.currency(currency_id)
    if found is None:
        known = tuple(points.by_id)
        raise unknown(
            event_id, "points currency", str(currency_id), known, "currency", "currencies"
        )
    return found


def unknown(
    event_id: str,
    noun: str,
    name: str,
    known: tuple[str, ...],
    field: str,
    listed_as: str = "",
    *,
    code: str | None = None,
) -> EventError:
    """The error for an event naming an id the policy does not declare, with 'did you mean'.

    Without a close match, ``listed_as`` (e.g. "currencies") lists every declared id.
    """
    hint = did_you_mean(name, known)
    listed = f" ({listed_as}: {', '.join(known)})" if listed_as and not hint else ""
    return EventError(
        event_id,
        f"unknown {noun} {name!r}{hint}{listed}",
        field=field,
        code=code or f"unknown_{noun.split()[-1]}",
    )


def _one_or_many(value: object, path: Path) -> list[Path]:
    """The paths of a key that holds one item or a list of them (``cap:``, ``earn_cap:``)."""
    if isinstance(value, tuple):
        return [(*path, j) for j in range(len(value))]
    return [path]


def _currency(
    spec: CurrencySpec, path: Path, info: ProgramInfo, *, default: bool = False
) -> CompiledCurrency:
    name = localized(spec.name, info.locale, spec.id)
    if default and spec.name is None:
        name = LocalizedText(_DEFAULT_NAME, info.locale)
    caps = spec.earn_cap if isinstance(spec.earn_cap, tuple) else (spec.earn_cap,)
    cap_paths = _one_or_many(spec.earn_cap, (*path, "earn_cap"))
    return CompiledCurrency(
        id=spec.id,
        name=name,
        decimals=spec.decimals,
        spendable=spec.spendable,
        expiry=spec.expiry,
        redeem=spec.redeem,
        transfer=spec.transfer,
        path=format_path(path),
        earn_caps=tuple(
            CompiledCap(cap.points, None, cap.per, format_path(p))
            for cap, p in zip(caps, cap_paths, strict=True)
            if cap is not None
        ),
        reward_when=tuple(
            (reward.id, compile_condition(reward.when, info.tz))
            for reward in (spec.redeem.rewards if spec.redeem is not None else ())
            if reward.when is not None
        ),
    )


def _rule(rule: EarnRule, base: Path, info: ProgramInfo, default_currency: str) -> CompiledRule:
    style: Literal["rate", "fixed", "multiply"]
    if rule.multiply is not None:
        style = "multiply"
    elif rule.per is not None:
        style = "rate"
    else:
        style = "fixed"
    multiply = rule.multiply
    caps = rule.caps
    cap_paths = _one_or_many(rule.cap, (*base, "cap"))
    return CompiledRule(
        id=rule.id,
        name=localized(rule.name, info.locale, rule.id),
        path=format_path(base),
        on=rule.on,
        style=style,
        per=_per_amount(rule),
        points=rule.points if rule.points is not None else Decimal(0),
        by_tier=MappingProxyType(dict(multiply.by_tier or {}) if multiply else {}),
        factor=multiply.default if multiply else Decimal(1),
        when=compile_condition(rule.when, info.tz) if rule.when is not None else None,
        unless=compile_condition(rule.except_, info.tz) if rule.except_ is not None else None,
        base=rule.base.amount,
        shipping=rule.base.shipping,
        tax=rule.base.tax,
        currency=rule.currency or default_currency,
        caps=tuple(
            CompiledCap(c.points, c.count, c.per, format_path(p))
            for c, p in zip(caps, cap_paths, strict=False)
        ),
        min_order=rule.min_order,
        first_in=rule.first_in,
        attribute=rule.per.attribute if rule.per is not None else None,
        min_points=rule.min_points,
        kept_after=rule.keep_on_refund_after,
        whole=rule.steps == "whole",
        milestone=rule.milestone,
        pending=rule.pending,
        rewards=frozenset(rule.rewards) if rule.rewards is not None else None,
        on_grant=rule.on_grant,
    )


def _per_amount(rule: EarnRule) -> Decimal:
    if rule.per is None:
        return Decimal(1)
    return rule.per.amount if rule.per.amount is not None else rule.per.unit


def compile_points(section: PointsSection, info: ProgramInfo, ctx: CheckContext) -> CompiledPoints:
    """Compile a checked section once, at load time."""
    if section.currencies:
        currencies = tuple(
            _currency(spec, ("points", "currencies", i), info)
            for i, spec in enumerate(section.currencies)
        )
    else:
        single = CurrencySpec(
            id=DEFAULT_CURRENCY,
            expiry=section.expiry,
            redeem=section.redeem,
            transfer=section.transfer,
            earn_cap=section.earn_cap,
        )
        currencies = (_currency(single, ("points",), info, default=True),)
    default = currencies[0].id
    return CompiledPoints(
        section=section,
        currencies=currencies,
        by_id=MappingProxyType({c.id: c for c in currencies}),
        rules=tuple(
            _rule(rule, ("points", "earn", i), info, default) for i, rule in enumerate(section.earn)
        ),
        stacking=section.stacking,
        rounding=ROUNDING[section.rounding],
        per_line=section.round == "per_line",
        per_rule=section.round == "per_rule",
        pending=section.pending,
        reversal=section.reversal,
        tier_order=ctx.tier_ids,
        tier_names=MappingProxyType(dict(ctx.tier_names)),
        timed=tuple(
            compile_timed(rule, ("points", "timed", i), info, default)
            for i, rule in enumerate(section.timed)
        ),
    )
