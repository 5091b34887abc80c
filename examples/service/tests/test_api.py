"""The HTTP endpoints: members, events (one or a batch, idempotent), queries and JSON errors."""

from __future__ import annotations

from importlib import resources

import pytest

import memberkit
from builders import at, client, purchase, retail, use


def test_registering_a_member_returns_its_version(database: str) -> None:
    """POST /members answers 201 with the member id and version 1."""
    response = client(database).post(
        "/members", json={"member_id": "m2", "joined_at": "2026-02-01T09:00:00+08:00"}
    )
    assert response.status_code == 201
    assert response.json() == {"member_id": "m2", "version": 1}


def test_registering_an_existing_member_is_a_conflict(database: str) -> None:
    """A second POST /members for the same id answers 409 member_exists."""
    response = client(database).post(
        "/members", json={"member_id": "m1", "joined_at": "2026-01-01T00:00:00+08:00"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "member_exists"


def test_a_naive_joining_time_is_refused(database: str) -> None:
    """A joined_at without an offset answers 422 rather than guessing the server's zone."""
    response = client(database).post(
        "/members", json={"member_id": "m2", "joined_at": "2026-01-01T00:00:00"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_member"


def test_one_event_is_applied_and_the_version_moves(database: str) -> None:
    """A single event object applies, and the stored version becomes 2."""
    response = client(database).post("/members/m1/events", json=purchase("o1", at(3, 1)))
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], [o["accepted"] for o in body["outcomes"]]) == (2, [True])


def test_a_batch_is_applied_in_one_write(database: str) -> None:
    """A list of events applies together and bumps the version once."""
    response = client(database).post(
        "/members/m1/events", json=[purchase("o1", at(3, 1)), purchase("o2", at(3, 2))]
    )
    body = response.json()
    assert body["version"] == 2
    assert [o["event_id"] for o in body["outcomes"]] == ["o1", "o2"]


def test_a_batch_may_be_wrapped_in_an_events_key(database: str) -> None:
    """``{"events": [...]}`` is read as the batch it wraps."""
    response = client(database).post(
        "/members/m1/events", json={"events": [purchase("o1", at(3, 1))]}
    )
    assert [o["event_id"] for o in response.json()["outcomes"]] == ["o1"]


def test_a_batch_is_applied_in_time_order(database: str) -> None:
    """Events sent out of order are applied by time, like memberkit.replay."""
    response = client(database).post(
        "/members/m1/events", json=[purchase("late", at(3, 2)), purchase("early", at(3, 1))]
    )
    assert [o["event_id"] for o in response.json()["outcomes"]] == ["early", "late"]


def test_resending_an_event_is_a_duplicate_and_writes_nothing(database: str) -> None:
    """The same event id sent twice is reported as a duplicate and the version stays put."""
    test_client = client(database)
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 1)))
    body = test_client.post("/members/m1/events", json=purchase("o1", at(3, 1))).json()
    assert (body["version"], body["outcomes"][0]["duplicate"]) == (2, True)


def test_a_reused_event_id_with_other_content_is_a_conflict(database: str) -> None:
    """An id already applied with different content answers 409 naming the event."""
    test_client = client(database)
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 1)))
    response = test_client.post("/members/m1/events", json=purchase("o1", at(3, 1), "999"))
    assert response.status_code == 409
    assert response.json()["error"]["event_id"] == "o1"


