"""Which tiers edition judges a review: by a date of the member's status, or by the moment.

A version's ``reviews:`` (``policy._versions.ReviewsSpec``) says that its tiers review only the
statuses that end, or the qualification windows that began, on or after a date: "the new levels
apply from 1 January 2027; members whose status expires before 31 March 2028 keep it on the
current criteria". Everything else follows the moment as before (upgrades, a refund taken back at
once, a version's first day); only the review looks further back.

The agenda asks ``reviewer`` once per moment; it is None, and costs nothing, unless a version in
force then has ``reviews:``. The same choice runs for a booking and for every query (they all go
through the agenda), and ``tier_of``/``progress`` use it to say what the next review will do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from .._reasons import Reason
from .._state import MemberState
from ._compile import CompiledTiers
from ._ladder import TICK, Judged, qualified_rank

if TYPE_CHECKING:
    from .._compiled import CompiledProgram, Policy, ReviewRule

__all__ = ["Judging", "judging", "reviewer"]


@dataclass(frozen=True, slots=True)
class Judging:
    """The tiers edition that judges one review, and why (reasons empty: the moment's edition)."""

    tiers: CompiledTiers
    since: datetime | None
    """When the chosen tiers edition took effect (None: the top level's)."""
    reasons: tuple[Reason, ...] = ()


def _status_dates(
    now: CompiledProgram, state: MemberState, moment: datetime
) -> tuple[date, date | None]:
    """The last day the status under review at ``moment`` is held, and the first day of the
    window it is kept over (the held tier's own retain window, else the ladder's)."""
    ct = now.tiers
    assert ct is not None
    info = now.info
    earned = state.tiers.earned_change
    valid = earned.valid_until if earned is not None else None
    # A tier held for a term ends with its term; one held without a term ends at the review.
    ends = info.local_date((valid if valid is not None and valid >= moment else moment) - TICK)
    held = ct.by_id.get(earned.tier) if earned is not None else None
    window = ct.retain_window(held) if held is not None else ct.window
    start = Judged(ct, info, state, moment - TICK, moment - TICK).span(window).start
    return ends, None if start is None else info.local_date(start)


def _upgrades(now: CompiledProgram, state: MemberState, moment: datetime) -> bool:
    """Whether the review at ``moment`` moves the member up by the edition in force.

    An upgrade follows the thresholds in force, at a review as at an event: such a review is
    the moment's edition's alone. A member on the base tier has no status to review either.
    """
    ct = now.tiers
    assert ct is not None
    earned = state.tiers.earned_change
    held = ct.rank(earned.tier if earned is not None else None)
    if held <= 0:
        return True
    return qualified_rank(ct, Judged(ct, now.info, state, moment - TICK, moment - TICK)) > held


def _knows(ct: CompiledTiers, state: MemberState) -> bool:
    """Whether every tier the member holds, was granted or awaits is on ``ct``'s ladder."""
    tiers = state.tiers
    held = {tiers.current, tiers.lifetime, *(c.tier for c in tiers.earned[-1:])}
    held.update(g.tier for g in tiers.grants)
    if tiers.pending is not None:
        held.add(tiers.pending.tier)
    return all(tier is None or tier in ct.by_id for tier in held)


@dataclass(frozen=True, slots=True)
class _Consulted:
    """A version's ``reviews:`` as it applied to one review."""

    rule: ReviewRule
    on: date
    index: int
    """The version's index in the policy's ``versions``."""
    effective: datetime


_CODES = {
    ("status_expiry", True): "tier.review_new_rules_expiry",
    ("status_expiry", False): "tier.review_old_rules_expiry",
    ("window_start", True): "tier.review_new_rules_window",
    ("window_start", False): "tier.review_old_rules_window",
}
"""The reason code saying which edition judged a review, by the date chosen and the outcome."""


def _reason(now: CompiledProgram, tier: str, seen: _Consulted, *, admitted: bool) -> Reason:
    """Which edition judged the review and by which date of the status (``tier.review_*``)."""
    ct = now.tiers
    assert ct is not None
    return Reason.of(
        _CODES[(seen.rule.by, admitted)],
        f"versions[{seen.index}].reviews",
        tier=ct.by_id[tier].name if tier in ct.by_id else tier,
        on=seen.on,
        cutoff=seen.rule.since,
        edition=now.info.local_date(seen.effective),
    )


def judging(policy: Policy, now: CompiledProgram, state: MemberState, moment: datetime) -> Judging:
    """The tiers edition that judges the member's review at ``moment``, and the reason for it.

    Versions in force are walked newest first; the first whose tiers admit the review judges it:
    one without ``reviews:`` admits every review, one with it a status (or window) dated on or
    after its ``from``. A member holding a tier the chosen edition does not know (a tier the new
    version added) is judged by the edition in force, which does.
    """
    ct = now.tiers
    assert ct is not None
    ends, start = _status_dates(now, state, moment)
    earned = state.tiers.earned_change
    tier = earned.tier if earned is not None else ct.base.id
    excluded: _Consulted | None = None
    for index in range(len(policy.versions) - 1, 0, -1):
        version = policy.versions[index]
        effective = version.effective_from
        if effective is None or effective > moment:
            continue
        if version.tiers_since != effective or version.tiers is None:
            # Inherited tiers: the same edition as the version that wrote them, met further on.
            continue
        rule = version.review_rule
        on = None if rule is None else (ends if rule.by == "status_expiry" else start)
        if rule is None or on is None or on >= rule.since:
            if excluded is None:
                # The newest tiers edition in force: the moment's own (maybe compiled again
                # for a later version that changed another section).
                said: tuple[Reason, ...] = ()
                if rule is not None and on is not None:
                    seen = _Consulted(rule, on, index - 1, effective)
                    said = (_reason(now, tier, seen, admitted=True),)
                return Judging(ct, effective, said)
            if not _knows(version.tiers, state) or _upgrades(now, state, moment):
                return Judging(ct, now.tiers_since)
            return Judging(
                version.tiers, effective, (_reason(now, tier, excluded, admitted=False),)
            )
        excluded = _Consulted(rule, on, index - 1, effective)
    base = policy.versions[0].tiers
    if (
        base is not None
        and excluded is not None
        and _knows(base, state)
        and not _upgrades(now, state, moment)
    ):
        return Judging(base, None, (_reason(now, tier, excluded, admitted=False),))
    return Judging(ct, now.tiers_since)


def reviewer(
    policy: Policy, now: CompiledProgram, moment: datetime
) -> Callable[[MemberState], tuple[CompiledTiers, tuple[Reason, ...]]] | None:
    """How the review at ``moment`` chooses its edition; None when it simply follows the moment."""
    if now.tiers is None or not any(
        v.review_rule is not None
        for v in policy.versions[1:]
        if v.effective_from is not None and v.effective_from <= moment
    ):
        return None

    def judge(state: MemberState) -> tuple[CompiledTiers, tuple[Reason, ...]]:
        found = judging(policy, now, state, moment)
        return found.tiers, found.reasons

    return judge
