"""Queries: which tier is a member in, since when and why; and how far is the next one."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from dateutil.relativedelta import relativedelta

from .._decision import later
from .._errors import EventError
from .._money import Money
from .._paths import format_path
from .._program import ProgramInfo
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ._compile import CompiledTier, CompiledTiers
from ._decisions import Need, PathProgress, TierDecision, TierProgress
from ._editions import judging, reviewer
from ._ladder import TICK, Judged, active_grants, earned_since, shown, span_at
from ._measures import figures, posting_moments
from ._model import WindowSpec
from ._pending import upcoming
from ._state import TierChange, UpgradeDue
from ._thresholds import held_leaves, paths, shortfalls
from ._windows import Span, review_moments

if TYPE_CHECKING:
    from .._compiled import CompiledProgram, Policy

__all__ = ["progress", "tier_of"]


def _setup(
    policy: Policy, state: MemberState, as_of: datetime
) -> tuple[CompiledProgram, CompiledTiers, MemberState]:
    from .._agenda import state_at

    # Reviews, validity ends and versions due by then are carried out on a copy (the agenda);
    # a moment before the state's last event is refused there.
    now = state_at(policy, state, as_of)
    program = policy.at(as_of)
    ct = program.tiers
    if ct is None:
        raise EventError(
            "-", "the programme has no tiers: section", field="policy", code="no_tiers"
        )
    return program, ct, now


def _figure_reasons(
    ct: CompiledTiers, info: ProgramInfo, figs: dict[str, Decimal], span: Span
) -> list[Reason]:
    used = _used_measures(ct)
    out: list[Reason] = []
    for name, m in ct.measures.items():
        if name not in used:
            continue
        value = shown(ct, info, name, figs.get(name, Decimal(0)))
        if span.start is None:
            out.append(Reason.of("tier.figure_lifetime", m.path, measure=m.label, value=value))
        else:
            out.append(
                Reason.of(
                    "tier.figure",
                    m.path,
                    measure=m.label,
                    value=value,
                    start=info.local_date(span.start),
                    end=info.local_date((span.end or span.start) - TICK),
                )
            )
    return out


def _posting_reasons(
    ct: CompiledTiers, info: ProgramInfo, state: MemberState, as_of: datetime
) -> list[Reason]:
    """What credits recorded by ``as_of`` post later, and on which day (per measure read)."""
    used = _used_measures(ct)
    out: list[Reason] = []
    ever = Span(None, None)
    for name, m in ct.measures.items():
        if m.posts is None or name not in used:
            continue
        one = {name: m}
        by_day: dict[object, Decimal] = {}
        for moment in posting_moments(m, state.activities, as_of, info.tz):
            # What this posting adds to the figures (a joined stay's continuation adds none).
            gained = (
                figures(one, state, ever, moment, info.tz, currency=info.currency)[name]
                - figures(one, state, ever, moment - TICK, info.tz, currency=info.currency)[name]
            )
            if gained:
                day = info.local_date(moment)
                by_day[day] = by_day.get(day, Decimal(0)) + gained
        out.extend(
            Reason.of(
                "tier.figure_posts", m.path, measure=m.label, value=shown(ct, info, name, v), on=d
            )
            for d, v in by_day.items()
        )
    return out


def _rollover_reasons(
    ct: CompiledTiers, info: ProgramInfo, state: MemberState, span: Span, as_of: datetime
) -> list[Reason]:
    """What the figures of ``span`` hold that rolled over from the window before it."""
    if span.start is None:
        return []
    out: list[Reason] = []
    for record in state.tiers.rollovers:
        if record.at > as_of or not span.holds(record.at):
            continue
        before = span_at(ct, info, state, record.at - TICK)
        for name, value in record.figures:
            m = ct.measures.get(name)
            if m is None:
                continue
            out.append(
                Reason.of(
                    "tier.rollover_counted",
                    f"tiers.rollover.{name}",
                    measure=m.label,
                    value=shown(ct, info, name, value),
                    start=info.local_date(before.start or record.at),
                    end=info.local_date(record.at - TICK),
                )
            )
    return out


def _window_label(w: WindowSpec) -> LocalizedText:
    """How a window reads in a sentence ("当年", "the last 12 months")."""
    n = w.n
    texts = {
        "calendar_year": ("this year", "当年", "當年"),
        "calendar_quarter": ("this quarter", "本季度", "本季度"),
        "calendar_month": ("this month", "本月", "本月"),
        "rolling_months": (f"in the last {n} months", f"近 {n} 个月", f"近 {n} 個月"),
        "rolling_days": (f"in the last {n} days", f"近 {n} 天", f"近 {n} 天"),
        "full_months": (f"in the last {n} full months", f"前 {n} 个整月", f"前 {n} 個整月"),
        "membership_year": ("this membership year", "本会员年度", "本會員年度"),
        "lifetime": ("in total", "累计", "累計"),
        "validity": ("in the term held", "本有效期内", "本有效期內"),
    }[w.kind]
    if w.kind == "full_months" and w.in_progress:
        texts = (
            f"in the last {n} months, this one included",
            f"近 {n} 个月（含本月）",
            f"近 {n} 個月（含本月）",
        )
    return LocalizedText({"en": texts[0], "zh_Hans": texts[1], "zh_Hant": texts[2]})


def _threshold_reasons(
    ct: CompiledTiers, info: ProgramInfo, tier: CompiledTier, judged: Judged
) -> list[Reason]:
    """Which thresholds of the earned tier the figures meet: qualification, else retention."""
    if tier.rank == 0:
        return []
    for part, node in (("qualify", tier.qualify), ("retain", tier.retain)):
        if node is None:
            continue
        qualify = part == "qualify"
        inclusive = tier.inclusive if qualify else tier.retain_inclusive
        judged_over = ct.qualify_window(tier) if qualify else ct.retain_window(tier)
        figs = judged.figures(judged_over)
        held = held_leaves(node, figs, inclusive)
        if not held:
            continue
        window = _window_label(judged_over)
        op = "≥" if inclusive else ">"
        return [
            Reason.of(
                "tier.threshold_held",
                format_path(("tiers", "ladder", tier.rank, part, *leaf.path)),
                tier=tier.name,
                measure=ct.measures[leaf.measure].label,
                window=window,
                value=shown(ct, info, leaf.measure, figs.get(leaf.measure, Decimal(0))),
                op=op,
                threshold=shown(ct, info, leaf.measure, leaf.value),
            )
            for leaf in held
        ]
    return []


def _used_measures(ct: CompiledTiers) -> set[str]:
    from ._thresholds import leaves

    used: set[str] = set()
    for tier in ct.ladder:
        for node in (tier.qualify, tier.retain):
            if node is not None:
                used.update(leaf.measure for leaf in leaves(node))
    return used


def tier_of(policy: Policy, state: MemberState, as_of: datetime) -> TierDecision:
    """The tier in force at ``as_of``, since when, until when, the figures, and the reasons."""
    program, ct, state = _setup(policy, state, as_of)
    info = program.info
    change = state.tiers.change_at(as_of) or state.tiers.history[0]
    tier = ct.by_id.get(change.tier) or ct.base
    since = earned_since(state.tiers.history, as_of) or change.at
    earned_changes = tuple(c for c in state.tiers.earned if c.at <= as_of) or state.tiers.earned[:1]
    earned = earned_changes[-1].tier
    grants = active_grants(state.tiers.grants, as_of)
    paid = tuple(g.tier for g in grants if ct.by_id[g.tier].placement == "alongside")
    granted = change.reason == "grant" and earned != tier.id
    judged = Judged(ct, info, state, as_of, as_of)
    span = judged.span()
    figs = judged.figures()
    pending = state.tiers.pending
    ups = upcoming(ct, info, state, as_of)
    found = _Found(tier, change, since, earned, granted, paid, judged, span, figs, ups)

    return TierDecision(
        tier=tier.id,
        name=tier.name,
        since=since,
        valid_until=change.valid_until,
        earned=earned,
        granted=granted,
        paid=paid,
        figures=figs,
        window_start=span.start,
        window_end=span.end,
        pending_tier=pending.tier if pending is not None and pending.at > as_of else None,
        pending_at=pending.at if pending is not None and pending.at > as_of else None,
        valid_through=(
            info.local_date(change.valid_until - TICK) if change.valid_until is not None else None
        ),
        pending_on=(
            info.local_date(pending.at) if pending is not None and pending.at > as_of else None
        ),
        as_of=as_of,
        reasons=later(lambda: _tier_reasons(policy, ct, info, state, as_of, found)),
        default_locale=info.locale,
        reached_by=state.tiers.reached_by_at(as_of),
        upgrade_tier=ups[-1][1].id if ups else None,
        upgrade_at=ups[-1][0].at if ups else None,
    )


class _Found(NamedTuple):
    """What ``tier_of`` worked out for its answer, which its reasons put in words."""

    tier: CompiledTier
    change: TierChange
    since: datetime
    earned: str
    granted: bool
    paid: tuple[str, ...]
    judged: Judged
    span: Span
    figs: dict[str, Decimal]
    ups: list[tuple[UpgradeDue, CompiledTier]]


def _tier_reasons(
    policy: Policy,
    ct: CompiledTiers,
    info: ProgramInfo,
    state: MemberState,
    as_of: datetime,
    found: _Found,
) -> list[Reason]:
    """Why ``tier_of`` answered as it did (built when the decision's reasons are read)."""
    tier, change, since, earned = found.tier, found.change, found.since, found.earned
    judged, span, figs, ups = found.judged, found.span, found.figs, found.ups
    reasons = [Reason.of("tier.current", tier.path, tier=tier.name, since=since)]
    if change.valid_until is not None:
        reasons.append(
            Reason.of(
                "tier.valid_until",
                tier.path,
                tier=tier.name,
                until=info.local_date(change.valid_until - TICK),
            )
        )
    if found.granted:
        reasons.append(
            Reason.of("tier.earned_beneath", ct.by_id[earned].path, tier=ct.by_id[earned].name)
        )
    reasons.extend(
        Reason.of("tier.paid_alongside", ct.by_id[g].path, tier=ct.by_id[g].name)
        for g in found.paid
    )
    if state.tiers.lifetime and ct.rank(state.tiers.lifetime) >= 0:
        life = ct.by_id[state.tiers.lifetime]
        reasons.append(Reason.of("tier.lifetime_held", life.path, tier=life.name))
    pending = state.tiers.pending
    if pending is not None and pending.at > as_of:
        low = ct.by_id[pending.tier]
        reasons.append(
            Reason.of("tier.downgrade_scheduled", low.path, tier=low.name, at=pending.at)
        )
    reasons.extend(_upcoming_reasons(info, ups))
    reasons.extend(_threshold_reasons(ct, info, ct.by_id[earned], judged))
    held = ct.by_id[earned]
    if held.rank > 0 and not state.tiers.lifetime:
        # Which rules the next review of the tier will use, when a version chooses them by a
        # date of the status (``reviews:``).
        review_at = _next_review(ct, info, state, as_of)
        if review_at is not None:
            reasons.extend(_judged_by(policy, state, review_at, ct, held.id)[1])
    reasons.extend(_figure_reasons(ct, info, figs, span))
    reasons.extend(_posting_reasons(ct, info, state, as_of))
    reasons.extend(_rollover_reasons(ct, info, state, span, as_of))
    return reasons


def _upcoming_reasons(
    info: ProgramInfo, ups: list[tuple[UpgradeDue, CompiledTier]]
) -> list[Reason]:
    """Upgrades the figures reached that take effect later: which tier, from which day."""
    return [
        Reason.of(
            "tier.upgrade_scheduled",
            tier.path,
            tier=tier.name,
            qualified=info.local_date(item.qualified_at),
            on=info.local_date(item.at),
        )
        for item, tier in ups
    ]


def _paths(
    ct: CompiledTiers, info: ProgramInfo, tier: CompiledTier, retain: bool, figs: dict[str, Decimal]
) -> tuple[PathProgress, ...]:
    node = tier.retain if retain else tier.qualify
    if node is None:
        return ()
    base = tier.path + (".retain" if retain and tier.retain is not None else ".qualify")
    out: list[PathProgress] = []
    for path in paths(node):
        found = shortfalls(
            path, figs, tier.retain_inclusive if retain else tier.inclusive, ct.units
        )
        out.append(
            PathProgress(
                tuple(
                    Need(
                        s.leaf.measure,
                        s.leaf.value,
                        s.have,
                        s.missing,
                        base
                        + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in s.leaf.path),
                    )
                    for s in found
                )
            )
        )
    return tuple(out)


