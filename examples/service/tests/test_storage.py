"""The stores, SQLite and PostgreSQL: create, read, and a compare-and-set that refuses stale versions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from memberkit_service import MemberExists, Store, open_store


def test_a_new_member_is_stored_at_version_one(open_stores: Callable[[], Store]) -> None:
    """Creating a member stores its state at version 1."""
    store = open_stores()
    store.create("m1", "{}")
    loaded = store.load("m1")
    assert loaded is not None
    assert (loaded.version, loaded.state) == (1, "{}")


def test_creating_a_member_twice_is_refused(open_stores: Callable[[], Store]) -> None:
    """A second create with the same id raises MemberExists and keeps the first state."""
    store = open_stores()
    store.create("m1", "first")
    with pytest.raises(MemberExists):
        store.create("m1", "second")
    loaded = store.load("m1")
    assert loaded is not None
    assert loaded.state == "first"


def test_an_unknown_member_loads_as_none(open_stores: Callable[[], Store]) -> None:
    """Loading an id never stored gives None."""
    assert open_stores().load("nobody") is None


def test_a_save_at_the_read_version_bumps_the_version(open_stores: Callable[[], Store]) -> None:
    """Saving with the version just read writes the state at the next version."""
    store = open_stores()
    store.create("m1", "a")
    saved = store.save("m1", "b", expected_version=1)
    assert saved is not None
    assert saved.version == 2
    assert store.load("m1") == saved


def test_a_save_at_a_stale_version_is_a_lost_update(open_stores: Callable[[], Store]) -> None:
    """A writer that read version 1 cannot overwrite what another writer saved as version 2."""
    first, second = open_stores(), open_stores()
    first.create("m1", "a")
    assert first.save("m1", "from first", expected_version=1) is not None
    assert second.save("m1", "from second", expected_version=1) is None
    loaded = second.load("m1")
    assert loaded is not None
    assert (loaded.version, loaded.state) == (2, "from first")


@pytest.mark.parametrize(
    ("url", "path_end"),
    [("sqlite:///rel.db", "rel.db"), ("sqlite:////tmp/abs.db", "/tmp/abs.db")],
)
def test_sqlite_urls_follow_the_usual_slashes(url: str, path_end: str) -> None:
    """Three slashes name a relative file, four an absolute one."""
    from memberkit_service.storage import sqlite_path

    assert sqlite_path(url) == path_end


def test_an_in_memory_url_opens_a_working_store() -> None:
    """``sqlite://`` opens an in-memory database that stores and reads back."""
    store = open_store("sqlite://")
    store.create("m1", "x")
    assert store.load("m1") is not None


def test_an_unsupported_url_is_refused() -> None:
    """A URL for a database the service does not support raises ValueError naming it."""
    with pytest.raises(ValueError, match="mysql"):
        open_store("mysql://localhost/db")


def test_stores_opened_at_once_on_an_empty_database_all_work(database: str) -> None:
    """Eight connections opening an empty database together all create or find the table."""
    opening = threading.Barrier(8, timeout=10)
    errors: list[BaseException] = []

    def open_and_read() -> None:
        opening.wait()
        try:
            store = open_store(database)
            try:
                store.load("m1")
            finally:
                store.close()
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=open_and_read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []


