"""Programme versions: later editions of the sections, each in force from its ``effective_from``.

A policy may hold ``versions:``, oldest first. Each version names when it takes effect, when it
was announced to members, and the sections it replaces whole; a section a version does not name
is inherited from the version before it. ``program`` is never versioned: a programme keeps its
id, currency and clock::

    versions:
      - effective_from: 2027-01-01          # local midnight in the programme's timezone
        announced: 2026-11-15
        benefits:
          - {id: birthday-gift, when: {birthday: month}, quota: {count: 1, per: year}}

权益调整提前公示: a version that takes something away from members must take effect at least
``program.notice_days`` after its announcement; ``notice_findings`` flags one that does not.

A version that changes the tiers may say that its tiers decide a member's *review* by a date of
the member's status rather than by the review's moment (``reviews:``, see ``ReviewsSpec``):
upgrades follow the new thresholds from ``effective_from``, while a status that ends before the
cut-off (or a qualification window that began before it) is still reviewed on the rules before::

    versions:
      - effective_from: 2027-01-01
        announced: 2026-09-30
        reviews: {by: status_expiry, from: 2028-03-31}
        changes:
          - {at: tiers.ladder.gold.retain.spend, set: 9000}
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._paths import Finding, Path
from ..benefits._model import BenefitsSection
from ..lifecycle._model import LifecycleSection
from ..points._model import PointsSection
from ..tiers._model import TiersSection, WindowSpec
from ._losses import Loss, losses
from ._renames import RenamesSection, renamed_data

__all__ = [
    "SECTIONS",
    "ChangeSpec",
    "ReviewsSpec",
    "VersionSection",
    "effective_moment",
    "notice_findings",
    "order_findings",
    "replaced_sections",
    "review_findings",
]

SECTIONS = ("tiers", "points", "benefits", "lifecycle")
"""The sections a version may replace, in policy order."""


class ChangeSpec(BaseModel):
    """One change a version makes to the edition before it (see ``changes``)."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    at: str | tuple[str, ...] = Field(
        description=(
            "where to change: a path from a section through mapping keys and list items' ids, "
            "e.g. ``tiers.ladder.gold.qualify.spend`` (or a list of steps when an id holds a dot)"
        )
    )
    set: Any = Field(
        default=None,
        description="the value written there (a new key of a mapping may be set), e.g. ``8000``",
    )
    add: dict[str, Any] | None = Field(
        default=None,
        description=(
            "an item with an id to put into the list at ``at``, e.g. "
            "``{id: diamond, qualify: {spend: 50000}}``"
        ),
    )
    after: str | None = Field(
        default=None,
        description="with ``add``: the id of the item it goes after, e.g. ``platinum``",
    )
    before: str | None = Field(
        default=None, description="with ``add``: the id of the item it goes before, e.g. ``gold``"
    )
    remove: Literal[True] | None = Field(
        default=None, description="``true`` takes the key or the item at ``at`` away, e.g. ``true``"
    )


class ReviewsSpec(BaseModel):
    """Which reviews a version's tiers decide: those of statuses (or windows) from a date on.

    A review is judged by the tiers edition of the newest version in force whose ``reviews``
    admits it (a version without ``reviews`` admits every review from its ``effective_from``):
    ``by: status_expiry`` admits a review whose status under review ends (its last day held; for
    a tier held without a term, the day before the review) on or after ``from``;
    ``by: window_start`` admits a review whose qualification window began on or after ``from``
    (the window the held tier is kept over: its own retain window, else the ladder's). A review not admitted is judged by the edition before, as if the version had not yet come.
    The chosen edition decides the review (its window, retention, downgrade and the term it
    grants); an upgrade, at a review as at any other moment, follows the edition in force, and
    a member on the first tier, with no status to review, is reviewed by it.
    """

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid", populate_by_name=True)

    by: Literal["status_expiry", "window_start"] = Field(
        description=(
            "the date of the member's status that chooses the edition: ``status_expiry`` (the "
            "last day the status under review is held) or ``window_start`` (the first day of "
            "the window the held tier is kept over: its own retain window, else the ladder's), "
            "e.g. status_expiry"
        )
    )
    from_: date | None = Field(
        default=None,
        alias="from",
        description=(
            "the first such date this version's tiers review, YYYY-MM-DD (default: the day "
            "the version takes effect); earlier ones keep the rules before, e.g. 2028-03-31"
        ),
    )


