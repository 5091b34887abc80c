"""Options several subcommands share: ``--locale`` and where a report is written."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Any, TextIO

from babel import Locale, UnknownLocaleError

from .._errors import MemberkitError
from .._locales import SHIPPED_LOCALES, shipped_locale

__all__ = [
    "OutputError",
    "add_locale_option",
    "at_least_one",
    "chosen_locale",
    "locale_argument",
    "write_output",
]

LOCALE_HELP = (
    "locale of names and explanations: en, zh_Hans, zh_Hant, or a regional name such as zh_TW, "
    "zh_CN, en_US (default: the programme's)"
)


class OutputError(MemberkitError):
    """The report cannot be written where ``--output`` says."""


def locale_argument(text: str) -> str:
    """An argparse type: a locale name babel can read (else a usage error naming the choices)."""
    try:
        Locale.parse(text.replace("-", "_").split(".")[0])
    except (ValueError, TypeError, UnknownLocaleError):
        raise argparse.ArgumentTypeError(
            f"unknown locale {text!r} (try {', '.join(SHIPPED_LOCALES)}, or zh_TW, zh_CN, en_US)"
        ) from None
    return text


def add_locale_option(parser: Any, help_text: str = LOCALE_HELP) -> None:
    """Add ``--locale`` to a subcommand."""
    parser.add_argument("--locale", type=locale_argument, default=None, help=help_text)


def chosen_locale(requested: str | None, programme: str, err: TextIO, command: str) -> str:
    """The locale to render in; a locale with no shipped text is said on stderr, not hidden."""
    if requested is None:
        return programme
    if shipped_locale(requested) is None:
        err.write(
            f"memberkit {command}: no texts in locale {requested!r} (memberkit ships "
            f"{', '.join(SHIPPED_LOCALES)}); showing the programme's locale, {programme}\n"
        )
        return programme
    return requested


def write_output(path: str, text: str) -> None:
    """Write a report to ``path``; an unwritable path raises OutputError in plain words."""
    target = FilePath(path)
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {path}: the directory {target.parent} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a directory")
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def at_least_one(what: str) -> Callable[[str], int]:
    """An argparse type for a whole number of at least 1 (``what`` names it in the refusal)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"at least 1 {what}")
        return value

    return parse
