"""The service's core, free of HTTP: create members, apply events with optimistic concurrency.

``apply_events`` reads a member's state and version, applies the events with ``memberkit.apply``
(pure: nothing is written until every event of the batch has applied), then writes with a
compare-and-set on the version. When another writer changed the member in between, the whole
read-apply-write is redone on the fresh state, at most ``max_attempts`` times; after that the
caller gets ``TooMuchContention`` (HTTP 409) and nothing is written. An update is never lost.

Every event that changed the member is logged with the write that applied it, after the member's
registration state. An event older than the member's last one (a till that syncs hours late) is
then applied where it belongs with ``memberkit.apply_late``, from that checkpoint and the logged
events, within the policy's ``program.lateness_days``; beyond that it is refused (``too_late``),
and so is one that would make a later event fail (``late_conflict``).

The log only needs what a late event may still come before: ``compact`` folds the events dated
more than ``lateness_days`` before the member's last event into the checkpoint (the checkpoint
with them applied in time order) and drops them from the log. It runs after every
``compact_every``-th write of a member, so a member's log stays about as long as the events of
the lateness window plus that many writes, however long the member's history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import memberkit
from memberkit import Event, EventError, MemberState, Outcome, Policy

from .storage import Store, StoredState

__all__ = ["Applied", "Members", "TooMuchContention", "UnknownMember"]


class UnknownMember(LookupError):  # noqa: N818 - names the situation, like KeyError
    """No member with this id is stored."""


class TooMuchContention(RuntimeError):  # noqa: N818 - names the situation
    """Other writers kept changing the member; the batch was not applied and may be retried."""


@dataclass(frozen=True, slots=True)
class Applied:
    """The result of one batch: the outcome of each event, the stored version, the attempts."""

    outcomes: tuple[Outcome, ...]
    state: MemberState
    version: int
    attempts: int


class Members:
    """Member states kept in a ``Store`` and changed only through a memberkit ``Policy``."""

    def __init__(
        self,
        policy: Policy,
        store: Store,
        *,
        max_attempts: int = 10,
        after_read: Callable[[int], None] | None = None,
        compact_every: int | None = 64,
    ) -> None:
        self.policy = policy
        self.store = store
        self.max_attempts = max_attempts
        self.compact_every = compact_every
        # A hook between read and write, for tests that force two writers to interleave.
        self._after_read = after_read

    def create(
        self,
        member_id: str,
        joined_at: datetime,
        *,
        birthday: date | None = None,
        tags: Sequence[str] = (),
        birth_year: int | None = None,
    ) -> StoredState:
        """Store a new member (``MemberExists`` if the id is taken; ``StateError`` if invalid)."""
        state = memberkit.new_member(
            member_id, joined_at, birthday=birthday, tags=tuple(tags), birth_year=birth_year
        )
        return self.store.create(member_id, memberkit.state_to_json(state))

    def get(self, member_id: str) -> tuple[MemberState, int]:
        """The member's state and its stored version; ``UnknownMember`` if there is none."""
        stored = self.store.load(member_id)
        if stored is None:
            raise UnknownMember(member_id)
        return memberkit.state_from_json(stored.state), stored.version

    def apply_events(
        self, member_id: str, raw: Sequence[Mapping[str, Any] | memberkit.Event]
    ) -> Applied:
        """Validate and apply a batch of events atomically, retrying on a lost update.

        The batch is validated once, up front (``EventError`` names the first bad event and its
        field). Events apply in time order (stable for equal times), like ``memberkit.replay``;
        an event id seen before is a no-op, so a client may safely resend a batch.
        """
        events = [memberkit.parse_event(e) if isinstance(e, Mapping) else e for e in raw]
        events.sort(key=lambda e: e.at)
        for attempt in range(1, self.max_attempts + 1):
            state, version = self.get(member_id)
            if self._after_read is not None:
                self._after_read(attempt)
            history: tuple[MemberState, list[Event]] | None = None
            outcomes: list[Outcome] = []
            logged: list[Event] = []
            for event in events:
                try:
                    state, outcome = memberkit.apply(self.policy, state, event)
                except EventError as exc:
                    if exc.code != "out_of_order":
                        raise
                    if history is None:
                        history = self._history(member_id, version, exc)
                    earlier, since = history
                    state, outcome = memberkit.apply_late(
                        self.policy, state, event, earlier=earlier, since=[*since, *logged]
                    )
                outcomes.append(outcome)
                if not (outcome.duplicate or outcome.refused):
                    logged.append(event)  # the state now records it: so must the log
            if not logged:
                # Nothing changed: no write, so a resent batch never contends with anyone.
                return Applied(tuple(outcomes), state, version, attempt)
            saved = self.store.save(
                member_id,
                memberkit.state_to_json(state),
                version,
                [event.model_dump_json() for event in logged],
            )
            if saved is not None:
                if self.compact_every and saved.version % self.compact_every == 0:
                    self.compact(member_id)
                return Applied(tuple(outcomes), state, saved.version, attempt)
            # Lost update: someone wrote since we read. Redo the batch on what they wrote.
        raise TooMuchContention(
            f"member {member_id!r} changed under {self.max_attempts} attempts; retry later",
            member_id,
            self.max_attempts,
        )

    def compact(self, member_id: str) -> int:
        """Fold the logged events no late event can come before into the checkpoint.

        Those are the events dated more than the policy's longest ``lateness_days`` before the
        member's last event. Returns how many left the log (0 when none could, or when another
        writer changed the member meanwhile: the next compaction does it).
        """
        state, version = self.get(member_id)
        stored = self.store.history(member_id, version)
        if stored is None or state.clock is None:
            return 0
        lateness = max(edition.info.lateness_days for edition in self.policy.versions)
        cut = state.clock - timedelta(days=lateness)
        old = [
            (key, event)
            for key, event in zip(
                stored.keys, (memberkit.parse_event(t) for t in stored.events), strict=True
            )
            if event.at < cut
        ]
        if not old:
            return 0
        # The log is in the order the writes applied; a late event was applied where it belongs
        # in time, and replay takes them in time order (stable for equal times) as well.
        checkpoint = memberkit.replay(
            self.policy, memberkit.state_from_json(stored.checkpoint), [e for _, e in old]
        )
        done = self.store.compact(
            member_id, version, memberkit.state_to_json(checkpoint), [key for key, _ in old]
        )
        return len(old) if done else 0

    def _history(
        self, member_id: str, version: int, late: EventError
    ) -> tuple[MemberState, list[Event]]:
        """The member's checkpoint and the events applied since, up to ``version``.

        A member stored before the service kept a history has none: its late event is refused
        as it always was (``late``, the ``out_of_order`` error).
        """
        stored = self.store.history(member_id, version)
        if stored is None:
            raise late
        return (
            memberkit.state_from_json(stored.checkpoint),
            [memberkit.parse_event(text) for text in stored.events],
        )