def test_an_invalid_event_names_its_id_and_field(database: str) -> None:
    """A negative line amount answers 422 with the event id and the field at fault."""
    response = client(database).post("/members/m1/events", json=purchase("o1", at(3, 1), "-5"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["event_id"], error["field"]) == ("o1", "lines.0.amount")


def test_a_bad_event_in_a_batch_leaves_the_member_unchanged(database: str) -> None:
    """When the second event of a batch cannot apply, the first is not stored either."""
    test_client = client(database)
    bad_refund = {"type": "refund", "id": "r1", "at": at(3, 2), "order": "nope"}
    response = test_client.post("/members/m1/events", json=[purchase("o1", at(3, 1)), bad_refund])
    assert (response.status_code, response.json()["error"]["code"]) == (422, "unknown_order")
    assert test_client.get("/members/m1").json()["version"] == 1


def test_events_for_an_unknown_member_are_404(database: str) -> None:
    """Posting events for a member never registered answers 404 unknown_member."""
    response = client(database).post("/members/ghost/events", json=purchase("o1", at(3, 1)))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_member"


def test_queries_for_an_unknown_member_are_404(database: str) -> None:
    """GET /members/{id}/entitlements for an unknown member answers 404."""
    response = client(database).get("/members/ghost/entitlements", params={"as_of": at(3, 1)})
    assert response.status_code == 404


def test_a_refused_event_is_reported_and_not_stored(database: str) -> None:
    """A second gift in the same year is refused by the programme and the version stays."""
    test_client = client(database)
    test_client.post("/members/m1/events", json=use("u1", at(3, 1)))
    body = test_client.post("/members/m1/events", json=use("u2", at(3, 2))).json()
    assert (body["version"], body["outcomes"][0]["refused"]) == (2, True)


def test_entitlements_show_what_is_left_with_reasons(database: str) -> None:
    """After the yearly gift is used, entitlements list it as not allowed, with a reason code."""
    test_client = client(database)
    test_client.post("/members/m1/events", json=use("u1", at(3, 1)))
    body = test_client.get(
        "/members/m1/entitlements", params={"as_of": at(3, 2), "locale": "en"}
    ).json()
    gift = next(b for b in body["benefits"] if b["benefit_id"] == "gift")
    assert (gift["allowed"], gift["remaining"]) == (False, 0)
    assert gift["reasons"][0]["code"].startswith("benefit.")
    assert body["allowed"] == ["coupon-credit"]


def test_money_left_on_a_value_quota_is_an_exact_string(database: str) -> None:
    """The remaining value of a money cap travels as a decimal string, never a float."""
    test_client = client(database)
    test_client.post("/members/m1/events", json=use("u1", at(3, 1), "coupon-credit", value="12.5"))
    body = test_client.get("/members/m1/entitlements", params={"as_of": at(3, 2)}).json()
    credit = next(b for b in body["benefits"] if b["benefit_id"] == "coupon-credit")
    assert credit["remaining"] == "37.5"


def test_a_naive_as_of_is_refused_with_the_parameter_named(database: str) -> None:
    """A query without a timezone offset answers 422 naming as_of."""
    response = client(database).get(
        "/members/m1/tier", params={"as_of": "2026-03-01T12:00:00", "locale": "en"}
    )
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "naive_datetime",
        "message": "as_of has no timezone offset; give one, e.g. 2026-11-11T10:00:00+08:00",
        "field": "as_of",
    }


def test_an_unreadable_as_of_is_refused(database: str) -> None:
    """A query whose as_of is not a datetime answers 422 invalid_datetime."""
    response = client(database).get("/members/m1/balance", params={"as_of": "soon"})
    assert response.json()["error"]["code"] == "invalid_datetime"


def test_a_programme_without_tiers_answers_404_for_the_tier(database: str) -> None:
    """In a programme without a ladder the tier endpoint answers 404 no_tiers."""
    response = client(database).get("/members/m1/tier", params={"as_of": at(3, 1)})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "no_tiers")


def test_a_programme_without_points_answers_404_for_the_balance(database: str) -> None:
    """In a programme without points the balance endpoint answers 404 no_points."""
    response = client(database).get("/members/m1/balance", params={"as_of": at(3, 1)})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "no_points")


def test_a_big_spender_is_upgraded_and_the_tier_says_so(database: str) -> None:
    """After ¥2,500 of purchases in the retail programme the member holds 银卡 (silver)."""
    test_client = client(database, retail())
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 1), "2500"))
    body = test_client.get("/members/m1/tier", params={"as_of": at(3, 2), "locale": "en"}).json()
    assert (body["tier"], body["next_tier"]) == ("silver", "gold")
    assert body["figures"]["spend"] == "2500"
    assert "Silver" in body["explanation"]


