"""The programme section of a policy and the compiled facts every part reads from it."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from ._money import currency_exponent
from ._reasons import LocalizedText

if TYPE_CHECKING:
    from ._figures import CompiledFigure

__all__ = [
    "IDENT_PATTERN",
    "LOCALES",
    "Name",
    "ProgramInfo",
    "ProgramSection",
    "localized",
    "to_local",
]

LOCALES = ("en", "zh_Hans", "zh_Hant")
"""Locales memberkit ships message catalogues for; names may be given in any locale id."""

# The quote needs no escape in a class; written bare, the pattern is also valid ECMA-262 with the
# u flag, which editors (yaml-language-server) use to check the JSON Schema's patterns.
IDENT_PATTERN = r"""^[^\s\[\]"'.]+$"""
"""What an id may be: no spaces, dots, quotes or brackets (they would break policy paths)."""

Ident = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=IDENT_PATTERN)]


def _name(value: object) -> object:
    # A bare string is a name in the programme's default locale; written "" it is kept so the
    # empty-name check reports it.
    if isinstance(value, str):
        return {"_": value}
    return value


_LOCALE_PATTERN = r"^(_|[a-z]{2,3}(_[A-Za-z0-9]+)*)$"

_NameMapping = Mapping[
    Annotated[str, StringConstraints(pattern=_LOCALE_PATTERN)],
    Annotated[str, StringConstraints(min_length=1)],
]

# Written out rather than derived, so the mapping form is closed (a key that is not a locale id
# is refused by the loader, so the schema refuses it too).
_NAME_SCHEMA: dict[str, object] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "patternProperties": {_LOCALE_PATTERN: {"type": "string", "minLength": 1}},
            "additionalProperties": False,
        },
    ]
}

Name = Annotated[_NameMapping, BeforeValidator(_name), WithJsonSchema(_NAME_SCHEMA)]
"""A display name: a plain string, or a mapping of locale id to text (``{zh_Hans: 金卡, en: Gold}``)."""


def localized(name: Mapping[str, str] | None, default_locale: str, fallback: str) -> LocalizedText:
    """Turn a policy name into LocalizedText; a bare string belongs to the default locale."""
    if not name:
        return LocalizedText({default_locale: fallback}, default_locale)
    texts = {(default_locale if k == "_" else k): v for k, v in name.items()}
    return LocalizedText(texts, default_locale)


