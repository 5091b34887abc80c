"""A locale is a word, never a path: odd locales fall back, read no file and grow no cache."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pytest

from memberkit import Reason
from memberkit.i18n import _catalog, catalogue, render
from memberkit.i18n._catalog import LOCALES


@pytest.mark.filterwarnings("ignore::memberkit.i18n.UnknownLocaleWarning")
def test_a_relative_path_as_locale_reads_no_planted_catalogue(tmp_path: Path) -> None:
    """locale='../../x' never loads a catalogue planted outside the package."""
    planted = tmp_path / "x" / "LC_MESSAGES"
    planted.mkdir(parents=True)
    (planted / "core.po").write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "probe_code"\nmsgstr "PLANTED"\n', encoding="utf-8"
    )
    locales_dir = Path(str(resources.files("memberkit") / "i18n" / "locales"))
    hostile = os.path.relpath(tmp_path / "x", locales_dir)
    assert "PLANTED" not in render(Reason.of("probe_code"), hostile)
    assert catalogue(hostile) == {}


# Odd locales also warn that memberkit has no texts in them (tested with the locale fallbacks);
# here only the fallback and the files read matter.
@pytest.mark.filterwarnings("ignore::memberkit.i18n.UnknownLocaleWarning")
@pytest.mark.parametrize(
    "locale",
    ["x" * 300, "../../../etc/passwd", "en/../zh_Hans", "zh_Hans\x00", "", "EN-us", "😀"],
)
def test_a_malformed_locale_falls_back_without_raising(locale: str) -> None:
    """A malformed locale renders in the default locale instead of raising OSError."""
    reason = Reason.of("probe_code_unknown", n=1)
    assert render(reason, locale) == render(reason, "en")
    assert catalogue(locale) == {}


@pytest.mark.filterwarnings("ignore::memberkit.i18n.UnknownLocaleWarning")
def test_only_shipped_locales_are_cached() -> None:
    """Two thousand odd locales leave the catalogue cache with at most the shipped ones."""
    for i in range(2000):
        render(Reason.of("probe_code_unknown"), f"zz_X{i:04d}")
        catalogue(f"qq_{i:04d}")
    assert set(_catalog._LOADED) <= set(LOCALES)


def test_well_formed_locales_are_kept() -> None:
    """A well-formed locale id (with script and region) passes through unchanged."""
    from memberkit.i18n._catalog import clean_locale

    assert clean_locale("zh_Hant_TW") == "zh_Hant_TW"
    assert clean_locale("en") == "en"
