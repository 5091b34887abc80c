"""Reading policy YAML safely, remembering where every key and value was written.

PyYAML is used only for its scanner and parser (the event stream); the document is composed
here, iteratively, so that:

- no tag is honoured: ``!!python/object`` and every other explicit tag is refused, so nothing in
  a policy can build an object or run code;
- aliases are allowed but their expansion is bounded (a "billion laughs" file fails at once);
- nesting depth and file size are bounded, and deep nesting cannot exhaust Python's stack;
- a key written twice in one mapping is an error (PyYAML silently keeps the last one);
- scalars follow the YAML 1.2 core schema: ``on``, ``off``, ``yes`` and ``no`` stay text (YAML
  1.1 turns them into booleans, which would make an earning rule's ``on: purchase`` a ``True``
  key); mapping keys are always text.

Every problem is reported with its ``line:column`` (1-based), as a ``PolicyError``.

libyaml's C parser reads the text when PyYAML was built with it (``yaml.__with_libyaml__``), about
ten times faster than the pure-Python one, and gives the same events with the same marks (lines,
and columns counted in characters). Its error messages differ, so any problem it meets, or the
composer meets in its events, sends the text through the pure-Python parser again: a policy
that fails is always reported in the words and at the places below, whichever parser is
installed, and the same limits apply to both since the composer enforces them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import yaml
from yaml import events as ev

from .._errors import PolicyError, PolicyIssue
from .._limits import MAX_POLICY_NUMBER, policy_number_problem, year_problem
from .._paths import Path, format_path

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Located", "Mark", "read_yaml"]

C_LOADER: type[yaml.CSafeLoader] | None = yaml.CSafeLoader if yaml.__with_libyaml__ else None
"""libyaml's parser when PyYAML has it, else None (then only the pure-Python parser is used)."""

MAX_BYTES = 1_000_000
"""Largest policy file accepted; real programmes are a few kilobytes."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted."""
MAX_NODES = 200_000
"""Most values a document may hold once aliases are expanded."""


class Mark(NamedTuple):
    """A 1-based position in the policy text (a tuple: one is made for every value read)."""

    line: int
    column: int


class Located:
    """A parsed document and where each of its keys and values was written.

    The places are worked out when first asked for: a policy that loads without a problem never
    needs them, and finding them is most of the cost of reading the YAML (a path for every key
    and value). They are read again from the same text then, so they are the places the document
    was read from.
    """

    __slots__ = ("_find", "_keys", "_values", "data", "source")

    def __init__(
        self,
        source: str,
        data: Any,
        values: dict[Path, Mark] | None = None,
        keys: dict[Path, Mark] | None = None,
        *,
        find: Callable[[], tuple[dict[Path, Mark], dict[Path, Mark]]] | None = None,
    ) -> None:
        self.source = source
        self.data = data
        self._values = values if values is not None or find is not None else {}
        self._keys = keys if keys is not None or find is not None else {}
        self._find = find

    def _places(self) -> None:
        assert self._find is not None
        self._values, self._keys = self._find()
        self._find = None

    @property
    def values(self) -> dict[Path, Mark]:
        """Where each value (and each list or mapping) was written, by its path."""
        if self._values is None:
            self._places()
        assert self._values is not None
        return self._values

    @property
    def keys(self) -> dict[Path, Mark]:
        """Where each mapping key was written, by the path of its value."""
        if self._keys is None:
            self._places()
        assert self._keys is not None
        return self._keys

    def locate(self, path: Path, *, key: bool = False) -> Mark:
        """Where ``path`` was written: the key itself when ``key``, else its value.

        A path that names something absent (a missing key) falls back to the nearest enclosing
        node that exists, so every issue points at a real place in the file.
        """
        values, keys = self.values, self.keys
        probe = tuple(path)
        if key and probe in keys:
            return keys[probe]
        while probe:
            if probe in values:
                return values[probe]
            probe = probe[:-1]
        return values.get((), Mark(1, 1))


def _issue(source: str, mark: Mark, message: str, code: str, path: Path = ()) -> PolicyIssue:
    return PolicyIssue(source, mark.line, mark.column, format_path(path), message, code)


def _mark(event: ev.Event) -> Mark:
    start = event.start_mark
    return Mark(start.line + 1, start.column + 1) if start is not None else Mark(1, 1)


# --- scalars: the YAML 1.2 core schema ---------------------------------------------------------

