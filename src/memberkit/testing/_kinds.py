"""Expectation kinds: each asks one public query and compares its answer with what was expected.

A kind reads the member state only through the public query functions (``check_benefit``,
``entitlements``, ...), so a scenario tests exactly what a host application would see. Every
check keeps the decision's reasons (for coverage) and its explanation (for failure output).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .._compiled import Policy
from .._engine import Outcome
from .._errors import MemberkitError
from .._paths import Path
from .._reasons import Reason
from .._state import MemberState
from ..benefits import check_benefit, entitlements
from ..lifecycle import lifecycle_stage
from ..points import balance, expiring
from ..tiers import progress, tier_of
from ._coverage import stage_path, version_index
from ._scenario import (
    BalanceExpectation,
    BenefitExpectation,
    EntitlementsExpectation,
    Expectation,
    ExpiringExpectation,
    OutcomeExpectation,
    ProgressExpectation,
    StageExpectation,
    TierExpectation,
)

__all__ = ["KINDS", "CheckResult", "outcome_checks", "plain", "run_checks"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One expectation kind checked at one moment: what was expected, what came out, and why."""

    kind: str
    subject: str
    at: datetime
    expected: Mapping[str, object]
    actual: Mapping[str, object]
    passed: bool
    explanation: str
    reasons: tuple[Reason, ...]
    path: Path
    """Where the expectation is written in the scenario file."""
    line: int = 0
    column: int = 0
    rules: tuple[str, ...] = ()
    """Policy paths of rules the decision used beyond its reasons' paths (a default stage)."""


def plain(value: object) -> object:
    """A value as JSON-ready data: Decimals and dates as text, tuples as lists."""
    if isinstance(value, Decimal):
        # 20.00 and 20 are the same amount; write it without an exponent (never "2E+1").
        return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return plain(dump(mode="json", exclude_none=True))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _same(expected: object, actual: object) -> bool:
    if isinstance(expected, int | Decimal) and isinstance(actual, int | Decimal):
        return Decimal(expected) == Decimal(actual)
    return expected == actual


Kind = Callable[[Policy, MemberState, datetime, Any, Path, str], list[CheckResult]]


def _benefit(
    policy: Policy,
    state: MemberState,
    at: datetime,
    specs: tuple[BenefitExpectation, ...],
    path: Path,
    locale: str,
) -> list[CheckResult]:
    out: list[CheckResult] = []
    for index, spec in enumerate(specs):
        where = (*path, index) if len(specs) > 1 else path
        decision = check_benefit(policy, state, spec.id, at, spec.context)
        codes = [r.code for r in decision.reasons]
        expected: dict[str, object] = {}
        actual: dict[str, object] = {}
        ok = True
        if spec.allowed is not None:
            expected["allowed"], actual["allowed"] = spec.allowed, decision.allowed
            ok &= spec.allowed == decision.allowed
        if spec.reason is not None:
            expected["reason"], actual["reasons"] = spec.reason, codes
            ok &= spec.reason in codes
        if spec.remaining is not None:
            expected["remaining"], actual["remaining"] = spec.remaining, decision.remaining
            ok &= decision.remaining is not None and _same(spec.remaining, decision.remaining)
        if not expected:
            # Naming a benefit with nothing else expected asks that it be allowed.
            expected["allowed"], actual["allowed"] = True, decision.allowed
            ok = decision.allowed
        out.append(
            CheckResult(
                "benefit",
                spec.id,
                at,
                {k: plain(v) for k, v in expected.items()},
                {k: plain(v) for k, v in actual.items()},
                ok,
                decision.explain(locale),
                decision.reasons,
                where,
            )
        )
    return out


def _entitlements(
    policy: Policy,
    state: MemberState,
    at: datetime,
    spec: EntitlementsExpectation,
    path: Path,
    locale: str,
) -> list[CheckResult]:
    decision = entitlements(policy, state, at)
    allowed = sorted(decision.allowed)
    wanted = sorted(spec.allowed)
    return [
        CheckResult(
            "entitlements",
            "",
            at,
            {"allowed": wanted},
            {"allowed": allowed},
            wanted == allowed,
            decision.explain(locale),
            decision.reasons,
            path,
        )
    ]


def _balance(
    policy: Policy,
    state: MemberState,
    at: datetime,
    specs: tuple[BalanceExpectation, ...],
    path: Path,
    locale: str,
) -> list[CheckResult]:
    out: list[CheckResult] = []
    for index, spec in enumerate(specs):
        decision = balance(policy, state, at, spec.currency)
        expected: dict[str, object] = {}
        actual: dict[str, object] = {}
        ok = True
        for name in ("available", "pending"):
            wanted = getattr(spec, name)
            if wanted is not None:
                got = getattr(decision, name)
                expected[name], actual[name] = wanted, got
                ok &= _same(wanted, got)
        out.append(
            CheckResult(
                "balance",
                decision.currency,
                at,
                {k: plain(v) for k, v in expected.items()},
                {k: plain(v) for k, v in actual.items()},
                ok,
                decision.explain(locale),
                decision.reasons,
                (*path, index) if len(specs) > 1 else path,
            )
        )
    return out


def _expiring(
    policy: Policy,
    state: MemberState,
    at: datetime,
    specs: tuple[ExpiringExpectation, ...],
    path: Path,
    locale: str,
) -> list[CheckResult]:
    out: list[CheckResult] = []
    today = policy.at(at).info.local_date(at)
    for index, spec in enumerate(specs):
        # The query looks whole days ahead; points whose last valid day is after ``by`` are
        # left out, so "expiring by 31 Dec" means exactly what a reminder would say.
        window = max((spec.by - today).days + 1, 0)
        decision = expiring(policy, state, at, window, spec.currency)
        total = sum((p for day, p in decision.items if day <= spec.by), Decimal(0))
        out.append(
            CheckResult(
                "expiring",
                f"{decision.currency} by {spec.by.isoformat()}",
                at,
                {"points": plain(spec.points)},
                {"points": plain(total)},
                _same(spec.points, total),
                decision.explain(locale),
                decision.reasons,
                (*path, index) if len(specs) > 1 else path,
            )
        )
    return out


