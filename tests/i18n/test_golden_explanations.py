"""A dozen decisions across every part, explained in three locales, equal the reviewed text."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SCRIPT = Path(__file__).parents[2] / "scripts" / "regen_explanations.py"
_spec = importlib.util.spec_from_file_location("regen_explanations", _SCRIPT)
assert _spec is not None
assert _spec.loader is not None
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)


def test_explanations_equal_the_golden_text() -> None:
    """Rendered explanations match tests/i18n/golden/explanations.txt (regenerate to change)."""
    assert regen.render() == regen.GOLDEN.read_text(encoding="utf-8")


def test_the_golden_covers_every_part_in_every_locale() -> None:
    """At least a dozen decisions, each in zh_Hans, zh_Hant and en, with text in every block."""
    text = regen.GOLDEN.read_text(encoding="utf-8")
    blocks = [b for b in text.split("## ") if b.strip()]
    assert len(blocks) >= 12
    for block in blocks:
        for locale in ("[zh_Hans]", "[zh_Hant]", "[en]"):
            assert locale in block
        assert "(no reasons)" not in block
        assert "(" not in block.split("\n", 1)[1].split("[", 1)[0]
