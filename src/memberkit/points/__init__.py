"""Points: earning, lots and journal, pending, redemption, expiry, extension, reversal, transfer.

``quote_points(policy, state, purchase)`` says what an order would earn, rule by rule;
``balance(policy, state, as_of)`` what a member holds and when it expires;
``expiring(policy, state, as_of, within_days)`` what is about to expire. Points move through
events applied with ``memberkit.apply``: purchases, refunds, activities, redemptions and their
cancels, transfers and partner exchanges, adjustments and paid expiry extensions
(``points_extension``).
"""

from ._decisions import Balance, ExpiringPoints, PointsQuote, QuoteLine
from ._model import (
    CapSpec,
    CurrencySpec,
    EarnCapSpec,
    EarnRule,
    ExpirySpec,
    ExtensionCampaign,
    PaidExtensionSpec,
    PartnerSpec,
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
    "EarnCapSpec",
    "EarnRule",
    "Earning",
    "ExpiringPoints",
    "ExpirySpec",
    "ExtensionCampaign",
    "JournalEntry",
    "Lot",
    "PaidExtensionSpec",
    "PartnerSpec",
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