_NULL = re.compile(r"^(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+\Z")
_INT_OCT = re.compile(r"^0o[0-7]+\Z")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


_TYPED_START = frozenset("0123456789+-.~nNtTfF")
"""The first characters of a null, a boolean, a number or a date above; any other plain scalar
(most of a policy: ids, names, words) is text without trying the patterns."""

_NUMBER_TEXT = 40
"""Longer number text is refused before it is converted (int() of 4,301 digits raises)."""


def _out_of_range(text: str, value: object) -> str | None:
    """Why a plain number or date is outside what memberkit supports, or None."""
    if isinstance(value, date):
        return year_problem(value)
    if isinstance(value, bool) or not isinstance(value, int | Decimal | _TooLong):
        return None
    if isinstance(value, _TooLong):
        return f"a number of {len(text):,} characters is outside the supported range"
    return policy_number_problem(value)


class _TooLong(str):
    """A plain scalar that reads as a number but is too long to convert safely."""

    __slots__ = ()


def _scalar(value: str, plain: bool) -> object:
    """The value of a scalar: quoted scalars are text; plain ones are resolved by the core schema.

    Decimal-looking numbers stay exact: they are kept as text of a number, never a binary float,
    and pydantic's Decimal fields read them exactly.
    """
    if not plain or (value and value[0] not in _TYPED_START):
        return value
    first = value[:1]
    if first in _WORD_START:
        # A word (name, true, food...): of the patterns only null and the booleans start so.
        return None if value in _NULL_WORDS else _BOOL.get(value, value)
    if value.isdigit() and value.isascii() and len(value) < _SHORT_INT:
        # The common number: plain digits, below the largest policy number by their count.
        return int(value)
    return _resolved(value)


_WORD_START = frozenset("nNtTfF")
_NULL_WORDS = frozenset({"null", "Null", "NULL"})
_SHORT_INT = 16
"""Digits fewer than this are read at once: below 10^15, the bound on a policy number (longer
ones go through the patterns, which refuse overlong numbers before converting them)."""


