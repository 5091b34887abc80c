"""Rendering reasons to text: templates from the catalogues, values formatted by babel."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent

from .._limits import memberkit_context
from .._locales import locale_chain, shipped_locale, warn_if_unknown
from .._money import Money
from .._reasons import LocalizedText, Reason
from ._catalog import catalogue, clean_locale

__all__ = ["explain", "format_value", "render"]

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\|([^|}]*)(?:\|([^}]*))?)?\}")


@lru_cache(maxsize=64)
def _babel_locale(locale: str) -> Locale:
    for probe in (locale, locale.split("_")[0], "en"):
        try:
            return Locale.parse(probe)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale("en")


def _chain(locale: str, default_locale: str) -> tuple[str, ...]:
    """Locales to try, most specific first: zh_TW → zh_Hant_TW → zh_Hant → default → en.

    A locale is a word, never a path: anything that is not a locale identifier is dropped here.
    """
    out: list[str] = []
    cleaned = clean_locale(locale, "")
    chain = (cleaned, *locale_chain(cleaned)) if cleaned else ()
    for probe in (*chain, clean_locale(default_locale), "en"):
        if probe and probe not in out:
            out.append(probe)
    return tuple(out)


def format_value(value: object, locale: str, *, style: str = "") -> str:
    """One parameter as text for ``locale``: money, numbers, dates, names, lists.

    Styles: ``percent``; ``date`` (a moment shown as its day); ``zhe`` (a price multiplier as 折: 0.85 → 85); ``off`` (a multiplier as
    the share taken off: 0.9 → 10%); ``or`` (a list joined with "or"); ``range`` (a pair as a–b).
    """
    locale = clean_locale(locale)
    loc = _babel_locale(locale)
    if isinstance(value, Reason):
        # A reason inside a reason (one way to reach a tier among several) renders in place.
        return render(value, locale)
    if isinstance(value, LocalizedText):
        return value.get(locale)
    if isinstance(value, Money):
        return format_currency(value.amount, value.currency, locale=loc)
    if isinstance(value, bool):
        return _YES_NO.get(loc.language, _YES_NO["en"])[0 if value else 1]
    if isinstance(value, int | Decimal):
        if style == "percent":
            return format_percent(value, locale=loc)
        if style == "zhe":
            return _zhe(Decimal(value))
        if style == "off":
            return format_percent(1 - Decimal(value), format="#,##0.##%", locale=loc)
        return format_decimal(value, locale=loc)
    if isinstance(value, datetime):
        if style == "date":
            # The calendar day of the moment on its own clock (the programme's, as reasons give it).
            return format_date(value.date(), "medium", locale=loc)
        return format_datetime(value, "medium", tzinfo=value.tzinfo, locale=loc)
    if isinstance(value, date):
        return format_date(value, "medium", locale=loc)
    if isinstance(value, tuple | list | frozenset | set):
        items = [format_value(v, locale) for v in value]
        if isinstance(value, frozenset | set):
            items.sort()
        if not items:
            return "—"
        if style == "range" and len(items) == 2:
            return f"{items[0]}–{items[1]}"
        # ``{paths|or}`` joins alternatives with "or" (或); the default joins with "and" (和).
        return format_list(items, style="or" if style == "or" else "standard", locale=loc)
    if value is None:
        return "—"
    return str(value)


_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}


def _zhe(rate: Decimal) -> str:
    """A price multiplier the Chinese way, without the 折: 0.9 → 9, 0.95 → 95, 0.875 → 87.5."""
    tenths = rate * 10
    if tenths == tenths.to_integral_value():
        return str(int(tenths))
    return format(rate * 100, "f").rstrip("0").rstrip(".")


def _singular(noun: str) -> str:
    """An English plural noun made singular for a count of one: points → point, Miles → Mile."""
    if noun.endswith("s") and not noun.endswith(("ss", "us", "is")):
        return noun[:-1]
    return noun


def _plural(value: object) -> bool:
    if isinstance(value, Money):
        return value.amount != 1
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return value != 1
    return True


@memberkit_context
def render(reason: Reason, locale: str, *, default_locale: str = "en") -> str:
    """One reason as a sentence in ``locale`` (with fallback); never raises.

    A locale memberkit ships no text for gives an ``UnknownLocaleWarning`` naming the fallback.
    """
    warn_if_unknown(locale, shipped_locale(default_locale) or "en")
    template = None
    for probe in _chain(locale, default_locale):
        template = catalogue(probe).get(reason.code)
        if template is not None:
            text_locale = probe
            break
    if template is None:
        shown = ", ".join(
            f"{k}={format_value(v, locale)}" for k, v in sorted(reason.params.items())
        )
        return f"{reason.code}({shown})" if shown else reason.code
    return _fill(template, reason.params, text_locale)


def _fill(template: str, params: Mapping[str, object], locale: str) -> str:
    def one(match: re.Match[str]) -> str:
        name, first, second = match.group(1), match.group(2), match.group(3)
        if name not in params:
            return match.group(0)
        value = params[name]
        if second is not None:
            # ``{n|one thing|# things}``: ``#`` stands for the number itself.
            chosen = second if _plural(value) else (first or "")
            return chosen.replace("#", format_value(value, locale)) if "#" in chosen else chosen
        if first and first.startswith("count="):
            # ``{currency|count=points}``: a programme's own noun agreeing with a number.
            text = format_value(value, locale)
            count = params.get(first.removeprefix("count="))
            if locale.split("_")[0] == "en" and count is not None and not _plural(count):
                return _singular(text)
            return text
        return format_value(value, locale, style=first or "")

    return _PLACEHOLDER.sub(one, template)


@memberkit_context
def explain(reasons: Iterable[Reason], locale: str, *, default_locale: str = "en") -> str:
    """Every reason rendered, one sentence per line."""
    return "\n".join(render(r, locale, default_locale=default_locale) for r in reasons)
