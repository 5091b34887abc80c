"""The fuzz harness (fuzz/fuzz_memberkit.py) over its seed corpus, in the normal suite.

Every seed must go through ``check`` with nothing but a MemberkitError escaping, so the corpus
stays valid input for the fuzzer and the harness keeps running without atheris installed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

import memberkit

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "fuzz_memberkit", ROOT / "fuzz" / "fuzz_memberkit.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fuzz_memberkit", module)
    spec.loader.exec_module(module)
    return module


HARNESS = _harness()
SEEDS = sorted((target, path) for target in HARNESS.TARGETS for path in (CORPUS / target).iterdir())


def test_every_target_has_seeds() -> None:
    """Each of the three edges starts from at least ten seeds."""
    for target in HARNESS.TARGETS:
        assert len([1 for t, _ in SEEDS if t == target]) >= 10, target


@pytest.mark.parametrize(("target", "path"), SEEDS, ids=[f"{t}/{p.name}" for t, p in SEEDS])
def test_a_seed_goes_through_the_harness(target: str, path: Path) -> None:
    """Nothing but a MemberkitError escapes the harness on a seed."""
    HARNESS.check(target, path.read_bytes())


def test_a_misspelt_state_key_is_refused_not_dropped() -> None:
    """A state with a misspelt key (the fuzzer's find) is a StateError naming it, in any mode."""
    seed = (CORPUS / "state" / "format1-retail.json").read_text("utf-8")
    misspelt = seed.replace('"earned"', '"ernaed"', 1)
    assert misspelt != seed
    with pytest.raises(memberkit.StateError, match="ernaed"):
        memberkit.state_from_json(misspelt)
    HARNESS.check("state", misspelt.encode(), strict=True)


@given(target=st.sampled_from(HARNESS.TARGETS), data=st.binary(max_size=200))
def test_arbitrary_bytes_go_through_the_harness(target: str, data: bytes) -> None:
    """Random bytes are refused with a MemberkitError (or accepted), never a crash."""
    HARNESS.check(target, data)
