"""Builders for the service tests: a small policy, a client on an empty database, events."""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient
from memberkit_service import create_app

import memberkit
from memberkit import Policy

SHANGHAI = ZoneInfo("Asia/Shanghai")

POLICY = """
memberkit: 1
program: {id: svc, currency: CNY, timezone: Asia/Shanghai, locale: zh_Hans}
benefits:
  - id: coupon-credit
    name: {zh_Hans: 购物金, en: Shopping credit}
    quota: {value: 50, per: month}
  - id: gift
    name: {zh_Hans: 礼品, en: Gift}
    quota: {count: 1, per: year}
"""


def policy() -> Policy:
    """The service tests' programme: two benefits with quotas, no tiers or points."""
    return memberkit.parse_policy(POLICY, source="svc.yaml")


def retail() -> Policy:
    """The bundled retail programme: tiers, points and benefits."""
    text = (resources.files("memberkit") / "examples" / "retail.yaml").read_bytes()
    return memberkit.parse_policy(text, source="retail.yaml")


API_KEY = "test-key-0123456789"
"""The key every test client sends (the service refuses to start without one)."""

OPENED: list[FastAPI] = []
"""Apps built by ``client``; conftest closes their connection pools after each test."""


def app(database: str, programme: Policy | None = None, **kw: Any) -> FastAPI:
    """The service on ``database`` for ``programme`` (the test policy), with the test API key."""
    kw.setdefault("api_keys", (API_KEY,))
    built = create_app(programme or policy(), database, **kw)
    OPENED.append(built)
    return built


def client(database: str, programme: Policy | None = None, **kw: Any) -> TestClient:
    """A test client on the (empty) database at URL ``database``, with member ``m1`` registered."""
    test_client = TestClient(
        app(database, programme, **kw), headers={"Authorization": f"Bearer {API_KEY}"}
    )
    response = test_client.post(
        "/members", json={"member_id": "m1", "joined_at": "2026-01-01T00:00:00+08:00"}
    )
    assert response.status_code == 201, response.text
    return test_client


def at(month: int, day: int, hour: int = 12) -> str:
    """An ISO 8601 moment in 2026 on the Shanghai wall clock."""
    return datetime(2026, month, day, hour, tzinfo=SHANGHAI).isoformat()


def purchase(event_id: str, when: str, amount: str = "100") -> dict[str, Any]:
    """A one-line purchase as a client would send it."""
    return {
        "type": "purchase",
        "id": event_id,
        "at": when,
        "currency": "CNY",
        "lines": [{"id": "l1", "category": "general", "amount": amount}],
    }


def use(event_id: str, when: str, benefit: str = "gift", **kw: Any) -> dict[str, Any]:
    """A benefit use as a client would send it."""
    return {"type": "benefit_use", "id": event_id, "at": when, "benefit": benefit, **kw}
