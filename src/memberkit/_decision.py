"""The behaviour every decision shares: structured reasons, and text rendered from them."""

from __future__ import annotations

from . import i18n
from ._reasons import Reason

__all__ = ["Explained"]


class Explained:
    """Mixin for decisions: ``reasons`` for machines, ``explain(locale)`` for people.

    Subclasses are frozen dataclasses with ``reasons`` and ``default_locale`` fields.
    """

    __slots__ = ()
    reasons: tuple[Reason, ...]
    default_locale: str

    def explain(self, locale: str | None = None) -> str:
        """The reasons as text in ``locale`` (the programme's default locale when omitted)."""
        chosen = locale or self.default_locale
        return i18n.explain(self.reasons, chosen, default_locale=self.default_locale)