def test_an_upgrade_taking_effect_next_day_is_in_the_tier_answer(database: str) -> None:
    """With upgrade effective next_day, the evening of the purchase is silver with gold waiting
    for local midnight; the next morning it is gold and nothing waits."""
    text = (resources.files("memberkit") / "examples" / "retail.yaml").read_text(encoding="utf-8")
    assert "  upgrade: immediate\n" in text
    delayed = memberkit.parse_policy(
        text.replace("  upgrade: immediate\n", "  upgrade: {effective: next_day}\n"),
        source="retail-next-day.yaml",
    )
    test_client = client(database, delayed)
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 1), "2500"))
    evening = test_client.get("/members/m1/tier", params={"as_of": at(3, 1, 23)}).json()
    assert (evening["tier"], evening["upgrade_tier"]) == ("basic", "silver")
    assert evening["upgrade_at"] == "2026-03-02T00:00:00+08:00"
    morning = test_client.get("/members/m1/tier", params={"as_of": at(3, 2)}).json()
    assert (morning["tier"], morning["upgrade_tier"], morning["upgrade_at"]) == (
        "silver",
        None,
        None,
    )


def test_a_member_brought_in_mid_year_opens_with_tier_figures_and_points(database: str) -> None:
    """An opening event carries gold through 2026, ¥5,000 spent and 800 points; a second is 409."""
    test_client = client(database, retail())
    opening = {
        "type": "opening",
        "id": "migrated",
        "at": "2026-01-01T00:00:00+08:00",
        "tier": "gold",
        "through": "2026-12-31",
        "figures": {"spend": "5000"},
        "balances": {"points": 800},
    }
    response = test_client.post("/members/m1/events", json=opening)
    assert response.status_code == 200, response.text
    body = test_client.get("/members/m1/tier", params={"as_of": at(3, 2), "locale": "en"}).json()
    # No upgrade gift on an opening: the retail gift rule does not say on_grant.
    assert (body["tier"], body["reached_by"], body["figures"]["spend"]) == (
        "gold",
        "opening",
        "5000",
    )
    balance = test_client.get("/members/m1/balance", params={"as_of": at(3, 2)}).json()
    assert balance["available"] == 800
    again = dict(opening, id="migrated-again", at=at(3, 3))
    refused = test_client.post("/members/m1/events", json=again)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "opening_not_first")


def test_points_are_pending_then_available(database: str) -> None:
    """Retail points for ¥100 wait out the 7-day return period, then are available."""
    test_client = client(database, retail())
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 1), "100"))
    early = test_client.get("/members/m1/balance", params={"as_of": at(3, 2)}).json()
    later = test_client.get("/members/m1/balance", params={"as_of": at(3, 20)}).json()
    assert (early["available"], early["pending"]) == (0, 100)
    assert (later["available"], later["pending"]) == (100, 0)


def test_a_quote_says_what_an_order_would_earn_without_applying_it(database: str) -> None:
    """Quoting a ¥300 order in the retail programme gives 300 points and stores nothing."""
    test_client = client(database, retail())
    body = test_client.post("/members/m1/quote", json=purchase("q1", at(3, 1), "300")).json()
    assert body["totals"]["points"] == 300
    assert test_client.get("/members/m1").json()["version"] == 1


def test_an_invalid_quote_names_the_field(database: str) -> None:
    """A quote for an order without lines answers 422 naming the field."""
    order = purchase("q1", at(3, 1))
    order["lines"] = []
    response = client(database, retail()).post("/members/m1/quote", json=order)
    assert (response.status_code, response.json()["error"]["field"]) == (422, "lines")


def test_the_stored_state_is_memberkit_json(database: str) -> None:
    """GET /members/{id} returns the state that memberkit reads back to the same member."""
    import memberkit

    test_client = client(database)
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 1)))
    state = memberkit.state_from_json(test_client.get("/members/m1").json()["state"])
    assert [o.id for o in state.orders] == ["o1"]


def test_an_outcome_is_explained_in_the_locale_asked(database: str) -> None:
    """A duplicate event's explanation is rendered in the requested locale."""
    test_client = client(database)
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 1)))
    en = test_client.post(
        "/members/m1/events", json=purchase("o1", at(3, 1)), params={"locale": "en"}
    ).json()
    zh = test_client.post(
        "/members/m1/events", json=purchase("o1", at(3, 1)), params={"locale": "zh_Hans"}
    ).json()
    assert en["outcomes"][0]["explanation"] != zh["outcomes"][0]["explanation"]
    assert "o1" in en["outcomes"][0]["explanation"]


