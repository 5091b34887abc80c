"""Cross-checks and compilation of the `lifecycle:` section."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from .._compiled_base import CheckContext, did_you_mean
from .._paths import Finding, Path, format_path
from .._program import ProgramInfo, localized
from .._reasons import LocalizedText
from ..rules import Compare, Condition, Predicate, compile_condition
from ._model import BgNbdParams, LifecycleSection, ValueSpec, WindowSpec

__all__ = [
    "CompiledAudience",
    "CompiledLifecycle",
    "CompiledRule",
    "check_lifecycle",
    "compile_lifecycle",
]


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A named, compiled condition: a stage, an RFM segment or an audience."""

    id: str
    name: LocalizedText
    path: str
    predicate: Predicate | None
    """None for a default stage written without a condition."""


@dataclass(frozen=True, slots=True)
class CompiledAudience:
    """An audience ready to select members."""

    rule: CompiledRule
    expiring_within_days: int


@dataclass(frozen=True, slots=True)
class CompiledLifecycle:
    """The lifecycle section compiled for evaluation."""

    info: ProgramInfo
    window: WindowSpec
    churn_gap_days: int
    unit: str
    same_day: str
    stages: tuple[CompiledRule, ...]
    default: CompiledRule | None
    ntiles: int
    segments: tuple[CompiledRule, ...]
    default_segment: CompiledRule | None
    bgnbd: BgNbdParams | None
    value: ValueSpec | None
    audiences: Mapping[str, CompiledAudience]
    tier_ids: tuple[str, ...]
    """Ladder order, lowest first, for ``tier_rank`` and tier distributions."""
    points_currency: str = "points"
    """The default points currency, whose expiring lots ``points_expiring`` adds up (the points
    part names it ``points`` when the policy declares no currencies)."""


def _unknown(kind: str, name: str, known: tuple[str, ...], path: Path) -> Finding | None:
    if name in known:
        return None
    if not known:
        return Finding(
            path, f"unknown {kind} '{name}': the policy declares none", f"unknown_{kind}"
        )
    hint = did_you_mean(name, known)
    listed = "" if hint else f" ({kind}s: {', '.join(known)})"
    return Finding(path, f"unknown {kind} '{name}'{hint}{listed}", f"unknown_{kind}")


def _duplicates(ids: list[str], base: Path) -> list[Finding]:
    seen: dict[str, int] = {}
    found: list[Finding] = []
    for index, item in enumerate(ids):
        if item in seen:
            first = format_path((*base, seen[item]))
            found.append(
                Finding(
                    (*base, index, "id"), f"id '{item}' is already used by {first}", "duplicate_id"
                )
            )
        else:
            seen[item] = index
    return found


def _literals(condition: Condition | None, name: str) -> Iterable[tuple[Compare, object]]:
    if condition is None:
        return
    for node in condition.walk():
        if isinstance(node, Compare) and node.field == name:
            values = node.value if isinstance(node.value, tuple) else (node.value,)
            for value in values:
                yield node, value


def _condition_refs(
    condition: Condition | None, base: Path, ctx: CheckContext, section: LifecycleSection
) -> list[Finding]:
    found: list[Finding | None] = []
    for node, value in _literals(condition, "tier"):
        found.append(_unknown("tier", str(value), ctx.tier_ids, (*base, *node.path)))
    for node, value in _literals(condition, "stage"):
        found.append(_unknown("stage", str(value), ctx.stage_ids, (*base, *node.path)))
    for node, _ in _literals(condition, "p_alive"):
        if section.bgnbd is None and section.value is None:
            found.append(
                Finding(
                    (*base, *node.path),
                    "p_alive needs a purchase model: add lifecycle.bgnbd {r, alpha, a, b} "
                    "or lifecycle.value {model, purchases, horizon}",
                    "missing_bgnbd",
                )
            )
    for node, _ in _literals(condition, "expected_purchases"):
        if section.value is None:
            found.append(
                Finding(
                    (*base, *node.path),
                    "expected_purchases needs lifecycle.value {model, purchases, horizon}",
                    "missing_value",
                )
            )
    for node, _ in _literals(condition, "clv"):
        if section.value is None or section.value.spend is None:
            found.append(
                Finding(
                    (*base, *node.path),
                    "clv needs lifecycle.value with a spend model: value.spend {p, q, gamma}",
                    "missing_value",
                )
            )
    return [f for f in found if f is not None]


