"""The scenario file format (``policy_test.yaml``) and reading it with exact locations.

A scenario file sits beside the policy it tests (``retail.yaml`` + ``retail_test.yaml``; any
``X_test.yaml`` tests ``X.yaml``) or names it with ``policy:`` (relative to the scenario file)::

    memberkit_test: 1
    policy: retail.yaml            # optional
    scenarios:
      - name: 生日礼每年一次
        member: {id: m1, joined: 2026-01-01, birthday: 1990-03-15, tags: [vip]}
        events:                    # the JSON shape memberkit.parse_event takes
          - {type: benefit_use, id: u1, at: "2026-03-02T10:00:00+08:00", benefit: birthday-gift}
        expect:
          - at: 2026-03-10         # a bare date is the end of that day (23:59:59) locally
            benefit: {id: birthday-gift, allowed: false, reason: benefit.quota_used}

Each expectation is checked against the state after every event up to its moment. A date-time
must carry an offset; a bare date is read in the programme's timezone (``joined`` at midnight).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .._compiled_base import did_you_mean_key
from .._errors import EventError, MemberkitError, PolicyError, PolicyIssue
from .._events import Event, parse_event
from .._paths import Path, format_path
from ..policy._load import _DATE_KINDS, date_message
from ..policy._yaml import Located, read_yaml

__all__ = [
    "MARKER",
    "BalanceExpectation",
    "BenefitExpectation",
    "EntitlementsExpectation",
    "Expectation",
    "ExpiringExpectation",
    "LoadedScenarios",
    "Member",
    "OutcomeExpectation",
    "ProgressExpectation",
    "Scenario",
    "ScenarioError",
    "ScenarioFile",
    "StageExpectation",
    "TierExpectation",
    "load_scenarios",
    "parse_scenarios",
    "policy_beside",
]

MARKER = "memberkit_test"
"""The top-level key that marks a YAML file as a memberkit scenario file."""


class ScenarioError(MemberkitError):
    """A scenario file is not valid; ``issues`` lists every problem with its line and column."""

    def __init__(self, issues: list[PolicyIssue]) -> None:
        ordered = tuple(sorted(issues, key=lambda i: (i.source, i.line, i.column, i.path)))
        self.issues = ordered
        super().__init__("\n".join(str(i) for i in ordered) or "invalid scenario file")


def _moment(value: object) -> object:
    # YAML gives a bare date as a date and a date-time as text; text is read here so a naive
    # date-time is refused with a plain message instead of pydantic's.
    if isinstance(value, str) and "T" in value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date-time (YYYY-MM-DDTHH:MM:SS+08:00)") from None
        if parsed.tzinfo is None:
            raise ValueError(f"{value!r} has no timezone offset; add one, e.g. +08:00")
        return parsed
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("the date-time has no timezone offset; add one, e.g. +08:00")
    return value


Moment = Annotated[datetime | date, BeforeValidator(_moment)]
"""A date-time with an offset, or a bare date read in the programme's timezone."""