class ProgramSection(BaseModel):
    """Who the programme is: its id, names, money, clock and language."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    id: Ident
    """the programme's id, e.g. ``acme``; states and explanations carry it"""
    name: Name | None = None
    """the programme's display name: text, or a mapping of locale to text"""
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(
        description="ISO 4217 code of the money members spend, e.g. CNY, USD, JPY"
    )
    timezone: str = Field(
        description="IANA zone where calendar questions are answered, e.g. Asia/Shanghai"
    )
    locale: str = Field(default="en", description="default locale of names and explanations")
    notice_days: Annotated[int, Field(ge=0, le=3650)] = Field(
        default=0,
        description="days of notice a change that takes something from members needs (权益调整提前公示)",
    )
    leap_birthday: Literal["feb28", "mar1"] = Field(
        default="feb28",
        description="where a 29 Feb birthday falls in a common year",
    )
    lateness_days: Annotated[int, Field(ge=0, le=366)] = Field(
        default=0,
        examples=[2],
        description=(
            "how many days late an event may arrive and still be applied as if it had come in "
            "order (a till that syncs hours late); 0 refuses every event older than the "
            "member's last one. Late events go through `memberkit.apply_late`"
        ),
    )
    refund_days: Annotated[int, Field(ge=1, le=36600)] | None = Field(
        default=None,
        examples=[365],
        description=(
            "how many days after an order a refund of it is accepted (and after a redemption, "
            "its cancel); later ones are refused. With it the member state stays small: orders, "
            "refund detail and event ids older than this (and than what the policy's windows "
            "read) are folded into totals. Omitted: every order stays refundable and the state "
            "keeps the whole history"
        ),
    )
    refund_spread: Literal["pro_rata", "last_lines_first"] = Field(
        default="pro_rata",
        examples=["last_lines_first"],
        description=(
            "how a refund by amount (a refund event giving `amount`, not lines) is spread over "
            "the order's lines: `pro_rata` (in proportion to what is still paid for each line, "
            "to the fen, the units lost to rounding going to the largest remainders) or "
            "`last_lines_first` (the order's last line first, then the one before it)"
        ),
    )
    journal_days: Annotated[int, Field(ge=1, le=36600)] | None = Field(
        default=None,
        examples=[730],
        description=(
            "how many days journal lines are kept line by line before they are summed per "
            "currency and kind (the state keeps longer what the policy reads: a year for yearly "
            "transfer limits, the refund horizon, the tier window). Omitted: kept for good"
        ),
    )
    time_basis: Literal["days", "instants"] = Field(
        default="days",
        examples=["instants"],
        description=(
            "how time-counted rules are cut: `days` (rolling qualification windows and "
            "inactivity deadlines are whole days in the programme's timezone, as programmes "
            "state them: points are valid through the deadline day) or `instants` (counted to "
            "the exact moment of the event)"
        ),
    )


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    """The compiled programme facts: currency precision and timezone resolved once."""

    id: str
    name: LocalizedText
    currency: str
    currency_decimals: int
    tz: tzinfo
    timezone: str
    locale: str
    notice_days: int
    leap_birthday: Literal["feb28", "mar1"] = "feb28"
    time_basis: Literal["days", "instants"] = "days"
    lateness_days: int = 0
    refund_days: int | None = None
    journal_days: int | None = None
    refund_spread: Literal["pro_rata", "last_lines_first"] = "pro_rata"
    figures: tuple[CompiledFigure, ...] = ()
    """The policy's figures (``figures:``), which member conditions read as ``figure.<name>``."""

    @classmethod
    def from_section(cls, section: ProgramSection) -> ProgramInfo:
        """Resolve a validated programme section (timezone and currency already checked)."""
        return cls(
            id=section.id,
            name=localized(section.name, section.locale, section.id),
            currency=section.currency,
            currency_decimals=currency_exponent(section.currency),
            tz=ZoneInfo(section.timezone),
            timezone=section.timezone,
            locale=section.locale,
            notice_days=section.notice_days,
            leap_birthday=section.leap_birthday,
            time_basis=section.time_basis,
            lateness_days=section.lateness_days,
            refund_days=section.refund_days,
            journal_days=section.journal_days,
            refund_spread=section.refund_spread,
        )

    def local(self, moment: datetime) -> datetime:
        """The moment on the programme's wall clock."""
        return moment.astimezone(self.tz)

    def local_date(self, moment: datetime) -> date:
        """The calendar date of the moment in the programme's timezone."""
        return moment.astimezone(self.tz).date()


def to_local(moment: datetime, tz: tzinfo) -> datetime:
    """The moment on the wall clock of ``tz``."""
    return moment.astimezone(tz)


@functools.cache
def _zones() -> tuple[str, ...]:
    # Reading the zone database walks the disk (~70 ms); it does not change while we run.
    return tuple(sorted(available_timezones()))


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}")
"""An IANA zone id: Area/Location or Area/Region/Location, never a path."""

_MACHINE_ZONES = frozenset({"localtime", "posixrules", "factory"})
"""Names in the zone database whose meaning depends on the machine (its own setting, its build)."""


def timezone_problem(name: str) -> str | None:
    """Why ``name`` is not a usable IANA timezone, or None when it is."""
    if name.lower() in _MACHINE_ZONES or name.startswith(("posix/", "right/")):
        # The same policy must give the same answers on every server, whatever its clock says.
        return (
            f"timezone '{name}' depends on the machine the policy runs on; "
            "name an IANA zone such as Asia/Shanghai"
        )
    if len(name) > 64 or not _ZONE_NAME.fullmatch(name):
        return f"'{name[:64]}' is not an IANA timezone name such as Asia/Shanghai"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        import difflib

        close = difflib.get_close_matches(name, _zones(), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown timezone '{name}'{hint}"
    return None
