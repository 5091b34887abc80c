"""Points: earning, lots and journal, pending, redemption, expiry, extension, reversal, transfer.

``quote_points(policy, state, event)`` says what an event would earn, rule by rule;
``balance(policy, state, as_of)`` what a member holds and when it expires; ``held_lots`` each
lot's expiry; ``expiring(policy, state, as_of, through=day)`` what is about to expire;
``expired(policy, state, since, through)`` what expired; ``redemption_check`` and
``max_redeemable`` whether (and how much) a redemption would go through. Points move through
events applied with ``memberkit.apply``: purchases, refunds, activities, redemptions and their
cancels, transfers and partner exchanges, adjustments and paid expiry extensions
(``points_extension``).
"""

from ._decisions import (
    Balance,
    ExpiredPoints,
    ExpiringPoints,
    HeldLot,
    HeldLots,
    PointsQuote,
    QuoteLine,
    RedemptionCheck,
)
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
from ._query import (
    balance,
    expired,
    expiring,
    held_lots,
    max_redeemable,
    quote_points,
    redemption_check,
)
from ._state import CapUse, Earning, JournalEntry, Lot, PointsState, RedemptionRecord

__all__ = [
    "Balance",
    "CapSpec",
    "CapUse",
    "CurrencySpec",
    "EarnCapSpec",
    "EarnRule",
    "Earning",
    "ExpiredPoints",
    "ExpiringPoints",
    "ExpirySpec",
    "ExtensionCampaign",
    "HeldLot",
    "HeldLots",
    "JournalEntry",
    "Lot",
    "PaidExtensionSpec",
    "PartnerSpec",
    "PointsQuote",
    "PointsSection",
    "PointsState",
    "QuoteLine",
    "RedeemSpec",
    "RedemptionCheck",
    "RedemptionRecord",
    "TransferSpec",
    "balance",
    "expired",
    "expiring",
    "held_lots",
    "max_redeemable",
    "quote_points",
    "redemption_check",
]
