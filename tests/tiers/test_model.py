"""The `tiers:` section model as the JSON Schema shows it to policy authors."""

from __future__ import annotations

import memberkit


def _tiers_schema() -> dict[str, object]:
    schema = memberkit.policy_json_schema()
    definitions = schema["$defs"]
    assert isinstance(definitions, dict)
    section = definitions["TiersSection"]
    assert isinstance(section, dict)
    properties = section["properties"]
    assert isinstance(properties, dict)
    return properties


def test_the_schema_shows_downgrade_defaulting_to_to_figures() -> None:
    """The default of `downgrade` reads as a policy writes it, not as {max_steps: null}."""
    downgrade = _tiers_schema()["downgrade"]
    assert isinstance(downgrade, dict)
    assert downgrade["default"] == "to_figures"
