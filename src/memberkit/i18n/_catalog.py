"""Message catalogues: every ``.po`` file of a locale merged into one code → template map."""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

__all__ = ["LOCALES", "catalogue", "clean_locale", "known_codes"]

LOCALES = ("en", "zh_Hans", "zh_Hant")
"""The locales memberkit ships text for."""

_LOCALE_ID = re.compile(r"[a-z]{2,3}(?:_[A-Za-z0-9]{2,8}){0,3}")
"""A locale identifier as CLDR writes it (``zh_Hant_TW``, ``en_GB``): letters and digits only, so
a locale can never name a path, and short, so it can never grow a cache or a file name."""

_EMPTY: Mapping[str, str] = MappingProxyType({})
# Only the shipped locales are ever loaded and kept: a host passing a caller's ?locale= through
# must not be able to make memberkit read a file or grow its memory.
_LOADED: dict[str, Mapping[str, str]] = {}


def clean_locale(locale: object, fallback: str = "en") -> str:
    """``locale`` when it is a well-formed locale identifier, otherwise ``fallback``."""
    if isinstance(locale, str) and len(locale) <= 32 and _LOCALE_ID.fullmatch(locale):
        return locale
    return fallback


def catalogue(locale: str) -> Mapping[str, str]:
    """Every reason code's template in ``locale`` (empty for a locale memberkit does not ship)."""
    if locale not in LOCALES:
        return _EMPTY
    loaded = _LOADED.get(locale)
    if loaded is None:
        loaded = _LOADED[locale] = _read(locale)
    return loaded


def _read(locale: str) -> Mapping[str, str]:
    # babel's .po reader is imported when a catalogue is first read, not with this module: the
    # policy loader imports it for clean_locale alone, and checking a policy renders no text.
    from babel.messages.pofile import read_po

    base = resources.files("memberkit") / "i18n" / "locales" / locale / "LC_MESSAGES"
    templates: dict[str, str] = {}
    if not base.is_dir():
        return MappingProxyType(templates)
    for entry in sorted(base.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    templates[str(message.id)] = str(message.string)
    return MappingProxyType(templates)


def known_codes() -> frozenset[str]:
    """Every reason code that has text in at least one shipped locale."""
    codes: set[str] = set()
    for locale in LOCALES:
        codes.update(catalogue(locale))
    return frozenset(codes)
