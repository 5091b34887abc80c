"""``memberkit explain POLICY --state STATE.json --as-of DATE``: why a member stands where they do.

For support staff: the tier held and what the next one needs, each points balance with its expiry
schedule, every benefit allowed or not, and the lifecycle stage, each with its reasons rendered
in ``--locale`` (the programme's own by default).

A member state does not record which programme it belongs to, so a state from another programme
is recognised by what it holds: a tier, a points currency, a benefit or an order currency that no
version of the policy declares. Such a state is refused (exit 1) and each stranger is named,
rather than explained as if it belonged here.
Exit codes: 0 explained, 1 the policy or state is invalid (or of another programme), 2 usage.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path as FilePath
from typing import Any, TextIO

from .._agenda import check_as_of
from .._compiled import CompiledProgram, Policy
from .._errors import MemberkitError, PolicyError
from .._reasons import Reason
from .._state import MemberState, state_from_json
from ..benefits import entitlements
from ..lifecycle import lifecycle_stage
from ..points import balance
from ..policy import load_policy
from ..testing._kinds import plain
from ..tiers import progress, tier_of
from ._demo import _pad, _width
from ._diff import parse_as_of
from ._options import add_locale_option, chosen_locale
from ._words import say

__all__ = ["add_explain_parser", "run_explain", "strangers"]

OK, FINDINGS, USAGE = 0, 1, 2


def add_explain_parser(sub: Any) -> None:
    """Register the explain subcommand."""
    explain = sub.add_parser(
        "explain",
        help="explain a member's tier, points and benefits",
        description="Explain a member's tier, points, benefits and lifecycle stage at a moment, "
        "with the reasons, for support staff. A state holding tiers, points currencies, benefits "
        "or an order currency the policy does not know is refused as another programme's.",
    )
    explain.add_argument("policy", metavar="POLICY", help="the policy file of the programme")
    explain.add_argument(
        "--state",
        required=True,
        metavar="STATE.json",
        help="the member state as memberkit.state_to_json wrote it",
    )
    explain.add_argument(
        "--as-of",
        dest="as_of",
        required=True,
        metavar="DATE",
        help="the moment asked about: a date (end of that day, programme timezone) or a "
        "date-time with an offset",
    )
    add_locale_option(explain)
    explain.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default) or json with codes and policy paths",
    )


def _tier_name(program: CompiledProgram, tier: str | None) -> object:
    """A tier's display name (its id when the policy gives none, a dash for no tier)."""
    if tier is None:
        return None
    found = program.tiers.by_id.get(tier) if program.tiers is not None else None
    return found.name if found is not None else tier


def strangers(policy: Policy, state: MemberState) -> list[str]:
    """What the state holds that no version of the policy declares, each as a short phrase."""
    tiers: set[str] = set()
    currencies: set[str] = set()
    benefits: set[str] = set()
    for program in policy.versions:
        if program.tiers is not None:
            tiers |= set(program.tiers.by_id)
        if program.points is not None:
            currencies |= set(program.points.by_id)
        if program.benefits is not None:
            benefits |= set(program.benefits.by_id)
    held_tiers = {c.tier for c in (*state.tiers.history, *state.tiers.earned)}
    held_tiers |= {g.tier for g in state.tiers.grants}
    held_currencies = {lot.currency for lot in state.points.lots}
    held_currencies |= {entry.currency for entry in state.points.journal}
    used = {use.benefit for use in state.benefits.uses}
    paid_in = {order.currency for order in state.orders}
    found = [f"tier '{t}'" for t in sorted(held_tiers - tiers)]
    found += [f"points currency '{c}'" for c in sorted(held_currencies - currencies)]
    found += [f"benefit '{b}'" for b in sorted(used - benefits)]
    found += [
        f"orders paid in {c} (the programme's currency is {policy.info.currency})"
        for c in sorted(paid_in - {policy.info.currency})
    ]
    return found


def _reasons(reasons: tuple[Reason, ...]) -> list[dict[str, object]]:
    return [{"code": r.code, "path": r.path} for r in reasons]


