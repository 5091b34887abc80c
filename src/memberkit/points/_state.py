"""The points part of a member state: lots, the journal of every movement, and counters.

Balances are always derived from the lots: a lot is spendable from ``available_at`` until
``expires_at`` (both None-able), and holds ``remaining`` points. The journal records every
movement, signed, so the sum of a currency's journal equals what its lots hold minus its debt.

Journal kinds: ``earn`` (a rate or fixed earning rule), ``bonus`` (a multiplier's extra part, or
a tier-upgrade bonus), ``reverse`` (taken back by a refund), ``redeem``, ``redeem_cancel``,
``expire``, ``transfer_out``, ``transfer_in``, ``adjust``, ``opening`` (a balance a member brought
in mid-story opened with), and ``extend``: an expiry
extension (a campaign, one the member paid for, or a tier upgrade) moves no points, so its entry
holds 0 points and names the campaign, the reason, or ``tier_upgrade`` in ``rule``; the lots it
pushed list it in ``extensions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pydantic import ConfigDict, with_config

from .._rows import Rows
from .._state_checks import StateId, StateMoment

__all__ = ["CapUse", "Earning", "JournalEntry", "Lot", "PointsState", "RedemptionRecord"]

Points = int | Decimal


_CLOSED = ConfigDict(defer_build=True, extra="forbid")
"""A stored state with a key memberkit does not know is refused, never read without it."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One movement of points: signed (credits positive, debits negative), with its cause."""

    at: StateMoment
    event_id: str
    currency: str
    kind: str
    """earn, bonus, reverse, redeem, redeem_cancel, expire, transfer_out, transfer_in, adjust,
    extend (0 points: an expiry extension)."""
    points: int | Decimal
    rule: str = ""
    """The earning rule id, reward id or adjustment reason that caused the movement."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class Lot:
    """Points credited together: spendable from ``available_at`` (None: waiting for an event)."""

    id: StateId
    currency: str
    amount: int | Decimal
    remaining: int | Decimal
    earned_at: StateMoment
    available_at: StateMoment | None
    expires_at: StateMoment | None
    """First moment the lot is no longer valid (None: no date; inactivity may still expire it)."""
    source: str
    """The event that credited the lot."""
    expired: bool = False
    extensions: tuple[str, ...] = ()
    """Extension campaigns (their ids) and paid extensions (their event ids) that pushed it."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class Earning:
    """What one rule earned on one line of an order ('' for the order level), and what is left."""

    order: str
    rule: str
    currency: str
    line: str
    points: int | Decimal
    reversed: int | Decimal = 0
    kind: str = "earn"
    tender: str = ""
    """On an order paid by several tenders: the tender whose share of the line earned this."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class CapUse:
    """Cap room one event used for one rule: points and one use (while anything is left)."""

    rule: str
    """The rule id, or ``currency.<id>`` for what the event earned under the member's caps."""
    event_id: str
    at: StateMoment
    points: int | Decimal


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class RedemptionRecord:
    """A redemption, with the points it took from each lot, so a cancel can put them back."""

    id: StateId
    at: StateMoment
    currency: str
    points: int
    taken: tuple[tuple[str, int | Decimal], ...]
    reward: str = ""
    value: Decimal | None = None
    cancelled: bool = False
    until: tuple[StateMoment | None, ...] = ()
    """The expiry each part of ``taken`` had when it was spent (same order). Empty in states
    stored before it was kept: their cancels give points back to the lots as they are."""
    order: str = ""
    """The order the redemption paid towards ('' when it named none)."""


@with_config(_CLOSED)
@dataclass(frozen=True, slots=True)
class PointsState:
    """What the points part remembers; balances are always derived from the lots."""

    journal: Rows[JournalEntry] = ()
    lots: Rows[Lot] = ()
    earnings: Rows[Earning] = ()
    cap_uses: Rows[CapUse] = ()
    """In event time order (the order events are applied in), which cap look-ups rely on."""
    redemptions: Rows[RedemptionRecord] = ()
    debt: tuple[tuple[str, int | Decimal], ...] = ()
    """Points owed per currency (a refund of spent points under ``reversal: negative``)."""
    closed: tuple[tuple[str, StateMoment], ...] = ()
    """Currencies a timed rule closed (``do: {expire: all, close: true}``), with when."""

    def closed_at(self, currency: str) -> datetime | None:
        """When the member's account in ``currency`` was closed (None: it is open)."""
        for cid, at in self.closed:
            if cid == currency:
                return at
        return None

    def debt_of(self, currency: str) -> int | Decimal:
        """What the member owes in ``currency``."""
        for cid, owed in self.debt:
            if cid == currency:
                return owed
        return 0
