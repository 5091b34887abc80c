"""What the engine hands each part while applying one event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ._compiled import CompiledProgram
from ._events import Event
from ._reasons import Reason
from ._state import MemberState

__all__ = ["ApplyContext", "Capture", "RefundedLine", "Refused"]


@dataclass(frozen=True, slots=True)
class RefundedLine:
    """What one refund took back from one line: units and money."""

    line_id: str
    quantity: int
    amount: Decimal
    whole_line: bool
    """True when no units of the line remain after this refund."""


@dataclass(slots=True)
class Capture:
    """What the points part booked while applying an event, for a quote that books nothing.

    A quote runs ``apply`` itself with a capture and throws the new state away, so the quote
    and the booking are one computation and can never disagree.
    """

    contributions: list[Any] = field(default_factory=list)
    """The earning contributions booked, in booking order (``points._earn.Contribution``)."""
    skipped: list[Reason] = field(default_factory=list)
    """Why rules that could have earned did not (outside a campaign, over a cap, ...)."""


@dataclass(frozen=True, slots=True)
class ApplyContext:
    """One event being applied: the version in force, local time, and what the core worked out."""

    program: CompiledProgram
    event: Event
    local_at: datetime
    """The event's time on the programme's wall clock."""
    before: MemberState
    """The state before this event (after time-driven changes up to the event were applied)."""
    refunded: tuple[RefundedLine, ...] = ()
    """For a refund: what it took back from each line (computed by the core)."""
    capture: Capture | None = None
    """Set when the event is only quoted: the points part records what it books here."""


class Refused(Exception):  # noqa: N818 - a business outcome carried out of a part, not an error
    """Raised inside a part to refuse an event as a business outcome (not enough points, ...).

    The engine catches it: the member state stays as it was, the event id is not recorded (so
    the same request may be retried later), and the outcome is ``refused`` with these reasons.
    """

    def __init__(self, *reasons: Reason) -> None:
        super().__init__(", ".join(r.code for r in reasons))
        self.reasons = reasons
