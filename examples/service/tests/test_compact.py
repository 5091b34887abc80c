"""The event log stays short: events no late event can come before fold into the checkpoint."""

from __future__ import annotations

from collections.abc import Callable

from memberkit_service import Members, Store
from test_late import late_retail

import memberkit
from builders import at, purchase

JOINED = "2026-01-01T00:00:00+08:00"


def _member(stores: Callable[[], Store], *, compact_every: int | None) -> Members:
    members = Members(late_retail(), stores(), compact_every=compact_every)
    members.create("m1", memberkit.parse_event(purchase("x", JOINED)).at)
    return members


def test_compact_folds_what_is_older_than_the_lateness_window(
    open_stores: Callable[[], Store],
) -> None:
    """With two days' lateness and a last event on 10 March, the events of 1 to 7 March move into
    the checkpoint; those of 8 March on stay in the log."""
    members = _member(open_stores, compact_every=None)
    for day in range(1, 11):
        members.apply_events("m1", [purchase(f"o{day}", at(3, day))])
    state, version = members.get("m1")
    assert members.compact("m1") == 7
    history = members.store.history("m1", version)
    assert history is not None
    kept = [memberkit.parse_event(text).id for text in history.events]
    assert kept == ["o8", "o9", "o10"]
    checkpoint = memberkit.state_from_json(history.checkpoint)
    assert [o.id for o in checkpoint.orders] == [f"o{day}" for day in range(1, 8)]
    # The state itself is untouched, and a second compaction finds nothing more to fold.
    assert members.get("m1") == (state, version)
    assert members.compact("m1") == 0


def test_a_late_event_after_compaction_is_applied_as_if_in_order(
    open_stores: Callable[[], Store],
) -> None:
    """After compaction a purchase a day late lands where it belongs: the member equals one who
    sent everything in order."""
    members = _member(open_stores, compact_every=None)
    for day in (1, 2, 3, 5, 8, 10):
        members.apply_events("m1", [purchase(f"o{day}", at(3, day), "700")])
    assert members.compact("m1") == 4
    applied = members.apply_events("m1", [purchase("late", at(3, 9), "900")])
    assert applied.outcomes[0].accepted
    in_order = memberkit.new_member("m1", memberkit.parse_event(purchase("x", JOINED)).at)
    events = [
        memberkit.parse_event(purchase(f"o{day}", at(3, day), "700")) for day in (1, 2, 3, 5, 8)
    ]
    events += [
        memberkit.parse_event(purchase("late", at(3, 9), "900")),
        memberkit.parse_event(purchase("o10", at(3, 10), "700")),
    ]
    expected = memberkit.replay(late_retail(), in_order, events)
    assert members.get("m1")[0] == expected


def test_writes_compact_every_so_many_versions(open_stores: Callable[[], Store]) -> None:
    """With ``compact_every: 4`` the log never holds more than the lateness window and the writes
    since the last compaction."""
    members = _member(open_stores, compact_every=4)
    longest = 0
    for day in range(1, 29):
        members.apply_events("m1", [purchase(f"o{day}", at(3, day))])
        _, version = members.get("m1")
        history = members.store.history("m1", version)
        assert history is not None
        longest = max(longest, len(history.events))
    # Compactions at versions 4, 8, ...: each leaves the events of the last two days and the
    # last one (3 at most), and three more writes follow before the next.
    assert longest <= 6
    assert len(members.get("m1")[0].orders) == 28


def test_compaction_that_lost_a_race_changes_nothing(open_stores: Callable[[], Store]) -> None:
    """A compaction whose member was written meanwhile does not move the checkpoint."""
    members = _member(open_stores, compact_every=None)
    for day in range(1, 6):
        members.apply_events("m1", [purchase(f"o{day}", at(3, day))])
    _, version = members.get("m1")
    before = members.store.history("m1", version)
    assert before is not None
    assert not members.store.compact("m1", version - 1, before.checkpoint, before.keys[:1])
    after = members.store.history("m1", version)
    assert after == before
