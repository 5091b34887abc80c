"""The YAML reader: libyaml's parser gives the same document and places as the pure-Python one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from tests.policy.builders import yaml_parser_named

from memberkit import PolicyError
from memberkit.policy import _yaml

ROOT = Path(__file__).parents[2]
FILES = sorted(
    p
    for folder in ("src", "tests", "examples", "docs", "fuzz")
    for p in (ROOT / folder).rglob("*.yaml")
)


def _read(raw: bytes, parser: str) -> object:
    with yaml_parser_named(parser):
        try:
            located = _yaml.read_yaml(raw, "f.yaml")
        except PolicyError as exc:
            return [str(issue) for issue in exc.issues]
    return (located.data, located.values, located.keys)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_both_parsers_read_every_yaml_file_alike(path: Path) -> None:
    """Every YAML file in the repository reads to equal data, value and key places, or errors."""
    raw = path.read_bytes()
    assert _read(raw, "libyaml") == _read(raw, "python")


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\r\nb: [x, 'y']\r\nc: {d: 2}\r\n",
        "\ufeffa: 1\nb: 2\n",
        "a: 1\x85b: 2\n",
        "a: '普通\u2028会员'\nb: 2\n",
        "name: {zh_Hans: 普通会员, en: Member}\nnext: {k: 😀😀, z: 1}\n",
        "k: |\n  lit\n  eral\nz: >\n  f\n\n  g\n",
        "a: &x {b: 1}\nc: *x\n",
        "x: ~\ny: \nz: 0x1F\nw: 1.10\n",
    ],
)
def test_both_parsers_place_tricky_text_alike(text: str) -> None:
    """Line breaks of every kind, a BOM, wide characters and aliases: the same columns and data."""
    assert _read(text.encode(), "libyaml") == _read(text.encode(), "python")


def test_a_valid_policy_is_read_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """When PyYAML has libyaml, a valid text is parsed once, by the C parser."""
    if _yaml.C_LOADER is None:
        pytest.skip("PyYAML was built without libyaml")
    used: list[Any] = []
    real = yaml.parse

    def spy(stream: Any, Loader: Any) -> Any:  # noqa: N803 - yaml.parse names it so
        used.append(Loader)
        return real(stream, Loader=Loader)

    monkeypatch.setattr(_yaml.yaml, "parse", spy)
    _yaml.read_yaml("memberkit: 1\n", "p.yaml")
    assert used == [_yaml.C_LOADER]


def test_what_libyaml_refuses_is_worded_by_the_pure_parser() -> None:
    """libyaml's own words for a tab differ; the message is the one the loader has always given."""
    with pytest.raises(PolicyError) as info:
        _yaml.read_yaml("a:\n\t- 1\n", "p.yaml")
    assert [str(i) for i in info.value.issues] == [
        "p.yaml:2:1: not valid YAML: a tab character; indent with spaces [yaml_syntax]"
    ]


@given(
    st.text(max_size=12)
    | st.sampled_from(["~", "null", "True", "0x1F", "0o17", "-.5", "+3", "\n", "\n12"])
)
def test_text_skipped_by_its_first_character_matches_no_pattern(text: str) -> None:
    """A plain scalar read as text without the patterns could not have matched one of them."""
    if text and text[0] not in _yaml._TYPED_START:
        patterns = (_yaml._NULL, _yaml._INT, _yaml._INT_OCT, _yaml._INT_HEX, _yaml._FLOAT)
        assert not any(p.match(text) for p in (*patterns, _yaml._DATE))
        assert text not in _yaml._BOOL
        assert _yaml._scalar(text, True) == text


@pytest.mark.parametrize("text", ["", "12", "0x1F", "0o17", "-.5", "2024-01-31", "null"])
def test_a_trailing_newline_is_never_part_of_a_typed_scalar(text: str) -> None:
    """The core-schema patterns match the whole scalar; `$` would also accept a final newline."""
    patterns = (_yaml._NULL, _yaml._INT, _yaml._INT_OCT, _yaml._INT_HEX, _yaml._FLOAT, _yaml._DATE)
    assert not any(p.match(text + "\n") for p in patterns)
    assert _yaml._scalar(text + "\n", True) == text + "\n"
