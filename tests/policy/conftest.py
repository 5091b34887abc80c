"""The YAML parser a policy test runs with: libyaml's C parser and the pure-Python one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.policy.builders import PARSERS, yaml_parser_named


@pytest.fixture(params=PARSERS)
def yaml_parser(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test once with each parser: located errors and limits must not depend on it."""
    with yaml_parser_named(request.param):
        yield request.param
