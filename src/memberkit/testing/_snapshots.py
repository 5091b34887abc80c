"""Snapshots: an example programme's decisions over a fixed grid of synthetic members and dates.

``scripts/generate_snapshots.py`` writes ``snapshots/<example>.json``; a test checks the committed
files equal a fresh run, so a change to a rule (or to the engine) shows up as a reviewable diff
of decisions, member by member and date by date.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from .._compiled import Policy
from .._errors import MemberkitError
from ..demo._synth import synthetic_members
from ._collect import SampleMember, collect
from ._kinds import plain

__all__ = ["GRID_DATES", "GRID_MEMBERS", "GRID_YEAR", "grid_members", "snapshot"]

GRID_YEAR = 2026
GRID_MEMBERS = 12
GRID_DATES = (date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31))
"""The grid's dates; each is read at the end of the day in the programme's timezone."""


def grid_members(policy: Policy) -> list[SampleMember]:
    """The grid's synthetic members (seeded, so the same on every machine)."""
    info = policy.info
    return [
        SampleMember(m.member_id, m.joined_at, m.birthday, (), m.events)
        for m in synthetic_members(GRID_MEMBERS, year=GRID_YEAR, tz=info.tz, currency=info.currency)
    ]


def snapshot(policy: Policy, name: str) -> dict[str, Any]:
    """Every decision of the programme for every grid member at every grid date, as plain data."""
    tz = policy.info.tz
    members: dict[str, Any] = {}
    for member in grid_members(policy):
        rows: dict[str, Any] = {}
        for day in GRID_DATES:
            as_of = datetime.combine(day, time(23, 59, 59), tzinfo=tz)
            try:
                found = collect(policy, member, as_of)
            except MemberkitError as exc:
                rows[day.isoformat()] = {"error": str(exc)}
                continue
            rows[day.isoformat()] = {
                "decisions": plain(found.decisions),
                "liability": plain(found.liability),
                "refused": found.refused,
            }
        members[member.member_id] = rows
    return {"example": name, "dates": [d.isoformat() for d in GRID_DATES], "members": members}