def run_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Explain the member's standing at ``--as-of``; returns the exit code."""
    try:
        policy = load_policy(args.policy)
    except PolicyError as exc:
        for issue in exc.issues:
            err.write(f"{issue}\n")
        return FINDINGS
    try:
        raw = FilePath(args.state).read_bytes()
    except OSError as exc:
        err.write(f"memberkit explain: cannot read {args.state}: {exc.strerror or exc}\n")
        return USAGE
    try:
        as_of = parse_as_of(args.as_of, policy.info.tz)
    except ValueError as exc:
        err.write(f"memberkit explain: --as-of {args.as_of!r}: {exc}\n")
        return USAGE
    try:
        state = state_from_json(raw)
    except MemberkitError as exc:
        err.write(f"memberkit explain: {args.state}: {exc}\n")
        return FINDINGS
    foreign = strangers(policy, state)
    if foreign:
        err.write(
            f"memberkit explain: {args.state} is not a state of programme '{policy.info.id}' "
            f"({policy.source}): it holds {', '.join(foreign)}, which the policy does not declare\n"
        )
        return FINDINGS
    try:
        # A state answers from its last event on (docs/time.md); an earlier --as-of is refused
        # here, once, rather than answered from later holdings.
        check_as_of(state, as_of, "--as-of")
    except MemberkitError as exc:
        err.write(f"memberkit explain: {exc}\n")
        return USAGE
    program = policy.at(as_of)
    locale = chosen_locale(args.locale, program.info.locale, err, "explain")
    data: dict[str, Any] = {
        "member": state.member_id,
        "as_of": as_of.isoformat(),
        "locale": locale,
        "tier": state.tiers.tier_at(as_of),
        "points": {},
        "benefits": [],
    }
    lines = [
        say(
            locale,
            "report.explain.header",
            member=state.member_id,
            as_of=as_of,
            programme=program.info.name,
            source=policy.source,
        )
    ]
    if program.tiers is not None:
        held_tier = tier_of(policy, state, as_of)
        ahead = progress(policy, state, as_of)
        data["tier"] = held_tier.tier
        data["tier_explanation"] = held_tier.explain(locale)
        data["tier_reasons"] = _reasons(held_tier.reasons)
        data["progress"] = {
            "next": ahead.next_tier,
            "paths": [
                [{"measure": n.measure, "missing": plain(n.missing)} for n in way.needs]
                for way in ahead.paths
            ],
            "explanation": ahead.explain(locale),
            "reasons": _reasons(ahead.reasons),
        }
        lines.append(say(locale, "report.explain.tier", tier=_tier_name(program, held_tier.tier)))
        lines += [f"  {line}" for line in held_tier.explain(locale).splitlines()]
        lines.append(say(locale, "report.explain.progress"))
        lines += [f"  {line}" for line in ahead.explain(locale).splitlines()]
    else:
        lines.append(say(locale, "report.explain.tier", tier=data["tier"]))
    if program.points is not None:
        # The currencies of the edition in force: a version may rename them.
        named = tuple(program.points.by_id) if program.points.section.currencies else ()
        for currency in named or (None,):
            held = balance(policy, state, as_of, currency)
            data["points"][held.currency] = {
                "available": plain(held.available),
                "pending": plain(held.pending),
                "schedule": [[d.isoformat(), plain(p)] for d, p in held.schedule],
                "explanation": held.explain(locale),
                "reasons": _reasons(held.reasons),
            }
            spec = program.points.by_id.get(held.currency)
            lines.append(
                say(
                    locale,
                    "report.explain.points",
                    currency=spec.name if spec is not None else held.currency,
                )
            )
            lines += [f"  {line}" for line in held.explain(locale).splitlines()]
    if program.benefits is not None:
        found = entitlements(policy, state, as_of)
        lines.append(say(locale, "report.explain.benefits"))
        marks = {
            True: say(locale, "report.explain.allowed"),
            False: say(locale, "report.explain.not_allowed"),
        }
        wide = max(_width(m) for m in marks.values())
        for item in found.items:
            mark = _pad(marks[item.allowed], wide)
            text = item.explain(locale).replace("\n", " ")
            name = item.name.get(locale)
            # Explanations name the benefit first; one that does not is prefixed with its name.
            shown = text if text.startswith(name) else f"{name}: {text}"
            lines.append(f"  [{mark}] {shown}")
            data["benefits"].append(
                {
                    "id": item.benefit_id,
                    "allowed": item.allowed,
                    "remaining": plain(item.remaining),
                    "explanation": item.explain(locale),
                    "reasons": _reasons(item.reasons),
                }
            )
    if program.lifecycle is not None:
        stage = lifecycle_stage(policy, state, as_of)
        data["stage"] = {
            "id": stage.stage,
            "path": stage.path,
            "explanation": stage.explain(locale),
            "reasons": _reasons(stage.reasons),
        }
        stage_name = stage.name.get(locale) if stage.name is not None else stage.stage
        lines.append(say(locale, "report.explain.stage", stage=stage_name))
        lines += [f"  {line}" for line in stage.explain(locale).splitlines()]
    if args.format == "json":
        out.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    else:
        out.write("\n".join(lines) + "\n")
    return OK
