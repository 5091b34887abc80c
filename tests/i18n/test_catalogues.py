"""Every reason code of every part has text in every shipped locale, with the documented params."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import memberkit
from memberkit import Reason
from memberkit.i18n import UnknownLocaleWarning, explain, render

SRC = Path(memberkit.__file__).parent
LOCALES = ("en", "zh_Hans", "zh_Hant")
# catalogue file -> (source folders or files whose codes it holds, the codes' prefix)
PARTS = {
    "core": ((SRC / "_engine.py", SRC / "_events.py", SRC / "_spread.py"), "event"),
    "benefits": ((SRC / "benefits",), "benefit"),
    # The core's renames (``_renames.py``) speak for the parts whose ids they carry over.
    "points": ((SRC / "points", SRC / "_renames.py"), "points"),
    "tiers": ((SRC / "tiers", SRC / "_renames.py"), "tier"),
    "lifecycle": ((SRC / "lifecycle",), "lifecycle"),
    "rules": ((SRC / "rules",), "rule"),
    "report": ((SRC / "cli",), "report"),
}
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\|[^}]*)?\}")


def _catalogue(locale: str, part: str) -> dict[str, tuple[str, frozenset[str]]]:
    path = SRC / "i18n" / "locales" / locale / "LC_MESSAGES" / f"{part}.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for message in catalogue:
        if not message.id:
            continue
        params = frozenset(
            p.split(" (")[0].strip()
            for c in message.auto_comments
            for p in c.split(",")
            if p.strip()
        )
        out[str(message.id)] = (str(message.string), params)
    return out


def _codes_in_source(part: str) -> set[str]:
    places, prefix = PARTS[part]
    pattern = re.compile(r'"(' + re.escape(prefix) + r'\.[a-z_]+(?:\.[a-z_]+)*)"')
    found: set[str] = set()
    for place in places:
        files = [place] if place.is_file() else sorted(place.rglob("*.py"))
        for path in files:
            found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


CASES = [(locale, part) for part in PARTS for locale in LOCALES]


@pytest.mark.parametrize(("locale", "part"), CASES)
def test_every_code_in_the_source_has_text(locale: str, part: str) -> None:
    """Each reason code a part emits is translated in each locale, and nothing stale is left."""
    assert set(_catalogue(locale, part)) == _codes_in_source(part)


@pytest.mark.parametrize(("locale", "part"), CASES)
def test_templates_use_only_the_documented_parameters(locale: str, part: str) -> None:
    """A placeholder in a template names a parameter listed in the entry's comment."""
    for code, (template, params) in _catalogue(locale, part).items():
        assert template, code
        assert set(PLACEHOLDER.findall(template)) <= params, code


@pytest.mark.parametrize(("locale", "part"), CASES)
def test_the_catalogue_is_sorted_by_code(locale: str, part: str) -> None:
    """Entries are sorted by msgid so diffs stay small."""
    codes = list(_catalogue(locale, part))
    assert codes == sorted(codes)


@pytest.mark.parametrize("part", PARTS)
def test_locales_document_the_same_parameters(part: str) -> None:
    """The three catalogues of a part agree on each code's parameters."""
    documented = [
        {code: params for code, (_, params) in _catalogue(locale, part).items()}
        for locale in LOCALES
    ]
    assert documented[0] == documented[1] == documented[2]


def test_an_unknown_code_renders_as_its_code_and_parameters() -> None:
    """A reason with no text anywhere never fails: it shows its code and parameters."""
    assert render(Reason.of("nowhere.code", n=3), "zh_Hans") == "nowhere.code(n=3)"


def test_a_missing_locale_falls_back_to_the_default_then_english_with_a_warning() -> None:
    """A locale memberkit does not ship falls back to the programme's default locale, and says so."""
    reason = Reason.of("event.duplicate", event_id="e1")
    with pytest.warns(UnknownLocaleWarning, match="'fr'.*showing 'zh_Hans'"):
        assert (
            render(reason, "fr", default_locale="zh_Hans") == "事件 e1 已处理过，本次未做任何变更。"
        )
    with pytest.warns(UnknownLocaleWarning, match="'fr'.*showing 'en'"):
        assert render(reason, "fr") == "Event e1 was already applied; nothing changed."
    assert render(reason, "zh_Hant_TW") == "事件 e1 已處理過，本次未做任何變更。"


def test_explain_puts_one_reason_per_line() -> None:
    """Several reasons are rendered in order, one per line."""
    reasons = [
        Reason.of("event.duplicate", event_id="a"),
        Reason.of("event.duplicate", event_id="b"),
    ]
    assert explain(reasons, "en").splitlines() == [
        "Event a was already applied; nothing changed.",
        "Event b was already applied; nothing changed.",
    ]
