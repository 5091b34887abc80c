"""Field types and the standard vocabularies: which names a condition may test, and as what.

A vocabulary maps a field name to its type. Parts combine the standard ones with ``|`` and may add
their own (``EVENT_FIELDS | MEMBER_FIELDS | TIME_FIELDS | {"recency_days": FieldType.NUMBER}``).
The names in ``TIME_FIELDS`` are reserved: they are always computed from the moment of the facts,
whichever vocabulary they appear in, and never read from the supplied values.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType

__all__ = [
    "ATTRIBUTE_PREFIX",
    "CLOSED_VALUES",
    "EVENT_FIELDS",
    "FIGURE_FIELD",
    "FIGURE_PREFIX",
    "MEMBER_FIELDS",
    "MOMENT_FIELDS",
    "ORDERED_TYPES",
    "TIME_FIELDS",
    "FieldType",
    "Vocabulary",
    "type_word",
]


class FieldType(Enum):
    """What a field holds, which decides the literals it accepts and the operators it allows.

    ========  ====================================================  ==========================
    type      literal in the policy                                 operators
    ========  ====================================================  ==========================
    NUMBER    an integer or decimal (never a quoted string)         all
    TEXT      a string (quote codes that look like numbers)          = != in, not in
    TEXT_SET  a string; the field holds a set of them                = (contains), != , in
                                                                    (intersects), not in
                                                                    (disjoint)
    DATE      ``"YYYY-MM-DD"``                                      all
    DATETIME  ISO 8601, ``"2025-11-11T20:00"`` (programme-local      all
              wall time) or with an offset (an instant)
    TIME      ``"HH:MM"`` or ``"HH:MM:SS"``                          all
    WEEKDAY   mon..sun, monday..sunday, 1..7 (ISO), 周一..周日,       all (Monday is lowest)
              星期一..星期日 (周天 and 星期天 for Sunday)
    MONTH     1..12, jan..dec, january..december, 1月..12月          all
    BOOL      true / false                                          = != in, not in
    ANY       custom attributes: typed by the literal written       as for the literal's type
              (number, text or true/false)
    ========  ====================================================  ==========================
    """

    NUMBER = "number"
    TEXT = "text"
    TEXT_SET = "text_set"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    WEEKDAY = "weekday"
    MONTH = "month"
    BOOL = "bool"
    ANY = "any"


Vocabulary = Mapping[str, FieldType]
"""The fields a condition may name, with their types."""

ATTRIBUTE_PREFIX = "attr."
"""Custom attributes are named ``attr.<name>`` and typed by the literal they are compared with."""

FIGURE_PREFIX = "figure."
"""Figures the policy declares (``figures:``) are read as ``figure.<name>``."""

FIGURE_FIELD = "figure.<name>"
"""The vocabulary entry that lets a condition read any ``figure.<name>`` (a number); the loader
checks each name against the policy's ``figures:``."""

ORDERED_TYPES = frozenset(
    {
        FieldType.NUMBER,
        FieldType.DATE,
        FieldType.DATETIME,
        FieldType.TIME,
        FieldType.WEEKDAY,
        FieldType.MONTH,
    }
)
"""Types with an order, so ``<``, ``<=``, ``>``, ``>=`` and ``between`` apply to them."""

EVENT_FIELDS: MappingProxyType[str, FieldType] = MappingProxyType(
    {
        "kind": FieldType.TEXT,
        "amount": FieldType.NUMBER,
        "currency": FieldType.TEXT,
        "category": FieldType.TEXT_SET,
        "sku": FieldType.TEXT_SET,
        "channel": FieldType.TEXT,
        "store": FieldType.TEXT,
        "payment_method": FieldType.TEXT,
        "payment_methods": FieldType.TEXT_SET,
        "tags": FieldType.TEXT_SET,
        "quantity": FieldType.NUMBER,
    }
)
"""Fields of the event being judged (an order, an order line, an activity).

===============  ========  ==============================================================
field            type      meaning
===============  ========  ==============================================================
kind             TEXT      purchase, refund, or the activity kind: sign_up, referral,
                           check_in, review, share...
amount           NUMBER    the amount in the programme's currency (of the line, when a
                           rule is judged per line)
currency         TEXT      ISO 4217 code
category         TEXT_SET  the categories of the order's lines (one for a line)
sku              TEXT_SET  the SKUs of the order's lines (one for a line)
channel          TEXT      app, mini_program, store, web...
store            TEXT      the store code
payment_method   TEXT      the payment method code: of the order when one method paid
                           it, of the tender when a rule is judged per tender's share of
                           a line ('' at order level when several tenders paid)
payment_methods  TEXT_SET  the payment methods of all the order's tenders
tags             TEXT_SET  tags on the event (and on the line)
quantity         NUMBER    units bought
attr.<name>      ANY       a custom attribute of the event, typed by the literal
===============  ========  ==============================================================
"""

