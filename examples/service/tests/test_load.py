"""Load: many clients posting concurrently to many members lose nothing, double nothing, never 500.

Bounded and in-process (the ASGI app through its test client, no network): 20 members, 200
requests (each member's 8 orders plus 2 resends of one of them), 16 threads at once, on SQLite
and on PostgreSQL (through a pool of 4 connections, so requests also queue for connections).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi.testclient import TestClient

import memberkit
from builders import at, client, purchase, retail

MEMBERS = 20
ORDERS = 8
RESENDS = 2
THREADS = 16
RETRIES = 20
"""Answers 409 contention and 503 busy ask the client to retry; it does, at most this often."""


def _plan() -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(16)
    plan: list[tuple[str, dict[str, Any]]] = []
    for m in range(MEMBERS):
        member = f"load{m:02d}"
        orders = [purchase(f"{member}-o{n}", at(3, 1), str(10 + n)) for n in range(ORDERS)]
        plan += [(member, order) for order in orders]
        plan += [(member, rng.choice(orders)) for _ in range(RESENDS)]
    rng.shuffle(plan)
    return plan


def _post(service: TestClient, member: str, event: dict[str, Any]) -> list[int]:
    statuses: list[int] = []
    for _ in range(RETRIES):
        response = service.post(f"/members/{member}/events", json=event)
        statuses.append(response.status_code)
        if response.status_code not in (409, 503) or response.json()["error"]["code"] not in (
            "contention",
            "busy",
        ):
            break
    return statuses


def _run(service: TestClient, sample: Callable[[], int] | None = None) -> tuple[Counter[int], int]:
    for m in range(MEMBERS):
        created = service.post(
            "/members", json={"member_id": f"load{m:02d}", "joined_at": at(1, 1)}
        )
        assert created.status_code == 201, created.text
    statuses: Counter[int] = Counter()
    most = 0
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(_post, service, member, event) for member, event in _plan()]
        for future in as_completed(futures):
            statuses.update(future.result())
            if sample is not None:
                most = max(most, sample())
    return statuses, most


def _check_members(service: TestClient) -> None:
    for m in range(MEMBERS):
        member = f"load{m:02d}"
        stored = service.get(f"/members/{member}").json()
        state = memberkit.state_from_json(stored["state"])
        expected = {f"{member}-o{n}" for n in range(ORDERS)}
        # Lost: an order missing. Doubled: an order, or a points movement, recorded twice.
        assert sorted(o.id for o in state.orders) == sorted(expected)
        movements = [(e.event_id, e.kind, e.rule) for e in state.points.journal]
        assert len(movements) == len(set(movements))
        assert {e.event_id for e in state.points.journal if e.kind == "earn"} == expected
        # A resend writes nothing: one write for the registration and one per order.
        assert stored["version"] == 1 + ORDERS


def test_concurrent_posts_on_sqlite_lose_and_double_nothing(tmp_path: Any) -> None:
    """200 concurrent posts to 20 members on SQLite: every order once, no HTTP 500."""
    service = client(f"sqlite:///{tmp_path / 'load.db'}", retail())
    statuses, _ = _run(service)
    assert statuses[500] == 0
    assert set(statuses) <= {200, 409}
    _check_members(service)


def test_concurrent_posts_on_postgresql_lose_and_double_nothing(postgres_url: str) -> None:
    """200 concurrent posts through a pool of 4: every order once, no 500, at most 4 sessions."""
    import psycopg

    name = f"memberkit-load-{uuid.uuid4().hex[:8]}"
    parts = urlsplit(postgres_url)
    url = urlunsplit(
        parts._replace(query=urlencode([*parse_qsl(parts.query), ("application_name", name)]))
    )
    service = client(url, retail(), pool_size=4)
    with psycopg.connect(postgres_url, autocommit=True) as watcher:

        def sessions() -> int:
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (name,)
            ).fetchone()
            return int(row[0]) if row else 0

        statuses, most = _run(service, sessions)
    assert statuses[500] == 0
    assert set(statuses) <= {200, 409, 503}
    assert 1 <= most <= 4
    _check_members(service)
