"""Start-up: ``import memberkit`` and ``memberkit validate`` load only what they use."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import memberkit

RETAIL = Path(memberkit.__file__).parent / "examples" / "retail.yaml"

ENGINE = (
    "memberkit._engine",
    "memberkit._agenda",
    "memberkit.points._engine",
    "memberkit.tiers._engine",
    "memberkit.benefits._query",
)
"""Modules that apply events and answer questions: a policy check never needs them."""
STATE = (
    "memberkit._decision",
    "memberkit._events",
    "memberkit._facts",
    "memberkit._state",
    "memberkit.benefits._state",
    "memberkit.i18n._render",
    "memberkit.points._state",
    "memberkit.tiers._decisions",
    "memberkit.tiers._measures",
    "memberkit.tiers._state",
    "babel.dates",
    "babel.messages.pofile",
)
"""The events, the member state, the facts and figures read from them, the decisions and their
rendering (babel's calendar names and .po reader): the compilers a policy check runs need none of
them, so the loader never imports them (their classes cost start-up time)."""
EXTRAS = (
    "memberkit.lifecycle._fit",
    "memberkit.lifecycle._fast",
    "memberkit.demo",
    "memberkit.testing._runner",
    "memberkit.testing._scenario",
    "memberkit._batch",
    "memberkit.spark",
    "pyspark",
    "pandas",
    "pyarrow",
    "numpy",
    "scipy",
    "fastapi",
)
"""The optional and heavy parts: purchase-model fits, the demo, the scenario runner, the service,
Spark."""


def _loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_memberkit_loads_no_part_and_no_pydantic() -> None:
    """``import memberkit`` imports the facade alone: no engine, no models, no optional part."""
    loaded = _loaded_after("import memberkit")
    assert sorted(m for m in loaded if m.startswith("memberkit")) == ["memberkit"]
    assert "pydantic" not in loaded
    assert "yaml" not in loaded


def test_validate_loads_no_engine_and_no_optional_part() -> None:
    """``memberkit validate`` loads the loader and the models, not the engine or the extras."""
    loaded = _loaded_after(
        "import io\nfrom memberkit.cli import main\n"
        f"assert main(['validate', {str(RETAIL)!r}], stdout=io.StringIO()) == 0"
    )
    assert "memberkit.policy._load" in loaded
    assert sorted(set(ENGINE + EXTRAS) & loaded) == []


def test_validate_loads_no_member_state_and_no_decisions() -> None:
    """``memberkit validate`` compiles the policy without the events, the state or the figures."""
    loaded = _loaded_after(
        "import io\nfrom memberkit.cli import main\n"
        f"assert main(['validate', {str(RETAIL)!r}], stdout=io.StringIO()) == 0"
    )
    assert "memberkit.tiers._compile" in loaded
    assert sorted(set(STATE) & loaded) == []


FIRST = sorted({module: name for name, module in sorted(memberkit._EXPORTS.items())}.values())
"""One public name from each module behind the facade: each starts a different import chain."""


@pytest.mark.parametrize("name", FIRST)
def test_each_import_chain_works_first_thing(name: str) -> None:
    """``from memberkit import X`` works in a fresh interpreter, whichever module it starts."""
    loaded = _loaded_after(f"from memberkit import {name}\nassert {name}.__doc__")
    assert memberkit._EXPORTS[name].replace(".", "memberkit.", 1) in loaded


def test_every_public_name_resolves_from_a_fresh_facade() -> None:
    """Every name in ``__all__`` resolves through the lazy table in one fresh interpreter."""
    _loaded_after("import memberkit\nfor n in memberkit.__all__: getattr(memberkit, n)")


def test_version_loads_no_policy_machinery() -> None:
    """``memberkit --version`` answers without the loader, the models or the engine."""
    loaded = _loaded_after(
        "import io, contextlib\nfrom memberkit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    assert main(['--version']) == 0"
    )
    assert "memberkit.cli._main" in loaded
    assert sorted(m for m in loaded if m.startswith(("memberkit.policy", "pydantic"))) == []


def test_validate_knows_the_scenario_marker_without_importing_the_scenarios() -> None:
    """The marker ``validate`` looks for is the scenario files' own."""
    from memberkit.cli._validate import MARKER
    from memberkit.testing import MARKER as SCENARIO_MARKER

    assert MARKER == SCENARIO_MARKER


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name memberkit does not export raises AttributeError, as any module does."""
    with pytest.raises(AttributeError, match="no attribute 'frobnicate'"):
        memberkit.frobnicate  # noqa: B018 - the access is the test


@pytest.mark.parametrize(
    "package",
    [
        "memberkit",
        "memberkit.policy",
        "memberkit.benefits",
        "memberkit.points",
        "memberkit.lifecycle",
        "memberkit.i18n",
        "memberkit.testing",
        "memberkit.demo",
    ],
)
def test_the_lazy_table_lists_exactly_the_exports(package: str) -> None:
    """Each lazy package's import table and its ``__all__`` name the same things."""
    module = importlib.import_module(package)
    assert sorted(module._EXPORTS) == module.__all__


def test_the_tiers_lazy_table_lists_every_export_but_the_two_queries() -> None:
    """``memberkit.tiers`` defines its two queries itself and imports every other export lazily."""
    import memberkit.tiers

    lazy = {*memberkit.tiers._EXPORTS}
    assert sorted(lazy | {"progress", "tier_of"}) == memberkit.tiers.__all__
    assert not lazy & {"progress", "tier_of"}
