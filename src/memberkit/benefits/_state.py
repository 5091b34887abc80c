"""The benefits part of a member state (frozen; serialised with the rest of the state).

Only the uses are stored. What is left of a quota, what carried over, and whether a benefit is
held are always worked out from the uses and the policy, so a policy change never leaves a stale
counter behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pydantic import ConfigDict, with_config

from .._rows import Rows
from .._state_checks import StateMoment

__all__ = ["BenefitState", "BenefitUseRecord"]


_CLOSED = ConfigDict(defer_build=True, extra="forbid")
"""A stored state with a key memberkit does not know is refused, never read without it."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class BenefitUseRecord:
    """One accepted use of a benefit: which, when, by which event, and how much of a value cap."""

    event_id: str
    benefit: str
    at: StateMoment
    value: Decimal | None = None
    """The money the use declared (what it takes from a value cap); None when not given."""
    keys: tuple[tuple[str, str], ...] = ()
    """The attributes quotas are counted apart by (``(("stay", "R123"),)``), as text."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class BenefitState:
    """What the benefits part remembers about a member: every accepted use, oldest first."""

    uses: Rows[BenefitUseRecord] = ()

    def uses_of(self, benefit_id: str) -> tuple[BenefitUseRecord, ...]:
        """The accepted uses of one benefit, oldest first."""
        return tuple(use for use in self.uses if use.benefit == benefit_id)
