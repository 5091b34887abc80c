"""Where member states live: a thin storage interface, SQLite (stdlib) and PostgreSQL (psycopg).

A state is stored as memberkit's own JSON (``state_to_json``) beside a ``version`` integer. Every
write names the version it read (``UPDATE ... WHERE version = ?``): if another writer got there
first, no row matches, the write reports a lost update and the caller re-reads and retries. A
store never overwrites a state it did not read.

Each ``Store`` object holds one database connection and is used by one thread at a time; open one
per thread (``open_store(url)`` is cheap for SQLite). On PostgreSQL a service borrows connections
from one ``PostgresPool`` instead: a connection per request would open as many server sessions as
there are concurrent requests, and a server refuses clients past ``max_connections``.

Beside each state a store keeps the member's history, which the service needs to apply a late
event (``memberkit.apply_late``): a checkpoint state (``member_checkpoint``, first the
registration state) and the events applied since (``member_event``, keyed by the version whose
write applied them). Both are written in the same transaction as the state they lead to, so the
history is never short of an applied event nor holds one twice. ``compact`` moves the checkpoint
forward over the events no late event can come before, and drops them from the log, in one
transaction too.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "MemberExists",
    "PoolExhausted",
    "PostgresPool",
    "PostgresStore",
    "SqliteStore",
    "Store",
    "StoredHistory",
    "StoredState",
    "open_store",
    "sqlite_path",
]

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS member_state (
    member_id TEXT PRIMARY KEY,
    version   INTEGER NOT NULL,
    state     TEXT NOT NULL
)
""",
    # The state a member's history starts from: the state it was registered with.
    """
CREATE TABLE IF NOT EXISTS member_checkpoint (
    member_id TEXT PRIMARY KEY,
    state     TEXT NOT NULL
)
""",
    # The events applied since the checkpoint, in the order they were applied: ``version`` is the
    # member version their write produced, ``position`` their place in that write.
    """
CREATE TABLE IF NOT EXISTS member_event (
    member_id TEXT NOT NULL,
    version   INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    event     TEXT NOT NULL,
    PRIMARY KEY (member_id, version, position)
)
""",
)
_TABLES = ("member_state", "member_checkpoint", "member_event")

# Key of the advisory lock that serializes creating the table on PostgreSQL (any constant works;
# this one is "memberkit" in ASCII, truncated to fit a bigint).
_SCHEMA_LOCK = 0x6D656D6265726B69
_NUL = "\x00"


class MemberExists(Exception):  # noqa: N818 - names the situation, like FileExistsError
    """A member with this id is already stored."""


@dataclass(frozen=True, slots=True)
class StoredState:
    """A member's state as JSON text and the version it was stored at."""

    member_id: str
    version: int
    state: str


@dataclass(frozen=True, slots=True)
class StoredHistory:
    """A member's checkpoint state and the events applied since, as JSON text, oldest first."""

    member_id: str
    checkpoint: str
    events: tuple[str, ...]
    keys: tuple[tuple[int, int], ...] = ()
    """Each event's (version, position) in the log, for ``compact`` to name what it folds."""


class Store(Protocol):
    """What the service needs from a database: create, read, and compare-and-set a state."""

    def create(self, member_id: str, state: str) -> StoredState:
        """Store a new member at version 1, with ``state`` as its checkpoint.

        Raises ``MemberExists`` if the id is taken.
        """
        ...

    def load(self, member_id: str) -> StoredState | None:
        """The stored state, or None for an unknown member."""
        ...

    def save(
        self, member_id: str, state: str, expected_version: int, events: Sequence[str] = ()
    ) -> StoredState | None:
        """Write ``state`` and log ``events`` if the stored version is still ``expected_version``.

        Returns the new stored state (version + 1), or None when another writer changed the
        member since it was read (a lost update that the caller must retry, never ignore); then
        neither the state nor the events are written.
        """
        ...

    def history(self, member_id: str, version: int) -> StoredHistory | None:
        """The checkpoint and the events logged up to ``version``; None without a checkpoint."""
        ...

    def compact(
        self,
        member_id: str,
        expected_version: int,
        checkpoint: str,
        folded: Sequence[tuple[int, int]],
    ) -> bool:
        """Move the checkpoint to ``checkpoint`` and drop the ``folded`` log rows, at once.

        Only while the member is still at ``expected_version`` (False otherwise: nothing
        changes). The new checkpoint must be the old one with exactly those events applied.
        """
        ...

    def close(self) -> None:
        """Release the connection."""
        ...


