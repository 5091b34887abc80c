"""The committed snapshots equal a fresh run of the example programmes over the fixed grid."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "generate_snapshots", ROOT / "scripts" / "generate_snapshots.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


@pytest.mark.parametrize("name", SCRIPT.examples())
def test_the_committed_snapshot_is_current(name: str) -> None:
    """Regenerate with scripts/generate_snapshots.py and review the diff when this fails."""
    committed = (ROOT / "snapshots" / f"{name}.json").read_text(encoding="utf-8")
    assert committed == SCRIPT.render(name)


def test_every_example_has_a_snapshot() -> None:
    """No example programme is left without a committed snapshot."""
    assert sorted(p.stem for p in (ROOT / "snapshots").glob("*.json")) == SCRIPT.examples()