def _tier(
    policy: Policy,
    state: MemberState,
    at: datetime,
    spec: TierExpectation,
    path: Path,
    locale: str,
) -> list[CheckResult]:
    decision = tier_of(policy, state, at)
    codes = [r.code for r in decision.reasons]
    expected: dict[str, object] = {"tier": spec.id}
    actual: dict[str, object] = {"tier": decision.tier}
    ok = decision.tier == spec.id
    if spec.reason is not None:
        expected["reason"], actual["reasons"] = spec.reason, codes
        ok &= spec.reason in codes
    if spec.reached_by is not None:
        expected["reached_by"], actual["reached_by"] = spec.reached_by, decision.reached_by
        ok &= spec.reached_by == decision.reached_by
    if spec.valid_through is not None:
        expected["valid_through"] = spec.valid_through.isoformat()
        shown = decision.valid_through
        actual["valid_through"] = shown.isoformat() if shown is not None else None
        ok &= spec.valid_through == shown
    return [
        CheckResult(
            "tier", "", at, expected, actual, ok, decision.explain(locale), decision.reasons, path
        )
    ]


def _progress(
    policy: Policy,
    state: MemberState,
    at: datetime,
    spec: ProgressExpectation,
    path: Path,
    locale: str,
) -> list[CheckResult]:
    decision = progress(policy, state, at)
    expected: dict[str, object] = {}
    actual: dict[str, object] = {}
    ok = True
    if spec.next is not None:
        expected["next"], actual["next"] = spec.next, decision.next_tier
        ok &= spec.next == decision.next_tier
    if spec.missing is not None:
        ways = [{n.measure: n.missing for n in way.needs} for way in decision.paths]
        wanted = {k: Decimal(v) for k, v in spec.missing.items()}
        expected["missing"] = plain(wanted)
        actual["missing"] = [plain(w) for w in ways]
        ok &= any({k: w.get(k) for k in wanted} == wanted for w in ways)
    return [
        CheckResult(
            "progress",
            "",
            at,
            expected,
            actual,
            ok,
            decision.explain(locale),
            decision.reasons,
            path,
        )
    ]


def _stage(
    policy: Policy,
    state: MemberState,
    at: datetime,
    spec: StageExpectation,
    path: Path,
    locale: str,
) -> list[CheckResult]:
    decision = lifecycle_stage(policy, state, at)
    codes = [r.code for r in decision.reasons]
    expected: dict[str, object] = {"stage": spec.id}
    actual: dict[str, object] = {"stage": decision.stage}
    ok = decision.stage == spec.id
    if spec.reason is not None:
        expected["reason"], actual["reasons"] = spec.reason, codes
        ok &= spec.reason in codes
    found = (
        stage_path(policy, version_index(policy, at), decision.stage) if decision.stage else None
    )
    return [
        CheckResult(
            "stage",
            "",
            at,
            expected,
            actual,
            ok,
            decision.explain(locale),
            decision.reasons,
            path,
            rules=(found,) if found else (),
        )
    ]


KINDS: dict[str, Kind] = {
    "tier": _tier,
    "progress": _progress,
    "benefit": _benefit,
    "entitlements": _entitlements,
    "balance": _balance,
    "expiring": _expiring,
    "stage": _stage,
}
"""Expectation key → the check it runs, in the order checks are reported."""


def outcome_checks(
    outcomes: Mapping[str, Outcome],
    at: datetime,
    specs: tuple[OutcomeExpectation, ...],
    path: Path,
    locale: str,
) -> list[CheckResult]:
    """Each named event's outcome against what was expected (an event not yet applied fails)."""
    out: list[CheckResult] = []
    for index, spec in enumerate(specs):
        where = (*path, index) if len(specs) > 1 else path
        found = outcomes.get(spec.event)
        expected: dict[str, object] = {}
        if spec.refused is not None:
            expected["refused"] = spec.refused
        if spec.reason is not None:
            expected["reason"] = spec.reason
        if found is None:
            message = f"event {spec.event!r} was not applied by this moment"
            out.append(
                CheckResult(
                    "outcome", spec.event, at, expected, {"error": message}, False, "", (), where
                )
            )
            continue
        codes = [r.code for r in found.reasons]
        actual: dict[str, object] = {"refused": found.refused, "reasons": codes}
        ok = (spec.refused is None or spec.refused == found.refused) and (
            spec.reason is None or spec.reason in codes
        )
        out.append(
            CheckResult(
                "outcome",
                spec.event,
                at,
                expected,
                actual,
                ok,
                found.explain(locale),
                found.reasons,
                where,
            )
        )
    return out


def run_checks(
    policy: Policy,
    state: MemberState,
    at: datetime,
    expectation: Expectation,
    path: Path,
    locale: str,
) -> list[CheckResult]:
    """Every kind the expectation gives, checked at ``at``; a query error fails that check."""
    results: list[CheckResult] = []
    for kind, check in KINDS.items():
        spec = getattr(expectation, kind)
        if spec is None or spec == ():
            continue
        try:
            results += check(policy, state, at, spec, (*path, kind), locale)
        except MemberkitError as exc:
            results.append(
                CheckResult(
                    kind,
                    "",
                    at,
                    {kind: plain(spec)},
                    {"error": str(exc)},
                    False,
                    str(exc),
                    (),
                    path,
                )
            )
    return results