class SqliteStore:
    """Member states in a SQLite file (or ``:memory:`` for one connection's lifetime)."""

    def __init__(self, path: str, *, timeout: float = 30.0) -> None:
        # Autocommit: each statement is its own transaction, so the compare-and-set UPDATE is
        # atomic and no transaction stays open between a read and the write that follows it.
        self._db = sqlite3.connect(
            path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        try:
            if path != ":memory:":
                # WAL lets readers proceed while one writer writes, which is what a service does.
                _use_wal(self._db, timeout)
            # One write transaction taken up front (it waits on the busy handler): statements
            # run one by one in autocommit would each upgrade a read to a write, and SQLite
            # refuses that upgrade at once, without waiting, when another connection wrote first.
            self._db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.close()
            raise

    def create(self, member_id: str, state: str) -> StoredState:
        """Store a new member at version 1; raises ``MemberExists`` if the id is taken.

        An id with a NUL character raises ``ValueError``, as on PostgreSQL.
        """
        if _NUL in member_id:
            raise ValueError(f"a member id cannot contain NUL characters: {member_id!r}")
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "INSERT INTO member_state (member_id, version, state) VALUES (?, 1, ?)",
                (member_id, state),
            )
            # A checkpoint left by a member stored before (none is ever deleted) is replaced.
            self._db.execute(
                "INSERT OR REPLACE INTO member_checkpoint (member_id, state) VALUES (?, ?)",
                (member_id, state),
            )
            self._db.execute("DELETE FROM member_event WHERE member_id = ?", (member_id,))
        except sqlite3.IntegrityError:
            self._db.execute("ROLLBACK")
            raise MemberExists(member_id) from None
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return StoredState(member_id, 1, state)

    def load(self, member_id: str) -> StoredState | None:
        """The stored state, or None for an unknown member."""
        row = self._db.execute(
            "SELECT version, state FROM member_state WHERE member_id = ?", (member_id,)
        ).fetchone()
        return None if row is None else StoredState(member_id, int(row[0]), str(row[1]))

    def save(
        self, member_id: str, state: str, expected_version: int, events: Sequence[str] = ()
    ) -> StoredState | None:
        """Compare-and-set: write only if nobody wrote since ``expected_version`` was read.

        The state and its logged events are one transaction: both are written, or neither.
        """
        self._db.execute("BEGIN IMMEDIATE")
        try:
            cursor = self._db.execute(
                "UPDATE member_state SET state = ?, version = version + 1 "
                "WHERE member_id = ? AND version = ?",
                (state, member_id, expected_version),
            )
            if cursor.rowcount != 1:
                self._db.execute("ROLLBACK")
                return None
            self._db.executemany(
                "INSERT INTO member_event (member_id, version, position, event) "
                "VALUES (?, ?, ?, ?)",
                [(member_id, expected_version + 1, i, e) for i, e in enumerate(events)],
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return StoredState(member_id, expected_version + 1, state)

    def history(self, member_id: str, version: int) -> StoredHistory | None:
        """The checkpoint and the events logged up to ``version``; None without a checkpoint."""
        # One read transaction: both reads see the same snapshot.
        self._db.execute("BEGIN")
        try:
            row = self._db.execute(
                "SELECT state FROM member_checkpoint WHERE member_id = ?", (member_id,)
            ).fetchone()
            rows = self._db.execute(
                "SELECT version, position, event FROM member_event "
                "WHERE member_id = ? AND version <= ? ORDER BY version, position",
                (member_id, version),
            ).fetchall()
        finally:
            self._db.execute("COMMIT")
        if row is None:
            return None
        return _history(member_id, str(row[0]), rows)

    def compact(
        self,
        member_id: str,
        expected_version: int,
        checkpoint: str,
        folded: Sequence[tuple[int, int]],
    ) -> bool:
        """Move the checkpoint and drop the folded log rows while the version is unchanged."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            row = self._db.execute(
                "SELECT version FROM member_state WHERE member_id = ?", (member_id,)
            ).fetchone()
            if row is None or int(row[0]) != expected_version:
                self._db.execute("ROLLBACK")
                return False
            self._db.execute(
                "UPDATE member_checkpoint SET state = ? WHERE member_id = ?",
                (checkpoint, member_id),
            )
            self._db.executemany(
                "DELETE FROM member_event WHERE member_id = ? AND version = ? AND position = ?",
                [(member_id, v, p) for v, p in folded],
            )
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return True

    def close(self) -> None:
        """Release the connection."""
        self._db.close()


class PostgresStore:
    """Member states in PostgreSQL through psycopg 3 (``pip install 'psycopg[binary]'``).

    The same table and the same compare-and-set as ``SqliteStore``; the state column is TEXT so
    the stored JSON is exactly memberkit's (a JSONB column would reorder keys, harmless but not
    byte-identical).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        connection: Any = None,
        release: Callable[[Any], None] | None = None,
    ) -> None:
        """Connect to ``url``, or use a ``connection`` borrowed from a pool and ``release`` it."""
        self._psycopg: Any = _psycopg()
        if connection is not None:
            # Borrowed from a PostgresPool, which created the table when it opened.
            self._db: Any = connection
            self._release = release
            return
        if url is None:
            raise ValueError("PostgresStore needs a URL or a connection")
        # Autocommit, as for SQLite: the compare-and-set UPDATE is one atomic statement (under
        # READ COMMITTED a concurrent UPDATE of the row waits, then re-checks the version), and no
        # transaction stays open, holding locks, between a read and the write that follows it.
        self._db = self._psycopg.connect(url, autocommit=True)
        self._release = None
        try:
            _create_table(self._db)
        except BaseException:
            self._db.close()
            raise

    def create(self, member_id: str, state: str) -> StoredState:
        """Store a new member at version 1; raises ``MemberExists`` if the id is taken.

        An id with a NUL character raises ``ValueError``: PostgreSQL text cannot hold one.
        """
        if _NUL in member_id:
            raise ValueError(f"a member id cannot contain NUL characters: {member_id!r}")
        try:
            with self._db.transaction():
                self._db.execute(
                    "INSERT INTO member_state (member_id, version, state) VALUES (%s, 1, %s)",
                    (member_id, state),
                )
                self._db.execute(
                    "INSERT INTO member_checkpoint (member_id, state) VALUES (%s, %s) "
                    "ON CONFLICT (member_id) DO UPDATE SET state = EXCLUDED.state",
                    (member_id, state),
                )
                self._db.execute("DELETE FROM member_event WHERE member_id = %s", (member_id,))
        except self._psycopg.errors.UniqueViolation:
            raise MemberExists(member_id) from None
        return StoredState(member_id, 1, state)

    def load(self, member_id: str) -> StoredState | None:
        """The stored state, or None for an unknown member."""
        if _NUL in member_id:
            return None  # PostgreSQL text cannot hold NUL, so no such member can be stored
        row = self._db.execute(
            "SELECT version, state FROM member_state WHERE member_id = %s", (member_id,)
        ).fetchone()
        return None if row is None else StoredState(member_id, int(row[0]), str(row[1]))

    def save(
        self, member_id: str, state: str, expected_version: int, events: Sequence[str] = ()
    ) -> StoredState | None:
        """Compare-and-set: write only if nobody wrote since ``expected_version`` was read.

        The state and its logged events are one transaction: both are written, or neither.
        """
        if _NUL in member_id:
            return None  # never stored (see ``load``), so there is nothing to compare and set
        with self._db.transaction():
            cursor = self._db.execute(
                "UPDATE member_state SET state = %s, version = version + 1 "
                "WHERE member_id = %s AND version = %s",
                (state, member_id, expected_version),
            )
            if cursor.rowcount != 1:
                return None
            if events:
                with self._db.cursor() as insert:
                    insert.executemany(
                        "INSERT INTO member_event (member_id, version, position, event) "
                        "VALUES (%s, %s, %s, %s)",
                        [(member_id, expected_version + 1, i, e) for i, e in enumerate(events)],
                    )
        return StoredState(member_id, expected_version + 1, state)

    def history(self, member_id: str, version: int) -> StoredHistory | None:
        """The checkpoint and the events logged up to ``version``; None without a checkpoint."""
        if _NUL in member_id:
            return None
        with self._db.transaction():
            # One snapshot for both reads (READ COMMITTED would take one per statement).
            self._db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            row = self._db.execute(
                "SELECT state FROM member_checkpoint WHERE member_id = %s", (member_id,)
            ).fetchone()
            rows = self._db.execute(
                "SELECT version, position, event FROM member_event "
                "WHERE member_id = %s AND version <= %s ORDER BY version, position",
                (member_id, version),
            ).fetchall()
        if row is None:
            return None
        return _history(member_id, str(row[0]), rows)

    def compact(
        self,
        member_id: str,
        expected_version: int,
        checkpoint: str,
        folded: Sequence[tuple[int, int]],
    ) -> bool:
        """Move the checkpoint and drop the folded log rows while the version is unchanged."""
        if _NUL in member_id:
            return False
        with self._db.transaction():
            # The row lock holds off a concurrent save until the log and checkpoint agree again.
            row = self._db.execute(
                "SELECT version FROM member_state WHERE member_id = %s FOR UPDATE", (member_id,)
            ).fetchone()
            if row is None or int(row[0]) != expected_version:
                return False
            self._db.execute(
                "UPDATE member_checkpoint SET state = %s WHERE member_id = %s",
                (checkpoint, member_id),
            )
            if folded:
                with self._db.cursor() as delete:
                    delete.executemany(
                        "DELETE FROM member_event "
                        "WHERE member_id = %s AND version = %s AND position = %s",
                        [(member_id, v, p) for v, p in folded],
                    )
        return True

    def close(self) -> None:
        """Release the connection: back to its pool when borrowed, otherwise closed."""
        if self._release is not None:
            release, self._release = self._release, None
            release(self._db)
        else:
            self._db.close()


