"""Which lifecycle stage a member is in at a moment, and why.

Stages are tried in policy order and the first whose condition holds wins, so a policy lists the
most specific stages (won back, new) before the broad ones (mature). When none holds the member is
in the default stage; a policy without one leaves such a member without a stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from .._decision import Explained
from .._facts import member_values
from .._limits import memberkit_context
from .._money import Money
from .._paths import format_path
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ..rules import Facts, Trace, clause_reason
from ._access import aware, brought_to, lifecycle_of
from ._compile import CompiledLifecycle, CompiledRule
from ._member_value import MemberValue, value_of
from ._summaries import PurchaseFigures, figures
from ._vocabulary import FIELD_NAMES

if TYPE_CHECKING:
    from .._compiled import Policy

__all__ = ["LifecycleStage", "leaf_reasons", "lifecycle_stage", "member_facts", "stage_for"]


@dataclass(frozen=True, slots=True)
class LifecycleStage(Explained):
    """The stage a member is in at ``as_of`` (None when no stage applies), with the figures."""

    member_id: str
    as_of: datetime
    stage: str | None
    name: LocalizedText | None
    path: str
    """The policy path of the stage that decided, or "" when none did."""
    tier: str | None
    figures: PurchaseFigures
    p_alive: Decimal | None
    reasons: tuple[Reason, ...]
    default_locale: str = "en"
    value: MemberValue | None = None
    """P(alive), expected purchases and CLV, when the policy has a purchase model."""


def member_facts(
    compiled: CompiledLifecycle, state: MemberState, as_of: datetime
) -> tuple[Facts, PurchaseFigures, str | None, Decimal | None]:
    """The facts lifecycle conditions read for one member at ``as_of``, and their parts."""
    info = compiled.info
    local = as_of.astimezone(info.tz)
    figs = figures(
        state,
        as_of,
        info.tz,
        window=compiled.window,
        churn_gap_days=compiled.churn_gap_days,
        same_day="merge" if compiled.same_day == "merge" else "keep",
    )
    # The tier is read only through the recorded history, as every part reads it.
    tier = state.tiers.tier_at(as_of)
    values = figs.values()
    values.update(
        member_values(state, local, tier=tier, leap_rule=info.leap_birthday, figures=info.figures)
    )
    if tier is not None and tier in compiled.tier_ids:
        values["tier_rank"] = compiled.tier_ids.index(tier)
    p_alive: Decimal | None = None
    # P(alive), expected purchases and CLV, when the policy has a purchase model.
    worth = value_of(compiled, state, as_of)
    if worth is not None:
        values.update(worth.values())
        p_alive = worth.p_alive
    return Facts(at=local, values=values), figs, tier, p_alive


def leaf_reasons(trace: Trace, base: str) -> list[Reason]:
    out: list[Reason] = []
    for leaf in trace.leaves():
        code = "lifecycle.condition_held" if leaf.held else "lifecycle.condition_not_held"
        path = f"{base}.when" + (format_path(leaf.path) and "." + format_path(leaf.path))
        clause = clause_reason(leaf, True, path, labels=FIELD_NAMES)
        out.append(Reason.of(code, path, clause=clause))
    return out


def stage_for(compiled: CompiledLifecycle, facts: Facts) -> CompiledRule | None:
    """The first stage whose condition holds, else the default stage (the fast path, no reasons)."""
    for stage in compiled.stages:
        if stage.predicate is not None and stage.predicate(facts):
            return stage
    return compiled.default


def _figures_reasons(compiled: CompiledLifecycle, figs: PurchaseFigures) -> list[Reason]:
    window = compiled.window
    where = format_path(("lifecycle", "window"))
    figures_reason = (
        Reason.of("lifecycle.never_bought", where)
        if figs.recency_days is None
        else Reason.of(
            "lifecycle.figures",
            where,
            recency_days=figs.recency_days,
            frequency=figs.frequency,
            monetary=Money(figs.monetary, compiled.info.currency),
            purchases=figs.purchases,
        )
    )
    return [
        figures_reason,
        Reason.of("lifecycle.window_days", where, days=window.days)
        if window.days is not None
        else Reason.of("lifecycle.window_months", where, months=window.months or 0),
    ]


@memberkit_context
def lifecycle_stage(policy: Policy, state: MemberState, as_of: datetime) -> LifecycleStage:
    """The member's lifecycle stage at ``as_of``: which rule held, and the figures it read."""
    aware(as_of)
    compiled = lifecycle_of(policy, as_of)
    now = brought_to(policy, state, as_of)
    facts, figs, tier, p_alive = member_facts(compiled, now, as_of)
    chosen = stage_for(compiled, facts)
    reasons: list[Reason] = []
    if chosen is None:
        reasons.append(Reason.of("lifecycle.no_stage", format_path(("lifecycle", "stages"))))
    elif chosen.predicate is not None and chosen.predicate(facts):
        reasons.append(Reason.of("lifecycle.stage", chosen.path, stage=chosen.name))
        reasons += leaf_reasons(chosen.predicate.trace(facts), chosen.path)
    else:
        reasons.append(
            Reason.of(
                "lifecycle.stage_default", format_path(("lifecycle", "default")), stage=chosen.name
            )
        )
    reasons += _figures_reasons(compiled, figs)
    worth = value_of(compiled, now, as_of) if p_alive is not None else None
    if worth is not None:
        reasons += worth.reasons
    return LifecycleStage(
        member_id=state.member_id,
        as_of=as_of,
        stage=chosen.id if chosen is not None else None,
        name=chosen.name if chosen is not None else None,
        path=chosen.path if chosen is not None else "",
        tier=tier,
        figures=figs,
        p_alive=p_alive,
        reasons=tuple(reasons),
        value=worth,
        default_locale=compiled.info.locale,
    )