def _need_reason(ct: CompiledTiers, info: ProgramInfo, need: Need) -> Reason:
    m = ct.measures[need.measure]
    if m.of == "spend":
        return Reason.of("tier.need_spend", need.path, amount=Money(need.missing, info.currency))
    if m.of == "orders":
        return Reason.of("tier.need_orders", need.path, count=need.missing)
    return Reason.of(
        "tier.need_more", need.path, measure=m.label, amount=shown(ct, info, m.name, need.missing)
    )


def _path_reasons(
    ct: CompiledTiers, info: ProgramInfo, found: tuple[PathProgress, ...]
) -> tuple[Reason, ...]:
    return tuple(
        Reason.of(
            "tier.path",
            needs=tuple(_need_reason(ct, info, n) for n in p.needs if n.missing > 0),
        )
        for p in found
        if not p.met
    )


def _next_review(
    ct: CompiledTiers, info: ProgramInfo, state: MemberState, as_of: datetime
) -> datetime | None:
    from ._ladder import last_upgrade

    local = info.local(as_of)
    horizon = local + relativedelta(years=5)
    anchor = ct.review_anchor_of(state)
    found = (
        next(
            review_moments(ct.review, ct.window, local, horizon, anchor, last_upgrade(state)), None
        )
        if anchor is not None
        else None
    )
    earned = state.tiers.earned_change
    valid = earned.valid_until if earned is not None else None
    if valid is not None and valid > as_of and (found is None or valid < found):
        return valid
    return found


