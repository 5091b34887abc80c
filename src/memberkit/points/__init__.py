"""Points: earning, lots and journal, pending, redemption, expiry, extension, reversal, transfer.

``quote_points(policy, state, purchase)`` says what an order would earn, rule by rule;
``balance(policy, state, as_of)`` what a member holds and when it expires;
``expiring(policy, state, as_of, within_days)`` what is about to expire. Points move through
events applied with ``memberkit.apply``: purchases, refunds, activities, redemptions and their
cancels, transfers and adjustments.
"""

from ._decisions import Balance, ExpiringPoints, PointsQuote, QuoteLine
from ._model import (
    CapSpec,
    CurrencySpec,
    EarnRule,
    ExpirySpec,
    PointsSection,
    RedeemSpec,
    TransferSpec,
)
from ._query import balance, expiring, quote_points
from ._state import CapUse, Earning, JournalEntry, Lot, PointsState, RedemptionRecord

__all__ = [
    "Balance",
    "CapSpec",
    "CapUse",
    "CurrencySpec",
    "EarnRule",
    "Earning",
    "ExpiringPoints",
    "ExpirySpec",
    "JournalEntry",
    "Lot",
    "PointsQuote",
    "PointsSection",
    "PointsState",
    "QuoteLine",
    "RedeemSpec",
    "RedemptionRecord",
    "TransferSpec",
    "balance",
    "expiring",
    "quote_points",
]