MEMBER_FIELDS: MappingProxyType[str, FieldType] = MappingProxyType(
    {
        "tier": FieldType.TEXT_SET,
        "member_tags": FieldType.TEXT_SET,
        "days_since_join": FieldType.NUMBER,
        "joined": FieldType.DATE,
        "tenure_years": FieldType.NUMBER,
        "tenure_months": FieldType.NUMBER,
        "age": FieldType.NUMBER,
        "birthday": FieldType.TEXT_SET,
        "flag": FieldType.TEXT_SET,
        "segment": FieldType.TEXT_SET,
        FIGURE_FIELD: FieldType.NUMBER,
        "tier_reached_by": FieldType.TEXT,
    }
)
"""Fields of the member at the moment.

===============  ========  =============================================================
field            type      meaning
===============  ========  =============================================================
tier             TEXT_SET  the tiers held: the ladder tier in force and any paid tier
                           held alongside it (``tier: gold`` holds for a gold member,
                           ``tier: club`` for a club member whatever their ladder tier)
member_tags      TEXT_SET  tags on the member
days_since_join  NUMBER    whole local days since the member joined
joined           DATE      the local date the member joined
tenure_years     NUMBER    whole years of membership on the local date (the count goes
                           up on each anniversary of joining)
tenure_months    NUMBER    whole months of membership on the local date (joined 31 Jan:
                           one month on 28 Feb)
age              NUMBER    the member's age in whole years on the local date, from the
                           birth year (``birth_year`` of a profile event) and the
                           birthday; unknown (so a comparison is false) without both
birthday         TEXT_SET  which birthday windows the moment falls in, of "day", "week"
                           and "month": ``birthday: month`` means "in the birthday month"
flag             TEXT_SET  the flags in force at the moment (set by a ``flag`` event with
                           an optional validity): ``flag: double_days``
figure.<name>    NUMBER    a figure the policy declares under ``figures:`` (a measure
                           over a window holding the moment, the event judged included):
                           ``figure.orders_this_month: 5``
segment          TEXT_SET  segments the host placed the member in
tier_reached_by  TEXT      how the ladder tier in force was reached: earned (the figures),
                           retained (a review kept it), joined (the base tier since
                           joining), lifetime, granted (a status match or invitation),
                           paid, or opening (carried over by an opening event)
===============  ========  =============================================================
"""

TIME_FIELDS: MappingProxyType[str, FieldType] = MappingProxyType(
    {
        "date": FieldType.DATE,
        "datetime": FieldType.DATETIME,
        "weekday": FieldType.WEEKDAY,
        "time": FieldType.TIME,
        "month": FieldType.MONTH,
        "day": FieldType.NUMBER,
    }
)
"""Fields computed from the moment (already in the programme's timezone), never supplied.

========  ========  =====================================================================
field     type      meaning
========  ========  =====================================================================
date      DATE      the local calendar date
datetime  DATETIME  the moment itself
weekday   WEEKDAY   the local weekday (Monday = 1 ... Sunday = 7)
time      TIME      the local wall-clock time, to the second
month     MONTH     the local month, 1..12
day       NUMBER    the local day of the month, 1..31
========  ========  =====================================================================
"""

CLOSED_VALUES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "birthday": ("day", "week", "month"),
        "tier_reached_by": (
            "earned",
            "granted",
            "joined",
            "lifetime",
            "opening",
            "paid",
            "retained",
        ),
    }
)
"""Text fields whose values are a closed set of words: any other word could never match."""

MOMENT_FIELDS = frozenset(TIME_FIELDS)
"""Reserved names whose value comes from the moment, whatever vocabulary names them."""

_TYPE_WORDS = {
    FieldType.NUMBER: "a number",
    FieldType.TEXT: "text",
    FieldType.TEXT_SET: "text",
    FieldType.DATE: "a date (YYYY-MM-DD)",
    FieldType.DATETIME: "a date and time (YYYY-MM-DDTHH:MM, optionally with an offset)",
    FieldType.TIME: "a time (HH:MM or HH:MM:SS)",
    FieldType.WEEKDAY: "a weekday (mon..sun, 1..7, 周一..周日)",
    FieldType.MONTH: "a month (1..12 or jan..dec)",
    FieldType.BOOL: "true or false",
    FieldType.ANY: "a number, text or true/false",
}


def type_word(field_type: FieldType) -> str:
    """How messages name the literal a field type expects."""
    return _TYPE_WORDS[field_type]