def test_sqlite_files_opened_by_many_at_once_all_work(tmp_path: Path) -> None:
    """Twenty new files, each opened by eight connections together: none is refused.

    One round rarely loses the race that made a connection fail the WAL switch; twenty do often.
    """
    for round_ in range(20):
        url = f"sqlite:///{tmp_path / f'members-{round_}.db'}"
        opening = threading.Barrier(8, timeout=10)
        errors: list[BaseException] = []

        def open_and_write(
            number: int,
            url: str = url,
            opening: threading.Barrier = opening,
            errors: list[BaseException] = errors,
        ) -> None:
            opening.wait()
            try:
                store = open_store(url)
                try:
                    store.create(f"m{number}", "{}")
                finally:
                    store.close()
            except BaseException as exc:  # reported to the test thread below
                errors.append(exc)

        threads = [threading.Thread(target=open_and_write, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == [], f"round {round_}"
        store = open_store(url)
        assert all(store.load(f"m{n}") is not None for n in range(8))
        store.close()


class _RefusingConnection:
    """A connection whose first ``refusals`` statements fail as SQLite's busy refusal does."""

    def __init__(self, refusals: int, code: int = sqlite3.SQLITE_BUSY) -> None:
        self.refusals = refusals
        self.code = code
        self.statements: list[str] = []

    def execute(self, statement: str) -> None:
        self.statements.append(statement)
        if len(self.statements) <= self.refusals:
            error = sqlite3.OperationalError("database is locked")
            error.sqlite_errorcode = self.code
            raise error


def test_the_wal_switch_is_retried_while_sqlite_refuses_it_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A busy refusal of the switch (which SQLite gives without waiting) is retried, pausing more each time."""
    from memberkit_service import storage

    pauses: list[float] = []
    monkeypatch.setattr(storage.time, "sleep", pauses.append)
    connection = _RefusingConnection(refusals=3)
    storage._use_wal(connection, timeout=30)  # type: ignore[arg-type]
    assert connection.statements == ["PRAGMA journal_mode=WAL"] * 4
    assert len(pauses) == 3
    assert pauses[0] < pauses[1] < pauses[2]


def test_the_wal_switch_gives_up_at_the_timeout_and_on_other_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the timeout the busy refusal is raised; an error other than busy is raised at once."""
    from memberkit_service import storage

    monkeypatch.setattr(storage.time, "sleep", lambda seconds: None)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        storage._use_wal(_RefusingConnection(refusals=10**9), timeout=0)  # type: ignore[arg-type]
    other = _RefusingConnection(refusals=10**9, code=sqlite3.SQLITE_IOERR)
    with pytest.raises(sqlite3.OperationalError):
        storage._use_wal(other, timeout=30)  # type: ignore[arg-type]
    assert len(other.statements) == 1


def test_a_store_that_cannot_switch_in_time_says_the_file_is_locked(tmp_path: Path) -> None:
    """Past its timeout the store raises SQLite's "locked" error and keeps no connection open."""
    from memberkit_service.storage import SqliteStore

    path = tmp_path / "members.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE held (x)")
    holder.execute("BEGIN")
    holder.execute("SELECT * FROM held").fetchall()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        SqliteStore(str(path), timeout=0.01)
    holder.execute("COMMIT")
    # The refused store left no lock behind: the holder can switch the file itself.
    assert holder.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    holder.close()


def test_a_member_id_with_a_nul_character_is_refused(open_stores: Callable[[], Store]) -> None:
    """Creating a member whose id holds NUL raises ValueError on every store, storing nothing."""
    store = open_stores()
    with pytest.raises(ValueError, match="NUL"):
        store.create("m\x00x", "{}")
    assert store.load("m\x00x") is None


def test_saving_a_member_id_with_a_nul_character_is_a_lost_update(
    open_stores: Callable[[], Store],
) -> None:
    """A save for an id holding NUL finds no stored member and writes nothing."""
    assert open_stores().save("m\x00x", "{}", expected_version=1) is None


def test_a_new_member_starts_its_history_at_its_first_state(
    open_stores: Callable[[], Store],
) -> None:
    """Creating a member stores its first state as the checkpoint, with no events after it."""
    store = open_stores()
    store.create("m1", "first")
    history = store.history("m1", 1)
    assert history is not None
    assert (history.checkpoint, history.events) == ("first", ())


def test_a_save_logs_its_events_and_a_lost_update_logs_none(
    open_stores: Callable[[], Store],
) -> None:
    """The events of a write are logged with it; a write at a stale version logs nothing."""
    first, second = open_stores(), open_stores()
    first.create("m1", "a")
    assert first.save("m1", "b", expected_version=1, events=["e1", "e2"]) is not None
    assert second.save("m1", "c", expected_version=1, events=["lost"]) is None
    assert first.save("m1", "d", expected_version=2, events=["e3"]) is not None
    full, older = first.history("m1", 3), second.history("m1", 2)
    assert full is not None
    assert older is not None
    assert (full.events, older.events) == (("e1", "e2", "e3"), ("e1", "e2"))


def test_an_unknown_member_has_no_history(open_stores: Callable[[], Store]) -> None:
    """The history of an id never stored is None."""
    assert open_stores().history("nobody", 1) is None
