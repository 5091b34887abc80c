"""The service tests import ``memberkit_service`` from ``examples/service``, not an install.

Every test that takes ``database`` runs once per store: on a fresh SQLite file, and on a fresh
schema of the PostgreSQL database named by ``MEMBERKIT_PG_URL`` (skipped, with the reason, when
that is unset; a failure instead when ``MEMBERKIT_REQUIRE_PG=1``, as in CI).
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from memberkit_service import Store, open_store  # noqa: E402 - importable once the path is set

PG_URL_VARIABLE = "MEMBERKIT_PG_URL"
REQUIRE_PG_VARIABLE = "MEMBERKIT_REQUIRE_PG"


def with_search_path(url: str, schema: str) -> str:
    """``url`` with libpq ``options`` that make ``schema`` the only schema on the search path."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _postgres_url() -> str:
    url = os.environ.get(PG_URL_VARIABLE, "")
    if url:
        return url
    reason = f"{PG_URL_VARIABLE} is not set (e.g. postgresql://postgres@127.0.0.1:54329/memberkit)"
    if os.environ.get(REQUIRE_PG_VARIABLE) == "1":
        pytest.fail(f"{REQUIRE_PG_VARIABLE}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL on a fresh, empty schema of the test PostgreSQL database, dropped afterwards."""
    base = _postgres_url()
    if os.environ.get(REQUIRE_PG_VARIABLE) == "1":
        import psycopg  # a missing driver is a failure when PostgreSQL is required
    else:
        psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    schema = f"test_{uuid.uuid4().hex}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield with_search_path(base, schema)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(autouse=True)
def _close_apps() -> Iterator[None]:
    """Close the connection pools of the apps a test built, before its schema is dropped."""
    from builders import OPENED

    yield
    while OPENED:
        OPENED.pop().state.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for an empty store: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'members.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def open_stores(database: str) -> Iterator[Callable[[], Store]]:
    """Opens stores on ``database`` (one connection each) and closes them all after the test."""
    opened: list[Store] = []

    def open_one() -> Store:
        opened.append(open_store(database))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()
