"""Optimistic concurrency: two writers on one member, each with its own connection, lose nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from memberkit_service import Members, Store, TooMuchContention, open_store

import memberkit
from builders import at, client, policy, purchase


def _order_ids(database: str) -> list[str]:
    store = open_store(database)
    state, _ = Members(policy(), store).get("m1")
    store.close()
    return sorted(o.id for o in state.orders)


def test_two_writers_that_read_the_same_version_both_land(database: str) -> None:
    """Both writers read version 1 before either writes; the loser retries and nothing is lost."""
    client(database)  # creates the database and member m1
    both_read = threading.Barrier(2, timeout=10)

    def after_read(attempt: int) -> None:
        # Hold the first read of each writer until the other has read too: a forced lost update.
        if attempt == 1:
            both_read.wait()

    attempts: dict[str, int] = {}
    errors: list[BaseException] = []

    def writer(order_id: str, day: int) -> None:
        store = open_store(database)
        try:
            members = Members(policy(), store, after_read=after_read)
            attempts[order_id] = members.apply_events(
                "m1", [purchase(order_id, at(3, day))]
            ).attempts
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            store.close()

    # The same moment for both: whichever loses and retries is not "older" than the winner.
    threads = [threading.Thread(target=writer, args=(oid, 1)) for oid in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(attempts.values()) == [1, 2]
    assert _order_ids(database) == ["a", "b"]


def test_many_concurrent_requests_over_http_lose_nothing(database: str) -> None:
    """Two threads posting 25 purchases each to one member end with all 50 orders stored."""
    test_client = client(database)
    errors: list[str] = []

    def writer(prefix: str) -> None:
        for n in range(25):
            # Same timestamp for everyone: events of different writers never arrive "late".
            response = test_client.post(
                "/members/m1/events", json=purchase(f"{prefix}{n}", at(3, 1))
            )
            if response.status_code != 200:
                errors.append(response.text)

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(_order_ids(database)) == 50
    assert test_client.get("/members/m1").json()["version"] == 51


def test_a_writer_that_always_loses_gives_up_without_writing(
    database: str, open_stores: Callable[[], Store]
) -> None:
    """When another writer changes the member after every read, the batch fails after N tries."""
    client(database)
    rival, store = open_stores(), open_stores()

    def interfere(attempt: int) -> None:
        stored = rival.load("m1")
        assert stored is not None
        rival.save("m1", stored.state, stored.version)

    members = Members(policy(), store, max_attempts=3, after_read=interfere)
    with pytest.raises(TooMuchContention):
        members.apply_events("m1", [purchase("o1", at(3, 1))])
    state, version = members.get("m1")
    assert (state.orders, version) == ((), 4)


def test_a_retry_applies_the_batch_to_the_state_the_rival_wrote(
    database: str, open_stores: Callable[[], Store]
) -> None:
    """After a lost update the batch is redone on the fresh state, keeping the rival's order."""
    client(database)
    rival = Members(policy(), open_stores())
    store = open_stores()

    def interfere(attempt: int) -> None:
        if attempt == 1:
            rival.apply_events("m1", [purchase("rival", at(3, 1))])

    applied = Members(policy(), store, after_read=interfere).apply_events(
        "m1", [memberkit.parse_event(purchase("mine", at(3, 2)))]
    )
    assert applied.attempts == 2
    assert sorted(o.id for o in applied.state.orders) == ["mine", "rival"]
