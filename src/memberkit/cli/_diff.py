"""``memberkit diff OLD NEW``: what changed between two policies and what it does to members.

With ``--members SAMPLE.jsonl --as-of DATE`` every member of the sample (one JSON object a line:
``id``, ``joined``, ``birthday``, ``birth_year``, ``tags``, ``events``) is replayed under both
policies, streaming.
Exit codes follow diff(1): 0 no difference, 1 differences found, 2 usage or unreadable input.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from datetime import date, datetime, time, tzinfo
from pathlib import Path as FilePath
from typing import Any, TextIO

from .._compiled import Policy
from .._errors import MemberkitError, PolicyError
from .._reasons import LocalizedText
from ..policy import parse_policy
from ..policy._yaml import Located, read_yaml
from ..testing._collect import SampleMember, member_from_data
from ..testing._held import HeldChange, held_changes
from ..testing._impact import Impact, measure
from ..testing._structure import Change, structural_diff
from ._diff_html import diff_html
from ._options import OutputError, add_locale_option, chosen_locale, write_output

__all__ = ["add_diff_parser", "read_sample", "run_diff"]

OK, FINDINGS, USAGE = 0, 1, 2


class SampleError(MemberkitError):
    """A line of the member sample is not a member."""


def add_diff_parser(sub: Any) -> None:
    """Register the diff subcommand."""
    diff = sub.add_parser("diff", help="compare two policies and their impact on a member sample")
    diff.add_argument("old", metavar="OLD.yaml", help="the policy as it is")
    diff.add_argument("new", metavar="NEW.yaml", help="the policy as it would become")
    diff.add_argument(
        "--members",
        metavar="SAMPLE.jsonl",
        default=None,
        help="a member sample, one JSON object a line (id, joined, birthday, birth_year, tags, "
        "events), replayed under both policies (needs --as-of)",
    )
    diff.add_argument(
        "--as-of",
        dest="as_of",
        metavar="DATE",
        default=None,
        help="the moment the sample is judged at: a date (end of that day, programme timezone) "
        "or a date-time with an offset",
    )
    diff.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text (default), json, or html (one self-contained file with charts)",
    )
    diff.add_argument(
        "--output",
        metavar="FILE",
        default=None,
        help="write the report to FILE (its directory must exist) instead of stdout",
    )
    add_locale_option(diff, "locale of the HTML report (default: the new policy's)")


def _load(path: str) -> tuple[Located, Policy]:
    try:
        raw = FilePath(path).read_bytes()
    except OSError as exc:
        raise SampleError(f"cannot read {path}: {exc.strerror or exc}") from None
    return read_yaml(raw, path), parse_policy(raw, source=path)


def parse_as_of(text: str, tz: tzinfo) -> datetime:
    """A date (the end of that day in ``tz``) or a date-time with an offset."""
    if "T" not in text:
        day = date.fromisoformat(text)
        return datetime.combine(day, time(23, 59, 59), tzinfo=tz)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("the date-time has no timezone offset")
    return moment


def read_sample(path: str, tz: tzinfo) -> Iterator[SampleMember]:
    """The members of a JSONL sample, one at a time; a bad line raises SampleError with its number."""
    sample = FilePath(path)
    if not sample.is_file():
        raise SampleError(f"cannot read {path}: no such file")
    with sample.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as exc:
                raise SampleError(f"{path}:{number}: not valid JSON: {exc}") from None
            if not isinstance(data, dict):
                raise SampleError(f"{path}:{number}: a member is a JSON object")
            try:
                yield member_from_data(data, tz)
            except MemberkitError as exc:
                raise SampleError(f"{path}:{number}: {exc}") from None


_PLURAL = {"tier": "tiers", "currency": "currencies"}


def _held_line(change: HeldChange, members: int | None) -> str:
    when = f" from {change.at.isoformat()}" if change.at is not None else ""
    if change.new is not None:
        what = f"renamed  {change.kind} {change.old} → {change.new}{when} ({change.path})"
    else:
        what = (
            f"dropped  {change.kind} {change.old} with no rename ({change.path}): stored states "
            f"holding it will not load; add renames: {{{_PLURAL[change.kind]}: "
            f"{{{change.old}: ...}}}}"
        )
    if members is None:
        return f"  {what}"
    return f"  {what}: held by {members} member{'' if members == 1 else 's'}"


def _text(
    old: str,
    new: str,
    changes: list[Change],
    impact: Impact | None,
    as_of: str,
    held: list[HeldChange],
) -> str:
    lines = [f"memberkit diff {old} → {new}", f"structure: {len(changes)} changes"]
    for c in changes:
        where = f"{c.old_at or '-'} → {c.new_at or '-'}"
        shown = {
            "added": f"{_short(c.new)}",
            "removed": f"{_short(c.old)}",
            "changed": f"{_short(c.old)} → {_short(c.new)}",
        }[c.kind]
        lines.append(f"  {c.kind:<8} {c.path} ({where}): {shown}")
    if held:
        lines.append(f"held by members: {len(held)} renamed or dropped")
        for index, change in enumerate(held):
            lines.append(_held_line(change, impact.held[index] if impact is not None else None))
    if impact is not None:
        lines.append(f"impact on {impact.members} members as of {as_of} ({impact.changed} changed)")
        lines.append(f"  tiers: {impact.tier_up} up, {impact.tier_down} down")
        for m, was, now in impact.tier_up_examples + impact.tier_down_examples:
            lines.append(f"    {m}: {was} → {now}")
        lines.append(
            f"  points per order: {_n(impact.per_order_before)} → {_n(impact.per_order_after)}"
            f" over {impact.orders} orders"
            if impact.orders
            else "  points per order: no orders in the sample"
        )
        lines.append(
            f"  points liability: {_n(impact.liability_before)} → {_n(impact.liability_after)}"
        )
        lines.append("  benefits:" if impact.benefits else "  benefits: no change")
        for bid, b in sorted(impact.benefits.items()):
            detail = ""
            if b.lost_examples:
                detail += f"; lost by {', '.join(b.lost_examples)}"
            if b.gained_examples:
                detail += f"; gained by {', '.join(b.gained_examples)}"
            lines.append(f"    {bid}: {b.gained} gained, {b.lost} lost{detail}")
        lines.append(f"  errors: {impact.errors}")
        for m, msg in impact.error_examples:
            lines.append(f"    {m}: {msg}")
    return "\n".join(lines) + "\n"


def _names(old: Policy, new: Policy, part: str) -> dict[str, LocalizedText]:
    """Display names of the tiers or benefits of both policies (the new one's where both have it)."""
    names: dict[str, LocalizedText] = {}
    for policy in (old, new):
        for program in policy.versions:
            section = getattr(program, part)
            if section is not None:
                names.update({key: item.name for key, item in section.by_id.items()})
    return names


def _n(value: object) -> str:
    from ..testing._kinds import plain

    return str(plain(value))


def _short(value: object) -> str:
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        # A whole rule added or removed is best known by its id; its YAML is at the location.
        return f"id {value['id']}"
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 100 else text[:97] + "..."


def run_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Compare the policies (and measure the sample) and write the report; returns the exit code."""
    if args.output and not FilePath(args.output).parent.is_dir():
        # Said before the sample is replayed, which may take minutes, rather than after.
        parent = FilePath(args.output).parent
        err.write(
            f"memberkit diff: cannot write {args.output}: the directory {parent} does not exist\n"
        )
        return USAGE
    try:
        old_doc, old = _load(args.old)
        new_doc, new = _load(args.new)
    except PolicyError as exc:
        for issue in exc.issues:
            err.write(f"{issue}\n")
        return USAGE
    except SampleError as exc:
        err.write(f"memberkit diff: {exc}\n")
        return USAGE
    changes = structural_diff(old_doc, new_doc)
    held = held_changes(old, new)
    impact: Impact | None = None
    as_of_text = ""
    if args.members is not None:
        if args.as_of is None:
            err.write("memberkit diff: --members needs --as-of DATE\n")
            return USAGE
        try:
            as_of = parse_as_of(args.as_of, old.info.tz)
        except ValueError as exc:
            err.write(f"memberkit diff: --as-of {args.as_of!r}: {exc}\n")
            return USAGE
        as_of_text = as_of.isoformat()
        try:
            impact = measure(old, new, read_sample(args.members, old.info.tz), as_of, held)
        except SampleError as exc:
            err.write(f"memberkit diff: {exc}\n")
            return USAGE
    if args.format == "json":
        data: dict[str, object] = {
            "old": args.old,
            "new": args.new,
            "as_of": as_of_text or None,
            "structure": [c.as_dict() for c in changes],
            "held": [
                c.as_dict(impact.held[i] if impact is not None else None)
                for i, c in enumerate(held)
            ],
            "impact": impact.as_dict() if impact is not None else None,
        }
        report = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    elif args.format == "html":
        report = diff_html(
            args.old,
            args.new,
            datetime.fromisoformat(as_of_text) if as_of_text else None,
            changes,
            impact,
            locale=chosen_locale(args.locale, new.info.locale, err, "diff"),
            tier_names=_names(old, new, "tiers"),
            benefit_names=_names(old, new, "benefits"),
            held=held,
        )
    else:
        report = _text(args.old, args.new, changes, impact, as_of_text, held)
    if args.output:
        try:
            write_output(args.output, report)
        except OutputError as exc:
            err.write(f"memberkit diff: {exc}\n")
            return USAGE
    else:
        out.write(report)
    differs = bool(changes) or bool(held) or (impact is not None and impact.changed > 0)
    return FINDINGS if differs else OK
