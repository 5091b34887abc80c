"""Explanations in the member's language: reasons rendered to text from message catalogues.

Each part ships a gettext catalogue per locale (``locales/<locale>/LC_MESSAGES/<part>.po``) whose
msgids are reason codes and whose msgstrs are templates with ``{param}`` placeholders. A
placeholder may carry a plural pair, ``{count|use|uses}``, which renders the singular word when
the parameter is 1 and the plural otherwise; in a pair ``#`` stands for the number
(``{limit|the only use|all # uses}``). ``{currency|count=points}`` shows a programme's own noun
(a currency's name) in the singular in English when ``points`` is 1. Parameters are formatted for the locale by babel:
money as currency, numbers with grouping, dates in the locale's medium style, a programme's own
names (``LocalizedText``) in the locale with fallback, tuples as lists.

A locale is read the way people write it: ``zh_TW`` and ``zh_HK`` read Traditional Chinese,
``zh_CN`` and ``zh`` Simplified, ``en_US`` English (``locale_chain``). A locale memberkit ships no
text for gives an ``UnknownLocaleWarning`` and falls back as below.

A missing translation falls back to the programme's default locale, then English; a code with no
text anywhere is rendered as the code with its parameters, so explaining never fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import _lazy_exports

if TYPE_CHECKING:
    from .._locales import UnknownLocaleWarning, locale_chain, shipped_locale
    from ._catalog import catalogue, known_codes
    from ._render import explain, format_value, render

__all__ = [
    "UnknownLocaleWarning",
    "catalogue",
    "explain",
    "format_value",
    "known_codes",
    "locale_chain",
    "render",
    "shipped_locale",
]


_EXPORTS: dict[str, str] = {
    "UnknownLocaleWarning": ".._locales",
    "catalogue": "._catalog",
    "explain": "._render",
    "format_value": "._render",
    "known_codes": "._catalog",
    "locale_chain": ".._locales",
    "render": "._render",
    "shipped_locale": ".._locales",
}
"""Where each name lives; imported on first use (PEP 562): the loader reads only
``_catalog.clean_locale``, and babel's formatting is not loaded to check a policy."""


__getattr__, __dir__ = _lazy_exports(__name__, _EXPORTS, __all__, globals())
