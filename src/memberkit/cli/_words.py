"""The reports' own words (headings, labels) from the ``report`` catalogue, in the chosen locale."""

from __future__ import annotations

from types import MappingProxyType

from .._reasons import Reason
from ..i18n import render

__all__ = ["say"]


def say(locale: str, code: str, **params: object) -> str:
    """The text of ``code`` (``report.*``) in ``locale``, with its parameters formatted there."""
    return render(Reason(code, "", MappingProxyType(params)), locale)
