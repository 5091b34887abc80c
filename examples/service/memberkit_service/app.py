"""The HTTP surface: FastAPI routes over ``Members``; every error is JSON that says what and where.

Run it with ``uvicorn memberkit_service.app:app`` from ``examples/service``. Settings come from the
environment, read here at the edge and nowhere else:

- ``MEMBERKIT_POLICY``: path of the policy file (the bundled retail programme when unset);
- ``MEMBERKIT_DATABASE_URL``: ``sqlite:///memberkit.db`` (default) or ``postgresql://...``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from importlib import resources
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

import memberkit
from memberkit import AsOfError, EventConflict, EventError, Policy, StateError
from memberkit.benefits import entitlements
from memberkit.lifecycle import lifecycle_stage
from memberkit.points import balance, quote_points
from memberkit.tiers import progress, tier_of

from .members import Members, TooMuchContention, UnknownMember
from .messages import message, request_locale
from .present import jsonable, outcome_json
from .storage import MemberExists, Store, open_store

__all__ = ["NewMember", "create_app", "parse_as_of"]

DEFAULT_DATABASE_URL = "sqlite:///memberkit.db"


class NewMember(BaseModel):
    """The body of ``POST /members``."""

    model_config = ConfigDict(extra="forbid")

    # No control characters: ids appear in URLs and logs, and PostgreSQL text cannot hold NUL.
    member_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f]+$")]
    joined_at: datetime
    birthday: date | None = None
    tags: tuple[str, ...] = ()


class ApiError(Exception):
    """An error answered as ``{"error": {...}}`` with an HTTP status, its message per locale."""

    def __init__(self, status: int, code: str, *, field: str = "", **params: object) -> None:
        super().__init__(message(code, "en", **params))
        self.status = status
        self.code = code
        self.field = field
        self.params = params

    def body(self, locale: str) -> dict[str, str]:
        """The error's JSON body with the message in ``locale``."""
        body = {"code": self.code, "message": message(self.code, locale, **self.params)}
        return {**body, "field": self.field} if self.field else body


def _error(status: int, body: dict[str, str]) -> JSONResponse:
    return JSONResponse({"error": body}, status_code=status)


def _event_error(exc: EventError, locale: str) -> dict[str, str]:
    return {
        "code": exc.code,
        "message": exc.explain(locale),
        "event_id": exc.event_id,
        "field": exc.field,
    }


