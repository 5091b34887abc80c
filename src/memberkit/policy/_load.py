"""From policy text to a compiled Policy: the one place that reads files and YAML.

Every problem is collected and reported at once, each located as ``file:line:col: path: message
[code]``. Stages stop early only when a later stage could not make sense of the input: a file
that is not valid YAML is not validated, and a document with schema errors is not cross-checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path as FilePath
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .._compiled import CompiledProgram, Policy, Renames, ReviewRule
from .._compiled_base import CheckContext, did_you_mean, did_you_mean_key
from .._errors import PolicyError, PolicyIssue
from .._figures import check_figures, compile_figures, conditions_in, figure_references
from .._limits import memberkit_context
from .._money import currency_exponent, is_currency
from .._paths import Finding, Path, format_path
from .._program import IDENT_PATTERN, LOCALES, ProgramInfo, ProgramSection, timezone_problem
from ..benefits._compile import check_benefits, compile_benefits
from ..i18n._catalog import clean_locale
from ..lifecycle._compile import check_lifecycle, compile_lifecycle
from ..points._check import DEFAULT_CURRENCY
from ..points._compile import check_points, compile_points
from ..rules._shared import shared_conditions
from ..tiers._compile import check_tiers, compile_tiers
from ._changes import expand_changes
from ._document import PolicyDocument, shared_schema
from ._ids import declared_ids, declared_tier_names
from ._renames import RenamesSection, removal_findings, rename_findings
from ._versions import (
    SECTIONS,
    effective_moment,
    notice_findings,
    order_findings,
    replaced_sections,
    review_findings,
)
from ._yaml import MAX_BYTES, Located, read_yaml

__all__ = [
    "load_policy",
    "parse_policy",
    "parse_read_policy",
    "rebuild_policy",
    "validate_policy",
]


def load_policy(path: str | FilePath) -> Policy:
    """Read, validate and compile the policy file at ``path``; raises PolicyError with every issue."""
    source = str(path)
    try:
        with FilePath(path).open("rb") as handle:
            # The size is checked before the text is read: a policy path that names a huge file
            # (or a device that never ends) must not fill the memory first. One byte more than
            # the limit is enough to know the limit is passed.
            if os.fstat(handle.fileno()).st_size > MAX_BYTES:
                raw = b""
                too_large = True
            else:
                raw = handle.read(MAX_BYTES + 1)
                too_large = len(raw) > MAX_BYTES
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise PolicyError(
            [PolicyIssue(source, 0, 0, "", f"cannot read the file: {reason}", "io")]
        ) from None
    if too_large:
        message = f"the file is larger than a policy may be ({MAX_BYTES:,} bytes at most)"
        raise PolicyError([PolicyIssue(source, 0, 0, "", message, "too_large")])
    return parse_policy(raw, source=source)


@memberkit_context
def parse_policy(text: str | bytes, *, source: str = "<policy>") -> Policy:
    """Validate and compile a policy given as text; raises PolicyError with every issue."""
    return parse_read_policy(read_yaml(text, source), source)


@memberkit_context
def parse_read_policy(read: Located, source: str) -> Policy:
    """``parse_policy`` of text ``read_yaml`` has already read (``memberkit validate`` reads a
    file once, to learn whether it is a policy, and then checks what it read)."""
    # Equal parts of conditions are parsed and compiled once within the policy.
    with shared_conditions():
        return _parse_read(read, source)


def _parse_read(read: Located, source: str) -> Policy:
    located, changed = expand_changes(read)
    if changed:
        raise PolicyError([_locate(located, f) for f in changed])
    document = _validate(located)
    findings = _check_program(document.program)
    if findings:
        # Parts read the programme's currency and timezone; with those wrong their checks mislead.
        raise PolicyError([_locate(located, f) for f in findings])
    info = ProgramInfo.from_section(document.program)
    ctx = _context(document, info)
    findings = _cross_check(document, ctx)
    editions = [document]
    # Where each section of the edition in force was written: the top level, or a version.
    origin: dict[str, Path] = dict.fromkeys(SECTIONS, ())
    reported = {(f.path, f.code) for f in findings}
    for index, version in enumerate(document.versions):
        replaced = replaced_sections(version)
        edition = editions[-1].model_copy(
            update={name: getattr(version, name) for name in replaced}
        )
        editions.append(edition)
        origin.update(dict.fromkeys(replaced, ("versions", index)))
        for finding in _cross_check(edition, _context(edition, info)):
            path = (*origin.get(str(finding.path[0]) if finding.path else "", ()), *finding.path)
            if (path, finding.code) in reported:
                continue
            reported.add((path, finding.code))
            message = finding.message
            if finding.path and finding.path[0] not in replaced:
                # An inherited rule the version breaks (a benefit naming a tier its ladder drops).
                message = f"in the version from {version.effective_from}: {message}"
            findings.append(Finding(path, message, finding.code))
    findings += order_findings(document.versions, info.tz)
    findings += review_findings(document.versions, [e.tiers for e in editions], info.tz)
    findings += rename_findings(document.renames, ("renames",), None, document)
    for index, version in enumerate(document.versions):
        where: Path = ("versions", index)
        before, after = editions[index], editions[index + 1]
        findings += rename_findings(version.renames, (*where, "renames"), before, after)
        findings += removal_findings(version.renames, where, before, after)
    base = {name: located.data.get(name) for name in SECTIONS}
    raw_versions = located.data.get("versions")
    findings += notice_findings(
        base,
        raw_versions if isinstance(raw_versions, list) else [],
        document.versions,
        info.tz,
        info.notice_days,
    )
    if findings:
        raise PolicyError([_locate(located, f) for f in findings])
    return _compile_policy(document, info, editions, source)


@memberkit_context
def rebuild_policy(source: str, document: PolicyDocument) -> Policy:
    """Compile a document that a ``Policy`` was already built from (how a ``Policy`` unpickles).

    The document was validated and cross-checked when the policy was first loaded, so only the
    compilation runs again: a worker process rebuilds its closures instead of receiving them.
    """
    info = ProgramInfo.from_section(document.program)
    editions = [document]
    for version in document.versions:
        replaced = replaced_sections(version)
        editions.append(
            editions[-1].model_copy(update={name: getattr(version, name) for name in replaced})
        )
    with shared_conditions():
        return _compile_policy(document, info, editions, source)


def _compile_policy(
    document: PolicyDocument, info: ProgramInfo, editions: list[PolicyDocument], source: str
) -> Policy:
    if document.figures:
        # Figures are the whole file's (one declaration for every version); a named measure is
        # the top-level tiers section's.
        measures = document.tiers.measures if document.tiers is not None else None
        info = replace(info, figures=compile_figures(document.figures, info, measures))
    reads = _renames(document.renames)
    compiled = [_compile(document, info, None, Renames(), reads)]
    tiers_since: datetime | None = None
    for version, edition in zip(document.versions, editions[1:], strict=True):
        step = _renames(version.renames)
        reads = reads.then(step)
        moment = effective_moment(version, info.tz)
        if "tiers" in replaced_sections(version):
            tiers_since = moment
        rule = None
        if version.reviews is not None:
            since = version.reviews.from_ or moment.astimezone(info.tz).date()
            rule = ReviewRule(version.reviews.by, since)
        compiled.append(
            replace(
                _compile(edition, info, moment, step, reads),
                tiers_since=tiers_since,
                review_rule=rule,
            )
        )
    return Policy(source=source, document=document, versions=tuple(compiled))


def _renames(section: RenamesSection | None) -> Renames:
    if section is None:
        return Renames()
    return Renames(
        tiers=MappingProxyType(dict(section.tiers)),
        currencies=MappingProxyType(dict(section.currencies)),
    )


def _compile(
    document: PolicyDocument,
    info: ProgramInfo,
    effective_from: datetime | None,
    renames: Renames,
    reads: Renames,
) -> CompiledProgram:
    ctx = _context(document, info)
    return CompiledProgram(
        info=info,
        tiers=compile_tiers(document.tiers, info, ctx) if document.tiers else None,
        points=compile_points(document.points, info, ctx) if document.points else None,
        benefits=compile_benefits(document.benefits, info, ctx) if document.benefits else None,
        lifecycle=compile_lifecycle(document.lifecycle, info, ctx) if document.lifecycle else None,
        effective_from=effective_from,
        renames=renames,
        reads=reads,
    )


def validate_policy(text: str | bytes, *, source: str = "<policy>") -> list[PolicyIssue]:
    """Every issue in a policy text, or an empty list when it is valid."""
    try:
        parse_policy(text, source=source)
    except PolicyError as exc:
        return list(exc.issues)
    return []


def _locate(located: Located, finding: Finding, *, key: bool = False) -> PolicyIssue:
    mark = located.locate(finding.path, key=key)
    return PolicyIssue(
        located.source,
        mark.line,
        mark.column,
        format_path(finding.path),
        finding.message,
        finding.code,
    )


# --- schema validation -------------------------------------------------------------------------


def _validate(located: Located) -> PolicyDocument:
    try:
        return PolicyDocument.model_validate(located.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        issues = _schema_issues(located, errors)
        failed = {str(err["loc"][0]) for err in errors if err["loc"]}
        issues += [_locate(located, f) for f in _beyond_schema(located.data, failed)]
        # A mistake a version's changes inherited is the same mistake at the same place.
        unique: dict[tuple[object, ...], PolicyIssue] = {}
        for issue in issues:
            unique.setdefault((issue.line, issue.column, issue.message, issue.code), issue)
        raise PolicyError(list(unique.values())) from None


def _beyond_schema(data: object, failed: set[str]) -> list[Finding]:
    """The programme checks and the cross-checks of the sections that are valid on their own.

    A file with a schema mistake in one section still has every other mistake reported in the
    same run, rather than one at a time as each is fixed.
    """
    if not isinstance(data, Mapping) or "program" in failed:
        return []
    try:
        program = ProgramSection.model_validate(data.get("program"))
    except ValidationError:
        return []
    findings = _check_program(program)
    if findings:
        return findings
    valid: dict[str, Any] = {}
    for name in SECTIONS:
        if name in failed or data.get(name) is None:
            continue
        try:
            single = PolicyDocument.model_validate(
                {"memberkit": 1, "program": data["program"], name: data[name]}
            )
        except ValidationError:
            continue
        valid[name] = getattr(single, name)
    # A figures section that fails its schema still declares names: references go unchecked.
    known = data.get("figures") is None
    if not known and "figures" not in failed:
        try:
            valid["figures"] = PolicyDocument.model_validate(
                {"memberkit": 1, "program": data["program"], "figures": data["figures"]}
            ).figures
            known = True
        except ValidationError:
            pass
    if not valid:
        return []
    document = PolicyDocument.model_construct(memberkit=1, program=program, versions=(), **valid)
    info = ProgramInfo.from_section(program)
    ids = declared_ids(document)
    # A section that failed still declares its ids as written, so references to them are not
    # reported as unknown.
    for key, more in _written_ids(data, failed).items():
        ids[key] = ids[key] + tuple(i for i in more if i not in ids[key])
    ctx = CheckContext(info=info, tier_names=declared_tier_names(document, info.locale), **ids)
    return _cross_check(document, ctx, figures_known=known)


_ID_PLACES = {
    "tier_ids": (("tiers", "ladder"), ("tiers", "paid")),
    "currency_ids": (("points", "currencies"),),
    "rule_ids": (("points", "earn"),),
    "benefit_ids": (("benefits",),),
    "stage_ids": (("lifecycle", "stages"),),
}


def _written_ids(data: Mapping[str, Any], sections: set[str]) -> dict[str, tuple[str, ...]]:
    """The ids the given sections declare as written, read leniently from the raw data."""
    found: dict[str, tuple[str, ...]] = {}
    for key, places in _ID_PLACES.items():
        ids: list[str] = []
        for place in places:
            if place[0] not in sections:
                continue
            node: object = data
            for step in place:
                node = node.get(step) if isinstance(node, Mapping) else None
            items = node if isinstance(node, list) else []
            ids.extend(
                i["id"] for i in items if isinstance(i, Mapping) and isinstance(i.get("id"), str)
            )
        found[key] = tuple(ids)
    return found


def _real_path(data: object, loc: Sequence[int | str]) -> tuple[Path, bool]:
    """The data path an error location names, without pydantic's union-member tags."""
    path: list[str | int] = []
    node = data
    skipped = False
    for part in loc:
        found = (isinstance(node, Mapping) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if found:
            path.append(part)
            node = node[part]  # type: ignore[index]
        elif isinstance(node, Mapping) and isinstance(part, str) and _is_field_name(part):
            # A missing or extra key: the last element names it even though the data lacks it.
            path.append(part)
            node = None
        else:
            skipped = True
    return tuple(path), skipped


def _is_field_name(part: str) -> bool:
    # pydantic tags union members with their type name (``function-after[...]``, ``TiersSection``);
    # such tags contain characters policy keys never do, or start with a capital for models.
    return not any(ch in part for ch in "[]()-,") and not part[:1].isupper()


def _schema_issues(located: Located, errors: list[ErrorDetails]) -> list[PolicyIssue]:
    grouped: dict[Path, list[tuple[str, str, bool]]] = {}
    order: list[Path] = []
    key_paths: set[Path] = set()
    # pydantic reports a list whose every item was refused as also "too short" (it counts the
    # items that survived validation): the items' own issues say what is wrong.
    deeper = {tuple(err["loc"][:n]) for err in errors for n in range(len(err["loc"]))}
    for err in errors:
        if err["type"] == "too_short" and tuple(err["loc"]) in deeper:
            continue
        path, from_union = _real_path(located.data, err["loc"])
        for finding, at_key in _describe(located, path, err):
            if finding.path not in grouped:
                grouped[finding.path] = []
                order.append(finding.path)
            entry = (finding.message, finding.code, from_union)
            if entry not in grouped[finding.path]:
                grouped[finding.path].append(entry)
            if at_key:
                key_paths.add(finding.path)
    issues: list[PolicyIssue] = []
    for path in order:
        entries = grouped[path]
        union = [e for e in entries if e[2]]
        if len(union) > 1:
            # A value that fits none of several allowed shapes: one issue naming each shape's
            # complaint reads better than one issue per shape on the same line.
            message = "does not match any allowed form: " + "; or ".join(e[0] for e in union)
            entries = [e for e in entries if not e[2]] + [(message, "invalid_value", True)]
        for message, code, _ in entries:
            issues.append(_locate(located, Finding(path, message, code), key=path in key_paths))
    return issues


def _describe(located: Located, path: Path, err: ErrorDetails) -> Iterable[tuple[Finding, bool]]:
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    value = err.get("input")
    if kind == "rules":
        for sub, message, code in ctx.get("findings", []):
            yield Finding(path + tuple(sub), message, code), False
        return
    if kind == "missing":
        yield Finding(path, f"required key '{path[-1]}' is missing", "missing_key"), False
        return
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        name = str(path[-1])
        hint = did_you_mean_key(name, allowed)
        listed = f" (allowed: {', '.join(sorted(allowed))})" if allowed and not hint else ""
        yield Finding(path, f"unknown key '{name}'{hint}{listed}", "unknown_key"), True
        return
    if kind in ("literal_error", "enum") and path == ("memberkit",):
        yield (
            Finding(
                path,
                f"policy format version {value!r} is not supported; this memberkit reads version 1",
                "unsupported_version",
            ),
            False,
        )
        return
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        options = [
            o.strip().strip("'") for o in expected.replace(" or ", ",").split(",") if o.strip()
        ]
        hint = did_you_mean(str(value), options)
        yield Finding(path, f"'{value}' is not one of {expected}{hint}", "unknown_value"), False
        return
    if kind in _DATE_KINDS:
        # A ``date | datetime`` field fails once per member of the union with the same detail;
        # one plain sentence (and no repeated pydantic wording) says what is wrong and the forms.
        yield Finding(path, date_message(value, str(err["msg"])), "bad_date"), False
        return
    if kind == "string_pattern_mismatch":
        plain = _PATTERNS.get(str(ctx.get("pattern", "")))
        if plain:
            yield Finding(path, f"{value!r} {plain}", "bad_format"), False
            return
    message = str(err["msg"])
    message = message[:1].lower() + message[1:]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        message = f"{value!r}: {message}" if not message.startswith("value error") else message
    message = message.removeprefix("value error, ")
    yield Finding(path, message, _CODES.get(kind, "invalid_value")), False


_DATE_KINDS = frozenset(
    {
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "date_parsing",
        "date_type",
        "datetime_from_date_parsing",
        "datetime_parsing",
        "datetime_type",
    }
)


def date_message(value: object, pydantic_message: str) -> str:
    """A date or date-time that could not be read, in plain words with the forms accepted."""
    detail = pydantic_message.partition(", ")[2] if ", " in pydantic_message else ""
    shown = f"{value!r} is" if isinstance(value, str | int | float) else "this is"
    reason = f": {detail}" if detail else ""
    return (
        f"{shown} not a valid date{reason}; write YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS+08:00 "
        "for a moment"
    )


_PATTERNS = {
    IDENT_PATTERN: "is not a valid id: ids may not contain spaces, dots, quotes or brackets",
    r"^[A-Z]{3}$": "is not an ISO 4217 currency code (three capital letters, e.g. CNY, USD)",
}
"""Plain words for the patterns the models use, instead of the regular expression."""

_CODES = {
    "string_type": "wrong_type",
    "int_type": "wrong_type",
    "int_parsing": "wrong_type",
    "decimal_parsing": "wrong_type",
    "decimal_type": "wrong_type",
    "bool_type": "wrong_type",
    "dict_type": "wrong_type",
    "list_type": "wrong_type",
    "tuple_type": "wrong_type",
    "model_type": "wrong_type",
    "mapping_type": "wrong_type",
    "model_attributes_type": "wrong_type",
    "date_from_datetime_parsing": "bad_date",
    "date_parsing": "bad_date",
    "datetime_parsing": "bad_date",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "too_short": "too_short",
    "too_long": "too_long",
    "string_pattern_mismatch": "bad_format",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "decimal_max_places": "too_many_decimals",
    "union_tag_invalid": "unknown_value",
    "value_error": "invalid_value",
}


def _allowed_keys(path: Path) -> set[str]:
    """The keys the schema allows at ``path`` (for 'did you mean' on unknown keys)."""
    schema = shared_schema()
    defs = schema.get("$defs", {})
    nodes: list[dict[str, Any]] = [schema]
    for part in path:
        nxt: list[dict[str, Any]] = []
        for node in _expand(nodes, defs):
            if isinstance(part, int):
                for key in ("items", "prefixItems"):
                    items = node.get(key)
                    if isinstance(items, dict):
                        nxt.append(items)
                    elif isinstance(items, list) and part < len(items):
                        nxt.append(items[part])
            else:
                prop = node.get("properties", {}).get(part)
                if isinstance(prop, dict):
                    nxt.append(prop)
                extra = node.get("additionalProperties")
                if isinstance(extra, dict):
                    nxt.append(extra)
        nodes = nxt
    keys: set[str] = set()
    for node in _expand(nodes, defs):
        keys.update(node.get("properties", {}))
    return keys


def _expand(nodes: list[dict[str, Any]], defs: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = list(nodes)
    seen = 0
    while stack and seen < 200:
        seen += 1
        node = stack.pop()
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = defs.get(ref.rsplit("/", 1)[-1])
            if isinstance(target, dict):
                stack.append(target)
            continue
        for key in ("anyOf", "oneOf", "allOf"):
            stack.extend(sub for sub in node.get(key, []) if isinstance(sub, dict))
        out.append(node)
    return out


# --- cross-field checks --------------------------------------------------------------------------


def _context(document: PolicyDocument, info: ProgramInfo) -> CheckContext:
    ids = declared_ids(document)
    return CheckContext(info=info, tier_names=declared_tier_names(document, info.locale), **ids)


def _cross_check(
    document: PolicyDocument, ctx: CheckContext, *, figures_known: bool = True
) -> list[Finding]:
    findings: list[Finding] = []
    measures = document.tiers.measures if document.tiers is not None else None
    # A points section without currencies has the one default currency.
    currencies = ctx.currency_ids or ((DEFAULT_CURRENCY,) if document.points is not None else ())
    findings += check_figures(document.figures, measures, currencies)
    if figures_known:
        # Figures are declared at the top level; any section's condition may read them.
        sections = ((name, getattr(document, name)) for name in SECTIONS)
        conditions = (
            found
            for name, section in sections
            if section is not None
            for found in conditions_in(section, (name,))
        )
        findings += figure_references(conditions, (document.figures or {}).keys())
    if document.tiers is not None:
        findings += check_tiers(document.tiers, ctx)
    if document.points is not None:
        findings += check_points(document.points, ctx)
    if document.benefits is not None:
        findings += check_benefits(document.benefits, ctx)
    if document.lifecycle is not None:
        findings += check_lifecycle(document.lifecycle, ctx)
    return findings


def _check_program(program: ProgramSection) -> list[Finding]:
    findings: list[Finding] = []
    problem = timezone_problem(program.timezone)
    if problem:
        findings.append(Finding(("program", "timezone"), problem, "unknown_timezone"))
    if not is_currency(program.currency):
        findings.append(
            Finding(
                ("program", "currency"),
                f"unknown ISO 4217 currency '{program.currency}'",
                "unknown_currency",
            )
        )
    else:
        currency_exponent(program.currency)
    locales = [program.locale]
    if program.name:
        locales += [k for k in program.name if k != "_"]
    for locale in locales:
        if not _known_locale(locale):
            hint = did_you_mean(locale, LOCALES)
            path: Path = (
                ("program", "locale") if locale == program.locale else ("program", "name", locale)
            )
            findings.append(Finding(path, f"unknown locale '{locale}'{hint}", "unknown_locale"))
    return findings


def _known_locale(locale: str) -> bool:
    # Locale.parse accepts any well-formed id (zh_Hnas parses as a script nobody has), so the
    # test is whether CLDR has data for it.
    from babel import localedata

    # A well-formed id first: a locale never becomes a file name babel looks up.
    return clean_locale(locale, "") != "" and localedata.exists(locale)
