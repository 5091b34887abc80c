"""Time: one agenda of due moments, and one loop that brings a member to a moment.

Everything that time alone causes is a dated item on this agenda: a tier review, the end of a
validity, a grace period or a grant, pending points becoming spendable, a lot or a balance
expiring, and a new policy version taking effect. The loop asks every part for its next due
moment, takes the earliest, and has every part carry out what is due then, in one fixed order
(tiers, then points: expiry protection reads the tier the review just decided), with the policy
version in force at that moment. ``apply``, ``advance`` and every query go through it, so no part
ever reads another part's state from another moment, and a quote never disagrees with a booking.

A new time-driven rule is a new kind of item: a part's ``next_due`` names its moment and its
``run_due`` carries it out; the loop does not change.

Past questions (docs/time.md): a state answers every moment from its last event on. A state
advanced past its last event keeps the member as of that event (``MemberState.base``) while time
changed something, so a moment in between is answered exactly too. A moment before the last
event is refused (``AsOfError``): the state keeps what future decisions need, not the history.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ._compiled import CompiledProgram, Policy
from ._errors import AsOfError, EventError
from ._instants import fixed_offset
from ._memo import IdentityMemo
from ._reasons import Reason
from ._renames import carry_over, read_through
from ._state import MemberState
from .points import _engine as points_engine
from .points._timed import TierMoment
from .tiers import _engine as tiers_engine
from .tiers._editions import reviewer

__all__ = ["advanced", "check_as_of", "due_moments", "run_until", "settled", "state_at"]

_TICK = timedelta(microseconds=1)


def settled(state: MemberState) -> datetime:
    """The moment up to which the state holds what time brought: advanced to, last event, join."""
    moment = state.advanced_to or state.clock
    if moment is None or moment < state.joined_at:
        return state.joined_at
    return moment


def check_as_of(state: MemberState, as_of: datetime, name: str = "as_of") -> None:
    """Refuse a naive moment, and a moment before the state's last event."""
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise EventError("-", f"{name} has no timezone offset", field=name, code="naive_datetime")
    if state.clock is not None and as_of < state.clock:
        raise AsOfError(
            f"{name} {as_of.isoformat()} is before member {state.member_id!r}'s last event "
            f"({state.clock.isoformat()}); a state answers from its last event on. To ask about "
            "an earlier moment, replay the member's events up to it "
            "(memberkit.replay(policy, new_member(...), events, as_of=...))",
            as_of=as_of,
            clock=state.clock,
        )


def run_until(
    policy: Policy,
    state: MemberState,
    start: datetime,
    until: datetime,
    reasons: list[Reason] | None,
    *,
    read: bool = True,
) -> MemberState:
    """Carry out, in time order, every agenda item due in (``start``, ``until``].

    The state is first read through the policy's renames (``read=False``: the caller did).

    ``reasons`` collects what happened (None: nobody reads them). Items are processed one moment
    at a time; at each moment the tiers part goes first, then the points part; a version starting
    at that moment decides everything due at it, then applies its own thresholds to everyone.
    """
    sink: list[Reason] = [] if reasons is None else reasons
    done = start
    if read:
        state = read_through(policy.at(done), state)
    state = tiers_engine.begin(policy.at(done), state)
    # Campaigns reach the lots held at the start (they have no date of their own), and lots
    # whose protecting tier the last event took away expire at that very moment.
    state = points_engine.settle(policy.at(done), state, done, reasons)
    while done < until:
        program = policy.at(done)
        moment, starts = _next_moment(policy, state, done, until)
        if moment is None:
            break
        now = policy.at(moment)
        if starts:
            # Members holding what the version renames move first: all that is due at its start
            # is decided under its ids.
            state = carry_over(program, now, state, moment, sink)
        tier_moment = None
        before = state.tiers
        # A version's ``reviews:`` may have an earlier edition judge this review.
        judge = reviewer(policy, now, moment)
        if now.points is not None and now.points.timed:
            reviewed = tiers_engine.reviews_at(now, state, moment)
            state = tiers_engine.run_due(now, state, moment, sink, judge)
            went_down = _went_down(now, before.current, state.tiers.current)
            tier_moment = TierMoment(reviewed, went_down)
        else:
            state = tiers_engine.run_due(now, state, moment, sink, judge)
        # A tier reached here pays its upgrade bonuses as one reached at an event does.
        state = points_engine.on_agenda_tier(now, state, moment, before, reasons)
        state = points_engine.run_due(now, state, done, moment, reasons, tier_moment)
        if starts:
            before = state.tiers
            state = tiers_engine.on_version(now, state, moment, sink)
            state = points_engine.on_agenda_tier(now, state, moment, before, reasons)
            # A tier reached on the version's first day can end protection or start it.
            state = points_engine.run_due(now, state, moment, moment, reasons)
        done = moment
    return state


