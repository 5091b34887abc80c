"""What the engine hands each part while applying one event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ._compiled import CompiledProgram
from ._events import Event
from ._reasons import Reason
from ._state import MemberState

__all__ = ["ApplyContext", "RefundedLine", "Refused"]


@dataclass(frozen=True, slots=True)
class RefundedLine:
    """What one refund took back from one line: units and money."""

    line_id: str
    quantity: int
    amount: Decimal
    whole_line: bool
    """True when no units of the line remain after this refund."""


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


class Refused(Exception):  # noqa: N818 - a business outcome carried out of a part, not an error
    """Raised inside a part to refuse an event as a business outcome (not enough points, ...).

    The engine catches it: the member state stays as it was, the event id is not recorded (so
    the same request may be retried later), and the outcome is ``refused`` with these reasons.
    """

    def __init__(self, *reasons: Reason) -> None:
        super().__init__(", ".join(r.code for r in reasons))
        self.reasons = reasons