def _judged_by(
    policy: Policy, state: MemberState, review_at: datetime, ct: CompiledTiers, tier: str
) -> tuple[CompiledTiers, tuple[Reason, ...]]:
    """The tiers edition that will judge the review at ``review_at``, and the reasons saying so."""
    then = policy.at(review_at)
    if reviewer(policy, then, review_at) is None:
        return ct, ()
    found = judging(policy, then, state, review_at)
    if tier not in found.tiers.by_id:
        return ct, ()
    return found.tiers, found.reasons


def progress(policy: Policy, state: MemberState, as_of: datetime) -> TierProgress:
    """For every way to the next tier what is still missing; and what keeps the current one."""
    program, ct, state = _setup(policy, state, as_of)
    info = program.info
    earned_change = state.tiers.earned_change
    current = ct.by_id[earned_change.tier] if earned_change is not None else ct.base
    judged = Judged(ct, info, state, as_of, as_of)
    span = judged.span()
    reasons: list[Reason] = []
    nxt = next((t for t in ct.ladder[current.rank + 1 :] if t.qualify is not None), None)
    found: tuple[PathProgress, ...] = ()
    # Upgrades already judged say when they take effect, rather than "at the review".
    ups = upcoming(ct, info, state, as_of)
    reasons.extend(_upcoming_reasons(info, ups))
    if nxt is None:
        reasons.append(Reason.of("tier.top", current.path, tier=current.name))
    else:
        found = _paths(ct, info, nxt, False, judged.figures(ct.qualify_window(nxt)))
        if any(p.met for p in found):
            if not ups:
                reasons.append(Reason.of("tier.upgrade_due", nxt.path, tier=nxt.name))
        else:
            reasons.append(
                Reason.of(
                    "tier.progress",
                    f"{nxt.path}.qualify",
                    tier=nxt.name,
                    paths=_path_reasons(ct, info, found),
                )
            )
    reasons.extend(_rollover_reasons(ct, info, state, span, as_of))
    review_at: datetime | None = None
    retain: tuple[PathProgress, ...] = ()
    lifetime = ct.rank(state.tiers.lifetime) >= current.rank if state.tiers.lifetime else False
    if current.rank > 0 and lifetime:
        reasons.append(Reason.of("tier.lifetime_held", current.path, tier=current.name))
    elif current.rank > 0:
        review_at = _next_review(ct, info, state, as_of)
        if review_at is not None:
            valid = earned_change.valid_until if earned_change is not None else None
            if valid is not None and valid > review_at:
                reasons.append(
                    Reason.of(
                        "tier.held_until",
                        current.path,
                        tier=current.name,
                        until=info.local_date(valid - TICK),
                        at=info.local_date(review_at),
                    )
                )
            else:
                # The review judges the window ending just before it, as far as it has run now,
                # by the edition that will judge it (a version's ``reviews:`` may keep an older).
                jt, said = _judged_by(policy, state, review_at, ct, current.id)
                reasons.extend(said)
                kept_by = jt.by_id[current.id]
                at_review = Judged(jt, info, state, review_at - TICK, as_of)
                figs = at_review.figures(jt.retain_window(kept_by))
                retain = _paths(jt, info, kept_by, True, figs)
                if any(p.met for p in retain):
                    reasons.append(
                        Reason.of(
                            "tier.retain_met",
                            current.path,
                            tier=current.name,
                            at=info.local_date(review_at),
                        )
                    )
                else:
                    reasons.append(
                        Reason.of(
                            "tier.retain_needs",
                            current.path,
                            tier=current.name,
                            at=info.local_date(review_at),
                            paths=_path_reasons(ct, info, retain),
                        )
                    )
    return TierProgress(
        tier=current.id,
        next_tier=nxt.id if nxt is not None else None,
        paths=found,
        review_at=review_at,
        retain_paths=retain,
        as_of=as_of,
        reasons=tuple(reasons),
        default_locale=info.locale,
        upgrade_at=ups[0][0].at if ups else None,
    )