def _resolved(value: str) -> object:
    """A plain scalar resolved by the core schema's patterns, one after another."""
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if len(value) > _NUMBER_TEXT and (
        _INT.match(value) or _INT_OCT.match(value) or _INT_HEX.match(value) or _FLOAT.match(value)
    ):
        return _TooLong(value)
    if _INT.match(value):
        return int(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return Decimal(value)
    if _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


# --- composition ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Frame:
    """A mapping or list under construction."""

    container: dict[str, Any] | list[Any]
    path: Path
    anchor: str | None
    size: int = 1
    pending_key: str | None = None
    key_marks: dict[str, Mark] = field(default_factory=dict)


_ENDS = frozenset({ev.MappingEndEvent, ev.SequenceEndEvent})
"""The events that close a mapping or a list (both parsers emit these exact classes)."""
_FRAMING = frozenset({ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent})
"""Events that carry nothing the document needs."""


class _Composer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[PolicyIssue] = []
        self.values: dict[Path, Mark] = {}
        self.keys: dict[Path, Mark] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0

    def fail(self, mark: Mark, message: str, code: str, path: Path = ()) -> None:
        self.issues.append(_issue(self.source, mark, message, code, path))

    def child_path(self) -> Path | None:
        """The path of the next value, or None when it is a mapping key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.pending_key is None:
            return None
        return (*top.path, top.pending_key)

    def count(self, size: int, mark: Mark) -> bool:
        self.nodes += size
        if self.nodes > MAX_NODES:
            self.fail(
                mark,
                f"the document expands to more than {MAX_NODES:,} values (aliases nest too "
                "deeply?); a policy this large is refused",
                "too_large",
            )
            return False
        return True

    def add(self, value: Any, size: int, anchor: str | None) -> None:
        """Place a finished value into its parent (or make it the document)."""
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.container, list):
            top.container.append(value)
            return
        key = top.pending_key
        assert key is not None
        top.container[key] = value
        top.pending_key = None

    def key(self, event: ev.ScalarEvent) -> None:
        top = self.stack[-1]
        mark = _mark(event)
        name = event.value
        path = (*top.path, name)
        if name in top.key_marks:
            first = top.key_marks[name]
            self.fail(
                mark,
                f"duplicate key '{name}' (first written at line {first.line}); "
                "YAML would silently keep only the last one",
                "duplicate_key",
                path,
            )
            # The first value stays; the duplicate's value is read and dropped.
            top.pending_key = "\x00dup"
            return
        top.key_marks[name] = mark
        self.keys[path] = mark
        top.pending_key = name

    def compose(self, stream: Any) -> bool:
        for event in stream:
            kind = event.__class__
            if kind in _FRAMING:
                continue
            if kind is ev.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self.fail(
                        _mark(event),
                        "a policy file holds one YAML document; found a second",
                        "many_documents",
                    )
                    return False
                continue
            if not self.step(event):
                return False
        return True

    def step(self, event: ev.Event) -> bool:
        if event.__class__ in _ENDS:
            frame = self.stack.pop()
            frame.container.pop("\x00dup", None) if isinstance(frame.container, dict) else None
            self.add(frame.container, frame.size, frame.anchor)
            return True
        mark = _mark(event)
        path = self.child_path()
        if path is None:
            assert isinstance(event, ev.NodeEvent)
            if not isinstance(event, ev.ScalarEvent):
                self.fail(
                    mark,
                    "a mapping key must be plain text, not a list or mapping",
                    "complex_key",
                    self.stack[-1].path,
                )
                return False
            if (event.tag is not None and event.tag != "!") or event.anchor is not None:
                self.fail(
                    mark, "a mapping key must be plain text", "complex_key", self.stack[-1].path
                )
                return False
            self.key(event)
            return True
        if isinstance(event, ev.AliasEvent):
            found = self.anchors.get(event.anchor or "")
            if found is None:
                self.fail(mark, f"unknown alias '*{event.anchor}'", "unknown_alias", path)
                return False
            value, size = found
            self.values.setdefault(path, mark)
            if not self.count(size, mark):
                return False
            self.add(value, size, None)
            return True
        assert isinstance(event, ev.NodeEvent)
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        # Explicit tags would let a policy ask for objects the format does not have (or, with an
        # unsafe loader, run code); the format has no use for them, so every one is refused.
        explicit = (
            tag is not None
            and tag != "!"
            and not (isinstance(implicit, tuple) and implicit[0])
            and not (isinstance(implicit, bool) and implicit)
        )
        if explicit:
            shown = str(tag).replace("tag:yaml.org,2002:", "!!")
            self.fail(
                mark, f"YAML tags such as '{shown}' are not allowed in a policy", "yaml_tag", path
            )
            return False
        self.values[path] = mark
        if not self.count(1, mark):
            return False
        if isinstance(event, ev.ScalarEvent):
            plain = not event.style  # None from the pure-Python parser, '' from libyaml
            value = _scalar(event.value, plain)
            # (Text, the common case, has no range: only numbers, dates and overlong digits do.)
            problem = (
                _out_of_range(event.value, value) if plain and type(value) is not str else None
            )
            if problem is not None:
                # Bounds at the edge: the engine's arithmetic never meets a number it cannot hold.
                self.fail(mark, problem, "out_of_range", path)
                value = event.value
            self.add(value, 1, event.anchor)
            return True
        if len(self.stack) >= MAX_DEPTH:
            self.fail(
                mark,
                f"nesting deeper than {MAX_DEPTH} levels; a policy never needs this",
                "too_deep",
                path,
            )
            return False
        container: dict[str, Any] | list[Any] = (
            {} if isinstance(event, ev.MappingStartEvent) else []
        )
        self.stack.append(_Frame(container, path, event.anchor))
        return True


def read_yaml(text: str | bytes, source: str) -> Located:
    """Parse policy text into plain data with locations; raises PolicyError on any problem."""
    start = Mark(1, 1)
    if isinstance(text, bytes):
        raw = text
        if len(raw) > MAX_BYTES:
            raise PolicyError([_issue(source, start, _too_big(len(text)), "too_large")])
        if b"\x00" in text:
            raise PolicyError(
                [_issue(source, start, "not a text file (it contains NUL bytes)", "not_text")]
            )
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PolicyError(
                [
                    _issue(
                        source,
                        _offset_mark(raw, exc.start),
                        "not UTF-8 text; save the policy as UTF-8",
                        "not_text",
                    )
                ]
            ) from None
    if len(text) > MAX_BYTES:
        raise PolicyError([_issue(source, start, _too_big(len(text)), "too_large")])
    loader = C_LOADER
    if loader is not None:
        found = _fast(text, loader)
        if found is not _GAVE_UP:
            return _located(source, found, find=lambda: _places(text, loader, source))
    composer = _Composer(source)
    try:
        complete = composer.compose(_aligned(yaml.parse(text, Loader=yaml.SafeLoader), text))
    except yaml.MarkedYAMLError as exc:
        problem_mark = exc.problem_mark or exc.context_mark
        mark = Mark(problem_mark.line + 1, problem_mark.column + 1) if problem_mark else start
        message = _yaml_message(exc)
        raise PolicyError(
            [*composer.issues, _issue(source, mark, message, "yaml_syntax")]
        ) from None
    except yaml.YAMLError as exc:
        raise PolicyError(
            [_issue(source, start, f"not valid YAML: {exc}", "yaml_syntax")]
        ) from None
    if composer.issues or not complete:
        raise PolicyError(composer.issues)
    return _located(source, composer.root, composer.values, composer.keys)


def _aligned(events: Iterable[ev.Event], text: str) -> Iterator[ev.Event]:
    """The pure-Python parser's events with libyaml's place for an empty value in braces.

    In ``{a: }`` PyYAML places the missing value just after the colon and libyaml at the next
    token (the ``}``, or a ``,``); a policy's error must say the same place whichever parser
    read it, so the empty value is moved on past blanks, line ends and comments.
    """
    depth = 0
    for event in events:
        if isinstance(event, ev.CollectionStartEvent) and event.flow_style:
            depth += 1
        elif isinstance(event, ev.CollectionEndEvent) and depth:
            depth -= 1
        elif (
            depth
            and isinstance(event, ev.ScalarEvent)
            and event.value == ""
            and event.style is None
            and event.start_mark is not None
        ):
            mark = _next_token(text, event.start_mark)
            event = ev.ScalarEvent(
                event.anchor, event.tag, event.implicit, "", mark, mark, event.style
            )
        yield event


def _next_token(text: str, mark: Any) -> yaml.Mark:
    """The place of the first character at or after ``mark`` that is not blank or a comment."""
    index, line, column = mark.index, mark.line, mark.column
    while index < len(text):
        char = text[index]
        if char == "#":
            while index < len(text) and text[index] != "\n":
                index += 1
            continue
        if char == "\n":
            index, line, column = index + 1, line + 1, 0
        elif char in " \t\r":
            index, column = index + 1, column + 1
        else:
            break
    return yaml.Mark(mark.name, index, line, column, text, index)


_GAVE_UP: Any = object()
"""What the quick readers give where the composer would find an issue (or libyaml fails)."""


def _fast(text: str, loader: type[yaml.CSafeLoader]) -> Any:
    """The document read by libyaml without places, or ``_GAVE_UP`` when anything is wrong."""
    try:
        return _plain(loader(text))
    except Exception:
        # Whatever libyaml refuses (or a text it cannot take), the pure-Python parser words.
        return _GAVE_UP


def _places(
    text: str, loader: type[yaml.CSafeLoader], source: str
) -> tuple[dict[Path, Mark], dict[Path, Mark]]:
    """The places of every value and key of a text ``_plain`` read (asked for by an issue)."""
    found = _quick(loader(text))
    if found is not None:
        return found[1], found[2]
    # Not reached for a text ``_plain`` read, which gives up wherever ``_quick`` does; the
    # composer's places are the same ones in any case.
    composer = _Composer(source)
    composer.compose(_aligned(yaml.parse(text, Loader=yaml.SafeLoader), text))
    return composer.values, composer.keys


_Scalar = ev.ScalarEvent
_Alias = ev.AliasEvent
_MappingStart = ev.MappingStartEvent
_SequenceStart = ev.SequenceStartEvent
_DocumentStart = ev.DocumentStartEvent
_new = tuple.__new__
_MAX_INT = int(MAX_POLICY_NUMBER)


_MappingEnd = ev.MappingEndEvent
_SequenceEnd = ev.SequenceEndEvent


def _plain(parser: Any) -> Any:
    """The document composed from ``parser``'s events without the places of its values, or
    ``_GAVE_UP`` wherever ``_quick`` gives up (``tests/policy/test_yaml.py`` holds the two to
    the same answers).

    This is what a policy that loads costs: one step per event and no path for any value. A
    list or mapping's size (what an alias to it adds to the count of values) is the count of
    values read while it was open.
    """
    anchors: dict[str, tuple[Any, int]] = {}
    nodes = 0
    documents = 0
    # The open lists and mappings around the current one: (container, its pending key, the
    # anchor of the one opened inside it, the count of values before that one).
    stack: list[tuple[Any, Any, str | None, int]] = []
    container: Any = None  # the list or mapping being read; None at the top
    is_map = False
    key: Any = None  # the key whose value comes next in a mapping; None when a key comes next
    root: Any = None
    value: Any
    get = parser.get_event
    while (event := get()) is not None:
        kind = event.__class__
        if kind is _Scalar:
            if event.tag is not None:
                return _GAVE_UP
            text = event.value
            if is_map and key is None:
                if event.anchor is not None or text in container:
                    return _GAVE_UP  # an anchored or a duplicate key
                key = text
                continue
            nodes += 1
            if event.style or (text and text[0] not in _TYPED_START):
                value = text
            else:
                value = _scalar(text, True)
                if type(value) is int:
                    if not -_MAX_INT < value < _MAX_INT:
                        return _GAVE_UP
                elif type(value) is not str and _out_of_range(text, value) is not None:
                    return _GAVE_UP
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
        elif kind is _MappingStart or kind is _SequenceStart:
            if (is_map and key is None) or event.tag is not None or len(stack) >= MAX_DEPTH:
                return _GAVE_UP  # a list or mapping as a key, a tag, too deep
            stack.append((container, key, event.anchor, nodes))
            nodes += 1
            is_map = kind is _MappingStart
            container = {} if is_map else []
            key = None
            continue
        elif kind is _MappingEnd or kind is _SequenceEnd:
            value = container
            container, key, anchor, before = stack.pop()
            is_map = type(container) is dict
            if anchor is not None:
                anchors[anchor] = (value, nodes - before)
        elif kind is _Alias:
            found = anchors.get(event.anchor or "")
            if (is_map and key is None) or found is None:
                return _GAVE_UP  # an alias as a key, an unknown alias
            value, size = found
            nodes += size
            if nodes > MAX_NODES:
                return _GAVE_UP
        elif kind is _DocumentStart:
            documents += 1
            if documents > 1:
                return _GAVE_UP
            continue
        else:
            continue  # the stream's and document's framing
        if container is None:
            root = value
        elif is_map:
            container[key] = value
            key = None
        else:
            container.append(value)
    if nodes > MAX_NODES:
        return _GAVE_UP
    return root


def _quick(parser: Any) -> tuple[Any, dict[Path, Mark], dict[Path, Mark]] | None:
    """The document, its values' and keys' marks, composed in one tight loop over ``parser``'s
    events; None at the first thing that is not a plain, well-formed policy document.

    This is the composer above without its words: it keeps the same values and marks for a
    document the composer accepts, and gives up (None) wherever the composer would report an
    issue (a tag, a duplicate or non-text key, an unknown alias, a number or date out of range,
    too deep, too many values, a second document) so that the caller reports through the
    composer. Giving up also where the composer would not (an anchored key, a ``!`` tag) only
    costs time. ``tests/policy/test_yaml.py`` holds both to the same answers.
    """
    values: dict[Path, Mark] = {}
    keys: dict[Path, Mark] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    nodes = 0
    documents = 0
    # A frame: [container, path, anchor, size, pending key (mappings; None when a key is next)].
    stack: list[list[Any]] = []
    top: list[Any] | None = None
    root: Any = None
    here: Mark | None
    get = parser.get_event
    while (event := get()) is not None:
        kind = event.__class__
        if kind is _Scalar:
            if event.tag is not None:
                return None
            mark = event.start_mark
            here = _new(Mark, (mark.line + 1, mark.column + 1))
            if top is None:
                path: Path = ()
            elif top[4] is None and type(top[0]) is dict:
                if event.anchor is not None:
                    return None  # an anchored key
                name = event.value
                path = (*top[1], name)
                if path in keys:
                    return None  # a duplicate key
                keys[path] = here
                top[4] = name
                continue
            else:
                container = top[0]
                path = (*top[1], top[4] if type(container) is dict else len(container))
            values[path] = here
            nodes += 1
            text = event.value
            if event.style or (text and text[0] not in _TYPED_START):
                value: Any = text
            else:
                value = _scalar(text, True)
                if type(value) is int:
                    if not -_MAX_INT < value < _MAX_INT:
                        return None  # (the common number, checked without a call)
                elif type(value) is not str and _out_of_range(text, value) is not None:
                    return None
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            if top is None:
                root = value
            elif type(container) is dict:
                container[top[4]] = value
                top[4] = None
                top[3] += 1
            else:
                container.append(value)
                top[3] += 1
            continue
        if kind is _MappingStart or kind is _SequenceStart:
            if top is not None and top[4] is None and type(top[0]) is dict:
                return None  # a mapping or list as a key
            if event.tag is not None or len(stack) >= MAX_DEPTH:
                return None
            mark = event.start_mark
            if top is None:
                path = ()
            else:
                container = top[0]
                path = (*top[1], top[4] if type(container) is dict else len(container))
            values[path] = _new(Mark, (mark.line + 1, mark.column + 1))
            nodes += 1
            top = [{} if kind is _MappingStart else [], path, event.anchor, 1, None]
            stack.append(top)
            continue
        if kind is _Alias:
            if top is not None and top[4] is None and type(top[0]) is dict:
                return None  # an alias as a key
            found = anchors.get(event.anchor or "")
            if found is None:
                return None
            value, size = found
            nodes += size
            mark = event.start_mark
            here = _new(Mark, (mark.line + 1, mark.column + 1))
        elif kind is _DocumentStart:
            documents += 1
            if documents > 1:
                return None
            continue
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            done = stack.pop()
            value, size = done[0], done[3]
            if done[2] is not None:
                anchors[done[2]] = (value, size)
            top = stack[-1] if stack else None
            here = None
        else:
            continue  # the stream's and document's framing
        if nodes > MAX_NODES:
            return None
        # A finished list or mapping, or an alias's value, goes into its parent.
        if top is None:
            if here is not None:
                values.setdefault((), here)
            root = value
            continue
        container = top[0]
        if type(container) is dict:
            if here is not None:
                values.setdefault((*top[1], top[4]), here)
            container[top[4]] = value
            top[4] = None
        else:
            if here is not None:
                values.setdefault((*top[1], len(container)), here)
            container.append(value)
        top[3] += size
    if nodes > MAX_NODES:
        return None
    return root, values, keys


def _located(
    source: str,
    root: Any,
    values: dict[Path, Mark] | None = None,
    keys: dict[Path, Mark] | None = None,
    *,
    find: Callable[[], tuple[dict[Path, Mark], dict[Path, Mark]]] | None = None,
) -> Located:
    located = Located(source, root, values, keys, find=find)
    if root is None:
        raise PolicyError([_issue(source, Mark(1, 1), "the policy is empty", "empty")])
    if not isinstance(root, dict):
        raise PolicyError(
            [
                _issue(
                    source,
                    located.values.get((), Mark(1, 1)),
                    "a policy is a mapping of sections (memberkit, program, ...)",
                    "not_a_mapping",
                )
            ]
        )
    return located


def _too_big(size: int) -> str:
    return f"the file is {size:,} bytes; a policy may be at most {MAX_BYTES:,} bytes"


def _offset_mark(data: bytes, offset: int) -> Mark:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return Mark(line, column)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's complaint as a policy author can act on it: what is wrong and how to fix it."""
    problem = exc.problem or ""
    context = exc.context or ""
    opened = exc.context_mark.line + 1 if exc.context_mark is not None else None
    since = f" (the block that starts on line {opened})" if opened is not None else ""
    if "expected <block end>" in problem or ("expected ':'" in problem and "simple key" in context):
        return (
            "not valid YAML: this line is indented differently from the lines above it"
            f"{since}; keys of one mapping, and the '- ' items of one list, must start in the "
            "same column (use spaces, not tabs)"
        )
    if problem == "mapping values are not allowed here":
        return (
            "not valid YAML: a ':' where a value was expected; either this line is indented "
            "too far, or a value that contains ': ' needs quotes"
        )
    if "found character '\\t'" in problem or "'\\t' that cannot start any token" in problem:
        return "not valid YAML: a tab character; indent with spaces"
    if "found unexpected end of stream" in problem and "quoted scalar" in context:
        where = f" (it opens on line {opened})" if opened is not None else ""
        return f"not valid YAML: a quote is not closed{where}"
    parts = [p for p in (context, problem) if p]
    text = "; ".join(parts) or "not valid YAML"
    return f"not valid YAML: {text}"