def parse_as_of(value: str, name: str = "as_of") -> datetime:
    """An aware datetime from ISO 8601 text; anything else is a 422 that names the parameter."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_datetime", field=name, name=name, value=value) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ApiError(422, "naive_datetime", field=name, name=name)
    return moment


def _members(request: Request) -> Iterator[Members]:
    # One connection per request: a store object is used by one thread at a time.
    members: Members = request.app.state.open_members()
    try:
        yield members
    finally:
        members.store.close()


MembersDep = Annotated[Members, Depends(_members)]
AsOf = Annotated[str, Query(description="aware ISO 8601 datetime, e.g. 2026-11-11T10:00+08:00")]


def _reader_locale(
    request: Request,
    locale: Annotated[
        str | None,
        Query(
            description="locale of explanations and errors, e.g. zh_Hans, zh_TW, en (default: "
            "Accept-Language, else the programme's)"
        ),
    ] = None,
) -> str:
    # Explanations and errors take the same locale, so a refusal and its reason read alike.
    return request_locale(
        locale, request.headers.get("accept-language", ""), request.app.state.default_locale
    )


Locale = Annotated[str, Depends(_reader_locale)]


def create_app(
    policy: Policy | None = None,
    database_url: str | None = None,
    *,
    max_attempts: int = 10,
    store_factory: Callable[[], Store] | None = None,
) -> FastAPI:
    """The service for one policy and one database; each request gets its own connection."""
    if policy is None:
        path = os.environ.get("MEMBERKIT_POLICY")
        policy = memberkit.load_policy(path) if path else _bundled_policy()
    url = database_url or os.environ.get("MEMBERKIT_DATABASE_URL", DEFAULT_DATABASE_URL)
    factory = store_factory or (lambda: open_store(url))
    chosen: Policy = policy
    api = FastAPI(title=f"memberkit service: {chosen.info.id}", version=memberkit.__version__)
    # Created at start-up so the first requests do not race to create the table.
    factory().close()

    def open_members() -> Members:
        return Members(chosen, factory(), max_attempts=max_attempts)

    api.state.open_members = open_members
    api.state.default_locale = chosen.info.locale

    def locale_of(request: Request) -> str:
        return request_locale(
            request.query_params.get("locale"),
            request.headers.get("accept-language", ""),
            chosen.info.locale,
        )

    @api.exception_handler(RequestValidationError)
    def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # The same error shape as every other 422, naming the first field at fault in words.
        first = exc.errors()[0] if exc.errors() else {}
        where = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        name = where[-1] if where else ""
        kind = {"missing": "missing_field", "extra_forbidden": "unknown_field"}.get(
            str(first.get("type", "")), "invalid_value"
        )
        return _error(
            422,
            {
                "code": "invalid_request",
                "message": message(kind, locale_of(request), name=name),
                "field": ".".join(where),
            },
        )

    @api.exception_handler(ApiError)
    def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.body(locale_of(request)))

    @api.exception_handler(EventConflict)
    def _conflict(request: Request, exc: EventConflict) -> JSONResponse:
        return _error(409, _event_error(exc, locale_of(request)))

    @api.exception_handler(EventError)
    def _bad_event(request: Request, exc: EventError) -> JSONResponse:
        return _error(422, _event_error(exc, locale_of(request)))

    @api.exception_handler(AsOfError)
    def _past(request: Request, exc: AsOfError) -> JSONResponse:
        # A member's stored state answers from its last event on (docs/time.md): an earlier
        # as_of is refused, never answered from later holdings.
        return _error(
            409,
            {
                "code": exc.code,
                "message": message(
                    exc.code,
                    locale_of(request),
                    as_of=exc.as_of.isoformat(),
                    last_event=exc.clock.isoformat(),
                ),
                "field": "as_of",
                "last_event": exc.clock.isoformat(),
            },
        )

    @api.exception_handler(StateError)
    def _bad_state(request: Request, exc: StateError) -> JSONResponse:
        text = message("invalid_member", locale_of(request), detail=str(exc))
        return _error(422, {"code": "invalid_member", "message": text})

    @api.exception_handler(UnknownMember)
    def _unknown(request: Request, exc: UnknownMember) -> JSONResponse:
        text = message("unknown_member", locale_of(request), member=exc.args[0])
        return _error(404, {"code": "unknown_member", "message": text})

    @api.exception_handler(MemberExists)
    def _exists(request: Request, exc: MemberExists) -> JSONResponse:
        text = message("member_exists", locale_of(request), member=exc.args[0])
        return _error(409, {"code": "member_exists", "message": text})

    @api.exception_handler(TooMuchContention)
    def _contention(request: Request, exc: TooMuchContention) -> JSONResponse:
        member, attempts = exc.args[1:3] if len(exc.args) >= 3 else ("", 0)
        text = message("contention", locale_of(request), member=member, attempts=attempts)
        return _error(409, {"code": "contention", "message": text})

    @api.post("/members", status_code=201)
    def create_member(body: NewMember, service: MembersDep) -> dict[str, Any]:
        """Register a member at the base of the programme."""
        stored = service.create(
            body.member_id, body.joined_at, birthday=body.birthday, tags=body.tags
        )
        return {"member_id": stored.member_id, "version": stored.version}

    @api.get("/members/{member_id}")
    def get_member(member_id: str, service: MembersDep) -> dict[str, Any]:
        """The stored state (memberkit's JSON) and its version."""
        state, version = service.get(member_id)
        return {
            "member_id": member_id,
            "version": version,
            "state": memberkit.state_to_json(state),
        }

    @api.post("/members/{member_id}/events")
    def post_events(
        member_id: str,
        service: MembersDep,
        body: Annotated[Any, Body(description="one event, a list of events, or {events: [...]}")],
        locale: Locale,
    ) -> dict[str, Any]:
        """Apply one event or a batch, atomically; event ids already applied are no-ops."""
        raw = body.get("events") if isinstance(body, dict) and "type" not in body else body
        items: list[Any] = raw if isinstance(raw, list) else [raw]
        # parse_event, not the route's schema: its errors name the event id and field.
        applied = service.apply_events(member_id, memberkit.parse_events(items))
        return {
            "member_id": member_id,
            "version": applied.version,
            "attempts": applied.attempts,
            "outcomes": [outcome_json(o, locale) for o in applied.outcomes],
        }

    @api.get("/members/{member_id}/tier")
    def tier(member_id: str, as_of: AsOf, service: MembersDep, locale: Locale) -> dict[str, Any]:
        """The tier in force at ``as_of``, since when, until when, and the way to the next one."""
        moment = parse_as_of(as_of)
        state, _ = service.get(member_id)
        if service.policy.at(moment).tiers is None:
            raise ApiError(404, "no_tiers")
        decision = tier_of(service.policy, state, moment)
        ahead = progress(service.policy, state, moment)
        return {
            "member_id": member_id,
            "as_of": moment.isoformat(),
            "tier": decision.tier,
            "name": jsonable(decision.name),
            "since": jsonable(decision.since),
            "valid_until": jsonable(decision.valid_until),
            "figures": jsonable(decision.figures),
            "next_tier": ahead.next_tier,
            "reasons": jsonable(decision.reasons + ahead.reasons),
            "explanation": "\n".join(
                t for t in (decision.explain(locale), ahead.explain(locale)) if t
            ),
        }

    @api.get("/members/{member_id}/balance")
    def member_balance(
        member_id: str,
        as_of: AsOf,
        service: MembersDep,
        locale: Locale,
        currency: Annotated[str | None, Query(description="points currency id")] = None,
    ) -> dict[str, Any]:
        """Available and pending points at ``as_of``, and when the rest expires."""
        moment = parse_as_of(as_of)
        state, _ = service.get(member_id)
        if service.policy.at(moment).points is None:
            raise ApiError(404, "no_points")
        decision = balance(service.policy, state, moment, currency)
        return {
            "member_id": member_id,
            "as_of": moment.isoformat(),
            "currency": decision.currency,
            "available": jsonable(decision.available),
            "pending": jsonable(decision.pending),
            "expires": [
                {"last_day": day.isoformat(), "points": jsonable(points)}
                for day, points in decision.schedule
            ],
            "reasons": jsonable(decision.reasons),
            "explanation": decision.explain(locale),
        }

    @api.get("/members/{member_id}/stage")
    def stage(member_id: str, as_of: AsOf, service: MembersDep, locale: Locale) -> dict[str, Any]:
        """The member's lifecycle stage at ``as_of`` and the rule that decided it."""
        moment = parse_as_of(as_of)
        state, _ = service.get(member_id)
        if service.policy.at(moment).lifecycle is None:
            raise ApiError(404, "no_lifecycle")
        decision = lifecycle_stage(service.policy, state, moment)
        return {
            "member_id": member_id,
            "as_of": moment.isoformat(),
            "stage": decision.stage,
            "name": jsonable(decision.name),
            "reasons": jsonable(decision.reasons),
            "explanation": decision.explain(locale),
        }

    @api.get("/members/{member_id}/entitlements")
    def member_entitlements(
        member_id: str, as_of: AsOf, service: MembersDep, locale: Locale
    ) -> dict[str, Any]:
        """Every benefit of the programme for the member at ``as_of``, allowed or not, and why."""
        moment = parse_as_of(as_of)
        state, _ = service.get(member_id)
        decision = entitlements(service.policy, state, moment)
        return {
            "member_id": member_id,
            "as_of": moment.isoformat(),
            "allowed": list(decision.allowed),
            "benefits": [
                {
                    "benefit_id": item.benefit_id,
                    "name": jsonable(item.name),
                    "allowed": item.allowed,
                    "value": jsonable(item.value),
                    "remaining": jsonable(item.remaining),
                    "reasons": jsonable(item.reasons),
                    "explanation": item.explain(locale),
                }
                for item in decision.items
            ],
        }

    @api.post("/members/{member_id}/quote")
    def quote(
        member_id: str,
        service: MembersDep,
        body: Annotated[
            dict[str, Any],
            Body(description="an event not yet applied (a purchase when 'type' is omitted)"),
        ],
        locale: Locale,
    ) -> dict[str, Any]:
        """The points an event would earn, rule by rule, without applying it (apply's own code)."""
        event = memberkit.parse_event({"type": "purchase", **body})
        state, _ = service.get(member_id)
        if service.policy.at(event.at).points is None:
            raise ApiError(404, "no_points")
        decision = quote_points(service.policy, state, event)
        return {
            "member_id": member_id,
            "order_id": decision.order_id,
            "accepted": decision.accepted,
            "totals": {cid: jsonable(points) for cid, points in decision.totals},
            "lines": jsonable(decision.lines),
            "reasons": jsonable(decision.reasons),
            "explanation": decision.explain(locale),
        }

    return api


def _bundled_policy() -> Policy:
    text = (resources.files("memberkit") / "examples" / "retail.yaml").read_bytes()
    return memberkit.parse_policy(text, source="examples/retail.yaml")


def __getattr__(name: str) -> FastAPI:
    # ``uvicorn memberkit_service.app:app`` builds the app on first use, not on import, so tests
    # and tools can import this module without a database or policy in the environment.
    if name == "app":
        return create_app()
    raise AttributeError(name)
