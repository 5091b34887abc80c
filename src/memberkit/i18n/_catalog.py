"""Message catalogues: every ``.po`` file of a locale merged into one code → template map."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from babel.messages.pofile import read_po

__all__ = ["LOCALES", "catalogue", "known_codes"]

LOCALES = ("en", "zh_Hans", "zh_Hant")
"""The locales memberkit ships text for."""


@cache
def catalogue(locale: str) -> Mapping[str, str]:
    """Every reason code's template in ``locale`` (empty for a locale memberkit does not ship)."""
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
