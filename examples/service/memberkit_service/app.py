"""The HTTP surface: FastAPI routes over ``Members``; every error is JSON that says what and where.

Run it with ``uvicorn memberkit_service.app:app`` from ``examples/service``. Settings come from the
environment, read here at the edge and nowhere else:

- ``MEMBERKIT_API_KEYS``: the API keys (comma-separated) a client must send, as
  ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; the service refuses to start without one;
- ``MEMBERKIT_POLICY``: path of the policy file (the bundled retail programme when unset);
- ``MEMBERKIT_DATABASE_URL``: ``sqlite:///memberkit.db`` (default) or ``postgresql://...``;
- ``MEMBERKIT_POOL_SIZE``: PostgreSQL connections the service may hold (default 10);
- ``MEMBERKIT_MAX_BODY_BYTES``: the largest request body accepted (default 1,000,000 bytes).

See the README's threat model for what these protect against and what they do not.
"""

from __future__ import annotations

import functools
import hmac
import os
from collections.abc import Callable, Collection, Iterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from importlib import resources
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import memberkit
from memberkit import AsOfError, EventConflict, EventError, Policy, StateError
from memberkit.benefits import entitlements
from memberkit.lifecycle import lifecycle_stage
from memberkit.points import balance, quote_points
from memberkit.tiers import progress, tier_of

from .members import Members, TooMuchContention, UnknownMember
from .messages import message, request_locale
from .present import jsonable, outcome_json
from .storage import MemberExists, PoolExhausted, PostgresPool, Store, open_store

__all__ = ["NewMember", "create_app", "parse_as_of"]

DEFAULT_DATABASE_URL = "sqlite:///memberkit.db"
DEFAULT_MAX_BODY_BYTES = 1_000_000
"""A batch of a few thousand events; one event may be at most 1 MB anyway (memberkit's bound)."""
DEFAULT_POOL_SIZE = 10

_LOCALE = r"^[a-z]{2,3}(?:_[A-Za-z0-9]{2,8}){0,3}$"
"""A locale identifier (zh_Hant_TW): letters and digits, so ?locale= never names a path."""


class NewMember(BaseModel):
    """The body of ``POST /members``."""

    model_config = ConfigDict(extra="forbid")

    # No control characters: ids appear in URLs and logs, and PostgreSQL text cannot hold NUL.
    member_id: Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f]+$")]
    joined_at: datetime
    birthday: date | None = None
    birth_year: int | None = Field(
        default=None,
        description="the year the member was born (1990), for conditions on age: with the "
        "birthday's month and day; the birthday's own year is never read as one",
    )
    tags: tuple[str, ...] = ()

    @field_validator("birth_year", mode="before")
    @classmethod
    def _no_truth_value(cls, value: object) -> object:
        # JSON true would read as the year 1; the range (1900 to 2999) is memberkit's.
        if isinstance(value, bool):
            raise ValueError("a birth year is a whole number")
        return value


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


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
}


