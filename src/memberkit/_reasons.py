"""Reasons: the structured 'why' every decision carries, rendered to text per locale elsewhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ._locales import locale_chain

__all__ = ["LocalizedText", "Reason"]


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """A programme's own name (a tier, a benefit, a currency) in the locales the policy gives.

    ``default`` is the programme's default locale; lookups fall back to it, then to English, then
    to any text there is, so a missing translation never fails.
    """

    texts: Mapping[str, str]
    default: str = "en"

    def get(self, locale: str) -> str:
        """The text for ``locale`` with fallback (zh_TW → zh_Hant → default → en → any)."""
        for probe in (locale, *locale_chain(locale)):
            if probe in self.texts:
                return self.texts[probe]
        for fallback in (self.default, "en"):
            if fallback in self.texts:
                return self.texts[fallback]
        return next(iter(self.texts.values()), "")

    def __str__(self) -> str:
        return self.get(self.default)


def _frozen(params: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(params or {}))


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a decision came out as it did: a stable code, the policy path of the rule, parameters.

    ``params`` values are plain data for machines: ``int``, ``Decimal``, ``Money``, ``date``,
    ``datetime``, ``str``, ``LocalizedText`` or tuples of those. Text for people is rendered from
    them per locale; nothing here is user-facing prose.
    """

    code: str
    path: str = ""
    params: Mapping[str, object] = field(default_factory=lambda: _frozen(None))

    @classmethod
    def of(cls, code: str, path: str = "", **params: object) -> Reason:
        """Build a reason with keyword parameters."""
        return cls(code, path, _frozen(params))