def test_a_new_member_is_in_the_new_stage(database: str) -> None:
    """A retail member who joined in January and bought once is in the 引入期 (new) stage."""
    test_client = client(database, retail())
    test_client.post("/members/m1/events", json=purchase("o1", at(2, 1), "100"))
    body = test_client.get("/members/m1/stage", params={"as_of": at(3, 1)}).json()
    assert body["stage"] == "new"
    assert body["name"]["zh_Hans"] == "引入期"


def test_a_programme_without_lifecycle_answers_404_for_the_stage(database: str) -> None:
    """In a programme without a lifecycle section the stage endpoint answers 404."""
    response = client(database).get("/members/m1/stage", params={"as_of": at(3, 1)})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "no_lifecycle")


def test_a_malformed_registration_names_the_missing_field(database: str) -> None:
    """POST /members without joined_at answers 422 in the service's error shape."""
    response = client(database).post("/members", json={"member_id": "m2"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert response.json()["error"]["field"] == "joined_at"


def test_a_member_id_with_a_control_character_is_refused(database: str) -> None:
    """POST /members with a NUL in the id answers 422 naming member_id, on every store."""
    response = client(database).post(
        "/members", json={"member_id": "m\x00x", "joined_at": "2026-01-01T00:00:00+08:00"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "member_id"


def test_a_member_id_with_a_nul_character_is_unknown(database: str) -> None:
    """GET /members/{id} with an encoded NUL answers 404, never a database error."""
    response = client(database).get("/members/m%00x")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_member"


def test_a_question_before_the_last_event_is_refused_with_json(database: str) -> None:
    """Asking the tier on 1 Mar after a 5 Mar purchase answers 409 as_of_before_last_event."""
    test_client = client(database, retail())
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 5), "2500"))
    response = test_client.get("/members/m1/tier", params={"as_of": at(3, 1)})
    body = response.json()
    assert (response.status_code, body["error"]["code"]) == (409, "as_of_before_last_event")
    assert "重放" in body["error"]["message"]
    english = test_client.get("/members/m1/tier", params={"as_of": at(3, 1), "locale": "en"})
    assert "replay" in english.json()["error"]["message"]


def test_a_quote_of_an_activity_is_answered(database: str) -> None:
    """The quote endpoint takes any event kind; a sign-up quotes what apply would book."""
    test_client = client(database, retail())
    response = test_client.post(
        "/members/m1/quote",
        json={"type": "activity", "id": "s1", "at": at(3, 5), "kind": "signup"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] is True


def test_errors_are_in_the_programmes_locale_by_default(database: str) -> None:
    """Without a locale asked for, an error reads in the programme's own locale (zh_Hans)."""
    response = client(database).get("/members/nobody/tier", params={"as_of": at(3, 1)})
    assert response.json()["error"] == {"code": "unknown_member", "message": "没有会员“nobody”"}


def test_accept_language_chooses_the_error_locale(database: str) -> None:
    """Accept-Language zh-TW gives Traditional Chinese, en-US English, best quality first."""
    test_client = client(database)
    for header, text in (
        ("zh-TW,zh;q=0.8", "沒有會員「nobody」"),
        ("fr-FR, en-US;q=0.7, zh-CN;q=0.5", "no member 'nobody'"),
    ):
        response = test_client.get(
            "/members/nobody/tier", params={"as_of": at(3, 1)}, headers={"Accept-Language": header}
        )
        assert response.json()["error"]["message"] == text


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("en", "unknown event type 'purchse'; did you mean 'purchase'?"),
        ("zh_Hans", "未知事件类型“purchse”，是不是“purchase”？"),
        ("zh_Hant", "未知事件類型「purchse」，是不是「purchase」？"),
    ],
)
def test_an_event_error_is_in_plain_words_in_the_locale(
    database: str, locale: str, text: str
) -> None:
    """A misspelt event type is explained in words (not pydantic's tag text) in the locale."""
    event = {**purchase("o1", at(3, 1)), "type": "purchse"}
    response = client(database).post("/members/m1/events", json=event, params={"locale": locale})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid_event",
        "message": text,
        "event_id": "o1",
        "field": "type",
    }


def test_an_unknown_event_field_is_named_without_pydantic_text(database: str) -> None:
    """An extra field of an event is 'unknown field', not 'Extra inputs are not permitted'."""
    event = {**purchase("o1", at(3, 1)), "colour": "red"}
    response = client(database).post("/members/m1/events", json=event, params={"locale": "en"})
    error = response.json()["error"]
    assert error["field"] == "colour"
    assert error["message"].startswith("unknown field 'colour' (fields: ")
    assert "Extra inputs" not in error["message"]


