"""Cross-checks and compilation of the `benefits:` section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from .._compiled_base import CheckContext, decimal_places
from .._paths import Finding, Path, format_path
from .._program import ProgramInfo, localized
from .._reasons import LocalizedText
from ..rules import Compare, Predicate, compile_condition
from ._model import BenefitSpec, BenefitsSection, Period, QuotaSpec

__all__ = [
    "CompiledBenefit",
    "CompiledBenefits",
    "CompiledQuota",
    "check_benefits",
    "compile_benefits",
    "decimal_places",
]


@dataclass(frozen=True, slots=True)
class CompiledQuota:
    """One quota of a benefit: ``limit`` uses (or money) per period, plus what may carry over."""

    per: Period
    unit: Literal["count", "value"]
    limit: Decimal
    carry_over: Decimal
    path: str
    each: str | None = None
    """The use attribute (without ``attr.``) the quota is counted apart for, e.g. ``stay``."""
    by_tier: Mapping[str, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    """Uses per period for the tiers listed; ``limit`` for the others."""

    def limit_for(self, tier: str | None, alongside: frozenset[str] = frozenset()) -> Decimal:
        """The quota for a member of ``tier``: the ladder tier's, else the best paid tier's."""
        if tier is not None and tier in self.by_tier:
            return self.by_tier[tier]
        held = [self.by_tier[t] for t in alongside if t in self.by_tier]
        return max(held) if held else self.limit


@dataclass(frozen=True, slots=True)
class CompiledBenefit:
    """A benefit ready to evaluate: tier grant, values, predicate, quotas and validity resolved."""

    id: str
    name: LocalizedText
    path: str
    tiers: frozenset[str] | None
    """Tiers that hold the benefit; None means every member, whatever their tier."""
    tier_order: tuple[str, ...]
    """The same tiers in ladder order, for explanations."""
    tier_names: Mapping[str, LocalizedText]
    """Display names of the programme's tiers, for explanations."""
    tiers_path: str
    values: Mapping[str, Decimal]
    default_value: Decimal | None
    value_unit: Literal["number", "money", "discount"]
    value_path: str
    predicate: Predicate | None
    when_path: Path
    quotas: tuple[CompiledQuota, ...]
    valid_from: date | None
    valid_until: date | None
    valid_path: str
    birthday_days: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Days of the birthday window per tier (``birthday_days.by_tier``)."""
    birthday_default: int | None = None
    birthday_path: str | None = None
    """The policy path of ``birthday_days``; None when the benefit has no birthday window."""

    def days_for(self, tier: str | None, alongside: frozenset[str] = frozenset()) -> int | None:
        """The birthday window's days for a member of ``tier``: the ladder tier's, else the
        longest of the paid tiers held alongside, else the default (None: no window)."""
        if tier is not None and tier in self.birthday_days:
            return self.birthday_days[tier]
        held = [self.birthday_days[t] for t in alongside if t in self.birthday_days]
        return max(held) if held else self.birthday_default

    def value_for(
        self, tier: str | None, alongside: frozenset[str] = frozenset()
    ) -> Decimal | None:
        """The benefit's value for a member of ``tier`` holding paid tiers ``alongside``.

        The ladder tier's value comes first; a paid tier held alongside gives its value only when
        the ladder tier has none (the first such tier in policy order); then the default.
        """
        if tier is not None and tier in self.values:
            return self.values[tier]
        for held in self.tier_order:
            if held in alongside and held in self.values:
                return self.values[held]
        return self.default_value

    def held_by(self, tiers: frozenset[str]) -> bool:
        """Whether a member holding ``tiers`` (ladder tier and paid tiers alongside) has it."""
        return self.tiers is None or not self.tiers.isdisjoint(tiers)


@dataclass(frozen=True, slots=True)
class CompiledBenefits:
    """The benefits section compiled for evaluation, in policy order and by id."""

    items: tuple[CompiledBenefit, ...]
    by_id: Mapping[str, CompiledBenefit]

    def get(self, benefit_id: str) -> CompiledBenefit | None:
        """The benefit with this id, if the policy declares it."""
        return self.by_id.get(benefit_id)


def _unknown_tier(tier: str, ctx: CheckContext, path: Path) -> Finding | None:
    return ctx.unknown_tier(tier, path)


def _money_precision(amount: Decimal, ctx: CheckContext, path: Path) -> Finding | None:
    return ctx.money_precision(amount, path)


def check_benefits(section: BenefitsSection, ctx: CheckContext) -> list[Finding]:
    """Cross-field problems of the section (references, ordering), with absolute paths."""
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(section.root):
        base: Path = ("benefits", index)
        if spec.id in seen:
            findings.append(
                Finding(
                    (*base, "id"),
                    f"benefit id '{spec.id}' is already used by "
                    f"{format_path(('benefits', seen[spec.id]))}",
                    "duplicate_id",
                )
            )
        else:
            seen[spec.id] = index
        findings += _check_one(spec, base, ctx)
    return [f for f in findings if f is not None]


def _check_one(spec: BenefitSpec, base: Path, ctx: CheckContext) -> list[Finding]:
    found: list[Finding | None] = []
    for j, tier in enumerate(spec.tiers or ()):
        found.append(_unknown_tier(tier, ctx, (*base, "tiers", j)))
    if spec.value is not None:
        for tier, amount in (spec.value.by_tier or {}).items():
            where: Path = (*base, "value", "by_tier", tier)
            found.append(_unknown_tier(tier, ctx, where))
            if spec.tiers is not None and tier not in spec.tiers and tier in ctx.tier_ids:
                found.append(
                    Finding(
                        where,
                        f"tier '{tier}' has a value but is not in this benefit's tiers",
                        "tier_not_granted",
                    )
                )
            if spec.value.unit == "money":
                found.append(_money_precision(amount, ctx, where))
        if spec.value.unit == "money" and spec.value.default is not None:
            found.append(_money_precision(spec.value.default, ctx, (*base, "value", "default")))
        if spec.tiers is not None and spec.value.default is None:
            by_tier = spec.value.by_tier or {}
            for j, tier in enumerate(spec.tiers):
                if tier not in by_tier:
                    found.append(
                        Finding(
                            (*base, "tiers", j),
                            f"tier '{tier}' has the benefit "
                            "but no value; add it to value.by_tier or give "
                            "value.default",
                            "missing_value",
                        )
                    )
    if spec.when is not None:
        for node in spec.when.walk():
            if isinstance(node, Compare) and node.field == "tier":
                literals = node.value if isinstance(node.value, tuple) else (node.value,)
                where = (*base, "when", *node.path)
                found.extend(_unknown_tier(str(literal), ctx, where) for literal in literals)
    quota_paths = _quota_paths(spec, base)
    for quota, path in zip(spec.quotas, quota_paths, strict=True):
        found.extend(
            _unknown_tier(tier, ctx, (*path, "by_tier", tier)) for tier in quota.by_tier or {}
        )
        if quota.value is not None:
            found.append(_money_precision(quota.value, ctx, (*path, "value")))
            found.append(_money_precision(quota.carry_over, ctx, (*path, "carry_over")))
    found += _check_birthday_days(spec, base, ctx)
    valid = spec.valid
    if valid is not None and valid.valid_from and valid.until and valid.valid_from > valid.until:
        found.append(
            Finding(
                (*base, "valid", "until"),
                f"the benefit ends ({valid.until}) before it starts ({valid.valid_from})",
                "bad_range",
            )
        )
    return [f for f in found if f is not None]


def _check_birthday_days(spec: BenefitSpec, base: Path, ctx: CheckContext) -> list[Finding | None]:
    window = spec.birthday_days
    if window is None:
        return []
    by_tier = window.by_tier or {}
    found: list[Finding | None] = []
    for tier in by_tier:
        where: Path = (*base, "birthday_days", "by_tier", tier)
        found.append(_unknown_tier(tier, ctx, where))
        if spec.tiers is not None and tier not in spec.tiers and tier in ctx.tier_ids:
            found.append(
                Finding(
                    where,
                    f"tier '{tier}' has a birthday window but not the benefit; add it to "
                    "this benefit's tiers or remove it here",
                    "tier_not_granted",
                )
            )
    if spec.tiers is not None and window.default is None:
        found.extend(
            Finding(
                (*base, "tiers", j),
                f"tier '{tier}' has the benefit but no birthday window; add it to "
                "birthday_days.by_tier or give birthday_days.default",
                "missing_value",
            )
            for j, tier in enumerate(spec.tiers)
            if tier not in by_tier
        )
    return found


def _quota_paths(spec: BenefitSpec, base: Path) -> list[Path]:
    if isinstance(spec.quota, tuple):
        return [(*base, "quota", j) for j in range(len(spec.quota))]
    return [(*base, "quota")] if spec.quota is not None else []


def _compile_quota(quota: QuotaSpec, path: Path) -> CompiledQuota:
    return CompiledQuota(
        per=quota.per,
        unit="count" if quota.count is not None else "value",
        limit=quota.limit,
        carry_over=quota.carry_over,
        path=format_path(path),
        each=quota.each[len("attr.") :] if quota.each is not None else None,
        by_tier=MappingProxyType({t: Decimal(n) for t, n in (quota.by_tier or {}).items()}),
    )


def compile_benefits(
    section: BenefitsSection, info: ProgramInfo, ctx: CheckContext
) -> CompiledBenefits:
    """Compile a checked section once, at load time."""
    items = tuple(
        _compile_one(spec, ("benefits", index), info, ctx)
        for index, spec in enumerate(section.root)
    )
    return CompiledBenefits(items, MappingProxyType({item.id: item for item in items}))


def _granting_key(spec: BenefitSpec) -> str:
    """The key that says who holds the benefit, for the path of a tier refusal."""
    if spec.tiers is not None:
        return "tiers"
    if spec.value is None and spec.birthday_days is not None:
        return "birthday_days"
    return "value"


def _compile_one(
    spec: BenefitSpec, base: Path, info: ProgramInfo, ctx: CheckContext
) -> CompiledBenefit:
    value = spec.value
    values: Mapping[str, Decimal] = MappingProxyType(dict(value.by_tier or {}) if value else {})
    # Who holds the benefit: the tiers listed; else the tiers given a value (a member of another
    # tier has no discount rate to apply); else everyone.
    granted: tuple[str, ...] | None = spec.tiers
    if granted is None and value is not None and value.default is None:
        granted = tuple(values)
    window = spec.birthday_days
    if granted is None and window is not None and window.default is None:
        # Only the tiers given a window have the benefit, as with a value per tier.
        granted = tuple(window.by_tier or {})
    order = {tier: i for i, tier in enumerate(ctx.tier_ids)}
    tier_order = tuple(sorted(granted, key=lambda t: order.get(t, len(order)))) if granted else ()
    return CompiledBenefit(
        id=spec.id,
        name=localized(spec.name, info.locale, spec.id),
        path=format_path(base),
        tiers=frozenset(granted) if granted is not None else None,
        tier_order=tier_order,
        tier_names=ctx.tier_names,
        tiers_path=format_path((*base, _granting_key(spec))),
        values=values,
        default_value=value.default if value else None,
        value_unit=value.unit if value else "number",
        value_path=format_path((*base, "value")),
        predicate=compile_condition(spec.when, info.tz) if spec.when is not None else None,
        when_path=(*base, "when"),
        quotas=tuple(
            _compile_quota(q, p) for q, p in zip(spec.quotas, _quota_paths(spec, base), strict=True)
        ),
        valid_from=spec.valid.valid_from if spec.valid else None,
        valid_until=spec.valid.until if spec.valid else None,
        valid_path=format_path((*base, "valid")),
        birthday_days=MappingProxyType(dict(window.by_tier or {}) if window else {}),
        birthday_default=window.default if window else None,
        birthday_path=format_path((*base, "birthday_days")) if window else None,
    )
