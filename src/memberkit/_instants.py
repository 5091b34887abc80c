"""Moments as instants: every stored moment carries a fixed UTC offset, one object per offset.

Python compares two datetimes by wall clock when they share a tzinfo object and by instant
otherwise. A zone's rules (``ZoneInfo``) make the first wrong in a repeated hour and the second
slow (each comparison asks the zone for its offset). A fixed offset is exact both ways, and one
shared object per offset keeps comparisons on the fast path.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

__all__ = ["fixed_offset"]

_ZONES: dict[timedelta, timezone] = {}


def fixed_offset(moment: datetime) -> datetime:
    """The same instant with a fixed UTC offset (shared per offset) instead of a zone's rules."""
    offset = moment.utcoffset()
    if offset is None:
        return moment
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES.setdefault(offset, UTC if not offset else timezone(offset))
    if moment.tzinfo is zone:
        return moment
    return moment.astimezone(zone)