class _BodyTooLarge(HTTPException):
    """The body grew past the limit while it was read (a client that sent no Content-Length)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit:,} bytes")


class _Guard:
    """Checks every HTTP request before routing: an API key, then the size of the body.

    Pure ASGI, so a request without a valid key is answered 401 before its body is read, and a
    body announced (or found, while streaming) larger than the limit is answered 413.
    """

    def __init__(self, app: ASGIApp, keys: tuple[bytes, ...], max_body: int) -> None:
        self.app = app
        self.keys = keys
        self.max_body = max_body

    def _authorised(self, scope: Scope) -> bool:
        given = b""
        for name, value in scope["headers"]:
            if name == b"authorization" and value[:7].lower() == b"bearer ":
                given = value[7:].strip()
            elif name == b"x-api-key":
                given = value.strip()
        # Compare with every key in constant time, so the time taken tells nothing of a key.
        # (Every key, not up to the first match: a list, not a short-circuiting generator.)
        matches = [hmac.compare_digest(given, key) for key in self.keys]
        return bool(given) and any(matches)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._authorised(scope):
            response = _error(401, {"code": "unauthorized", "message": _UNAUTHORISED})
            response.headers["WWW-Authenticate"] = "Bearer"
            await response(scope, receive, send)
            return
        announced = dict(scope["headers"]).get(b"content-length")
        if announced is not None and (not announced.isdigit() or int(announced) > self.max_body):
            message = f"the request body is larger than {self.max_body:,} bytes"
            await _error(413, {"code": "request_too_large", "message": message})(
                scope, receive, send
            )
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _BodyTooLarge(self.max_body)
            return message

        await self.app(scope, counted, send)


_UNAUTHORISED = "send an API key: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"


def _keys(api_keys: Collection[str] | None) -> tuple[bytes, ...]:
    if api_keys is None:
        api_keys = [k for k in os.environ.get("MEMBERKIT_API_KEYS", "").split(",") if k.strip()]
    keys = tuple(k.strip().encode() for k in api_keys if k.strip())
    if not keys:
        # Authentication is on by default: a service that would accept anyone's +1,000,000 points
        # does not start at all.
        raise RuntimeError(
            "the service needs at least one API key: set MEMBERKIT_API_KEYS (comma-separated) "
            "or pass api_keys to create_app"
        )
    return keys


def _nothing() -> None:
    """Nothing to close (SQLite, or a store factory the caller owns)."""


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def _members(request: Request) -> Iterator[Members]:
    # A store per request, used by this request's thread only; on PostgreSQL its connection is
    # borrowed from the service's pool and given back here.
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
            "Accept-Language, else the programme's)",
            max_length=32,
            pattern=_LOCALE,
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
    api_keys: Collection[str] | None = None,
    max_body_bytes: int | None = None,
    pool_size: int | None = None,
) -> FastAPI:
    """The service for one policy and one database, behind API keys and a request-size limit.

    On PostgreSQL the requests share one pool of at most ``pool_size`` connections; close it with
    ``app.state.close()`` (the application's shutdown does) when the app is dropped.
    """
    keys = _keys(api_keys)
    limit = max_body_bytes or _setting("MEMBERKIT_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)
    if policy is None:
        path = os.environ.get("MEMBERKIT_POLICY")
        policy = memberkit.load_policy(path) if path else _bundled_policy()
    url = database_url or os.environ.get("MEMBERKIT_DATABASE_URL", DEFAULT_DATABASE_URL)
    close: Callable[[], None] = _nothing
    factory: Callable[[], Store]
    if store_factory is not None:
        factory = store_factory
    elif url.startswith(("postgresql://", "postgres://")):
        pool = PostgresPool(
            url, max_size=pool_size or _setting("MEMBERKIT_POOL_SIZE", DEFAULT_POOL_SIZE)
        )
        factory, close = pool.store, pool.close
    else:
        factory = functools.partial(open_store, url)  # SQLite connections are cheap
    chosen: Policy = policy

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        close()

    api = FastAPI(
        title=f"memberkit service: {chosen.info.id}",
        version=memberkit.__version__,
        lifespan=lifespan,
    )
    api.add_middleware(_Guard, keys=keys, max_body=limit)
    api.state.close = close
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

    @api.exception_handler(HTTPException)
    def _http(request: Request, exc: HTTPException) -> JSONResponse:
        # Unknown paths, wrong methods, bodies past the limit: the same JSON shape as the rest.
        code = _STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
        response = _error(exc.status_code, {"code": code, "message": str(exc.detail)})
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @api.exception_handler(PoolExhausted)
    def _busy(request: Request, exc: PoolExhausted) -> JSONResponse:
        message = "every database connection stayed busy; retry shortly"
        response = _error(503, {"code": "busy", "message": message})
        response.headers["Retry-After"] = "1"
        return response

    @api.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug or an outage: JSON like every other answer, with nothing of the internals (the
        # server's log has the traceback).
        message = "an unexpected error on the server; the request may be retried"
        return _error(500, {"code": "internal_error", "message": message})

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
            body.member_id,
            body.joined_at,
            birthday=body.birthday,
            tags=body.tags,
            birth_year=body.birth_year,
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
            "reached_by": decision.reached_by,
            "figures": jsonable(decision.figures),
            # An upgrade judged but not yet in force (policy upgrade: {effective: ...}).
            "upgrade_tier": decision.upgrade_tier,
            "upgrade_at": jsonable(decision.upgrade_at),
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