def check_lifecycle(section: LifecycleSection, ctx: CheckContext) -> list[Finding]:
    """Cross-field problems of the section (references, ordering), with absolute paths."""
    base: Path = ("lifecycle",)
    found: list[Finding | None] = []
    stage_ids = [s.id for s in section.stages]
    found += _duplicates(stage_ids, (*base, "stages"))
    if section.default is not None:
        found.append(_unknown("stage", section.default, tuple(stage_ids), (*base, "default")))
    if section.order:
        # The journey order is for people reading reports; a stage left out would have no place.
        for index, stage_id in enumerate(section.order):
            found.append(_unknown("stage", stage_id, tuple(stage_ids), (*base, "order", index)))
        found += [
            Finding((*base, "order", i), f"stage '{sid}' is listed twice", "duplicate_id")
            for i, sid in enumerate(section.order)
            if sid in section.order[:i]
        ]
        left_out = [sid for sid in stage_ids if sid not in section.order]
        if left_out:
            found.append(
                Finding(
                    (*base, "order"),
                    f"order leaves out {', '.join(repr(s) for s in left_out)}; list every stage once",
                    "incomplete_order",
                )
            )
    for index, stage in enumerate(section.stages):
        where: Path = (*base, "stages", index)
        if stage.when is None and stage.id != section.default:
            found.append(
                Finding(
                    (*where, "id"),
                    f"stage '{stage.id}' has no 'when' condition; only the default stage may "
                    "leave it out",
                    "missing_condition",
                )
            )
        found += _condition_refs(stage.when, (*where, "when"), ctx, section)
    if section.rfm is not None:
        rfm = section.rfm
        segment_ids = [s.id for s in rfm.segments]
        found += _duplicates(segment_ids, (*base, "rfm", "segments"))
        if rfm.default is not None:
            found.append(
                _unknown("segment", rfm.default, tuple(segment_ids), (*base, "rfm", "default"))
            )
        for index, segment in enumerate(rfm.segments):
            where = (*base, "rfm", "segments", index)
            if segment.when is None and segment.id != rfm.default:
                found.append(
                    Finding(
                        (*where, "id"),
                        f"segment '{segment.id}' has no 'when' condition; only the default "
                        "segment may leave it out",
                        "missing_condition",
                    )
                )
            for score in ("r", "f", "m", "fm"):
                for node, value in _literals(segment.when, score):
                    if isinstance(value, int | Decimal) and not 1 <= value <= rfm.ntiles:
                        found.append(
                            Finding(
                                (*where, "when", *node.path),
                                f"score {value} is outside 1..{rfm.ntiles} (rfm.ntiles)",
                                "out_of_range",
                            )
                        )
    found += _duplicates([a.id for a in section.audiences], (*base, "audiences"))
    for index, audience in enumerate(section.audiences):
        found += _condition_refs(audience.when, (*base, "audiences", index, "when"), ctx, section)
    return [f for f in found if f is not None]


def _rule(
    item_id: str,
    name: Mapping[str, str] | None,
    condition: Condition | None,
    path: Path,
    info: ProgramInfo,
) -> CompiledRule:
    predicate = compile_condition(condition, info.tz) if condition is not None else None
    return CompiledRule(
        item_id, localized(name, info.locale, item_id), format_path(path), predicate
    )


def compile_lifecycle(
    section: LifecycleSection, info: ProgramInfo, ctx: CheckContext
) -> CompiledLifecycle:
    """Compile a checked section once, at load time."""
    base: Path = ("lifecycle",)
    stages = tuple(
        _rule(s.id, s.name, s.when, (*base, "stages", i), info)
        for i, s in enumerate(section.stages)
    )
    rfm = section.rfm
    segments = tuple(
        _rule(s.id, s.name, s.when, (*base, "rfm", "segments", i), info)
        for i, s in enumerate(rfm.segments if rfm is not None else ())
    )
    audiences = {
        a.id: CompiledAudience(
            _rule(a.id, a.name, a.when, (*base, "audiences", i), info), a.expiring_within_days
        )
        for i, a in enumerate(section.audiences)
    }
    return CompiledLifecycle(
        info=info,
        window=section.window,
        churn_gap_days=section.churn_gap_days,
        unit=section.summary.unit,
        same_day=section.summary.same_day,
        stages=stages,
        default=next((s for s in stages if s.id == section.default), None),
        ntiles=rfm.ntiles if rfm is not None else 5,
        segments=segments,
        default_segment=next(
            (s for s in segments if rfm is not None and s.id == rfm.default), None
        ),
        bgnbd=section.bgnbd,
        value=section.value,
        audiences=MappingProxyType(audiences),
        tier_ids=ctx.tier_ids,
        points_currency=ctx.currency_ids[0] if ctx.currency_ids else "points",
    )
