"""Explanations in the member's language: reasons rendered to text from message catalogues.

Each part ships a gettext catalogue per locale (``locales/<locale>/LC_MESSAGES/<part>.po``) whose
msgids are reason codes and whose msgstrs are templates with ``{param}`` placeholders. A
placeholder may carry a plural pair, ``{count|use|uses}``, which renders the singular word when
the parameter is 1 and the plural otherwise. Parameters are formatted for the locale by babel:
money as currency, numbers with grouping, dates in the locale's medium style, a programme's own
names (``LocalizedText``) in the locale with fallback, tuples as lists.

A missing translation falls back to the programme's default locale, then English; a code with no
text anywhere is rendered as the code with its parameters, so explaining never fails.
"""

from ._catalog import catalogue, known_codes
from ._render import explain, format_value, render

__all__ = ["catalogue", "explain", "format_value", "known_codes", "render"]