class VersionSection(BaseModel):
    """One later edition of the programme: when it applies, when members were told, what changes."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    effective_from: datetime | date = Field(
        description=(
            "when the version takes effect: a date (local midnight in the programme's timezone) "
            "or a date-time with an offset, e.g. 2027-01-01T00:00:00+08:00"
        )
    )
    announced: date = Field(
        description="the date members were told of the change, YYYY-MM-DD, e.g. 2026-11-15"
    )
    note: str | None = Field(
        default=None,
        description="what changes, for people reading the file, e.g. ``birthday gift for gold only``",
    )
    renames: RenamesSection | None = Field(
        default=None,
        description=(
            "where members go who hold a tier or points currency this version drops, e.g. "
            "``{tiers: {gold: vip}, currencies: {stars: beans}}``"
        ),
    )
    changes: tuple[ChangeSpec, ...] = Field(
        default=(),
        description=(
            "changes to the sections of the edition before, instead of writing a section whole, "
            "e.g. ``[{at: tiers.ladder.gold.qualify.spend, set: 8000}, {at: tiers.ladder, add: "
            "{id: diamond, qualify: {spend: 50000}}, after: platinum}]``"
        ),
    )
    reviews: ReviewsSpec | None = Field(
        default=None,
        description=(
            "which member reviews this version's tiers decide, by a date of the member's "
            "status rather than the review's moment (needs a tiers change in this version), "
            "e.g. ``{by: status_expiry, from: 2028-03-31}``: statuses ending before 31 March "
            "2028 are reviewed on the rules before; upgrades follow this version from "
            "effective_from"
        ),
    )
    tiers: TiersSection | None = None
    """the tiers section from this version on (replaces it whole), written as the top-level ``tiers``, e.g. ``{ladder: [{id: basic}, {id: gold, qualify: {spend: 6000}}]}``"""
    points: PointsSection | None = None
    """the points section from this version on (replaces it whole), written as the top-level ``points``, e.g. ``{earn: [{id: base, per: 1 CNY, points: 2}]}``"""
    benefits: BenefitsSection | None = None
    """the benefits from this version on (replace them whole), written as the top-level ``benefits``, e.g. ``[{id: lounge, tiers: [gold]}]``"""
    lifecycle: LifecycleSection | None = None
    """the lifecycle section from this version on (replaces it whole), written as the top-level ``lifecycle``, e.g. ``{stages: [{id: active}]}``"""

    @field_validator("effective_from", mode="before")
    @classmethod
    def _moment(cls, value: object) -> object:
        # YAML gives a bare date as a date; a date-time stays text and must carry an offset, since
        # a naive time would be read differently on every server.
        if isinstance(value, str) and "T" in value:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a date-time (YYYY-MM-DDTHH:MM:SS+08:00)"
                ) from None
            if moment.tzinfo is None:
                raise ValueError(f"{value!r} has no timezone offset; add one, e.g. +08:00")
            return moment
        if isinstance(value, str):
            # A quoted date is a date too (local midnight), never a naive date-time.
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                # Not a date: the loader's own date message says what is wrong and what to write.
                return value
        return value


def effective_moment(version: VersionSection, tz: tzinfo) -> datetime:
    """The aware moment the version takes effect (a date means local midnight in ``tz``)."""
    value = version.effective_from
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=tz)


def replaced_sections(version: VersionSection) -> tuple[str, ...]:
    """The sections this version writes out (and so replaces), in policy order."""
    return tuple(name for name in SECTIONS if name in version.model_fields_set)


def order_findings(versions: tuple[VersionSection, ...], tz: tzinfo) -> list[Finding]:
    """Versions out of time order, or announced after they take effect."""
    findings: list[Finding] = []
    previous: datetime | None = None
    for index, version in enumerate(versions):
        moment = effective_moment(version, tz)
        where: Path = ("versions", index, "effective_from")
        if previous is not None and moment <= previous:
            findings.append(
                Finding(
                    where,
                    f"versions are listed oldest first; this one takes effect at "
                    f"{moment.isoformat()}, not after the one before it ({previous.isoformat()})",
                    "version_order",
                )
            )
        if version.announced > moment.astimezone(tz).date():
            findings.append(
                Finding(
                    ("versions", index, "announced"),
                    f"announced on {version.announced}, after the version takes effect "
                    f"({moment.astimezone(tz).date()})",
                    "announced_late",
                )
            )
        previous = moment
    return findings


def review_findings(
    versions: tuple[VersionSection, ...], tiers: Sequence[TiersSection | None], tz: tzinfo
) -> list[Finding]:
    """``reviews:`` that has nothing to choose between: refused, each saying what to write.

    ``tiers`` holds the tiers section of every edition, the top level's first.
    """
    findings: list[Finding] = []
    for index, version in enumerate(versions):
        if version.reviews is None:
            continue
        where: Path = ("versions", index, "reviews")
        # Every status reviewed once the version is in force ends on this day or later.
        first_end = (effective_moment(version, tz) - timedelta(microseconds=1)).astimezone(tz)
        since = version.reviews.from_
        before, after = tiers[index], tiers[index + 1]
        if "tiers" not in replaced_sections(version):
            message = (
                "reviews: chooses which tiers edition reviews a member, but this version does "
                "not change the tiers; write the tiers change in this version (changes: [{at: "
                "tiers.ladder.gold.retain.spend, set: 9000}] or tiers: {...}), or drop reviews"
            )
        elif after is None:
            message = (
                "this version removes the tiers section, so no review is left to choose rules "
                "for; drop reviews"
            )
        elif before is None:
            message = (
                "there are no tiers before this version to keep reviewing by; drop reviews "
                "(the tiers start at effective_from)"
            )
        elif dropped := [t.id for t in before.ladder if t.id not in {u.id for u in after.ladder}]:
            # An older edition's review may land a member on any of its tiers: the newer one
            # must still know them.
            message = (
                f"an older edition still reviews some members, and its review may land them on "
                f"{', '.join(map(repr, dropped))}, which this version drops; keep those tiers "
                "here and drop them in a later version (with renames:), or drop reviews"
            )
        elif (
            version.reviews.by == "status_expiry" and since is not None and since < first_end.date()
        ):
            findings.append(
                Finding(
                    (*where, "from"),
                    f"every status reviewed once this version is in force ends on "
                    f"{first_end.date()} or later, so a cut-off of {since} keeps none on the "
                    f"rules before; write a later date (e.g. the first day of the year whose "
                    f"statuses the new rules review), or drop reviews",
                    "bad_reviews",
                )
            )
            continue
        elif version.reviews.by == "window_start" and "lifetime" in (
            before.window.kind,
            after.window.kind,
            *(
                t.window.retain.kind
                for t in (*before.ladder, *after.ladder)
                if t.window is not None and isinstance(t.window.retain, WindowSpec)
            ),
        ):
            # (A review reads the first day of the window the held tier is kept over: a tier's
            # own retain window, else the ladder's.)
            message = "a lifetime window has no first day to choose by; write by: status_expiry"
        else:
            continue
        findings.append(Finding(where, message, "bad_reviews"))
    return findings


def _editions(
    base: dict[str, Any], raw_versions: list[Any], versions: tuple[VersionSection, ...]
) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
    """(version index, sections before, sections after) for every version, as written."""
    current = dict(base)
    for index, version in enumerate(versions):
        raw = raw_versions[index] if index < len(raw_versions) else {}
        after = dict(current)
        for name in replaced_sections(version):
            after[name] = raw.get(name) if isinstance(raw, dict) else None
        yield index, current, after
        current = after


def _bites(version: VersionSection, loss: Loss, starts: date) -> date:
    """The first day ``loss`` can reach a member: a retention under ``reviews:`` waits its ``from``."""
    reviews = version.reviews
    if reviews is None or reviews.from_ is None or loss.path[:1] != ("tiers",):
        return starts
    if "retain" not in loss.path:
        return starts
    return max(starts, reviews.from_)


def notice_findings(
    base: dict[str, Any],
    raw_versions: list[Any],
    versions: tuple[VersionSection, ...],
    tz: tzinfo,
    notice_days: int,
) -> list[Finding]:
    """Versions that take something from members with less than ``notice_days`` of notice.

    ``base`` maps each section name to its data as written at the top level and
    ``raw_versions`` is the ``versions`` list as written: the comparison reads what the author
    wrote (``qualify: {spend: 2000}``), which the validated models keep only in compiled form.
    """
    findings: list[Finding] = []
    for index, before, after in _editions(base, raw_versions, versions):
        version = versions[index]
        starts = effective_moment(version, tz).astimezone(tz).date()
        given = (starts - version.announced).days
        if given >= notice_days:
            continue
        taken: list[Loss] = []
        for name in replaced_sections(version):
            # A renamed tier or currency is compared with what it became, not counted as removed.
            was = renamed_data(before.get(name), version.renames)
            taken += losses(name, was, after.get(name))
        # A stricter retention under ``reviews:`` first decides a review of a status (or a
        # window) dated from its ``from``: the members it reviews were told that long before.
        taken = [
            loss
            for loss in taken
            if (_bites(version, loss, starts) - version.announced).days < notice_days
        ]
        if not taken:
            continue
        earliest = version.announced + timedelta(days=notice_days)
        shown = "; ".join(loss.what for loss in taken[:3])
        more = f" (and {len(taken) - 3} more)" if len(taken) > 3 else ""
        findings.append(
            Finding(
                ("versions", index, "effective_from"),
                f"this version takes something away from members ({shown}{more}) with "
                f"{given} days' notice; the programme requires {notice_days} "
                f"(announced {version.announced}, so effective on {earliest} at the earliest)",
                "short_notice",
            )
        )
    return findings
