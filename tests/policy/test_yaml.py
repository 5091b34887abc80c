"""The YAML reader: libyaml's parser gives the same document and places as the pure-Python one."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given
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

    class Counted(_yaml.C_LOADER):
        def __init__(self, stream: Any) -> None:
            used.append("libyaml")
            super().__init__(stream)

    def spy(stream: Any, Loader: Any) -> Any:  # noqa: N803 - yaml.parse names it so
        used.append(Loader)
        return real(stream, Loader=Loader)

    monkeypatch.setattr(_yaml, "C_LOADER", Counted)
    monkeypatch.setattr(_yaml.yaml, "parse", spy)
    _yaml.read_yaml("memberkit: 1\n", "p.yaml")
    assert used == ["libyaml"]


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


@given(
    st.text(alphabet="0123456789+-.eE~xo_ nNulLtTrRuUefFaAsS:", max_size=20)
    | st.sampled_from(["1" * 15, "1" * 16, "9" * 41, "null", "Null", "NULL", "nULL", "TRUE", "٣"])
)
def test_the_quick_resolutions_agree_with_the_patterns(text: str) -> None:
    """Words and short digits are resolved without the patterns to the value the patterns give."""
    quick, full = _yaml._scalar(text, True), _yaml._resolved(text)
    assert (type(quick), quick) == (type(full), full)


@pytest.mark.parametrize("text", ["", "12", "0x1F", "0o17", "-.5", "2024-01-31", "null"])
def test_a_trailing_newline_is_never_part_of_a_typed_scalar(text: str) -> None:
    """The core-schema patterns match the whole scalar; `$` would also accept a final newline."""
    patterns = (_yaml._NULL, _yaml._INT, _yaml._INT_OCT, _yaml._INT_HEX, _yaml._FLOAT, _yaml._DATE)
    assert not any(p.match(text + "\n") for p in patterns)
    assert _yaml._scalar(text + "\n", True) == text + "\n"


_SCALARS = st.sampled_from(
    ["1", "0x1F", "0o17", "-.5", "1.10", "~", "", "yes", "'q'", '"2"', "2026-02-30", "2026-01-31",
     "9" * 50, "1e400", "99999999999999999999", "x", "普通", "&a 1", "*a", "*b", "!!str x", "! x",
     "!!python/object:os.system x"]
)  # fmt: skip
_KEYS = st.sampled_from(["a", "b", "c", "&b a", "[k]", "!!str a", "? a"])


def _flow(value: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pairs = st.lists(st.tuples(_KEYS, value), max_size=3)
    anchors = st.sampled_from(["", "&a ", "&b "])
    return st.one_of(
        st.builds(lambda a, xs: f"{a}[{', '.join(xs)}]", anchors, st.lists(value, max_size=3)),
        st.builds(
            lambda a, ps: a + "{" + ", ".join(f"{k}: {v}" for k, v in ps) + "}", anchors, pairs
        ),
    )


_VALUES = st.recursive(_SCALARS, _flow, max_leaves=8)
_DOCUMENTS = st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=5).map(
    lambda pairs: "".join(f"{k}: {v}\n" for k, v in pairs)
) | st.sampled_from(["a: 1\n---\nb: 2\n", "- 1\n- [" * 70 + "]" * 70 + "\n", "*a\n", "1\n"])


@given(_DOCUMENTS)
# Found by this law: PyYAML placed the empty value of ``{a: }`` after the colon, libyaml at the
# brace, so an error about it named another column without libyaml.
@example("a: {a: }\n")
@example("a: {a: , b: 1}\n")
def test_the_quick_composer_agrees_with_the_composer(text: str) -> None:
    """Over libyaml's events the quick composers give the composer's document (and places), and
    give up wherever the composer finds an issue."""
    if _yaml.C_LOADER is None:
        pytest.skip("PyYAML was built without libyaml")
    composer = _yaml._Composer("f.yaml")
    try:
        complete = composer.compose(yaml.parse(text, Loader=_yaml.C_LOADER))
    except yaml.YAMLError:
        complete = False
    quick = plain = None
    with contextlib.suppress(yaml.YAMLError):
        quick = _yaml._quick(_yaml.C_LOADER(text))
    with contextlib.suppress(yaml.YAMLError):
        plain = _yaml._plain(_yaml.C_LOADER(text))
    if not complete or composer.issues:
        assert quick is None
        assert plain is None or plain is _yaml._GAVE_UP
    elif quick is not None:
        assert quick == (composer.root, composer.values, composer.keys)
    # The places found when an issue asks for them belong to the document read without them.
    assert (plain is None or plain is _yaml._GAVE_UP) == (quick is None)
    if quick is not None:
        assert plain == quick[0]
    assert _read(text.encode(), "libyaml") == _read(text.encode(), "python")