def _history(member_id: str, checkpoint: str, rows: Sequence[Any]) -> StoredHistory:
    return StoredHistory(
        member_id,
        checkpoint,
        tuple(str(r[2]) for r in rows),
        tuple((int(r[0]), int(r[1])) for r in rows),
    )


def _use_wal(db: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to WAL, waiting up to ``timeout`` seconds while others hold it.

    Changing the journal mode needs the file to itself, and SQLite answers "database is locked"
    at once rather than calling the busy handler; several workers opening a new database
    together (found by the tests under load) would fail. So the switch is retried with a short,
    growing pause, and the last refusal is raised once the time is up.
    """
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _psycopg() -> Any:
    try:
        import psycopg  # type: ignore[import-not-found, unused-ignore]
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise RuntimeError(
            "a postgresql:// URL needs psycopg: pip install 'psycopg[binary]'"
        ) from exc
    return psycopg


def _create_table(db: Any) -> None:
    # Two sessions running CREATE TABLE IF NOT EXISTS at once on a database without the table
    # both try to create it, and one fails with a UniqueViolation on pg_type (found by the
    # tests on a real server; several workers starting together do exactly that). So the
    # table is created under a transaction-scoped advisory lock, and only when it is missing.
    present = " AND ".join(f"to_regclass('{table}') IS NOT NULL" for table in _TABLES)
    row = db.execute(f"SELECT {present}").fetchone()
    if row[0]:
        return
    with db.transaction():
        db.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        for statement in _SCHEMA:
            db.execute(statement)


class PoolExhausted(Exception):  # noqa: N818 - names the situation
    """Every pooled connection stayed busy for the whole wait; the request may be retried."""


class PostgresPool:
    """A bounded pool of PostgreSQL connections (psycopg_pool), shared by a service's threads.

    ``store()`` borrows a connection as a ``PostgresStore``; closing that store gives the
    connection back. At most ``max_size`` sessions are open whatever the number of concurrent
    requests; a request that waits longer than ``timeout`` seconds for one raises
    ``PoolExhausted`` (the service answers 503 with Retry-After), never a server-side refusal.
    """

    def __init__(
        self, url: str, *, min_size: int = 1, max_size: int = 10, timeout: float = 30.0
    ) -> None:
        _psycopg()
        try:
            from psycopg_pool import (  # type: ignore[import-not-found, unused-ignore]
                ConnectionPool,
                PoolTimeout,
            )
        except ImportError as exc:  # pragma: no cover - depends on the machine
            raise RuntimeError(
                "a connection pool needs psycopg-pool: pip install psycopg-pool"
            ) from exc
        self._timeout_error: Any = PoolTimeout
        self._pool: Any = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            kwargs={"autocommit": True},
            open=False,
        )
        self._pool.open(wait=True, timeout=timeout)
        try:
            with self._pool.connection() as db:
                _create_table(db)
        except BaseException:
            self._pool.close()
            raise

    def store(self) -> PostgresStore:
        """A store on a borrowed connection; ``close()`` it to give the connection back."""
        try:
            db = self._pool.getconn()
        except self._timeout_error as exc:
            raise PoolExhausted(str(exc)) from None
        return PostgresStore(connection=db, release=self._pool.putconn)

    def close(self) -> None:
        """Close every connection of the pool."""
        self._pool.close()


def open_store(url: str) -> Store:
    """A store for ``sqlite:///path/to.db``, ``sqlite://`` (in memory) or ``postgresql://...``."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStore(url)
    if url.startswith("sqlite://"):
        return SqliteStore(sqlite_path(url))
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///file.db or postgresql://")


def sqlite_path(url: str) -> str:
    """The file of a SQLite URL: ``sqlite:///rel.db`` is relative, ``sqlite:////abs.db`` absolute."""
    return url.removeprefix("sqlite://").removeprefix("/") or ":memory:"
