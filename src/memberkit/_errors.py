"""The exceptions memberkit raises, all below one root.

::

    MemberkitError
     ├── PolicyError          a policy file or text is not a valid programme; holds every issue
     ├── EventError           an event cannot be applied (bad field, unknown order, ...); names the event id
     │    └── EventConflict   an event id was seen before with different content
     ├── StateError           a stored member state cannot be read back, or holds a tier or
     │                        currency the policy neither has nor renames
     ├── AsOfError            a question about a moment before the state's last event
     └── ModelError           a purchase or spend model cannot use its input (also a ValueError)

Business outcomes (not enough points, not entitled, over quota) are results with reasons, never
exceptions. Exceptions from yaml and pydantic never escape: they are turned into one of the above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._reasons import Reason

__all__ = [
    "AsOfError",
    "EventConflict",
    "EventError",
    "MemberkitError",
    "ModelError",
    "PolicyError",
    "PolicyIssue",
    "StateError",
]


class MemberkitError(Exception):
    """Root of every error memberkit raises on purpose."""


@dataclass(frozen=True, slots=True)
class PolicyIssue:
    """One mistake in a policy, located in its file.

    ``path`` uses the policy path syntax (``tiers.ladder[2].qualify.spend``), the same syntax that
    decision reasons use, so a reason and an error both lead back to a line of YAML. ``line`` and
    ``column`` are 1-based; 0 means the location is unknown (a policy built from data, not text).
    """

    source: str
    line: int
    column: int
    path: str
    message: str
    code: str

    def __str__(self) -> str:
        # Line 0 means no place in the text (the file could not be read at all).
        where = f"{self.source}:{self.line}:{self.column}" if self.line else self.source
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{path} {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        """The issue as a JSON-ready mapping (the shape `memberkit validate --format json` prints)."""
        return {
            "source": self.source,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "code": self.code,
        }


class PolicyError(MemberkitError):
    """A policy is invalid; ``issues`` lists every problem found, sorted by position."""

    def __init__(self, issues: list[PolicyIssue] | tuple[PolicyIssue, ...]) -> None:
        ordered = tuple(sorted(issues, key=lambda i: (i.source, i.line, i.column, i.path, i.code)))
        self.issues: tuple[PolicyIssue, ...] = ordered
        super().__init__("\n".join(str(i) for i in ordered) or "invalid policy")


class EventError(MemberkitError):
    """An event cannot be applied; the member state is left as it was."""

    def __init__(
        self,
        event_id: str,
        message: str,
        *,
        field: str = "",
        code: str = "bad_event",
        reason: Reason | None = None,
    ) -> None:
        self.event_id = event_id
        self.field = field
        self.message = message
        self.code = code
        self.reason = reason
        """The problem as a reason code and parameters, when it has text in every locale."""
        where = f"event {event_id!r}" + (f" {field}" if field else "")
        super().__init__(f"{where}: {message} [{code}]")

    def explain(self, locale: str = "en") -> str:
        """The problem in ``locale`` (English ``message`` when it has no reason code)."""
        if self.reason is None:
            return self.message
        from .i18n import render  # the catalogues import the value types, which import this

        return render(self.reason, locale)


class EventConflict(EventError):  # noqa: N818 - a kind of EventError, named for what happened
    """An event id was applied before with different content: ids must identify one event."""


class StateError(MemberkitError):
    """A member state is malformed, from an unknown format version, or holds a tier or points
    currency the policy neither has nor renames (policy ``renames:``)."""


class AsOfError(MemberkitError):
    """A question about a moment before the member state's last event.

    A state keeps what future decisions need, not the whole history, so it cannot say what the
    member held before its last event; replay the events up to that moment to ask it.
    """

    def __init__(self, message: str, *, as_of: datetime, clock: datetime) -> None:
        super().__init__(message)
        self.as_of = as_of
        self.clock = clock
        self.code = "as_of_before_last_event"


class ModelError(MemberkitError, ValueError):
    """A purchase or spend model cannot use its input: a summary that is not one, parameters out
    of range, a population that cannot be fitted, transactions out of order."""