def test_a_malformed_registration_is_explained_in_words(database: str) -> None:
    """POST /members without joined_at says the field is missing, in the locale asked."""
    response = client(database).post(
        "/members", json={"member_id": "m2"}, params={"locale": "zh_Hant"}
    )
    assert response.json()["error"] == {
        "code": "invalid_request",
        "message": "缺少必填欄位「joined_at」",
        "field": "joined_at",
    }


def test_explanations_follow_accept_language_and_an_unshipped_locale_falls_back(
    database: str,
) -> None:
    """Accept-Language zh-TW explains in Traditional Chinese; ?locale=fr uses the programme's."""
    test_client = client(database)
    test_client.post("/members/m1/events", json=purchase("o1", at(3, 1)))
    again = purchase("o1", at(3, 1))
    hant = test_client.post(
        "/members/m1/events", json=again, headers={"Accept-Language": "zh-TW"}
    ).json()
    fr = test_client.post("/members/m1/events", json=again, params={"locale": "fr"}).json()
    hans = test_client.post("/members/m1/events", json=again, params={"locale": "zh_Hans"}).json()
    assert hant["outcomes"][0]["explanation"] == "事件 o1 已處理過，本次未做任何變更。"
    assert fr["outcomes"][0]["explanation"] == hans["outcomes"][0]["explanation"]


# 1 point a yuan, doubled for members under 26 on the day of the order.
YOUTH = """memberkit: 1
program: {id: youth, currency: CNY, timezone: Asia/Shanghai, locale: en}
points:
  pending: immediate
  earn:
    - {id: base, per: 1 CNY, points: 1}
    - {id: youth, when: {age: {"<": 26}}, multiply: 2}
"""


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        # Born 15 Jun 2000: 25 on 14 Jun 2026, so ¥100 earns 100 x 2 = 200.
        ({"birthday": "2000-06-15", "birth_year": 2000}, 200),
        # The birth year counts, not the birthday's placeholder year: 25 as well.
        ({"birthday": "1900-06-15", "birth_year": 2000}, 200),
        # Born 1990: 36, the base 100 alone.
        ({"birthday": "1990-06-15", "birth_year": 1990}, 100),
        # No birth year: no age, so the condition is false and 100.
        ({"birthday": "2000-06-15"}, 100),
    ],
)
def test_a_registered_birth_year_decides_an_age_condition(
    database: str, profile: dict[str, object], expected: int
) -> None:
    """POST /members with a birth year, then a purchase: the age condition decides the points."""
    test_client = client(database, memberkit.parse_policy(YOUTH))
    body = {"member_id": "y1", "joined_at": "2026-01-01T00:00:00+08:00", **profile}
    assert test_client.post("/members", json=body).status_code == 201
    response = test_client.post("/members/y1/events", json=purchase("o1", at(6, 14)))
    assert response.status_code == 200, response.text
    balance = test_client.get("/members/y1/balance", params={"as_of": at(6, 30)}).json()
    assert balance["available"] == expected
    state = memberkit.state_from_json(test_client.get("/members/y1").json()["state"])
    assert state.birth_year == profile.get("birth_year")


@pytest.mark.parametrize(
    ("birth_year", "code", "says"),
    [
        (1899, "invalid_member", "birth_year is outside the supported years 1900 to 2999"),
        (3000, "invalid_member", "birth_year is outside the supported years 1900 to 2999"),
        ("19x0", "invalid_request", "'birth_year' has an invalid value"),
        (True, "invalid_request", "'birth_year' has an invalid value"),
        (1990.5, "invalid_request", "'birth_year' has an invalid value"),
    ],
)
def test_a_bad_birth_year_is_refused_naming_the_field(
    database: str, birth_year: object, code: str, says: str
) -> None:
    """A birth year that is no year answers 422 naming the field, never the value; nothing stored."""
    test_client = client(database)
    body = {"member_id": "y1", "joined_at": "2026-01-01T00:00:00+08:00", "birth_year": birth_year}
    response = test_client.post("/members", json=body, params={"locale": "en"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code
    assert says in error["message"]
    assert str(birth_year) not in error["message"]
    assert test_client.get("/members/y1").status_code == 404
