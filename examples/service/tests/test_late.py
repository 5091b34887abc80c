"""Late events: a till that syncs hours late has its event applied where it belongs, or refused."""

from __future__ import annotations

from importlib import resources
from typing import Any

import memberkit
from builders import POLICY, at, client, purchase, use
from memberkit import Policy

LATENESS = "\n  lateness_days: 2\n"


def late_retail() -> Policy:
    """The bundled retail programme, applying events up to two days late."""
    text = (resources.files("memberkit") / "examples" / "retail.yaml").read_text("utf-8")
    assert "\n  notice_days: 30\n" in text
    text = text.replace("\n  notice_days: 30\n", "\n  notice_days: 30" + LATENESS, 1)
    return memberkit.parse_policy(text, source="retail.yaml")


def late_benefits() -> Policy:
    """The service tests' benefits programme (one gift a year), two days' lateness allowed."""
    return memberkit.parse_policy(
        POLICY.replace("locale: zh_Hans}", "locale: zh_Hans, lateness_days: 2}"), source="svc.yaml"
    )


def post(test_client: Any, member: str, events: Any) -> Any:
    """POST events for ``member``, returning the response."""
    return test_client.post(f"/members/{member}/events", json=events)


def test_a_late_purchase_is_applied_as_if_in_order(database: str) -> None:
    """A purchase a day late leaves the member exactly as the same purchases sent in order."""
    test_client = client(database, late_retail())
    test_client.post("/members", json={"member_id": "m2", "joined_at": "2026-01-01T00:00:00+08:00"})
    early, late, later = (
        purchase("o1", at(3, 1), "1000"),
        purchase("o2", at(3, 2), "1200"),
        purchase("o3", at(3, 3), "300"),
    )
    for event in (early, later):
        assert post(test_client, "m1", event).status_code == 200
    response = post(test_client, "m1", late)
    assert response.status_code == 200, response.text
    assert (response.json()["version"], response.json()["outcomes"][0]["accepted"]) == (4, True)
    assert post(test_client, "m2", [early, late, later]).status_code == 200

    def seen(member: str, what: str) -> dict[str, Any]:
        body: dict[str, Any] = test_client.get(
            f"/members/{member}/{what}", params={"as_of": at(3, 20)}
        ).json()
        body.pop("member_id", None)
        return body

    assert seen("m1", "balance") == seen("m2", "balance")
    assert seen("m1", "tier") == seen("m2", "tier")
    assert seen("m1", "balance")["available"] >= 2500
    assert seen("m1", "tier")["tier"] == "silver"
    states = [
        memberkit.state_from_json(test_client.get(f"/members/{m}").json()["state"])
        for m in ("m1", "m2")
    ]
    assert states[0].evolve(member_id="m2") == states[1]


def test_a_late_event_in_a_batch_is_applied_with_the_others(database: str) -> None:
    """A batch holding a late event and a new one applies both, the late one where it belongs."""
    test_client = client(database, late_retail())
    post(test_client, "m1", purchase("o1", at(3, 2), "100"))
    response = post(test_client, "m1", [purchase("o3", at(3, 3)), purchase("o2", at(3, 1))])
    assert response.status_code == 200, response.text
    assert [o["event_id"] for o in response.json()["outcomes"]] == ["o2", "o3"]
    state = memberkit.state_from_json(test_client.get("/members/m1").json()["state"])
    assert [o.id for o in state.orders] == ["o2", "o1", "o3"]


def test_an_event_beyond_the_lateness_horizon_is_refused(database: str) -> None:
    """Three days late with two allowed answers 422 too_late and stores nothing."""
    test_client = client(database, late_retail())
    post(test_client, "m1", purchase("o1", at(3, 5)))
    response = post(test_client, "m1", purchase("o0", at(3, 2), "100"))
    assert (response.status_code, response.json()["error"]["code"]) == (422, "too_late")
    assert response.json()["error"]["event_id"] == "o0"
    assert test_client.get("/members/m1").json()["version"] == 2


def test_without_lateness_a_late_event_is_still_out_of_order(database: str) -> None:
    """A programme that allows no lateness (the default) refuses an event an hour late."""
    test_client = client(database)
    post(test_client, "m1", purchase("o1", at(3, 2)))
    response = post(test_client, "m1", purchase("o0", at(3, 1, 23)))
    assert (response.status_code, response.json()["error"]["code"]) == (422, "too_late")


def test_a_late_event_that_would_fail_a_later_one_is_refused(database: str) -> None:
    """A late gift use before the year's one gift already used answers 422 late_conflict."""
    test_client = client(database, late_benefits())
    assert post(test_client, "m1", use("u2", at(3, 3))).json()["outcomes"][0]["accepted"]
    response = post(test_client, "m1", use("u1", at(3, 2)))
    assert (response.status_code, response.json()["error"]["code"]) == (422, "late_conflict")
    assert test_client.get("/members/m1").json()["version"] == 2


def test_resending_a_late_event_is_a_duplicate(database: str) -> None:
    """A late purchase sent again is a duplicate: nothing is written and the log holds it once."""
    test_client = client(database, late_retail())
    post(test_client, "m1", purchase("o2", at(3, 2)))
    assert post(test_client, "m1", purchase("o1", at(3, 1))).status_code == 200
    again = post(test_client, "m1", purchase("o1", at(3, 1))).json()
    assert (again["version"], again["outcomes"][0]["duplicate"]) == (3, True)
    # A later late event still applies: the history the service keeps leads to the state.
    response = post(test_client, "m1", purchase("o0", at(3, 1, 9)))
    assert response.status_code == 200, response.text
    state = memberkit.state_from_json(test_client.get("/members/m1").json()["state"])
    assert sorted(o.id for o in state.orders) == ["o0", "o1", "o2"]
