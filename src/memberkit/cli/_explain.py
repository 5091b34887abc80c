"""``memberkit explain POLICY --state STATE.json --as-of DATE``: why a member stands where they do.

For support staff: the tier held and what the next one needs, each points balance with its expiry
schedule, every benefit allowed or not, and the lifecycle stage, each with its reasons rendered in ``--locale`` (the programme's own by default).
Exit codes: 0 explained, 1 the policy or state is invalid, 2 usage.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path as FilePath
from typing import Any, TextIO

from .._agenda import check_as_of
from .._errors import MemberkitError, PolicyError
from .._reasons import Reason
from .._state import state_from_json
from ..benefits import entitlements
from ..lifecycle import lifecycle_stage
from ..points import balance
from ..policy import load_policy
from ..testing._kinds import plain
from ..tiers import progress, tier_of
from ._diff import parse_as_of

__all__ = ["add_explain_parser", "run_explain"]

OK, FINDINGS, USAGE = 0, 1, 2


def add_explain_parser(sub: Any) -> None:
    """Register the explain subcommand."""
    explain = sub.add_parser("explain", help="explain a member's tier, points and benefits")
    explain.add_argument("policy", metavar="POLICY")
    explain.add_argument("--state", required=True, metavar="STATE.json")
    explain.add_argument("--as-of", dest="as_of", required=True, metavar="DATE")
    explain.add_argument("--locale", default=None)
    explain.add_argument("--format", choices=("text", "json"), default="text")


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
    try:
        # A state answers from its last event on (docs/time.md); an earlier --as-of is refused
        # here, once, rather than answered from later holdings.
        check_as_of(state, as_of, "--as-of")
    except MemberkitError as exc:
        err.write(f"memberkit explain: {exc}\n")
        return USAGE
    program = policy.at(as_of)
    locale = args.locale or program.info.locale
    data: dict[str, Any] = {
        "member": state.member_id,
        "as_of": as_of.isoformat(),
        "locale": locale,
        "tier": state.tiers.tier_at(as_of),
        "points": {},
        "benefits": [],
    }
    lines = [
        f"member {state.member_id} as of {as_of.isoformat()} "
        f"({program.info.name.get(locale)}, {policy.source})",
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
        lines.append(f"tier: {held_tier.tier}")
        lines += [f"  {line}" for line in held_tier.explain(locale).splitlines()]
        lines.append("progress:")
        lines += [f"  {line}" for line in ahead.explain(locale).splitlines()]
    else:
        lines.append(f"tier: {data['tier'] or '-'}")
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
            lines.append(f"points ({held.currency}):")
            lines += [f"  {line}" for line in held.explain(locale).splitlines()]
    if program.benefits is not None:
        found = entitlements(policy, state, as_of)
        lines.append("benefits:")
        for item in found.items:
            mark = "yes" if item.allowed else "no "
            text = item.explain(locale).replace("\n", " ")
            lines.append(f"  [{mark}] {item.benefit_id}: {text}")
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
        lines.append(f"stage: {stage.stage or '-'}")
        lines += [f"  {line}" for line in stage.explain(locale).splitlines()]
    if args.format == "json":
        out.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    else:
        out.write("\n".join(lines) + "\n")
    return OK
