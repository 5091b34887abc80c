"""The SQLite store: create, read, and a compare-and-set that refuses a stale version."""

from __future__ import annotations

from pathlib import Path

import pytest
from memberkit_service import MemberExists, SqliteStore, open_store


def test_a_new_member_is_stored_at_version_one(tmp_path: Path) -> None:
    """Creating a member stores its state at version 1."""
    store = SqliteStore(str(tmp_path / "db"))
    store.create("m1", "{}")
    loaded = store.load("m1")
    assert loaded is not None
    assert (loaded.version, loaded.state) == (1, "{}")


def test_creating_a_member_twice_is_refused(tmp_path: Path) -> None:
    """A second create with the same id raises MemberExists and keeps the first state."""
    store = SqliteStore(str(tmp_path / "db"))
    store.create("m1", "first")
    with pytest.raises(MemberExists):
        store.create("m1", "second")
    loaded = store.load("m1")
    assert loaded is not None
    assert loaded.state == "first"


def test_an_unknown_member_loads_as_none(tmp_path: Path) -> None:
    """Loading an id never stored gives None."""
    assert SqliteStore(str(tmp_path / "db")).load("nobody") is None


def test_a_save_at_the_read_version_bumps_the_version(tmp_path: Path) -> None:
    """Saving with the version just read writes the state at the next version."""
    store = SqliteStore(str(tmp_path / "db"))
    store.create("m1", "a")
    saved = store.save("m1", "b", expected_version=1)
    assert saved is not None
    assert saved.version == 2
    assert store.load("m1") == saved


def test_a_save_at_a_stale_version_is_a_lost_update(tmp_path: Path) -> None:
    """A writer that read version 1 cannot overwrite what another writer saved as version 2."""
    path = str(tmp_path / "db")
    first, second = SqliteStore(path), SqliteStore(path)
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