class _Frozen(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")


class Member(_Frozen):
    """The member a scenario starts from."""

    id: Annotated[str, Field(min_length=1)] = "m1"
    joined: Moment = Field(description="when the member joined; a date means local midnight")
    birthday: date | None = None
    birth_year: Annotated[int, Field(ge=1900, le=2999)] | None = Field(
        default=None, description="the year the member was born, for conditions on age"
    )
    tags: tuple[str, ...] = ()


class BenefitExpectation(_Frozen):
    """What ``check_benefit`` must say of one benefit at the expectation's moment."""

    id: Annotated[str, Field(min_length=1)]
    allowed: bool | None = None
    reason: str | None = Field(default=None, description="a reason code the decision must carry")
    remaining: int | Decimal | None = None
    context: Mapping[str, Any] | None = Field(
        default=None, description="the order or request at hand: {channel: app, category: [x]}"
    )


class EntitlementsExpectation(_Frozen):
    """The benefits ``entitlements`` must list as allowed (exactly these, in any order)."""

    allowed: tuple[str, ...]


class BalanceExpectation(_Frozen):
    """What ``balance`` must say of one points currency (the default one when not named)."""

    currency: str | None = None
    available: int | Decimal | None = None
    pending: int | Decimal | None = None


class ExpiringExpectation(_Frozen):
    """How many points ``expiring`` must find whose last valid day is on or before ``by``."""

    by: date = Field(description="the last valid day to look up to, YYYY-MM-DD")
    points: int | Decimal
    currency: str | None = None


def _tier_form(value: object) -> object:
    # ``tier: gold`` is the common case; the mapping form can also ask for a reason code.
    return {"id": value} if isinstance(value, str) else value


class TierExpectation(_Frozen):
    """The tier ``tier_of`` must name, and optionally a reason code, how it was reached and its
    last valid day (``{id: gold, reached_by: opening, valid_through: 2027-03-31}``)."""

    id: Annotated[str, Field(min_length=1)]
    reason: str | None = None
    reached_by: (
        Literal["earned", "granted", "joined", "lifetime", "opening", "paid", "retained"] | None
    ) = None
    valid_through: date | None = None


class ProgressExpectation(_Frozen):
    """What ``progress`` must say: the next tier, and what one way to it still lacks.

    ``missing`` maps measures to amounts (``{spend: 1200}``); it holds when some path to the next
    tier lacks exactly those amounts of those measures.
    """

    next: str | None = None
    missing: Mapping[str, Decimal] | None = None


class StageExpectation(_Frozen):
    """The lifecycle stage ``lifecycle_stage`` must name (``stage: dormant`` for short)."""

    id: Annotated[str, Field(min_length=1)]
    reason: str | None = None


class OutcomeExpectation(_Frozen):
    """What applying one of the scenario's events did: refused or not, and with which reason."""

    event: Annotated[str, Field(min_length=1)] = Field(description="the event's id")
    refused: bool | None = None
    reason: str | None = Field(default=None, description="a reason code the outcome must carry")


def _many(value: object) -> object:
    return value if isinstance(value, list | tuple) or value is None else [value]


class Expectation(_Frozen):
    """What must hold at one moment; every kind given is checked."""

    at: Moment
    benefit: Annotated[tuple[BenefitExpectation, ...], BeforeValidator(_many)] = ()
    entitlements: EntitlementsExpectation | None = None
    tier: Annotated[TierExpectation | None, BeforeValidator(_tier_form)] = None
    progress: ProgressExpectation | None = None
    balance: Annotated[tuple[BalanceExpectation, ...], BeforeValidator(_many)] = ()
    expiring: Annotated[tuple[ExpiringExpectation, ...], BeforeValidator(_many)] = ()
    stage: Annotated[StageExpectation | None, BeforeValidator(_tier_form)] = None
    outcome: Annotated[tuple[OutcomeExpectation, ...], BeforeValidator(_many)] = ()


class Scenario(_Frozen):
    """A member, their dated events, and what must hold at given moments."""

    name: Annotated[str, Field(min_length=1)]
    member: Member
    events: tuple[Mapping[str, Any], ...] = ()
    expect: Annotated[tuple[Expectation, ...], Field(min_length=1)]


class ScenarioFile(_Frozen):
    """A whole scenario file."""

    memberkit_test: Literal[1] = Field(description="marks the file and its format version")
    policy: str | None = Field(default=None, description="the policy file, relative to this one")
    scenarios: Annotated[tuple[Scenario, ...], Field(min_length=1)]


_CODES = {
    "missing": "missing_key",
    "extra_forbidden": "unknown_key",
    "literal_error": "unknown_value",
    "enum": "unknown_value",
    "too_short": "too_short",
    "string_too_short": "too_short",
    "string_type": "wrong_type",
    "int_type": "wrong_type",
    "int_parsing": "wrong_type",
    "bool_type": "wrong_type",
    "bool_parsing": "wrong_type",
    "dict_type": "wrong_type",
    "list_type": "wrong_type",
    "tuple_type": "wrong_type",
    "model_type": "wrong_type",
    "decimal_parsing": "wrong_type",
    **dict.fromkeys(_DATE_KINDS, "bad_date"),
}
"""The same issue codes a policy's problems use, instead of pydantic's error types."""

_KEYS = sorted(
    {
        name
        for model in (
            ScenarioFile,
            Scenario,
            Member,
            Expectation,
            BenefitExpectation,
            BalanceExpectation,
            ExpiringExpectation,
            TierExpectation,
            ProgressExpectation,
            StageExpectation,
            OutcomeExpectation,
        )
        for name in model.model_fields
    }
)
"""Every key of the format, for 'did you mean' on a misspelt one."""


@dataclass(frozen=True, slots=True)
class LoadedScenarios:
    """A validated scenario file, its events parsed, and where everything was written."""

    source: str
    policy_path: FilePath
    document: ScenarioFile
    events: tuple[tuple[Event, ...], ...]
    """Per scenario, its events in file order."""
    located: Located

    def where(self, path: Path) -> tuple[int, int]:
        """Line and column of ``path`` in the scenario file."""
        mark = self.located.locate(path)
        return mark.line, mark.column


def _issue(
    located: Located, path: Path, message: str, code: str, *, key: bool = False
) -> PolicyIssue:
    mark = located.locate(path, key=key)
    return PolicyIssue(located.source, mark.line, mark.column, format_path(path), message, code)


def _data_path(data: object, loc: tuple[int | str, ...]) -> Path:
    """The data path a pydantic error names, without union and validator tags."""
    path: list[int | str] = []
    node = data
    for part in loc:
        in_map = isinstance(node, Mapping) and part in node
        if in_map or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]  # type: ignore[index]
            path.append(part)
        elif isinstance(node, Mapping) and isinstance(part, str) and part.isidentifier():
            path.append(part)
            node = None
    return tuple(path)