def _next_moment(
    policy: Policy, state: MemberState, done: datetime, until: datetime
) -> tuple[datetime | None, bool]:
    """The next agenda moment in (``done``, ``until``], and whether a version starts at it.

    A version's start is itself a moment: nothing due after it is decided by the version before.
    """
    program = policy.at(done)
    boundary = policy.next_boundary(done)
    at_boundary = boundary is not None and boundary <= until
    horizon = boundary if at_boundary and boundary is not None else until
    moment = _earliest(
        tiers_engine.next_due(program, state, done, horizon),
        points_engine.next_due(program, state, done, horizon),
    )
    if at_boundary and (moment is None or moment >= horizon):
        moment = horizon
    return moment, at_boundary and moment == boundary


def _went_down(program: CompiledProgram, before: str | None, after: str | None) -> bool:
    """Whether the ladder tier went down from ``before`` to ``after``."""
    if program.points is None:
        return False
    order = program.points.tier_order
    return before in order and after in order and order.index(after) < order.index(before)


def _read(policy: Policy, state: MemberState) -> MemberState:
    """The state (and the member as of its last event) read through the policy's renames."""
    base = state.base
    read_base = None if base is None else read_through(policy.at(settled(base)), base)
    state = read_through(policy.at(settled(state)), state)
    return state if read_base is base else state.evolve(base=read_base)


def _earliest(*moments: datetime | None) -> datetime | None:
    found = [m for m in moments if m is not None]
    return min(found) if found else None


# Queries ask about one member at one moment several times (a quote, then its tier, then the
# balance; a page showing all three): the state brought to a moment without reasons is kept per
# state object (identity) for the few moments last asked, with the policy it was worked out by.
# States and policies never change, so an entry is exact while it lives.
_ASKED = 4
_ADVANCED: IdentityMemo[MemberState, dict[tuple[datetime, object], tuple[Policy, MemberState]]]
_ADVANCED = IdentityMemo(128)


def advanced(
    policy: Policy, state: MemberState, until: datetime, reasons: list[Reason] | None
) -> MemberState:
    """The state brought to ``until`` (not before its last event), reasons for what is new.

    From a state already advanced further, the member as of the last event is brought forward
    instead (exactly, silently: it was told). The result keeps that member as ``base`` while
    time changed something, so later questions about moments in between stay exact.
    """
    check_as_of(state, until)
    until = fixed_offset(until)
    if reasons is not None:
        return _advanced(policy, state, until, reasons)
    # The offset is part of the key: equal instants written with other offsets are kept apart,
    # so the state returned carries the moment exactly as asked.
    key = (until, until.utcoffset())
    asked = _ADVANCED.get(state)
    if asked is not None:
        found = asked.get(key)
        if found is not None and found[0] is policy:
            return found[1]
    now = _advanced(policy, state, until, None)
    if asked is None:
        asked = _ADVANCED.put(state, {})
    elif len(asked) >= _ASKED:
        asked.clear()
    asked[key] = (policy, now)
    return now


def _advanced(
    policy: Policy, state: MemberState, until: datetime, reasons: list[Reason] | None
) -> MemberState:
    state = _read(policy, state)
    origin = state.origin
    if until <= settled(state) and state.advanced_to is not None:
        if until == state.advanced_to:
            return tiers_engine.begin(policy.at(until), state)
        start_state, quiet = origin, True
    else:
        start_state, quiet = state, False
    start = settled(start_state)
    if until < start:
        # Before joining nothing has happened yet; the base tier is the one recorded at joining.
        return tiers_engine.begin(policy.at(start), start_state)
    now = run_until(policy, start_state, start, until, None if quiet else reasons, read=False)
    # Every part returns the very same objects when time changed nothing, so identity is a
    # cheap and exact test of whether the member as of the last event must be kept.
    changed = not (
        now.tiers is origin.tiers
        and now.points is origin.points
        and now.benefits is origin.benefits
        and now.orders is origin.orders
    )
    return now.evolve(advanced_to=until, base=origin if changed else None)


def state_at(policy: Policy, state: MemberState, as_of: datetime) -> MemberState:
    """The member at ``as_of``: the state with everything time brought by then carried out.

    Refuses (``AsOfError``) a moment before the state's last event.
    """
    return advanced(policy, state, as_of, None)


def due_moments(
    policy: Policy, state: MemberState, as_of: datetime, until: datetime, limit: int = 100
) -> tuple[datetime, ...]:
    """The agenda: moments in (``as_of``, ``until``] at which time alone will change the member.

    Computed by running the agenda, so it lists exactly the moments ``advance`` would act on.
    """
    now = state_at(policy, state, as_of)
    found: list[datetime] = []
    done = settled(now)
    while done < until and len(found) < limit:
        moment, _ = _next_moment(policy, now, done, until)
        if moment is None:
            break
        found.append(moment)
        now = run_until(policy, now, done, moment, None)
        done = moment
    return tuple(found)
