"""A qualifying measure compiled once, at load time: what it counts, its filter and its units.

The loader compiles measures (for the ladder and for ``figures:``) without the figures over a
window (``_measures``), which read the member state and the events: checking a policy
(``memberkit validate``) never imports those.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Literal

from .._reasons import LocalizedText
from ..rules import Predicate
from ._windows import midnight

if TYPE_CHECKING:
    from .._state import OrderRecord
    from ._model import MeasureSpec

__all__ = ["CompiledMeasure", "Joins", "Posting", "joins_of", "posting_of"]

_MEMO_LIMIT = 4096
"""Filter verdicts kept per measure before the memo starts again (bounds its memory).

Each entry keeps its order record alive. A process replaying members one after another (a batch
worker, the demo) needs only the current member's window; at 65,536 a demo worker kept every
finished member's orders until the memo filled, about 8 KB a member (93 MB at 10,000 members
against 49 MB at 1,000). 4,096 holds a calendar year of an order every two hours."""


@dataclass(frozen=True, slots=True)
class Joins:
    """How records of an activities measure join into one unit (attribute keys without attr.)."""

    same: tuple[str, ...]
    """Attributes two joined records share (the same property)."""
    start: str
    """Where a record starts (check-in): equal to the end of the record it continues."""
    end: str
    """Where a record ends (check-out)."""


@dataclass(frozen=True, slots=True)
class Posting:
    """When an activity's credit posts: ``days`` after it, then to the day's end if stated."""

    days: int
    end_of_day: bool

    def moment(self, at: datetime, tz: tzinfo) -> datetime:
        """The moment a record dated ``at`` posts (never earlier; later records never sooner)."""
        posted = at + timedelta(days=self.days)
        if self.end_of_day:
            local = posted.astimezone(tz).date() + timedelta(days=1)
            return midnight(local, tz)
        return posted


def posting_of(spec: MeasureSpec) -> Posting | None:
    """The compiled ``posts`` of a measure, if it has one."""
    if spec.posts is None:
        return None
    return Posting(spec.posts.days, spec.posts.at == "end_of_day")


def joins_of(spec: MeasureSpec) -> Joins | None:
    """The compiled ``one_unit`` of a measure, if it has one."""
    unit = spec.one_unit
    if unit is None:
        return None
    key = len("attr.")
    return Joins(
        same=tuple(name[key:] for name in unit.same),
        start=unit.back_to_back.from_[key:],
        end=unit.back_to_back.to[key:],
    )


@dataclass(frozen=True, slots=True)
class CompiledMeasure:
    """One measure ready to count: its kind, filter and display name."""

    name: str
    label: LocalizedText
    of: Literal["spend", "orders", "points", "activities", "sum"]
    currency: str | None
    kind: str | None
    field: str | None
    predicate: Predicate | None
    path: str
    unit: Literal["number", "money"] = "number"
    counts_opening_balance: bool = False
    """For a points measure: whether a balance an ``opening`` event brought counts."""
    counts_adjustments: bool = False
    """For a points measure: whether adjustments count as points earned on their day."""
    joins: Joins | None = None
    """For an activities measure: how consecutive records join into one unit."""
    posts: Posting | None = None
    """For a measure of activities: when each record's credit posts (None: at once)."""
    matches: dict[int, tuple[OrderRecord, tzinfo, tuple[bool, ...], bool]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )
    """Memo of the filter's verdict on each order record seen (by identity): its lines, itself."""

    def verdicts(self, order: OrderRecord, tz: tzinfo) -> tuple[tuple[bool, ...], bool]:
        """Whether the filter holds for each line of ``order``, and for the order as a whole.

        The verdict depends only on the (immutable) record and the zone, and a record survives
        unchanged from event to event until refunded, so it is worked out once per record:
        figures asked on every event would otherwise re-judge every order of the window.
        """
        assert self.predicate is not None
        held = self.matches.get(id(order))
        if held is not None and held[0] is order and held[1] is tz:
            return held[2], held[3]
        # The facts read the events and the member state, which a policy check never imports.
        from .._facts import facts_at, line_values, order_values

        local = order.at.astimezone(tz)
        head = order_values(order)
        lines = tuple(self.predicate(facts_at(local, line_values(head, ln))) for ln in order.lines)
        whole = self.predicate(facts_at(local, head))
        if len(self.matches) >= _MEMO_LIMIT:
            self.matches.clear()
        # The record itself is kept beside its verdict, so its id cannot be reused meanwhile.
        self.matches[id(order)] = (order, tz, lines, whole)
        return lines, whole

    @property
    def money(self) -> bool:
        """Whether the figure is an amount of the programme's currency."""
        return self.of == "spend" or self.unit == "money"

    @property
    def whole(self) -> bool:
        """Whether the figure is a count (thresholds are whole numbers)."""
        return self.of in ("orders", "activities")
