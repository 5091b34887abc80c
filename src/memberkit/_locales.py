"""Which of a programme's texts to show for a locale a person or a browser asks for.

A request names a locale the way people and systems do (``zh_TW``, ``zh-Hant-HK``, ``zh_CN``,
``en_US.UTF-8``); texts are kept by language and script (``zh_Hant``, ``zh_Hans``, ``en``). The
script a region writes in comes from CLDR's likely subtags (through babel): Taiwan and Hong Kong
write Traditional Chinese, mainland China and Singapore Simplified.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import lru_cache

from babel.core import get_global

__all__ = [
    "SHIPPED_LOCALES",
    "UnknownLocaleWarning",
    "locale_chain",
    "shipped_locale",
    "warn_if_unknown",
]

SHIPPED_LOCALES = ("en", "zh_Hans", "zh_Hant")
"""The locales memberkit ships text for."""


class UnknownLocaleWarning(UserWarning):
    """Text was asked for in a locale memberkit ships no text for; a fallback is shown instead."""


def _parts(locale: str) -> tuple[str, str, str]:
    """Language, script and territory of a locale name, in CLDR's spelling (zh, Hant, TW)."""
    name = locale.split(".")[0].split("@")[0].replace("-", "_")
    language, script, territory = "", "", ""
    for i, part in enumerate(p for p in name.split("_") if p):
        if i == 0:
            language = part.lower()
        elif len(part) == 4 and part.isalpha():
            script = part.title()
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            territory = part.upper()
    return language, script, territory


@lru_cache(maxsize=256)
def locale_chain(locale: str) -> tuple[str, ...]:
    """Locale names to look texts up under, most specific first.

    ``zh_TW`` → ``zh_Hant_TW, zh_Hant, zh_TW, zh``; ``en_US`` → ``en_Latn_US, en_Latn, en_US, en``.
    The caller adds its own fallbacks (the programme's default locale, then English).
    """
    language, script, territory = _parts(locale)
    if not language:
        return ()
    if not script:
        likely: Mapping[str, str] = get_global("likely_subtags")
        guess = likely.get(f"{language}_{territory}") if territory else None
        guess = guess or likely.get(language) or ""
        script = _parts(guess)[1] if guess else ""
    chain: list[str] = []
    for probe in (
        "_".join(p for p in (language, script, territory) if p),
        f"{language}_{script}" if script else "",
        f"{language}_{territory}" if territory else "",
        language,
    ):
        if probe and probe not in chain:
            chain.append(probe)
    return tuple(chain)


def shipped_locale(locale: str) -> str | None:
    """The shipped locale whose text ``locale`` reads (``zh_TW`` → ``zh_Hant``), or None."""
    for probe in locale_chain(locale):
        if probe in SHIPPED_LOCALES:
            return probe
    return None


def warn_if_unknown(locale: str, fallback: str, *, stacklevel: int = 3) -> None:
    """Warn (``UnknownLocaleWarning``) that ``locale`` has no shipped text and what is shown."""
    if shipped_locale(locale) is None:
        warnings.warn(
            f"memberkit has no texts in locale {locale!r} (it ships "
            f"{', '.join(SHIPPED_LOCALES)}); showing {fallback!r} instead",
            UnknownLocaleWarning,
            stacklevel=stacklevel,
        )
