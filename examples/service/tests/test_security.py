"""The service is safe to put on a network: API keys, a body limit, JSON errors, bounded locales."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from memberkit_service import create_app

from builders import API_KEY, app, at, client, policy, purchase

_ROUTES = [
    ("get", "/members/m1"),
    ("post", "/members/m1/events"),
    ("get", "/members/m1/tier?as_of=2026-03-01T00:00:00%2B08:00"),
    ("post", "/members"),
    ("get", "/no/such/route"),
    ("get", "/openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), _ROUTES)
def test_a_request_without_a_key_is_401_everywhere(database: str, method: str, path: str) -> None:
    """Every route, and any unknown path, answers 401 in JSON to a request without a key."""
    anonymous = TestClient(app(database))
    response = anonymous.request(method, path, json=purchase("o1", at(3, 1)))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {API_KEY}"},
        {"X-API-Key": API_KEY[:-1]},
        {"Authorization": "Bearer "},
    ],
    ids=["wrong key", "basic scheme", "key prefix", "empty bearer"],
)
def test_a_wrong_key_is_401_and_changes_nothing(database: str, headers: dict[str, str]) -> None:
    """Anyone posting +1,000,000 points without the key is refused and nothing is stored."""
    service = client(database)
    grant = {"type": "adjustment", "id": "a1", "at": at(3, 1), "points": 1000000, "reason": "x"}
    response = TestClient(service.app).post("/members/m1/events", json=grant, headers=headers)
    assert response.status_code == 401
    assert service.get("/members/m1").json()["version"] == 1


def test_the_key_may_come_as_x_api_key(database: str) -> None:
    """The key is accepted in an X-API-Key header as well as a bearer token."""
    service = client(database)
    response = TestClient(service.app).get("/members/m1", headers={"X-API-Key": API_KEY})
    assert response.status_code == 200


def test_the_service_refuses_to_start_without_a_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Authentication is on by default: without any key configured, create_app raises."""
    monkeypatch.delenv("MEMBERKIT_API_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="MEMBERKIT_API_KEYS"):
        create_app(policy(), f"sqlite:///{tmp_path / 'm.db'}")


def test_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """MEMBERKIT_API_KEYS lists the accepted keys, comma-separated."""
    monkeypatch.setenv("MEMBERKIT_API_KEYS", "k-one, k-two")
    service = TestClient(create_app(policy(), f"sqlite:///{tmp_path / 'm.db'}"))
    statuses = [
        service.get("/members/x", headers={"Authorization": f"Bearer {key}"}).status_code
        for key in ("k-one", "k-two", "k-three")
    ]
    assert statuses == [404, 404, 401]


def test_a_10_mb_event_is_refused_before_it_is_read(database: str) -> None:
    """A body past the limit answers 413 in JSON and stores nothing."""
    service = client(database)
    event = purchase("o1", at(3, 1))
    event["lines"][0]["sku"] = "x" * 10_000_000
    response = service.post("/members/m1/events", json=event)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert service.get("/members/m1").json()["version"] == 1


def test_a_streamed_body_past_the_limit_is_refused(database: str) -> None:
    """A body sent without Content-Length is counted as it arrives and refused past the limit."""
    service = client(database, max_body_bytes=1000)

    def chunks() -> Iterator[bytes]:
        yield b'{"type": "purchase", "id": "o1", "pad": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    response = service.post(
        "/members/m1/events", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_a_body_under_the_limit_is_accepted(database: str) -> None:
    """An ordinary event under a small limit is applied."""
    service = client(database, max_body_bytes=1000)
    assert service.post("/members/m1/events", json=purchase("o1", at(3, 1))).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/no/such/route", 404, "not_found"),
        ("delete", "/members/m1", 405, "method_not_allowed"),
    ],
)
def test_http_errors_are_json_in_the_service_shape(
    database: str, method: str, path: str, status: int, code: str
) -> None:
    """Unknown routes and wrong methods answer the {"error": {...}} shape, not plain text."""
    response = client(database).request(method, path)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_an_unexpected_failure_is_a_json_500(database: str) -> None:
    """A failing store answers 500 as JSON without internals, never a plain-text page."""
    client(database)  # registers m1

    class Broken:
        def create(self, member_id: str, state: str) -> None:
            raise RuntimeError("disk on fire at /var/lib/secret")

        load = save = create

        def close(self) -> None:
            return None

    service = TestClient(
        app(database, store_factory=Broken),
        headers={"Authorization": f"Bearer {API_KEY}"},
        raise_server_exceptions=False,
    )
    response = service.get("/members/m1")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret" not in response.text


@pytest.mark.parametrize("locale", ["../../../tmp/x", "x" * 300, "en/../zh"])
def test_a_malformed_locale_is_a_422(database: str, locale: str) -> None:
    """?locale= that is not a locale identifier is refused before it reaches memberkit."""
    response = client(database).get(
        "/members/m1/entitlements", params={"as_of": at(3, 1), "locale": locale}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "locale"
