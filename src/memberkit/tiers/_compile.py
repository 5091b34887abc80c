"""Cross-checks and compilation of the `tiers:` section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

from .._compiled_base import CheckContext, did_you_mean
from .._paths import Finding, Path, format_path
from .._program import ProgramInfo, localized
from .._reasons import LocalizedText
from ..rules import compile_condition
from ._compiled_measure import CompiledMeasure, joins_of, posting_of
from ._model import (
    AnniversaryReview,
    EffectiveDays,
    FixedReview,
    MeasureSpec,
    PaidTierSpec,
    ThresholdLeaf,
    ThresholdNode,
    TierSpec,
    TiersSection,
    UpgradeSpec,
    ValidityFromUpgrade,
    ValidityMonths,
    ValidityUntil,
    WindowSpec,
)
from ._tally import Tallies
from ._thresholds import leaves

if TYPE_CHECKING:
    from datetime import datetime

    from .._state import MemberState

__all__ = ["CompiledTier", "CompiledTiers", "check_tiers", "compile_tiers"]

BUILTIN_MEASURES: Mapping[str, MeasureSpec] = MappingProxyType(
    # Made without validation, so that importing this does not build MeasureSpec's validator
    # (tests/policy/test_schema.py holds them equal to validated ones).
    {
        "spend": MeasureSpec.model_construct(of="spend"),
        "orders": MeasureSpec.model_construct(of="orders"),
    }
)
"""Measures every ladder may use without declaring them."""

_LABELS: Mapping[str, Mapping[str, str]] = {
    "spend": {"en": "spend", "zh_Hans": "消费金额", "zh_Hant": "消費金額"},
    "orders": {"en": "orders", "zh_Hans": "订单数", "zh_Hant": "訂單數"},
}


@dataclass(frozen=True, slots=True)
class CompiledTier:
    """One tier ready to evaluate; ``rank`` orders tiers (paid tiers above the ladder)."""

    id: str
    name: LocalizedText
    rank: int
    path: str
    qualify: ThresholdNode | None
    retain: ThresholdNode | None
    """Retention thresholds; the qualify thresholds when the policy gives none."""
    inclusive: bool
    """Whether the qualify thresholds are met at >= (false: only above them)."""
    validity: str | ValidityMonths | ValidityFromUpgrade | ValidityUntil | None
    lifetime_after_years: int | None
    paid: bool = False
    placement: str = "above"
    months: int = 0
    lifetime_requires: ThresholdNode | None = None
    """Figures over the whole membership also needed for the lifetime tier."""
    lifetime_total: bool = False
    """Whether the years count all time held at this tier or above, not the unbroken run."""
    retain_inclusive: bool = True
    """Whether the retain thresholds are met at >= (false: only above them)."""
    review_validity: str | ValidityMonths | ValidityFromUpgrade | ValidityUntil | None = None
    """How long the tier is held after a review keeps it or lands on it (None: ``validity``)."""
    qualify_window: WindowSpec | None = None
    """The window the qualify thresholds are judged over (None: the ladder's)."""
    retain_window: WindowSpec | None = None
    """The window the retain thresholds are judged over (None: the ladder's; kind ``validity``:
    the term held)."""


@dataclass(frozen=True, slots=True)
class CompiledTiers:
    """The tiers section compiled for evaluation."""

    section: TiersSection
    ladder: tuple[CompiledTier, ...]
    paid: tuple[CompiledTier, ...]
    by_id: Mapping[str, CompiledTier]
    measures: Mapping[str, CompiledMeasure]
    units: Mapping[str, Decimal]
    """The smallest step of each measure (a cent for money, 1 for counts)."""
    window: WindowSpec
    review: str | FixedReview
    """end_of_window, anniversary, monthly, validity_end or a fixed date."""
    max_steps: int | None
    grace_days: int
    refunds: str
    upgrade: str
    """immediate or at_review (an upgrade taking effect later is judged immediately)."""
    tallies: Tallies = field(default_factory=Tallies, compare=False, repr=False)
    """Running order figures per member and window (a memo; see ``_tally``)."""
    review_anchor: str = "joining"
    """What an anniversary review counts from: joining, or the member's first upgrade."""
    rollover: Mapping[str, Decimal] = field(default_factory=dict)
    """The cap of each measure whose figure above the level reached rolls into the next window."""
    rises_monthly: bool = False
    """Whether a tier qualifies on whole months before the current one, so the figures reaching
    it grow when a month ends, without an event (the agenda then watches month starts)."""

    def qualify_window(self, tier: CompiledTier) -> WindowSpec:
        """The window ``tier``'s qualify thresholds are judged over."""
        return tier.qualify_window or self.window

    def retain_window(self, tier: CompiledTier) -> WindowSpec:
        """The window ``tier``'s retain thresholds are judged over."""
        return tier.retain_window or self.window

    delay: str | EffectiveDays | None = None
    """When an upgrade judged at once takes effect (``upgrade: {effective: ...}``; None: at once)."""

    @property
    def posting(self) -> bool:
        """Whether some measure's credit posts after its event (the agenda then watches it)."""
        return any(m.posts is not None for m in self.measures.values())

    def review_anchor_of(self, state: MemberState) -> datetime | None:
        """The moment anniversary reviews count from (None: no first upgrade yet)."""
        if self.review_anchor == "first_upgrade":
            # A member brought in mid-story counts from the opening, as from an upgrade.
            return next(
                (c.at for c in state.tiers.earned if c.reason in ("upgrade", "opening")), None
            )
        return state.joined_at

    @property
    def base(self) -> CompiledTier:
        """The first tier of the ladder, where every member starts."""
        return self.ladder[0]

    def rank(self, tier_id: str | None) -> int:
        """The rank of a tier id (-1 when unknown or None)."""
        tier = self.by_id.get(tier_id) if tier_id is not None else None
        return tier.rank if tier is not None else -1


def _decimals(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _measures(section: TiersSection) -> dict[str, MeasureSpec]:
    return {**BUILTIN_MEASURES, **section.measures}


def check_tiers(section: TiersSection, ctx: CheckContext) -> list[Finding]:
    """Cross-field problems of the section (references, ordering), with absolute paths."""
    findings: list[Finding] = []
    measures = _measures(section)
    seen: dict[str, Path] = {}
    specs: list[tuple[Path, TierSpec | PaidTierSpec]] = [
        (("tiers", "ladder", i), t) for i, t in enumerate(section.ladder)
    ]
    specs += [(("tiers", "paid", i), t) for i, t in enumerate(section.paid)]
    for base, spec in specs:
        if spec.id in seen:
            findings.append(
                Finding(
                    (*base, "id"),
                    f"tier id '{spec.id}' is already used by {format_path(seen[spec.id])}",
                    "duplicate_id",
                )
            )
        else:
            seen[spec.id] = base
    for name, measure in section.measures.items():
        if measure.of == "points" and ctx.currency_ids and measure.currency not in ctx.currency_ids:
            hint = did_you_mean(str(measure.currency), list(ctx.currency_ids))
            findings.append(
                Finding(
                    ("tiers", "measures", name, "currency"),
                    f"unknown points currency '{measure.currency}'{hint}",
                    "unknown_currency",
                )
            )
    first = section.ladder[0]
    findings.extend(
        Finding(
            ("tiers", "ladder", 0, key),
            f"the first tier is where every member starts; it takes no '{key}'",
            "base_threshold",
        )
        for key in ("qualify", "retain", "lifetime_requires", "window")
        if getattr(first, key) is not None
    )
    findings += _check_tier_windows(section)
    previous: tuple[int, TierSpec] | None = None
    for i, tier in enumerate(section.ladder):
        base = ("tiers", "ladder", i)
        for key in ("qualify", "retain", "lifetime_requires"):
            node = getattr(tier, key)
            if node is not None:
                findings += _check_leaves(node, (*base, key), measures, ctx)
        if tier.qualify is not None and tier.retain is not None:
            above = _retain_below(tier.qualify, tier.retain, (*base, "retain"))
            if "retain_above_qualify" not in tier.acknowledge:
                findings += above
            elif not above:
                findings.append(
                    Finding(
                        (*base, "acknowledge"),
                        "nothing to acknowledge: no retain threshold is above its qualify "
                        "threshold; remove retain_above_qualify",
                        "no_effect",
                    )
                )
        elif "retain_above_qualify" in tier.acknowledge:
            findings.append(
                Finding(
                    (*base, "acknowledge"),
                    "retain_above_qualify compares retain with qualify; this tier gives both "
                    "or neither, so remove it",
                    "no_effect",
                )
            )
        if tier.qualify is not None and i > 0:
            if previous is not None and previous[1].qualify is not None:
                findings += _rises(tier.qualify, previous[1].qualify, (*base, "qualify"))
            previous = (i, tier)
    if section.review == "validity_end":
        findings.extend(
            Finding(
                ("tiers", "ladder", i),
                f"review: validity_end reviews a tier only when its validity ends; give "
                f"'{tier.id}' a validity (e.g. {{months_from_upgrade: 12}}) or choose another review",
                "no_validity",
            )
            for i, tier in enumerate(section.ladder)
            if i > 0 and tier.validity is None
        )
    findings += _check_rollover(section, measures, ctx)
    if section.review == "end_of_window" and section.window.kind in (
        "rolling_months",
        "rolling_days",
        "full_months",
    ):
        findings.append(
            Finding(
                ("tiers", "review"),
                f"a {section.window.kind} window has no end to review at; "
                "use anniversary, monthly or {fixed: MM-DD}",
                "review_window",
            )
        )
    return findings


def _check_tier_windows(section: TiersSection) -> list[Finding]:
    """A tier's own window judges a threshold the tier has, over a window that can be counted."""
    out: list[Finding] = []
    for i, tier in enumerate(section.ladder):
        if i == 0 or tier.window is None:
            continue
        path = ("tiers", "ladder", i, "window")
        own = tier.window
        if own.qualify is not None and tier.qualify is None:
            out.append(
                Finding(
                    path,
                    f"'{tier.id}' has no qualify thresholds for a window to judge; give it "
                    "qualify, or remove the window",
                    "no_effect",
                )
            )
        if own.retain is not None and tier.retain is None and tier.qualify is None:
            out.append(
                Finding(
                    path,
                    f"'{tier.id}' has no retain (or qualify) thresholds for a window to judge; "
                    "give it retain, or remove the window",
                    "no_effect",
                )
            )
        validity = own.retain is not None and own.retain.kind == "validity"
        if validity and tier.validity is None and tier.validity_after_review is None:
            out.append(
                Finding(
                    (*path, "retain"),
                    f"retain: validity judges the term '{tier.id}' is held for, and it states "
                    "none; give it a validity (e.g. validity: {months_from_upgrade: 12}) or "
                    "another retain window (e.g. calendar_year)",
                    "no_validity",
                )
            )
        if section.rollover:
            out.append(
                Finding(
                    path,
                    "figures roll over from one of the ladder's windows into the next; a tier "
                    "judged over its own window has no next window to take them, so remove its "
                    "window or remove rollover",
                    "rollover_window",
                )
            )
    return out


_ROLLOVER_WINDOWS = ("calendar_year", "calendar_quarter", "calendar_month", "membership_year")
"""Windows that end and are followed by the next one, so figures can roll from one into the next."""


def _check_rollover(
    section: TiersSection, measures: Mapping[str, MeasureSpec], ctx: CheckContext
) -> list[Finding]:
    """Rollover names measures the ladder qualifies on, in whole units, over windows that end."""
    if not section.rollover:
        return []
    out: list[Finding] = []
    window = section.window
    if window.kind not in _ROLLOVER_WINDOWS or window.start != "join":
        shown = (
            "membership_year from last_upgrade"
            if window.kind == "membership_year"
            else (window.kind)
        )
        out.append(
            Finding(
                ("tiers", "rollover"),
                f"a {shown} window has no next window for figures to roll into; use "
                "calendar_year, calendar_quarter, calendar_month or membership_year, or remove "
                "rollover",
                "rollover_window",
            )
        )
    elif section.review != "end_of_window":
        out.append(
            Finding(
                ("tiers", "rollover"),
                "figures roll over at the review that closes a window; write review: "
                "end_of_window, or remove rollover",
                "rollover_review",
            )
        )
    qualifying = {
        leaf.measure
        for tier in section.ladder
        if tier.qualify is not None
        for leaf in leaves(tier.qualify)
    }
    for name, spec in section.rollover.items():
        path = ("tiers", "rollover", name)
        if name not in qualifying:
            hint = did_you_mean(name, sorted(qualifying))
            listed = "" if hint else f" (qualify reads: {', '.join(sorted(qualifying))})"
            out.append(
                Finding(
                    path,
                    f"'{name}' is not a measure any tier qualifies on, so nothing of it is above "
                    f"a level reached{hint}{listed}",
                    "rollover_measure",
                )
            )
            continue
        measure = measures[name]
        money = measure.of == "spend" or measure.unit == "money"
        if money and _decimals(spec.cap) > ctx.info.currency_decimals:
            out.append(
                Finding(
                    (*path, "cap"),
                    f"{spec.cap} has more decimals than {ctx.info.currency} allows "
                    f"({ctx.info.currency_decimals})",
                    "too_many_decimals",
                )
            )
        elif measure.of in ("orders", "activities") and spec.cap != spec.cap.to_integral_value():
            out.append(
                Finding(
                    (*path, "cap"),
                    f"{spec.cap} is not a whole number of {name}; write a whole cap",
                    "not_whole",
                )
            )
    return out


def _check_leaves(
    node: ThresholdNode, base: Path, measures: Mapping[str, MeasureSpec], ctx: CheckContext
) -> list[Finding]:
    out: list[Finding] = []
    for leaf in leaves(node):
        path = (*base, *leaf.path)
        measure = measures.get(leaf.measure)
        if measure is None:
            hint = did_you_mean(leaf.measure, sorted(measures))
            listed = "" if hint else f" (measures: {', '.join(sorted(measures))})"
            out.append(
                Finding(path, f"unknown measure '{leaf.measure}'{hint}{listed}", "unknown_measure")
            )
            continue
        money = measure.of == "spend" or measure.unit == "money"
        if money and _decimals(leaf.value) > ctx.info.currency_decimals:
            out.append(
                Finding(
                    path,
                    f"{leaf.value} has more decimals than {ctx.info.currency} allows "
                    f"({ctx.info.currency_decimals})",
                    "too_many_decimals",
                )
            )
        if measure.of in ("orders", "activities") and leaf.value != leaf.value.to_integral_value():
            out.append(
                Finding(path, f"{leaf.value} is not a whole number of {leaf.measure}", "not_whole")
            )
    return out


def _first_by_measure(node: ThresholdNode) -> dict[str, ThresholdLeaf]:
    out: dict[str, ThresholdLeaf] = {}
    for leaf in leaves(node):
        out.setdefault(leaf.measure, leaf)
    return out


def _rises(node: ThresholdNode, below: ThresholdNode, base: Path) -> list[Finding]:
    lower = _first_by_measure(below)
    out: list[Finding] = []
    for measure, leaf in _first_by_measure(node).items():
        prev = lower.get(measure)
        if prev is not None and leaf.value <= prev.value:
            out.append(
                Finding(
                    (*base, *leaf.path),
                    f"{leaf.value} is not above the previous tier's {prev.value}; "
                    "a ladder must rise",
                    "ladder_order",
                )
            )
    return out


def _retain_below(qualify: ThresholdNode, retain: ThresholdNode, base: Path) -> list[Finding]:
    reach = _first_by_measure(qualify)
    out: list[Finding] = []
    for measure, leaf in _first_by_measure(retain).items():
        target = reach.get(measure)
        if target is not None and leaf.value > target.value:
            out.append(
                Finding(
                    (*base, *leaf.path),
                    f"keeping the tier takes {leaf.value}, more than reaching it ({target.value}); "
                    "if the programme's terms say so, add acknowledge: [retain_above_qualify] to "
                    "this tier",
                    "retain_above_qualify",
                )
            )
    return out


def _compile_measure(name: str, spec: MeasureSpec, info: ProgramInfo) -> CompiledMeasure:
    label = (
        localized(spec.name, info.locale, name)
        if spec.name
        else LocalizedText(_LABELS.get(name, {"en": name}), info.locale)
    )
    return CompiledMeasure(
        name=name,
        label=label,
        of=spec.of,
        currency=spec.currency,
        kind=spec.kind,
        field=spec.field,
        predicate=compile_condition(spec.where, info.tz) if spec.where is not None else None,
        path=format_path(("tiers", "measures", name)),
        unit=spec.unit,
        counts_opening_balance=spec.counts_opening_balance,
        counts_adjustments=spec.counts_adjustments,
        joins=joins_of(spec),
        posts=posting_of(spec),
    )


def compile_tiers(section: TiersSection, info: ProgramInfo, ctx: CheckContext) -> CompiledTiers:
    """Compile a checked section once, at load time."""
    ladder = tuple(
        CompiledTier(
            id=t.id,
            name=localized(t.name, info.locale, t.id),
            rank=i,
            path=format_path(("tiers", "ladder", i)),
            qualify=t.qualify,
            retain=t.retain if t.retain is not None else t.qualify,
            inclusive=t.qualify_inclusive,
            retain_inclusive=t.retain_inclusive,
            validity=t.validity,
            review_validity=t.validity_after_review,
            lifetime_after_years=t.lifetime_after_years,
            lifetime_requires=t.lifetime_requires,
            lifetime_total=t.lifetime_years == "total",
            qualify_window=_own(t.window.qualify if t.window else None, section.window),
            retain_window=_own(t.window.retain if t.window else None, section.window),
        )
        for i, t in enumerate(section.ladder)
    )
    paid = tuple(
        CompiledTier(
            id=p.id,
            name=localized(p.name, info.locale, p.id),
            # Alongside tiers sit below the ladder so they never replace the earned tier.
            rank=len(ladder) + i if p.placement == "above" else -2,
            path=format_path(("tiers", "paid", i)),
            qualify=None,
            retain=None,
            inclusive=True,
            validity=None,
            lifetime_after_years=None,
            paid=True,
            placement=p.placement,
            months=p.months,
        )
        for i, p in enumerate(section.paid)
    )
    used = {
        leaf.measure
        for tier in section.ladder
        for node in (tier.qualify, tier.retain, tier.lifetime_requires)
        if node is not None
        for leaf in leaves(node)
    }
    # Built-in measures are counted only where a threshold reads them; declared ones always.
    measures = {
        name: _compile_measure(name, spec, info)
        for name, spec in _measures(section).items()
        if name in section.measures or name in used
    }
    step = Decimal(1).scaleb(-info.currency_decimals)
    units = {name: (step if m.money else Decimal(1)) for name, m in measures.items()}
    downgrade = section.downgrade
    qualify_windows = [t.qualify_window or section.window for t in ladder[1:]]
    # An upgrade taking effect later is judged at once, as an immediate one is.
    upgrade = "immediate" if isinstance(section.upgrade, UpgradeSpec) else section.upgrade
    return CompiledTiers(
        section=section,
        ladder=ladder,
        paid=paid,
        by_id=MappingProxyType({t.id: t for t in (*ladder, *paid)}),
        measures=MappingProxyType(measures),
        units=MappingProxyType(units),
        window=section.window,
        review="anniversary" if isinstance(section.review, AnniversaryReview) else section.review,
        review_anchor=(
            section.review.anniversary
            if isinstance(section.review, AnniversaryReview)
            else "joining"
        ),
        max_steps=downgrade.max_steps,
        grace_days=section.grace_days,
        refunds=section.refunds,
        upgrade=upgrade,
        delay=section.upgrade.effective if isinstance(section.upgrade, UpgradeSpec) else None,
        rollover=MappingProxyType({name: spec.cap for name, spec in section.rollover.items()}),
        rises_monthly=upgrade == "immediate"
        and any(w.kind == "full_months" and not w.in_progress for w in qualify_windows),
    )


def _own(window: WindowSpec | None, ladder: WindowSpec) -> WindowSpec | None:
    """A tier's own window, None when it is the ladder's (so it is judged with the ladder's)."""
    return None if window is None or window == ladder else window
