"""Audiences (精准邀请): the members a campaign invites, chosen by a rule over state and stage.

``select_audience`` streams: it reads one state at a time and yields the members the audience's
condition holds for, each with the reasons it held, so a host can walk millions of states.

``points_expiring`` adds up the remaining points of the programme's default points currency in
the lots (``state.points.lots``) whose expiry date falls after the moment and within the
audience's ``expiring_within_days``. A member without lots has 0 points expiring.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .._decision import Explained
from .._errors import EventError
from .._facts import birthday_in_year
from .._limits import memberkit_context
from .._reasons import LocalizedText, Reason
from .._state import MemberState
from ..rules import Facts
from ._access import aware, brought_to, lifecycle_of
from ._compile import CompiledAudience, CompiledLifecycle
from ._stages import leaf_reasons, member_facts, stage_for

if TYPE_CHECKING:
    from .._compiled import Policy

__all__ = ["AudienceMember", "select_audience"]


@dataclass(frozen=True, slots=True)
class AudienceMember(Explained):
    """A member an audience selected, with the stage they are in and why they were chosen."""

    member_id: str
    audience: str
    name: LocalizedText
    stage: str | None
    state: MemberState
    reasons: tuple[Reason, ...]
    default_locale: str = "en"


def _months_to_birthday(
    state: MemberState, compiled: CompiledLifecycle, local: datetime
) -> int | None:
    if state.birthday is None:
        return None
    today = local.date()
    birthday = birthday_in_year(state.birthday, today.year, compiled.info.leap_birthday)
    return (birthday.month - today.month) % 12


def _points_expiring(
    state: MemberState, as_of: datetime, within_days: int, currency: str
) -> int | Decimal:
    """Points of ``currency`` in lots that stop being valid after ``as_of`` and within the days.

    Read from the lots the points part keeps: a lot's ``expires_at`` is the first moment it is no
    longer valid. Expiry for inactivity, which has no date on the lot, is not foreseen here.
    """
    horizon = as_of + timedelta(days=within_days)
    total: int | Decimal = 0
    for lot in state.points.lots:
        if (
            lot.currency == currency
            and not lot.expired
            and lot.remaining > 0
            and lot.expires_at is not None
            and as_of < lot.expires_at <= horizon
        ):
            total += lot.remaining
    return total


@memberkit_context
def select_audience(
    policy: Policy, states: Iterable[MemberState], audience_id: str, as_of: datetime
) -> Iterator[AudienceMember]:
    """The members of ``states`` the audience ``audience_id`` selects at ``as_of``, streaming."""
    aware(as_of)
    compiled = lifecycle_of(policy, as_of)
    audience = compiled.audiences.get(audience_id)
    if audience is None:
        known = list(compiled.audiences)
        close = difflib.get_close_matches(audience_id, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = "" if hint or not known else f" (audiences: {', '.join(known)})"
        raise EventError(
            "-",
            f"unknown audience {audience_id!r}{hint}{listed}",
            field="audience",
            code="unknown_audience",
        )
    # Bad input is refused now, not when the host first iterates the selection.
    return _select(policy, compiled, audience, states, as_of)


def _select(
    policy: Policy,
    compiled: CompiledLifecycle,
    audience: CompiledAudience,
    states: Iterable[MemberState],
    as_of: datetime,
) -> Iterator[AudienceMember]:
    rule = audience.rule
    assert rule.predicate is not None  # audiences always have a condition
    predicate = rule.predicate
    for state in states:
        now = brought_to(policy, state, as_of)
        facts, _, _, _ = member_facts(compiled, now, as_of)
        values = dict(facts.values)
        stage = stage_for(compiled, facts)
        if stage is not None:
            values["stage"] = stage.id
        months = _months_to_birthday(now, compiled, facts.at)
        if months is not None:
            values["months_to_birthday"] = months
        values["points_expiring"] = _points_expiring(
            now, as_of, audience.expiring_within_days, compiled.points_currency
        )
        full = Facts(at=facts.at, values=values)
        if not predicate(full):
            continue
        reasons = [Reason.of("lifecycle.audience", rule.path, audience=rule.name)]
        # Only the clauses that held say why the member was chosen.
        reasons += [
            r
            for r in leaf_reasons(predicate.trace(full), rule.path)
            if r.code == "lifecycle.condition_held"
        ]
        yield AudienceMember(
            member_id=state.member_id,
            audience=rule.id,
            name=rule.name,
            stage=stage.id if stage is not None else None,
            state=state,
            reasons=tuple(reasons),
            default_locale=compiled.info.locale,
        )