def parse_scenarios(
    text: str | bytes, *, source: str, policy_path: FilePath | None = None
) -> LoadedScenarios:
    """Validate a scenario file's text; raises ScenarioError with every located issue.

    ``policy_path`` overrides where the policy is looked for (else ``policy:`` or the name).
    """
    try:
        located = read_yaml(text, source)
    except PolicyError as exc:
        raise ScenarioError(list(exc.issues)) from None
    try:
        document = ScenarioFile.model_validate(located.data)
    except ValidationError as exc:
        issues = []
        seen: set[tuple[Path, str]] = set()
        errors = exc.errors(include_url=False)
        for err in errors:
            loc = tuple(err["loc"])
            inner = any(
                len(o["loc"]) > len(loc) and tuple(o["loc"][: len(loc)]) == loc for o in errors
            )
            if err["type"] == "too_short" and inner:
                # pydantic also counts a list whose items failed as too short; the items say why.
                continue
            path = _data_path(located.data, loc)
            kind = err["type"]
            code = _CODES.get(kind, "invalid_value")
            message = str(err["msg"]).removeprefix("Value error, ")
            if kind == "missing":
                message = f"required key '{path[-1]}' is missing"
            elif kind == "extra_forbidden":
                hint = did_you_mean_key(str(path[-1]), _KEYS)
                message = f"unknown key '{path[-1]}'{hint}"
            elif kind in _DATE_KINDS:
                # A date-or-date-time fails once per member of the union; say it once, plainly.
                message = date_message(err.get("input"), message)
            else:
                message = message[:1].lower() + message[1:]
            if (path, message) in seen:
                continue
            seen.add((path, message))
            key = kind == "extra_forbidden"
            issues.append(_issue(located, path, message, code, key=key))
        raise ScenarioError(issues) from None
    events: list[tuple[Event, ...]] = []
    issues = []
    for i, scenario in enumerate(document.scenarios):
        parsed: list[Event] = []
        for j, raw in enumerate(scenario.events):
            try:
                parsed.append(parse_event(dict(raw)))
            except EventError as exc:
                where: Path = ("scenarios", i, "events", j)
                for part in exc.field.split(".") if exc.field else ():
                    where = (*where, int(part) if part.isdigit() else part)
                issues.append(_issue(located, where, exc.message, exc.code))
        events.append(tuple(parsed))
    if issues:
        raise ScenarioError(issues)
    here = FilePath(source)
    if policy_path is None:
        if document.policy is not None:
            policy_path = here.parent / document.policy
        else:
            policy_path = policy_beside(here)
    return LoadedScenarios(source, policy_path, document, tuple(events), located)


def policy_beside(scenario: FilePath) -> FilePath:
    """The policy a scenario file tests by its name: ``X_test.yaml`` tests ``X.yaml``."""
    stem = scenario.name.removesuffix(".yaml").removesuffix(".yml")
    return scenario.with_name(stem.removesuffix("_test") + ".yaml")


def load_scenarios(path: str | FilePath) -> LoadedScenarios:
    """Read and validate the scenario file at ``path``; raises ScenarioError when it is invalid."""
    source = str(path)
    try:
        raw = FilePath(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ScenarioError(
            [PolicyIssue(source, 0, 0, "", f"cannot read the file: {reason}", "io")]
        ) from None
    return parse_scenarios(raw, source=source)
